#!/usr/bin/env bash
# ensure_docker: makes sure a Docker engine answers `docker info`.
#
# Sourced by scripts/setup.sh when WDSL_NEED_DOCKER=1, or run directly:
#   ./scripts/docker.sh
# A `docker` binary alone proves nothing (on our machines /usr/local/bin/docker
# is only a client), so the test is always `docker info`. As root, a missing
# engine is installed (Debian's docker.io) and dockerd is started detached:
# its own session (setsid), stdin from /dev/null and output to a log file, so
# it never holds a CI job's output open. Extra dockerd flags can be passed in
# WDSL_DOCKERD_ARGS; WDSL_DOCKERD_LOG moves the log.

docker_answers() {
  timeout 20 docker info >/dev/null 2>&1
}

# pgrep (procps) may be missing on a minimal Debian, /proc is not.
dockerd_running() {
  local comm
  for comm in /proc/[0-9]*/comm; do
    [[ "$(cat "$comm" 2>/dev/null)" == dockerd ]] && return 0
  done
  return 1
}

ensure_docker() {
  local log="${WDSL_DOCKERD_LOG:-/var/log/wdsl-dockerd.log}"
  local wait_seconds="${WDSL_DOCKER_WAIT:-60}"

  if docker_answers; then
    echo "docker: engine answers"
    return 0
  fi
  if [[ "$(id -u)" != 0 ]]; then
    echo "docker: no engine answers \`docker info\` and we are not root." >&2
    echo "docker: as root run: apt-get install -y docker.io && dockerd &  (or start Docker Desktop)" >&2
    return 1
  fi

  if ! command -v dockerd >/dev/null 2>&1; then
    echo "docker: installing docker.io"
    if ! DEBIAN_FRONTEND=noninteractive apt-get -q -y -o Dpkg::Use-Pty=0 \
           -o DPkg::Lock::Timeout=300 install --no-install-recommends docker.io \
           </dev/null >/tmp/wdsl-docker-install.log 2>&1; then
      # The package lists may be stale or absent on a fresh machine.
      DEBIAN_FRONTEND=noninteractive apt-get -q -y -o Dpkg::Use-Pty=0 update \
        </dev/null >>/tmp/wdsl-docker-install.log 2>&1 || true
      if ! DEBIAN_FRONTEND=noninteractive apt-get -q -y -o Dpkg::Use-Pty=0 \
             -o DPkg::Lock::Timeout=300 install --no-install-recommends docker.io \
             </dev/null >>/tmp/wdsl-docker-install.log 2>&1; then
        tail -n 30 /tmp/wdsl-docker-install.log >&2
        echo "docker: apt-get install docker.io failed (log: /tmp/wdsl-docker-install.log)" >&2
        return 1
      fi
    fi
  fi

  if ! dockerd_running; then
    mkdir -p "$(dirname "$log")"
    echo "docker: starting dockerd (log: $log)"
    # shellcheck disable=SC2086  # WDSL_DOCKERD_ARGS is a list of flags
    setsid dockerd ${WDSL_DOCKERD_ARGS:-} </dev/null >>"$log" 2>&1 &
    disown 2>/dev/null || true
  else
    echo "docker: dockerd is running but does not answer yet; waiting"
  fi

  local waited=0
  while ((waited < wait_seconds)); do
    if docker_answers; then
      echo "docker: engine answers after ${waited}s"
      return 0
    fi
    if ! dockerd_running; then
      break
    fi
    sleep 1
    waited=$((waited + 1))
  done
  tail -n 30 "$log" >&2 || true
  echo "docker: no answer from \`docker info\` after ${waited}s; dockerd log: $log" >&2
  return 1
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  ensure_docker
fi
