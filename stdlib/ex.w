// The `ex` module (`bring ex;`): experimental resources. Declarations only;
// see resources.json and docs/stdlib.md.

/// A Redis server; the simulator runs it in a real Redis container.
pub class Redis extends Resource {
  /// Creates a Redis server.
  new();
  /// Returns the server's connection URL ("redis://host:port").
  pub inflight url(): str;
  /// Sets a key to a value.
  pub inflight set(key: str, value: str): void;
  /// Returns the value of a key, or nil if it is not set.
  pub inflight get(key: str): str?;
  /// Sets a field of the hash stored at a key and returns the number of fields added.
  pub inflight hset(key: str, field: str, value: str): num;
  /// Returns a field of the hash stored at a key, or nil.
  pub inflight hget(key: str, field: str): str?;
  /// Adds a member to the set stored at a key and returns the number added.
  pub inflight sadd(key: str, value: str): num;
  /// Returns the members of the set stored at a key.
  pub inflight smembers(key: str): Array<str>;
  /// Removes a key and returns the number of keys removed.
  pub inflight del(key: str): num;
}
