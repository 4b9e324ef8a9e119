// expect: E0320 at 3:14 "a value of type `Array<num>` cannot be interpolated into a string"
let ports = [80, 443];
log("ports: {ports}");
