// expect: E0400 at 4:1 "`bucket.put` is an inflight method and cannot be called from preflight code"
bring cloud;
let bucket = new cloud.Bucket();
bucket.put("key", "value");
