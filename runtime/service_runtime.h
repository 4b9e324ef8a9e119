// One `cloud.Service` run from its bundle (ir/bundle.h) outside the
// simulator: what `wdsl-runtime` does in the service's image. The start
// handler runs on a thread of its own (as in the simulator), so a signal is
// noticed even while it runs; Stop() waits for it and then runs the stop
// handler it returned, in the same interpreter.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "ir/bundle.h"
#include "ir/eval.h"
#include "runtime/remote_host.h"

namespace wdsl::runtime {

// What wdsl-runtime prints on standard error once the start handler has
// returned (the simulator's readiness signal), and how the line that
// reports a start handler that threw begins.
inline constexpr const char* kReadyLine = "wdsl-runtime: ready (the start handler returned)";
inline constexpr const char* kStartFailedPrefix = "error: the service's start handler failed: ";

class ServiceRuntime {
 public:
  ServiceRuntime(ir::Bundle bundle, std::unique_ptr<ResourceBackend> backend, RemoteLog log);
  ~ServiceRuntime();
  ServiceRuntime(const ServiceRuntime&) = delete;
  auto operator=(const ServiceRuntime&) -> ServiceRuntime& = delete;

  // Starts the start handler on the service's thread.
  void Start();
  // Whether the start handler has finished, and whether it threw.
  auto StartFinished() -> bool;
  auto StartFailed() -> bool;
  // Waits for the start handler, runs the stop handler (if it returned
  // one) and joins the thread. True when neither handler threw.
  auto Stop() -> bool;

 private:
  void Run();

  ir::Bundle bundle_;
  std::unique_ptr<ResourceBackend> backend_;
  RemoteHost host_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool start_finished_ = false;
  bool start_failed_ = false;
  bool stop_requested_ = false;
  bool stop_failed_ = false;
  std::thread thread_;
};

}  // namespace wdsl::runtime
