// expect: E0207 at 7:13 "`Hidden` is private in `helpers`"
// expect: E0318 at 6:7 "field `name` is not initialized in the constructor of `Shared`"
// expect: E0212 at 12:1 "a brought file can only declare classes, interfaces, structs and enums"
// A class without `pub` stays private to its file; the brought file's own
// errors are listed too.
bring "./modules/helpers.w" as helpers;
let h = new helpers.Hidden();
