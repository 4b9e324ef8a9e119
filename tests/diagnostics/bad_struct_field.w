// expect: E0322 at 3:3 "struct field `entries` must have an immutable type, found `MutMap<str>`"
struct Cache {
  entries: MutMap<str>;
}
