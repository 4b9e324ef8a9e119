// expect: E0217 at 7:11 "`next` is static; use it as `Ids.next`"
class Ids {
  new() { }
  pub static next(): num { return 1; }
}
let ids = new Ids();
log("{ids.next()}");
