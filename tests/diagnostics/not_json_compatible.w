// expect: E0324 at 4:28 "a value of type `cloud.Bucket` is not Json-compatible"
bring cloud;
let bucket = new cloud.Bucket();
let config = Json { store: bucket };
