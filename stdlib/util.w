// The `util` module (`bring util;`): module functions are the static methods
// of class Util (`util.sleep(1s)`). Declarations only; see docs/stdlib.md.

/// Options of `util.waitUntil`.
pub struct WaitUntilProps {
  /// How long to keep trying (default 1m).
  timeout: duration?;
  /// The time between two tries (default 100ms).
  interval: duration?;
  /// Whether to throw when the timeout elapses, rather than return false (default true).
  throws: bool?;
}

/// Options of `util.nanoid`.
pub struct NanoidOptions {
  /// The length of the id (default 21).
  size: num?;
  /// The characters the id is made of, at most 256 (default: URL-safe letters, digits, "_" and "-").
  alphabet: str?;
}

/// Utility functions.
pub class Util {
  /// Returns an environment variable; throws if it is unset or empty.
  pub static unphased env(name: str): str;
  /// Returns an environment variable, or nil if it is unset or empty.
  pub static unphased tryEnv(name: str): str?;
  /// Encodes a UTF-8 string as base64 (URL-safe when `url` is true).
  pub static unphased base64Encode(stringToEncode: str, url: bool?): str;
  /// Decodes a base64 string to UTF-8 (URL-safe input when `url` is true).
  pub static unphased base64Decode(stringToDecode: str, url: bool?): str;
  /// Returns the SHA-256 hash of a string, in hex.
  pub static unphased sha256(data: str): str;
  /// Returns a new random version 4 UUID.
  pub static unphased uuidv4(): str;
  /// Returns a new random id of URL-safe characters.
  pub static unphased nanoid(options: NanoidOptions?): str;
  /// Pauses for a duration.
  pub static inflight sleep(delay: duration): void;
  /// Calls a predicate until it returns true or the timeout elapses; returns whether it did.
  pub static inflight waitUntil(predicate: inflight (): bool, props: WaitUntilProps?): bool;
}
