// expect: E0311 at 3:1 "cannot assign to an element of `Array<num>`"
let items = [1, 2, 3];
items[0] = 10;
