#!/usr/bin/env bash
# Shows that each Control Plane check can both pass and fail:
#   validate: fixtures/valid.yaml passes; fixtures/invalid.yaml fails with one
#             FAIL line per document (each holds a different mistake);
#   apply:    the real `cpln apply` takes fixtures/valid.yaml and refuses
#             fixtures/no-kind.yaml;
#   crosscheck: fixtures/valid.yaml equals `cpln convert` of fixtures/k8s.yaml,
#             and a copy with another memory size, port or image does not.
set -euo pipefail

script="${BASH_SOURCE[0]}"
[[ "$script" == */* ]] || script="./$script"
here="$(cd "${script%/*}" && pwd)"
cd "$here"

fail() {
  echo "tests/cpln/selftest.sh: FAIL: $*" >&2
  exit 1
}

./check.sh validate fixtures/valid.yaml >/dev/null || fail "validate: fixtures/valid.yaml was rejected"
set +e
out="$(./check.sh validate fixtures/invalid.yaml)"
rc=$?
set -e
printf '%s\n' "$out"
((rc == 1)) || fail "validate: fixtures/invalid.yaml: exit status $rc, expected 1"
documents="$(grep -c '^kind:' fixtures/invalid.yaml)"
failed="$(grep -c '^FAIL ' <<<"$out" || true)"
((failed == documents)) || fail "validate: fixtures/invalid.yaml: $failed of its $documents documents were rejected"
for expected in \
  '/ports/0/protocol: must be one of http, http2, grpc, tcp' \
  'a serverless workload serves exactly one HTTP port' \
  '/spec/replicas: unknown field' \
  'reads secret "api-token" but no policy lets its identity reveal it' \
  '/cpu: "half" does not match' \
  '/livenessProbe/periodSeconds: 90 is above 60' \
  'no workload //gvc/shop/workload/missing' \
  '/aws: is missing required field "cloudAccountLink"' \
  '"deployment" is not a kind wdsl writes'; do
  grep -qF -- "$expected" <<<"$out" || fail "validate: fixtures/invalid.yaml: no error '$expected'"
done

./check.sh apply fixtures/valid.yaml || fail "apply: cpln apply refused fixtures/valid.yaml"
set +e
out="$(./check.sh apply fixtures/no-kind.yaml)"
rc=$?
set -e
printf '%s\n' "$out"
((rc == 1)) || fail "apply: fixtures/no-kind.yaml: exit status $rc, expected 1"
grep -qF 'does not contain a "kind" property' <<<"$out" || fail "apply: cpln apply did not refuse fixtures/no-kind.yaml"

cross() { ./check.sh crosscheck --org example-org --gvc shop --host shop.example.com fixtures/k8s.yaml "$1"; }
cross fixtures/valid.yaml || fail "crosscheck: fixtures/valid.yaml differs from cpln convert of fixtures/k8s.yaml"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for change in 's/memory: 256Mi/memory: 512Mi/' 's/number: 8080, protocol: http/number: 8081, protocol: http/' \
  's/shop-web:0123abcd/shop-web:fedc3210/'; do
  sed "$change" fixtures/valid.yaml >"$tmp/changed.yaml"
  set +e
  out="$(cross "$tmp/changed.yaml")"
  rc=$?
  set -e
  ((rc == 1)) || fail "crosscheck: a copy of valid.yaml changed by '$change' passed (exit status $rc)"
done

echo "tests/cpln/selftest.sh: ok (validate rejects all $documents bad documents, cpln apply refuses a document without kind, crosscheck catches changed memory, port and image)"
