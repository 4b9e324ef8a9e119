// cloud.Queue: messages journaled as one file each under
// <state>/<queue>/messages/<seq>-<created ms>.msg, written atomically before
// `push` returns and deleted only when a consumer has handled the message
// (or `pop`/`purge` took it), so a killed simulator loses nothing: on the
// next start every file is a message again (at-least-once delivery).
// Each consumer runs on its own thread with its own interpreter. A message
// handed to a consumer is invisible for the queue's `timeout`; if the
// consumer throws, it becomes visible again when that runs out and is
// retried, until `dlq.maxDeliveryAttempts` moves it to the dead-letter
// queue, or `retentionPeriod` drops it.
#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "runtime/live_resource.h"
#include "runtime/state.h"

namespace wdsl::runtime {
namespace {

namespace fs = std::filesystem;
using ir::Value;
using Clock = std::chrono::steady_clock;

auto NowMs() -> int64_t {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class Queue : public LiveResource {
 public:
  Queue(Simulator& sim, const ir::Resource& resource)
      : LiveResource(sim, resource),
        dir_(sim.StateDir(resource.path) / "messages"),
        timeout_(DurationProp(resource.props, "timeout", 30)),
        retention_(DurationProp(resource.props, "retentionPeriod", 3600)) {}

  auto Start() -> std::string override {
    std::error_code ec;
    fs::create_directories(dir_, ec);
    if (ec) return fmt::format("cannot create `{}` for `{}`: {}", dir_.string(), Path(), ec.message());
    // The journal: every message file left by earlier runs is pending again.
    for (const auto& entry : fs::directory_iterator(dir_, ec)) {
      std::string name = entry.path().filename().string();
      uint64_t seq = 0;
      int64_t created = 0;
      size_t dash = name.find('-');
      if (!name.ends_with(".msg") || dash == std::string::npos ||
          std::from_chars(name.data(), name.data() + dash, seq).ec != std::errc() ||
          std::from_chars(name.data() + dash + 1, name.data() + name.size() - 4, created).ec != std::errc()) {
        if (name.starts_with(".wdsl-tmp-")) fs::remove(entry.path(), ec);  // a push that never finished
        continue;
      }
      std::optional<std::string> body = ReadWholeFile(entry.path());
      if (!body) continue;
      messages_[seq] = Message{seq, created, std::move(*body), false, 0, {}};
      next_seq_ = std::max(next_seq_, seq + 1);
    }
    auto consumers = Props().find("consumers");
    if (consumers == Props().end() || !consumers->is_array()) return "";
    for (const nlohmann::json& consumer : *consumers) {
      if (!consumer.is_object() || !consumer.contains("handler")) continue;
      // Read as a double and clamped: the props are user data.
      double wanted = consumer.value("batchSize", 1.0);
      int batch = wanted >= 1 && wanted <= 10000 ? static_cast<int>(wanted) : (wanted > 10000 ? 10000 : 1);
      std::string source = Path() + "/Consumer";
      if (auto fn = consumer.find("function"); fn != consumer.end() && fn->is_object() && fn->contains("$resource")) {
        source = (*fn)["$resource"].get<std::string>();
      }
      workers_.emplace_back([this, handler = consumer["handler"], batch, source] {
        Consume(handler, static_cast<size_t>(batch), source);
      });
    }
    return "";
  }

  void Stop() override {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    for (std::thread& worker : workers_) worker.join();
    workers_.clear();
  }

  auto Call(ir::Interpreter&, const std::string& method, std::vector<Value>& args) -> Value override {
    if (method == "push") {
      Push(StrArg(args, 0, "message"));
      return Value::Nil();
    }
    std::lock_guard lock(mutex_);
    if (method == "pop") {
      auto now = Clock::now();
      for (auto& [seq, message] : messages_) {
        if (message.in_flight && message.visible_at > now) continue;
        std::string body = std::move(message.body);
        Remove(seq);
        return Value::Str(std::move(body));
      }
      return Value::Nil();
    }
    if (method == "approxSize") return Value::Num(static_cast<double>(messages_.size()));
    if (method == "purge") {
      while (!messages_.empty()) Remove(messages_.begin()->first);
      return Value::Nil();
    }
    Unknown(method);
  }

  void Push(const std::string& body) {
    std::unique_lock lock(mutex_);
    uint64_t seq = next_seq_++;
    int64_t created = NowMs();
    if (std::string error = WriteAtomically(FileOf(seq, created), body, dir_); !error.empty()) Fail(error);
    messages_[seq] = Message{seq, created, body, false, 0, {}};
    lock.unlock();
    cv_.notify_all();
  }

 private:
  struct Message {
    uint64_t seq = 0;
    int64_t created_ms = 0;
    std::string body;
    bool in_flight = false;
    int attempts = 0;
    Clock::time_point visible_at;
  };

  auto FileOf(uint64_t seq, int64_t created) const -> fs::path {
    return dir_ / fmt::format("{:020}-{}.msg", seq, created);
  }

  void Remove(uint64_t seq) {
    auto it = messages_.find(seq);
    if (it == messages_.end()) return;
    std::error_code ec;
    fs::remove(FileOf(seq, it->second.created_ms), ec);
    messages_.erase(it);
  }

  // Up to `n` visible messages, now marked in flight. Drops expired ones.
  auto Take(size_t n) -> std::vector<Message> {
    std::vector<Message> batch;
    auto now = Clock::now();
    int64_t now_ms = NowMs();
    std::vector<uint64_t> expired;
    for (auto& [seq, message] : messages_) {
      if (static_cast<double>(now_ms - message.created_ms) > retention_ * 1000) {
        expired.push_back(seq);
        continue;
      }
      if (batch.size() >= n || (message.in_flight && message.visible_at > now)) continue;
      message.in_flight = true;
      message.attempts++;
      message.visible_at = now + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout_));
      batch.push_back(message);
    }
    for (uint64_t seq : expired) {
      sim_.Log(Path(), fmt::format("dropped a message older than the retention period ({}s)", retention_));
      Remove(seq);
    }
    return batch;
  }

