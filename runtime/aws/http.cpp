#include "runtime/aws/http.h"

#include <curl/curl.h>
#include <fmt/format.h>
#include <openssl/sha.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <stdexcept>

namespace wdsl::runtime::aws {
namespace {

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

auto OnBody(char* data, size_t size, size_t count, void* out) -> size_t {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

auto OnHeader(char* data, size_t size, size_t count, void* out) -> size_t {
  std::string line(data, size * count);
  size_t colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) value.pop_back();
    (*static_cast<std::map<std::string, std::string>*>(out))[name] = value;
  }
  return size * count;
}

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct ListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

}  // namespace

auto SendHttp(const HttpRequest& request, const SigningKey& key, const std::string& what) -> HttpResponse {
  InitCurlOnce();
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) throw std::runtime_error(what + ": libcurl could not start a request");
  CURL* c = curl.get();
  HttpResponse response;
  curl_slist* raw = nullptr;
  for (const auto& [name, value] : request.headers) raw = curl_slist_append(raw, (name + ": " + value).c_str());
  if (!key.access_key_id.empty() && !key.session_token.empty()) {
    raw = curl_slist_append(raw, ("X-Amz-Security-Token: " + key.session_token).c_str());
  }
  std::unique_ptr<curl_slist, ListDeleter> headers(raw);

  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 60000L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &response.headers);
  if (request.method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (request.method != "GET" || !request.body.empty()) {
    // Bodies are sent as given (also an empty PUT or POST); libcurl hashes
    // exactly these bytes for the signature.
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    if (request.method != "POST") curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  std::string sigv4;
  std::string userpwd;
  if (!key.access_key_id.empty()) {
    // "aws:amz:<region>:<service>": the AWS4-HMAC-SHA256 algorithm, X-Amz-*
    // headers, and the credential scope <date>/<region>/<service>/aws4_request.
    sigv4 = fmt::format("aws:amz:{}:{}", key.region, key.service);
    userpwd = key.access_key_id + ":" + key.secret_access_key;
    curl_easy_setopt(c, CURLOPT_AWS_SIGV4, sigv4.c_str());
    curl_easy_setopt(c, CURLOPT_USERPWD, userpwd.c_str());
  }
  CURLcode code = curl_easy_perform(c);
  if (code != CURLE_OK) {
    throw std::runtime_error(fmt::format("{}: no answer from {}: {} (is the endpoint right? AWS_ENDPOINT_URL* and "
                                         "AWS_REGION choose it)",
                                         what, request.url, curl_easy_strerror(code)));
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

auto UriEncode(const std::string& text, bool keep_slash) -> std::string {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

auto Sha256Hex(const std::string& data) -> std::string {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  std::string hex;
  for (unsigned char byte : digest) hex += fmt::format("{:02x}", byte);
  return hex;
}

}  // namespace wdsl::runtime::aws
