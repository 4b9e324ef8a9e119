// Containers in the simulator with a real Docker engine (issue #5): image
// builds and their cache, workloads with replicas, probes, routes and
// bindings, Redis, cleanup after Ctrl-C and kill -9, and the message when
// there is no engine. No registry is reachable, so every image is built
// FROM scratch from host binaries: Debian's busybox-static, and Redis from
// Debian's redis-server with its libraries. scripts/setup.sh installs them
// and starts dockerd; these tests fail (never skip) without them.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/run_wdsl.h"
#include "tests/docker_support.h"
#include "tests/running_app.h"

namespace wdsl::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Containers (or networks) of an app, by its label.
auto Leftovers(const std::string& app) -> std::string {
  return Shell("docker ps -aq --filter label=wdsl.app=" + app) +
         Shell("docker network ls -q --filter label=wdsl.app=" + app);
}


void Executable(const std::string& path, const std::string& text) {
  WriteFile(path, text);
  fs::permissions(path, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                            fs::perms::others_read | fs::perms::others_exec);
}

// `<dir>/web`: busybox httpd FROM scratch serving /srv, with CGI scripts
// that show the environment and call the bound bucket through the Resource API.
void WriteWebContext(const std::string& dir) {
  ASSERT_TRUE(fs::exists("/bin/busybox")) << "install busybox-static (scripts/setup.sh does)";
  ASSERT_NE(Shell("ldd /bin/busybox").find("not a dynamic executable"), std::string::npos)
      << "/bin/busybox is dynamically linked; install Debian's busybox-static (scripts/setup.sh does)";
  fs::create_directories(dir + "/web/srv/cgi-bin");
  fs::copy_file("/bin/busybox", dir + "/web/busybox", fs::copy_options::overwrite_existing);
  WriteFile(dir + "/web/Dockerfile", R"(FROM scratch
COPY busybox /bin/busybox
COPY srv /srv
ENTRYPOINT ["/bin/busybox"]
CMD ["httpd", "-f", "-p", "8080", "-h", "/srv"]
)");
  WriteFile(dir + "/web/srv/index.html", "hello from busybox\n");
  WriteFile(dir + "/web/srv/healthz", "ok\n");
  WriteFile(dir + "/web/srv/gate/ready", "ready\n");
  const std::string bb = "/bin/busybox";
  Executable(dir + "/web/srv/cgi-bin/env", "#!/bin/busybox sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'\n" + bb +
                                                 " env\necho \"host=$(" + bb + " hostname)\"\n");
  auto call = [&](const std::string& op, const std::string& args) {
    return "#!/bin/busybox sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'\n" + bb +
           " wget -q -O - --header \"Authorization: Bearer $WING_UP_TOKEN\" --post-data '{\"args\": " + args +
           "}' \"$WING_UP_URL/" + op + "\" 2>&1\necho \"status=$?\"\n";
  };
  Executable(dir + "/web/srv/cgi-bin/put", call("put", R"(["k", "from a container"])"));
  // Half an answer, a pause, the rest: the router must pass the first half on at once.
  Executable(dir + "/web/srv/cgi-bin/slow", "#!/bin/busybox sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'\n"
                                                  "echo first\n" + bb + " sleep 2\necho second\n");
  // A sidecar shares the replica's network namespace: it answers on 127.0.0.1.
  Executable(dir + "/web/srv/cgi-bin/side", "#!/bin/busybox sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'\n" + bb +
                                                  " wget -q -O - http://127.0.0.1:9090/healthz 2>&1\n");
  Executable(dir + "/web/srv/cgi-bin/get", call("get", R"(["k"])"));
}


