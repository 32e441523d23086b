#!/usr/bin/env bash
# Make `tmux` available for the tests that drive glci on a real pseudo-terminal
# (test/run/terminal-session.ts). Idempotent and safe to run concurrently: the fast path is
# one `tmux -V`; installing happens under a lock so parallel vitest workers install once.
# Debian-only on purpose, like ensure-docker.sh.
set -euo pipefail

tmp_dir=${TMPDIR:-/tmp}
lock_file=$tmp_dir/glci-ensure-tmux.lock

say() { printf 'ensure-tmux: %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

has_tmux() { command -v tmux >/dev/null 2>&1 && tmux -V >/dev/null 2>&1; }

main() {
  has_tmux && return 0
  exec 9>"$lock_file"
  flock -w 600 9 || die "timed out waiting for $lock_file"
  has_tmux && return 0
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install tmux by hand"
  [[ $(id -u) -eq 0 ]] || die "not root; install tmux by hand (or run this script as root)"
  say "installing tmux"
  export DEBIAN_FRONTEND=noninteractive
  # The existing package lists first; `apt-get update` only when that fails (it is the slow part).
  if ! apt-get install -y -q --no-install-recommends tmux </dev/null >&2; then
    apt-get update -q </dev/null >&2 || die "apt-get update failed"
    apt-get install -y -q --no-install-recommends tmux </dev/null >&2 || die "apt-get install tmux failed"
  fi
  has_tmux || die "tmux still missing after installing it"
}

main "$@"
