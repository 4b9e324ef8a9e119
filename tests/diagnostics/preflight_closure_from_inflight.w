// expect: E0412 at 4:3 "cannot call the preflight function `configure` from inflight code"
let configure = () => { log("configuring"); };
test "calls a preflight closure" {
  configure();
}
