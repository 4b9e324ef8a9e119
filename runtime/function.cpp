// Resources that run a handler: cloud.Function (on the caller's thread and
// interpreter), cloud.Service (its own thread and interpreter, so the stop
// handler it returns runs where it was made), cloud.Schedule (a timer
// thread; `rate`, or a five-field UTC cron expression).
#include <fmt/format.h>

#include <chrono>
#include <condition_variable>
#include <ctime>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "ir/json_text.h"
#include "runtime/live_resource.h"

namespace wdsl::runtime {
namespace {

using ir::Value;

class Function : public LiveResource {
 public:
  using LiveResource::LiveResource;

  void Stop() override {
    std::vector<std::thread> pending;
    {
      std::lock_guard lock(mutex_);
      pending.swap(async_);
    }
    for (std::thread& thread : pending) thread.join();
  }

  auto Call(ir::Interpreter& interp, const std::string& method, std::vector<Value>& args) -> Value override {
    if (method == "invoke") {
      // The caller may run an earlier program than this function (a live
      // update replaced the function): the handler runs in its own.
      ir::Interpreter& own = &interp.GetProgram() == &Program() ? interp : sim_.ThreadInterpreter(Program());
      return sim_.CallHandler(own, Handler(), {Arg(args, 0)}, Path());
    }
    if (method == "invokeAsync") {
      // The payload crosses to another interpreter as JSON text.
      std::string payload = Arg(args, 0).IsNil() ? "" : ir::StringifyJson(Arg(args, 0));
      std::lock_guard lock(mutex_);
      async_.emplace_back([this, payload] {
        try {
          std::unique_ptr<ir::Interpreter> own = sim_.NewInterpreter(Program());
          std::string error;
          Value arg = payload.empty() ? Value::Nil() : ir::ParseJson(payload, false, &error).value_or(Value::Nil());
          sim_.CallHandler(*own, Handler(), {arg}, Path());
        } catch (const std::exception& error) {
          sim_.Log(Path(), fmt::format("error: {}", error.what()));
        }
      });
      return Value::Nil();
    }
    Unknown(method);
  }

 private:
  auto Handler() const -> const nlohmann::json& {
    static const nlohmann::json kNone;
    auto it = Props().find("handler");
    return it == Props().end() ? kNone : *it;
  }

  std::mutex mutex_;
  std::vector<std::thread> async_;
};

class Service : public LiveResource {
 public:
  using LiveResource::LiveResource;

  auto Start() -> std::string override {
    if (Props().value("autoStart", true)) Begin();
    return "";
  }

  void Stop() override { End(); }

  auto Call(ir::Interpreter&, const std::string& method, std::vector<Value>&) -> Value override {
    if (method == "start") {
      if (!Begin()) Fail(fmt::format("service `{}` is already started", Path()));
      return Value::Nil();
    }
    if (method == "stop") {
      if (std::this_thread::get_id() == thread_.get_id()) Fail("a service cannot stop itself from its own handler");
      if (!End()) Fail(fmt::format("service `{}` is not started", Path()));
      return Value::Nil();
    }
    if (method == "started") {
      std::lock_guard lock(mutex_);
      return Value::Bool(running_);
    }
    Unknown(method);
  }

 private:
  auto Begin() -> bool {
    std::lock_guard lock(mutex_);
    if (running_) return false;
    running_ = true;
    stop_requested_ = false;
    if (thread_.joinable()) thread_.join();
    thread_ = std::thread([this] { Run(); });
    return true;
  }

  auto End() -> bool {
    {
      std::lock_guard lock(mutex_);
      if (!running_) return false;
      stop_requested_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
    return true;
  }

  void Run() {
    std::unique_ptr<ir::Interpreter> interp = sim_.NewInterpreter(Program());
    Value stop;
    try {
      stop = sim_.CallHandler(*interp, Props().value("handler", nlohmann::json()), {}, Path());
    } catch (const std::exception& error) {
      sim_.Log(Path(), fmt::format("error: the service's start handler failed: {}", error.what()));
    }
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [this] { return stop_requested_; });
    }
    if (stop.kind == ir::ValueKind::kClosure) {
      try {
        SourceScope scope(Path());
        interp->Call(stop, {});
      } catch (const std::exception& error) {
        sim_.Log(Path(), fmt::format("error: the service's stop handler failed: {}", error.what()));
      }
    }
    std::lock_guard lock(mutex_);
    running_ = false;
  }

