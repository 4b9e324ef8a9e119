// expect: E0305 at 3:12 "`if let` needs an optional value, but the type is `num`"
let port = 8080;
if let p = port {
  log("{p}");
}
