// Standard-library declaration syntax: bodyless members, type parameters,
// unphased methods. The checker allows these only in stdlib/*.w.

/// An immutable list.
pub class Array<T> {
  pub length: num;
  pub unphased at(index: num): T;
  pub unphased tryAt(index: num): T?;
  pub unphased copyMut(): MutArray<T>;
  pub unphased join(separator: str?): str;
}

pub class Map<T> {
  pub unphased get(key: str): T;
  pub unphased has(key: str): bool;
  pub unphased keys(): Array<str>;
}

pub class Json {
  pub static unphased stringify(json: any): str;
  pub static unphased parse(str: str): Json;
}

/// A bucket of objects.
pub class Bucket {
  new(props: BucketProps?);
  pub addObject(key: str, body: str): void;
  pub inflight put(key: str, body: str): void;
  pub inflight get(key: str): str;
  pub inflight tryGet(key: str): str?;
  pub inflight list(prefix: str?): Array<str>;
}

pub struct BucketProps {
  public: bool?;
}

pub class Util {
  pub static sleep(d: duration): void;
  pub static inflight waitUntil(fn: inflight (): bool, timeout: duration?): bool;
  pub static unphased env(name: str): str;
}

pub class Pair<K, V> {
  pub first: K;
  pub second: V;
}

let f = unphased (x: num): num => { return x; };
