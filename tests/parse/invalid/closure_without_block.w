let f = (x: num) => x + 1;
