// expect: E0317 at 5:24 "`MemoryStore` does not implement `put` of interface `IStore`"
interface IStore {
  inflight put(key: str, value: str): void;
}
class MemoryStore impl IStore {
  new() { }
}
