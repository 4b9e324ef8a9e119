// expect: E0301 at 3:7 "expected 2 arguments but got 1"
let add = (a: num, b: num): num => { return a + b; };
log("{add(1)}");
