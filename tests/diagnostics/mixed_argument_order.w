// expect: E0323 at 4:20 "positional argument after a named argument"
struct Opts { verbose: bool?; }
let run = (name: str, opts: Opts) => { log(name); };
run(verbose: true, "job");
