#include "runtime/resource_api.h"

#include <fmt/format.h>
#include <httplib.h>

#include <atomic>
#include <random>
#include <set>
#include <shared_mutex>
#include <thread>

#include "ir/json.h"
#include "ir/signature.h"
#include "runtime/live_resource.h"
#include "runtime/serving.h"

namespace wdsl::runtime {
namespace {

auto RandomToken() -> std::string {
  std::random_device device;
  std::string token;
  for (int i = 0; i < 8; ++i) token += fmt::format("{:08x}", device());
  return token;
}

// Compares without stopping at the first difference, so response times say
// nothing about how much of a guessed token was right.
auto SameToken(const std::string& a, const std::string& b) -> bool {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

void Answer(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

}  // namespace

struct ResourceApi::Impl {
  explicit Impl(Simulator& s) : sim(s) {}

  Simulator& sim;
  // One server per address: 127.0.0.1, and the Docker network's gateway.
  struct Listener {
    httplib::Server server;
    ServingThread serving;
    std::string address;
    int port = 0;
  };
  std::vector<std::unique_ptr<Listener>> listeners;
  mutable std::shared_mutex mutex;                              // guards tokens and allowed
  std::map<std::string, std::string> tokens;                    // host -> token
  std::map<std::string, std::set<std::string>> allowed;         // token -> "resource\noperation"

  void CallMethod(const ir::Program& program, const ir::Resource& target, const std::string& method,
                  const nlohmann::json& args, httplib::Response& res);

  void Handle(const httplib::Request& req, httplib::Response& res) {
    std::string auth = req.get_header_value("Authorization");
    std::string token = auth.starts_with("Bearer ") ? auth.substr(7) : "";
    std::set<std::string> allow;
    std::string host;
    {
      std::shared_lock lock(mutex);  // a live update may change the hosts
      for (const auto& [h, t] : tokens) {
        if (!token.empty() && SameToken(token, t)) {
          if (auto ops = allowed.find(t); ops != allowed.end()) allow = ops->second;
          host = h;
        }
      }
    }
    if (host.empty()) {
      return Answer(res, 401, {{"error", "missing or unknown token: send `Authorization: Bearer <token>` with the "
                                         "token the simulator gave this host"}});
    }
    // /v1/<resource path>/<operation>
    std::string rest = req.path.substr(4);
    size_t slash = rest.rfind('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == rest.size()) {
      return Answer(res, 404, {{"error", "expected POST /v1/<resource path>/<operation>"}});
    }
    std::string resource = rest.substr(0, slash);
    std::string operation = rest.substr(slash + 1);
    if (allow.count(resource + "\n" + operation) == 0) {
      return Answer(res, 403,
                    {{"error", fmt::format("`{}` may not call `{}` on `{}`: it is not bound to that operation (bind "
                                           "it with `bindings: {{ \"NAME\" => resource.allow([\"{}\"]) }}` or use it "
                                           "in the host's inflight code)",
                                           host, operation, resource, operation)}});
    }
    LiveResource* live = sim.Find(resource);
    const ir::Program& program = sim.GetProgram();
    const ir::Resource* declared = live == nullptr ? program.FindResource(resource) : nullptr;
    bool user_class = declared != nullptr && program.FindClass(declared->type) != nullptr;
    if (live == nullptr && !user_class) {
      return Answer(res, 404, {{"error", fmt::format("no simulated resource `{}`", resource)}});
    }
    nlohmann::json body = req.body.empty() ? nlohmann::json::object() : nlohmann::json::parse(req.body, nullptr, false);
    if (!body.is_object() || (body.contains("args") && !body["args"].is_array())) {
      return Answer(res, 400, {{"error", "the body must be a JSON object such as {\"args\": [\"key\", \"value\"]}"}});
    }
    if (user_class) return CallMethod(program, *declared, operation, body.value("args", nlohmann::json::array()), res);
    std::vector<ir::Value> args;
    for (const nlohmann::json& arg : body.value("args", nlohmann::json::array())) {
      args.push_back(ir::ValueFromJson(arg, &sim.GetProgram()));
    }
    try {
      SourceScope scope(host);
      ir::Value result = live->Call(sim.ThreadInterpreter(), operation, args);
      std::string error;
      std::optional<nlohmann::json> json = ir::ValueToJson(result, &error);
      if (!json) return Answer(res, 500, {{"error", "the result cannot be sent as JSON: " + error}});
      return Answer(res, 200, {{"result", *json}});
    } catch (const std::exception& error) {
      return Answer(res, 500, {{"error", error.what()}});
    }
  }
};

// A bound `pub inflight` method of a user class: it runs here, in the
// simulator's interpreter, as a call of that method on the object would
// from inflight code; arguments are converted to its parameter types.
void ResourceApi::Impl::CallMethod(const ir::Program& program, const ir::Resource& target, const std::string& method,
                                   const nlohmann::json& args, httplib::Response& res) {
  std::map<std::string, int32_t> methods = ir::BindableMethods(program, target.type);
  auto it = methods.find(method);
  if (it == methods.end()) {
    return Answer(res, 404, {{"error", fmt::format("`{}` has no `pub inflight` method `{}`", target.type, method)}});
  }
  const ir::Function& fn = program.functions[it->second];
  std::string error;
  std::optional<std::vector<ir::Value>> values = ir::ArgsFromJson(program, fn.signature, args, &error);
  if (!values) {
    return Answer(res, 400, {{"error", fmt::format("`{}.{}` of `{}`: {}", target.type, method, target.path, error)}});
  }
  try {
    SourceScope scope(target.path);
    auto closure = std::make_shared<ir::ClosureObject>();
    closure->function = it->second;
    closure->receiver = ir::Value::Resource(std::make_shared<const ir::ResourceRef>(ir::ResourceRef{target.path, target.type}));
    ir::Value result = sim.ThreadInterpreter(program).Call(ir::Value::Closure(closure), std::move(*values));
    std::optional<nlohmann::json> json = ir::ValueToJson(result, &error);
    if (!json) return Answer(res, 500, {{"error", "the result cannot be sent as JSON: " + error}});
    ir::TidyResult(program, fn.signature.value("result", nlohmann::json("void")), *json);
    return Answer(res, 200, {{"result", *json}});
  } catch (const std::exception& thrown) {
    return Answer(res, 500, {{"error", thrown.what()}});
  }
}

ResourceApi::ResourceApi(Simulator& sim) : impl_(std::make_unique<Impl>(sim)) {}
ResourceApi::~ResourceApi() { Stop(); }

void ResourceApi::Refresh() {
  std::map<std::string, std::string> tokens;
  std::map<std::string, std::set<std::string>> allowed;
  std::unique_lock lock(impl_->mutex);
  for (const ir::Resource& resource : impl_->sim.GetProgram().resources) {
    auto sim = resource.permissions.find("sim");
    if (sim == resource.permissions.end() || !sim->is_array() || sim->empty()) continue;
    // A host keeps its token across live updates: its containers have it.
    auto known = impl_->tokens.find(resource.path);
    std::string token = known != impl_->tokens.end() ? known->second : RandomToken();
    tokens[resource.path] = token;
    std::set<std::string>& ops = allowed[token];
    for (const nlohmann::json& entry : *sim) {
      std::string target = entry.value("resource", "");
      for (const nlohmann::json& op : entry.value("ops", nlohmann::json::array())) {
        if (op.is_string()) ops.insert(target + "\n" + op.get<std::string>());
      }
    }
  }
  impl_->tokens = std::move(tokens);
  impl_->allowed = std::move(allowed);
}

auto ResourceApi::Start(const std::string& container_address) -> std::string {
  Refresh();
  std::vector<std::string> addresses = {"127.0.0.1"};
  if (!container_address.empty()) addresses.push_back(container_address);
  for (const std::string& address : addresses) {
    auto listener = std::make_unique<Impl::Listener>();
    httplib::Server& server = listener->server;
    // Headers and body go out in separate writes; without this, Nagle's
    // algorithm and delayed ACKs add ~40 ms to every keep-alive request.
    server.set_tcp_nodelay(true);
    server.set_socket_options([](int socket) {
      int yes = 1;
      setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    server.Post("/v1/.*", [this](const httplib::Request& req, httplib::Response& res) { impl_->Handle(req, res); });
    listener->address = address;
    listener->port = server.bind_to_any_port(address);
    if (listener->port <= 0) return fmt::format("the resource API cannot listen on {}", address);
    listener->serving.Start(server);
    impl_->listeners.push_back(std::move(listener));
  }
  return "";
}

void ResourceApi::Stop() {
  for (auto& listener : impl_->listeners) listener->serving.Stop();
}

auto ResourceApi::Url() const -> std::string {
  if (impl_->listeners.empty()) return "";
  return fmt::format("http://127.0.0.1:{}", impl_->listeners.front()->port);
}

auto ResourceApi::ContainerUrl() const -> std::string {
  if (impl_->listeners.size() < 2) return "";
  return fmt::format("http://{}:{}", impl_->listeners[1]->address, impl_->listeners[1]->port);
}

auto ResourceApi::Tokens() const -> std::map<std::string, std::string> {
  std::shared_lock lock(impl_->mutex);
  return impl_->tokens;
}

}  // namespace wdsl::runtime
