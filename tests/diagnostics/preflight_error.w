// expect: E0501 at 3:9 "Index out of bounds"
let items = [1, 2, 3];
let x = items.at(5);
