// expect: E0204 at 3:5 "`port` is already defined in this scope"
let port = 8080;
let port = 9090;
