// expect: E0200 at 4:13 "unknown name `util`"
// expect: E0200 at 5:10 "unknown name `util`"
// Using a stdlib module without bringing it.
let q = new util.Queue();
let id = util.uuidv4();
