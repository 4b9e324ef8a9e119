// `str` methods, with JavaScript's semantics: indexes count UTF-16 code
// units (ASCII strings take a fast path where bytes are units).
#include <cmath>

#include "ir/eval_internal.h"
#include "ir/text.h"

namespace wdsl::ir {
namespace {

// Runs `op` on the strings as UTF-8 bytes when all are ASCII, else as
// UTF-16; `op` gets std::string or std::u16string arguments.
template <typename Op>
auto WithUnits(const std::string& a, const std::string& b, const std::string& c, Op op) {
  if (IsAscii(a) && IsAscii(b) && IsAscii(c)) return op(a, b, c);
  return op(ToUtf16(a), ToUtf16(b), ToUtf16(c));
}

auto ToStr(const std::string& s) -> std::string { return s; }
auto ToStr(const std::u16string& s) -> std::string { return FromUtf16(s); }

auto Self(const Value& self) -> const std::string& { return *self.str; }

auto Clamp(double v, double len) -> size_t {
  v = ToInteger(v);
  if (v < 0) v = 0;
  if (v > len) v = len;
  return static_cast<size_t>(v);
}

// GetSubstitution for a string pattern: $$, $&, $` and $'.
template <typename S>
auto Substitute(const S& subject, size_t pos, size_t match_len, const S& replacement) -> S {
  S out;
  for (size_t i = 0; i < replacement.size(); ++i) {
    if (replacement[i] != '$' || i + 1 >= replacement.size()) {
      out += replacement[i];
      continue;
    }
    auto next = replacement[i + 1];
    if (next == '$') {
      out += '$';
    } else if (next == '&') {
      out += subject.substr(pos, match_len);
    } else if (next == '`') {
      out += subject.substr(0, pos);
    } else if (next == '\'') {
      out += subject.substr(std::min(subject.size(), pos + match_len));
    } else {
      out += replacement[i];
      continue;
    }
    ++i;
  }
  return out;
}

auto StrLength(Evaluator&, const Value& self) -> Value {
  const std::string& s = Self(self);
  return Value::Num(static_cast<double>(IsAscii(s) ? s.size() : Utf16Length(s)));
}

auto StrAt(Evaluator&, const Value& self, std::vector<Value>& args) -> Value {
  double index = ArgNum(args, 0);
  return WithUnits(Self(self), "", "", [&](const auto& s, const auto&, const auto&) {
    double len = static_cast<double>(s.size());
    if (index >= len || index + len < 0 || std::isnan(index)) Throw("index out of bounds");
    double i = ToInteger(index);
    if (i < 0) i += len;
    return Value::Str(ToStr(s.substr(static_cast<size_t>(i), 1)));
  });
}

auto StrConcat(Evaluator&, const Value& self, std::vector<Value>& args) -> Value {
  std::string out = Self(self);
  for (size_t i = 0; i < args.size(); ++i) out += ArgStr(args, i);
  return Value::Str(std::move(out));
}

auto StrContains(Evaluator&, const Value& self, std::vector<Value>& args) -> Value {
  return Value::Bool(Self(self).find(ArgStr(args, 0)) != std::string::npos);
}

auto StrStartsWith(Evaluator&, const Value& self, std::vector<Value>& args) -> Value {
  return Value::Bool(Self(self).starts_with(ArgStr(args, 0)));
}

auto StrEndsWith(Evaluator&, const Value& self, std::vector<Value>& args) -> Value {
  return Value::Bool(Self(self).ends_with(ArgStr(args, 0)));
}

auto StrIndexOf(Evaluator&, const Value& self, std::vector<Value>& args) -> Value {
  return WithUnits(Self(self), ArgStr(args, 0), "", [](const auto& s, const auto& search, const auto&) {
    size_t pos = s.find(search);
    return Value::Num(pos == std::string::npos ? -1.0 : static_cast<double>(pos));
  });
}

auto StrLowercase(Evaluator&, const Value& self, std::vector<Value>&) -> Value {
  return Value::Str(ToLowerUtf8(Self(self)));
}

auto StrUppercase(Evaluator&, const Value& self, std::vector<Value>&) -> Value {
  return Value::Str(ToUpperUtf8(Self(self)));
}

auto StrSplit(Evaluator&, const Value& self, std::vector<Value>& args) -> Value {
  std::vector<Value> parts;
  if (Arg(args, 0).IsNil()) {
    parts.push_back(self);
    return Value::NewArray(std::move(parts), false);
  }
  WithUnits(Self(self), ArgStr(args, 0), "", [&](const auto& s, const auto& sep, const auto&) {
    if (sep.empty()) {
      for (size_t i = 0; i < s.size(); ++i) parts.push_back(Value::Str(ToStr(s.substr(i, 1))));
      return 0;
    }
    size_t start = 0;
    while (true) {
      size_t pos = s.find(sep, start);
      if (pos == std::string::npos) break;
      parts.push_back(Value::Str(ToStr(s.substr(start, pos - start))));
      start = pos + sep.size();
    }
    parts.push_back(Value::Str(ToStr(s.substr(start))));
    return 0;
  });
  return Value::NewArray(std::move(parts), false);
}

auto StrSubstring(Evaluator&, const Value& self, std::vector<Value>& args) -> Value {
  return WithUnits(Self(self), "", "", [&](const auto& s, const auto&, const auto&) {
    double len = static_cast<double>(s.size());
    size_t start = Clamp(ArgNum(args, 0), len);
    size_t end = Arg(args, 1).IsNil() ? s.size() : Clamp(ArgNum(args, 1), len);
    if (start > end) std::swap(start, end);
    return Value::Str(ToStr(s.substr(start, end - start)));
  });
}

auto StrReplace(Evaluator&, const Value& self, std::vector<Value>& args) -> Value {
  return WithUnits(Self(self), ArgStr(args, 0), ArgStr(args, 1),
                   [&](const auto& s, const auto& search, const auto& replacement) {
                     size_t pos = s.find(search);
                     if (pos == std::string::npos) return self;
                     auto out = s.substr(0, pos);
                     out += Substitute(s, pos, search.size(), replacement);
                     out += s.substr(pos + search.size());
                     return Value::Str(ToStr(out));
                   });
}

auto StrReplaceAll(Evaluator&, const Value& self, std::vector<Value>& args) -> Value {
  return WithUnits(Self(self), ArgStr(args, 0), ArgStr(args, 1),
                   [&](const auto& s, const auto& search, const auto& replacement) {
                     using S = std::decay_t<decltype(s)>;
                     S out;
                     size_t start = 0;
                     size_t pos = s.find(search, 0);
                     while (pos != std::string::npos && pos <= s.size()) {
                       out += s.substr(start, pos - start);
                       out += Substitute(s, pos, search.size(), replacement);
                       start = pos + search.size();
                       // An empty pattern matches between every unit.
                       size_t from = search.empty() ? pos + 1 : start;
                       if (from > s.size()) break;
                       pos = s.find(search, from);
                     }
                     if (start <= s.size()) out += s.substr(start);
                     return Value::Str(ToStr(out));
                   });
}

auto StrTrim(Evaluator&, const Value& self, std::vector<Value>&) -> Value {
  return WithUnits(Self(self), "", "", [](const auto& s, const auto&, const auto&) {
    size_t b = 0;
    size_t e = s.size();
    while (b < e && IsJsSpace(static_cast<char16_t>(s[b]))) ++b;
    while (e > b && IsJsSpace(static_cast<char16_t>(s[e - 1]))) --e;
    return Value::Str(ToStr(s.substr(b, e - b)));
  });
}

// String.fromJson: the Json must be a string.
auto StringFromJson(Evaluator&, std::vector<Value>& args) -> Value {
  const Value& json = Arg(args, 0);
  const Value& options = Arg(args, 1);
  bool unsafe = options.kind == ValueKind::kMap && options.map->Find("unsafe") != nullptr &&
                IsTruthy(*options.map->Find("unsafe"));
  if (json.kind != ValueKind::kStr && !unsafe) Throw("unable to parse string:\n- string must be string");
  return json;
}

}  // namespace

void AddStringNatives(NativeTables& t) {
  auto& m = t.methods[static_cast<size_t>(Receiver::kStr)];
  m["at"] = StrAt;
  m["concat"] = StrConcat;
  m["contains"] = StrContains;
  m["endsWith"] = StrEndsWith;
  m["indexOf"] = StrIndexOf;
  m["lowercase"] = StrLowercase;
  m["split"] = StrSplit;
  m["startsWith"] = StrStartsWith;
  m["substring"] = StrSubstring;
  m["replace"] = StrReplace;
  m["replaceAll"] = StrReplaceAll;
  m["trim"] = StrTrim;
  m["uppercase"] = StrUppercase;
  t.properties[static_cast<size_t>(Receiver::kStr)]["length"] = StrLength;
  t.statics["String.fromJson"] = StringFromJson;
}

}  // namespace wdsl::ir
