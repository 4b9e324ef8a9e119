// expect: E0219 at 8:7 "`y` here is the outer `y`, but this block declares its own later"
// expect: E0219 at 13:11 "`x` here is the outer `x`"
// Using an outer name and then declaring the same name in the block would
// change what the first use means; Wing rejects it, and so does wdsl.
let y = "outer";
let x = 1;
let f = () => {
  log(y);
  let y = "inner";
  log(y);
};
if true {
  let x = x + 1;
  log("{x}");
}

// A preflight value used in inflight code is a lift, not a capture of the
// binding: Wing accepts declaring the name again after it.
test "lifted then redeclared" {
  assert(y == "outer");
  let y = "z";
  assert(y == "z");
}