// Polls until `path` answers `status` (or 30 s pass).
auto WaitForStatus(const std::string& url, const std::string& path, int status) -> bool {
  auto end = Clock::now() + std::chrono::seconds(30);
  while (Clock::now() < end) {
    if (Get(url, path).first == status) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return false;
}

auto Endpoints(const std::string& dir) -> nlohmann::json {
  return nlohmann::json::parse(ReadFile(dir + "/.wdsl/endpoints.json"), nullptr, false);
}

constexpr const char* kWebApp = R"(bring cloud;
bring containers;
let up = new cloud.Bucket() as "uploads";
let web = new containers.Workload(
  name: "web",
  image: "./web",
  port: 8080,
  replicas: 2,
  env: { "GREETING" => "hello from wdsl" },
  readiness: containers.Probe { path: "/healthz", period: 1s },
  public: true,
  bindings: { "UP" => up.allow(["put"]) },
) as "web";
let gate = new containers.Workload(
  name: "gate",
  image: "./web",
  port: 8080,
  entrypoint: ["/bin/busybox", "sh", "-c"],
  args: ["/bin/busybox mkdir -p /tmp && /bin/busybox touch /tmp/alive && exec /bin/busybox httpd -f -p 8080 -h /srv"],
  readiness: containers.Probe { path: "/gate/ready", period: 1s },
  liveness: containers.Probe { command: ["/bin/busybox", "test", "-f", "/tmp/alive"], period: 1s },
  routes: ["/gate"],
  public: true,
) as "gate";
let api = new cloud.Api() as "api";
api.get("/k", inflight (req: cloud.ApiRequest): cloud.ApiResponse => {
  return cloud.ApiResponse { status: 200, body: up.tryGet("k") ?? "missing" };
});
)";

TEST(DockerBuild, SecondBuildRunsNoDockerBuildAndAChangeRebuilds) {
  std::string dir = TempDir("dbuild");
  ASSERT_NO_FATAL_FAILURE(WriteWebContext(dir));
  WriteFile(dir + "/main.w", kWebApp);
  RunResult first = RunWdsl({"build", "main.w"}, dir);
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_NE(first.err.find(" built in "), std::string::npos) << first.err;
  EXPECT_NE(first.err.find("wdsl-wdsl-test-"), std::string::npos) << "tagged wdsl-<app>-<name>:<hash>: " << first.err;

  auto start = Clock::now();
  RunResult second = RunWdsl({"build", "main.w"}, dir);
  double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(second.err.find(" built in "), std::string::npos) << second.err;
  EXPECT_NE(second.err.find("up to date (no build)"), std::string::npos) << second.err;
  std::cout << "no-op wdsl build with 2 workloads of one local image: " << ms << " ms\n";

  WriteFile(dir + "/web/srv/index.html", "changed\n");
  RunResult third = RunWdsl({"build", "main.w"}, dir);
  ASSERT_EQ(third.exit_code, 0) << third.err;
  EXPECT_NE(third.err.find(" built in "), std::string::npos) << "a changed file rebuilds: " << third.err;

  // A Dockerfile that fails: the build log says why, the exit code is 1,
  // and the previous output is kept.
  std::string manifest = ReadFile(dir + "/target/main.sim/simulator.json");
  WriteFile(dir + "/web/Dockerfile", "FROM scratch\nCOPY missing-file /x\n");
  RunResult broken = RunWdsl({"build", "main.w"}, dir);
  EXPECT_EQ(broken.exit_code, 1) << broken.err;
  EXPECT_NE(broken.err.find("missing-file"), std::string::npos) << broken.err;
  EXPECT_EQ(ReadFile(dir + "/target/main.sim/simulator.json"), manifest);
  fs::remove_all(dir);
}

