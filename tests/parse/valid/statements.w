// Statements: bindings, assignment, control flow, errors.
bring cloud;
bring util;
bring "./lib/helpers.w" as helpers;
bring "../shared/config.w" as config;

let greeting = "hello";
let count: num = 3;
let var total = 0;
let var label: str? = nil;

total = total + 1;
total += 2;
total -= 1;
total *= 10;
total /= 2;
label = "done";

if total > 10 {
  log("big");
} else if total > 5 {
  log("medium");
} else {
  log("small");
}

if let l = label {
  log("label: {l}");
}

if let var l = label {
  l = l + "!";
  log(l);
} else if let other = helpers.fallback() {
  log(other);
} else if total == 0 {
  log("zero");
} else {
  log("no label");
}

for item in ["a", "b", "c"] {
  log(item);
}

for i in 0..10 {
  if i % 2 == 0 {
    continue;
  }
  if i > 7 {
    break;
  }
}

for i in 0..=count {
  total += i;
}

for j in count..0 {
  log("{j}");
}

let var n = 5;
while n > 0 {
  n -= 1;
}

while true {
  break;
}

let check = (x: num): num => {
  if x < 0 {
    throw "negative: {x}";
  }
  return x * 2;
};

let nothing = (): void => {
  return;
};

try {
  check(-1);
} catch err {
  log("caught {err}");
} finally {
  log("cleanup");
}

try {
  check(1);
} catch {
  log("ignored");
}

try {
  check(2);
} finally {
  log("always");
}

let bucket = new cloud.Bucket();

test "bucket stores a value" {
  bucket.put("k", "v");
  assert(bucket.get("k") == "v");
}

test "lift qualification" {
  let b = bucket;
  lift { bucket: [put, list], maybeBucket ?? bucket: get, } {
    b.put("x", "y");
  }
}

// Conditions that are plain names right before `{`: not struct literals.
let ready = true;
let items = [1, 2];
let maybe: num? = nil;
if ready {}
if ready {} else {}
while ready { break; }
for item in items {}
if let v = maybe {} else if ready {}
if ready { log("ready"); }
