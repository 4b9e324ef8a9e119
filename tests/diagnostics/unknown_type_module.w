// expect: E0202 at 3:8 "unknown type `cloud.Buckt`"
bring cloud;
let b: cloud.Buckt? = nil;
