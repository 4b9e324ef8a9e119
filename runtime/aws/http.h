// HTTP for the AWS clients through libcurl. A signed request is signed by
// libcurl itself (CURLOPT_AWS_SIGV4 with the service's signing name and the
// region); wdsl has no SigV4 code of its own. A session token is sent as
// X-Amz-Security-Token, which libcurl signs like every other header given.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace wdsl::runtime::aws {

struct HttpRequest {
  std::string method = "GET";  // GET, HEAD, PUT, POST, DELETE
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // names in lowercase
  std::string body;
};

// Whom to sign as; empty `access_key_id` means: do not sign.
struct SigningKey {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
  std::string region;
  std::string service;  // the signing name: "s3", "sqs", ...
};

// Sends `request`; the answer whatever its status. Throws std::runtime_error
// when no answer came (connection refused, DNS, timeout), naming `what`
// ("S3 GetObject") and the URL.
auto SendHttp(const HttpRequest& request, const SigningKey& key, const std::string& what) -> HttpResponse;

// Percent-encodes `text` (RFC 3986: everything but A-Z a-z 0-9 - _ . ~);
// with `keep_slash`, `/` stays (S3 object keys in paths).
auto UriEncode(const std::string& text, bool keep_slash = false) -> std::string;

// Lowercase hex SHA-256 of `data` (S3's x-amz-content-sha256).
auto Sha256Hex(const std::string& data) -> std::string;

}  // namespace wdsl::runtime::aws
