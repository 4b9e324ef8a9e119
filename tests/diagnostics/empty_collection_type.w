// expect: E0329 at 2:13 "cannot infer the element type of an empty array; write its type, as in `MutArray<str>[]`"
let names = [];
