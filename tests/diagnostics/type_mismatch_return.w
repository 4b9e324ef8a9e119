// expect: E0300 at 3:10 "expected type `num`, found `str`"
let double = (x: num): num => {
  return "{x * 2}";
};