TEST(DockerRun, WorkloadsRoutesProbesBindingsThenCtrlC) {
  std::string dir = TempDir("drun");
  std::string app = fs::path(dir).filename().string();
  CleanUpApp cleanup{app};
  ASSERT_NO_FATAL_FAILURE(WriteWebContext(dir));
  WriteFile(dir + "/main.w", kWebApp);
  RunningApp run(dir, {"--sim", "main.w", "--port", "0"});
  std::string api = run.WaitForUrl("root/Default/api", 120);
  ASSERT_FALSE(api.empty()) << run.Out() << run.Err();
  nlohmann::json endpoints = Endpoints(dir);
  std::string ingress = endpoints["ingress"].value("url", "");
  ASSERT_TRUE(ingress.starts_with("http://127.0.0.1:")) << endpoints;
  EXPECT_EQ(endpoints["root/Default/web"]["replicas"].size(), 2u) << endpoints;
  EXPECT_EQ(endpoints["root/Default/web"].value("url", ""), ingress) << endpoints;
  EXPECT_EQ(endpoints["root/Default/gate"].value("url", ""), ingress + "/gate") << endpoints;

  // Each replica straight on its own published port.
  for (const auto& replica : endpoints["root/Default/web"]["replicas"]) {
    EXPECT_EQ(Get(replica.value("url", ""), "/healthz").first, 200) << replica;
  }
  // Through the router: longest prefix wins, path forwarded unchanged.
  EXPECT_EQ(Get(ingress, "/").second, "hello from busybox\n");
  EXPECT_EQ(Get(ingress, "/gate/ready").second, "ready\n");

  // env, and the bindings' connection strings; two replicas share traffic.
  std::set<std::string> hosts;
  std::string env;
  for (int i = 0; i < 6; ++i) {
    auto [status, body] = Get(ingress, "/cgi-bin/env");
    ASSERT_EQ(status, 200) << body;
    env = body;
    size_t at = body.find("host=");
    if (at != std::string::npos) hosts.insert(body.substr(at, body.find('\n', at) - at));
  }
  EXPECT_EQ(hosts.size(), 2u) << "round robin over both replicas";
  EXPECT_NE(env.find("GREETING=hello from wdsl"), std::string::npos) << env;
  EXPECT_NE(env.find("WING_UP_URL=http://"), std::string::npos) << env;
  EXPECT_NE(env.find("/v1/root/Default/uploads"), std::string::npos) << env;
  EXPECT_NE(env.find("WING_UP_TOKEN="), std::string::npos) << env;

  // The container calls the bound operation (200) and an unbound one (403).
  auto put = Get(ingress, "/cgi-bin/put");
  EXPECT_NE(put.second.find("status=0"), std::string::npos) << put.second;
  EXPECT_EQ(Get(api, "/k").second, "from a container");
  auto get = Get(ingress, "/cgi-bin/get");
  EXPECT_NE(get.second.find("403"), std::string::npos) << get.second;
  EXPECT_EQ(get.second.find("status=0"), std::string::npos) << get.second;

  // Streaming: the first line arrives long before the backend finishes.
  {
    httplib::Client client(ingress);
    client.set_read_timeout(10, 0);
    auto start = Clock::now();
    double first_ms = -1;
    std::string body;
    auto res = client.Get("/cgi-bin/slow", [&](const char* data, size_t size) {
      if (first_ms < 0) first_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
      body.append(data, size);
      return true;
    });
    double total_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    ASSERT_TRUE(res);
    EXPECT_EQ(body, "first\nsecond\n");
    EXPECT_LT(first_ms, 1500) << "the first line waited for the whole answer";
    EXPECT_GE(total_ms, 1900);
  }

  // Readiness gates routing: no ready replica -> 502, ready again -> 200.
  std::string gate = endpoints["root/Default/gate"]["replicas"][0].value("container", "");
  ASSERT_FALSE(gate.empty());
  Shell("docker exec " + gate + " /bin/busybox rm /srv/gate/ready");
  EXPECT_TRUE(WaitForStatus(ingress, "/gate/x", 502)) << run.Out();
  auto bad = Get(ingress, "/gate/x");
  EXPECT_NE(bad.second.find("workload `gate` has no ready replica"), std::string::npos) << bad.second;
  Shell("docker exec " + gate + " /bin/busybox sh -c 'echo ready > /srv/gate/ready'");
  EXPECT_TRUE(WaitForStatus(ingress, "/gate/ready", 200)) << run.Out();

  // Liveness: three failed checks restart the container.
  Shell("docker exec " + gate + " /bin/busybox rm /tmp/alive");
  auto end = Clock::now() + std::chrono::seconds(30);
  while (Clock::now() < end && run.Out().find("restarting it") == std::string::npos) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_NE(run.Out().find(gate + " failed its liveness check 3 times in a row; restarting it"), std::string::npos)
      << run.Out();
  EXPECT_TRUE(WaitForStatus(ingress, "/gate/ready", 200)) << "ready again after the restart: " << run.Out();

  EXPECT_FALSE(Leftovers(app).empty());
  EXPECT_EQ(run.SignalAndWait(SIGINT), 0) << run.Err();
  EXPECT_EQ(Leftovers(app), "") << "Ctrl-C removes every container and the network";
  fs::remove_all(dir);
}

