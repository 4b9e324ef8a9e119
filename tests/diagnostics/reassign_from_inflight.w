// expect: E0403 at 4:3 "cannot reassign the preflight variable `hits` from inflight code"
let var hits = 0;
test "counts in a preflight variable" {
  hits = hits + 1;
}
