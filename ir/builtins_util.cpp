// The `util` module. `util.sleep` (and every other static) reaches
// Host::CallBuiltin first, so a simulator can use a virtual clock.
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <random>
#include <thread>

#include "ir/eval_internal.h"
#include "ir/text.h"

namespace wdsl::ir {
namespace {

auto Random() -> std::mt19937_64& {
  thread_local std::mt19937_64 engine{[] {
    std::random_device device;
    return (static_cast<uint64_t>(device()) << 32) ^ device();
  }()};
  return engine;
}

auto Field(const Value& options, const char* name) -> const Value* {
  return options.kind == ValueKind::kMap ? options.map->Find(name) : nullptr;
}

auto TryEnv(Evaluator&, std::vector<Value>& args) -> Value {
  const char* value = std::getenv(ArgStr(args, 0).c_str());
  if (value == nullptr) return Value();
  return Value::Str(value);
}

auto Env(Evaluator&, std::vector<Value>& args) -> Value {
  const char* value = std::getenv(ArgStr(args, 0).c_str());
  if (value == nullptr || *value == '\0') Throw(fmt::format("Environment variable {} not found.", ArgStr(args, 0)));
  return Value::Str(value);
}

auto SetEnv(Evaluator&, std::vector<Value>& args) -> Value {
  ::setenv(ArgStr(args, 0).c_str(), ArgStr(args, 1).c_str(), 1);
  return Value();
}

auto Os(Evaluator&, std::vector<Value>&) -> Value { return Value::Str("linux"); }

auto B64Encode(Evaluator&, std::vector<Value>& args) -> Value {
  return Value::Str(Base64Encode(ArgStr(args, 0), IsTruthy(Arg(args, 1))));
}

auto B64Decode(Evaluator&, std::vector<Value>& args) -> Value {
  return Value::Str(Base64Decode(ArgStr(args, 0), IsTruthy(Arg(args, 1))));
}

auto Sha256(Evaluator&, std::vector<Value>& args) -> Value { return Value::Str(Sha256Hex(ArgStr(args, 0))); }

auto Uuidv4(Evaluator&, std::vector<Value>&) -> Value {
  uint64_t hi = Random()();
  uint64_t lo = Random()();
  hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  std::string hex = fmt::format("{:016x}{:016x}", hi, lo);
  return Value::Str(fmt::format("{}-{}-{}-{}-{}", hex.substr(0, 8), hex.substr(8, 4), hex.substr(12, 4),
                                hex.substr(16, 4), hex.substr(20)));
}

auto Nanoid(Evaluator&, std::vector<Value>& args) -> Value {
  static const std::string kUrlAlphabet = "useandom-26T198340PX75pxJACKVERYMINDBUSHWOLF_GQZbfghjklqvwyzrict";
  const Value* size_field = Field(Arg(args, 0), "size");
  const Value* alphabet_field = Field(Arg(args, 0), "alphabet");
  double size = size_field != nullptr && size_field->kind == ValueKind::kNum ? size_field->number : 21;
  if (!(size >= 0 && size <= 1e6)) Throw("nanoid: size must be between 0 and 1000000");
  std::u16string alphabet = ToUtf16(alphabet_field != nullptr && alphabet_field->kind == ValueKind::kStr
                                        ? *alphabet_field->str
                                        : kUrlAlphabet);
  if (alphabet.empty() || alphabet.size() > 256) Throw("nanoid: alphabet must contain between 1 and 256 symbols");
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  std::u16string id;
  for (size_t i = 0; i < static_cast<size_t>(size); ++i) id += alphabet[pick(Random())];
  return Value::Str(FromUtf16(id));
}

auto Sleep(Evaluator&, std::vector<Value>& args) -> Value {
  double seconds = ArgNum(args, 0);
  if (seconds > 0 && std::isfinite(seconds)) {
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  }
  return Value();
}

// Calls the predicate every `interval` until it returns true; like Wing, the
// timeout counts intervals, not the predicate's own running time.
auto WaitUntil(Evaluator& ev, std::vector<Value>& args) -> Value {
  Value predicate = Arg(args, 0);
  const Value* timeout = Field(Arg(args, 1), "timeout");
  const Value* interval = Field(Arg(args, 1), "interval");
  const Value* throws = Field(Arg(args, 1), "throws");
  double timeout_s = timeout != nullptr && !timeout->IsNil() ? timeout->number : 60;
  double interval_s = interval != nullptr && !interval->IsNil() ? interval->number : 0.1;
  double elapsed = 0;
  while (elapsed < timeout_s) {
    if (IsTruthy(ev.CallValue(predicate, {}))) return Value::Bool(true);
    elapsed += interval_s;
    if (interval_s <= 0) break;  // would never advance
    ev.CallGlobal("util.sleep", {Value::Duration(interval_s)});
  }
  if (throws == nullptr || throws->IsNil() || IsTruthy(*throws)) Throw("Timeout elapsed");
  return Value::Bool(false);
}

}  // namespace

void AddUtilNatives(NativeTables& t) {
  t.statics["util.env"] = Env;
  t.statics["util.tryEnv"] = TryEnv;
  t.statics["util.setEnv"] = SetEnv;
  t.statics["util.os"] = Os;
  t.statics["util.base64Encode"] = B64Encode;
  t.statics["util.base64Decode"] = B64Decode;
  t.statics["util.sha256"] = Sha256;
  t.statics["util.uuidv4"] = Uuidv4;
  t.statics["util.nanoid"] = Nanoid;
  t.statics["util.sleep"] = Sleep;
  t.statics["util.waitUntil"] = WaitUntil;
}

}  // namespace wdsl::ir
