// expect: E0201 at 5:10 "`cloud.Bucket` has no member `putt`"
bring cloud;
let bucket = new cloud.Bucket();
test "calls a method that does not exist" {
  bucket.putt("k", "v");
}
