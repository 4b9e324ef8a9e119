// expect: E0406 at 16:17 "`b` is a preflight member and cannot be accessed from inflight code"
// A lift block lets inflight code use an unidentified object's inflight
// operations, not its preflight fields.
bring cloud;
class Box {
  pub b: cloud.Bucket;
  new() { this.b = new cloud.Bucket(); }
  pub inflight touch() { this.b.put("k", "v"); }
}
let b1 = new Box() as "b1";
let b2 = new Box() as "b2";
let boxes = [b1, b2];
test "uses a lift block" {
  lift { b1: [touch], b2: [touch] } {
    boxes.at(0).touch();
    boxes.at(1).b.put("k", "v");
  }
}
