// expect: E0305 at 4:9 "`!` needs an optional value, but the type is `str`"
// expect: E0305 at 5:9 "`??` needs an optional value, but the type is `str`"
let name = "web";
let n = name!;
let m = name ?? "none";
