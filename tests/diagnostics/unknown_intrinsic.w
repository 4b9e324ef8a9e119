// expect: E0210 at 2:12 "unknown intrinsic `@dirnam`"
let here = @dirnam;
