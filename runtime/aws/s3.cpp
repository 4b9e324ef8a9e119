#include "runtime/aws/s3.h"

#include <fmt/format.h>

#include "runtime/aws/xml.h"

namespace wdsl::runtime::aws {

auto S3Client::ObjectUrl(const std::string& bucket, const std::string& key) const -> std::string {
  std::string path = UriEncode(key, true);
  if (EndpointOverridden(session_.Environment(), kS3)) return fmt::format("{}/{}/{}", session_.Endpoint(kS3), bucket, path);
  return fmt::format("https://{}.s3.{}.amazonaws.com/{}", bucket, session_.Region(), path);
}

auto S3Client::Request(const std::string& method, const std::string& bucket, const std::string& key,
                       const std::string& query, std::string body) const -> HttpRequest {
  HttpRequest request;
  request.method = method;
  request.url = ObjectUrl(bucket, key) + (query.empty() ? "" : "?" + query);
  // S3 wants the payload's hash in a signed header of its own.
  request.headers.push_back({"x-amz-content-sha256", Sha256Hex(body)});
  request.body = std::move(body);
  return request;
}

auto S3Client::GetObject(const std::string& bucket, const std::string& key, const std::string& range)
    -> std::optional<std::string> {
  HttpRequest request = Request("GET", bucket, key, "");
  if (!range.empty()) request.headers.push_back({"Range", range});
  try {
    return session_.Call(kS3, "GetObject", request).body;
  } catch (const AwsError& error) {
    if (error.code == "NoSuchKey") return std::nullopt;
    throw;
  }
}

void S3Client::PutObject(const std::string& bucket, const std::string& key, const std::string& body,
                         const std::string& content_type) {
  HttpRequest request = Request("PUT", bucket, key, "", body);
  request.headers.push_back({"Content-Type", content_type});
  session_.Call(kS3, "PutObject", request);
}

auto S3Client::HeadObject(const std::string& bucket, const std::string& key) -> bool {
  try {
    session_.Call(kS3, "HeadObject", Request("HEAD", bucket, key, ""));
    return true;
  } catch (const AwsError& error) {
    // A HEAD answer has no body, so a missing key is only its status.
    if (error.status == 404) return false;
    throw;
  }
}

void S3Client::DeleteObject(const std::string& bucket, const std::string& key) {
  session_.Call(kS3, "DeleteObject", Request("DELETE", bucket, key, ""));
}

void S3Client::CopyObject(const std::string& bucket, const std::string& from, const std::string& to) {
  HttpRequest request = Request("PUT", bucket, to, "");
  request.headers.push_back({"x-amz-copy-source", UriEncode(bucket + "/" + from, true)});
  HttpResponse response = session_.Call(kS3, "CopyObject", request);
  // A copy can fail after the 200 status was sent: the error is then the body.
  if (response.body.find("<Error>") != std::string::npos) {
    throw ErrorFromResponse(kS3, "CopyObject", HttpResponse{500, response.headers, response.body}, "");
  }
}

auto S3Client::KeyListed(const std::string& bucket, const std::string& key) -> bool {
  // A key sorts before every other key it is a prefix of.
  std::vector<std::string> first = ListObjectsV2(bucket, key, 1);
  return !first.empty() && first[0] == key;
}

auto S3Client::ListObjectsV2(const std::string& bucket, const std::string& prefix, int max_keys)
    -> std::vector<std::string> {
  std::vector<std::string> keys;
  std::string token;
  for (;;) {
    // Query parameters in the order SigV4 sorts them.
    std::string query;
    if (!token.empty()) query += "continuation-token=" + UriEncode(token) + "&";
    query += "list-type=2";
    if (max_keys > 0) query += fmt::format("&max-keys={}", max_keys);
    if (!prefix.empty()) query += "&prefix=" + UriEncode(prefix);
    HttpResponse response = session_.Call(kS3, "ListObjectsV2", Request("GET", bucket, "", query));
    std::string error;
    std::optional<XmlElement> xml = ParseXml(response.body, &error);
    if (!xml || xml->name != "ListBucketResult") {
      throw std::runtime_error(fmt::format("S3 ListObjectsV2 of bucket `{}`: the answer is not a ListBucketResult{}",
                                           bucket, xml ? "" : " (" + error + ")"));
    }
    for (const XmlElement* contents : xml->Children("Contents")) keys.push_back(contents->ChildText("Key"));
    if (max_keys > 0 || xml->ChildText("IsTruncated") != "true") break;
    std::string next = xml->ChildText("NextContinuationToken");
    if (next.empty() || next == token) {
      throw std::runtime_error(fmt::format(
          "S3 ListObjectsV2 of bucket `{}`: the answer is truncated but has no new NextContinuationToken", bucket));
    }
    token = next;
  }
  return keys;
}

}  // namespace wdsl::runtime::aws
