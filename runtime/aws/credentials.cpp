#include "runtime/aws/credentials.h"

#include <curl/curl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <ctime>
#include <fstream>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "runtime/aws/http.h"
#include "runtime/aws/xml.h"

namespace wdsl::runtime::aws {
namespace {

auto ReadFile(const std::string& path, const char* what) -> std::string {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("cannot read {} `{}`", what, path));
  std::ostringstream text;
  text << in.rdbuf();
  std::string out = text.str();
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r' || out.back() == ' ')) out.pop_back();
  return out;
}

// The host of `url`, "" when it does not parse.
auto HostOf(const std::string& url) -> std::string {
  CURLU* handle = curl_url();
  std::string host;
  char* part = nullptr;
  if (curl_url_set(handle, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK &&
      curl_url_get(handle, CURLUPART_HOST, &part, 0) == CURLUE_OK) {
    host = part;
    curl_free(part);
  }
  curl_url_cleanup(handle);
  return host;
}

}  // namespace

auto ParseAwsTime(const std::string& text) -> std::optional<Clock::time_point> {
  std::tm tm{};
  std::istringstream in(text);
  in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%S");
  if (in.fail()) return std::nullopt;
  std::string rest;
  std::getline(in, rest);
  if (!rest.empty() && rest[0] == '.') rest.erase(0, rest.find_first_not_of("0123456789", 1));
  if (rest != "Z" && rest != "+00:00") return std::nullopt;
  return Clock::from_time_t(timegm(&tm));
}

CredentialChain::CredentialChain(Env env, std::string region, std::function<Clock::time_point()> now)
    : env_(std::move(env)), region_(std::move(region)), now_(std::move(now)) {}

auto CredentialChain::Get() -> Credentials {
  std::lock_guard lock(mutex_);
  if (!cached_ || (cached_->expires && *cached_->expires - kRefreshBefore <= now_())) cached_ = Load();
  return *cached_;
}

auto CredentialChain::Load() -> Credentials {
  std::string key = EnvValue(env_, "AWS_ACCESS_KEY_ID");
  std::string secret = EnvValue(env_, "AWS_SECRET_ACCESS_KEY");
  if (!key.empty() && !secret.empty()) {
    return Credentials{key, secret, EnvValue(env_, "AWS_SESSION_TOKEN"), std::nullopt, "environment"};
  }
  if (!EnvValue(env_, "AWS_WEB_IDENTITY_TOKEN_FILE").empty() && !EnvValue(env_, "AWS_ROLE_ARN").empty()) {
    return FromWebIdentity();
  }
  if (!EnvValue(env_, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").empty() ||
      !EnvValue(env_, "AWS_CONTAINER_CREDENTIALS_FULL_URI").empty()) {
    return FromContainer();
  }
  throw std::runtime_error(
      "no AWS credentials: tried AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, EKS IRSA (AWS_WEB_IDENTITY_TOKEN_FILE + "
      "AWS_ROLE_ARN) and ECS container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI); on ECS "
      "give the task a task role, on EKS annotate the service account with eks.amazonaws.com/role-arn");
}

auto CredentialChain::FromWebIdentity() -> Credentials {
  // The token file is read every time: the kubelet rotates it.
  std::string token = ReadFile(EnvValue(env_, "AWS_WEB_IDENTITY_TOKEN_FILE"), "the web identity token file");
  std::string role = EnvValue(env_, "AWS_ROLE_ARN");
  std::string session = EnvValue(env_, "AWS_ROLE_SESSION_NAME");
  if (session.empty()) session = fmt::format("wdsl-{}", getpid());
  HttpRequest request;
  request.method = "POST";
  request.url = EndpointFor(env_, kSts, region_) + "/";
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/xml"}};
  request.body = fmt::format("Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn={}&RoleSessionName={}"
                             "&WebIdentityToken={}",
                             UriEncode(role), UriEncode(session), UriEncode(token));
  const std::string what = "STS AssumeRoleWithWebIdentity";
  HttpResponse response = SendHttp(request, SigningKey{}, what);  // unsigned: the token is the proof
  std::string error;
  std::optional<XmlElement> xml = ParseXml(response.body, &error);
  if (response.status != 200) {
    const XmlElement* detail = xml ? xml->Child("Error") : nullptr;
    throw std::runtime_error(fmt::format(
        "{} for role {} failed: {} ({}): {}; check the role's trust policy allows this service account", what, role,
        detail ? detail->ChildText("Code") : "HTTP error", response.status,
        detail ? detail->ChildText("Message") : response.body.substr(0, 200)));
  }
  const XmlElement* result = xml ? xml->Child("AssumeRoleWithWebIdentityResult") : nullptr;
  const XmlElement* creds = result ? result->Child("Credentials") : nullptr;
  if (creds == nullptr || creds->ChildText("AccessKeyId").empty()) {
    throw std::runtime_error(fmt::format("{}: the answer has no Credentials{}", what, xml ? "" : " (" + error + ")"));
  }
  std::optional<Clock::time_point> expires = ParseAwsTime(creds->ChildText("Expiration"));
  if (!expires) throw std::runtime_error(what + ": the answer's Expiration is not a UTC time");
  return Credentials{creds->ChildText("AccessKeyId"), creds->ChildText("SecretAccessKey"),
                     creds->ChildText("SessionToken"), expires, "EKS web identity (" + role + ")"};
}

auto CredentialChain::FromContainer() -> Credentials {
  std::string relative = EnvValue(env_, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  std::string url = relative.empty() ? EnvValue(env_, "AWS_CONTAINER_CREDENTIALS_FULL_URI")
                                     : "http://169.254.170.2" + relative;
  if (relative.empty()) {
    // As the SDKs: a full URI must be HTTPS, loopback, or the ECS / EKS Pod
    // Identity agent addresses, so a changed variable cannot send the
    // authorization token anywhere else in clear text.
    std::string host = HostOf(url);
    bool allowed = url.starts_with("https://") || host == "127.0.0.1" || host == "localhost" || host == "[::1]" ||
                   host == "::1" || host == "169.254.170.2" || host == "169.254.170.23" || host == "[fd00:ec2::23]";
    if (!allowed) {
      throw std::runtime_error(fmt::format("AWS_CONTAINER_CREDENTIALS_FULL_URI `{}` must use https or a loopback or "
                                           "ECS/EKS agent address (169.254.170.2, 169.254.170.23)",
                                           url));
    }
  }
  HttpRequest request;
  request.url = url;
  std::string token = EnvValue(env_, "AWS_CONTAINER_AUTHORIZATION_TOKEN");
  std::string token_file = EnvValue(env_, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
  if (!token_file.empty()) token = ReadFile(token_file, "the container authorization token file");
  if (!token.empty()) request.headers.push_back({"Authorization", token});
  const std::string what = "container credentials";
  HttpResponse response = SendHttp(request, SigningKey{}, what);
  nlohmann::json json = nlohmann::json::parse(response.body, nullptr, false);
  if (response.status != 200 || !json.is_object() || !json.contains("AccessKeyId")) {
    throw std::runtime_error(fmt::format("{} from {} failed (HTTP {}): {}", what, url, response.status,
                                         json.is_object() ? json.value("message", json.value("Message", response.body))
                                                          : response.body.substr(0, 200)));
  }
  std::optional<Clock::time_point> expires;
  if (json.contains("Expiration")) {
    expires = ParseAwsTime(json.value("Expiration", ""));
    if (!expires) throw std::runtime_error(fmt::format("{} from {}: Expiration is not a UTC time", what, url));
  }
  return Credentials{json.value("AccessKeyId", ""), json.value("SecretAccessKey", ""), json.value("Token", ""),
                     expires, "ECS container credentials"};
}

}  // namespace wdsl::runtime::aws
