// The `std` module: global functions, the builtin value types and the
// resource base class. Always loaded; every public declaration here is in
// scope unqualified in every module and also reachable as `std.X`.
// Declarations only: the compiler and the runtime implement them.
// Conventions: docs/stdlib.md.

/// Functions callable anywhere without a prefix.
pub class Std {
  /// Prints a value (a string, number, boolean, enum or Json) to the log.
  pub static unphased log(value: any): void;
  /// Throws an error when the condition is false.
  pub static unphased assert(condition: bool, message: str?): void;
  /// Casts a value to any type without checking; unsafe at run time.
  pub static unphased unsafeCast(value: any): any;
}

// ---------------------------------------------------------------- resources

/// Something a container can be granted access to: a resource or `resource.allow(ops)`.
pub interface IBindable {}

/// A resource together with the inflight operations a container may call on it.
pub class Binding impl IBindable {
  /// The resource being bound.
  pub resource: Resource;
  /// The names of the inflight operations granted.
  pub ops: Array<str>;
}

/// The base of every resource: a preflight object with a path id in the resource tree.
pub class Resource impl IBindable {
  /// Grants a container only the given inflight operations of this resource.
  pub allow(ops: Array<str>): Binding;
}

// ---------------------------------------------------------------- value types

/// Options for validating Json against a type.
pub struct JsonValidationOptions {
  /// Skips validation (wrong data fails later at run time).
  unsafe: bool?;
}

/// Options for `Json.stringify`.
pub struct JsonStringifyOptions {
  /// The number of spaces to indent nested values with.
  indent: num;
}

/// A key and its value in a Json object.
pub struct JsonEntry {
  /// The entry's key.
  key: str;
  /// The entry's value.
  value: Json;
}

/// The methods of `str` values.
pub class String {
  /// Parses a string from Json, failing if it is not a string.
  pub static unphased fromJson(json: Json, options: JsonValidationOptions?): str;
  /// The number of characters in the string.
  pub length: num;
  /// Returns the character at an index; throws if it is out of bounds.
  pub unphased at(index: num): str;
  /// Returns this string followed by another.
  pub unphased concat(strN: str): str;
  /// Tells whether the string contains a substring.
  pub unphased contains(searchString: str): bool;
  /// Tells whether the string ends with a substring.
  pub unphased endsWith(searchString: str): bool;
  /// Returns the index of the first occurrence of a substring, or -1.
  pub unphased indexOf(searchString: str): num;
  /// Returns the string in lower case.
  pub unphased lowercase(): str;
  /// Splits the string at every occurrence of a separator.
  pub unphased split(separator: str): Array<str>;
  /// Tells whether the string starts with a substring.
  pub unphased startsWith(searchString: str): bool;
  /// Returns the part between two indexes (the end is exclusive and defaults to the length).
  pub unphased substring(indexStart: num, indexEnd: num?): str;
  /// Replaces the first occurrence of a substring.
  pub unphased replace(searchString: str, replaceString: str): str;
  /// Replaces every occurrence of a substring.
  pub unphased replaceAll(searchString: str, replaceString: str): str;
  /// Removes whitespace from both ends.
  pub unphased trim(): str;
  /// Returns the string in upper case.
  pub unphased uppercase(): str;
}

/// The static methods of `num`.
pub class Number {
  /// Parses a number from Json, failing if it is not a number.
  pub static unphased fromJson(json: Json, options: JsonValidationOptions?): num;
  /// Parses a number from a string; throws if it is not a number.
  pub static unphased fromStr(value: str): num;
}

/// The static methods of `bool`.
pub class Boolean {
  /// Parses a boolean from Json, failing if it is not a boolean.
  pub static unphased fromJson(json: Json, options: JsonValidationOptions?): bool;
}

/// A length of time (`duration` values such as `30s`).
pub class Duration {
  /// Makes a duration of a number of milliseconds.
  pub static unphased fromMilliseconds(amount: num): duration;
  /// Makes a duration of a number of seconds.
  pub static unphased fromSeconds(amount: num): duration;
  /// Makes a duration of a number of minutes.
  pub static unphased fromMinutes(amount: num): duration;
  /// Makes a duration of a number of hours.
  pub static unphased fromHours(amount: num): duration;
  /// Makes a duration of a number of days.
  pub static unphased fromDays(amount: num): duration;
  /// Makes a duration of a number of months (a twelfth of 365 days).
  pub static unphased fromMonths(amount: num): duration;
  /// Makes a duration of a number of years (365 days).
  pub static unphased fromYears(amount: num): duration;
  /// The duration in milliseconds.
  pub milliseconds: num;
  /// The duration in seconds.
  pub seconds: num;
  /// The duration in minutes.
  pub minutes: num;
  /// The duration in hours.
  pub hours: num;
  /// The duration in days.
  pub days: num;
  /// The duration in months (a twelfth of 365 days).
  pub months: num;
  /// The duration in years (365 days).
  pub years: num;
}

