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

fail() {
  echo "tests/tfaws/check.sh: FAIL: $*" >&2
  exit 1
}

for tool in node npm; do
  command -v "$tool" >/dev/null 2>&1 ||
    fail "'$tool' is not on PATH; the Terraform JSON checks need Node.js >= 18 and npm (run ./scripts/setup.sh as root, or apt-get install nodejs npm)"
done
node_major="$(node -p 'process.versions.node.split(".")[0]')"
((node_major >= 18)) || fail "Node.js $(node --version) is too old; the Terraform JSON checks need Node.js >= 18"

needs_install() {
  [[ ! -f "$here/node_modules/.package-lock.json" || "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]]
}
needs_extract() {
  local f
  for f in aws docker helm tls; do
    [[ -f "$here/schema/$f.json" && "$here/schema/$f.json" -nt "$here/node_modules/.package-lock.json" &&
      "$here/schema/$f.json" -nt "$here/extract.mjs" ]] || return 0
  done
  return 1
}

if needs_install || needs_extract; then
  # Two test runs at once (ctest -j, two build trees) must not both run npm ci
  # or both parse the 120 MB aws assembly.
  if command -v flock >/dev/null 2>&1; then
    exec 9>"${TMPDIR:-/tmp}/wdsl-tfaws-npm-ci.lock"
    flock 9
  fi
  if needs_install; then
    echo "tests/tfaws/check.sh: installing the pinned test packages (npm ci in tests/tfaws)" >&2
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error </dev/null >&2) ||
      fail "npm ci failed in tests/tfaws (the npm registry must be reachable the first time)"
  fi
  if needs_extract; then
    node "$here/extract.mjs" --force >/dev/null || fail "could not derive the provider schemas (tests/tfaws/extract.mjs)"
  fi
  if command -v flock >/dev/null 2>&1; then
    exec 9>&-
  fi
fi

# Relative paths stay relative to the caller's directory.
exec node "$here/validate.mjs" "$@"
