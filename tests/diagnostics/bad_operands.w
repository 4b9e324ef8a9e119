// expect: E0307 at 2:21 "operator `+` cannot be applied to `str` and `num`"
let label = "port " + 8080;
