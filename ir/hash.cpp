// The image content hash (ir/hash.h): a walk of the build context in sorted
// order that applies Docker's .dockerignore rules and streams every entry it
// keeps into XXH3-128. The format and the rules: docs/content-hash.md.
#include "ir/hash.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <utility>

namespace wdsl::ir {
namespace {

namespace fs = std::filesystem;

// ---------------------------------------------------------------- patterns
//
// The rules are those of moby's patternmatcher, which both the classic
// builder and BuildKit apply: a pattern is cleaned like Go's filepath.Clean,
// then translated to an anchored regular expression in which `*` is [^/]*,
// `?` is [^/], `**` is (.*/)? (eating one following '/') and a trailing `**`
// is .*. Patterns with no wildcard compare as strings, `<literal>**` as a
// prefix and `**<literal>` as a suffix (a quirk kept here: `**.log` matches
// `a/b.log`). We simulate the expression as a small NFA instead of building
// a std::regex: linear time, and it answers "can anything below this
// directory match?", which prunes ignored directories.

struct Token {
  enum Op : uint8_t {
    kChar,      // one character
    kNotSlash,  // `?`: one character other than '/'
    kStar,      // `*`: [^/]*
    kClass,     // `[...]`
    kDirs,      // `**` followed by more: (.*/)?
    kAny,       // trailing `**`: .*
    kBegin,     // an unescaped `^`, which Go's regexp reads as an anchor
  };
  Op op = kChar;
  char32_t ch = 0;
  bool negated = false;
  std::vector<std::pair<char32_t, char32_t>> ranges;

  static auto Of(Op op) -> Token {
    Token t;
    t.op = op;
    return t;
  }
  auto InClass(char32_t c) const -> bool {
    bool in = std::any_of(ranges.begin(), ranges.end(), [c](auto r) { return r.first <= c && c <= r.second; });
    return in != negated;
  }
};

// Code points of a path; a byte that is not valid UTF-8 becomes a value
// above U+10FFFF so that it still compares exactly.
auto Decode(std::string_view s) -> std::u32string {
  std::u32string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    bool ok = len != 0 && i + len <= s.size();
    for (size_t k = 1; ok && k < len; ++k) {
      auto cont = static_cast<unsigned char>(s[i + k]);
      ok = (cont >> 6) == 0x2;
      cp = (cp << 6) | (cont & 0x3F);
    }
    if (!ok) {
      out.push_back(0x110000 + c);
      ++i;
      continue;
    }
    out.push_back(cp);
    i += len;
  }
  return out;
}

struct Pattern {
  enum class Kind : uint8_t { kExact, kPrefix, kSuffix, kProgram };
  Kind kind = Kind::kExact;
  std::string text;  // kExact: the pattern; kPrefix: it without `**`; kSuffix: it without the leading `**`
  std::vector<Token> program;
  bool exception = false;  // a `!` line

  auto Matches(std::string_view path, const std::u32string& path32) const -> bool {
    switch (kind) {
      case Kind::kExact:
        return path == text;
      case Kind::kPrefix:
        return path.starts_with(text);
      case Kind::kSuffix:
        return path.ends_with(text) || (!text.empty() && text[0] == '/' && path == std::string_view(text).substr(1));
      case Kind::kProgram:
        return Run(path32, /*any_state=*/false);
    }
    return false;
  }

  // Whether some path below `dir` could match.
  auto CouldMatchBelow(const std::string& dir) const -> bool {
    std::string below = dir + "/";
    switch (kind) {
      case Kind::kExact:
        return text.starts_with(below);
      case Kind::kPrefix:
        return text.starts_with(below) || below.starts_with(text);
      case Kind::kSuffix:
        return true;
      case Kind::kProgram:
        return Run(Decode(below), /*any_state=*/true);
    }
    return true;
  }

