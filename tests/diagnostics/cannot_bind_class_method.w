// expect: E0602 at 17:11 "a container cannot call `watch` of `main.Feed` (tests/diagnostics/cannot_bind_class_method.w:12:16): parameter `handler` has type `inflight (str): void`, which cannot cross JSON"
// expect: E0602 at 17:11 "`hidden` is not a `pub inflight` method of `main.Feed`; valid methods: `latest`, `watch`"
// A user class bound to a workload: a container calls its methods with JSON,
// so a closure parameter cannot cross, and only `pub inflight` methods bind.
bring cloud;
bring containers;

class Feed {
  items: cloud.Queue;
  new() { this.items = new cloud.Queue(); }
  pub inflight latest(): str? { return this.items.pop(); }
  pub inflight watch(handler: inflight (str): void): void { handler("x"); }
  inflight hidden(): void {}
}

let feed = new Feed();
let web = new containers.Workload(
  name: "web",
  image: "nginx:1.27",
  bindings: { "FEED" => feed.allow(["latest", "watch", "hidden"]) },
) as "web";
