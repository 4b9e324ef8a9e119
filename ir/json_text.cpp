#include "ir/json_text.h"

#include <charconv>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "ir/text.h"

namespace wdsl::ir {
namespace {

// ------------------------------------------------------------ stringify

class Stringifier {
 public:
  explicit Stringifier(int indent) : indent_(indent < 0 ? 0 : (indent > 10 ? 10 : indent)) {}

  // Returns false when the value has no JSON form (a closure), as JS's
  // JSON.stringify returns undefined for it.
  auto Write(const Value& value, int level) -> bool {
    switch (value.kind) {
      case ValueKind::kNil: out_ += "null"; return true;
      case ValueKind::kBool: out_ += value.boolean ? "true" : "false"; return true;
      case ValueKind::kNum:
        if (std::isfinite(value.number)) {
          AppendNumber(out_, value.number);
        } else {
          out_ += "null";
        }
        return true;
      case ValueKind::kStr: AppendJsonString(out_, *value.str); return true;
      case ValueKind::kDuration:
        out_ += '{';
        if (indent_ > 0) NewLine(level + 1);
        out_ += indent_ > 0 ? "\"seconds\": " : "\"seconds\":";
        if (std::isfinite(value.number)) {
          AppendNumber(out_, value.number);
        } else {
          out_ += "null";
        }
        if (indent_ > 0) NewLine(level);
        out_ += '}';
        return true;
      case ValueKind::kResource:
        if (value.instance) return WriteFields(value.instance.get(), value.instance->fields, level);
        AppendJsonString(out_, value.resource ? value.resource->path : "");
        return true;
      case ValueKind::kClosure: return false;
      case ValueKind::kArray: return WriteArray(value, level);
      case ValueKind::kMap: return WriteFields(value.map.get(), value.map->entries, level);
      case ValueKind::kInstance: return WriteFields(value.instance.get(), value.instance->fields, level);
    }
    return false;
  }

  auto Take() -> std::string { return std::move(out_); }

 private:
  void NewLine(int level) {
    out_ += '\n';
    out_.append(static_cast<size_t>(level * indent_), ' ');
  }

  void Enter(const void* object) {
    if (stack_.size() > 1000) throw std::runtime_error("Maximum call stack size exceeded");
    for (const void* seen : stack_) {
      if (seen == object) throw std::runtime_error("Converting circular structure to JSON");
    }
    stack_.push_back(object);
  }

  auto WriteArray(const Value& value, int level) -> bool {
    const auto& items = value.array->items;
    if (items.empty()) {
      out_ += "[]";
      return true;
    }
    Enter(value.array.get());
    out_ += '[';
    for (size_t i = 0; i < items.size(); ++i) {
      if (i > 0) out_ += ',';
      if (indent_ > 0) NewLine(level + 1);
      if (!Write(items[i], level + 1)) out_ += "null";
    }
    if (indent_ > 0) NewLine(level);
    out_ += ']';
    stack_.pop_back();
    return true;
  }

  auto WriteFields(const void* object, const std::vector<std::pair<std::string, Value>>& fields, int level) -> bool {
    Enter(object);
    out_ += '{';
    bool first = true;
    for (const auto& [key, item] : fields) {
      if (item.kind == ValueKind::kClosure) continue;
      size_t mark = out_.size();
      if (!first) out_ += ',';
      if (indent_ > 0) NewLine(level + 1);
      AppendJsonString(out_, key);
      out_ += indent_ > 0 ? ": " : ":";
      if (!Write(item, level + 1)) {
        out_.resize(mark);
        continue;
      }
      first = false;
    }
    if (indent_ > 0 && !first) NewLine(level);
    out_ += '}';
    stack_.pop_back();
    return true;
  }

  int indent_;
  std::string out_;
  std::vector<const void*> stack_;
};

// ------------------------------------------------------------ parse

// Deeper values would overflow the stack when they are printed, compared
// or destroyed (all recursive).
constexpr size_t kMaxParseDepth = 1000;

class Parser {
 public:
  Parser(std::string_view text, bool is_mutable) : text_(text), mutable_(is_mutable) {}

