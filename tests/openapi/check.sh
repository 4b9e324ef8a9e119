#!/usr/bin/env bash
# Validates docs/resource-api.openapi.yaml (or the file given) with a real
# OpenAPI 3.1 validator and checks it against stdlib/resources.json and
# runtime/resource_api.cpp (validate.mjs says what is checked). Installs the
# pinned npm packages of tests/openapi (package-lock.json) with `npm ci` when
# node_modules is missing or older than the lock file; without node or npm
# this FAILS (./scripts/setup.sh installs Debian's nodejs and npm).
set -euo pipefail

script="${BASH_SOURCE[0]}"
[[ "$script" == */* ]] || script="./$script"
here="$(cd "${script%/*}" && pwd)"

WDSL_SCRIPT=tests/openapi/check.sh
# shellcheck source=../../scripts/lib/npm-test-packages.sh
source "$here/../../scripts/lib/npm-test-packages.sh"

wdsl_require_node "the OpenAPI checks"
wdsl_npm_ci "$here" tests/openapi

exec node "$here/validate.mjs" "$@"
