#!/usr/bin/env bash
# A private image registry for the pull tests: Debian's docker-registry (the CNCF distribution
# registry v2) with htpasswd authentication, on 127.0.0.1 only, storing its blobs in STATE_DIR.
# Dockerd treats 127.0.0.0/8 registries as insecure, so plain HTTP needs no daemon setting.
#
#   registry.sh start STATE_DIR SOURCE_IMAGE   start (or find running) and push SOURCE_IMAGE
#   registry.sh stop STATE_DIR                 stop the registry and delete STATE_DIR
#
# `start` prints KEY=VALUE lines (REGISTRY_HOST, REGISTRY_USER, REGISTRY_PASSWORD, REGISTRY_IMAGE,
# REGISTRY_PID) and is idempotent: a second call on the same STATE_DIR reprints the first answer.
# The pushed image is deleted locally again, so a test that wants it has to pull it.
#
# Environment:
#   GLCI_REGISTRY_WAIT  seconds to wait for the registry to answer (default: 20)
set -euo pipefail

tmp_dir=${TMPDIR:-/tmp}
lock_file=$tmp_dir/glci-registry-packages.lock
wait_seconds=${GLCI_REGISTRY_WAIT:-20}
packages=(docker-registry apache2-utils)
user=glci
image_path=private/busybox:1

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib/apt-packages.sh
source "$here/lib/apt-packages.sh" registry

install_registry_packages() {
  [[ -z $(missing_packages "${packages[@]}") ]] && return 0
  exec 8>"$lock_file"
  flock -w 900 8 || die "timed out waiting for $lock_file"
  # Another caller may have installed them while this one waited for the lock: install_packages
  # looks again.
  install_packages "${packages[@]}"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The status code of `GET /v2/` (401 once the registry is up: it wants the htpasswd login).
v2_status() {
  local line
  exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
  printf 'GET /v2/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
  IFS= read -r -t 5 line <&3 || line=
  exec 3<&-
  [[ $line =~ ^HTTP/[0-9.]+\ ([0-9]+) ]] && printf '%s\n' "${BASH_REMATCH[1]}"
}

running() {
  local pid
  [[ -r $1/pid ]] || return 1
  pid=$(<"$1/pid")
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null
}

write_config() {
  local dir=$1 port=$2
  cat >"$dir/config.yml" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
auth:
  htpasswd:
    realm: glci-test
    path: $dir/htpasswd
EOF
}

# Starts the registry on a free port; a port taken between the check and the bind means retrying.
launch() {
  local dir=$1 port pid waited attempt
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    port=$((20000 + RANDOM % 40000))
    port_in_use "$port" && continue
    write_config "$dir" "$port"
    # setsid: the registry outlives this script; the test fixture stops it by its pid.
    setsid docker-registry serve "$dir/config.yml" </dev/null >>"$dir/registry.log" 2>&1 8>&- 9>&- &
    pid=$!
    waited=0
    while kill -0 "$pid" 2>/dev/null && [[ $(v2_status "$port" 2>/dev/null) != 401 ]]; do
      (( waited >= wait_seconds * 10 )) && { kill "$pid" 2>/dev/null || true; die "no answer on port $port (see $dir/registry.log)"; }
      sleep 0.1
      waited=$((waited + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
      printf '%s\n' "$pid" >"$dir/pid"
      printf '%s\n' "$port" >"$dir/port"
      return 0
    fi
    say "attempt $attempt: the registry exited on port $port; trying another port"
  done
  die "could not start docker-registry (see $dir/registry.log)"
}

# Pushes SOURCE_IMAGE plus one small layer of its own as HOST/private/busybox:1, with a throwaway
# docker CLI config, then deletes the local copy: pulling it then really downloads that layer, so
# the pull progress has layer lines, while the busybox layer below stays shared with SOURCE_IMAGE.
push_image() {
  local dir=$1 source=$2 host=$3 password=$4 target container
  target=$host/$image_path
  docker image inspect "$source" >/dev/null 2>&1 || die "source image $source is not present"
  mkdir -p "$dir/layer"
  printf 'glci test registry %s\n' "$host" >"$dir/layer/glci-registry"
  container=$(docker create --label org.glci.test-registry=1 "$source")
  tar -C "$dir/layer" -cf - glci-registry | docker cp - "$container:/etc" \
    || { docker rm -f "$container" >/dev/null; die "docker cp into $container failed"; }
  docker commit "$container" "$target" >/dev/null
  docker rm -f "$container" >/dev/null
  export DOCKER_CONFIG=$dir/docker-cli
  mkdir -p "$DOCKER_CONFIG"
  printf '%s' "$password" | docker login --username "$user" --password-stdin "$host" >/dev/null 2>&1 \
    || die "docker login to $host failed"
  docker push "$target" >/dev/null || die "docker push $target failed"
  rm -rf "$DOCKER_CONFIG"
  unset DOCKER_CONFIG
  docker image rm "$target" >/dev/null
}

start() {
  local dir=${1:?usage: registry.sh start STATE_DIR SOURCE_IMAGE} source=${2:?usage: registry.sh start STATE_DIR SOURCE_IMAGE}
  local password host
  mkdir -p "$dir"
  exec 9>"$dir/lock"
  flock -w 300 9 || die "timed out waiting for $dir/lock"
  if running "$dir" && [[ -s $dir/state ]]; then
    cat "$dir/state"
    return 0
  fi
  install_registry_packages
  # Without our lock descriptors: a dockerd it starts must not hold them for its lifetime.
  bash "$here/ensure-docker.sh" 8>&- 9>&-
  password=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
  htpasswd -Bbn "$user" "$password" >"$dir/htpasswd" 2>/dev/null || die "htpasswd failed"
  mkdir -p "$dir/data"
  launch "$dir"
  host=127.0.0.1:$(<"$dir/port")
  push_image "$dir" "$source" "$host" "$password"
  {
    printf 'REGISTRY_HOST=%s\n' "$host"
    printf 'REGISTRY_USER=%s\n' "$user"
    printf 'REGISTRY_PASSWORD=%s\n' "$password"
    printf 'REGISTRY_IMAGE=%s\n' "$host/$image_path"
    printf 'REGISTRY_PID=%s\n' "$(<"$dir/pid")"
  } >"$dir/state"
  cat "$dir/state"
}

stop() {
  local dir=${1:?usage: registry.sh stop STATE_DIR} pid waited=0
  [[ -d $dir ]] || return 0
  if running "$dir"; then
    pid=$(<"$dir/pid")
    kill "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null && (( waited < 50 )); do sleep 0.1; waited=$((waited + 1)); done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -rf "$dir"
}

case ${1:-} in
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  *) die "usage: registry.sh start STATE_DIR SOURCE_IMAGE | stop STATE_DIR" ;;
esac
