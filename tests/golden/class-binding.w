// targets: ir sim
// A user class bound to workloads (c:bindings, case 3): each workload may
// call the bound `pub inflight` methods, which run in the simulator; what
// they use (the bucket) becomes the class's lifts, not the workloads'. The
// signatures and the struct and enum they name are in the IR for the
// Resource API and the TypeScript typings. Cloud targets reject it
// (CliTest.UserClassBindingIsAnErrorOnCloudTargets).
bring cloud;
bring containers;

/// One entry of the store.
struct Entry {
  key: str;
  /// Empty when left out.
  value: str?;
  tags: Array<str>?;
}

enum Mode { FAST, SAFE }

class Store {
  data: cloud.Bucket;
  new() {
    this.data = new cloud.Bucket() as "data";
  }
  /// The value under `key`, if any.
  pub inflight get(key: str): str? {
    return this.data.tryGet(key);
  }
  pub inflight put(entry: Entry, mode: Mode?): void {
    this.data.put(entry.key, entry.value ?? "");
  }
  pub inflight keys(): Array<str> {
    return this.data.list();
  }
  inflight secret(): str {
    return "not bindable";
  }
}

let store = new Store() as "store";
new containers.Workload(name: "web", image: "nginx:1.27", port: 80,
  bindings: { "STORE" => store.allow(["get", "put"]) }) as "web";
new containers.Workload(name: "admin", image: "nginx:1.27", bindings: { "ALL" => store }) as "admin";
