// expect: E0309 at 3:13 "a value of type `num` cannot be indexed"
let n = 42;
let first = n[0];
