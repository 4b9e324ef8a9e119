#!/usr/bin/env bash
# Shows that the ECS JSON check can both pass and fail: the good fixtures
# must pass, each bad one must fail with its own error message, and --all
# must pick the operation by file name.
set -euo pipefail

script="${BASH_SOURCE[0]}"
[[ "$script" == */* ]] || script="./$script"
here="$(cd "${script%/*}" && pwd)"
cd "$here"

fail() {
  echo "tests/ecs/selftest.sh: FAIL: $*" >&2
  exit 1
}

./check.sh RegisterTaskDefinition fixtures/good.taskdef.json || fail "fixtures/good.taskdef.json was rejected"
./check.sh CreateService fixtures/good.service.json || fail "fixtures/good.service.json was rejected"

# expect_fail OPERATION FILE EXPECTED-SUBSTRING...: exit status 1, one FAIL
# line, and every expected substring in the output.
checked=0
expect_fail() {
  local op="$1" file="$2" out rc
  shift 2
  set +e
  out="$(./check.sh "$op" "$file")"
  rc=$?
  set -e
  printf '%s\n' "$out"
  ((rc == 1)) || fail "$file: exit status $rc, expected 1"
  [[ "$(grep -c '^FAIL ' <<<"$out" || true)" == 1 ]] || fail "$file: expected one FAIL line"
  for expected in "$@"; do
    grep -qF -- "$expected" <<<"$out" || fail "$file: no error '$expected'"
  done
  checked=$((checked + 1))
}

expect_fail RegisterTaskDefinition fixtures/bad-member.taskdef.json \
  '/containerDefinitions/0: unknown member "portMapping" of ContainerDefinition; did you mean "portMappings"?' \
  'Valid members: name, image, '
expect_fail RegisterTaskDefinition fixtures/bad-enum.taskdef.json \
  '/networkMode: "bridged" is not a valid NetworkMode; did you mean "bridge"? Valid values: awsvpc, bridge, host, none'
expect_fail RegisterTaskDefinition fixtures/bad-type.taskdef.json \
  '/containerDefinitions/0/portMappings/0/containerPort: must be a number, got string "8080"'
expect_fail RegisterTaskDefinition fixtures/bad-missing.taskdef.json \
  '/: missing required member "containerDefinitions"'
expect_fail RegisterTaskDefinition fixtures/bad-fargate.taskdef.json \
  '/memory: Fargate has no task size cpu 256 + memory 4096 MiB; with cpu 256 memory must be one of 512, 1024, 2048'
expect_fail CreateService fixtures/bad.service.json \
  '/launchType: "Fargate" is not a valid LaunchType; did you mean "FARGATE"?' \
  '/networkConfiguration: unknown member "awsVpcConfiguration" of NetworkConfiguration; did you mean "awsvpcConfiguration"?'
# Every bad fixture fails exactly as expected, and each has exactly the
# errors listed: no other error line.
for f in fixtures/bad*.json; do
  [[ "$f" == *.service.json ]] && op=CreateService || op=RegisterTaskDefinition
  lines="$(./check.sh "$op" "$f" | grep -c '^       ' || true)"
  case "$f" in
    fixtures/bad.service.json) want=2 ;;
    *) want=1 ;;
  esac
  ((lines == want)) || fail "$f: $lines error lines, expected $want"
done

# --all: the operation comes from the file name; no matching file is an error.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cp fixtures/good.taskdef.json "$tmp/web.taskdef.json"
cp fixtures/good.service.json "$tmp/web.service.json"
./check.sh --all "$tmp" || fail "--all rejected the good fixtures"
cp fixtures/bad.service.json "$tmp/worker.service.json"
set +e
out="$(./check.sh --all "$tmp")"
rc=$?
set -e
((rc == 1)) && grep -qF "FAIL $tmp/worker.service.json (CreateService)" <<<"$out" ||
  fail "--all did not reject worker.service.json as a CreateService input"
mkdir "$tmp/empty"
set +e
./check.sh --all "$tmp/empty" >/dev/null
rc=$?
set -e
((rc == 1)) || fail "--all on a directory without inputs: exit status $rc, expected 1"

set +e
./check.sh CreateServce fixtures/good.service.json 2>/dev/null
rc=$?
set -e
((rc == 2)) || fail "an unknown operation: exit status $rc, expected 2"

echo "tests/ecs/selftest.sh: ok (2 good fixtures pass, $checked bad fixtures fail with the expected errors, --all works)"
