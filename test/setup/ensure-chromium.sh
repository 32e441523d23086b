#!/usr/bin/env bash
# Make a headless Chromium available for the tests that render glci's HTML report
# (test/report/). Prints the browser's path on stdout. Idempotent and safe to run concurrently:
# the fast path is one `command -v`; installing happens under a lock so parallel vitest workers
# install once. Debian-only on purpose, like ensure-docker.sh (Debian's package is `chromium`).
set -euo pipefail

tmp_dir=${TMPDIR:-/tmp}
lock_file=$tmp_dir/glci-ensure-chromium.lock

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/apt-packages.sh
source "$here/lib/apt-packages.sh" ensure-chromium

browser() { command -v chromium 2>/dev/null || command -v chromium-browser 2>/dev/null; }

main() {
  if browser; then return 0; fi
  exec 9>"$lock_file"
  # The first install downloads a few hundred MB; later callers wait for it.
  flock -w 1200 9 || die "timed out waiting for $lock_file"
  if browser; then return 0; fi
  install_packages chromium
  browser || die "chromium still missing after installing it"
}

main "$@"
