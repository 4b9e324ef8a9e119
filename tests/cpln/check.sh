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

WDSL_SCRIPT=tests/cpln/check.sh
# shellcheck source=../../scripts/lib/npm-test-packages.sh
source "$here/../../scripts/lib/npm-test-packages.sh"
fail() { wdsl_fail "$@"; }

usage="usage: tests/cpln/check.sh validate|apply|crosscheck ARGS... (see the top of the script)"
(($# >= 1)) || { echo "$usage" >&2; exit 2; }
case "$1" in
  validate) tool=validate.mjs ;;
  apply) tool=apply.mjs ;;
  crosscheck) tool=crosscheck.mjs ;;
  *) echo "$usage" >&2; exit 2 ;;
esac
shift

wdsl_require_node "the Control Plane checks"
wdsl_npm_ci "$here" tests/cpln

# Relative paths stay relative to the caller's directory.
exec node "$here/$tool" "$@"
