// expect: E0314 at 2:1 "`return` outside of a function"
return 42;
