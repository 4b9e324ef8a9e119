#include "runtime/router.h"

#include <fmt/format.h>
#include <httplib.h>

#include <atomic>
#include <map>
#include <thread>

#include "runtime/simulator.h"

namespace wdsl::runtime {
namespace {

// Headers that belong to one connection, not to the request (RFC 9110 7.6.1),
// and the pseudo headers httplib adds for the handler.
auto HopByHop(const std::string& name) -> bool {
  static const char* kNames[] = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade",
                                 "te", "trailer", "content-length", "remote_addr", "remote_port", "local_addr",
                                 "local_port"};
  std::string lower;
  for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* hop : kNames) {
    if (lower == hop) return true;
  }
  return false;
}

}  // namespace

struct Router::Impl {
  explicit Impl(Simulator& s) : sim(s) {}
  Simulator& sim;
  std::vector<std::pair<std::string, RouteTarget*>> routes;  // longest prefix first
  httplib::Server server;
  std::thread thread;
  std::atomic<bool> done{false};
  int port = 0;

  void Forward(const httplib::Request& req, httplib::Response& res, RouteTarget* target) {
    std::optional<int> replica = target->PickReplica();
    if (!replica) {
      res.status = 502;
      res.set_content(fmt::format("502 Bad Gateway: workload `{}` has no ready replica for {} (it is starting, "
                                  "failing its readiness check, or stopped; see its log lines)\n",
                                  target->TargetName(), req.path),
                      "text/plain");
      return;
    }
    // One keep-alive client per backend port and server thread: httplib's
    // handler threads are a pool, so connections are reused across requests.
    thread_local std::map<int, std::unique_ptr<httplib::Client>> clients;
    std::unique_ptr<httplib::Client>& client = clients[*replica];
    if (!client) {
      client = std::make_unique<httplib::Client>("127.0.0.1", *replica);
      client->set_keep_alive(true);
      client->set_tcp_nodelay(true);
      client->set_connection_timeout(5);
      client->set_read_timeout(300);
    }
    httplib::Request forward;
    forward.method = req.method;
    forward.path = req.target.empty() ? req.path : req.target;
    for (const auto& [name, value] : req.headers) {
      if (!HopByHop(name)) forward.headers.emplace(name, value);
    }
    forward.headers.emplace("X-Forwarded-For", req.remote_addr);
    forward.headers.emplace("X-Forwarded-Proto", "http");
    if (req.has_header("Host")) forward.headers.emplace("X-Forwarded-Host", req.get_header_value("Host"));
    forward.body = req.body;
    httplib::Result result = client->send(forward);
    if (!result && result.error() != httplib::Error::Connection) {
      // A kept-alive connection the backend closed meanwhile (servers such
      // as busybox httpd close after every answer): once more on a new one.
      client = std::make_unique<httplib::Client>("127.0.0.1", *replica);
      client->set_keep_alive(true);
      client->set_tcp_nodelay(true);
      client->set_connection_timeout(5);
      client->set_read_timeout(300);
      result = client->send(forward);
    }
    if (!result) {
      client.reset();  // a broken connection is not reused
      res.status = 502;
      res.set_content(fmt::format("502 Bad Gateway: workload `{}` (127.0.0.1:{}) did not answer: {}\n",
                                  target->TargetName(), *replica, httplib::to_string(result.error())),
                      "text/plain");
      return;
    }
    res.status = result->status;
    std::string content_type = "application/octet-stream";
    for (const auto& [name, value] : result->headers) {
      if (HopByHop(name)) continue;
      if (name == "Content-Type" || name == "content-type") {
        content_type = value;
        continue;
      }
      res.headers.emplace(name, value);
    }
    res.set_content(result->body, content_type);
  }
};

Router::Router(Simulator& sim) : impl_(std::make_unique<Impl>(sim)) {}
Router::~Router() { Stop(); }

void Router::AddRoute(const std::string& prefix, RouteTarget* target) {
  std::string normal = prefix.size() > 1 && prefix.ends_with("/") ? prefix.substr(0, prefix.size() - 1) : prefix;
  impl_->routes.emplace_back(normal, target);
  std::stable_sort(impl_->routes.begin(), impl_->routes.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
}

auto Router::HasRoutes() const -> bool { return !impl_->routes.empty(); }

auto Router::Match(const std::string& path) const -> RouteTarget* {
  for (const auto& [prefix, target] : impl_->routes) {
    if (prefix == "/" || path == prefix || (path.starts_with(prefix) && path[prefix.size()] == '/')) return target;
  }
  return nullptr;
}

auto Router::Bind() -> std::string {
  auto handle = [this](const httplib::Request& req, httplib::Response& res) {
    RouteTarget* target = Match(req.path);
    if (target == nullptr) {
      std::string known;
      for (const auto& [prefix, t] : impl_->routes) known += fmt::format("\n  {} -> {}", prefix, t->TargetName());
      res.status = 404;
      res.set_content(fmt::format("404 Not Found: no workload route matches {}; the routes are:{}\n", req.path, known),
                      "text/plain");
      return;
    }
    impl_->Forward(req, res, target);
  };
  httplib::Server& server = impl_->server;
  server.Get(".*", handle).Post(".*", handle).Put(".*", handle).Patch(".*", handle).Delete(".*", handle);
  server.Options(".*", handle);
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(1000);
  server.set_payload_max_length(1ull << 30);
  server.set_socket_options([](int socket) {
    int yes = 1;
    setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  int first = impl_->sim.NextPort();
  if (first == 0) {
    impl_->port = server.bind_to_any_port("127.0.0.1");
    return impl_->port > 0 ? "" : "the workload router cannot listen on 127.0.0.1";
  }
  for (int port = first, tries = 0; tries < 100 && port < 65536; ++tries, port = impl_->sim.NextPort()) {
    if (server.bind_to_port("127.0.0.1", port)) {
      impl_->port = port;
      if (port != first) impl_->sim.Note(fmt::format("port {} is in use; the workload router listens on {}", first, port));
      return "";
    }
  }
  return fmt::format("the workload router found no free port from {} to {} on 127.0.0.1", first, first + 99);
}

void Router::Start() {
  if (impl_->port <= 0 || impl_->thread.joinable()) return;
  impl_->thread = std::thread([this] {
    impl_->server.listen_after_bind();
    impl_->done = true;
  });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!impl_->server.is_running() && !impl_->done && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
}

void Router::Stop() {
  if (!impl_->thread.joinable()) return;
  while (!impl_->done) {
    impl_->server.stop();
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  impl_->thread.join();
}

auto Router::Url() const -> std::string {
  return impl_->port > 0 ? fmt::format("http://127.0.0.1:{}", impl_->port) : "";
}

}  // namespace wdsl::runtime
