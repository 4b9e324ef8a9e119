// expect: E0405 at 8:7 "`token` is an inflight member and cannot be accessed from preflight code"
class Session {
  pub inflight token: str;
  new() { }
  inflight new() { this.token = "t"; }
}
let s = new Session();
log(s.token);
