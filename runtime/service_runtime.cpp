#include "runtime/service_runtime.h"

#include <fmt/format.h>

#include "ir/json.h"

namespace wdsl::runtime {

ServiceRuntime::ServiceRuntime(ir::Bundle bundle, std::unique_ptr<ResourceBackend> backend, RemoteLog log)
    : bundle_(std::move(bundle)), backend_(std::move(backend)), host_(bundle_.program, *backend_, std::move(log)) {
  // Lookup indexes fill lazily; fill them before a second thread reads them.
  bundle_.program.FindResource("");
  bundle_.program.FindClass("");
}

ServiceRuntime::~ServiceRuntime() {
  if (thread_.joinable()) Stop();
}

void ServiceRuntime::Start() { thread_ = std::thread([this] { Run(); }); }

auto ServiceRuntime::StartFinished() -> bool {
  std::lock_guard lock(mutex_);
  return start_finished_;
}

auto ServiceRuntime::StartFailed() -> bool {
  std::lock_guard lock(mutex_);
  return start_failed_;
}

void ServiceRuntime::Run() {
  ir::Interpreter interp(bundle_.program, host_);
  const ir::Resource* service = bundle_.program.FindResource(bundle_.service);
  ir::Value stop;
  bool failed = false;
  try {
    ir::Value handler = ir::ValueFromJson(service->props.value("handler", nlohmann::json()), &bundle_.program);
    if (handler.kind != ir::ValueKind::kClosure) throw std::runtime_error("the service has no start handler");
    stop = interp.Call(handler, {});
  } catch (const std::exception& error) {
    host_.Log().err(fmt::format("error: the service's start handler failed: {}", DescribeError(error)));
    failed = true;
  }
  {
    std::unique_lock lock(mutex_);
    start_finished_ = true;
    start_failed_ = failed;
    cv_.notify_all();
    cv_.wait(lock, [this] { return stop_requested_; });
  }
  if (stop.kind != ir::ValueKind::kClosure) return;
  try {
    interp.Call(stop, {});
  } catch (const std::exception& error) {
    host_.Log().err(fmt::format("error: the service's stop handler failed: {}", DescribeError(error)));
    std::lock_guard lock(mutex_);
    stop_failed_ = true;
  }
}

auto ServiceRuntime::Stop() -> bool {
  {
    std::lock_guard lock(mutex_);
    stop_requested_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mutex_);
  return !start_failed_ && !stop_failed_;
}

}  // namespace wdsl::runtime
