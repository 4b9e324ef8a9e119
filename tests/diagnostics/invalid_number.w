// expect: E0104 at 2:9 "invalid number literal `12abc`"
let n = 12abc;
