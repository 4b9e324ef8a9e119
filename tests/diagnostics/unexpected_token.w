// expect: E0106 at 3:1 "unexpected `)`"
let a = 1;
) let b = 2;
