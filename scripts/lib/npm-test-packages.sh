# Sourced by the checks that run tools from npm (tests/{k8s,ecs,tfaws,cpln}/check.sh,
# editors/test.sh): Node.js must be there, and a directory's pinned packages
# (its package-lock.json) are installed with `npm ci` when node_modules is
# missing or older than the lock file, once even when several tests start at
# once. The sourcing script sets WDSL_SCRIPT (its name, for messages) first.

wdsl_fail() {
  echo "${WDSL_SCRIPT:-wdsl}: FAIL: $*" >&2
  exit 1
}

# wdsl_require_node WHAT: fails unless node >= 18 and npm are on PATH; WHAT
# ("the Kubernetes YAML checks") says who needs them.
wdsl_require_node() {
  local tool
  for tool in node npm; do
    command -v "$tool" >/dev/null 2>&1 ||
      wdsl_fail "'$tool' is not on PATH; $1 need Node.js >= 18 and npm (run ./scripts/setup.sh as root, or apt-get install nodejs npm)"
  done
  local major
  major="$(node -p 'process.versions.node.split(".")[0]')"
  ((major >= 18)) || wdsl_fail "Node.js $(node --version) is too old; $1 need Node.js >= 18"
}

wdsl_packages_stale() {
  [[ ! -f "$1/node_modules/.package-lock.json" || "$1/package-lock.json" -nt "$1/node_modules/.package-lock.json" ]]
}

# wdsl_npm_ci DIR NAME [MORE_NEEDED MORE]: `npm ci` in DIR when its packages
# are stale, under a lock named after NAME (two test runs, from ctest -j or two
# build trees, must not both install). MORE_NEEDED and MORE are commands: when
# the first succeeds, the second runs under the same lock (derived files).
wdsl_npm_ci() {
  local dir="$1" name="$2" more_needed="${3:-false}" more="${4:-true}"
  wdsl_packages_stale "$dir" || "$more_needed" || return 0
  local locked=false
  if command -v flock >/dev/null 2>&1; then
    exec 9>"${TMPDIR:-/tmp}/wdsl-${name//\//-}-npm-ci.lock"
    flock 9
    locked=true
  fi
  if wdsl_packages_stale "$dir"; then
    echo "${WDSL_SCRIPT:-wdsl}: installing the pinned test packages (npm ci in $name)" >&2
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error </dev/null >&2) ||
      wdsl_fail "npm ci failed in $name (the npm registry must be reachable the first time)"
  fi
  if "$more_needed"; then "$more"; fi
  if $locked; then exec 9>&-; fi
}