TEST(DockerRun, KillNineLeftoversAreRemovedByTheNextStart) {
  std::string dir = TempDir("dkill");
  std::string app = fs::path(dir).filename().string();
  CleanUpApp cleanup{app};
  ASSERT_NO_FATAL_FAILURE(WriteWebContext(dir));
  WriteFile(dir + "/main.w", R"(bring containers;
let web = new containers.Workload(name: "web", image: "./web", port: 8080, public: true) as "web";
)");
  {
    RunningApp run(dir, {"main.w", "--port", "0"});
    ASSERT_FALSE(run.WaitForUrl("ingress", 120).empty()) << run.Out() << run.Err();
    EXPECT_EQ(run.SignalAndWait(SIGKILL), 128 + SIGKILL);
  }
  ASSERT_FALSE(Leftovers(app).empty()) << "kill -9 cannot clean up";
  RunningApp again(dir, {"main.w", "--port", "0"});
  std::string ingress = again.WaitForUrl("ingress", 120);
  ASSERT_FALSE(ingress.empty()) << again.Out() << again.Err();
  EXPECT_NE(again.Err().find("left by an earlier run that did not stop cleanly"), std::string::npos) << again.Err();
  EXPECT_EQ(Get(ingress, "/").first, 200);
  EXPECT_EQ(again.SignalAndWait(SIGTERM), 0) << again.Err();
  EXPECT_EQ(Leftovers(app), "");
  fs::remove_all(dir);
}

// Redis from Debian's redis-server and the libraries it links, FROM scratch.
auto BuildRedisImage() -> std::string {
  std::string dir = TempDir("redis-image");
  std::string binary = "/usr/bin/redis-server";
  if (!fs::exists(binary)) return "";
  std::vector<std::string> files = {binary};
  std::istringstream ldd(Shell("ldd " + binary));
  for (std::string line; std::getline(ldd, line);) {
    size_t slash = line.find('/');
    if (slash == std::string::npos) continue;
    files.push_back(line.substr(slash, line.find(' ', slash) - slash));
  }
  for (const std::string& file : files) {
    fs::create_directories(dir + "/root" + fs::path(file).parent_path().string());
    fs::copy_file(fs::canonical(file), dir + "/root" + file, fs::copy_options::overwrite_existing);
  }
  WriteFile(dir + "/Dockerfile", R"(FROM scratch
COPY root /
EXPOSE 6379
ENTRYPOINT ["/usr/bin/redis-server", "--protected-mode", "no", "--save", "", "--appendonly", "no"]
)");
  int status = 0;
  std::string out = Shell("docker build -q -t wdsl-test-redis:7 " + dir, &status);
  fs::remove_all(dir);
  return status == 0 ? "wdsl-test-redis:7" : "";
}

TEST(DockerRedis, InflightCodeAndBoundContainersUseRedis) {
  std::string image = BuildRedisImage();
  ASSERT_FALSE(image.empty()) << "install redis-server (scripts/setup.sh does)";
  std::string dir = TempDir("dredis");
  CleanUpApp cleanup{fs::path(dir).filename().string()};
  WriteFile(dir + "/main.w", R"(bring ex;
let cache = new ex.Redis() as "cache";
test "set, get, hashes and sets" {
  cache.set("k", "v");
  assert(cache.get("k") == "v");
  assert(cache.get("missing") == nil);
  assert(cache.hset("h", "f", "1") == 1);
  assert(cache.hget("h", "f") == "1");
  cache.sadd("s", "a");
  cache.sadd("s", "b");
  assert(cache.smembers("s").length == 2);
  assert(cache.del("k") == 1);
  assert(cache.url().startsWith("redis://127.0.0.1:"));
}
test "each test has its own server" {
  assert(cache.get("k") == nil);
}
)");
  setenv("WDSL_REDIS_IMAGE", image.c_str(), 1);
  RunResult run = RunWdsl({"test", "main.w"}, dir);
  unsetenv("WDSL_REDIS_IMAGE");
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("2 passed, 0 failed"), std::string::npos) << run.out << run.err;
  EXPECT_EQ(Leftovers(fs::path(dir).filename().string()), "");
  fs::remove_all(dir);
}

