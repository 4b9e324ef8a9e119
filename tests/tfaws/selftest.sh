#!/usr/bin/env bash
# Shows that the Terraform JSON check can both pass and fail: the good
# fixtures must pass, each bad one (good.tf.json with one thing broken) must
# fail with its own error message and no other.
set -euo pipefail

script="${BASH_SOURCE[0]}"
[[ "$script" == */* ]] || script="./$script"
here="$(cd "${script%/*}" && pwd)"
cd "$here"

fail() {
  echo "tests/tfaws/selftest.sh: FAIL: $*" >&2
  exit 1
}

./check.sh fixtures/good.tf.json || fail "fixtures/good.tf.json was rejected"
./check.sh fixtures/good-docker.tf.json || fail "fixtures/good-docker.tf.json was rejected"
./check.sh fixtures/good-helm.tf.json || fail "fixtures/good-helm.tf.json was rejected"
./check.sh fixtures/good.tf.json fixtures/good-docker.tf.json fixtures/good-helm.tf.json >/dev/null || fail "three good files at once were rejected"

# expect_fail FILE LINES EXPECTED-SUBSTRING...: exit status 1, one FAIL line,
# exactly LINES error lines, and every expected substring in the output.
checked=0
expect_fail() {
  local file="$1" want="$2" out rc lines
  shift 2
  set +e
  out="$(./check.sh "$file")"
  rc=$?
  set -e
  printf '%s\n' "$out"
  ((rc == 1)) || fail "$file: exit status $rc, expected 1"
  [[ "$(grep -c '^FAIL ' <<<"$out" || true)" == 1 ]] || fail "$file: expected one FAIL line"
  lines="$(grep -c '^       ' <<<"$out" || true)"
  ((lines == want)) || fail "$file: $lines error lines, expected $want"
  for expected in "$@"; do
    grep -qF -- "$expected" <<<"$out" || fail "$file: no error '$expected'"
  done
  checked=$((checked + 1))
}

expect_fail fixtures/bad-unknown-arg.tf.json 1 \
  '/resource/aws_s3_bucket/uploads/bucket_name: unknown argument "bucket_name" of aws_s3_bucket; did you mean "bucket"? Valid arguments: acceleration_status, acl, bucket, bucket_prefix, '
expect_fail fixtures/bad-missing-hash-key.tf.json 1 \
  '/resource/aws_dynamodb_table/notes: missing "hash_key": aws_dynamodb_table needs its partition key unless it is restored'
expect_fail fixtures/bad-missing-required.tf.json 1 \
  '/resource/aws_iam_role_policy/web_task: missing required argument "role" of aws_iam_role_policy (required: policy, role)'
expect_fail fixtures/bad-resource-type.tf.json 1 \
  '/resource/aws_s3_buckets: unknown resource type "aws_s3_buckets" in hashicorp/aws ' '; did you mean "aws_s3_bucket"?'
expect_fail fixtures/bad-dangling-ref.tf.json 1 \
  '/resource/aws_iam_role_policy/web_task/policy: reference to undeclared resource aws_sqs_queue.nope in "${aws_sqs_queue.nope.arn}"; declared: aws_sqs_queue.jobs'
expect_fail fixtures/bad-required-providers.tf.json 1 \
  '/terraform/required_providers: missing "aws" (used by aws_s3_bucket.uploads and 11 more); add "aws": {"source": "hashicorp/aws", "version": "~> '
expect_fail fixtures/bad-type.tf.json 1 \
  '/resource/aws_sqs_queue/jobs/visibility_timeout_seconds: must be a number, got string "30"'
expect_fail fixtures/bad-nested.tf.json 2 \
  '/resource/aws_ecr_repository/web/image_scanning_configuration/scan_on_pushes: unknown argument "scan_on_pushes" of block "image_scanning_configuration"; did you mean "scan_on_push"?' \
  '/resource/aws_ecr_repository/web/image_scanning_configuration: missing required argument "scan_on_push" in block "image_scanning_configuration"'
expect_fail fixtures/bad-no-provider.tf.json 1 \
  '/provider: missing "aws": 12 aws resource(s) and data source(s) are used (e.g. aws_s3_bucket.uploads) but no provider.aws'
expect_fail fixtures/bad-version.tf.json 1 \
  '/terraform/required_providers/aws/version: "~> 4.0" excludes hashicorp/aws '
expect_fail fixtures/bad-policy.tf.json 1 \
  '/resource/aws_iam_role/web_task/assume_role_policy: must be a JSON document (a string holding JSON), but it does not parse'
# hashicorp/helm 2.x (bad-helm-*: good-helm.tf.json with one thing broken).
expect_fail fixtures/bad-helm-unknown-arg.tf.json 2 \
  '/resource/helm_release/web/chart_path: unknown argument "chart_path" of helm_release; did you mean "chart"? Valid arguments: atomic, chart, ' \
  '/resource/helm_release/web: missing required argument "chart" of helm_release (required: chart, name)'
expect_fail fixtures/bad-helm-set-name.tf.json 1 \
  '/resource/helm_release/web/set/0: missing required argument "name" in block "set" (required: name, value)'
expect_fail fixtures/bad-helm-provider.tf.json 2 \
  '/provider/helm/kubernetes/exec/apiVersion: unknown argument "apiVersion" of block "exec"; did you mean "api_version"? Valid arguments: api_version, args, command, env' \
  '/provider/helm/kubernetes/exec: missing required argument "api_version" in block "exec" (required: api_version, command)'

# Every bad fixture is checked above.
for f in fixtures/bad*.json; do
  grep -qF "expect_fail $f " "$0" || fail "$f is not checked by selftest.sh"
done

# Usage errors: exit status 2.
set +e
./check.sh >/dev/null 2>&1
rc=$?
set -e
((rc == 2)) || fail "no file: exit status $rc, expected 2"

echo "tests/tfaws/selftest.sh: ok (3 good fixtures pass, $checked bad fixtures fail with the expected errors)"
