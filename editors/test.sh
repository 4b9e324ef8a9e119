#!/usr/bin/env bash
# Tests of editor support (docs/editors.md): the TextMate grammar against the
# repository's Wing programs and a table of tricky snippets, and the VS Code
# extension's manifest and client. ctest runs this as `editors.textmate`.
#
# Installs the pinned npm packages of editors/test (package-lock.json) with
# `npm ci` when node_modules is missing or older than the lock file. Without
# node or npm this FAILS: ./scripts/setup.sh installs Debian's nodejs and npm.
set -euo pipefail

script="${BASH_SOURCE[0]}"
[[ "$script" == */* ]] || script="./$script"
here="$(cd "${script%/*}" && pwd)"
cd "$here/test"

fail() {
  echo "editors/test.sh: FAIL: $*" >&2
  exit 1
}

for tool in node npm; do
  command -v "$tool" >/dev/null 2>&1 ||
    fail "'$tool' is not on PATH; the editor tests need Node.js >= 18 and npm (run ./scripts/setup.sh as root, or apt-get install nodejs npm)"
done
node_major="$(node -p 'process.versions.node.split(".")[0]')"
((node_major >= 18)) || fail "Node.js $(node --version) is too old; the editor tests need Node.js >= 18"

needs_install() {
  [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]
}

if needs_install; then
  # Two test runs at once (ctest -j, two build trees) must not both run npm ci.
  if command -v flock >/dev/null 2>&1; then
    exec 9>"${TMPDIR:-/tmp}/wdsl-editors-npm-ci.lock"
    flock 9
  fi
  if needs_install; then
    echo "editors/test.sh: installing the pinned test packages (npm ci in editors/test)"
    npm ci --no-audit --no-fund --loglevel=error </dev/null ||
      fail "npm ci failed in editors/test (the npm registry must be reachable the first time)"
  fi
  if command -v flock >/dev/null 2>&1; then
    exec 9>&-
  fi
fi

exec node --test grammar.test.js manifest.test.js
