#!/usr/bin/env bash
# Make podman's Docker-compatible API answer on a glci-specific socket, for the tests that run the
# docker executor against podman (test/executors/podman.test.ts).
#   ensure-podman.sh            install/configure/start when needed; print the unix:// URL on stdout
#   ensure-podman.sh load REF…  copy images from the Docker engine into podman's storage (cached)
# Idempotent and safe to run concurrently, like ensure-docker.sh: the fast path is one API call;
# everything else happens under a lock. The service is left running (like dockerd), detached.
#
# Exit status 3 means "podman cannot run in this environment" (no apt-get or not root while
# packages are missing, or `podman info` fails): the tests skip with the printed reason. Any other
# failure is an error.
#
# Environment:
#   GLCI_PODMAN_SOCKET  socket path (default: /run/glci-podman/podman.sock as root,
#                       else ${XDG_RUNTIME_DIR:-$TMPDIR}/glci-podman-UID/podman.sock); the pid file,
#                       locks and log live next to it
#   GLCI_PODMAN_LOG     service log file       (default: podman-service.log next to the socket)
#   GLCI_PODMAN_WAIT    seconds to wait for it (default: 60)
set -euo pipefail

tmp_dir=${TMPDIR:-/tmp}
# Per user: rootless podman has its own storage, and another user's lock or socket would be in the way.
if [[ $(id -u) -eq 0 ]]; then default_run_dir=/run/glci-podman; else default_run_dir=${XDG_RUNTIME_DIR:-$tmp_dir}/glci-podman-$(id -u); fi
socket=${GLCI_PODMAN_SOCKET:-$default_run_dir/podman.sock}
run_dir=$(dirname "$socket")
pid_file=$run_dir/podman.pid
url=unix://$socket
log_file=${GLCI_PODMAN_LOG:-$run_dir/podman-service.log}
lock_file=$run_dir/ensure-podman.lock
wait_seconds=${GLCI_PODMAN_WAIT:-60}
# netavark + aardvark-dns give user-defined networks DNS, which service aliases rely on (the CNI
# backend has no DNS without the separate dnsname plugin). iptables: netavark sets up the bridge's
# NAT with it but does not depend on the package.
packages=(podman netavark aardvark-dns iptables)
# Where settings go when they must be added; podman reads only $CONTAINERS_CONF when that is set.
conf_file=${CONTAINERS_CONF:-/etc/containers/containers.conf}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib/apt-packages.sh
source "$here/lib/apt-packages.sh" ensure-podman
# shellcheck source-path=SCRIPTDIR source=lib/wait-for.sh
source "$here/lib/wait-for.sh"
unavailable() { say "UNAVAILABLE: $*"; exit 3; }
# No apt-get, or not root, while packages are missing: podman cannot run here (exit 3).
cannot_install() { unavailable "$@"; }

remote() { podman --remote --url "$url" "$@"; }
# `podman --remote info` pings the service first, so this is the readiness check (no curl needed).
service_backend() { remote info --format '{{.Host.NetworkBackend}}' 2>/dev/null; }
engine_ready() { command -v podman >/dev/null 2>&1 && [[ $(service_backend) == netavark ]] && ! ulimits_missing; }

missing_podman_packages() {
  if ! command -v dpkg-query >/dev/null 2>&1; then
    # Not Debian: trust a podman that is already there (its backend is checked below).
    command -v podman >/dev/null 2>&1 || printf '%s\n' podman
    return 0
  fi
  missing_packages "${packages[@]}"
}

install_podman_packages() {
  local -a missing
  mapfile -t missing < <(missing_podman_packages)
  install_packages "${missing[@]}"
}

# The backend the podman CLI (and so a service started now) would use; fails when podman cannot
# initialise here at all (storage driver, runtime, user namespaces).
local_backend() {
  local out errors
  errors=$(mktemp "$tmp_dir/glci-podman-info.XXXXXX")
  if ! out=$(podman info --format '{{.Host.NetworkBackend}}' 2>"$errors"); then
    local reason
    reason=$(grep -v 'CNI config' "$errors" | tail -n 3)
    rm -f "$errors"
    unavailable "\`podman info\` fails here: $reason"
  fi
  rm -f "$errors"
  printf '%s\n' "$out"
}

