#include "runtime/docker/containers.h"

#include <fmt/format.h>

#include <sstream>

namespace wdsl::docker {
namespace {

auto Number(double value) -> std::string {
  std::string text = fmt::format("{:.3f}", value);
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text;
}

auto Lines(const std::string& text) -> std::vector<std::string> {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

}  // namespace

auto RunArgs(const RunSpec& spec) -> std::vector<std::string> {
  std::vector<std::string> args = {"run", "--detach", "--name", spec.name};
  for (const auto& [key, value] : spec.labels) args.insert(args.end(), {"--label", key + "=" + value});
  if (!spec.network.empty()) args.insert(args.end(), {"--network", spec.network});
  for (const std::string& alias : spec.aliases) args.insert(args.end(), {"--network-alias", alias});
  for (const std::string& host : spec.add_hosts) args.insert(args.end(), {"--add-host", host});
  for (int port : spec.publish) args.insert(args.end(), {"--publish", fmt::format("127.0.0.1::{}", port)});
  for (const auto& [key, value] : spec.env) args.insert(args.end(), {"--env", key + "=" + value});
  if (spec.cpus > 0) args.insert(args.end(), {"--cpus", Number(spec.cpus)});
  if (spec.memory_mib > 0) args.insert(args.end(), {"--memory", Number(spec.memory_mib) + "m"});
  if (spec.gpus > 0) args.insert(args.end(), {"--gpus", std::to_string(spec.gpus)});
  for (const std::string& volume : spec.volumes) args.insert(args.end(), {"--volume", volume});
  if (!spec.restart.empty()) args.insert(args.end(), {"--restart", spec.restart});
  // Docker's --entrypoint takes one word; the rest of an entrypoint array
  // goes before the arguments, which is what Kubernetes' `command` means.
  if (!spec.entrypoint.empty()) args.insert(args.end(), {"--entrypoint", spec.entrypoint.front()});
  args.push_back(spec.image);
  if (!spec.entrypoint.empty()) args.insert(args.end(), spec.entrypoint.begin() + 1, spec.entrypoint.end());
  args.insert(args.end(), spec.args.begin(), spec.args.end());
  return args;
}

auto RunContainer(Runner& runner, const RunSpec& spec) -> std::string {
  Result run = runner.Run(RunArgs(spec), std::chrono::minutes(2));
  if (run.Ok()) return "";
  std::string message = run.Message();
  std::string hint = "check the image's entrypoint and the workload's props";
  if (message.find("port is already allocated") != std::string::npos) hint = "a port is in use";
  if (message.find("could not select device driver") != std::string::npos) {
    hint = "GPUs need the NVIDIA Container Toolkit on this machine; remove `gpu` to run without one";
  }
  if (message.find("is already in use by container") != std::string::npos) {
    hint = "a container of another run has this name; stop that run (or `docker rm -f " + spec.name + "`)";
  }
  return fmt::format("cannot start container `{}` from `{}`: {} ({})", spec.name, spec.image, message, hint);
}

auto HostPort(Runner& runner, const std::string& container, int container_port, std::string* error)
    -> std::optional<int> {
  Result port = runner.Run({"port", container, fmt::format("{}/tcp", container_port)}, std::chrono::seconds(20));
  if (error != nullptr) *error = port.Ok() ? fmt::format("`docker port` printed `{}`", port.out) : port.Message();
  if (!port.Ok()) return std::nullopt;
  for (const std::string& line : Lines(port.out)) {
    // "127.0.0.1:32768"
    size_t colon = line.rfind(':');
    if (colon == std::string::npos) continue;
    try {
      return std::stoi(line.substr(colon + 1));
    } catch (const std::exception&) {
    }
  }
  return std::nullopt;
}

auto IsRunning(Runner& runner, const std::string& container) -> bool {
  Result state = runner.Run({"inspect", "--format", "{{.State.Status}}", container}, std::chrono::seconds(20));
  return state.Ok() && state.out.starts_with("running");
}

auto Exec(Runner& runner, const std::string& container, const std::vector<std::string>& command,
          std::chrono::milliseconds timeout) -> int {
  std::vector<std::string> args = {"exec", container};
  args.insert(args.end(), command.begin(), command.end());
  Result result = runner.Run(args, timeout);
  return result.timed_out ? -1 : result.exit_code;
}

auto RemoveLabelled(Runner& runner, const std::string& label) -> int {
  Result listed = runner.Run({"ps", "--all", "--quiet", "--filter", "label=" + label}, std::chrono::seconds(30));
  std::vector<std::string> ids = Lines(listed.out);
  if (!ids.empty()) {
    std::vector<std::string> args = {"rm", "--force", "--volumes"};
    args.insert(args.end(), ids.begin(), ids.end());
    runner.Run(args, std::chrono::minutes(2));
  }
  Result networks = runner.Run({"network", "ls", "--quiet", "--filter", "label=" + label}, std::chrono::seconds(30));
  for (const std::string& id : Lines(networks.out)) runner.Run({"network", "rm", id}, std::chrono::seconds(30));
  return static_cast<int>(ids.size());
}

auto CreateNetwork(Runner& runner, const std::string& name, const std::map<std::string, std::string>& labels)
    -> std::string {
  std::vector<std::string> args = {"network", "create", "--driver", "bridge"};
  for (const auto& [key, value] : labels) args.insert(args.end(), {"--label", key + "=" + value});
  args.push_back(name);
  Result created = runner.Run(args, std::chrono::seconds(30));
  if (created.Ok()) return "";
  return fmt::format("cannot create the Docker network `{}`: {}", name, created.Message());
}

auto NetworkGateway(Runner& runner, const std::string& name) -> std::string {
  Result inspected = runner.Run({"network", "inspect", "--format", "{{range .IPAM.Config}}{{.Gateway}} {{end}}", name},
                                std::chrono::seconds(20));
  if (!inspected.Ok()) return "";
  std::istringstream in(inspected.out);
  std::string gateway;
  while (in >> gateway) {
    if (gateway.find('.') != std::string::npos) return gateway;  // the IPv4 one
  }
  return "";
}

}  // namespace wdsl::docker
