#include "runtime/aws/json_services.h"

#include <fmt/format.h>

#include "runtime/aws/xml.h"

namespace wdsl::runtime::aws {

using Json = nlohmann::json;

auto CallJson(AwsSession& session, const Service& service, const std::string& target_prefix,
              const std::string& json_version, const std::string& operation, const Json& input) -> Json {
  HttpRequest request;
  request.method = "POST";
  request.url = session.Endpoint(service) + "/";
  request.headers = {{"Content-Type", "application/x-amz-json-" + json_version},
                     {"X-Amz-Target", target_prefix + "." + operation}};
  request.body = input.dump();
  HttpResponse response = session.Call(service, operation, request);
  if (response.body.empty()) return Json::object();
  Json output = Json::parse(response.body, nullptr, false);
  if (output.is_discarded()) {
    throw std::runtime_error(fmt::format("{} {}: the answer is not JSON", service.name, operation));
  }
  return output;
}

auto CallerAccount(AwsSession& session) -> std::string {
  HttpRequest request;
  request.method = "POST";
  request.url = session.Endpoint(kSts) + "/";
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  request.body = "Action=GetCallerIdentity&Version=2011-06-15";
  HttpResponse response = session.Call(kSts, "GetCallerIdentity", request);
  std::string error;
  std::optional<XmlElement> xml = ParseXml(response.body, &error);
  const XmlElement* result = xml ? xml->Child("GetCallerIdentityResult") : nullptr;
  std::string account = result ? result->ChildText("Account") : "";
  if (account.empty()) throw std::runtime_error("STS GetCallerIdentity: the answer has no Account");
  return account;
}

auto SqsClient::Call(const std::string& operation, const Json& input) -> Json {
  return CallJson(session_, kSqs, "AmazonSQS", "1.0", operation, input);
}

auto SqsClient::QueueUrl(const std::string& queue) -> std::string {
  if (queue.starts_with("https://") || queue.starts_with("http://")) return queue;
  std::lock_guard lock(mutex_);
  if (account_.empty()) account_ = CallerAccount(session_);
  return fmt::format("{}/{}/{}", session_.Endpoint(kSqs), account_, queue);
}

void SqsClient::SendMessage(const std::string& queue, const std::string& body) {
  Call("SendMessage", {{"QueueUrl", QueueUrl(queue)}, {"MessageBody", body}});
}

auto SqsClient::ReceiveAndDelete(const std::string& queue) -> std::optional<std::string> {
  std::string url = QueueUrl(queue);
  Json output = Call("ReceiveMessage", {{"QueueUrl", url}, {"MaxNumberOfMessages", 1}, {"WaitTimeSeconds", 0}});
  Json messages = output.value("Messages", Json::array());
  if (!messages.is_array() || messages.empty()) return std::nullopt;
  const Json& message = messages[0];
  Call("DeleteMessage", {{"QueueUrl", url}, {"ReceiptHandle", message.value("ReceiptHandle", "")}});
  return message.value("Body", "");
}

auto SqsClient::ApproximateNumberOfMessages(const std::string& queue) -> double {
  Json output = Call("GetQueueAttributes",
                     {{"QueueUrl", QueueUrl(queue)}, {"AttributeNames", {"ApproximateNumberOfMessages"}}});
  std::string count = output.value("Attributes", Json::object()).value("ApproximateNumberOfMessages", "");
  try {
    return std::stod(count);
  } catch (const std::exception&) {
    throw std::runtime_error("SQS GetQueueAttributes: the answer has no ApproximateNumberOfMessages");
  }
}

void SqsClient::PurgeQueue(const std::string& queue) { Call("PurgeQueue", {{"QueueUrl", QueueUrl(queue)}}); }

auto DynamoNumber(double value) -> std::string { return fmt::format("{}", value); }

namespace {

auto CounterKey(const std::string& key) -> Json {
  return {{"id", {{"S", key.empty() ? std::string(kCounterDefaultKey) : key}}}};
}

auto ReadNumber(const Json& item, const char* what) -> std::optional<double> {
  auto attribute = item.find(kCounterAttribute);
  if (attribute == item.end()) return std::nullopt;
  std::string text = attribute->value("N", "");
  try {
    return std::stod(text);
  } catch (const std::exception&) {
    throw std::runtime_error(fmt::format("DynamoDB {}: `{}` is not a number attribute", what, kCounterAttribute));
  }
}

auto Dynamo(AwsSession& session, const std::string& operation, const Json& input) -> Json {
  return CallJson(session, kDynamoDb, "DynamoDB_20120810", "1.0", operation, input);
}

}  // namespace

auto DynamoDbCounter::Add(const std::string& table, const std::string& key, double amount, double initial)
    -> double {
  // One atomic UpdateItem: a key without a value starts from `initial`
  // (ADD would start from 0). The old value comes back with UPDATED_OLD.
  Json output = Dynamo(session_, "UpdateItem",
                       {{"TableName", table},
                        {"Key", CounterKey(key)},
                        {"UpdateExpression", "SET #v = if_not_exists(#v, :initial) + :amount"},
                        {"ExpressionAttributeNames", {{"#v", kCounterAttribute}}},
                        {"ExpressionAttributeValues",
                         {{":initial", {{"N", DynamoNumber(initial)}}}, {":amount", {{"N", DynamoNumber(amount)}}}}},
                        {"ReturnValues", "UPDATED_OLD"}});
  return ReadNumber(output.value("Attributes", Json::object()), "UpdateItem").value_or(initial);
}

auto DynamoDbCounter::Peek(const std::string& table, const std::string& key, double initial) -> double {
  Json output = Dynamo(session_, "GetItem", {{"TableName", table}, {"Key", CounterKey(key)}, {"ConsistentRead", true}});
  return ReadNumber(output.value("Item", Json::object()), "GetItem").value_or(initial);
}

void DynamoDbCounter::Set(const std::string& table, const std::string& key, double value) {
  // UpdateItem rather than PutItem: the role is granted dynamodb:UpdateItem
  // for `set` (stdlib/resources.json).
  Dynamo(session_, "UpdateItem",
         {{"TableName", table},
          {"Key", CounterKey(key)},
          {"UpdateExpression", "SET #v = :value"},
          {"ExpressionAttributeNames", {{"#v", kCounterAttribute}}},
          {"ExpressionAttributeValues", {{":value", {{"N", DynamoNumber(value)}}}}}});
}

auto GetSecretValue(AwsSession& session, const std::string& secret_id) -> std::string {
  Json output = CallJson(session, kSecretsManager, "secretsmanager", "1.1", "GetSecretValue", {{"SecretId", secret_id}});
  if (!output.contains("SecretString") || !output["SecretString"].is_string()) {
    throw std::runtime_error(fmt::format("Secrets Manager GetSecretValue: secret `{}` has no SecretString (binary "
                                         "secrets are not supported; store the value as text)",
                                         secret_id));
  }
  return output["SecretString"].get<std::string>();
}

}  // namespace wdsl::runtime::aws
