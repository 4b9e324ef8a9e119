#include "runtime/router.h"

#include <fmt/format.h>
#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <shared_mutex>
#include <map>
#include <thread>

#include "runtime/container_host.h"
#include "runtime/serving.h"
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
  // Longest prefix first. Live updates change it while requests are served.
  mutable std::shared_mutex routes_mutex;
  std::vector<std::pair<std::string, RouteTarget*>> routes;
  httplib::Server server;
  ServingThread serving;
  int port = 0;
  // The same routes on the app network's gateway, for code in containers
  // (a service's `web.publicUrl`), on the same port; "" when not listening.
  httplib::Server gateway_server;
  ServingThread gateway_serving;
  std::string gateway;

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

    // The backend is read on a thread of its own, so the answer can stream
    // to the client while it arrives (server-sent events, long downloads):
    // a handler must return before httplib writes, and httplib pulls the
    // body from the provider below afterwards.
    auto stream = std::make_shared<Stream>();
    int port = *replica;
    std::thread([stream, forward = std::move(forward), port]() mutable {
      httplib::Client client("127.0.0.1", port);
      client.set_tcp_nodelay(true);
      client.set_connection_timeout(5);
      client.set_read_timeout(300);
      forward.response_handler = [stream](const httplib::Response& response) {
        std::lock_guard lock(stream->mutex);
        stream->status = response.status;
        stream->headers = response.headers;
        stream->has_headers = true;
        stream->changed.notify_all();
        return !stream->cancelled;
      };
      forward.content_receiver = [stream](const char* data, size_t size, uint64_t, uint64_t) {
        std::unique_lock lock(stream->mutex);
        // At most 1 MiB waits for a slow client: the backend is paused, not buffered whole.
        stream->changed.wait(lock, [&] { return stream->buffered < (1u << 20) || stream->cancelled; });
        if (stream->cancelled) return false;
        stream->chunks.emplace_back(data, size);
        stream->buffered += size;
        stream->changed.notify_all();
        return true;
      };
      httplib::Result result = client.send(forward);
      std::lock_guard lock(stream->mutex);
      if (!result) stream->error = httplib::to_string(result.error());
      stream->done = true;
      stream->changed.notify_all();
    }).detach();

    std::unique_lock lock(stream->mutex);
    stream->changed.wait(lock, [&] { return stream->has_headers || stream->done; });
    if (!stream->has_headers) {
      res.status = 502;
      res.set_content(fmt::format("502 Bad Gateway: workload `{}` (127.0.0.1:{}) did not answer: {}\n",
                                  target->TargetName(), port, stream->error),
                      "text/plain");
      return;
    }
    res.status = stream->status;
    std::string content_type = "application/octet-stream";
    for (const auto& [name, value] : stream->headers) {
      if (HopByHop(name)) continue;
      if (name == "Content-Type" || name == "content-type") {
        content_type = value;
        continue;
      }
      res.headers.emplace(name, value);
    }
    bool no_body = req.method == "HEAD" || res.status == 204 || res.status == 304 || res.status < 200;
    // Short answers are usually complete by now: sent with a Content-Length.
    stream->changed.wait_for(lock, std::chrono::milliseconds(2), [&] { return stream->done; });
    if (stream->done || no_body) {
      std::string body;
      for (const std::string& chunk : stream->chunks) body += chunk;
      if (no_body) {
        stream->cancelled = true;
        stream->changed.notify_all();
      }
      res.set_content(body, content_type);
      return;
    }
    lock.unlock();
    res.set_chunked_content_provider(
        content_type,
        [stream](size_t, httplib::DataSink& sink) {
          std::unique_lock lock(stream->mutex);
          stream->changed.wait(lock, [&] { return !stream->chunks.empty() || stream->done; });
          while (!stream->chunks.empty()) {
            std::string chunk = std::move(stream->chunks.front());
            stream->chunks.pop_front();
            stream->buffered -= chunk.size();
            stream->changed.notify_all();
            lock.unlock();
            bool written = sink.write(chunk.data(), chunk.size());
            lock.lock();
            if (!written) {
              stream->cancelled = true;
              stream->changed.notify_all();
              return false;
            }
          }
          if (stream->done) sink.done();
          return true;
        },
        [stream](bool) {
          std::lock_guard lock(stream->mutex);
          stream->cancelled = true;  // the client went away: stop reading the backend
          stream->changed.notify_all();
        });
  }

  // One forwarded answer on its way from the backend thread to the client.
  struct Stream {
    std::mutex mutex;
    std::condition_variable changed;
    bool has_headers = false;
    bool done = false;
    bool cancelled = false;
    int status = 0;
    httplib::Headers headers;
    std::deque<std::string> chunks;
    size_t buffered = 0;
    std::string error;
  };
};

