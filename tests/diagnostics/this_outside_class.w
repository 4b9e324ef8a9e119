// expect: E0325 at 2:7 "`this` outside of a class"
log("{this}");
