#!/usr/bin/env bash
# Make a command available for the tests, installing its Debian package when it is missing:
#   ensure-command.sh COMMAND PACKAGE
# (openssl for the tests' private certificate authority, test/support/tls-certs.ts). Idempotent and
# safe to run concurrently: the fast path is one `command -v`; installing happens under a lock per
# package so parallel vitest workers install once. Debian-only on purpose, like ensure-docker.sh.
set -euo pipefail

[[ $# -eq 2 ]] || { echo "usage: ensure-command.sh COMMAND PACKAGE" >&2; exit 2; }
wanted=$1
package=$2
command -v "$wanted" >/dev/null 2>&1 && exit 0

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib/apt-packages.sh
source "$here/lib/apt-packages.sh" "ensure-$wanted"

exec 9>"${TMPDIR:-/tmp}/glci-ensure-$package.lock"
flock -w 600 9 || die "timed out waiting for the lock of $package"
command -v "$wanted" >/dev/null 2>&1 && exit 0
install_packages "$package"
command -v "$wanted" >/dev/null 2>&1 || die "$wanted still missing after installing $package"
