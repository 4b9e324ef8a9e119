#!/usr/bin/env bash
# Validates Kubernetes YAML (files, directories, or `-` for standard input)
# against the Kubernetes OpenAPI schemas; see validate.mjs for what is checked
# and what it prints. Tests of `wdsl build --target k8s|helm` run, e.g.:
#   tests/k8s/check.sh target/main.k8s
#   "$(scripts/helm.sh)" template app target/main.helm/app | tests/k8s/check.sh -
#
# Installs the pinned npm packages of tests/k8s (package-lock.json) with
# `npm ci` when node_modules is missing or older than the lock file. Without
# node or npm this FAILS: ./scripts/setup.sh installs Debian's nodejs and npm.
set -euo pipefail

script="${BASH_SOURCE[0]}"
[[ "$script" == */* ]] || script="./$script"
here="$(cd "${script%/*}" && pwd)"

WDSL_SCRIPT=tests/k8s/check.sh
# shellcheck source=../../scripts/lib/npm-test-packages.sh
source "$here/../../scripts/lib/npm-test-packages.sh"
fail() { wdsl_fail "$@"; }

wdsl_require_node "the Kubernetes YAML checks"
wdsl_npm_ci "$here" tests/k8s

# Relative paths stay relative to the caller's directory.
exec node "$here/validate.mjs" "$@"
