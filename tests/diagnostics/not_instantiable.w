// expect: E0316 at 3:13 "cannot create an instance of struct `Point`"
struct Point { x: num; y: num; }
let p = new Point();
