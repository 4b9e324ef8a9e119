#!/usr/bin/env bash
# Validates the ECS API inputs that `wdsl build --target ecs` writes against
# the ECS API model (see validate.mjs for what is checked and what it prints):
#   tests/ecs/check.sh RegisterTaskDefinition target/main.ecs/web.taskdef.json
#   tests/ecs/check.sh CreateService target/main.ecs/web.service.json
#   tests/ecs/check.sh --all target/main.ecs
#
# Installs the pinned npm packages of tests/ecs (package-lock.json) with
# `npm ci` when node_modules is missing or older than the lock file. Without
# node or npm this FAILS: ./scripts/setup.sh installs Debian's nodejs and npm.
set -euo pipefail

script="${BASH_SOURCE[0]}"
[[ "$script" == */* ]] || script="./$script"
here="$(cd "${script%/*}" && pwd)"

fail() {
  echo "tests/ecs/check.sh: FAIL: $*" >&2
  exit 1
}

for tool in node npm; do
  command -v "$tool" >/dev/null 2>&1 ||
    fail "'$tool' is not on PATH; the ECS JSON checks need Node.js >= 18 and npm (run ./scripts/setup.sh as root, or apt-get install nodejs npm)"
done
node_major="$(node -p 'process.versions.node.split(".")[0]')"
((node_major >= 18)) || fail "Node.js $(node --version) is too old; the ECS JSON checks need Node.js >= 18"

needs_install() {
  [[ ! -f "$here/node_modules/.package-lock.json" || "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]]
}

if needs_install; then
  # Two test runs at once (ctest -j, two build trees) must not both run npm ci.
  if command -v flock >/dev/null 2>&1; then
    exec 9>"${TMPDIR:-/tmp}/wdsl-ecs-npm-ci.lock"
    flock 9
  fi
  if needs_install; then
    echo "tests/ecs/check.sh: installing the pinned test packages (npm ci in tests/ecs)" >&2
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error </dev/null >&2) ||
      fail "npm ci failed in tests/ecs (the npm registry must be reachable the first time)"
  fi
  if command -v flock >/dev/null 2>&1; then
    exec 9>&-
  fi
fi

# Relative paths stay relative to the caller's directory.
exec node "$here/validate.mjs" "$@"
