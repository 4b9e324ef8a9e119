/* comment never closed
let x = 1;
