// expect: E0404 at 10:3 "inflight code cannot tell which preflight object `boxes.at(i)` refers to; qualify it with a `lift` block"
bring cloud;
class Box {
  pub b: cloud.Bucket;
  new() { this.b = new cloud.Bucket(); }
}
let boxes = [new Box() as "b1", new Box() as "b2"];
test "reaches a bucket through an index" {
  let i = 1;
  boxes.at(i).b.put("k", "v");
}