/// An immutable array (`Array<T>`).
pub class Array<T> {
  /// The number of elements.
  pub length: num;
  /// Returns the element at an index; throws if it is out of bounds.
  pub unphased at(index: num): T;
  /// Returns the element at an index, or nil if it is out of bounds.
  pub unphased tryAt(index: num): T?;
  /// Returns a new array with the elements of this one followed by those of another.
  pub unphased concat(arr: Array<T>): Array<T>;
  /// Tells whether the array contains a value.
  pub unphased contains(searchElement: T): bool;
  /// Returns a mutable shallow copy.
  pub unphased copyMut(): MutArray<T>;
  /// Returns the index of the first occurrence of a value, or -1.
  pub unphased indexOf(searchElement: T): num;
  /// Joins the elements into a string with a separator (default ",").
  pub unphased join(separator: str?): str;
  /// Returns the index of the last occurrence of a value, or -1.
  pub unphased lastIndexOf(searchElement: T): num;
  /// Returns the elements from start (inclusive) to end (exclusive).
  pub unphased slice(start: num?, end: num?): Array<T>;
}

/// A mutable array (`MutArray<T>`).
pub class MutArray<T> {
  /// The number of elements.
  pub length: num;
  /// Returns the element at an index; throws if it is out of bounds.
  pub unphased at(index: num): T;
  /// Removes every element.
  pub unphased clear(): void;
  /// Returns a new array with the elements of this one followed by those of another.
  pub unphased concat(arr: MutArray<T>): MutArray<T>;
  /// Tells whether the array contains a value.
  pub unphased contains(searchElement: T): bool;
  /// Returns an immutable shallow copy.
  pub unphased copy(): Array<T>;
  /// Returns the index of the first occurrence of a value, or -1.
  pub unphased indexOf(searchElement: T): num;
  /// Inserts a value at an index; throws if the index is beyond the end.
  pub unphased insert(index: num, value: T): void;
  /// Joins the elements into a string with a separator (default ",").
  pub unphased join(separator: str?): str;
  /// Returns the index of the last occurrence of a value, or -1.
  pub unphased lastIndexOf(searchElement: T): num;
  /// Removes and returns the last element.
  pub unphased pop(): T;
  /// Removes and returns the element at an index; throws if it is out of bounds.
  pub unphased popAt(index: num): T;
  /// Appends a value at the end.
  pub unphased push(value: T): void;
  /// Removes the first occurrence of a value and tells whether there was one.
  pub unphased removeFirst(value: T): bool;
  /// Replaces the element at an index; throws if it is out of bounds.
  pub unphased set(index: num, value: T): void;
  /// Returns the elements from start (inclusive) to end (exclusive).
  pub unphased slice(start: num?, end: num?): MutArray<T>;
}

/// A key and its value in a map, as returned by `entries()`.
pub class ArrayEntry<T> {
  /// The entry's key.
  pub key: str;
  /// The entry's value.
  pub value: T;
}

/// An immutable map from strings to values (`Map<T>`).
pub class Map<T> {
  /// Returns the number of entries.
  pub unphased size(): num;
  /// Returns a copy that can be changed.
  pub unphased copyMut(): MutMap<T>;
  /// Returns the entries as key/value pairs.
  pub unphased entries(): Array<ArrayEntry<T>>;
  /// Returns the value of a key; throws if the key is missing.
  pub unphased get(key: str): T;
  /// Tells whether the map has a key.
  pub unphased has(key: str): bool;
  /// Returns the keys.
  pub unphased keys(): Array<str>;
  /// Returns the value of a key, or nil if it is missing.
  pub unphased tryGet(key: str): T?;
  /// Returns the values.
  pub unphased values(): Array<T>;
}

/// A mutable map from strings to values (`MutMap<T>`).
pub class MutMap<T> {
  /// Returns the number of entries.
  pub unphased size(): num;
  /// Removes every entry.
  pub unphased clear(): void;
  /// Returns an immutable shallow copy.
  pub unphased copy(): Map<T>;
  /// Removes a key and tells whether it is gone.
  pub unphased delete(key: str): bool;
  /// Returns the entries as key/value pairs.
  pub unphased entries(): Array<ArrayEntry<T>>;
  /// Returns the value of a key; throws if the key is missing.
  pub unphased get(key: str): T;
  /// Tells whether the map has a key.
  pub unphased has(key: str): bool;
  /// Returns the keys.
  pub unphased keys(): Array<str>;
  /// Adds or replaces the value of a key.
  pub unphased set(key: str, value: T): void;
  /// Returns the value of a key, or nil if it is missing.
  pub unphased tryGet(key: str): T?;
  /// Returns the values.
  pub unphased values(): Array<T>;
}

/// An immutable set of values (`Set<T>`).
pub class Set<T> {
  /// The number of values.
  pub size: num;
  /// Returns a copy that can be changed.
  pub unphased copyMut(): MutSet<T>;
  /// Tells whether the set has a value.
  pub unphased has(value: T): bool;
  /// Returns the values as an array.
  pub unphased toArray(): Array<T>;
}

