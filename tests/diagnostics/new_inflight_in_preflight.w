// expect: E0413 at 5:9 "cannot create the inflight class `Parser` in preflight code"
inflight class Parser {
  pub parse(s: str): num { return num.fromStr(s); }
}
let p = new Parser();
