// expect: E0214 at 3:20 "`Base` is not an interface"
class Base { new() { } }
class Derived impl Base {
  new() { }
}
