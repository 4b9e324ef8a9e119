// expect: E0315 at 4:3 "`break` outside of a loop"
let x = 1;
if x > 0 {
  break;
}
