// expect: E0318 at 6:7 "field `name` is not initialized in the constructor of `Shared`"
// expect: E0212 at 12:1 "a brought file can only declare classes, interfaces, structs and enums"
// helpers.w has a top-level `let`: only an entry file may have code.
bring "./modules/helpers.w" as helpers;
let s = new helpers.Shared();
