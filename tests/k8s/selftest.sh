#!/usr/bin/env bash
# Shows that the Kubernetes YAML check can both pass and fail:
# fixtures/valid.yaml must pass, and fixtures/invalid.yaml must fail with one
# FAIL line per document (each holds a different mistake).
set -euo pipefail

script="${BASH_SOURCE[0]}"
[[ "$script" == */* ]] || script="./$script"
here="$(cd "${script%/*}" && pwd)"
cd "$here"

fail() {
  echo "tests/k8s/selftest.sh: FAIL: $*" >&2
  exit 1
}

./check.sh fixtures/valid.yaml || fail "fixtures/valid.yaml was rejected"
./check.sh - <fixtures/valid.yaml >/dev/null || fail "fixtures/valid.yaml on standard input was rejected"

set +e
out="$(./check.sh fixtures/invalid.yaml)"
rc=$?
set -e
printf '%s\n' "$out"
((rc == 1)) || fail "fixtures/invalid.yaml: exit status $rc, expected 1"
documents="$(grep -c '^kind:' fixtures/invalid.yaml)"
failed="$(grep -c '^FAIL ' <<<"$out" || true)"
((failed == documents)) || fail "fixtures/invalid.yaml: $failed of its $documents documents were rejected"
for expected in \
  'containerPort: must be integer' \
  '/spec/ports/0: is missing required field "port"' \
  '/spec/replica: unknown field' \
  '/data/DEBUG: must be string' \
  'unknown apiVersion/kind "apps/v1" "Ingress"' \
  '/metadata/name: is missing'; do
  grep -qF -- "$expected" <<<"$out" || fail "fixtures/invalid.yaml: no error '$expected'"
done

set +e
./check.sh fixtures/does-not-exist.yaml >/dev/null
rc=$?
set -e
((rc == 1)) || fail "a missing file: exit status $rc, expected 1"

echo "tests/k8s/selftest.sh: ok (valid.yaml passes, invalid.yaml fails with all $documents errors)"
