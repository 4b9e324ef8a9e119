// The JavaScript client of bindings in a real container (c:bindings, cases 2
// and 3): `wdsl run --sim` puts `.wdsl-client/` into the build context of a
// workload with `bindings`, the image (FROM scratch: the host's node and the
// libraries ldd lists for it, no registry needed) imports the generated
// `bindings.js`, puts an object through the Resource API, calls a bound
// method of a user class (which runs in the simulator and writes the bucket)
// and tries an operation and a method it is not bound to. Fails (never skips) without Docker or node.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/docker_support.h"
#include "tests/run_wdsl.h"
#include "tests/running_app.h"

namespace wdsl::testing {
namespace {

namespace fs = std::filesystem;

auto Endpoints(const std::string& dir) -> nlohmann::json {
  return nlohmann::json::parse(ReadFile(dir + "/.wdsl/endpoints.json"), nullptr, false);
}

// `<dir>/app`: node and its libraries under root/, and server.mjs, which
// uses the injected client and then serves what happened as JSON on 8080.
void WriteNodeContext(const std::string& dir) {
  const std::string node = "/usr/bin/node";
  ASSERT_TRUE(fs::exists(node)) << "install Node.js >= 18 (scripts/setup.sh does)";
  std::vector<std::string> files = {node};
  std::istringstream ldd(Shell("ldd " + node));
  for (std::string line; std::getline(ldd, line);) {
    size_t slash = line.find('/');
    if (slash == std::string::npos) continue;
    files.push_back(line.substr(slash, line.find(' ', slash) - slash));
  }
  for (const std::string& file : files) {
    fs::create_directories(dir + "/app/root" + fs::path(file).parent_path().string());
    fs::copy_file(fs::canonical(file), dir + "/app/root" + file, fs::copy_options::overwrite_existing);
  }
  WriteFile(dir + "/app/Dockerfile", R"(FROM scratch
COPY root /
COPY server.mjs /app/server.mjs
COPY .wdsl-client /app/.wdsl-client
WORKDIR /app
ENTRYPOINT ["/usr/bin/node", "/app/server.mjs"]
)");
  WriteFile(dir + "/app/server.mjs", R"(import http from "node:http";
import { FILES, NOTES } from "./.wdsl-client/bindings.js";

const report = { type: FILES.type };
// A user class's method runs in the simulator and writes the bucket itself.
report.saved = await NOTES.save("via-class.txt", { text: "written by a Notes method", tags: ["a"] });
try {
  await NOTES.wipe("via-class.txt");
  report.wipe = "no error";
} catch (error) {
  report.wipe = error.message;
  report.wipeStatus = error.status;
}
try {
  await NOTES.save("x", { text: 1 });
} catch (error) {
  report.badArgs = error.message;
  report.badStatus = error.status;
}
await FILES.put("from-node.txt", "written by node through the wdsl client");
report.get = await FILES.get("from-node.txt");
try {
  await FILES.delete("from-node.txt");
  report.delete = "no error";
} catch (error) {
  report.delete = error.message;
  report.status = error.status;
}
http.createServer((req, res) => {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify(report));
}).listen(8080, "0.0.0.0");
)");
}

constexpr const char* kApp = R"(bring cloud;
bring containers;
let files = new cloud.Bucket() as "files";
struct Note {
  text: str;
  tags: Array<str>?;
}
class Notes {
  box: cloud.Bucket;
  new(box: cloud.Bucket) { this.box = box; }
  pub inflight save(name: str, note: Note): str {
    this.box.put(name, note.text);
    let tags = note.tags ?? [];
    return "saved {name} with {tags.length} tags";
  }
  pub inflight wipe(name: str): void { this.box.delete(name); }
}
let notes = new Notes(files) as "notes";
let worker = new containers.Workload(
  name: "worker",
  image: "./app",
  port: 8080,
  public: true,
  bindings: { "FILES" => files.allow(["put", "get"]), "NOTES" => notes.allow(["save"]) },
) as "worker";
let api = new cloud.Api() as "api";
api.get("/object", inflight (req: cloud.ApiRequest): cloud.ApiResponse => {
  return cloud.ApiResponse { status: 200, body: files.tryGet("from-node.txt") ?? "missing" };
});
api.get("/note", inflight (req: cloud.ApiRequest): cloud.ApiResponse => {
  return cloud.ApiResponse { status: 200, body: files.tryGet("via-class.txt") ?? "missing" };
});
)";

