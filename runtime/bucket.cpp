// cloud.Bucket: one file per object under <state>/<bucket>/objects/, the
// key as its relative path. Keys are checked before any file is touched
// (state.h: BucketKeyProblem), and the resolved path is checked again to
// lie inside the bucket, so no key can name a file elsewhere.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <mutex>

#include "ir/json_text.h"
#include "runtime/live_resource.h"
#include "runtime/state.h"

namespace wdsl::runtime {
namespace {

namespace fs = std::filesystem;
using ir::Value;

class Bucket : public LiveResource {
 public:
  Bucket(Simulator& sim, const ir::Resource& resource)
      : LiveResource(sim, resource),
        dir_(sim.StateDir(resource.path)),
        objects_(dir_ / "objects"),
        temp_(dir_ / "tmp") {}

  auto Start() -> std::string override {
    std::error_code ec;
    fs::create_directories(objects_, ec);
    if (ec) return fmt::format("cannot create `{}` for `{}`: {}", objects_.string(), Path(), ec.message());
    fs::remove_all(temp_, ec);  // leftovers of a killed run
    // Objects added at preflight (`addObject`, `addFile`) are written at
    // every start, as in Wing's simulator.
    auto initial = Props().find("initialObjects");
    if (initial != Props().end() && initial->is_object()) {
      for (const auto& [key, body] : initial->items()) {
        if (!body.is_string()) continue;
        if (std::string problem = BucketKeyProblem(key); !problem.empty()) {
          return fmt::format("`{}`: invalid initial object key {}: {}", Path(), QuoteKey(key), problem);
        }
        if (std::string error = WriteAtomically(objects_ / key, body.get<std::string>(), temp_); !error.empty()) {
          return error;
        }
      }
    }
    return "";
  }

  auto Call(ir::Interpreter&, const std::string& method, std::vector<Value>& args) -> Value override {
    std::lock_guard lock(mutex_);
    if (method == "put") {
      Put(StrArg(args, 0, "key"), StrArg(args, 1, "body"));
      return Value::Nil();
    }
    if (method == "putJson") {
      std::string key = StrArg(args, 0, "key");
      Put(key, ir::StringifyJson(Arg(args, 1), 2));
      return Value::Nil();
    }
    if (method == "get" || method == "tryGet") {
      std::string key = StrArg(args, 0, "key");
      std::optional<std::string> body = Read(key);
      if (!body) {
        if (method == "tryGet") return Value::Nil();
        Fail(fmt::format("Object does not exist (key={}).", key));
      }
      return Value::Str(Range(*body, Arg(args, 1)));
    }
    if (method == "getJson" || method == "tryGetJson") {
      std::string key = StrArg(args, 0, "key");
      std::optional<std::string> body = Read(key);
      if (!body) {
        if (method == "tryGetJson") return Value::Nil();
        Fail(fmt::format("Object does not exist (key={}).", key));
      }
      std::string error;
      std::optional<Value> json = ir::ParseJson(*body, false, &error);
      if (!json) Fail(fmt::format("object {} of `{}` is not valid JSON: {}", QuoteKey(key), Path(), error));
      return *json;
    }
    if (method == "delete") {
      std::string key = StrArg(args, 0, "key");
      bool must_exist = ir::IsTruthy(FieldOf(Arg(args, 1), "mustExist"));
      if (!Delete(key) && must_exist) Fail(fmt::format("Object does not exist (key={}).", key));
      return Value::Nil();
    }
    if (method == "tryDelete") return Value::Bool(Delete(StrArg(args, 0, "key")));
    if (method == "exists") return Value::Bool(Read(StrArg(args, 0, "key"), false).has_value());
    if (method == "list") return List(OptStrArg(args, 0, ""));
    if (method == "publicUrl") {
      std::string key = StrArg(args, 0, "key");
      if (!Props().value("public", false)) Fail("Cannot provide public url for a non-public bucket");
      return Value::Str("file://" + ObjectPath(key).string());
    }
    if (method == "copy" || method == "rename") {
      std::string from = StrArg(args, 0, "srcKey");
      std::string to = StrArg(args, 1, "dstKey");
      std::optional<std::string> body = Read(from);
      if (!body) Fail(fmt::format("Source object does not exist (srcKey={}).", from));
      Put(to, *body);
      if (method == "rename" && from != to) Delete(from);
      return Value::Nil();
    }
    Unknown(method);
  }

