// Expressions: literals, operators, calls, closures.
bring cloud;
bring expect;

// Numbers and durations.
let a = 42;
let b = 3.14;
let c = 1_000_000;
let d = 1e3;
let e = 2.5E-3;
let f = 0;
let timeouts = [100ms, 30s, 5m, 2h, 1d, 1mo, 1y, 1.5s];

// Strings, interpolation, escapes, raw strings.
let name = "world";
let s1 = "hello {name}";
let s2 = "a {name + "c {d}"} e";
let s3 = "brace \{ and \} and quote \" and tab \t and newline \n";
let s4 = "unicode \u{1F600} and \u00e9";
let s5 = "";
let s6 = "{1 + 1}{a}{"nested {"deep {name}"}"}";
let s7 = "object {{ "k": 1 }.get("k")} inside";
let raw = #"{{ not interpolated }} \" {name}";
let rawEmpty = #"";
let multi = "first line
second line";

// Booleans and nil.
let yes = true;
let no = false;
let nothing: str? = nil;

// Collections.
let nums = [1, 2, 3];
let emptyArr = MutArray<str>[];
let strs = Array<str>["a", "b",];
let numSet = Set<num>[1, 2];
let mutSet = MutSet<str>{};
let mapA = {"k" => "v", "k2" => "v2"};
let mapB = Map<num>{"a" => 1};
let mapC = MutMap<str>{};
let byKey = { "ORDERS" => new cloud.Queue() };
let obj = { k: 1, "k2": "two", nested: { deep: [1, 2] } };
let emptyObj = {};
let j1 = Json { a: 1, b: [true, nil], c: { d: "x" } };
let j2 = MutJson { list: [] };
let j3 = Json [1, 2, 3];
let j4 = Json "text";
let parsed = Json.parse("\{}");
let text = Json.stringify(j1);

// Struct literals.
struct Opts { name: str; port: num?; }
let o1 = Opts { name: "x" };
let o2 = Opts { name: "y", port: 80, };
let resp = cloud.ApiResponse { status: 200, body: "ok" };

// Intrinsics.
let dir = @dirname;
let target = @target;
let p = @filePath("x");

// new with ids and scopes.
let q = new cloud.Queue(timeout: 30s) as "orders";
let q2 = new cloud.Queue() as "q-{a}" in this;
let q3 = new cloud.Queue() in q;
let counter = new cloud.Counter(initial: 5);

// Calls with positional then named arguments.
log("x");
expect.equal(1, 1);
util.env("HOME");
configure("web", port: 8080, name: "x");
configure(name: "only named");
configure(1, 2, 3,);

// Member access, optional chaining, unwrap, index.
let m1 = q.timeout;
let m2 = opts?.port;
let m3 = opts?.describe();
let m4 = opts?.inner?.deep?.value ?? 0;
let m5 = nothing!;
let m6 = nums[0];
let m7 = nested[0][1].length;
let m8 = a ?? b ?? c;
let m9 = maybe()!.value!;
let m10 = obj.get("k").asNum();

// Operators.
let u1 = -a;
let u2 = !yes;
let u3 = -(a + b);
let u4 = !!yes;
let arith = a + b - c * d / e \ 2 % 3 ** 2 ** 3;
let power = -2 ** 2;
let negExp = 2 ** -1;
let cmp = a < b && b <= c || c > d && d >= e;
let eq = a == b || a != c;
let mixed = (a + b) * (c - d);
let coalesce = m2 ?? 80 + 1;
let rangeExpr = 0..10;
let rangeIncl = 1..=a + 1;

// Closures.
let add = (x: num, y: num): num => { return x + y; };
let inferred = (x) => { return x; };
let noParams = () => {};
let handler = inflight (req) => {
  return cloud.ApiResponse { status: 200 };
};
let typedHandler = inflight (req: cloud.ApiRequest): cloud.ApiResponse => {
  return { status: 200, body: "hi" };
};
let shared = unphased (x: num): str => { return "{x}"; };
let emptyInflight = inflight () => {};
let withVar = (var x: num) => { x = x + 1; };
let immediate = ((): num => { return 1; })();
let curried = (x: num): (num): num => {
  return (y: num): num => { return x + y; };
};

// this and super appear in declarations.w.
let paren = (((a)));
