// expect: E0105 at 2:14 "invalid escape sequence"
let s = "bad \u{zz} escape";
