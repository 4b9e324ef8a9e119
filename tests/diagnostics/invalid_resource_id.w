// expect: E0503 at 4:9 "an id cannot be empty"
// expect: E0503 at 5:9 "an id cannot contain `/`"
bring cloud;
let a = new cloud.Bucket() as "";
let b = new cloud.Bucket() as "a/b";
