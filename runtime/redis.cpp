// `ex.Redis` (c:ex-redis): a Redis server in a container (image
// `redis:7-alpine`, or $WDSL_REDIS_IMAGE), published on 127.0.0.1 for the
// simulator's inflight code, which talks to it with hiredis (Debian's
// libhiredis-dev); containers bound to it reach it by name on the app network.
#include <fmt/format.h>
#include <hiredis/hiredis.h>

#include <chrono>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "runtime/container_host.h"
#include "runtime/live_resource.h"

namespace wdsl::runtime {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kRedisPort = 6379;

auto RedisImage() -> std::string {
  const char* image = std::getenv("WDSL_REDIS_IMAGE");
  return image != nullptr && *image != '\0' ? image : "redis:7-alpine";
}

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

class Redis : public LiveResource {
 public:
  using LiveResource::LiveResource;
  ~Redis() override { Stop(); }

  auto Bind() -> std::string override {
    ContainerHost& host = *sim_.Containers();
    alias_ = docker::SanitizeName(resource_.id);
    docker::RunSpec spec;
    spec.name = host.ContainerName(resource_.id);
    spec.image = RedisImage();
    spec.publish = {kRedisPort};
    spec.aliases = {alias_};
    name_ = spec.name;
    if (std::string error = host.Run(spec, Path()); !error.empty()) return fmt::format("`{}`: {}", Path(), error);
    std::string why;
    std::optional<int> port = docker::HostPort(host.Docker(), name_, kRedisPort, &why);
    if (!port) return fmt::format("`{}`: port {} of `{}` was not published ({})", Path(), kRedisPort, name_, why);
    port_ = *port;
    return "";
  }

  // Ready when the server answers PING.
  auto WaitReady() -> std::string override {
    auto deadline = Clock::now() + std::chrono::duration<double>(sim_.Options().ready_timeout_seconds);
    std::string last;
    while (Clock::now() < deadline) {
      std::lock_guard lock(mutex_);
      if (Connect(last)) {
        Reply reply(static_cast<redisReply*>(redisCommand(context_, "PING")));
        if (reply && reply->type == REDIS_REPLY_STATUS) return "";
        last = context_->errstr[0] != '\0' ? context_->errstr : "no answer to PING";
        Disconnect();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return fmt::format("`{}`: Redis in `{}` did not answer on 127.0.0.1:{} ({}); its last output:\n{}", Path(), name_,
                       port_, last, sim_.Containers()->LastLogs(name_, 15));
  }

  void Stop() override {
    std::lock_guard lock(mutex_);
    Disconnect();
  }

  void Remove() override {
    Stop();
    if (!name_.empty()) sim_.Containers()->Remove(name_);
  }

  auto Attribute(const std::string& name) -> std::optional<std::string> override {
    if (name == "url" && port_ > 0) return fmt::format("redis://127.0.0.1:{}", port_);
    if (name == "internalUrl") return fmt::format("redis://{}:{}", alias_, kRedisPort);
    return std::nullopt;
  }

  auto Call(ir::Interpreter&, const std::string& method, std::vector<ir::Value>& args) -> ir::Value override {
    if (method == "url") return ir::Value::Str(fmt::format("redis://127.0.0.1:{}", port_));
    if (method == "set") {
      Command({"SET", StrArg(args, 0, "key"), StrArg(args, 1, "value")});
      return ir::Value::Nil();
    }
    if (method == "get") return StrOrNil(Command({"GET", StrArg(args, 0, "key")}));
    if (method == "hset") {
      return Integer(Command({"HSET", StrArg(args, 0, "key"), StrArg(args, 1, "field"), StrArg(args, 2, "value")}));
    }
    if (method == "hget") return StrOrNil(Command({"HGET", StrArg(args, 0, "key"), StrArg(args, 1, "field")}));
    if (method == "sadd") return Integer(Command({"SADD", StrArg(args, 0, "key"), StrArg(args, 1, "value")}));
    if (method == "del") return Integer(Command({"DEL", StrArg(args, 0, "key")}));
    if (method == "smembers") {
      Reply reply = Command({"SMEMBERS", StrArg(args, 0, "key")});
      std::vector<ir::Value> members;
      for (size_t i = 0; i < reply->elements; ++i) {
        members.push_back(ir::Value::Str(std::string(reply->element[i]->str, reply->element[i]->len)));
      }
      return ir::Value::NewArray(std::move(members), false);
    }
    Unknown(method);
  }

 private:
  auto Connect(std::string& error) -> bool {
    if (context_ != nullptr) return true;
    timeval timeout{2, 0};
    context_ = redisConnectWithTimeout("127.0.0.1", port_, timeout);
    if (context_ == nullptr || context_->err != 0) {
      error = context_ != nullptr ? context_->errstr : "cannot allocate a Redis context";
      Disconnect();
      return false;
    }
    redisSetTimeout(context_, timeval{10, 0});
    return true;
  }

  void Disconnect() {
    if (context_ != nullptr) redisFree(context_);
    context_ = nullptr;
  }

  // One command on the shared connection (reconnecting once after an error).
  auto Command(const std::vector<std::string>& words) -> Reply {
    std::vector<const char*> argv;
    std::vector<size_t> lengths;
    for (const std::string& word : words) {
      argv.push_back(word.data());
      lengths.push_back(word.size());
    }
    std::lock_guard lock(mutex_);
    std::string error;
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (!Connect(error)) continue;
      Reply reply(static_cast<redisReply*>(
          redisCommandArgv(context_, static_cast<int>(argv.size()), argv.data(), lengths.data())));
      if (reply) {
        if (reply->type == REDIS_REPLY_ERROR) Fail(fmt::format("Redis {}: {}", words.front(), reply->str));
        return reply;
      }
      error = context_->errstr;
      Disconnect();
    }
    Fail(fmt::format("`{}`: Redis at 127.0.0.1:{} failed: {}", Path(), port_, error));
  }

  static auto StrOrNil(const Reply& reply) -> ir::Value {
    if (reply->type == REDIS_REPLY_NIL) return ir::Value::Nil();
    return ir::Value::Str(std::string(reply->str, reply->len));
  }
  static auto Integer(const Reply& reply) -> ir::Value {
    return ir::Value::Num(static_cast<double>(reply->integer));
  }

  std::mutex mutex_;
  redisContext* context_ = nullptr;
  std::string name_;
  std::string alias_;
  int port_ = 0;
};

}  // namespace

auto MakeRedis(Simulator& sim, const ir::Resource& resource) -> std::unique_ptr<LiveResource> {
  return std::make_unique<Redis>(sim, resource);
}

}  // namespace wdsl::runtime
