#!/usr/bin/env bash
# Checks what `wdsl build --target cpln` writes, with the Control Plane CLI
# (npm @controlplane/cli, pinned in package.json) where it works offline:
#   tests/cpln/check.sh validate target/main.cpln          # every field (validate.mjs)
#   tests/cpln/check.sh apply [--org ORG] target/main.cpln # the real `cpln apply` against a stand-in API (apply.mjs)
#   tests/cpln/check.sh crosscheck --org ORG --gvc GVC --host HOST target/main.k8s/manifests.yaml target/main.cpln
#                                                          # against `cpln convert` of --target k8s (crosscheck.mjs)
#
# Installs the pinned npm packages of tests/cpln (package-lock.json) with
# `npm ci` when node_modules is missing or older than the lock file. Without
# node or npm this FAILS: ./scripts/setup.sh installs Debian's nodejs and npm.
set -euo pipefail

script="${BASH_SOURCE[0]}"
[[ "$script" == */* ]] || script="./$script"
here="$(cd "${script%/*}" && pwd)"

fail() {
  echo "tests/cpln/check.sh: FAIL: $*" >&2
  exit 1
}

usage="usage: tests/cpln/check.sh validate|apply|crosscheck ARGS... (see the top of the script)"
(($# >= 1)) || { echo "$usage" >&2; exit 2; }
case "$1" in
  validate) tool=validate.mjs ;;
  apply) tool=apply.mjs ;;
  crosscheck) tool=crosscheck.mjs ;;
  *) echo "$usage" >&2; exit 2 ;;
esac
shift

for tool_name in node npm; do
  command -v "$tool_name" >/dev/null 2>&1 ||
    fail "'$tool_name' is not on PATH; the Control Plane checks need Node.js >= 18 and npm (run ./scripts/setup.sh as root, or apt-get install nodejs npm)"
done
node_major="$(node -p 'process.versions.node.split(".")[0]')"
((node_major >= 18)) || fail "Node.js $(node --version) is too old; the Control Plane checks need Node.js >= 18"

needs_install() {
  [[ ! -f "$here/node_modules/.package-lock.json" || "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]]
}

if needs_install; then
  # Two test runs at once (ctest -j, two build trees) must not both run npm ci.
  if command -v flock >/dev/null 2>&1; then
    exec 9>"${TMPDIR:-/tmp}/wdsl-cpln-npm-ci.lock"
    flock 9
  fi
  if needs_install; then
    echo "tests/cpln/check.sh: installing the pinned test packages (npm ci in tests/cpln)" >&2
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error </dev/null >&2) ||
      fail "npm ci failed in tests/cpln (the npm registry must be reachable the first time)"
  fi
  if command -v flock >/dev/null 2>&1; then
    exec 9>&-
  fi
fi

# Relative paths stay relative to the caller's directory.
exec node "$here/$tool" "$@"
