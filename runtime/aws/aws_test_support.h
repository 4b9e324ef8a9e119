// Stand-ins for the runtime/aws tests, all on 127.0.0.1: FakeAws answers the
// few S3, SQS, DynamoDB, Secrets Manager, Lambda, STS and container-credentials calls
// the clients make, from memory; SigV4Proxy is tests/aws_sigv4/proxy.mjs,
// which checks each request's signature with the AWS SDK's signer before
// passing it to FakeAws.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace wdsl::runtime::aws::testing {

struct SeenRequest {
  std::string method, path, target, body;
  bool signature_checked = false;
  std::string authorization;
};

class FakeAws {
 public:
  FakeAws() {
    server_.set_keep_alive_max_count(1);
    auto handle = [this](const httplib::Request& req, httplib::Response& res) { Handle(req, res); };
    server_.Get(".*", handle);
    server_.Put(".*", handle);
    server_.Post(".*", handle);
    server_.Delete(".*", handle);
    // HEAD: httplib answers GET handlers without the body.
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // stop() does nothing before the loop runs, so wait for it.
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FakeAws() {
    server_.stop();
    thread_.join();
  }
  auto Url() const -> std::string { return "http://127.0.0.1:" + std::to_string(port_); }
  auto Seen() -> std::vector<SeenRequest> {
    std::lock_guard lock(mutex_);
    return seen_;
  }

  // State the tests set and read.
  std::mutex mutex_;
  std::map<std::string, std::string> objects;  // "<bucket>/<key>" -> body
  std::map<std::string, std::vector<std::string>> queues;  // queue URL -> bodies
  std::map<std::string, double> counters;                  // "<table>/<id>" -> value
  std::map<std::string, std::string> secrets;
  // Lambda functions: name -> what Invoke answers; "throw" answers Lambda's
  // error JSON with X-Amz-Function-Error. Each payload is recorded.
  std::map<std::string, std::string> functions;
  std::vector<std::pair<std::string, std::string>> invocations;  // invocation type, payload
  std::string denied_bucket = "locked";  // every S3 call on it: 403 AccessDenied
  int list_page_size = 2;
  std::string account = "123456789012";
  // Container credentials: what /creds answers and the token it wants.
  nlohmann::json container_credentials;
  std::string container_token;
  int container_fetches = 0;
  // STS AssumeRoleWithWebIdentity: the token it accepts and what it answers.
  std::string web_identity_token;
  std::string web_identity_expiration = "2099-01-01T00:00:00Z";
  int web_identity_calls = 0;
  std::string last_role_arn;

 private:
  void Handle(const httplib::Request& req, httplib::Response& res);
  void S3(const httplib::Request& req, httplib::Response& res);
  void Json(const std::string& target, const nlohmann::json& in, httplib::Response& res);
  void Sts(const httplib::Request& req, httplib::Response& res);

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::vector<SeenRequest> seen_;
};

// tests/aws_sigv4/start.sh as a child process, stopped by the destructor.
class SigV4Proxy {
 public:
  // `keys`: {"<access key id>": {"secret": "...", "token": "..."}}.
  SigV4Proxy(const std::string& upstream, const std::string& region, const nlohmann::json& keys);
  ~SigV4Proxy();
  auto Url() const -> std::string { return "http://127.0.0.1:" + std::to_string(port_); }
  auto Ok() const -> bool { return port_ > 0; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace wdsl::runtime::aws::testing
