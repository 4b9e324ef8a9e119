// cloud.Api: a real HTTP server on 127.0.0.1 (cpp-httplib), routing by
// method and path with Wing's `:name` segments to the inflight handlers of
// `api.get(...)` and friends. Each server thread has its own interpreter.
#include <fmt/format.h>
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "runtime/container_host.h"
#include "runtime/live_resource.h"
#include "runtime/serving.h"

namespace wdsl::runtime {
namespace {

using ir::Value;

auto Split(const std::string& path) -> std::vector<std::string> {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start < path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

auto Lower(std::string text) -> std::string {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

struct Route {
  std::string method;
  std::string pattern;
  std::vector<std::string> segments;
  nlohmann::json handler;
  std::string source;  // the handler's function resource
  int literals = 0;    // more literal segments win over `:name` ones
};

struct RouteTable {
  std::vector<Route> routes;
  const ir::Program* program = nullptr;  // the handlers' program
};

class Api : public LiveResource {
 public:
  Api(Simulator& sim, const ir::Resource& resource) : LiveResource(sim, resource) {
    table_ = MakeTable(resource, sim.GetProgram());
  }

  // Only handler code changed: new requests run the new handlers, on the
  // same server and port.
  auto Reload(const ir::Resource& next) -> bool override {
    std::shared_ptr<const RouteTable> table = MakeTable(next, sim_.GetProgram());
    std::lock_guard lock(table_mutex_);
    table_ = std::move(table);
    return true;
  }

  // The routes of `resource`, whose handlers are closures of `program`.
  static auto MakeTable(const ir::Resource& resource, const ir::Program& program)
      -> std::shared_ptr<const RouteTable> {
    auto table = std::make_shared<RouteTable>();
    table->program = &program;
    std::vector<Route>& routes_ = table->routes;
    auto routes = resource.props.find("routes");
    if (routes == resource.props.end() || !routes->is_array()) return table;
    for (const nlohmann::json& entry : *routes) {
      if (!entry.is_object()) continue;
      Route route;
      route.method = entry.value("method", "GET");
      route.pattern = entry.value("path", "/");
      route.segments = Split(route.pattern.substr(0, route.pattern.find('?')));
      route.handler = entry.value("handler", nlohmann::json());
      route.source = resource.path;
      if (auto fn = entry.find("function"); fn != entry.end() && fn->is_object() && fn->contains("$resource")) {
        route.source = (*fn)["$resource"].get<std::string>();
      }
      for (const std::string& segment : route.segments) route.literals += segment.starts_with(":") ? 0 : 1;
      routes_.push_back(std::move(route));
    }
    std::stable_sort(routes_.begin(), routes_.end(),
                     [](const Route& a, const Route& b) { return a.literals > b.literals; });
    return table;
  }

  auto Bind() -> std::string override {
    if (std::string error = BindLoopback(); !error.empty()) return error;
    // Services in containers reach the Api at the app network's gateway,
    // on the same port (its container URL, ContainerAttribute).
    ContainerHost* host = sim_.Containers();
    if (host != nullptr && !host->Gateway().empty()) {
      Configure(gateway_server_);
      if (gateway_server_.bind_to_port(host->Gateway(), port_)) {
        gateway_ = host->Gateway();
      } else {
        sim_.Note(fmt::format("`{}` cannot also listen on {}:{}, so containers cannot reach it", Path(),
                              host->Gateway(), port_));
      }
    }
    return "";
  }

  // The handlers and socket options of a server.
  void Configure(httplib::Server& server) {
    auto handle = [this](const httplib::Request& req, httplib::Response& res) { Handle(req, res); };
    server.Get(".*", handle).Post(".*", handle).Put(".*", handle).Patch(".*", handle).Delete(".*", handle);
    server.Options(".*", handle);
    // httplib's default also sets SO_REUSEPORT, with which a second process
    // could listen on the same port and steal half the requests: a busy port
    // must look busy.
    // Headers and body go out in separate writes; without this, Nagle's
    // algorithm and delayed ACKs add ~40 ms to every keep-alive request.
    server.set_tcp_nodelay(true);
    server.set_keep_alive_max_count(1000);  // httplib's default closes a connection every 5 requests
    server.set_socket_options([](int socket) {
      int yes = 1;
      setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
  }

  auto BindLoopback() -> std::string {
    Configure(server_);
    // Replaced by a live update: the same port, so its URL stays the same.
    if (int previous = sim_.PreviousPort(Path()); previous > 0 && server_.bind_to_port("127.0.0.1", previous)) {
      port_ = previous;
      return "";
    }
    int first = sim_.NextPort();
    if (first == 0) {
      port_ = server_.bind_to_any_port("127.0.0.1");
      if (port_ < 0) return fmt::format("`{}`: cannot listen on 127.0.0.1", Path());
      return "";
    }
    for (int port = first, tries = 0; tries < 100 && port < 65536; ++tries, port = sim_.NextPort()) {
      if (server_.bind_to_port("127.0.0.1", port)) {
        port_ = port;
        if (port != first) sim_.Note(fmt::format("port {} is in use; `{}` listens on {} instead", first, Path(), port));
        return "";
      }
    }
    return fmt::format("`{}`: no free port from {} to {} on 127.0.0.1; free one or pass another `--port`", Path(),
                       first, first + 99);
  }

  auto Start() -> std::string override {
    if (port_ <= 0) return "";
    if (!gateway_.empty()) gateway_serving_.Start(gateway_server_);
    serving_.Start(server_);
    return "";
  }

  void Stop() override {
    gateway_serving_.Stop();
    serving_.Stop();
  }

  auto Attribute(const std::string& name) -> std::optional<std::string> override {
    if (name == "url" && port_ > 0) return fmt::format("http://127.0.0.1:{}", port_);
    return std::nullopt;
  }

  auto ContainerAttribute(const std::string& name) -> std::optional<std::string> override {
    if (name == "url" && port_ > 0 && !gateway_.empty()) return fmt::format("http://{}:{}", gateway_, port_);
    return Attribute(name);
  }

 private:
  static auto Match(const RouteTable& table, const std::string& method, const std::string& path,
                    std::vector<std::pair<std::string, Value>>& vars, bool& path_matched) -> const Route* {
    std::vector<std::string> parts = Split(path);
    for (const Route& route : table.routes) {
      if (route.segments.size() != parts.size()) continue;
      std::vector<std::pair<std::string, Value>> found;
      bool ok = true;
      for (size_t i = 0; i < parts.size() && ok; ++i) {
        if (route.segments[i].starts_with(":")) {
          found.emplace_back(route.segments[i].substr(1), Value::Str(parts[i]));
        } else {
          ok = route.segments[i] == parts[i];
        }
      }
      if (!ok) continue;
      path_matched = true;
      if (route.method != method && !(method == "HEAD" && route.method == "GET")) continue;
      vars = std::move(found);
      return &route;
    }
    return nullptr;
  }

  void Cors(httplib::Response& res) const {
    if (!Props().value("cors", false)) return;
    const nlohmann::json options = Props().value("corsOptions", nlohmann::json::object());
    auto join = [&](const char* key) {
      std::string out;
      for (const auto& item : options.value(key, nlohmann::json::array())) {
        if (!item.is_string()) continue;
        if (!out.empty()) out += ',';
        out += item.get<std::string>();
      }
      return out;
    };
    res.set_header("Access-Control-Allow-Origin", options.value("allowOrigin", "*"));
    res.set_header("Access-Control-Allow-Methods", join("allowMethods"));
    res.set_header("Access-Control-Allow-Headers", join("allowHeaders"));
    if (std::string expose = join("exposeHeaders"); !expose.empty()) {
      res.set_header("Access-Control-Expose-Headers", expose);
    }
    if (options.value("allowCredentials", false)) res.set_header("Access-Control-Allow-Credentials", "true");
  }

  void Handle(const httplib::Request& req, httplib::Response& res) {
    Cors(res);
    std::vector<std::pair<std::string, Value>> vars;
    bool path_matched = false;
    std::shared_ptr<const RouteTable> table;
    {
      std::lock_guard lock(table_mutex_);
      table = table_;
    }
    const Route* route = Match(*table, req.method, req.path, vars, path_matched);
    if (route == nullptr) {
      if (req.method == "OPTIONS" && Props().value("cors", false)) {
        res.status = 204;
        return;
      }
      res.status = path_matched ? 405 : 404;
      res.set_content(fmt::format("no route for {} {}", req.method, req.path), "text/plain");
      return;
    }
    std::vector<std::pair<std::string, Value>> query;
    for (const auto& [key, value] : req.params) {
      auto it = std::find_if(query.begin(), query.end(), [&](const auto& entry) { return entry.first == key; });
      if (it == query.end()) {
        query.emplace_back(key, Value::Str(value));
      } else {
        it->second = Value::Str(value);
      }
    }
    std::vector<std::pair<std::string, Value>> headers;
    for (const auto& [key, value] : req.headers) headers.emplace_back(Lower(key), Value::Str(value));
    Value request = Value::NewMap({{"method", Value::Str(req.method)},
                                   {"path", Value::Str(req.path)},
                                   {"query", Value::NewMap(std::move(query), false)},
                                   {"vars", Value::NewMap(std::move(vars), false)},
                                   {"body", Value::Str(req.body)},
                                   {"headers", Value::NewMap(std::move(headers), false)}},
                                  false, "cloud.ApiRequest");
    Value response;
    try {
      response = sim_.CallHandler(sim_.ThreadInterpreter(*table->program), route->handler, {request}, route->source);
    } catch (const ir::ThrownError& error) {
      std::string where = error.trace.empty() ? "" : fmt::format(" ({}:{}:{})", error.trace.front().pos.file,
                                                                  error.trace.front().pos.line,
                                                                  error.trace.front().pos.col);
      sim_.Log(route->source, fmt::format("error: {} {}: {}{}", req.method, req.path, error.what(), where));
      res.status = 500;
      res.set_content(error.what(), "text/plain");
      return;
    } catch (const std::exception& error) {
      sim_.Log(route->source, fmt::format("error: {} {}: {}", req.method, req.path, error.what()));
      res.status = 500;
      res.set_content(error.what(), "text/plain");
      return;
    }
    res.status = 200;
    Value status = FieldOf(response, "status");
    if (status.kind == ir::ValueKind::kNum) {
      if (!(status.number >= 100 && status.number <= 599)) {
        sim_.Log(route->source, fmt::format("error: {} {}: the handler returned status {}, which is not an HTTP status "
                                            "(100-599)",
                                            req.method, req.path, ir::ToDisplayString(status)));
        res.status = 500;
        res.set_content("invalid status from the handler", "text/plain");
        return;
      }
      res.status = static_cast<int>(status.number);
    }
    std::string content_type = "text/plain";
    Value headers_out = FieldOf(response, "headers");
    if (headers_out.kind == ir::ValueKind::kMap) {
      for (const auto& [key, value] : headers_out.map->entries) {
        if (Lower(key) == "content-type") {
          content_type = ir::ToDisplayString(value);
        } else {
          res.set_header(key, ir::ToDisplayString(value));
        }
      }
    }
    Value body = FieldOf(response, "body");
    if (!body.IsNil()) {
      res.set_content(ir::ToDisplayString(body), content_type);
    } else if (content_type != "text/plain") {
      res.set_header("Content-Type", content_type);
    }
  }

  std::mutex table_mutex_;
  std::shared_ptr<const RouteTable> table_;
  httplib::Server server_;
  int port_ = 0;
  ServingThread serving_;
  httplib::Server gateway_server_;  // on the app network's gateway, when the app runs containers
  std::string gateway_;
  ServingThread gateway_serving_;
};

}  // namespace

auto MakeApi(Simulator& sim, const ir::Resource& resource) -> std::unique_ptr<LiveResource> {
  return std::make_unique<Api>(sim, resource);
}

}  // namespace wdsl::runtime
