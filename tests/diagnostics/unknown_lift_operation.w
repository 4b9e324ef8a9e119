// expect: E0408 at 5:24 "`cloud.Bucket` has no inflight operation `puts`"
bring cloud;
let bucket = new cloud.Bucket();
test "qualifies an operation that does not exist" {
  lift { bucket: [put, puts] } {
    bucket.put("k", "v");
  }
}
