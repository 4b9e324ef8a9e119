// expect: E0319 at 3:27 "duplicate field `name`"
struct Opts { name: str; }
let o = Opts { name: "a", name: "b" };