  // Runs the program over `text`: a full match, or (any_state) whether any
  // state is still alive at its end. A state is a token index, twice: at the
  // token, or inside the `.*/` of a kDirs token.
  auto Run(const std::u32string& input, bool any_state) const -> bool {
    size_t n = program.size();
    std::vector<uint8_t> cur(2 * (n + 1)), next(2 * (n + 1));
    auto add = [&](std::vector<uint8_t>& set, size_t i, size_t pos) {
      while (!set[2 * i]) {
        set[2 * i] = 1;
        if (i == n) break;
        Token::Op op = program[i].op;
        bool skippable = op == Token::kStar || op == Token::kDirs || op == Token::kAny || (op == Token::kBegin && pos == 0);
        if (!skippable) break;
        ++i;
      }
    };
    add(cur, 0, 0);
    for (size_t pos = 0; pos < input.size(); ++pos) {
      char32_t c = input[pos];
      std::fill(next.begin(), next.end(), 0);
      bool alive = false;
      for (size_t i = 0; i < n; ++i) {
        const Token& t = program[i];
        if (cur[2 * i]) {
          switch (t.op) {
            case Token::kChar:
              if (c == t.ch) add(next, i + 1, pos + 1);
              break;
            case Token::kNotSlash:
              if (c != '/') add(next, i + 1, pos + 1);
              break;
            case Token::kClass:
              if (t.InClass(c)) add(next, i + 1, pos + 1);
              break;
            case Token::kStar:
              if (c != '/') add(next, i, pos + 1);
              break;
            case Token::kAny:
              if (c != '\n') add(next, i, pos + 1);
              break;
            case Token::kDirs:
              if (c != '\n') next[2 * i + 1] = 1;
              if (c == '/') add(next, i + 1, pos + 1);
              break;
            case Token::kBegin:
              break;
          }
        }
        if (cur[2 * i + 1] && c != '\n') {  // inside (.*/): only a '/' may leave
          next[2 * i + 1] = 1;
          if (c == '/') add(next, i + 1, pos + 1);
        }
      }
      std::swap(cur, next);
      alive = std::any_of(cur.begin(), cur.end(), [](uint8_t s) { return s != 0; });
      if (!alive) return false;
    }
    return any_state || cur[2 * n];
  }
};

auto TrimSpace(std::string_view s) -> std::string_view {
  const char* kSpace = " \t\n\v\f\r";
  size_t b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(kSpace) - b + 1);
}

// Go's filepath.Clean for '/'-separated paths.
auto CleanPath(std::string_view path) -> std::string {
  bool rooted = !path.empty() && path[0] == '/';
  std::vector<std::string_view> parts;
  for (size_t i = 0; i <= path.size();) {
    size_t j = std::min(path.find('/', i), path.size());
    std::string_view part = path.substr(i, j - i);
    i = j + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
        continue;
      }
      if (rooted) continue;
    }
    parts.push_back(part);
  }
  std::string out = rooted ? "/" : "";
  for (size_t k = 0; k < parts.size(); ++k) {
    if (k) out += '/';
    out += parts[k];
  }
  return out.empty() ? "." : out;
}

// Parses `[...]` starting after the '[' at s[i], with the syntax Go's
// filepath.Match accepts (Docker validates every pattern with it).
auto ParseClass(const std::u32string& s, size_t& i, Token& t) -> std::optional<std::string> {
  t.op = Token::kClass;
  if (i < s.size() && s[i] == '^') t.negated = true, ++i;
  auto one = [&](char32_t& c) -> bool {
    if (i >= s.size() || s[i] == '-' || s[i] == ']') return false;
    if (s[i] == '\\' && ++i >= s.size()) return false;
    c = s[i++];
    return true;
  };
  while (true) {
    if (i >= s.size()) return "unterminated `[`";
    if (s[i] == ']' && !t.ranges.empty()) {
      ++i;
      return std::nullopt;
    }
    char32_t lo = 0, hi = 0;
    if (!one(lo)) return "malformed character class";
    hi = lo;
    if (i < s.size() && s[i] == '-') {
      ++i;
      if (!one(hi) || hi < lo) return "malformed character range";
    }
    t.ranges.emplace_back(lo, hi);
  }
}

