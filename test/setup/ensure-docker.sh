#!/usr/bin/env bash
# Make a real Docker engine answer on this machine, for the tests that drive containers.
# Idempotent and safe to run concurrently: the fast path is one `docker info`; everything
# else happens under a lock so parallel callers (vitest workers) install and start once.
#
# Debian-only on purpose: the test machines are Debian, and the images the tests build
# (fixtures/images/) need busybox-static and debootstrap from the same archive.
#
# Environment:
#   GLCI_DOCKERD_LOG   dockerd log file        (default: $TMPDIR/glci-dockerd.log)
#   GLCI_DOCKERD_ARGS  extra dockerd arguments (word-split; default: none)
#   GLCI_DOCKER_WAIT   seconds to wait for the engine (default: 60)
set -euo pipefail

tmp_dir=${TMPDIR:-/tmp}
log_file=${GLCI_DOCKERD_LOG:-$tmp_dir/glci-dockerd.log}
lock_file=$tmp_dir/glci-ensure-docker.lock
wait_seconds=${GLCI_DOCKER_WAIT:-60}
# Packages the tests need besides the engine: a static busybox (runs in an empty image)
# and debootstrap (builds the Debian image without pulling from a registry).
packages=(docker.io busybox-static debootstrap)

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib/apt-packages.sh
source "$here/lib/apt-packages.sh" ensure-docker
# shellcheck source-path=SCRIPTDIR source=lib/wait-for.sh
source "$here/lib/wait-for.sh"

engine_answers() { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }

dockerd_running() {
  local pid
  [[ -r /var/run/docker.pid ]] || return 1
  pid=$(</var/run/docker.pid)
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null
}

start_dockerd() {
  if dockerd_running; then
    say "dockerd is already starting (pid $(</var/run/docker.pid)); waiting for it"
    return 0
  fi
  [[ -n ${DOCKER_HOST:-} ]] && die "DOCKER_HOST=$DOCKER_HOST does not answer; not starting a local dockerd"
  command -v dockerd >/dev/null 2>&1 || die "dockerd not found after installing docker.io"
  say "starting dockerd (log: $log_file)"
  local -a extra_args=()
  # shellcheck disable=SC2206 # word-splitting the user's extra arguments is the point
  [[ -n ${GLCI_DOCKERD_ARGS:-} ]] && extra_args=(${GLCI_DOCKERD_ARGS})
  # setsid: the daemon outlives this script and the test process that ran it.
  # All standard streams and the lock descriptor are redirected/closed, otherwise the
  # caller (execa) would wait on our pipes forever and the lock would never be released.
  setsid dockerd "${extra_args[@]}" </dev/null >>"$log_file" 2>&1 9>&- &
  disown || true
}

wait_for_engine() {
  wait_for "$wait_seconds" "$log_file" "the Docker engine did not answer" "Docker engine unavailable" engine_answers
}

main() {
  # Fast path: an engine answers and the image-building tools are there.
  if engine_answers && [[ -z $(missing_packages "${packages[@]}") ]]; then
    return 0
  fi
  exec 9>"$lock_file"
  flock -w 900 9 || die "timed out waiting for $lock_file"
  install_packages "${packages[@]}"
  if ! engine_answers; then
    start_dockerd
    wait_for_engine
  fi
  say "Docker engine ready: server $(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})')"
}

main "$@"
