// expect: E0312 at 3:1 "`count` is not reassignable; declare it with `let var`"
let count = 0;
count = count + 1;