// Compiles a cleaned pattern (without its `!`) as patternmatcher does.
auto Compile(std::string cleaned, bool exception) -> std::variant<Pattern, std::string> {
  Pattern p;
  p.exception = exception;
  using Kind = Pattern::Kind;
  std::u32string s = Decode(cleaned);
  for (size_t i = 0; i < s.size();) {
    size_t start = i;
    char32_t ch = s[i++];
    Token t;
    if (ch == '*' && i < s.size() && s[i] == '*') {
      ++i;
      if (i < s.size() && s[i] == '/') ++i;
      if (i == s.size()) {
        if (p.kind == Kind::kExact) {
          p.kind = Kind::kPrefix;
        } else {
          p.program.push_back(Token::Of(Token::kAny));
          p.kind = Kind::kProgram;
        }
      } else {
        p.program.push_back(Token::Of(Token::kDirs));
        p.kind = Kind::kProgram;
      }
      if (start == 0) p.kind = Kind::kSuffix;
      continue;
    }
    if (ch == '*') {
      t.op = Token::kStar;
      p.kind = Kind::kProgram;
    } else if (ch == '?') {
      t.op = Token::kNotSlash;
      p.kind = Kind::kProgram;
    } else if (ch == '\\') {
      if (i == s.size()) return std::string("a trailing `\\`");
      t.ch = s[i++];
      p.kind = Kind::kProgram;
    } else if (ch == '[') {
      if (auto problem = ParseClass(s, i, t)) return *problem;
      p.kind = Kind::kProgram;
    } else if (ch == ']') {
      t.ch = ch;
      p.kind = Kind::kProgram;
    } else if (ch == '^') {
      t.op = Token::kBegin;
    } else {
      t.ch = ch;
    }
    p.program.push_back(std::move(t));
  }
  switch (p.kind) {
    case Kind::kExact:
      p.text = cleaned;
      break;
    case Kind::kPrefix:
      p.text = cleaned.substr(0, cleaned.size() - 2);
      break;
    case Kind::kSuffix:
      p.text = cleaned.substr(2);
      break;
    case Kind::kProgram:
      break;
  }
  if (p.kind != Kind::kProgram) p.program.clear();
  return p;
}

using Bits = std::vector<uint8_t>;

// An ordered list of patterns where the last one that matches a path or one
// of its parent directories decides: .dockerignore rules, or `sources` globs.
class PatternList {
 public:
  // One rule as Docker's ignorefile.ReadAll and patternmatcher.New normalize
  // it: trimmed, `!` split off, cleaned, a leading '/' dropped. Adds nothing
  // for a blank line.
  auto Add(std::string_view line) -> std::optional<std::string> {
    std::string_view trimmed = TrimSpace(line);
    if (trimmed.empty()) return std::nullopt;
    bool invert = trimmed[0] == '!';
    if (invert) trimmed = TrimSpace(trimmed.substr(1));
    std::string rule(trimmed);
    if (!rule.empty()) {
      rule = CleanPath(rule);
      if (rule.size() > 1 && rule[0] == '/') rule.erase(0, 1);
    }
    if (invert) rule = "!" + rule;
    rule = CleanPath(rule);
    bool exception = rule[0] == '!';
    if (exception && rule.size() == 1) return std::string("`!` without a pattern");
    if (exception) rule.erase(0, 1);
    auto compiled = Compile(std::move(rule), exception);
    if (auto* problem = std::get_if<std::string>(&compiled)) return *problem;
    patterns_.push_back(std::move(std::get<Pattern>(compiled)));
    return std::nullopt;
  }

