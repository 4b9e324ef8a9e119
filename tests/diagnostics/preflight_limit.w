// expect: E0502 at 1:1 "preflight code did not finish"
let var n = 0;
while true {
  n = n + 1;
}
