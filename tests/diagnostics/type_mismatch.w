// expect: E0300 at 2:17 "expected type `num`, found `str`"
let port: num = "8080";