  // Whether the last pattern matching `path` (itself, or a parent directory
  // as recorded in `parent`) is a plain one. `here` receives this path's
  // matches for its children.
  auto Hit(std::string_view path, const Bits& parent, Bits& here) const -> bool {
    here.assign(patterns_.size(), 0);
    std::u32string path32;  // decoded for the first pattern that needs it
    bool decoded = false;
    bool hit = false;
    for (size_t i = 0; i < patterns_.size(); ++i) {
      const Pattern& p = patterns_[i];
      bool match = !parent.empty() && parent[i];
      if (!match) {
        if (p.kind == Pattern::Kind::kProgram && !decoded) path32 = Decode(path), decoded = true;
        match = p.Matches(path, path32);
      }
      here[i] = match;
      if (match) hit = !p.exception;
    }
    return hit;
  }

  // Whether some path below `dir`, whose own result is `hit`, could have the
  // other result: only a pattern of the other polarity matching a path below
  // `dir` directly can change it (one that matches `dir` or a parent applies
  // to the whole subtree, in the same order as to `dir`).
  auto CouldFlipBelow(const std::string& dir, bool hit) const -> bool {
    return std::any_of(patterns_.begin(), patterns_.end(),
                       [&](const Pattern& p) { return p.exception == hit && p.CouldMatchBelow(dir); });
  }

 private:
  std::vector<Pattern> patterns_;
};

// Parses a .dockerignore text; the message names `file` and the line.
auto ParseIgnoreFile(std::string_view text, std::string_view file) -> std::variant<PatternList, std::string> {
  PatternList list;
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  size_t line_no = 0;
  while (!text.empty()) {
    size_t end = std::min(text.find('\n'), text.size());
    std::string_view line = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    ++line_no;
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.starts_with('#')) continue;  // a comment only in column 1, as in Docker
    if (auto problem = list.Add(line)) {
      std::string message = "`";
      message.append(file).append("` line ").append(std::to_string(line_no)).append(": ").append(*problem);
      return message.append(" in `").append(TrimSpace(line)).append("`");
    }
  }
  return list;
}

// ---------------------------------------------------------------- hashing

// The hash input is a sequence of records, each a list of fields and then a
// one-byte tag. A field is its bytes followed by their count (8 bytes, little
// endian); read from the end, the tag gives the layout and each count the
// start of its field, so two different inputs never give the same byte
// stream. Counts come after the bytes so a file is streamed in one pass
// without trusting its size from stat.
class Hasher {
 public:
  static constexpr size_t kBlock = size_t{1} << 20;

  Hasher() : state_(XXH3_createState()), block_(new char[kBlock]) { XXH3_128bits_reset(state_.get()); }

  void Bytes(const void* data, size_t size) { XXH3_128bits_update(state_.get(), data, size); }
  void Count(uint64_t n) {
    unsigned char le[8];
    for (int k = 0; k < 8; ++k) le[k] = static_cast<unsigned char>(n >> (8 * k));
    Bytes(le, sizeof le);
  }
  void Field(std::string_view s) {
    Bytes(s.data(), s.size());
    Count(s.size());
  }
  void Tag(char tag) { Bytes(&tag, 1); }

  // Streams an open file as one field; its length, or errno. A short read
  // once `expected` bytes (its size from stat) have come ends the file, which
  // saves small files the read that would return 0.
  auto FileField(int fd, uint64_t expected) -> std::variant<uint64_t, int> {
    uint64_t total = 0;
    while (true) {
      ssize_t got = read(fd, block_.get(), kBlock);
      if (got < 0) {
        if (errno == EINTR) continue;
        return errno;
      }
      if (got == 0) break;
      Bytes(block_.get(), static_cast<size_t>(got));
      total += static_cast<uint64_t>(got);
      if (static_cast<size_t>(got) < kBlock && total >= expected) break;
    }
    Count(total);
    return total;
  }

  auto Hex() -> std::string {
    XXH128_canonical_t canonical;
    XXH128_canonicalFromHash(&canonical, XXH3_128bits_digest(state_.get()));
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string hex;
    for (unsigned char b : canonical.digest) {
      hex += kDigits[b >> 4];
      hex += kDigits[b & 0xF];
    }
    return hex;
  }

