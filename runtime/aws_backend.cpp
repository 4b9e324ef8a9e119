// The ResourceBackend of a service deployed on AWS (WDSL_RESOURCE_BACKEND=aws):
// each operation goes to the AWS service behind the resource through
// runtime/aws/ (libcurl, SigV4), found through the binding env the
// deployment backends write (backends/services.cpp, docs/aws-runtime.md).
#include <fmt/format.h>

#include "ir/bind.h"
#include "ir/json.h"
#include "runtime/aws/call.h"
#include "runtime/remote_host.h"

namespace wdsl::runtime {
namespace {

class AwsBackend : public ResourceBackend {
 public:
  explicit AwsBackend(aws::Env env) : env_(env), clients_(std::move(env)) {}

  auto Call(const ir::Resource& resource, const std::string& operation, const nlohmann::json& args)
      -> nlohmann::json override {
    aws::AwsBinding binding = BindingOf(resource);
    std::vector<ir::Value> values;
    for (const nlohmann::json& arg : args) values.push_back(ir::ValueFromJson(arg));
    ir::Value result = aws::CallAws(clients_, resource.type, operation, values, binding);
    std::string error;
    std::optional<nlohmann::json> json = ir::ValueToJson(result, &error);
    if (!json) throw ir::ThrownError(fmt::format("`{}.{}` returned a value that cannot cross: {}", resource.path,
                                                 operation, error),
                                     {});
    return *json;
  }

 private:
  // The binding by the resource's id, or by its path below root/Default when
  // two lifted resources share an id; its _TYPE must be the resource's.
  auto BindingOf(const ir::Resource& resource) -> aws::AwsBinding {
    std::string below = resource.path.starts_with("root/Default/") ? resource.path.substr(13) : resource.path;
    for (const std::string& name : {ir::BindingEnvName(resource.id), ir::BindingEnvName(below)}) {
      std::optional<aws::AwsBinding> binding = aws::BindingFromEnv(env_, name);
      if (binding && (binding->type.empty() || binding->type == resource.type)) {
        binding->type = resource.type;
        binding->props = resource.props;
        return *binding;
      }
    }
    throw ir::ThrownError(fmt::format("`{}` ({}) is not bound in this container: neither WING_{}_NAME nor WING_{}_NAME "
                                      "is set (the deployment writes them for every resource the service uses; was "
                                      "the image deployed with its own task definition or chart?)",
                                      resource.path, resource.type, ir::BindingEnvName(resource.id), ir::BindingEnvName(below)),
                          {});
  }

  aws::Env env_;
  aws::AwsClients clients_;
};

}  // namespace

auto MakeAwsBackend(std::map<std::string, std::string> env, std::string& error) -> std::unique_ptr<ResourceBackend> {
  try {
    return std::make_unique<AwsBackend>(std::move(env));
  } catch (const std::exception& e) {
    error = fmt::format("WDSL_RESOURCE_BACKEND=aws: {}", e.what());
    return nullptr;
  }
}

}  // namespace wdsl::runtime
