// expect: E0318 at 6:7 "field `name` is not initialized in the constructor of `Shared`"
// A module brought by other cases. It has one error of its own (a field
// never initialized), reported whether it is brought or checked alone, and
// a top-level statement, which only an entry file may have.
pub class Shared {
  pub name: str;
  new() { }
}
class Hidden {
  new() { }
}
let notAllowedInAModule = 1;
