// The `expect` module (`bring expect;`): assertions for tests. Module
// functions are the static methods of class Expect. See docs/stdlib.md.

/// Assertions that throw when they fail.
pub class Expect {
  /// Fails unless two values are deeply equal.
  pub static unphased equal(actual: any, expected: any): void;
  /// Fails if two values are deeply equal.
  pub static unphased notEqual(actual: any, expected: any): void;
  /// Fails unless a value is nil.
  pub static unphased nil(actual: any): void;
  /// Fails if a value is nil.
  pub static unphased notNil(actual: any): void;
  /// Fails unless a string matches a regular expression.
  pub static unphased match(actual: str, expected: str): void;
  /// Fails if a string matches a regular expression.
  pub static unphased doesNotMatch(actual: str, expected: str): void;
  /// Fails unless a condition is true.
  pub static unphased ok(condition: bool, message: str?): void;
  /// Fails always.
  pub static unphased fail(message: str?): void;
}
