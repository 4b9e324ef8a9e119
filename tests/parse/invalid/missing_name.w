let = 5;
