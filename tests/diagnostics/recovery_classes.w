// expect: E0318 at 8:3 "field `id` is not initialized in the constructor of `Job`"
// expect: E0300 at 10:16 "expected type `inflight (): str`, found `inflight (): num`"
// expect: E0202 at 12:22 "unknown type `Missing`"
// expect: E0201 at 16:7 "`Job` has no member `nothing`"
// Several class errors in one file; checking goes on after each.
interface IRunner { inflight run(): str; }
class Job impl IRunner {
  id: str;
  new() { }
  pub inflight run(): num { return 1; }
}
class Broken extends Missing {
  new() { }
}
let j = new Job();
log(j.nothing);
