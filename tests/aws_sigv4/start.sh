#!/usr/bin/env bash
# Starts the SigV4-checking proxy of the runtime/aws tests (proxy.mjs says
# what it checks), after installing its pinned npm packages (package-lock.json)
# with `npm ci` when node_modules is missing or older than the lock file.
# Without node or npm this FAILS: ./scripts/setup.sh installs Debian's.
set -euo pipefail

script="${BASH_SOURCE[0]}"
[[ "$script" == */* ]] || script="./$script"
here="$(cd "${script%/*}" && pwd)"

WDSL_SCRIPT=tests/aws_sigv4/start.sh
# shellcheck source=../../scripts/lib/npm-test-packages.sh
source "$here/../../scripts/lib/npm-test-packages.sh"

wdsl_require_node "the AWS signature checks"
wdsl_npm_ci "$here" tests/aws_sigv4

exec node "$here/proxy.mjs" "$@"
