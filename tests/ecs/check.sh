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

WDSL_SCRIPT=tests/ecs/check.sh
# shellcheck source=../../scripts/lib/npm-test-packages.sh
source "$here/../../scripts/lib/npm-test-packages.sh"
fail() { wdsl_fail "$@"; }

wdsl_require_node "the ECS JSON checks"
wdsl_npm_ci "$here" tests/ecs

# Relative paths stay relative to the caller's directory.
exec node "$here/validate.mjs" "$@"
