// expect: E0402 at 4:3 "cannot create the preflight class `cloud.Bucket` in inflight code"
bring cloud;
test "creates a bucket at run time" {
  new cloud.Bucket();
}
