// expect: E0101 at 2:10 "expected `;` after the statement"
let x = 1
let y = 2;
