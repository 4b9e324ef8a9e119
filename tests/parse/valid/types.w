// Types as written in annotations.
bring cloud;

let n: num = 1;
let s: str = "s";
let b: bool = true;
let d: duration = 1s;
let a: any = 1;
let j: Json = Json {};
let mj: MutJson = MutJson {};
let arr: Array<str> = [];
let marr: MutArray<num> = MutArray<num>[];
let m: Map<str> = {};
let mm: MutMap<bool> = MutMap<bool>{};
let st: Set<num> = Set<num>[];
let mst: MutSet<str> = MutSet<str>{};
let nested: Map<Array<Map<str>>> = {};
let q: cloud.Queue? = nil;
let opt: str? = nil;
let optArr: Array<str?>? = nil;
let fn1: (str, num): void = (x: str, y: num) => {};
let fn2: (): str = (): str => { return ""; };
let fn3: inflight (str): void = inflight (x: str) => {};
let fn4: unphased (num): num = unphased (x: num): num => { return x; };
let fn5: ((): str)? = nil;
let fn6: (): str? = (): str? => { return nil; };
let fn7: inflight (cloud.ApiRequest): cloud.ApiResponse? = inflight (r) => { return nil; };
let fnHigher: ((num): num): (num): num = (f: (num): num): (num): num => { return f; };
let paren: (str) = "x";

struct Holder {
  handler: inflight (str): void;
  maybe: (): num?;
  list: Array<(num): num>;
}
