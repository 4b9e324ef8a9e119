// expect: E0100 at 3:3 "an interface cannot have a constructor"
interface IStore {
  new();
}
