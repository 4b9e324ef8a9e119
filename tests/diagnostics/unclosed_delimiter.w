// expect: E0102 at 2:9 "missing `}` to close the `{`"
if true {
  log("open");
