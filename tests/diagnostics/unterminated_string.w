// expect: E0103 at 2:9 "unterminated string literal"
let s = "never closed;
