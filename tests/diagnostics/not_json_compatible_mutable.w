// expect: E0324 at 8:20 "a value of type `MutArray<num>` is not Json-compatible"
// expect: E0300 at 9:15 "expected type `Json`, found `Set<num>`"
// Mutable collections and sets are not Json values, at any depth (as in Wing).
let arr = MutArray<num>[1, 2, 3];
let takeJson = (obj: Json) => {
  log(Json.stringify(obj));
};
takeJson({ values: arr });
let j: Json = Set<num>[1];
takeJson(j);
