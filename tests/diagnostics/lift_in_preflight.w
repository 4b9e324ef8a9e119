// expect: E0411 at 4:1 "`lift` blocks are only allowed in inflight code"
bring cloud;
let bucket = new cloud.Bucket();
lift { bucket: [put] } {
  log("preflight");
}
