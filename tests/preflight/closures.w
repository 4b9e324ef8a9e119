// output: 55
// output: 0
// output: 1
// output: 2
// output: 7
// A closure that calls itself, and closures made in a loop: each keeps its
// own iteration's value (copied when it is created), as in Wing. A `let var`
// stays shared with the code that declared it.
let fib = (n: num): num => {
  if n < 2 { return n; }
  return fib(n - 1) + fib(n - 2);
};
log("{fib(10)}");

let fns = MutArray<(): num>[];
for i in 0..3 {
  fns.push((): num => { return i; });
}
for f in fns { log("{f()}"); }

let var total = 1;
let bump = () => { total = total + 3; };
bump();
bump();
log("{total}");
