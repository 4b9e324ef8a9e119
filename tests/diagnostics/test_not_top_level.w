// expect: E0326 at 3:3 "`test` blocks must be at the top level of the entry file"
test "outer" {
  test "inner" { }
}