 private:
  struct FreeState {
    void operator()(XXH3_state_t* s) const { XXH3_freeState(s); }
  };
  std::unique_ptr<XXH3_state_t, FreeState> state_;
  std::unique_ptr<char[]> block_;
};

// Closes a file descriptor when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  auto operator=(const Fd&) -> Fd& = delete;
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  auto get() const -> int { return fd_; }

 private:
  int fd_;
};

// Reads a whole file (following symlinks: the Dockerfile and its ignore file
// are named explicitly); errno on failure.
auto ReadWhole(const std::string& path) -> std::variant<std::string, int> {
  Fd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return errno;
  std::string text;
  char buf[1 << 16];
  while (true) {
    ssize_t got = read(fd.get(), buf, sizeof buf);
    if (got < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (got == 0) return text;
    text.append(buf, static_cast<size_t>(got));
  }
}

auto IsRegularFile(const std::string& path) -> bool {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

auto ListDirectory(int dir_fd) -> std::variant<std::vector<std::string>, int> {
  int copy = fcntl(dir_fd, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) return errno;
  DIR* dir = fdopendir(copy);
  if (dir == nullptr) {
    int err = errno;
    close(copy);
    return err;
  }
  std::vector<std::string> names;
  errno = 0;
  while (dirent* entry = readdir(dir)) {
    std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  int err = errno;
  closedir(dir);
  if (err != 0) return err;
  // Byte order (std::string compares as unsigned char): the same on every machine.
  std::sort(names.begin(), names.end());
  return names;
}

// The walk of the build context: entries in depth-first order with the names
// of each directory sorted, which is the order of their paths compared
// component by component.
class ContextWalk {
 public:
  ContextWalk(Hasher& hasher, const PatternList& ignore, const PatternList* sources, std::string display_root,
              std::map<std::string, std::string> already_read, ContentHash& totals)
      : hasher_(hasher),
        ignore_(ignore),
        sources_(sources),
        display_root_(std::move(display_root)),
        already_read_(std::move(already_read)),
        totals_(totals) {}

  // Hashes the directory `dir_fd`, at `rel` in the context; false with
  // error() set on failure.
  auto Directory(int dir_fd, const std::string& rel, const Bits& ignored_up, const Bits& selected_up) -> bool {
    auto listed = ListDirectory(dir_fd);
    if (auto* err = std::get_if<int>(&listed)) return Fail("cannot list", rel, *err);
    for (const std::string& name : std::get<std::vector<std::string>>(listed)) {
      std::string path = rel.empty() ? name : rel + "/" + name;
      struct stat st;
      if (fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT) continue;  // removed since it was listed
        return Fail("cannot stat", path, errno);
      }
      Bits ignored_here, selected_here;
      bool ignored = ignore_.Hit(path, ignored_up, ignored_here);
      bool selected = sources_ == nullptr || sources_->Hit(path, selected_up, selected_here);
      bool kept = !ignored && selected;
      if (S_ISDIR(st.st_mode)) {
        if (kept) {
          hasher_.Field(path);
          hasher_.Tag('d');
        }
        bool descend = (!ignored || ignore_.CouldFlipBelow(path, true)) &&
                       (selected || sources_->CouldFlipBelow(path, false));
        if (!descend) continue;
        Fd sub(openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (sub.get() < 0) return Fail("cannot open", path, errno);
        if (!Directory(sub.get(), path, ignored_here, selected_here)) return false;
        continue;
      }
      if (!kept) continue;
      if (S_ISREG(st.st_mode)) {
        if (!RegularFile(dir_fd, name, path, st)) return false;
      } else if (S_ISLNK(st.st_mode)) {
        if (!Symlink(dir_fd, name, path, st)) return false;
      } else {  // a fifo, socket or device: Docker sends the entry, never its bytes
        hasher_.Field(path);
        hasher_.Tag('o');
      }
    }
    return true;
  }

  auto error() const -> const std::string& { return error_; }

 private:
  auto RegularFile(int dir_fd, const std::string& name, const std::string& path, const struct stat& st) -> bool {
    hasher_.Field(path);
    // The executable bits (any of u/g/o, as git records them) and setuid/setgid;
    // not the rest of the mode, which follows each machine's umask.
    auto mode = static_cast<char>(((st.st_mode & 0111) ? 1 : 0) | ((st.st_mode & S_ISUID) ? 2 : 0) |
                                  ((st.st_mode & S_ISGID) ? 4 : 0));
    hasher_.Bytes(&mode, 1);
    if (auto it = already_read_.find(path); it != already_read_.end()) {
      hasher_.Field(it->second);  // the Dockerfile or ignore file, counted when it was read
    } else {
      Fd fd(openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
      if (fd.get() < 0) return Fail("cannot read", path, errno);
      if (static_cast<size_t>(st.st_size) > Hasher::kBlock) posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
      auto streamed = hasher_.FileField(fd.get(), static_cast<uint64_t>(st.st_size));
      if (auto* err = std::get_if<int>(&streamed)) return Fail("cannot read", path, *err);
      totals_.files += 1;
      totals_.bytes += std::get<uint64_t>(streamed);
    }
    hasher_.Tag('f');
    return true;
  }

  auto Symlink(int dir_fd, const std::string& name, const std::string& path, const struct stat& st) -> bool {
    std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
    while (true) {
      ssize_t got = readlinkat(dir_fd, name.c_str(), target.data(), target.size());
      if (got < 0) return Fail("cannot read link", path, errno);
      if (static_cast<size_t>(got) < target.size()) {
        target.resize(static_cast<size_t>(got));
        break;
      }
      target.resize(target.size() * 2);  // it grew since fstatat
    }
    hasher_.Field(path);
    hasher_.Field(target);
    hasher_.Tag('l');
    totals_.files += 1;
    return true;
  }

  auto Fail(std::string_view what, const std::string& path, int err) -> bool {
    std::string shown = path.empty() ? display_root_ : (fs::path(display_root_) / path).string();
    error_ = std::string(what) + " `" + shown + "`: " + std::strerror(err);
    return false;
  }

  Hasher& hasher_;
  const PatternList& ignore_;
  const PatternList* sources_;
  std::string display_root_;
  std::map<std::string, std::string> already_read_;  // context path -> bytes
  ContentHash& totals_;
  std::string error_;
};

// `path` relative to `root` when it lies inside it, else nullopt.
auto InsideContext(const fs::path& root, const fs::path& path) -> std::optional<std::string> {
  fs::path rel = path.lexically_normal().lexically_relative(root.lexically_normal());
  std::string text = rel.generic_string();
  if (text.empty() || text == "." || text.starts_with("../") || text == ".." || rel.is_absolute()) return std::nullopt;
  return text;
}

constexpr std::string_view kFormatVersion = "wdsl-image-hash/1";

}  // namespace

auto HashBuildContext(const BuildSpec& spec) -> std::variant<ContentHash, std::string> {
  std::string context = spec.context_dir.empty() ? std::string(".") : spec.context_dir;
  Fd root(open(context.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (root.get() < 0) {
    if (errno == ENOENT) return "build context `" + context + "` does not exist";
    if (errno == ENOTDIR) return "build context `" + context + "` is not a directory";
    return "cannot open build context `" + context + "`: " + std::strerror(errno);
  }
  std::error_code ec;
  fs::path root_path = fs::absolute(context, ec);
  if (ec) root_path = context;

  ContentHash totals;
  std::map<std::string, std::string> already_read;
  Hasher hasher;
  hasher.Field(kFormatVersion);
  hasher.Tag('V');

  // The Dockerfile, by its path relative to the context and its bytes.
  std::string dockerfile_name = spec.dockerfile.empty() ? std::string("Dockerfile") : spec.dockerfile;
  fs::path dockerfile_path = (root_path / dockerfile_name).lexically_normal();
  std::string dockerfile_shown = (fs::path(context) / dockerfile_name).string();
  auto dockerfile = ReadWhole(dockerfile_path.string());
  if (auto* err = std::get_if<int>(&dockerfile)) {
    if (*err == ENOENT || *err == ENOTDIR) return "no Dockerfile at `" + dockerfile_shown + "`";
    return "cannot read `" + dockerfile_shown + "`: " + std::strerror(*err);
  }
  std::string dockerfile_rel = dockerfile_path.lexically_relative(root_path.lexically_normal()).generic_string();
  hasher.Field(dockerfile_rel);
  hasher.Field(std::get<std::string>(dockerfile));
  hasher.Tag('D');
  totals.files += 1;
  totals.bytes += std::get<std::string>(dockerfile).size();
  if (auto rel = InsideContext(root_path, dockerfile_path)) already_read[*rel] = std::get<std::string>(dockerfile);

  // The ignore file: `<Dockerfile>.dockerignore` beside the Dockerfile wins
  // over the context's `.dockerignore`, as in BuildKit.
  PatternList ignore;
  fs::path ignore_path = dockerfile_path.string() + ".dockerignore";
  if (!IsRegularFile(ignore_path.string())) ignore_path = root_path / ".dockerignore";
  if (IsRegularFile(ignore_path.string())) {
    std::string ignore_rel = ignore_path.lexically_relative(root_path.lexically_normal()).generic_string();
    auto text = ReadWhole(ignore_path.string());
    if (auto* err = std::get_if<int>(&text)) return "cannot read `" + ignore_rel + "`: " + std::strerror(*err);
    auto parsed = ParseIgnoreFile(std::get<std::string>(text), ignore_rel);
    if (auto* problem = std::get_if<std::string>(&parsed)) return *problem;
    ignore = std::move(std::get<PatternList>(parsed));
    hasher.Field(ignore_rel);
    hasher.Field(std::get<std::string>(text));
    hasher.Tag('I');
    if (auto rel = InsideContext(root_path, ignore_path); rel && !already_read.count(*rel)) {
      totals.files += 1;
      totals.bytes += std::get<std::string>(text).size();
      already_read[*rel] = std::get<std::string>(text);
    }
  } else {
    hasher.Tag('i');
  }

  std::optional<PatternList> sources;
  if (!spec.sources.empty()) {
    sources.emplace();
    for (const std::string& glob : spec.sources) {
      if (auto problem = sources->Add(glob)) return "`sources` glob `" + glob + "`: " + *problem;
    }
  }

  for (const auto& [name, value] : spec.build_args) {
    hasher.Field(name);
    hasher.Field(value);
    hasher.Tag('A');
  }

  ContextWalk walk(hasher, ignore, sources ? &*sources : nullptr, context, std::move(already_read), totals);
  if (!walk.Directory(root.get(), "", {}, {})) return walk.error();
  totals.hex = hasher.Hex();
  return totals;
}

auto DockerignoreExcludes(std::string_view rules, std::string_view path) -> std::variant<bool, std::string> {
  auto parsed = ParseIgnoreFile(rules, ".dockerignore");
  if (auto* problem = std::get_if<std::string>(&parsed)) return *problem;
  const PatternList& list = std::get<PatternList>(parsed);
  std::string clean = CleanPath(path);
  if (clean == ".") return false;
  // Each parent directory in turn, as the walk of a context sees them.
  Bits up, here;
  bool ignored = false;
  for (size_t end = 0; end != std::string::npos;) {
    end = clean.find('/', end + 1);
    std::string_view prefix = std::string_view(clean).substr(0, end);
    ignored = list.Hit(prefix, up, here);
    std::swap(up, here);
  }
  return ignored;
}

}  // namespace wdsl::ir
