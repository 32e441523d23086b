#!/usr/bin/env bash
# Make `tmux` available for the tests that drive glci on a real pseudo-terminal
# (test/run/terminal-session.ts). Idempotent and safe to run concurrently: the fast path is
# one `tmux -V`; installing happens under a lock so parallel vitest workers install once.
# Debian-only on purpose, like ensure-docker.sh.
set -euo pipefail

tmp_dir=${TMPDIR:-/tmp}
lock_file=$tmp_dir/glci-ensure-tmux.lock

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib/apt-packages.sh
source "$here/lib/apt-packages.sh" ensure-tmux

has_tmux() { command -v tmux >/dev/null 2>&1 && tmux -V >/dev/null 2>&1; }

main() {
  has_tmux && return 0
  exec 9>"$lock_file"
  flock -w 600 9 || die "timed out waiting for $lock_file"
  has_tmux && return 0
  install_packages tmux
  has_tmux || die "tmux still missing after installing it"
}

main "$@"
