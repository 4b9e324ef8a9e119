#!/usr/bin/env bash
# Installs the Debian 12 packages that wdsl needs to build and test, and only
# those that are missing, so running it again is cheap (docs/building.md says
# why each package is here).
#
#   ./scripts/setup.sh                      build + test dependencies
#   WDSL_NEED_BENCH=1 ./scripts/setup.sh    ... plus hyperfine and wrk (make bench)
#   WDSL_NO_DOCKER=1 ./scripts/setup.sh     ... without starting a Docker engine
#
# The Docker end-to-end tests need a running engine, so by default the
# script also makes sure one answers (scripts/docker.sh: as root it installs
# Debian's docker.io and starts dockerd in the background).
#
# As root it installs with apt-get; as another user it prints the exact
# apt-get line to run and exits 1.
set -euo pipefail

packages=(
  build-essential        # g++, make
  cmake
  ninja-build
  antlr4                 # the ANTLR tool: generates the C++ parser from grammar/
  default-jre-headless   # runs the ANTLR tool
  libantlr4-runtime-dev
  libfmt-dev
  libyaml-cpp-dev
  nlohmann-json3-dev
  libboost-dev           # Boost.Process for the Docker driver
  libboost-filesystem-dev  # ... which links Boost.Filesystem
  libhiredis-dev         # the simulator's client of ex.Redis
  busybox-static         # test images FROM scratch (no registry is reachable); busybox httpd in benchmarks
  redis-server           # the Redis binary the tests put in a FROM scratch image
  docker-registry        # a local registry on 127.0.0.1 stands in for ECR in the push test
  libcli11-dev           # command line of the wdsl binary
  libxxhash-dev          # content hashes of images and IR
  libcpp-httplib-dev     # the simulator's HTTP server and client (cloud.Api, http.get)
  libcurl4-openssl-dev   # runtime/aws: AWS API calls, SigV4-signed by libcurl (CURLOPT_AWS_SIGV4)
  libexpat1-dev          # runtime/aws: the XML answers of S3 and STS
  libgtest-dev
  libgmock-dev
  clang                  # libFuzzer builds (make fuzz)
  libclang-rt-14-dev     # clang's sanitizer and fuzzer runtimes
  graphviz               # dot: renders resource graphs
)
# Node.js and npm run the editor tests (editors/test.sh, docs/editors.md). Any
# node >= 18 will do, so Debian's are added only when there is no node at all.
if ! command -v node >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi
if [[ "${WDSL_NEED_BENCH:-0}" == 1 ]]; then
  packages+=(hyperfine wrk)  # whole-command timing; HTTP load against the simulator and the router
fi

is_installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
}

missing=()
for pkg in "${packages[@]}"; do
  is_installed "$pkg" || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
  echo "setup: all ${#packages[@]} packages present"
else
  install_line="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
  if [[ "$(id -u)" != 0 ]]; then
    echo "setup: missing packages: ${missing[*]}" >&2
    echo "setup: not root, so not installing them; run as root:" >&2
    echo "  $install_line" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt_opts=(-q -y -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=300)
  log="$(mktemp /tmp/wdsl-setup.XXXXXX.log)"
  if ! { apt-get "${apt_opts[@]}" update &&
         apt-get "${apt_opts[@]}" install --no-install-recommends "${missing[@]}"; } \
       </dev/null >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "setup: apt-get failed (full log: $log); the command was:" >&2
    echo "  $install_line" >&2
    exit 1
  fi
  rm -f "$log"
  for pkg in "${missing[@]}"; do
    is_installed "$pkg" || { echo "setup: $pkg is still not installed" >&2; exit 1; }
  done
  echo "setup: installed ${#missing[@]} package(s)"
fi

if [[ "${WDSL_NO_DOCKER:-0}" != 1 ]]; then
  # shellcheck source=scripts/docker.sh
  source "$(dirname "${BASH_SOURCE[0]}")/docker.sh"
  ensure_docker
fi
