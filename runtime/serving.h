// An httplib server that is already bound, served on a thread of its own:
// what the Api, the workload router and the Resource API do for each
// address they listen on (127.0.0.1, and the app network's gateway).
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace wdsl::runtime {

class ServingThread {
 public:
  ~ServingThread() { Stop(); }

  // Serves `server` (bound with bind_to_port/bind_to_any_port) until Stop();
  // returns once it accepts (at most 5 s): connections made before then
  // wait in the socket's backlog, and Stop() cannot miss a running server.
  void Start(httplib::Server& server) {
    if (thread_.joinable()) return;
    server_ = &server;
    done_ = false;
    thread_ = std::thread([this] {
      server_->listen_after_bind();
      done_ = true;
    });
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!server_->is_running() && !done_ && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  }

  // httplib's stop() does nothing until the accept loop runs, so it is
  // asked until the loop has seen it.
  void Stop() {
    if (!thread_.joinable()) return;
    while (!done_) {
      server_->stop();
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    thread_.join();
  }

 private:
  httplib::Server* server_ = nullptr;
  std::thread thread_;
  std::atomic<bool> done_{false};
};

}  // namespace wdsl::runtime
