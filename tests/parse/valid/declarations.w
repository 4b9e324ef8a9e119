// Declarations: structs, enums, interfaces, classes.
bring cloud;

/// Options for a store.
struct StoreOpts {
  name: str;
  port: num?;
  tags: Array<str>?;
}

pub struct ExtendedOpts extends StoreOpts, OtherOpts {
  replicas: num;
}

enum Tier { FREE, PRO, ENTERPRISE }

pub enum Color {
  RED,
  GREEN,
  BLUE,
}

enum Empty {}

interface IStore {
  inflight put(key: str, value: str): void;
  inflight get(key: str): str?;
}

pub interface IAuditedStore extends IStore, cloud.IResource {
  inflight audit(): Array<str>;
  describe(): str;
}

/// A store backed by a bucket.
class Store impl IStore {
  data: cloud.Bucket;
  pub name: str;
  protected var hits: num;
  static kind: str;
  inflight var cache: MutMap<str>;
  pub inflight counter: num;

  new(opts: StoreOpts) {
    this.data = new cloud.Bucket() as "data";
    this.name = opts.name;
    this.hits = 0;
  }

  inflight new() {
    this.cache = MutMap<str>{};
    this.counter = 0;
  }

  /// Stores a value.
  pub inflight put(key: str, value: str) {
    this.data.put(key, value);
    this.cache.set(key, value);
  }

  pub inflight get(key: str): str? {
    return this.data.tryGet(key);
  }

  pub static fmt(x: num): str {
    return "{x}";
  }

  protected describe(): str {
    return "store {this.name}";
  }

  pub inflight static now(): num {
    return 0;
  }

  unphased shared(x: num): num {
    return x + 1;
  }
}

class AuditedStore extends Store impl IAuditedStore, IStore {
  log: MutArray<str>;

  new(opts: StoreOpts) {
    super(opts);
    this.log = MutArray<str>[];
  }

  pub inflight audit(): Array<str> {
    return this.log.copy();
  }

  pub describe(): str {
    return "audited " + super.describe();
  }
}

inflight class Cache {
  entries: MutMap<num>;

  new() {
    this.entries = MutMap<num>{};
  }

  pub get(key: str): num {
    return this.entries.get(key);
  }
}

pub inflight class Helper {
  pub static help(): str {
    return "help";
  }
}

pub class Public {}

class Native {
  extern "./native.js" pub static hash(s: str): str;
  extern "./native.js" static inflight now(): num;
}

let store = new Store(name: "orders", port: 8080);
let tier = Tier.PRO;
