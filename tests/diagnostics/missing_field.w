// expect: E0303 at 6:9 "missing required field `port` of `Opts`"
struct Opts {
  name: str;
  port: num;
}
let o = Opts { name: "web" };