// sim.Container with a name Docker would reject, a sidecar, and a Redis
// bound to a workload, all from inflight test code.
TEST(DockerTest, SimContainerSidecarAndRedisBinding) {
  std::string image = BuildRedisImage();
  ASSERT_FALSE(image.empty()) << "install redis-server (scripts/setup.sh does)";
  std::string dir = TempDir("dmix");
  CleanUpApp cleanup{fs::path(dir).filename().string()};
  ASSERT_NO_FATAL_FAILURE(WriteWebContext(dir));
  WriteFile(dir + "/main.w", R"(bring sim;
bring http;
bring containers;
bring ex;
let box = new sim.Container(name: "my web/box", image: "./web", containerPort: 8080) as "my box";
let cache = new ex.Redis() as "cache";
let app = new containers.Workload(
  name: "app",
  image: "./web",
  port: 8080,
  public: true,
  sidecars: [containers.ContainerSpec {
    name: "side",
    image: "./web",
    entrypoint: ["/bin/busybox", "httpd", "-f", "-p", "9090", "-h", "/srv"],
  }],
  bindings: { "CACHE" => cache },
) as "app";
let boxPort = box.hostPort ?? "none";
let appUrl = app.publicUrl ?? "none";
test "containers from inflight code" {
  let page = http.get("http://127.0.0.1:{boxPort}/");
  assert(page.body == "hello from busybox\n");
  let env = http.get("{appUrl}/cgi-bin/env").body;
  assert(env.contains("REDIS_URL=redis://cache:6379"));
  assert(env.contains("WING_CACHE_URL=redis://cache:6379"));
  let side = http.get("{appUrl}/cgi-bin/side").body;
  assert(side == "ok\n");
}
)");
  setenv("WDSL_REDIS_IMAGE", image.c_str(), 1);
  RunResult run = RunWdsl({"test", "main.w"}, dir);
  unsetenv("WDSL_REDIS_IMAGE");
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("1 passed, 0 failed"), std::string::npos) << run.out << run.err;
  EXPECT_EQ(Leftovers(fs::path(dir).filename().string()), "");
  fs::remove_all(dir);
}