Router::Router(Simulator& sim) : impl_(std::make_unique<Impl>(sim)) {}
Router::~Router() { Stop(); }

void Router::AddRoute(const std::string& prefix, RouteTarget* target) {
  std::string normal = prefix.size() > 1 && prefix.ends_with("/") ? prefix.substr(0, prefix.size() - 1) : prefix;
  std::unique_lock lock(impl_->routes_mutex);
  impl_->routes.emplace_back(normal, target);
  std::stable_sort(impl_->routes.begin(), impl_->routes.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
}

void Router::RemoveTarget(RouteTarget* target) {
  std::unique_lock lock(impl_->routes_mutex);
  std::erase_if(impl_->routes, [&](const auto& route) { return route.second == target; });
}

auto Router::HasRoutes() const -> bool {
  std::shared_lock lock(impl_->routes_mutex);
  return !impl_->routes.empty();
}

auto Router::Match(const std::string& path) const -> RouteTarget* {
  std::shared_lock lock(impl_->routes_mutex);
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
      std::shared_lock lock(impl_->routes_mutex);
      for (const auto& [prefix, t] : impl_->routes) known += fmt::format("\n  {} -> {}", prefix, t->TargetName());
      res.status = 404;
      res.set_content(fmt::format("404 Not Found: no workload route matches {}; the routes are:{}\n", req.path, known),
                      "text/plain");
      return;
    }
    impl_->Forward(req, res, target);
  };
  auto configure = [&handle](httplib::Server& server) {
    server.Get(".*", handle).Post(".*", handle).Put(".*", handle).Patch(".*", handle).Delete(".*", handle);
    server.Options(".*", handle);
    server.set_tcp_nodelay(true);
    server.set_keep_alive_max_count(1000);
    server.set_payload_max_length(1ull << 30);
    server.set_socket_options([](int socket) {
      int yes = 1;
      setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
  };
  httplib::Server& server = impl_->server;
  configure(server);
  int first = impl_->sim.NextPort();
  if (first == 0) {
    impl_->port = server.bind_to_any_port("127.0.0.1");
    if (impl_->port <= 0) return "the workload router cannot listen on 127.0.0.1";
  } else {
    for (int port = first, tries = 0; tries < 100 && port < 65536; ++tries, port = impl_->sim.NextPort()) {
      if (server.bind_to_port("127.0.0.1", port)) {
        impl_->port = port;
        if (port != first) {
          impl_->sim.Note(fmt::format("port {} is in use; the workload router listens on {}", first, port));
        }
        break;
      }
    }
    if (impl_->port <= 0) {
      return fmt::format("the workload router found no free port from {} to {} on 127.0.0.1", first, first + 99);
    }
  }
  ContainerHost* host = impl_->sim.Containers();
  if (host != nullptr && !host->Gateway().empty()) {
    configure(impl_->gateway_server);
    if (impl_->gateway_server.bind_to_port(host->Gateway(), impl_->port)) {
      impl_->gateway = host->Gateway();
    } else {
      impl_->sim.Note(fmt::format("the workload router cannot also listen on {}:{}, so code in containers cannot "
                                  "reach workloads by their publicUrl",
                                  host->Gateway(), impl_->port));
    }
  }
  return "";
}

void Router::Start() {
  if (impl_->port <= 0) return;
  impl_->serving.Start(impl_->server);
  if (!impl_->gateway.empty()) impl_->gateway_serving.Start(impl_->gateway_server);
}

void Router::Stop() {
  impl_->serving.Stop();
  impl_->gateway_serving.Stop();
}

auto Router::Url() const -> std::string {
  return impl_->port > 0 ? fmt::format("http://127.0.0.1:{}", impl_->port) : "";
}

auto Router::ContainerUrl() const -> std::string {
  return impl_->port > 0 && !impl_->gateway.empty() ? fmt::format("http://{}:{}", impl_->gateway, impl_->port) : "";
}

}  // namespace wdsl::runtime
