// expect: E0410 at 5:10 "`lift` qualifies preflight objects, but `buckets` has type `Array<cloud.Bucket>`"
bring cloud;
let buckets = [new cloud.Bucket() as "b1", new cloud.Bucket() as "b2"];
test "qualifies an array" {
  lift { buckets: [at] } {
    log("{buckets.length}");
  }
}