// `wdsl build --push` against a local registry (Debian's docker-registry on
// 127.0.0.1) standing in for ECR or a cluster's registry.
TEST(DockerPush, PushesLocalImagesUnderTheirContentHashTags) {
  ASSERT_TRUE(fs::exists("/usr/bin/docker-registry")) << "install docker-registry (scripts/setup.sh does)";
  std::string dir = TempDir("dpush");
  std::string app = fs::path(dir).filename().string();
  CleanUpApp cleanup{app};
  ASSERT_NO_FATAL_FAILURE(WriteWebContext(dir));
  WriteFile(dir + "/main.w", R"(bring containers;
new containers.Workload(name: "web", image: "./web", port: 8080) as "web";
)");
  int port = 0;
  {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    port = ntohs(address.sin_port);
    ::close(fd);
  }
  WriteFile(dir + "/registry.yml", "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: " + dir +
                                       "/registry-data\nhttp:\n  addr: 127.0.0.1:" + std::to_string(port) + "\n");
  pid_t registry = fork();
  if (registry == 0) {
    std::freopen((dir + "/registry.log").c_str(), "w", stdout);
    std::freopen((dir + "/registry.log").c_str(), "a", stderr);
    execl("/usr/bin/docker-registry", "docker-registry", "serve", (dir + "/registry.yml").c_str(), nullptr);
    _exit(127);
  }
  std::string url = "http://127.0.0.1:" + std::to_string(port);
  ASSERT_TRUE(WaitForStatus(url, "/v2/", 200)) << ReadFile(dir + "/registry.log");
  std::string reg = "127.0.0.1:" + std::to_string(port);
  RunResult first = RunWdsl({"build", "main.w", "--target", "k8s", "--registry", reg, "--push"}, dir);
  EXPECT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.err.find("pushed " + reg + "/" + app + "-web:"), std::string::npos) << first.err;
  auto tags = Get(url, "/v2/" + app + "-web/tags/list");
  EXPECT_EQ(tags.first, 200) << tags.second;
  nlohmann::json listed = nlohmann::json::parse(tags.second, nullptr, false);
  ASSERT_TRUE(listed.contains("tags")) << tags.second;
  std::string hash = listed["tags"][0];
  EXPECT_EQ(hash.size(), 32u);
  EXPECT_NE(ReadFile(dir + "/target/main.k8s/manifests.yaml").find(reg + "/" + app + "-web:" + hash),
            std::string::npos)
      << "the manifests name the pushed image";
  RunResult again = RunWdsl({"build", "main.w", "--target", "k8s", "--registry", reg, "--push"}, dir);
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("up to date (no build)"), std::string::npos) << again.err;
  RunResult nowhere = RunWdsl({"build", "main.w", "--target", "k8s", "--push"}, dir);
  EXPECT_EQ(nowhere.exit_code, 1);
  EXPECT_NE(nowhere.err.find("`--push` needs a registry"), std::string::npos) << nowhere.err;
  // --target cpln pushes to the org's registry, or to cpln.registry as here.
  WriteFile(dir + "/platform.yaml",
            "cpln:\n  org: example-org\n  locations: [aws-us-west-2]\n  registry: " + reg + "\n");
  RunResult cpln = RunWdsl({"build", "main.w", "--target", "cpln", "--values", "platform.yaml", "--push"}, dir);
  EXPECT_EQ(cpln.exit_code, 0) << cpln.err;
  EXPECT_NE(cpln.err.find("pushed " + reg + "/" + app + "-web:" + hash), std::string::npos) << cpln.err;
  EXPECT_NE(ReadFile(dir + "/target/main.cpln/cpln.yaml").find("image: " + reg + "/" + app + "-web:" + hash),
            std::string::npos)
      << "the workload names the pushed image";
  kill(registry, SIGTERM);
  waitpid(registry, nullptr, 0);
  Shell("docker image rm " + reg + "/" + app + "-web:" + hash);
  fs::remove_all(dir);
}

// A test that never ends: `wdsl test` gives up on it after --timeout and
// exits, and its containers must not outlive the command.
TEST(DockerTest, ATimedOutTestLeavesNoContainer) {
  std::string dir = TempDir("dstuck");
  std::string app = fs::path(dir).filename().string();
  CleanUpApp cleanup{app};
  ASSERT_NO_FATAL_FAILURE(WriteWebContext(dir));
  WriteFile(dir + "/main.w", R"(bring sim;
let box = new sim.Container(name: "box", image: "./web", containerPort: 8080) as "box";
test "never ends" {
  let var i = 0;
  while true { i = i + 1; }
}
)");
  RunResult run = RunWdsl({"test", "main.w", "--timeout", "3"}, dir);
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_NE(run.out.find("timed out after 3 s"), std::string::npos) << run.out;
  EXPECT_EQ(Leftovers(app), "") << "the stuck test's container was removed";
  fs::remove_all(dir);
}

TEST(DockerMissing, SaysHowToGetDockerAndExits2) {
  std::string dir = TempDir("dnone");
  ASSERT_NO_FATAL_FAILURE(WriteWebContext(dir));
  WriteFile(dir + "/main.w", kWebApp);
  setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock", 1);
  RunResult build = RunWdsl({"build", "main.w"}, dir);
  EXPECT_FALSE(fs::exists(dir + "/target/main.sim")) << "a build without its images writes nothing";
  RunResult run = RunWdsl({"run", "main.w", "--port", "0"}, dir);
  unsetenv("DOCKER_HOST");
  for (const RunResult* result : {&build, &run}) {
    EXPECT_EQ(result->exit_code, 2) << result->out << result->err;
    EXPECT_NE(result->err.find("the engine does not answer at DOCKER_HOST=unix:///nonexistent/docker.sock"),
              std::string::npos)
        << result->err;
    EXPECT_NE(result->err.find("apt-get install docker.io"), std::string::npos) << result->err;
  }
  EXPECT_FALSE(fs::exists(dir + "/.wdsl/endpoints.json")) << "nothing started";
  fs::remove_all(dir);
}

}  // namespace
}  // namespace wdsl::testing
