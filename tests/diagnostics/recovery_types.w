// expect: E0300 at 7:14 "expected type `num`, found `str`"
// expect: E0200 at 8:9 "unknown name `missing`"
// expect: E0201 at 10:11 "`num` has no member `nope`"
// expect: E0300 at 11:14 "expected type `str`, found `num`"
// Independent errors are all reported, and a failed expression does not
// produce more errors downstream.
let a: num = "one";
let b = missing + 1;
let c = b * 2;
let d = a.nope.deeper;
let e: str = 5;
