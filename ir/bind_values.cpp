// The abstract values of the bind pass (ir/bind_internal.h).
#include <fmt/format.h>

#include "ir/bind_internal.h"

namespace wdsl::ir::bind_internal {

auto Key(const AVal& v) -> std::string {
  using K = AVal::Kind;
  switch (v.kind) {
    case K::kBottom: return "_";
    case K::kPlain: return "p";
    case K::kUnknown: return v.reported ? "U" : "u";
    case K::kRefs: {
      std::string out = "r{";
      for (const auto& p : v.paths) out += p + ",";
      return out + "}";
    }
    case K::kClosure: {
      if (!v.alternatives.empty()) {
        std::string out = "C{";
        for (const auto& alt : v.alternatives) out += Key(alt) + "|";
        return out + "}";
      }
      std::string out = fmt::format("c{}(", v.function);
      for (const auto& c : v.captures) out += Key(c) + ",";
      out += ")";
      if (!v.self.empty()) out += "s" + Key(v.self[0]);
      if (v.enclosing) out += fmt::format("@{}", static_cast<const void*>(v.enclosing.get()));
      return out;
    }
    case K::kBuiltin: return "b:" + v.name;
    case K::kInstance: return "i:" + v.name;
    case K::kCollection: {
      std::string out = "[";
      if (!v.elem.empty()) out += Key(v.elem[0]);
      out += "]{";
      for (size_t i = 0; i < v.field_names.size(); ++i) out += v.field_names[i] + ":" + Key(v.field_values[i]) + ",";
      return out + "}";
    }
  }
  return "?";
}

void JoinField(AVal& into, const std::string& name, const AVal& value) {
  for (size_t i = 0; i < into.field_names.size(); ++i) {
    if (into.field_names[i] == name) {
      into.field_values[i] = Join(into.field_values[i], value);
      return;
    }
  }
  into.field_names.push_back(name);
  into.field_values.push_back(value);
}

void JoinElem(AVal& into, const AVal& value) {
  if (into.elem.empty()) {
    into.elem.push_back(value);
  } else {
    into.elem[0] = Join(into.elem[0], value);
  }
}

auto Join(const AVal& a, const AVal& b) -> AVal {
  using K = AVal::Kind;
  if (a.Is(K::kBottom)) return b;
  if (b.Is(K::kBottom)) return a;
  if (a.Is(K::kPlain)) return b;
  if (b.Is(K::kPlain)) return a;
  if (a.Is(K::kRefs) && b.Is(K::kRefs)) {
    AVal out = a;
    out.paths.insert(b.paths.begin(), b.paths.end());
    return out;
  }
  if (a.Is(K::kCollection) && b.Is(K::kCollection)) {
    AVal out = a;
    for (const auto& e : b.elem) JoinElem(out, e);
    for (size_t i = 0; i < b.field_names.size(); ++i) JoinField(out, b.field_names[i], b.field_values[i]);
    return out;
  }
  if (Key(a) == Key(b)) return a;
  if (a.Is(K::kClosure) && b.Is(K::kClosure)) {
    // Either closure may be the one called: keep both (sorted, no repeats),
    // so calling the union follows each of them.
    std::map<std::string, AVal> alts;
    for (const AVal* side : {&a, &b}) {
      if (side->alternatives.empty()) {
        alts.emplace(Key(*side), *side);
      } else {
        for (const AVal& alt : side->alternatives) alts.emplace(Key(alt), alt);
      }
    }
    AVal out = AVal::Of(K::kClosure);
    for (auto& [key, alt] : alts) out.alternatives.push_back(std::move(alt));
    return out;
  }
  bool reported = (!a.Is(K::kUnknown) || a.reported) && (!b.Is(K::kUnknown) || b.reported) &&
                  (a.Is(K::kUnknown) || b.Is(K::kUnknown));
  return AVal::Unknown(reported);
}

// Whether everything a value may hold that the pass must follow is an
// inflight closure (no resource, instance or unknown), at any depth.
auto OnlyClosures(const AVal& v) -> bool {
  switch (v.kind) {
    case AVal::Kind::kBottom:
    case AVal::Kind::kPlain:
    case AVal::Kind::kClosure:
      return true;
    case AVal::Kind::kCollection:
      for (const AVal& e : v.elem) {
        if (!OnlyClosures(e)) return false;
      }
      for (const AVal& f : v.field_values) {
        if (!OnlyClosures(f)) return false;
      }
      return true;
    default:
      return false;
  }
}

// Whether a value may hold something the pass must follow (a resource, a
// closure, an instance) rather than plain data.
auto CarriesObjects(const AVal& v) -> bool { return !v.IsPlain(); }

auto FromJson(const Json& j) -> AVal {
  if (j.is_object()) {
    if (auto it = j.find("$resource"); it != j.end() && it->is_string()) return AVal::Refs({it->get<std::string>()});
    if (j.contains("$duration") || j.contains("$num")) return AVal::Plain();
    if (auto it = j.find("$closure"); it != j.end() && it->is_object()) {
      const Json& body = *it;
      if (auto b = body.find("builtin"); b != body.end() && b->is_string()) {
        AVal v = AVal::Of(AVal::Kind::kBuiltin);
        v.name = b->get<std::string>();
        return v;
      }
      AVal v = AVal::Of(AVal::Kind::kClosure);
      if (auto f = body.find("function"); f != body.end() && f->is_number_integer()) v.function = f->get<int32_t>();
      if (auto c = body.find("captures"); c != body.end() && c->is_array()) {
        for (const Json& item : *c) v.captures.push_back(FromJson(item));
      }
      if (auto t = body.find("this"); t != body.end()) v.self.push_back(FromJson(*t));
      return v;
    }
    AVal out = AVal::Of(AVal::Kind::kCollection);
    bool objects = false;
    for (const auto& [key, item] : j.items()) {
      AVal value = FromJson(item);
      objects = objects || CarriesObjects(value);
      JoinField(out, key, value);
    }
    return objects ? out : AVal::Plain();
  }
  if (j.is_array()) {
    AVal out = AVal::Of(AVal::Kind::kCollection);
    bool objects = false;
    for (const Json& item : j) {
      AVal value = FromJson(item);
      objects = objects || CarriesObjects(value);
      JoinElem(out, value);
    }
    return objects ? out : AVal::Plain();
  }
  return AVal::Plain();
}

// Methods of arrays, maps and sets whose result is never one of the items.
auto IsPlainResultMethod(const std::string& name) -> bool {
  static const std::set<std::string> kNames = {"length", "size", "contains", "has", "indexOf", "lastIndexOf",
                                               "join", "keys", "toJson", "isEmpty"};
  return kNames.count(name) != 0;
}

}  // namespace wdsl::ir::bind_internal
