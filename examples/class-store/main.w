// A class-heavy program: a typed key-value store built from a bucket, a
// cache in front of it, shards created in a loop, and a report generator.
bring cloud;
bring util;

enum Tier { FREE, PRO }

struct StoreOptions {
  prefix: str;
  tier: Tier?;
  maxItems: num?;
}

interface IStore {
  inflight put(key: str, value: str): void;
  inflight get(key: str): str?;
}

class Store impl IStore {
  data: cloud.Bucket;
  prefix: str;
  limit: num;

  new(opts: StoreOptions) {
    this.data = new cloud.Bucket();
    this.prefix = opts.prefix;
    this.limit = opts.maxItems ?? 100;
  }

  pub inflight put(key: str, value: str): void {
    if this.data.list().length >= this.limit {
      throw "store {this.prefix} is full";
    }
    this.data.put("{this.prefix}/{key}", value);
  }

  pub inflight get(key: str): str? {
    return this.data.tryGet("{this.prefix}/{key}");
  }

  pub static describe(opts: StoreOptions): str {
    let tier = opts.tier ?? Tier.FREE;
    return "store '{opts.prefix}' ({tier})";
  }
}

class CachedStore impl IStore {
  inner: Store;
  hits: cloud.Counter;

  new(prefix: str) {
    this.inner = new Store(prefix: prefix, tier: Tier.PRO);
    this.hits = new cloud.Counter();
  }

  pub inflight put(key: str, value: str): void {
    this.inner.put(key, value);
  }

  pub inflight get(key: str): str? {
    this.hits.inc();
    return this.inner.get(key);
  }
}

let shards = MutArray<Store>[];
for i in 0..3 {
  shards.push(new Store(prefix: "shard{i}", maxItems: 10 * (i + 1)) as "shard-{i}");
  log(Store.describe(StoreOptions { prefix: "shard{i}" }));
}
let first = shards.at(0);
let cached = new CachedStore("cache") as "cached";

let report = new cloud.Function(inflight (event: Json?): Json? => {
  let var lines = MutArray<str>[];
  for key in ["a", "b"] {
    lines.push("{key}={cached.get(key) ?? "-"}");
  }
  return lines.join(",");
}) as "report";

test "the cache reads through to its store" {
  cached.put("a", "1");
  assert(cached.get("a") == "1");
  assert(cached.get("missing") == nil);
}

test "a full shard refuses new keys" {
  let var failed = false;
  try {
    for i in 0..11 {
      first.put("k{i}", "v");
    }
  } catch e {
    failed = e.contains("full");
  }
  assert(failed);
}
