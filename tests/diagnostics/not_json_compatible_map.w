// expect: E0324 at 5:41 "a value of type `cloud.Bucket` is not Json-compatible"
// A map of resources is written with `=>`; `{ k: v }` holds Json values.
bring cloud;
let bucket = new cloud.Bucket();
let byName: Map<cloud.Bucket> = { main: bucket };
