// expect: E0100 at 8:3 "the interface method `size` needs a return type"
// expect: E0100 at 10:18 "the optional parameter `b` comes before the required parameter `c`"
// expect: E0100 at 12:1 "a `try` block needs a `catch` or a `finally` block"
// Declarations Wing rejects before type checking: an interface method
// without a return type, an optional parameter before a required one, and a
// `try` with nothing after it.
interface IShape {
  size(x: num);
}
let f = (a: num, b: str?, c: bool) => {};
f(1, nil, true);
try {
  log("hello");
}
