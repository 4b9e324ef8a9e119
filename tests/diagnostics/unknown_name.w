// expect: E0200 at 5:3 "unknown name `bukcet`"
bring cloud;
let bucket = new cloud.Bucket();
test "uses a misspelled name" {
  bukcet.put("k", "v");
}
