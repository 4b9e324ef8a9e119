// expect: E0313 at 2:33 "`this closure` must return a value of type `str` on every path"
let pick = (flag: bool): str => {
  log("no value is returned");
};
