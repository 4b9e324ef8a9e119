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

WDSL_SCRIPT=editors/test.sh
# shellcheck source=../scripts/lib/npm-test-packages.sh
source "$here/../scripts/lib/npm-test-packages.sh"

wdsl_require_node "the editor tests"
wdsl_npm_ci "$here/test" editors/test

exec node --test grammar.test.js manifest.test.js
