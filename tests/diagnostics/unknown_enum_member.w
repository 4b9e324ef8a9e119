// expect: E0321 at 3:14 "enum `Tier` has no member `GOLD`"
enum Tier { FREE, PRO }
let t = Tier.GOLD;
