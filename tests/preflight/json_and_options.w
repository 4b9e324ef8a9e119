// output: string: "test"
// output: number: 1
// output: none 0
// output: hey 1
// A Json value is interpolated as JSON text (a Json string keeps its
// quotes); a last struct parameter whose fields are all optional may be left
// out, and the function gets an empty struct (as in Wing).
let obj = Json { strValue: "test", numValue: 1 };
log("string: {obj.get("strValue")}");
log("number: {obj.get("numValue")}");

struct Options {
  opt1: str?;
  opt2: num?;
}
let describe = (opts: Options): str => {
  return "{opts.opt1 ?? "none"} {opts.opt2 ?? 0}";
};
log(describe());
log(describe(opt1: "hey", opt2: 1));
