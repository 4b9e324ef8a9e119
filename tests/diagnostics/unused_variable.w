// expect: W0001 at 3:7 "unused variable `unused`"
let handler = inflight () => {
  let unused = 42;
  let _ignored = 1;
};