  // When the next in-flight message becomes visible again (at most 1s away,
  // so the retention period is checked now and then).
  auto NextWake() const -> Clock::time_point {
    auto wake = Clock::now() + std::chrono::seconds(1);
    for (const auto& [seq, message] : messages_) {
      if (message.in_flight && message.visible_at < wake) wake = message.visible_at;
    }
    return wake;
  }

  void Consume(const nlohmann::json& handler, size_t batch_size, const std::string& source) {
    ir::Interpreter& interp = sim_.ThreadInterpreter(Program());
    while (true) {
      std::vector<Message> batch;
      {
        std::unique_lock lock(mutex_);
        while (!stop_) {
          batch = Take(batch_size);
          if (!batch.empty()) break;
          cv_.wait_until(lock, NextWake());
        }
        if (stop_) {
          // Taken but unhandled messages stay in the journal for the next run.
          for (const Message& message : batch) {
            if (auto it = messages_.find(message.seq); it != messages_.end()) it->second.in_flight = false;
          }
          return;
        }
      }
      for (const Message& message : batch) Deliver(interp, handler, message, source);
    }
  }

  void Deliver(ir::Interpreter& interp, const nlohmann::json& handler, const Message& message,
               const std::string& source) {
    try {
      sim_.CallHandler(interp, handler, {Value::Str(message.body)}, source);
      std::lock_guard lock(mutex_);
      Remove(message.seq);
      return;
    } catch (const ir::ThrownError& error) {
      std::string where = error.trace.empty() ? "" : fmt::format(" ({}:{}:{})", error.trace.front().pos.file,
                                                                  error.trace.front().pos.line,
                                                                  error.trace.front().pos.col);
      sim_.Log(source, fmt::format("error: {}{} (delivery attempt {})", error.what(), where, message.attempts));
    } catch (const std::exception& error) {
      sim_.Log(source, fmt::format("error: {} (delivery attempt {})", error.what(), message.attempts));
    }
    // Failed: to the dead-letter queue after too many attempts, else it is
    // retried when its visibility timeout runs out.
    auto dlq = Props().find("dlq");
    if (dlq == Props().end() || !dlq->is_object()) return;
    double max_attempts = dlq->value("maxDeliveryAttempts", 1.0);
    if (message.attempts < max_attempts) return;
    const nlohmann::json& target = dlq->value("queue", nlohmann::json());
    auto* other = target.is_object() && target.contains("$resource")
                      ? dynamic_cast<Queue*>(sim_.Find(target["$resource"].get<std::string>()))
                      : nullptr;
    if (other == nullptr) return;
    try {
      other->Push(message.body);
    } catch (const ir::ThrownError& error) {
      sim_.Log(Path(), fmt::format("cannot move a message to the dead-letter queue: {}", error.what()));
      return;
    }
    std::lock_guard lock(mutex_);
    Remove(message.seq);
  }

  fs::path dir_;
  double timeout_;
  double retention_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::map<uint64_t, Message> messages_;  // by sequence number: oldest first
  uint64_t next_seq_ = 1;
  bool stop_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace

auto MakeQueue(Simulator& sim, const ir::Resource& resource) -> std::unique_ptr<LiveResource> {
  return std::make_unique<Queue>(sim, resource);
}

}  // namespace wdsl::runtime
