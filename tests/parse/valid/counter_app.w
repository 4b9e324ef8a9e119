// A small app with a class hierarchy, inflight classes and tests.
bring cloud;
bring util;

/// How a counter reports its value.
interface IReporter {
  inflight report(value: num): void;
}

class LogReporter impl IReporter {
  pub inflight report(value: num) {
    log("value is {value}");
  }
}

class BaseCounter {
  protected counter: cloud.Counter;
  protected reporter: IReporter;

  new(reporter: IReporter) {
    this.counter = new cloud.Counter() as "count";
    this.reporter = reporter;
  }

  pub inflight increment(): num {
    let before = this.counter.inc();
    this.reporter.report(before + 1);
    return before + 1;
  }
}

class LimitedCounter extends BaseCounter {
  limit: num;

  new(limit: num, reporter: IReporter) {
    super(reporter);
    this.limit = limit;
  }

  pub inflight increment(): num {
    let current = this.counter.peek();
    if current >= this.limit {
      throw "limit {this.limit} reached";
    }
    return super.increment();
  }
}

inflight class Stopwatch {
  var started: num;

  new() {
    this.started = 0;
  }

  pub start() {
    this.started = 1;
  }
}

let reporter = new LogReporter();
let limited = new LimitedCounter(3, reporter) as "limited";
let fn = new cloud.Function(inflight (input: str?): str? => {
  let watch = new Stopwatch();
  watch.start();
  let value = limited.increment();
  return "{value}";
}, env: { "MODE" => "test" }, timeout: 1m);

let boxes = MutArray<cloud.Bucket>[];
for i in 0..3 {
  boxes.push(new cloud.Bucket() as "box-{i}");
}
let first = boxes.at(0);

test "increments up to the limit" {
  for _ in 0..3 {
    limited.increment();
  }
  let var failed = false;
  try {
    limited.increment();
  } catch e {
    failed = e.contains("limit");
  }
  assert(failed);
}

test "function returns the count" {
  let result = fn.invoke("") ?? "none";
  log(result);
  lift { first: [put, get] } {
    first.put("a", "b");
  }
}
