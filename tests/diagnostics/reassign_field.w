// expect: E0328 at 5:17 "field `value` is not reassignable; declare it with `var`"
class Counter {
  value: num;
  new() { this.value = 0; }
  pub reset() { this.value = 0; }
}
