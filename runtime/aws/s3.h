// Amazon S3's REST API for cloud.Bucket: objects by key in one bucket.
// Virtual-hosted URLs (https://<bucket>.s3.<region>.amazonaws.com/<key>) on
// AWS, path-style (<endpoint>/<bucket>/<key>) when AWS_ENDPOINT_URL(_S3)
// points elsewhere.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "runtime/aws/session.h"

namespace wdsl::runtime::aws {

class S3Client {
 public:
  explicit S3Client(AwsSession& session) : session_(session) {}

  // The object's body, nullopt when it does not exist (NoSuchKey). `range`
  // is an HTTP Range value ("bytes=0-9") or "".
  auto GetObject(const std::string& bucket, const std::string& key, const std::string& range = "")
      -> std::optional<std::string>;
  void PutObject(const std::string& bucket, const std::string& key, const std::string& body,
                 const std::string& content_type);
  // Whether the object exists (HeadObject; 404 is false).
  auto HeadObject(const std::string& bucket, const std::string& key) -> bool;
  void DeleteObject(const std::string& bucket, const std::string& key);
  void CopyObject(const std::string& bucket, const std::string& from, const std::string& to);
  // Every key starting with `prefix`, following continuation tokens; with
  // `max_keys` > 0 only the first page of at most that many.
  auto ListObjectsV2(const std::string& bucket, const std::string& prefix, int max_keys = 0)
      -> std::vector<std::string>;
  // Whether `key` exists, asked with ListObjectsV2 (s3:ListBucket only).
  auto KeyListed(const std::string& bucket, const std::string& key) -> bool;
  // The object's URL (what publicUrl answers for a public bucket).
  auto ObjectUrl(const std::string& bucket, const std::string& key) const -> std::string;

 private:
  auto Request(const std::string& method, const std::string& bucket, const std::string& key,
               const std::string& query, std::string body = "") const -> HttpRequest;

  AwsSession& session_;
};

}  // namespace wdsl::runtime::aws
