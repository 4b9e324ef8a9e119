// expect: E0310 at 3:16 "cannot infer the type of parameter `event`"
// expect: E0310 at 6:5 "cannot infer the type of `nothing` from `nil`"
let handler = (event) => {
  log("got it");
};
let nothing = nil;