  auto Parse(std::string* error) -> std::optional<Value> {
    SkipSpace();
    std::optional<Value> value = ParseValue();
    if (value) {
      SkipSpace();
      if (pos_ < text_.size()) error_ = "Unexpected non-whitespace character after JSON at position " + std::to_string(pos_);
    }
    if (!error_.empty()) {
      if (error != nullptr) *error = error_;
      return std::nullopt;
    }
    return value;
  }

 private:
  void Fail(const std::string& what) {
    if (!error_.empty()) return;
    error_ = what + " in JSON at position " + std::to_string(pos_);
  }
  void FailEnd() {
    if (error_.empty()) error_ = "Unexpected end of JSON input";
  }
  void FailToken() {
    if (!error_.empty()) return;
    if (pos_ >= text_.size()) return FailEnd();
    // Node quotes the token and, for short input, the whole text.
    std::string token = Utf8At(pos_);
    if (text_.size() <= 10) {
      error_ = "Unexpected token '" + token + "', \"" + std::string(text_) + "\" is not valid JSON";
    } else {
      error_ = "Unexpected token '" + token + "', \"" + std::string(text_.substr(pos_ >= 10 ? pos_ - 10 : 0, 20)) +
               "\"... is not valid JSON";
    }
  }
  auto Utf8At(size_t i) const -> std::string {
    size_t n = 1;
    unsigned char b = static_cast<unsigned char>(text_[i]);
    if (b >= 0xF0) n = 4;
    else if (b >= 0xE0) n = 3;
    else if (b >= 0xC0) n = 2;
    return std::string(text_.substr(i, n));
  }

  void SkipSpace() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  // One open array or object while parsing.
  struct Open {
    Value container;
    std::string key;  // objects: the key whose value is being parsed
  };

  // Iterative, so nesting depth costs heap rather than C++ stack.
  auto ParseValue() -> std::optional<Value> {
    std::vector<Open> stack;
    while (true) {
      // A value starts here.
      if (pos_ >= text_.size()) {
        FailEnd();
        return std::nullopt;
      }
      std::optional<Value> value;
      char c = text_[pos_];
      if (c == '[' || c == '{') {
        if (stack.size() >= kMaxParseDepth) {
          Fail("Maximum nesting depth exceeded");
          return std::nullopt;
        }
        ++pos_;
        SkipSpace();
        Open open;
        if (c == '[') {
          open.container = Value::NewArray({}, mutable_);
          open.container.array->is_json = true;
          if (pos_ < text_.size() && text_[pos_] == ']') {
            ++pos_;
            value = std::move(open.container);
          } else {
            stack.push_back(std::move(open));
            continue;
          }
        } else {
          open.container = Value::NewMap({}, mutable_);
          open.container.map->is_json = true;
          if (pos_ < text_.size() && text_[pos_] == '}') {
            ++pos_;
            value = std::move(open.container);
          } else {
            if (!ParseKey(false, open.key)) return std::nullopt;
            stack.push_back(std::move(open));
            continue;
          }
        }
      } else {
        value = ParseScalar();
        if (!value) return std::nullopt;
      }
      // A value is complete: add it to the open containers, closing them.
      while (true) {
        if (stack.empty()) return value;
        Open& top = stack.back();
        bool is_array = top.container.kind == ValueKind::kArray;
        if (is_array) {
          top.container.array->items.push_back(std::move(*value));
        } else {
          top.container.map->Set(top.key, std::move(*value));
        }
        SkipSpace();
        if (pos_ < text_.size() && text_[pos_] == ',') {
          ++pos_;
          SkipSpace();
          if (!is_array && !ParseKey(true, top.key)) return std::nullopt;
          break;  // the next element's value
        }
        char close = is_array ? ']' : '}';
        if (pos_ >= text_.size() || text_[pos_] != close) {
          Fail(is_array ? "Expected ',' or ']' after array element" : "Expected ',' or '}' after property value");
          return std::nullopt;
        }
        ++pos_;
        value = std::move(top.container);
        stack.pop_back();
      }
    }
  }

  // `"key" :` of an object member, leaving the position at its value.
  auto ParseKey(bool after_comma, std::string& key) -> bool {
    SkipSpace();
    if (pos_ >= text_.size() || text_[pos_] != '"') {
      Fail(after_comma ? "Expected double-quoted property name" : "Expected property name or '}'");
      return false;
    }
    std::optional<std::string> parsed = ParseString();
    if (!parsed) return false;
    SkipSpace();
    if (pos_ >= text_.size() || text_[pos_] != ':') {
      Fail("Expected ':' after property name");
      return false;
    }
    ++pos_;
    SkipSpace();
    key = std::move(*parsed);
    return true;
  }

