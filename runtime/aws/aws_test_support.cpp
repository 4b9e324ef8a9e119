#include "runtime/aws/aws_test_support.h"

#include <fmt/format.h>

#include <cstdio>

namespace wdsl::runtime::aws::testing {

using nlohmann::json;

namespace {

auto XmlError(httplib::Response& res, int status, const std::string& code, const std::string& message) {
  res.status = status;
  res.set_content(fmt::format("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{}</Code><Message>{}</Message>"
                              "<RequestId>1</RequestId></Error>",
                              code, message),
                  "application/xml");
}

auto JsonError(httplib::Response& res, int status, const std::string& code, const std::string& message) {
  res.status = status;
  res.set_content(json{{"__type", "com.amazonaws.fake#" + code}, {"message", message}}.dump(),
                  "application/x-amz-json-1.0");
}

}  // namespace

void FakeAws::Handle(const httplib::Request& req, httplib::Response& res) {
  std::lock_guard lock(mutex_);
  std::string target = req.get_header_value("X-Amz-Target");
  seen_.push_back({req.method, req.path, target, req.body, req.has_header("x-wdsl-signature-checked"),
                   req.get_header_value("Authorization")});
  if (req.path == "/creds") {
    ++container_fetches;
    if (!container_token.empty() && req.get_header_value("Authorization") != container_token) {
      res.status = 401;
      res.set_content(R"({"message":"bad authorization token"})", "application/json");
      return;
    }
    res.set_content(container_credentials.dump(), "application/json");
    return;
  }
  if (req.method == "POST" && req.path.starts_with("/2015-03-31/functions/")) {
    std::string name = req.path.substr(22, req.path.find('/', 22) - 22);
    auto function = functions.find(name);
    if (function == functions.end()) {
      // REST-JSON: the code only in X-Amzn-ErrorType, as Lambda answers.
      res.status = 404;
      res.set_header("X-Amzn-ErrorType", "ResourceNotFoundException:http://internal.amazon.com/coral/");
      res.set_content(json{{"Type", "User"}, {"message", "Function not found: " + name}}.dump(), "application/json");
      return;
    }
    std::string type = req.get_header_value("X-Amz-Invocation-Type");
    invocations.emplace_back(type, req.body);
    if (type == "Event") {
      res.status = 202;
      return;
    }
    if (function->second == "throw") {
      res.set_header("X-Amz-Function-Error", "Unhandled");
      res.set_content(R"({"errorMessage":"no boom allowed","errorType":"wdsl.HandlerError"})", "application/json");
      return;
    }
    res.set_content(function->second, "application/json");
    return;
  }
  if (req.method == "POST" && req.path == "/" && req.body.starts_with("Action=")) return Sts(req, res);
  if (req.method == "POST" && req.path == "/" && !target.empty()) {
    json in = json::parse(req.body, nullptr, false);
    if (!in.is_object()) return JsonError(res, 400, "SerializationException", "body is not a JSON object");
    return Json(target, in, res);
  }
  S3(req, res);
}

void FakeAws::S3(const httplib::Request& req, httplib::Response& res) {
  // Path-style: /<bucket>/<key>; httplib has decoded the path.
  std::string path = req.path.substr(1);
  size_t slash = path.find('/');
  std::string bucket = path.substr(0, slash);
  std::string key = slash == std::string::npos ? "" : path.substr(slash + 1);
  if (bucket == denied_bucket) return XmlError(res, 403, "AccessDenied", "Access Denied");
  std::string id = bucket + "/" + key;
  if (req.method == "GET" && req.has_param("list-type")) {
    std::string prefix = req.get_param_value("prefix");
    std::string after = req.get_param_value("continuation-token");
    int max = req.has_param("max-keys") ? std::stoi(req.get_param_value("max-keys")) : list_page_size;
    max = std::min(max, list_page_size);
    std::string contents;
    std::string last;
    bool more = false;
    int count = 0;
    for (const auto& [full, body] : objects) {
      if (!full.starts_with(bucket + "/")) continue;
      std::string k = full.substr(bucket.size() + 1);
      if (!k.starts_with(prefix) || (!after.empty() && k <= after)) continue;
      if (count == max) {
        more = true;
        break;
      }
      contents += fmt::format("<Contents><Key>{}</Key><Size>{}</Size></Contents>", k, body.size());
      last = k;
      ++count;
    }
    res.set_content(fmt::format("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult "
                                "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>{}</Name><KeyCount>{}"
                                "</KeyCount><IsTruncated>{}</IsTruncated>{}{}</ListBucketResult>",
                                bucket, count, more ? "true" : "false", contents,
                                more ? "<NextContinuationToken>" + last + "</NextContinuationToken>" : ""),
                    "application/xml");
    return;
  }
  auto it = objects.find(id);
  if (req.method == "PUT") {
    std::string source = req.get_header_value("x-amz-copy-source");
    if (!source.empty()) {
      auto from = objects.find(httplib::detail::decode_url(source, false));
      if (from == objects.end()) return XmlError(res, 404, "NoSuchKey", "The specified key does not exist.");
      objects[id] = from->second;
      res.set_content("<CopyObjectResult><ETag>\"x\"</ETag></CopyObjectResult>", "application/xml");
      return;
    }
    objects[id] = req.body;
    return;
  }
  if (req.method == "DELETE") {
    objects.erase(id);
    res.status = 204;
    return;
  }
  if (it == objects.end()) {
    // HEAD answers carry no body; httplib drops it.
    return XmlError(res, 404, "NoSuchKey", "The specified key does not exist.");
  }
  // httplib answers a Range header itself (206 with the bytes asked for).
  res.set_content(it->second, "application/octet-stream");
}

void FakeAws::Json(const std::string& target, const json& in, httplib::Response& res) {
  std::string op = target.substr(target.find('.') + 1);
  res.set_content("{}", "application/x-amz-json-1.0");
  if (target.starts_with("AmazonSQS.")) {
    std::string url = in.value("QueueUrl", "");
    auto queue = queues.find(url);
    if (queue == queues.end()) return JsonError(res, 400, "QueueDoesNotExist", "The specified queue does not exist.");
    if (op == "SendMessage") {
      queue->second.push_back(in.value("MessageBody", ""));
      res.set_content(json{{"MessageId", "m"}}.dump(), "application/x-amz-json-1.0");
    } else if (op == "ReceiveMessage") {
      json out = json::object();
      if (!queue->second.empty()) {
        out["Messages"] = json::array({{{"Body", queue->second.front()}, {"ReceiptHandle", "rh-" + queue->second.front()}}});
      }
      res.set_content(out.dump(), "application/x-amz-json-1.0");
    } else if (op == "DeleteMessage") {
      std::string handle = in.value("ReceiptHandle", "");
      auto& bodies = queue->second;
      for (auto b = bodies.begin(); b != bodies.end(); ++b) {
        if ("rh-" + *b == handle) {
          bodies.erase(b);
          return;
        }
      }
      JsonError(res, 400, "ReceiptHandleIsInvalid", "unknown receipt handle");
    } else if (op == "GetQueueAttributes") {
      res.set_content(json{{"Attributes", {{"ApproximateNumberOfMessages", std::to_string(queue->second.size())}}}}.dump(),
                      "application/x-amz-json-1.0");
    } else if (op == "PurgeQueue") {
      queue->second.clear();
    }
    return;
  }
  if (target.starts_with("DynamoDB_20120810.")) {
    if (in["Key"].size() != 1 || !in["Key"].contains("id")) {
      return JsonError(res, 400, "ValidationException", "The provided key element does not match the schema");
    }
    std::string id = in.value("TableName", "") + "/" + in["Key"]["id"].value("S", "");
    auto it = counters.find(id);
    if (op == "GetItem") {
      json out = json::object();
      if (it != counters.end()) out["Item"] = {{"id", in["Key"]["id"]}, {"counter_value", {{"N", fmt::format("{}", it->second)}}}};
      res.set_content(out.dump(), "application/x-amz-json-1.0");
      return;
    }
    if (op != "UpdateItem" || in["ExpressionAttributeNames"]["#v"] != "counter_value") {
      return JsonError(res, 400, "ValidationException", "unexpected request");
    }
    const json& values = in["ExpressionAttributeValues"];
    std::string expression = in.value("UpdateExpression", "");
    json out = json::object();
    if (expression == "SET #v = if_not_exists(#v, :initial) + :amount") {
      if (it != counters.end() && in.value("ReturnValues", "") == "UPDATED_OLD") {
        out["Attributes"] = {{"counter_value", {{"N", fmt::format("{}", it->second)}}}};
      }
      double start = it != counters.end() ? it->second : std::stod(values[":initial"]["N"].get<std::string>());
      counters[id] = start + std::stod(values[":amount"]["N"].get<std::string>());
    } else if (expression == "SET #v = :value") {
      counters[id] = std::stod(values[":value"]["N"].get<std::string>());
    } else {
      return JsonError(res, 400, "ValidationException", "unexpected UpdateExpression " + expression);
    }
    res.set_content(out.dump(), "application/x-amz-json-1.0");
    return;
  }
  if (target == "secretsmanager.GetSecretValue") {
    auto it = secrets.find(in.value("SecretId", ""));
    if (it == secrets.end()) return JsonError(res, 400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
    res.set_content(json{{"Name", it->first}, {"SecretString", it->second}}.dump(), "application/x-amz-json-1.1");
    return;
  }
  JsonError(res, 400, "UnknownOperationException", target);
}

void FakeAws::Sts(const httplib::Request& req, httplib::Response& res) {
  httplib::Params params;
  httplib::detail::parse_query_text(req.body, params);
  auto param = [&](const std::string& name) {
    auto it = params.find(name);
    return it == params.end() ? std::string() : it->second;
  };
  if (param("Action") == "GetCallerIdentity") {
    res.set_content(fmt::format("<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::{0}:user/t</Arn>"
                                "<Account>{0}</Account></GetCallerIdentityResult></GetCallerIdentityResponse>",
                                account),
                    "text/xml");
    return;
  }
  if (param("Action") == "AssumeRoleWithWebIdentity") {
    ++web_identity_calls;
    last_role_arn = param("RoleArn");
    if (!req.get_header_value("Authorization").empty()) {
      return XmlError(res, 400, "InvalidRequest", "AssumeRoleWithWebIdentity must not be signed");
    }
    if (param("WebIdentityToken") != web_identity_token || param("RoleSessionName").empty()) {
      res.status = 400;
      res.set_content("<ErrorResponse><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code><Message>token "
                      "rejected</Message></Error></ErrorResponse>",
                      "text/xml");
      return;
    }
    res.set_content(fmt::format("<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>"
                                "<AccessKeyId>ASIAWEB{}</AccessKeyId><SecretAccessKey>websecret</SecretAccessKey>"
                                "<SessionToken>webtoken</SessionToken><Expiration>{}</Expiration></Credentials>"
                                "</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>",
                                web_identity_calls, web_identity_expiration),
                    "text/xml");
    return;
  }
  XmlError(res, 400, "InvalidAction", param("Action"));
}

SigV4Proxy::SigV4Proxy(const std::string& upstream, const std::string& region, const json& keys) {
  int out[2];
  if (pipe(out) != 0) return;
  std::string script = std::string(WDSL_SOURCE_DIR) + "/tests/aws_sigv4/start.sh";
  std::string keys_text = keys.dump();
  pid_ = fork();
  if (pid_ == 0) {
    dup2(out[1], 1);
    close(out[0]);
    close(out[1]);
    setpgid(0, 0);  // its own group: the destructor stops node with the shell
    execl(script.c_str(), script.c_str(), "--upstream", upstream.c_str(), "--region", region.c_str(), "--keys",
          keys_text.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  // The first run installs the pinned packages (npm ci), which takes a while.
  FILE* stream = fdopen(out[0], "r");
  char line[256];
  if (stream != nullptr && std::fgets(line, sizeof line, stream) != nullptr) std::sscanf(line, "listening %d", &port_);
  if (stream != nullptr) std::fclose(stream);
}

SigV4Proxy::~SigV4Proxy() {
  if (pid_ > 0) {
    kill(-pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
}

}  // namespace wdsl::runtime::aws::testing
