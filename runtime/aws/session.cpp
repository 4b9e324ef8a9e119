#include "runtime/aws/session.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <nlohmann/json.hpp>

#include "runtime/aws/xml.h"

namespace wdsl::runtime::aws {

auto IamActionsFor(const Service& service, const std::string& operation) -> std::vector<std::string> {
  std::string prefix = service.signing_name;
  if (prefix == "s3") {
    // HeadObject is authorized as GetObject; listing as ListBucket.
    if (operation == "HeadObject") return {"s3:GetObject"};
    if (operation == "ListObjectsV2") return {"s3:ListBucket"};
    if (operation == "CopyObject") return {"s3:GetObject", "s3:PutObject"};
  }
  if (prefix == "sts" && operation == "GetCallerIdentity") return {};  // allowed to every principal
  if (prefix == "lambda" && operation == "Invoke") return {"lambda:InvokeFunction"};
  return {prefix + ":" + operation};
}

AwsSession::AwsSession(Env env, std::function<Clock::time_point()> now)
    : env_(std::move(env)), region_(RegionFrom(env_)), credentials_(env_, region_, std::move(now)) {}

auto AwsSession::Call(const Service& service, const std::string& operation, const HttpRequest& request)
    -> HttpResponse {
  aws::Credentials creds = credentials_.Get();
  SigningKey key{creds.access_key_id, creds.secret_access_key, creds.session_token, region_, service.signing_name};
  HttpResponse response = SendHttp(request, key, fmt::format("{} {}", service.name, operation));
  if (response.status >= 200 && response.status < 300) return response;
  throw ErrorFromResponse(service, operation, response, creds.source);
}

auto ErrorFromResponse(const Service& service, const std::string& operation, const HttpResponse& response,
                       const std::string& credential_source) -> AwsError {
  std::string code;
  std::string message;
  if (!response.body.empty() && response.body[0] == '{') {
    // JSON protocols: {"__type": "com.amazonaws.sqs#QueueDoesNotExist", "message": "..."}
    nlohmann::json json = nlohmann::json::parse(response.body, nullptr, false);
    if (json.is_object()) {
      code = json.value("__type", "");
      if (size_t hash = code.rfind('#'); hash != std::string::npos) code = code.substr(hash + 1);
      message = json.value("message", json.value("Message", ""));
    }
  } else if (!response.body.empty()) {
    // S3: <Error><Code/><Message/></Error>; query protocols: <ErrorResponse><Error>...
    std::string ignored;
    if (std::optional<XmlElement> xml = ParseXml(response.body, &ignored)) {
      const XmlElement* error = xml->name == "Error" ? &*xml : xml->Child("Error");
      if (error != nullptr) {
        code = error->ChildText("Code");
        message = error->ChildText("Message");
      }
    }
  }
  // SQS also names the error in a header, REST-JSON services (Lambda) only
  // there; HEAD answers have no body at all.
  if (code.empty()) {
    auto it = response.headers.find("x-amzn-query-error");
    if (it != response.headers.end()) code = it->second.substr(0, it->second.find(';'));
  }
  if (code.empty()) {
    auto it = response.headers.find("x-amzn-errortype");
    if (it != response.headers.end()) code = it->second.substr(0, it->second.find(':'));
  }
  if (code.empty()) {
    code = response.status == 404 ? "NotFound" : response.status == 403 ? "AccessDenied" : fmt::format("HTTP{}", response.status);
  }
  std::string text = fmt::format("{} {} failed: {} (HTTP {})", service.name, operation, code, response.status);
  if (!message.empty()) text += ": " + message;
  bool denied = code == "AccessDenied" || code == "AccessDeniedException" || code == "UnauthorizedOperation" ||
                code.find("NotAuthorized") != std::string::npos;
  if (denied) {
    std::vector<std::string> actions = IamActionsFor(service, operation);
    text += fmt::format(
        "; the credentials ({}) lack the IAM permission {} on this resource: bind the resource to the workload with "
        "this operation (wdsl then grants it), or check that the resource name is right",
        credential_source, fmt::join(actions, " and "));
  } else if (code == "SignatureDoesNotMatch" || code == "InvalidSignatureException") {
    text += "; check AWS_REGION and that the credentials' secret key belongs to the access key id";
  } else if (code == "ExpiredToken" || code == "ExpiredTokenException") {
    text += "; the session token expired (the credentials of " + credential_source + ")";
  }
  return AwsError(text, code, response.status);
}

}  // namespace wdsl::runtime::aws
