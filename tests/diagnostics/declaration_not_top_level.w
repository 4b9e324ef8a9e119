// expect: E0218 at 3:3 "struct `Point` must be declared at the top level of a file"
if true {
  struct Point { x: num; y: num; }
}