# The containers.conf files podman reads, in order (only $CONTAINERS_CONF when that is set).
conf_files() {
  if [[ -n ${CONTAINERS_CONF:-} ]]; then printf '%s\n' "$CONTAINERS_CONF"; return 0; fi
  printf '%s\n' /usr/share/containers/containers.conf /etc/containers/containers.conf /etc/containers/containers.conf.d/*.conf
}

# Prints the first file that sets KEY; fails when none does (then glci may set it).
conf_sets() {
  local file
  while IFS= read -r file; do
    [[ -r $file ]] && grep -Eq "^[[:space:]]*$1[[:space:]]*=" "$file" && { printf '%s\n' "$file"; return 0; }
  done < <(conf_files)
  return 1
}

# Sets KEY = VALUE in [SECTION] of $conf_file, adding the section when it is missing.
set_conf() {
  local section=$1 key=$2 value=$3 line
  line="$key = $value  # set by glci's test/setup/ensure-podman.sh"
  say "setting $key = $value in [$section] of $conf_file"
  mkdir -p "$(dirname "$conf_file")"
  touch "$conf_file"
  if grep -Eq "^[[:space:]]*\[$section\][[:space:]]*$" "$conf_file"; then
    sed -i -E "0,/^[[:space:]]*\[$section\][[:space:]]*$/s||[$section]\n$line|" "$conf_file"
  else
    printf '\n[%s]\n%s\n' "$section" "$line" >>"$conf_file"
  fi
}

# Podman 4.3 picks a backend on first use and records it in its storage: CNI when netavark was not
# installed yet or the storage already held images/containers. Only an explicit setting overrides that.
ensure_netavark() {
  local backend file
  backend=$(local_backend)
  [[ $backend == netavark ]] && return 0
  if file=$(conf_sets network_backend); then
    die "podman uses the $backend network backend as set in $file; service aliases need network_backend = \"netavark\""
  fi
  [[ $(id -u) -eq 0 ]] || unavailable "podman uses the $backend network backend and only root may change $conf_file"
  set_conf network network_backend '"netavark"'
  backend=$(local_backend)
  [[ $backend == netavark ]] || die "podman still uses the $backend network backend after editing $conf_file"
}

# Rootful podman 4.3 sets every container's nofile and nproc limits to 1048576 unless told otherwise
# (later versions clamp them when CAP_SYS_RESOURCE is missing). Without CAP_SYS_RESOURCE (sandboxes,
# CI jobs inside containers) runc then fails every start with "error setting rlimit type 7:
# operation not permitted"; dockerd hands on its own limits instead, so Docker works there.
# True when that would happen and no containers.conf sets default_ulimits.
ulimits_missing() {
  [[ $(id -u) -eq 0 ]] || return 1 # rootless podman already keeps the user's limits
  (ulimit -Hn 1048576 && ulimit -Hu 1048576) 2>/dev/null && return 1
  ! conf_sets default_ulimits >/dev/null
}

# "SOFT:HARD" of one limit of a process, in podman's --ulimit syntax (-1 for unlimited).
process_limit() {
  awk -v name="$2" 'index($0, name) == 1 {
    n = split(substr($0, length(name) + 1), f, " ")
    for (i = 1; i <= 2; i++) if (f[i] == "unlimited") f[i] = -1
    print f[1] ":" f[2]
  }' "/proc/$1/limits"
}

# Containers get the limits the running service has, read from /proc: podman changes its own limits
# at start (nproc came out lower than this script's), so the script's values could still be too
# high. The service restarts to pick the setting up.
ensure_ulimits() {
  local pid nofile nproc
  ulimits_missing || return 0
  service_running || die "the podman service on $socket was not started by this script; set default_ulimits in containers.conf by hand"
  pid=$(<"$pid_file")
  nofile=$(process_limit "$pid" 'Max open files')
  nproc=$(process_limit "$pid" 'Max processes')
  [[ -n $nofile && -n $nproc ]] || die "cannot read the limits of the podman service (pid $pid)"
  say "this process cannot raise nofile/nproc to podman's default of 1048576 (no CAP_SYS_RESOURCE); containers get the service's limits"
  set_conf containers default_ulimits "[\"nofile=$nofile\", \"nproc=$nproc\"]"
  start_service
  wait_for_service
}

service_running() {
  local pid
  [[ -r $pid_file ]] || return 1
  pid=$(<"$pid_file")
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && grep -qa 'system' "/proc/$pid/cmdline" 2>/dev/null
}

stop_our_service() {
  local pid waited=0
  pid=$(<"$pid_file")
  kill "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && (( waited < 20 )); do sleep 0.5; waited=$((waited + 1)); done
}

start_service() {
  if remote info >/dev/null 2>&1; then
    # It answers but was started before the configuration was fixed: replace it, if it is ours.
    service_running || die "a podman service this script did not start answers on $socket with another configuration"
    say "restarting the podman service on $socket (pid $(<"$pid_file")) to pick up the configuration"
    stop_our_service
  elif service_running; then
    say "podman service is already starting (pid $(<"$pid_file")); waiting for it"
    return 0
  fi
  mkdir -p "$run_dir"
  rm -f "$socket" # a stale socket of a dead service
  say "starting podman system service on $url (log: $log_file)"
  # setsid: the service outlives this script and the test process that ran it. All standard
  # streams and the lock descriptor are redirected/closed, otherwise the caller (execa) would wait
  # on our pipes forever and the lock would never be released. --time=0: never exit when idle.
  (cd / && exec setsid podman system service --time=0 "$url" </dev/null >>"$log_file" 2>&1 9>&-) &
  printf '%s\n' "$!" >"$pid_file"
  disown || true
}

service_answers() { remote info >/dev/null 2>&1; }

wait_for_service() {
  wait_for "$wait_seconds" "$log_file" "podman did not answer on $socket" "podman service unavailable" service_answers
  [[ $(service_backend) == netavark ]] || die "the podman service on $socket does not use netavark"
}

ensure_engine() {
  if engine_ready && [[ -z $(missing_podman_packages) ]]; then
    printf '%s\n' "$url"
    return 0
  fi
  mkdir -p "$run_dir"
  exec 9>"$lock_file"
  flock -w 900 9 || die "timed out waiting for $lock_file"
  install_podman_packages
  if ! engine_ready; then
    ensure_netavark
    if [[ $(service_backend) != netavark ]]; then
      start_service
      wait_for_service
    fi
    ensure_ulimits
  fi
  say "podman ready on $url: $(remote version --format 'server {{.Server.Version}} (API {{.Server.APIVersion}})' 2>/dev/null)"
  printf '%s\n' "$url"
}

# The test images are built by the Docker engine (fixtures/images/build-image.sh); podman gets the
# same bytes through `docker save`. Podman stores them as localhost/glci-test/…, and its Docker API
# resolves the short reference glci-test/… to that, so the tests use the very same references.
load_images() {
  local ref
  remote info >/dev/null 2>&1 || die "podman does not answer on $url; run ensure-podman.sh without arguments first"
  exec 9>"$run_dir/load-images.lock"
  flock -w 900 9 || die "timed out waiting for the image lock"
  for ref in "$@"; do
    if remote image exists "$ref"; then
      printf '%s\n' "$ref"
      continue
    fi
    docker image inspect "$ref" >/dev/null 2>&1 || die "$ref is not in the Docker engine (build it with fixtures/images/build-image.sh)"
    say "copying $ref from the Docker engine into podman"
    docker save "$ref" | remote load >&2 || die "podman load of $ref failed"
    remote image exists "$ref" || die "podman does not find $ref after loading it"
    printf '%s\n' "$ref"
  done
}

case ${1:-} in
  '') ensure_engine ;;
  load) shift; load_images "$@" ;;
  *) echo "usage: ensure-podman.sh [load REF...]" >&2; exit 2 ;;
esac