  std::mutex mutex_;
  std::condition_variable cv_;
  bool running_ = false;
  bool stop_requested_ = false;
  std::thread thread_;
};

// One field of a cron expression: `*`, `n`, `a-b`, lists, `/step`.
auto CronField(const std::string& text, int low, int high, std::set<int>& out) -> bool {
  std::stringstream parts(text);
  std::string part;
  while (std::getline(parts, part, ',')) {
    int step = 1;
    if (size_t slash = part.find('/'); slash != std::string::npos) {
      try {
        step = std::stoi(part.substr(slash + 1));
      } catch (...) {
        return false;
      }
      part = part.substr(0, slash);
      if (step <= 0) return false;
    }
    int first = low, last = high;
    if (part != "*") {
      try {
        size_t dash = part.find('-');
        first = std::stoi(part.substr(0, dash));
        last = dash == std::string::npos ? (step > 1 ? high : first) : std::stoi(part.substr(dash + 1));
      } catch (...) {
        return false;
      }
    }
    if (first < low || last > high || first > last) return false;
    for (int v = first; v <= last; v += step) out.insert(v);
  }
  return !out.empty();
}

class Schedule : public LiveResource {
 public:
  using LiveResource::LiveResource;

  auto Start() -> std::string override {
    rate_ = DurationProp(Props(), "rate", 0);
    std::string cron = Props().value("cron", "");
    if (rate_ <= 0 && cron.empty()) return "";
    if (!cron.empty() && !ParseCron(cron)) {
      return fmt::format("`{}`: invalid cron expression \"{}\": expected five fields (minute hour day-of-month month "
                         "day-of-week) of `*`, numbers, ranges `a-b`, lists and steps `/n`",
                         Path(), cron);
    }
    thread_ = std::thread([this] { Run(); });
    return "";
  }

  void Stop() override {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  auto ParseCron(const std::string& text) -> bool {
    std::stringstream in(text);
    std::vector<std::string> fields;
    for (std::string field; in >> field;) fields.push_back(field);
    if (fields.size() != 5) return false;
    static const int kLow[] = {0, 0, 1, 1, 0};
    static const int kHigh[] = {59, 23, 31, 12, 7};
    for (int i = 0; i < 5; ++i) {
      if (!CronField(fields[i], kLow[i], kHigh[i], cron_[i])) return false;
    }
    if (cron_[4].count(7) != 0) cron_[4].insert(0);  // 7 is Sunday too
    return true;
  }

  // The next whole UTC minute after `after` that the cron expression names.
  auto NextCron(std::chrono::system_clock::time_point after) const -> std::chrono::system_clock::time_point {
    std::time_t t = std::chrono::system_clock::to_time_t(after);
    t = t - t % 60 + 60;
    for (int i = 0; i < 366 * 24 * 60; ++i, t += 60) {
      std::tm tm{};
      gmtime_r(&t, &tm);
      if (cron_[0].count(tm.tm_min) && cron_[1].count(tm.tm_hour) && cron_[2].count(tm.tm_mday) &&
          cron_[3].count(tm.tm_mon + 1) && cron_[4].count(tm.tm_wday)) {
        return std::chrono::system_clock::from_time_t(t);
      }
    }
    return std::chrono::system_clock::time_point::max();
  }

  void Run() {
    ir::Interpreter& interp = sim_.ThreadInterpreter(Program());
    auto next = std::chrono::system_clock::now();
    while (true) {
      if (rate_ > 0) {
        next += std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::duration<double>(rate_));
      } else {
        next = NextCron(std::chrono::system_clock::now());
      }
      {
        std::unique_lock lock(mutex_);
        if (cv_.wait_until(lock, next, [this] { return stop_; })) return;
      }
      auto handlers = Props().find("tickHandlers");
      if (handlers == Props().end() || !handlers->is_array()) continue;
      for (const nlohmann::json& tick : *handlers) {
        std::string source = Path();
        if (auto fn = tick.find("function"); fn != tick.end() && fn->is_object() && fn->contains("$resource")) {
          source = (*fn)["$resource"].get<std::string>();
        }
        try {
          sim_.CallHandler(interp, tick.value("handler", nlohmann::json()), {}, source);
        } catch (const std::exception& error) {
          sim_.Log(source, fmt::format("error: {}", error.what()));
        }
      }
    }
  }

  double rate_ = 0;
  std::set<int> cron_[5];
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace

auto MakeFunction(Simulator& sim, const ir::Resource& resource) -> std::unique_ptr<LiveResource> {
  return std::make_unique<Function>(sim, resource);
}

auto MakeService(Simulator& sim, const ir::Resource& resource) -> std::unique_ptr<LiveResource> {
  return std::make_unique<Service>(sim, resource);
}

auto MakeSchedule(Simulator& sim, const ir::Resource& resource) -> std::unique_ptr<LiveResource> {
  return std::make_unique<Schedule>(sim, resource);
}

}  // namespace wdsl::runtime
