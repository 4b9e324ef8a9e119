// expect: E0211 at 3:3 "`bring` must be at the top level of a file"
if true {
  bring cloud;
}