 private:
  // The file of a valid key; throws, naming the key, for an invalid one.
  auto ObjectPath(const std::string& key) const -> fs::path {
    if (std::string problem = BucketKeyProblem(key); !problem.empty()) {
      Fail(fmt::format("invalid key {} for bucket `{}`: {}; keys are relative paths such as \"reports/2024.json\"",
                       QuoteKey(key), Path(), problem));
    }
    fs::path path = objects_ / key;
    // Defence in depth: whatever the rules above miss, a path that leaves
    // the bucket's directory is never used.
    fs::path normal = path.lexically_normal();
    auto [end, ignored] = std::mismatch(objects_.begin(), objects_.end(), normal.begin(), normal.end());
    if (end != objects_.end()) Fail(fmt::format("invalid key {} for bucket `{}`: it leaves the bucket", QuoteKey(key), Path()));
    return path;
  }

  void Put(const std::string& key, const std::string& body) {
    fs::path path = ObjectPath(key);
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      Fail(fmt::format("cannot put {} in `{}`: other objects' keys start with \"{}/\"", QuoteKey(key), Path(), key));
    }
    for (fs::path parent = path.parent_path(); parent != objects_ && parent.has_relative_path();
         parent = parent.parent_path()) {
      if (fs::is_regular_file(parent, ec)) {
        Fail(fmt::format("cannot put {} in `{}`: the object \"{}\" is in the way (a key cannot also be a prefix "
                         "ending in `/`)",
                         QuoteKey(key), Path(), fs::relative(parent, objects_).string()));
      }
    }
    if (std::string error = WriteAtomically(path, body, temp_); !error.empty()) Fail(error);
  }

  auto Read(const std::string& key, bool content = true) const -> std::optional<std::string> {
    fs::path path = ObjectPath(key);
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) return std::nullopt;
    if (!content) return std::string();
    return ReadWholeFile(path);
  }

  auto Delete(const std::string& key) -> bool {
    fs::path path = ObjectPath(key);
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) return false;
    fs::remove(path, ec);
    // Drop directories the key's prefix left empty.
    for (fs::path parent = path.parent_path(); parent != objects_ && parent.has_relative_path();
         parent = parent.parent_path()) {
      if (!fs::is_empty(parent, ec) || ec) break;
      fs::remove(parent, ec);
    }
    return true;
  }

  auto List(const std::string& prefix) const -> Value {
    std::vector<std::string> keys;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(objects_, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (!it->is_regular_file(ec)) continue;
      std::string key = fs::relative(it->path(), objects_, ec).string();
      if (key.starts_with(prefix)) keys.push_back(std::move(key));
    }
    std::sort(keys.begin(), keys.end());
    std::vector<Value> items;
    for (std::string& key : keys) items.push_back(Value::Str(std::move(key)));
    return Value::NewArray(std::move(items), false);
  }

  // `startByte`/`endByte` (inclusive) of BucketGetOptions.
  static auto Range(const std::string& body, const Value& options) -> std::string {
    Value start = FieldOf(options, "startByte");
    Value end = FieldOf(options, "endByte");
    if (start.IsNil() && end.IsNil()) return body;
    double first = start.kind == ir::ValueKind::kNum ? start.number : 0;
    double last = end.kind == ir::ValueKind::kNum ? end.number : static_cast<double>(body.size()) - 1;
    if (!(first >= 0) || !(last >= first) || first >= static_cast<double>(body.size())) {
      if (first == 0 && body.empty()) return "";
      Fail(fmt::format("invalid byte range {}-{} for an object of {} bytes", first, last, body.size()));
    }
    // Clamped as doubles first: converting an out-of-range double is undefined.
    size_t from = static_cast<size_t>(first);
    size_t to = static_cast<size_t>(std::min(last, static_cast<double>(body.size() - 1)));
    return body.substr(from, to - from + 1);
  }

  fs::path dir_;
  fs::path objects_;
  fs::path temp_;
  std::mutex mutex_;
};

}  // namespace

auto MakeBucket(Simulator& sim, const ir::Resource& resource) -> std::unique_ptr<LiveResource> {
  return std::make_unique<Bucket>(sim, resource);
}

}  // namespace wdsl::runtime
