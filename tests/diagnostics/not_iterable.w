// expect: E0306 at 3:10 "cannot iterate over a value of type `Map<num>`"
let counts = {"a" => 1, "b" => 2};
for c in counts {
  log("{c}");
}
