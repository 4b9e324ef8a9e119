// expect: E0213 at 3:22 "`IShape` is not a class"
interface IShape { area(): num; }
class Square extends IShape {
  new() { }
}
