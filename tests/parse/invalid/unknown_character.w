let x = 5 $ 3;