/// A mutable set of values (`MutSet<T>`).
pub class MutSet<T> {
  /// The number of values.
  pub size: num;
  /// Adds a value and returns the set.
  pub unphased add(value: T): MutSet<T>;
  /// Removes every value.
  pub unphased clear(): void;
  /// Returns an immutable shallow copy.
  pub unphased copy(): Set<T>;
  /// Removes a value and tells whether it was in the set.
  pub unphased delete(value: T): bool;
  /// Tells whether the set has a value.
  pub unphased has(value: T): bool;
  /// Returns the values as an array.
  pub unphased toArray(): Array<T>;
}

/// Immutable Json data.
pub class Json {
  /// Returns the keys of a Json object.
  pub static unphased keys(json: Json): Array<str>;
  /// Returns the values of a Json object.
  pub static unphased values(json: Json): Array<Json>;
  /// Returns the key/value pairs of a Json object.
  pub static unphased entries(json: Json): Array<JsonEntry>;
  /// Removes a key from a mutable Json object.
  pub static unphased delete(json: MutJson, key: str): void;
  /// Formats Json as a string, optionally indented.
  pub static unphased stringify(json: Json, options: JsonStringifyOptions?): str;
  /// Returns an immutable deep copy of mutable Json.
  pub static unphased deepCopy(json: MutJson): Json;
  /// Returns a mutable deep copy of Json.
  pub static unphased deepCopyMut(json: Json): MutJson;
  /// Parses a string as Json; throws if it is not valid Json.
  pub static unphased parse(value: str): Json;
  /// Parses a string as Json, or returns nil if it is not valid Json.
  pub static unphased tryParse(value: str?): Json?;
  /// Tells whether a Json object has a key.
  pub unphased has(key: str): bool;
  /// Returns the value of a key; throws if it is missing.
  pub unphased get(key: str): Json;
  /// Returns the element at an index of a Json array; throws if it is missing.
  pub unphased getAt(index: num): Json;
  /// Returns the value of a key, or nil.
  pub unphased tryGet(key: str): Json?;
  /// Returns the element at an index of a Json array, or nil.
  pub unphased tryGetAt(index: num): Json?;
  /// Returns the value as a string; throws if it is not one.
  pub unphased asStr(): str;
  /// Returns the value as a string, or nil if it is not one.
  pub unphased tryAsStr(): str?;
  /// Returns the value as a number; throws if it is not one.
  pub unphased asNum(): num;
  /// Returns the value as a number, or nil if it is not one.
  pub unphased tryAsNum(): num?;
  /// Returns the value as a boolean; throws if it is not one.
  pub unphased asBool(): bool;
  /// Returns the value as a boolean, or nil if it is not one.
  pub unphased tryAsBool(): bool?;
}

/// Mutable Json data.
pub class MutJson {
  /// Tells whether a Json object has a key.
  pub unphased has(key: str): bool;
  /// Returns the value of a key; throws if it is missing.
  pub unphased get(key: str): MutJson;
  /// Returns the element at an index of a Json array; throws if it is missing.
  pub unphased getAt(index: num): MutJson;
  /// Sets the value of a key.
  pub unphased set(key: str, value: MutJson): void;
  /// Sets the element at an index of a Json array.
  pub unphased setAt(index: num, value: MutJson): void;
  /// Returns the value of a key, or nil.
  pub unphased tryGet(key: str): MutJson?;
  /// Returns the element at an index of a Json array, or nil.
  pub unphased tryGetAt(index: num): MutJson?;
  /// Removes a key and tells whether it is gone.
  pub unphased delete(key: str): bool;
  /// Returns the value as a string; throws if it is not one.
  pub unphased asStr(): str;
  /// Returns the value as a string, or nil if it is not one.
  pub unphased tryAsStr(): str?;
  /// Returns the value as a number; throws if it is not one.
  pub unphased asNum(): num;
  /// Returns the value as a number, or nil if it is not one.
  pub unphased tryAsNum(): num?;
  /// Returns the value as a boolean; throws if it is not one.
  pub unphased asBool(): bool;
  /// Returns the value as a boolean, or nil if it is not one.
  pub unphased tryAsBool(): bool?;
}

/// The static methods every struct type has (`Opts.fromJson(j)`); `T` is the struct.
pub class Struct<T> {
  /// Converts Json to the struct; throws if it does not match.
  pub static unphased fromJson(json: Json, options: JsonValidationOptions?): T;
  /// Converts Json to the struct, or returns nil if it does not match.
  pub static unphased tryFromJson(json: Json): T?;
  /// Parses a Json string into the struct; throws if it does not match.
  pub static unphased parseJson(json: str): T;
  /// Parses a Json string into the struct, or returns nil if it does not match.
  pub static unphased tryParseJson(json: str?): T?;
}
