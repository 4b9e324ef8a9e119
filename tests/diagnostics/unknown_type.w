// expect: E0202 at 3:9 "unknown type `nm`"
struct Settings {
  port: nm;
}
