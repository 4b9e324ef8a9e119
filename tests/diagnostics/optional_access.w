// expect: E0327 at 3:9 "`name` may be nil; use `?.` to access its members"
let name: str? = nil;
let n = name.length;
