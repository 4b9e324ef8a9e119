// cloud.Counter: one value per key (the default key is ""), all in
// <state>/<counter>/values.json, rewritten atomically on every change.
#include <fmt/format.h>

#include <map>
#include <mutex>

#include "ir/json_text.h"
#include "runtime/live_resource.h"
#include "runtime/state.h"

namespace wdsl::runtime {
namespace {

namespace fs = std::filesystem;
using ir::Value;

class Counter : public LiveResource {
 public:
  Counter(Simulator& sim, const ir::Resource& resource)
      : LiveResource(sim, resource), dir_(sim.StateDir(resource.path)) {
    auto initial = resource.props.find("initial");
    if (initial != resource.props.end() && initial->is_number()) initial_ = initial->get<double>();
  }

  auto Start() -> std::string override {
    std::optional<std::string> text = ReadWholeFile(dir_ / "values.json");
    if (!text) return "";
    nlohmann::json json = nlohmann::json::parse(*text, nullptr, false);
    if (!json.is_object() || !json.contains("values") || !json["values"].is_object()) {
      return fmt::format("`{}`: the state file `{}` is damaged (delete it to start from {})", Path(),
                         (dir_ / "values.json").string(), initial_);
    }
    for (const auto& [key, value] : json["values"].items()) {
      if (value.is_number()) values_[key] = value.get<double>();
    }
    return "";
  }

  auto Call(ir::Interpreter&, const std::string& method, std::vector<Value>& args) -> Value override {
    std::lock_guard lock(mutex_);
    if (method == "inc" || method == "dec") {
      double amount = OptNumArg(args, 0, 1);
      std::string key = OptStrArg(args, 1, "");
      double before = Get(key);
      Set(key, method == "inc" ? before + amount : before - amount);
      return Value::Num(before);
    }
    if (method == "peek") return Value::Num(Get(OptStrArg(args, 0, "")));
    if (method == "set") {
      const Value& value = Arg(args, 0);
      if (value.kind != ir::ValueKind::kNum) Fail("expected a number for `value`");
      Set(OptStrArg(args, 1, ""), value.number);
      return Value::Nil();
    }
    Unknown(method);
  }

 private:
  auto Get(const std::string& key) const -> double {
    auto it = values_.find(key);
    return it == values_.end() ? initial_ : it->second;
  }

  void Set(const std::string& key, double value) {
    double previous = Get(key);
    bool existed = values_.count(key) != 0;
    values_[key] = value;
    nlohmann::json json = {{"values", values_}};
    if (std::string error = WriteAtomically(dir_ / "values.json", json.dump(), dir_); !error.empty()) {
      // The change did not happen: memory and disk stay the same.
      if (existed) {
        values_[key] = previous;
      } else {
        values_.erase(key);
      }
      Fail(error);
    }
  }

  fs::path dir_;
  double initial_ = 0;
  std::map<std::string, double> values_;
  std::mutex mutex_;
};

// cloud.Secret: the value under the secret's name (or, without one, its id)
// in .wdsl/secrets.json, else the environment variable WDSL_SECRET_<NAME>.
// Values are never logged; errors name only where the value was looked for.
class Secret : public LiveResource {
 public:
  Secret(Simulator& sim, const ir::Resource& resource) : LiveResource(sim, resource) {
    auto name = resource.props.find("name");
    name_ = name != resource.props.end() && name->is_string() ? name->get<std::string>() : resource.id;
    env_ = "WDSL_SECRET_";
    for (char c : name_) env_ += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::toupper(c)) : '_';
  }

  auto Call(ir::Interpreter&, const std::string& method, std::vector<Value>&) -> Value override {
    if (method == "value") return Value::Str(Lookup());
    if (method == "valueJson") {
      std::string error;
      std::optional<Value> json = ir::ParseJson(Lookup(), false, &error);
      // The parser's message quotes the text, which is the secret: left out.
      if (!json) Fail(fmt::format("secret `{}` is not valid JSON", name_));
      return *json;
    }
    Unknown(method);
  }

 private:
  auto Lookup() const -> std::string {
    const fs::path& file = sim_.Options().secrets_file;
    if (std::optional<std::string> text = file.empty() ? std::nullopt : ReadWholeFile(file)) {
      nlohmann::json json = nlohmann::json::parse(*text, nullptr, false);
      if (!json.is_object()) Fail(fmt::format("`{}` is not a JSON object of secret names to values", file.string()));
      if (auto it = json.find(name_); it != json.end()) {
        if (!it->is_string()) Fail(fmt::format("secret `{}` in `{}` must be a string", name_, file.string()));
        return it->get<std::string>();
      }
    }
    if (const char* value = std::getenv(env_.c_str()); value != nullptr) return value;
    Fail(fmt::format("secret `{}` is not set: add \"{}\" to `{}` or set the environment variable {}", name_, name_,
                     file.empty() ? std::string(".wdsl/secrets.json") : file.string(), env_));
  }

  std::string name_;
  std::string env_;
};

}  // namespace

auto MakeCounter(Simulator& sim, const ir::Resource& resource) -> std::unique_ptr<LiveResource> {
  return std::make_unique<Counter>(sim, resource);
}

auto MakeSecret(Simulator& sim, const ir::Resource& resource) -> std::unique_ptr<LiveResource> {
  return std::make_unique<Secret>(sim, resource);
}

}  // namespace wdsl::runtime
