// expect: E0209 at 5:16 "an `unphased` method is only allowed in standard library declarations"
// expect: E0209 at 6:7 "a method without a body is only allowed in standard library declarations"
class Helper {
  new() { }
  pub unphased shared(): num { return 1; }
  pub declared(): str;
}
