#include "runtime/state.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace wdsl::runtime {

namespace fs = std::filesystem;

auto WriteAtomically(const fs::path& target, std::string_view data, const fs::path& temp_dir, unsigned mode)
    -> std::string {
  static std::atomic<uint64_t> counter{0};
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  fs::create_directories(temp_dir, ec);
  fs::path temp = temp_dir / (".wdsl-tmp-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return "cannot write `" + target.string() + "`: " + std::strerror(errno);
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      std::string error = "cannot write `" + target.string() + "`: " + std::strerror(errno);
      ::close(fd);
      fs::remove(temp, ec);
      return error;
    }
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  if (::rename(temp.c_str(), target.c_str()) != 0) {
    std::string error = "cannot write `" + target.string() + "`: " + std::strerror(errno);
    fs::remove(temp, ec);
    return error;
  }
  return "";
}

auto ReadWholeFile(const fs::path& path) -> std::optional<std::string> {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return text.str();
}

auto QuoteKey(const std::string& key) -> std::string {
  std::string out = "\"";
  for (unsigned char c : key) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\x%02x", c);
      out += buffer;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

auto BucketKeyProblem(const std::string& key) -> std::string {
  if (key.empty()) return "a key cannot be empty";
  for (unsigned char c : key) {
    if (c == 0) return "a key cannot contain a NUL character";
    if (c < 0x20 || c == 0x7f) return "a key cannot contain control characters";
  }
  if (key.front() == '/') return "a key is a relative path and cannot start with `/`";
  size_t start = 0;
  while (start <= key.size()) {
    size_t end = key.find('/', start);
    if (end == std::string::npos) end = key.size();
    std::string_view segment(key.data() + start, end - start);
    if (segment.empty()) return "a key cannot contain an empty segment (`//` or a trailing `/`)";
    if (segment == "." || segment == "..") return "a key cannot contain `.` or `..` segments";
    if (segment.size() > 255) return "each `/`-separated part of a key is at most 255 bytes";
    start = end + 1;
  }
  return "";
}

auto ResourceStateDir(const fs::path& state_root, const std::string& resource_path) -> fs::path {
  std::string relative = resource_path;
  constexpr std::string_view kRoot = "root/Default/";
  if (relative.starts_with(kRoot)) relative = relative.substr(kRoot.size());
  fs::path dir = state_root;
  size_t start = 0;
  while (start <= relative.size()) {
    size_t end = relative.find('/', start);
    if (end == std::string::npos) end = relative.size();
    std::string segment = relative.substr(start, end - start);
    // Resource ids cannot contain `/` (preflight reports it), but `.`/`..`
    // would still climb; they become harmless names.
    if (segment.empty() || segment == "." || segment == "..") segment = "_" + segment;
    dir /= segment;
    start = end + 1;
  }
  return dir;
}

}  // namespace wdsl::runtime
