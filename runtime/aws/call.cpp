#include "runtime/aws/call.h"

#include <fmt/format.h>

#include "ir/eval.h"
#include "ir/json_text.h"
#include "runtime/aws/lambda_invoke.h"

namespace wdsl::runtime::aws {
namespace {

using ir::Value;
using ir::ValueKind;

[[noreturn]] void Throw(const std::string& message) { throw ir::ThrownError(message, {}); }

auto ArgAt(const std::vector<Value>& args, size_t i) -> Value { return i < args.size() ? args[i] : Value::Nil(); }

auto Str(const std::vector<Value>& args, size_t i, const char* what) -> std::string {
  Value value = ArgAt(args, i);
  if (value.kind != ValueKind::kStr) Throw(fmt::format("expected a string for `{}`", what));
  return value.AsStr();
}

auto OptStr(const std::vector<Value>& args, size_t i) -> std::string {
  Value value = ArgAt(args, i);
  return value.kind == ValueKind::kStr ? value.AsStr() : "";
}

auto Field(const Value& value, const char* name) -> Value {
  if (value.kind != ValueKind::kMap) return Value::Nil();
  const Value* field = value.map->Find(name);
  return field == nullptr ? Value::Nil() : *field;
}

auto ParseJsonOrThrow(const std::string& text, const std::string& what) -> Value {
  std::string error;
  std::optional<Value> json = ir::ParseJson(text, false, &error);
  if (!json) Throw(fmt::format("{} is not valid JSON: {}", what, error));
  return *json;
}

auto CallBucket(S3Client& s3, const std::string& op, const std::vector<Value>& args, const AwsBinding& binding)
    -> Value {
  const std::string& bucket = binding.name;
  auto missing = [&](const std::string& key) -> std::string {
    return fmt::format("Object does not exist (key={}).", key);
  };
  if (op == "put" || op == "putJson") {
    std::string key = Str(args, 0, "key");
    if (op == "putJson") {
      s3.PutObject(bucket, key, ir::StringifyJson(ArgAt(args, 1), 2), "application/json");
    } else {
      Value type = Field(ArgAt(args, 2), "contentType");
      s3.PutObject(bucket, key, Str(args, 1, "body"), type.kind == ValueKind::kStr ? type.AsStr() : "text/plain");
    }
    return Value::Nil();
  }
  if (op == "get" || op == "tryGet" || op == "getJson" || op == "tryGetJson") {
    std::string key = Str(args, 0, "key");
    std::string range;
    Value start = Field(ArgAt(args, 1), "startByte");
    Value end = Field(ArgAt(args, 1), "endByte");
    if (!op.ends_with("Json") && (!start.IsNil() || !end.IsNil())) {
      range = fmt::format("bytes={}-{}", start.kind == ValueKind::kNum ? static_cast<long long>(start.number) : 0,
                          end.kind == ValueKind::kNum ? std::to_string(static_cast<long long>(end.number)) : "");
    }
    std::optional<std::string> body = s3.GetObject(bucket, key, range);
    if (!body) {
      if (op.starts_with("try")) return Value::Nil();
      Throw(missing(key));
    }
    if (op.ends_with("Json")) return ParseJsonOrThrow(*body, fmt::format("object \"{}\" of bucket `{}`", key, bucket));
    return Value::Str(std::move(*body));
  }
  if (op == "exists") return Value::Bool(s3.HeadObject(bucket, Str(args, 0, "key")));
  if (op == "delete" || op == "tryDelete") {
    std::string key = Str(args, 0, "key");
    // S3 deletes a missing key without complaint: whether it was there is
    // asked first, as the simulator's answer depends on it. Listing, since
    // the role has s3:ListBucket but not s3:GetObject for `delete`.
    bool must_exist = op == "delete" && ir::IsTruthy(Field(ArgAt(args, 1), "mustExist"));
    bool existed = true;
    if (op == "tryDelete" || must_exist) existed = s3.KeyListed(bucket, key);
    if (!existed) {
      if (must_exist) Throw(missing(key));
      return Value::Bool(false);
    }
    s3.DeleteObject(bucket, key);
    return op == "tryDelete" ? Value::Bool(true) : Value::Nil();
  }
  if (op == "list") {
    std::vector<Value> items;
    for (std::string& key : s3.ListObjectsV2(bucket, OptStr(args, 0))) items.push_back(Value::Str(std::move(key)));
    return Value::NewArray(std::move(items), false);
  }
  if (op == "publicUrl") {
    if (!binding.props.value("public", false)) Throw("Cannot provide public url for a non-public bucket");
    return Value::Str(s3.ObjectUrl(bucket, Str(args, 0, "key")));
  }
  if (op == "copy" || op == "rename") {
    std::string from = Str(args, 0, "srcKey");
    std::string to = Str(args, 1, "dstKey");
    if (!s3.HeadObject(bucket, from)) Throw(fmt::format("Source object does not exist (srcKey={}).", from));
    s3.CopyObject(bucket, from, to);
    if (op == "rename" && from != to) s3.DeleteObject(bucket, from);
    return Value::Nil();
  }
  Throw(fmt::format("cloud.Bucket has no inflight operation `{}` on AWS", op));
}

auto CallQueue(SqsClient& sqs, const std::string& op, const std::vector<Value>& args, const AwsBinding& binding)
    -> Value {
  if (op == "push") {
    sqs.SendMessage(binding.name, Str(args, 0, "message"));
    return Value::Nil();
  }
  if (op == "pop") {
    std::optional<std::string> body = sqs.ReceiveAndDelete(binding.name);
    return body ? Value::Str(std::move(*body)) : Value::Nil();
  }
  if (op == "approxSize") return Value::Num(sqs.ApproximateNumberOfMessages(binding.name));
  if (op == "purge") {
    sqs.PurgeQueue(binding.name);
    return Value::Nil();
  }
  Throw(fmt::format("cloud.Queue has no inflight operation `{}` on AWS", op));
}

auto CallCounter(DynamoDbCounter& counter, const std::string& op, const std::vector<Value>& args,
                 const AwsBinding& binding) -> Value {
  double initial = binding.props.contains("initial") && binding.props["initial"].is_number()
                       ? binding.props["initial"].get<double>()
                       : 0;
  if (op == "inc" || op == "dec") {
    Value amount = ArgAt(args, 0);
    double by = amount.kind == ValueKind::kNum ? amount.number : 1;
    return Value::Num(counter.Add(binding.name, OptStr(args, 1), op == "inc" ? by : -by, initial));
  }
  if (op == "peek") return Value::Num(counter.Peek(binding.name, OptStr(args, 0), initial));
  if (op == "set") {
    Value value = ArgAt(args, 0);
    if (value.kind != ValueKind::kNum) Throw("expected a number for `value`");
    counter.Set(binding.name, OptStr(args, 1), value.number);
    return Value::Nil();
  }
  Throw(fmt::format("cloud.Counter has no inflight operation `{}` on AWS", op));
}

auto CallSecret(AwsSession& session, const std::string& op, const AwsBinding& binding) -> Value {
  if (op != "value" && op != "valueJson") Throw(fmt::format("cloud.Secret has no inflight operation `{}`", op));
  std::string value = binding.secret_value ? *binding.secret_value : GetSecretValue(session, binding.name);
  if (op == "value") return Value::Str(std::move(value));
  std::string error;
  std::optional<Value> json = ir::ParseJson(value, false, &error);
  // The parser's message quotes the text, which is the secret: left out.
  if (!json) Throw(fmt::format("secret `{}` is not valid JSON", binding.name));
  return *json;
}

auto CallFunction(AwsSession& session, const std::string& op, const std::vector<Value>& args,
                  const AwsBinding& binding) -> Value {
  if (op != "invoke" && op != "invokeAsync") Throw(fmt::format("cloud.Function has no inflight operation `{}`", op));
  Value payload = ArgAt(args, 0);
  std::string text = payload.IsNil() ? "null" : ir::StringifyJson(payload);
  std::optional<std::string> result = InvokeFunction(session, binding.name, text, op == "invokeAsync");
  if (!result || *result == "null") return Value::Nil();
  return ParseJsonOrThrow(*result, fmt::format("the result of the function `{}`", binding.name));
}

}  // namespace

auto BindingFromEnv(const Env& env, const std::string& binding) -> std::optional<AwsBinding> {
  AwsBinding out;
  out.type = EnvValue(env, "WING_" + binding + "_TYPE");
  out.name = EnvValue(env, "WING_" + binding + "_NAME");
  auto secret = env.find("WING_" + binding + "_SECRET");
  if (secret != env.end()) {
    out.secret_value = secret->second;
    if (out.type.empty()) out.type = "cloud.Secret";
  }
  if (out.type.empty() || (out.name.empty() && !out.secret_value)) return std::nullopt;
  return out;
}

AwsClients::AwsClients(Env env, std::function<Clock::time_point()> now)
    : session_(std::move(env), std::move(now)), s3_(session_), sqs_(session_), counter_(session_) {}

auto CallAws(AwsClients& clients, const std::string& resource_type, const std::string& operation,
             const std::vector<ir::Value>& args, const AwsBinding& binding) -> ir::Value {
  try {
    if (binding.name.empty() && !binding.secret_value) {
      Throw(fmt::format("{} binding has no name: set WING_<NAME>_NAME", resource_type));
    }
    if (resource_type == "cloud.Bucket") return CallBucket(clients.S3(), operation, args, binding);
    if (resource_type == "cloud.Queue") return CallQueue(clients.Sqs(), operation, args, binding);
    if (resource_type == "cloud.Counter") return CallCounter(clients.Counter(), operation, args, binding);
    if (resource_type == "cloud.Secret") return CallSecret(clients.Session(), operation, binding);
    if (resource_type == "cloud.Function") return CallFunction(clients.Session(), operation, args, binding);
    Throw(fmt::format("`{}` resources cannot be called on AWS yet (only cloud.Bucket, cloud.Queue, cloud.Counter, "
                      "cloud.Secret and cloud.Function)",
                      resource_type));
  } catch (const ir::ThrownError&) {
    throw;
  } catch (const std::exception& error) {
    // AwsError and transport errors: the Wing program sees them as errors
    // it can catch, with the resource they concern.
    throw ir::ThrownError(fmt::format("{} `{}`.{}: {}", resource_type, binding.name, operation, error.what()), {});
  }
}

auto AwsCallsOf(const std::string& type, const std::string& op) -> std::vector<std::pair<const Service*, std::string>> {
  if (type == "cloud.Bucket") {
    if (op == "put" || op == "putJson") return {{&kS3, "PutObject"}};
    if (op == "get" || op == "tryGet" || op == "getJson" || op == "tryGetJson") return {{&kS3, "GetObject"}};
    if (op == "exists") return {{&kS3, "HeadObject"}};
    if (op == "delete" || op == "tryDelete") return {{&kS3, "ListObjectsV2"}, {&kS3, "DeleteObject"}};
    if (op == "list") return {{&kS3, "ListObjectsV2"}};
    if (op == "publicUrl") return {};
    if (op == "copy") return {{&kS3, "HeadObject"}, {&kS3, "CopyObject"}};
    if (op == "rename") return {{&kS3, "HeadObject"}, {&kS3, "CopyObject"}, {&kS3, "DeleteObject"}};
  }
  if (type == "cloud.Queue") {
    if (op == "push") return {{&kSqs, "SendMessage"}};
    if (op == "pop") return {{&kSqs, "ReceiveMessage"}, {&kSqs, "DeleteMessage"}};
    if (op == "approxSize") return {{&kSqs, "GetQueueAttributes"}};
    if (op == "purge") return {{&kSqs, "PurgeQueue"}};
  }
  if (type == "cloud.Counter") {
    if (op == "inc" || op == "dec" || op == "set") return {{&kDynamoDb, "UpdateItem"}};
    if (op == "peek") return {{&kDynamoDb, "GetItem"}};
  }
  if (type == "cloud.Secret" && (op == "value" || op == "valueJson")) return {{&kSecretsManager, "GetSecretValue"}};
  if (type == "cloud.Function" && (op == "invoke" || op == "invokeAsync")) return {{&kLambda, "Invoke"}};
  return {};
}

}  // namespace wdsl::runtime::aws
