// expect: E0308 at 2:12 "operator `-` cannot be applied to `bool`"
let flag = -true;
