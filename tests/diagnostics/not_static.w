// expect: E0216 at 6:13 "`greet` is not static; use it on an instance of `Greeter`"
class Greeter {
  new() { }
  pub greet(): str { return "hi"; }
}
log(Greeter.greet());
