// expect: E0407 at 3:5 "cannot call the inflight function `greet` from preflight code"
let greet = inflight (name: str): str => { return "hi {name}"; };
log(greet("preflight"));
