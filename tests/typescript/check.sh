#!/usr/bin/env bash
# Type-checks a directory of TypeScript (DIR: .ts files that import the
# generated .wdsl-client/bindings.js of a build context) with the real
# TypeScript compiler, strict. Installs the pinned npm packages of
# tests/typescript (package-lock.json) with `npm ci` when node_modules is
# missing or older than the lock file; without node or npm this FAILS
# (./scripts/setup.sh installs Debian's nodejs and npm). Used by
# BindE2e.UserClassTypingsTypeCheck (tests/bind_e2e_test.cpp).
set -euo pipefail

script="${BASH_SOURCE[0]}"
[[ "$script" == */* ]] || script="./$script"
here="$(cd "${script%/*}" && pwd)"

WDSL_SCRIPT=tests/typescript/check.sh
# shellcheck source=../../scripts/lib/npm-test-packages.sh
source "$here/../../scripts/lib/npm-test-packages.sh"

[[ $# -eq 1 && -d "$1" ]] || wdsl_fail "usage: check.sh DIR (a directory with .ts files)"
wdsl_require_node "the TypeScript checks"
wdsl_npm_ci "$here" tests/typescript

shopt -s nullglob
files=("$1"/*.ts)
((${#files[@]} > 0)) || wdsl_fail "no .ts files in $1"
exec node "$here/node_modules/typescript/bin/tsc" --noEmit --strict --target es2022 --module nodenext \
  --moduleResolution nodenext --skipLibCheck false "${files[@]}"
