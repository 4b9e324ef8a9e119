// expect: E0318 at 3:3 "field `port` is not initialized in the constructor of `Server`"
class Server {
  port: num;
  new() { }
}
