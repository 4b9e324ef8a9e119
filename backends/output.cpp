#include "backends/output.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace wdsl {

namespace fs = std::filesystem;

auto WriteOutputAtomically(const std::string& dir, const OutputFiles& files) -> std::string {
  std::error_code ec;
  fs::path target = fs::absolute(dir, ec);
  if (ec) return "cannot resolve `" + dir + "`: " + ec.message();
  fs::create_directories(target.parent_path(), ec);
  if (ec) return "cannot create `" + target.parent_path().string() + "`: " + ec.message();
  std::string suffix = std::to_string(getpid()) + "-" + std::to_string(std::random_device{}());
  fs::path staging = target.string() + ".tmp-" + suffix;
  fs::path previous = target.string() + ".old-" + suffix;
  auto fail = [&](const std::string& message) {
    fs::remove_all(staging, ec);
    return message;
  };
  for (const auto& [relative, contents] : files) {
    fs::path path = staging / relative;
    fs::create_directories(path.parent_path(), ec);
    if (ec) return fail("cannot create `" + path.parent_path().string() + "`: " + ec.message());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    out.close();
    if (!out) return fail("cannot write `" + path.string() + "`");
  }
  fs::create_directories(staging, ec);  // an empty output is still a directory
  bool had_previous = fs::exists(target, ec);
  if (had_previous) {
    fs::rename(target, previous, ec);
    if (ec) return fail("cannot replace `" + target.string() + "`: " + ec.message());
  }
  fs::rename(staging, target, ec);
  if (ec) {
    std::string message = "cannot move the new output into `" + target.string() + "`: " + ec.message();
    if (had_previous) fs::rename(previous, target, ec);
    return fail(message);
  }
  if (had_previous) fs::remove_all(previous, ec);
  return "";
}

}  // namespace wdsl