TEST(BindingsClient, NodeContainerCallsBoundOperationAndGets403ForAnUnboundOne) {
  std::string dir = TempDir("jsclient");
  std::string app = fs::path(dir).filename().string();
  CleanUpApp cleanup{app};
  ASSERT_NO_FATAL_FAILURE(WriteNodeContext(dir));
  WriteFile(dir + "/main.w", kApp);

  RunningApp run(dir, {"--sim", "main.w", "--port", "0"});
  std::string api = run.WaitForUrl("root/Default/api", 180);
  ASSERT_FALSE(api.empty()) << run.Out() << run.Err();

  // The injected client: the library, the typed bindings, and a .gitignore.
  std::string typings = ReadFile(dir + "/app/.wdsl-client/bindings.d.ts");
  EXPECT_NE(typings.find("export declare const FILES: wing.Bucket;"), std::string::npos) << typings;
  EXPECT_NE(ReadFile(dir + "/app/.wdsl-client/bindings.js").find("export const FILES = binding(\"cloud.Bucket\", \"FILES\");"),
            std::string::npos);
  EXPECT_EQ(ReadFile(dir + "/app/.wdsl-client/index.js"), ReadFile(std::string(WDSL_SOURCE_DIR) + "/runtime/clients/js/index.js"));
  EXPECT_NE(ReadFile(dir + "/app/.wdsl-client/.gitignore").find("*"), std::string::npos);

  // What the container did, and the object read back by the simulator.
  nlohmann::json endpoints = Endpoints(dir);
  std::string worker = endpoints["root/Default/worker"]["replicas"][0].value("url", "");
  ASSERT_FALSE(worker.empty()) << endpoints;
  auto [status, body] = Get(worker, "/");
  ASSERT_EQ(status, 200) << body << run.Out() << run.Err();
  nlohmann::json report = nlohmann::json::parse(body, nullptr, false);
  EXPECT_EQ(report.value("type", ""), "cloud.Bucket") << body;
  EXPECT_EQ(report.value("get", ""), "written by node through the wdsl client") << body;
  EXPECT_EQ(report.value("status", 0), 403) << body;
  EXPECT_NE(report.value("delete", "").find("FILES.delete not allowed: `root/Default/worker` may not call `delete` on "
                                            "`root/Default/files`: it is not bound to that operation"),
            std::string::npos)
      << body;
  EXPECT_EQ(Get(api, "/object").second, "written by node through the wdsl client");

  // The user class: typed after the class, its bound method run in the
  // simulator (which wrote the bucket), the unbound one 403, bad arguments 400.
  EXPECT_NE(typings.find("export interface Notes {"), std::string::npos) << typings;
  EXPECT_NE(typings.find("  save(name: string, note: Note): Promise<string>;"), std::string::npos) << typings;
  EXPECT_NE(typings.find("export declare const NOTES: Pick<Notes, \"save\">;"), std::string::npos) << typings;
  EXPECT_EQ(report.value("saved", ""), "saved via-class.txt with 1 tags") << body;
  EXPECT_EQ(Get(api, "/note").second, "written by a Notes method");
  EXPECT_EQ(report.value("wipeStatus", 0), 403) << body;
  EXPECT_NE(report.value("wipe", "").find("NOTES.wipe not allowed: `root/Default/worker` may not call `wipe` on "
                                          "`root/Default/notes`"),
            std::string::npos)
      << body;
  EXPECT_EQ(report.value("badStatus", 0), 400) << body;
  EXPECT_NE(report.value("badArgs", "").find("argument 2 (`note`).text must be str, got a number"), std::string::npos)
      << body;
}

// The client is part of the image's content hash: the same context with
// and without bindings gets different tags, and an unchanged program the
// same tag twice.
TEST(BindingsClient, TheClientTakesPartInTheImageHash) {
  std::string dir = TempDir("jsclient-hash");
  fs::create_directories(dir + "/app");
  WriteFile(dir + "/app/Dockerfile", "FROM scratch\nCOPY . /app\n");
  auto tag_of = [&](const std::string& bindings) {
    WriteFile(dir + "/main.w", "bring cloud;\nbring containers;\nlet b = new cloud.Bucket() as \"b\";\n"
                               "new containers.Workload(name: \"w\", image: \"./app\", port: 8080" + bindings + ") as \"w\";\n");
    RunResult built = RunWdsl({"build", "main.w", "--no-images"}, dir);
    EXPECT_EQ(built.exit_code, 0) << built.out << built.err;
    nlohmann::json manifest = nlohmann::json::parse(ReadFile(dir + "/target/main.sim/simulator.json"), nullptr, false);
    for (const auto& resource : manifest["resources"]) {
      if (resource.value("path", "") == "root/Default/w") return resource["image"].value("tag", "");
    }
    return std::string("no root/Default/w in the manifest");
  };
  std::string plain = tag_of("");
  std::string bound = tag_of(", bindings: { \"B\" => b }");
  std::string again = tag_of(", bindings: { \"B\" => b }");
  std::string other = tag_of(", bindings: { \"C\" => b }");
  EXPECT_TRUE(plain.starts_with("wdsl-")) << plain;
  EXPECT_NE(plain, bound);
  EXPECT_EQ(bound, again);
  EXPECT_NE(bound, other);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace wdsl::testing
