// Every method and property the stdlib declares for the builtin value types,
// `Std`, `util` and `expect` has a native implementation.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "ir/eval_internal.h"

namespace wdsl::ir {
namespace {

struct Member {
  std::string cls;
  std::string name;
  bool is_static = false;
  bool is_method = false;
  bool is_preflight = false;  // declared without `unphased`/`inflight`
};

auto ReadDeclarations(const std::string& file) -> std::vector<Member> {
  std::ifstream in(std::string(WDSL_SOURCE_DIR) + "/stdlib/" + file);
  EXPECT_TRUE(in.good()) << file;
  std::vector<Member> members;
  static const std::regex kClass(R"(^pub\s+class\s+(\w+))");
  static const std::regex kMethod(R"(^\s+pub\s+(static\s+)?(unphased\s+|inflight\s+|preflight\s+)?(\w+)\s*(<[^>]*>)?\()");
  static const std::regex kField(R"(^\s+pub\s+(static\s+)?(\w+)\s*:)");
  std::string line;
  std::string cls;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_search(line, m, kClass)) {
      cls = m[1];
    } else if (line.rfind('}', 0) == 0) {
      cls.clear();
    } else if (!cls.empty() && std::regex_search(line, m, kMethod)) {
      members.push_back(Member{cls, m[3], m[1].matched, true, !m[2].matched || m[2].str().rfind("preflight", 0) == 0});
    } else if (!cls.empty() && std::regex_search(line, m, kField)) {
      members.push_back(Member{cls, m[2], m[1].matched, false, false});
    }
  }
  return members;
}

// How the evaluator names a static of a class of a module.
auto GlobalName(const std::string& file, const std::string& cls, const std::string& name) -> std::string {
  if (cls == "Std") return name;
  if (file == "util.w") return "util." + name;
  if (file == "expect.w") return "expect." + name;
  return cls + "." + name;
}

auto ReceiversOf(const std::string& cls) -> std::vector<Receiver> {
  static const std::map<std::string, std::vector<Receiver>> kReceivers = {
      {"String", {Receiver::kStr}},  {"Duration", {Receiver::kDuration}}, {"Array", {Receiver::kArray}},
      {"MutArray", {Receiver::kArray}}, {"Map", {Receiver::kMap}},         {"MutMap", {Receiver::kMap}},
      {"Set", {Receiver::kSet}},     {"MutSet", {Receiver::kSet}},         {"Json", {Receiver::kMap}},
      {"MutJson", {Receiver::kMap}},
  };
  auto it = kReceivers.find(cls);
  return it == kReceivers.end() ? std::vector<Receiver>{} : it->second;
}

TEST(StdlibCoverage, EveryDeclaredMethodHasANative) {
  const NativeTables& natives = Natives();
  // Classes whose members belong to hosts (resources) or are plain data.
  const std::vector<std::string> kSkipped = {"Resource", "Binding", "ArrayEntry"};
  size_t checked = 0;
  std::vector<std::string> missing;
  for (const char* file : {"std.w", "util.w", "expect.w"}) {
    for (const Member& member : ReadDeclarations(file)) {
      if (std::find(kSkipped.begin(), kSkipped.end(), member.cls) != kSkipped.end()) continue;
      std::string what = std::string(file) + ": " + member.cls + "." + member.name;
      if (member.is_static) {
        ++checked;
        if (natives.statics.count(GlobalName(file, member.cls, member.name)) == 0) missing.push_back(what);
        continue;
      }
      std::vector<Receiver> receivers = ReceiversOf(member.cls);
      if (receivers.empty()) {
        missing.push_back(what + " (no receiver kind for this class)");
        continue;
      }
      for (Receiver r : receivers) {
        ++checked;
        bool found = member.is_method ? natives.methods[static_cast<size_t>(r)].count(member.name) != 0
                                      : natives.properties[static_cast<size_t>(r)].count(member.name) != 0;
        if (!found) missing.push_back(what);
      }
    }
  }
  EXPECT_GT(checked, 100u);
  EXPECT_TRUE(missing.empty()) << [&] {
    std::ostringstream out;
    for (const std::string& m : missing) out << "\n  " << m;
    return "no native for:" + out.str();
  }();
}

}  // namespace
}  // namespace wdsl::ir
