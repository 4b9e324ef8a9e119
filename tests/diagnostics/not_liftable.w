// expect: E0409 at 4:12 "inflight code cannot use the preflight value `makeName` of type `(): str`"
let makeName = (): str => { return "name"; };
test "keeps a preflight function" {
  let _f = makeName;
}
