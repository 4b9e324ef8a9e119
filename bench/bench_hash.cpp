// Content-hash benchmark: how fast HashBuildContext (ir/hash.h) reads a build
// context with a warm page cache. Builds a ~200 MB context (four 48 MiB
// files and 2,000 small ones, with a .dockerignore), hashes it once to warm
// the cache, then reports the median of three runs; then the same for the
// small files alone, where per-file costs dominate. Prints figures; asserts
// nothing (the target, > 500 MB/s, is in docs/content-hash.md).
//
//   build/bench/bench_hash [--runs N] [--context DIR]   (DIR: hash an existing context instead)
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "ir/hash.h"

namespace {

namespace fs = std::filesystem;

// Incompressible bytes, the same on every run.
void WriteRandom(const fs::path& path, size_t size, uint64_t seed) {
  std::vector<uint64_t> block(1 << 17);  // 1 MiB
  uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  std::ofstream out(path, std::ios::binary);
  for (size_t written = 0; written < size;) {
    for (uint64_t& w : block) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      w = x;
    }
    size_t n = std::min(size - written, block.size() * sizeof(uint64_t));
    out.write(reinterpret_cast<const char*>(block.data()), static_cast<std::streamsize>(n));
    written += n;
  }
}

void MakeContext(const fs::path& dir, int big_files, size_t big_size, int small_files) {
  fs::create_directories(dir);
  std::ofstream(dir / "Dockerfile") << "FROM scratch\nCOPY . /app\n";
  std::ofstream(dir / ".dockerignore") << "*.log\n**/tmp\n!keep/tmp\n";
  for (int i = 0; i < big_files; ++i) WriteRandom(dir / ("blob" + std::to_string(i) + ".bin"), big_size, i + 1);
  for (int i = 0; i < small_files; ++i) {
    // 20 packages of 100 files, 1-8 KiB each, like a source tree.
    fs::path sub = dir / "src" / ("pkg" + std::to_string(i / 100));
    fs::create_directories(sub);
    WriteRandom(sub / ("file" + std::to_string(i) + ".go"), 1024 * (1 + i % 8), 1000 + i);
  }
}

struct Run {
  double seconds;
  wdsl::ir::ContentHash hash;
};

auto HashOnce(const std::string& dir) -> Run {
  wdsl::ir::BuildSpec spec;
  spec.context_dir = dir;
  auto start = std::chrono::steady_clock::now();
  auto result = wdsl::ir::HashBuildContext(spec);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (auto* error = std::get_if<std::string>(&result)) {
    std::fprintf(stderr, "bench_hash: %s\n", error->c_str());
    std::exit(1);
  }
  return {seconds, std::get<wdsl::ir::ContentHash>(result)};
}

void Measure(const char* label, const std::string& dir, int runs) {
  HashOnce(dir);  // warm the page cache
  std::vector<Run> results;
  for (int i = 0; i < runs; ++i) results.push_back(HashOnce(dir));
  std::sort(results.begin(), results.end(), [](const Run& a, const Run& b) { return a.seconds < b.seconds; });
  const Run& median = results[results.size() / 2];
  for (const Run& r : results) {
    if (r.hash.hex != median.hash.hex) {
      std::fprintf(stderr, "bench_hash: the hash changed between runs\n");
      std::exit(1);
    }
  }
  double mb = static_cast<double>(median.hash.bytes) / 1e6;
  std::printf("%-12s %7llu files %9.1f MB  median of %d: %8.1f ms  %8.0f MB/s  %9.0f files/s  %s\n", label,
              static_cast<unsigned long long>(median.hash.files), mb, runs, median.seconds * 1e3,
              mb / median.seconds, static_cast<double>(median.hash.files) / median.seconds, median.hash.hex.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 3;
  std::string existing;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else if (std::strcmp(argv[i], "--context") == 0 && i + 1 < argc) {
      existing = argv[++i];
    } else {
      std::fprintf(stderr, "usage: bench_hash [--runs N] [--context DIR]\n");
      return 2;
    }
  }
  if (!existing.empty()) {
    Measure("context", existing, runs);
    return 0;
  }

  fs::path root = fs::temp_directory_path() / ("wdsl-bench-hash-" + std::to_string(getpid()));
  fs::remove_all(root);
  std::printf("creating a ~200 MB build context under %s ...\n", root.c_str());
  MakeContext(root / "mixed", 4, size_t{48} << 20, 2000);
  MakeContext(root / "small", 0, 0, 2000);
  Measure("whole", (root / "mixed").string(), runs);
  Measure("small files", (root / "small").string(), runs);
  fs::remove_all(root);
  return 0;
}
