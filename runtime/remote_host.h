// The evaluator's Host outside the simulator (`wdsl-runtime`): inflight code
// of one service runs here, and each resource operation it calls goes to a
// ResourceBackend - the simulator's Resource API (docs/simulator.md) when the
// service runs in a container of `wdsl run`, or a cloud's own API when it is
// deployed. `WDSL_RESOURCE_BACKEND` chooses:
//   resource-api (default)  WDSL_RESOURCE_API_URL, WDSL_RESOURCE_API_TOKEN
//   aws                     AWS_REGION and credentials as the AWS SDKs read them, and
//                           WING_<ID>_NAME/_TYPE per resource (runtime/aws/, docs/aws-runtime.md)
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "ir/eval.h"
#include "ir/ir.h"

namespace wdsl::runtime {

// Where a remote resource operation goes. Arguments and results use the
// IR's value encoding (ir/json.h). A failed operation throws ir::ThrownError
// with a message for the service's log (Wing code can catch it).
class ResourceBackend {
 public:
  virtual ~ResourceBackend() = default;
  virtual auto Call(const ir::Resource& resource, const std::string& operation, const nlohmann::json& args)
      -> nlohmann::json = 0;
};

// `POST <url>/v1/<resource path>/<operation>` with `Authorization: Bearer <token>`.
class ResourceApiBackend : public ResourceBackend {
 public:
  // `url`: scheme, host and port, optionally a path prefix ("http://172.18.0.1:41235").
  ResourceApiBackend(std::string url, std::string token);
  ~ResourceApiBackend() override;
  auto Call(const ir::Resource& resource, const std::string& operation, const nlohmann::json& args)
      -> nlohmann::json override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The AWS services behind the resources (runtime/aws/) as `env` (the
// process's environment in wdsl-runtime) names them; nullptr and `error`
// when it names no region.
auto MakeAwsBackend(std::map<std::string, std::string> env, std::string& error) -> std::unique_ptr<ResourceBackend>;

// Reads an environment variable (std::getenv in the runtime; a map in tests).
using EnvLookup = std::function<std::string(const std::string&)>;

// The backend the environment asks for, or nullptr and `error` (what is
// missing or wrong, and what to set).
auto MakeResourceBackend(const EnvLookup& env, std::string& error) -> std::unique_ptr<ResourceBackend>;

// "message (main.w:3:5)" for a Wing error (where it was thrown), else what().
auto DescribeError(const std::exception& error) -> std::string;

// Log lines of the service's code (`log(...)`) and the runtime's own errors.
struct RemoteLog {
  std::function<void(const std::string&)> out;
  std::function<void(const std::string&)> err;
};

class RemoteHost : public ir::Host {
 public:
  RemoteHost(const ir::Program& program, ResourceBackend& backend, RemoteLog log);

  auto NewResource(ir::Interpreter&, const std::string& type, std::vector<ir::Value>, const ir::Value&,
                   const ir::Value&, const ir::SourcePos&) -> ir::Value override;
  auto BeginInstance(ir::Interpreter&, const std::string& type, const ir::Value&, const ir::Value&,
                     const ir::SourcePos&) -> std::shared_ptr<const ir::ResourceRef> override;
  void EndInstance(ir::Interpreter&, const std::shared_ptr<const ir::ResourceRef>&) override {}
  auto CallResource(ir::Interpreter& interp, const ir::Value& resource, const std::string& method,
                    std::vector<ir::Value> args, const ir::SourcePos& pos) -> ir::Value override;
  auto GetResourceField(ir::Interpreter& interp, const ir::Value& resource, const std::string& name,
                        const ir::SourcePos& pos) -> ir::Value override;
  auto CallBuiltin(ir::Interpreter& interp, const std::string& name, std::vector<ir::Value>& args,
                   const ir::SourcePos& pos) -> std::optional<ir::Value> override;

  auto Log() -> const RemoteLog& { return log_; }

 private:
  const ir::Program& program_;
  ResourceBackend& backend_;
  RemoteLog log_;
};

}  // namespace wdsl::runtime