  auto ParseScalar() -> std::optional<Value> {
    char c = text_[pos_];
    switch (c) {
      case '"': {
        std::optional<std::string> s = ParseString();
        if (!s) return std::nullopt;
        return Value::Str(std::move(*s));
      }
      case 't': return ParseWord("true", Value::Bool(true));
      case 'f': return ParseWord("false", Value::Bool(false));
      case 'n': return ParseWord("null", Value::Nil());
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return ParseNumber();
        FailToken();
        return std::nullopt;
    }
  }

  auto ParseWord(std::string_view word, Value value) -> std::optional<Value> {
    for (char expected : word) {
      if (pos_ >= text_.size()) {
        FailEnd();
        return std::nullopt;
      }
      if (text_[pos_] != expected) {
        FailToken();
        return std::nullopt;
      }
      ++pos_;
    }
    return value;
  }

  auto ParseNumber() -> std::optional<Value> {
    size_t start = pos_;
    if (text_[pos_] == '-') ++pos_;
    if (pos_ >= text_.size()) {
      Fail("No number after minus sign");
      return std::nullopt;
    }
    if (text_[pos_] == '0') {
      ++pos_;
      if (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
        Fail("Unexpected number");
        return std::nullopt;
      }
    } else if (text_[pos_] >= '1' && text_[pos_] <= '9') {
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
    } else {
      Fail("No number after minus sign");
      return std::nullopt;
    }
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      size_t digits = pos_;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
      if (pos_ == digits) {
        Fail("Unterminated fractional number");
        return std::nullopt;
      }
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      size_t digits = pos_;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
      if (pos_ == digits) {
        Fail("Exponent part is missing a number");
        return std::nullopt;
      }
    }
    return Value::Num(ParseJsNumber(text_.substr(start, pos_ - start)));
  }

  auto ParseHex4(uint32_t& out) -> bool {
    if (pos_ + 4 > text_.size()) {
      Fail("Bad Unicode escape");
      return false;
    }
    out = 0;
    for (int i = 0; i < 4; ++i) {
      char c = text_[pos_ + i];
      uint32_t d = 0;
      if (c >= '0' && c <= '9') d = c - '0';
      else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
      else {
        Fail("Bad Unicode escape");
        return false;
      }
      out = out * 16 + d;
    }
    pos_ += 4;
    return true;
  }

  auto ParseString() -> std::optional<std::string> {
    ++pos_;  // the opening quote
    std::string out;
    std::u16string pending;  // \u escapes, joined so surrogate pairs decode
    auto flush = [&] {
      if (!pending.empty()) out += FromUtf16(pending), pending.clear();
    };
    while (true) {
      if (pos_ >= text_.size()) {
        Fail("Unterminated string");
        return std::nullopt;
      }
      char c = text_[pos_];
      if (c == '"') {
        ++pos_;
        break;
      }
      if (static_cast<unsigned char>(c) < 0x20) {
        Fail("Bad control character in string literal");
        return std::nullopt;
      }
      if (c != '\\') {
        flush();
        out += c;
        ++pos_;
        continue;
      }
      ++pos_;
      if (pos_ >= text_.size()) {
        Fail("Unterminated string");
        return std::nullopt;
      }
      char e = text_[pos_++];
      if (e == 'u') {
        uint32_t unit = 0;
        if (!ParseHex4(unit)) return std::nullopt;
        pending += static_cast<char16_t>(unit);
        continue;
      }
      flush();
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        default:
          --pos_;
          Fail("Bad escaped character");
          return std::nullopt;
      }
    }
    flush();
    return out;
  }

  std::string_view text_;
  bool mutable_;
  size_t pos_ = 0;
  std::string error_;
};

}  // namespace

auto StringifyJson(const Value& value, int indent) -> std::string {
  Stringifier writer(indent);
  if (!writer.Write(value, 0)) return "undefined";
  return writer.Take();
}

auto ParseJson(std::string_view text, bool is_mutable, std::string* error) -> std::optional<Value> {
  Parser parser(text, is_mutable);
  return parser.Parse(error);
}

}  // namespace wdsl::ir
