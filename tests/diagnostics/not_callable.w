// expect: E0304 at 3:1 "`port` is not callable"
let port = 8080;
port();
