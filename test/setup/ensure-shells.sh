#!/usr/bin/env bash
# Make zsh and fish available for the completion tests (test/cli/completion.test.ts), which check the
# scripts of `glci completion` with the real shells. Idempotent; installs under a lock so parallel
# vitest workers install once. Exit 3 when they cannot be installed here: the tests then skip them.
set -euo pipefail

lock_file=${TMPDIR:-/tmp}/glci-ensure-shells.lock

has_shells() { command -v zsh >/dev/null 2>&1 && command -v fish >/dev/null 2>&1; }

main() {
  has_shells && return 0
  if ! command -v apt-get >/dev/null 2>&1 || [[ $(id -u) -ne 0 ]]; then
    echo "ensure-shells: cannot install zsh and fish here (needs apt-get as root)" >&2
    exit 3
  fi
  exec 9>"$lock_file"
  flock -w 600 9 || { echo "ensure-shells: timed out waiting for $lock_file" >&2; exit 3; }
  has_shells && return 0
  export DEBIAN_FRONTEND=noninteractive
  # The existing package lists first; refresh them only when that fails (`apt-get update` is slow).
  if ! apt-get install -y -q --no-install-recommends zsh fish </dev/null >&2; then
    apt-get update -q </dev/null >&2 && apt-get install -y -q --no-install-recommends zsh fish </dev/null >&2 || exit 3
  fi
  has_shells || exit 3
}

main "$@"
