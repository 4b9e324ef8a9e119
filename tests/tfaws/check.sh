#!/usr/bin/env bash
# Validates the Terraform JSON that `wdsl build --target tf-aws` writes
# against the real hashicorp/aws (and kreuzwerker/docker, hashicorp/helm,
# hashicorp/tls) provider schemas (see validate.mjs for what is checked and
# what it prints):
#   tests/tfaws/check.sh target/main.tfaws/main.tf.json
#
# Installs the pinned npm packages of tests/tfaws (package-lock.json) with
# `npm ci` when node_modules is missing or older than the lock file (about
# 370 MB: the prebuilt CDKTF bindings, whose .jsii assemblies carry the
# schemas), then derives the compact schemas in schema/ (extract.mjs, a few
# seconds, once). The pinned @cdktf/provider-aws 20.1.0 is hashicorp/aws
# 5.100.0, the last 5.x (what `version = "~> 5.0"` installs); 21.22.1, the
# last bindings HashiCorp published, is aws 6.25.0; @cdktf/provider-helm
# 11.0.0 is hashicorp/helm 2.17.0 (the last 2.x), @cdktf/provider-tls 11.0.1
# is hashicorp/tls 4.1.0. Without node or npm this FAILS: ./scripts/setup.sh
# installs Debian's nodejs and npm.
set -euo pipefail

script="${BASH_SOURCE[0]}"
[[ "$script" == */* ]] || script="./$script"
here="$(cd "${script%/*}" && pwd)"

WDSL_SCRIPT=tests/tfaws/check.sh
# shellcheck source=../../scripts/lib/npm-test-packages.sh
source "$here/../../scripts/lib/npm-test-packages.sh"
fail() { wdsl_fail "$@"; }

wdsl_require_node "the Terraform JSON checks"

needs_extract() {
  local f
  for f in aws docker helm tls; do
    [[ -f "$here/schema/$f.json" && "$here/schema/$f.json" -nt "$here/node_modules/.package-lock.json" &&
      "$here/schema/$f.json" -nt "$here/extract.mjs" ]] || return 0
  done
  return 1
}

extract() {
  node "$here/extract.mjs" --force >/dev/null || fail "could not derive the provider schemas (tests/tfaws/extract.mjs)"
}
# Under the same lock as npm ci: two runs must not both parse the 120 MB aws assembly.
wdsl_npm_ci "$here" tests/tfaws needs_extract extract

# Relative paths stay relative to the caller's directory.
exec node "$here/validate.mjs" "$@"
