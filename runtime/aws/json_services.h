// The AWS services that speak the JSON protocol (POST / with X-Amz-Target):
// SQS for cloud.Queue, DynamoDB for cloud.Counter, Secrets Manager for
// cloud.Secret; and STS GetCallerIdentity, which gives the account id a
// queue URL is built from when a binding names the queue only.
#pragma once

#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "runtime/aws/session.h"

namespace wdsl::runtime::aws {

// POSTs `input` as `<target_prefix>.<operation>`; returns the answer's JSON.
auto CallJson(AwsSession& session, const Service& service, const std::string& target_prefix,
              const std::string& json_version, const std::string& operation, const nlohmann::json& input)
    -> nlohmann::json;

class SqsClient {
 public:
  explicit SqsClient(AwsSession& session) : session_(session) {}
  // `queue` is a queue URL (ECS bindings) or a queue name (EKS bindings),
  // which becomes <endpoint>/<account>/<name>.
  auto QueueUrl(const std::string& queue) -> std::string;
  void SendMessage(const std::string& queue, const std::string& body);
  // Receives one message and deletes it; nullopt when the queue is empty.
  auto ReceiveAndDelete(const std::string& queue) -> std::optional<std::string>;
  auto ApproximateNumberOfMessages(const std::string& queue) -> double;
  void PurgeQueue(const std::string& queue);

 private:
  auto Call(const std::string& operation, const nlohmann::json& input) -> nlohmann::json;
  AwsSession& session_;
  std::mutex mutex_;
  std::string account_;  // from STS, once
};

// A cloud.Counter's table as `--target tf-aws` creates it: hash key `id`
// (a string: the counter's key, "counter" for the default key) and the
// value in the number attribute `counter_value`.
inline constexpr const char* kCounterDefaultKey = "counter";
inline constexpr const char* kCounterAttribute = "counter_value";

class DynamoDbCounter {
 public:
  explicit DynamoDbCounter(AwsSession& session) : session_(session) {}
  // Adds `amount` (negative for dec) atomically; returns the value before,
  // `initial` when the key had none yet.
  auto Add(const std::string& table, const std::string& key, double amount, double initial) -> double;
  auto Peek(const std::string& table, const std::string& key, double initial) -> double;
  void Set(const std::string& table, const std::string& key, double value);

 private:
  AwsSession& session_;
};

// The SecretString of a secret (name or ARN).
auto GetSecretValue(AwsSession& session, const std::string& secret_id) -> std::string;

// The account id of the caller (STS GetCallerIdentity).
auto CallerAccount(AwsSession& session) -> std::string;

// A number as DynamoDB's "N" string (shortest form: 1, 2.5, -3).
auto DynamoNumber(double value) -> std::string;

}  // namespace wdsl::runtime::aws
