// Compile-time benchmark: how long `wdsl build --target ir` takes, run as a
// user runs it (a fresh process, reading main.w and writing ir.json) on generated programs of growing size, and whether time
// grows linearly. Prints figures and ratios; asserts nothing (targets live
// in docs/performance.md and the closing notes of the issues).
//
//   build/bench/bench_compile [--repeat N]
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace {

namespace fs = std::filesystem;

// A program with `resources` resources in a realistic mix: buckets,
// counters, queues with consumers that write to the buckets, an Api route
// per ten resources, and a class instance per twenty. `resources` counts
// every resource the compiler creates, children included (a queue's
// consumer function, an Api route's handler, a Store's bucket).
auto GenerateProgram(int resources) -> std::string {
  std::string text = "bring cloud;\n\nclass Store {\n  data: cloud.Bucket;\n  new() { this.data = new cloud.Bucket(); }\n"
                     "  pub inflight save(k: str, v: str) { this.data.put(k, v); }\n}\n\n"
                     "let api = new cloud.Api();\n";
  int made = 1;
  for (int i = 0; made < resources; ++i) {
    std::string n = std::to_string(i);
    switch (i % 4) {
      case 0:
        text += "let b" + n + " = new cloud.Bucket() as \"bucket" + n + "\";\n";
        made += 1;
        break;
      case 1:
        text += "let c" + n + " = new cloud.Counter(initial: " + n + ") as \"counter" + n + "\";\n";
        made += 1;
        break;
      case 2:
        text += "let q" + n + " = new cloud.Queue(timeout: 10s) as \"queue" + n + "\";\n";
        made += 1;  // the consumer function
        text += "q" + n + ".setConsumer(inflight (msg: str) => {\n  b" + std::to_string(i - 2) + ".put(\"k-{msg}\", msg);\n  c" +
                std::to_string(i - 1) + ".inc();\n});\n";
        made += 1;
        break;
      case 3:
        if (i % 20 == 3) {
          text += "let s" + n + " = new Store() as \"store" + n + "\";\n";
          made += 2;
        } else {
          text += "api.get(\"/r" + n + "\", inflight (req: cloud.ApiRequest): cloud.ApiResponse => {\n  return cloud.ApiResponse { status: 200, body: \"{c" +
                  std::to_string(i - 2) + ".peek()}\" };\n});\n";
          made += 1;  // the route's handler function
        }
        break;
    }
  }
  return text;
}

// A realistic 200-line program: the generator's mix, cut at 200 lines.
auto TwoHundredLines() -> std::string {
  std::string text = GenerateProgram(200);
  size_t pos = 0;
  for (int line = 0; line < 200 && pos != std::string::npos; ++line) pos = text.find('\n', pos + 1);
  text = text.substr(0, pos + 1);
  // Never cut inside a closure: drop a trailing unfinished statement.
  size_t last = text.rfind("\n});\n");
  size_t last_let = text.rfind("\nlet ");
  if (last_let != std::string::npos && (last == std::string::npos || last_let > last)) {
    size_t end = text.find(";\n", last_let);
    if (end == std::string::npos) text = text.substr(0, last_let + 1);
    else text = text.substr(0, end + 2);
  } else if (last != std::string::npos) {
    text = text.substr(0, last + 5);
  }
  return text;
}

auto PeakRssMb() -> double {
  rusage usage{};
  getrusage(RUSAGE_CHILDREN, &usage);  // the largest wdsl process run
  return usage.ru_maxrss / 1024.0;
}

struct Timing {
  double median_ms = 0;     // wall time of the whole process
  std::string stages;       // `--timings` output of the median run
  bool ok = false;
  size_t resources = 0;
  size_t lines = 0;
};

auto Slurp(const fs::path& path) -> std::string {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Runs `wdsl build main.w --target ir --timings` `repeat` times as a user
// would (a fresh process each time, writing ir.json) and keeps the median.
auto TimeCompile(const std::string& text, int repeat) -> Timing {
  fs::path dir = fs::temp_directory_path() / ("wdsl-bench-" + std::to_string(getpid()));
  fs::create_directories(dir);
  fs::path file = dir / "main.w";
  std::ofstream(file) << text;
  std::vector<std::pair<double, std::string>> samples;
  Timing timing;
  timing.lines = static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
  std::string command = std::string("'") + WDSL_BINARY + "' build '" + file.string() + "' --target ir --timings >/dev/null 2>'" +
                        (dir / "stderr").string() + "'";
  for (int i = 0; i < repeat; ++i) {
    auto start = std::chrono::steady_clock::now();
    int status = std::system(command.c_str());
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    std::string stderr_text = Slurp(dir / "stderr");
    if (status != 0) {
      std::fprintf(stderr, "%s", stderr_text.substr(0, 4000).c_str());
      fs::remove_all(dir);
      return timing;
    }
    samples.emplace_back(ms, stderr_text.substr(std::min(stderr_text.size(), stderr_text.find('\n') + 1)));
  }
  nlohmann::json ir = nlohmann::json::parse(Slurp(dir / "target" / "main.ir" / "ir.json"));
  timing.resources = ir.at("resources").size();
  timing.ok = true;
  fs::remove_all(dir);
  std::sort(samples.begin(), samples.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  timing.median_ms = samples[samples.size() / 2].first;
  timing.stages = samples[samples.size() / 2].second;
  return timing;
}

}  // namespace

auto main(int argc, char** argv) -> int {
  int repeat = 5;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--repeat") == 0) repeat = std::max(1, std::atoi(argv[i + 1]));
    // `--emit N` prints the generated program of N resources (for profiling).
    if (std::strcmp(argv[i], "--emit") == 0) {
      std::fputs(GenerateProgram(std::atoi(argv[i + 1])).c_str(), stdout);
      return 0;
    }
  }
  std::printf("wdsl compile benchmark: `wdsl build main.w --target ir`, a fresh process per run, median of %d\n\n",
              repeat);

  Timing small = TimeCompile(TwoHundredLines(), repeat * 4);
  std::printf("%-28s %8zu lines %6zu resources %9.2f ms  %s\n", "200-line program", small.lines, small.resources,
              small.median_ms, small.ok ? "" : "FAILED");

  std::printf("\n%-10s %8s %10s %10s %12s %14s\n", "resources", "lines", "ms", "ms/1k res", "ratio vs 500", "linear would be");
  double base = 0;
  std::string at5000;
  for (int n : {500, 1000, 5000, 10000}) {
    Timing t = TimeCompile(GenerateProgram(n), n >= 5000 ? std::max(1, repeat / 2) : repeat);
    if (!t.ok) {
      std::printf("%-10d FAILED\n", n);
      return 1;
    }
    if (base == 0) base = t.median_ms;
    if (n == 5000) at5000 = t.stages;
    std::printf("%-10zu %8zu %10.1f %10.1f %12.2f %14.2f\n", t.resources, t.lines, t.median_ms,
                t.median_ms * 1000.0 / static_cast<double>(t.resources), t.median_ms / base, n / 500.0);
  }
  std::printf("\nstages at 5,000 resources (wdsl --timings):\n%s", at5000.c_str());
  std::printf("\npeak RSS of one wdsl process %.0f MB\n", PeakRssMb());
  return 0;
}
