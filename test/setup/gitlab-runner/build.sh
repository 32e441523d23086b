#!/usr/bin/env bash
# Build the real gitlab-runner binary once per machine and print its path, for the test that holds
# glci's coordinator double to what GitLab Runner itself sends (see README.md beside this script).
#
# It comes from the upstream Go module through the wrapper module beside this script (go.mod): no
# prebuilt binary can be downloaded on the test machines, but the Go module proxy answers. The
# result is kept under
#   ${GLCI_GITLAB_RUNNER_CACHE:-$HOME/.cache/glci/gitlab-runner}/<version>-<hash>/gitlab-runner
# where the hash covers the wrapper module and the build flags. Idempotent and safe to run
# concurrently (one builder, the others wait).
#
# Exit codes: 0 with the binary's path on stdout; 3 when the module proxy refuses a module the
# build needs (stderr then has one `UNAVAILABLE: MODULE@VERSION: STATUS` line per refusal: the
# tests skip with that reason); 1 for any other failure.
#
# Environment:
#   GLCI_GITLAB_RUNNER_CACHE      where built versions are kept (default: $HOME/.cache/glci/gitlab-runner)
#   GLCI_GITLAB_RUNNER_BUILD_LOG  the go build log (default: <cache>/build.log)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/apt-packages.sh
source "$here/../lib/apt-packages.sh" gitlab-runner-build

# The release whose commit go.mod pins (its VERSION file), and that commit: what the binary reports
# (`gitlab-runner --version`, the `version` and `revision` it sends in every request's `info`).
runner_version=19.4.0
runner_revision=fc1f1862
runner_module=gitlab.com/gitlab-org/gitlab-runner
cache_root=${GLCI_GITLAB_RUNNER_CACHE:-${HOME:-/root}/.cache/glci/gitlab-runner}

# Upstream's Makefile stamps the same variables of its common package.
ldflags="-s -w -X $runner_module/common.NAME=gitlab-runner -X $runner_module/common.VERSION=$runner_version -X $runner_module/common.REVISION=$runner_revision -X $runner_module/common.BRANCH=glci-testbed"

# What the binary depends on besides the upstream modules: the wrapper module and the flags. Not
# this script's text, so that editing a comment costs no rebuild.
sources_hash() {
  {
    (cd "$here" && find . -maxdepth 1 -type f \( -name go.mod -o -name go.sum \) -print0 \
      | LC_ALL=C sort -z | xargs -0 sha256sum)
    printf 'ldflags=%s\ncgo=0\n' "$ldflags"
  } | sha256sum | cut -c1-12
}

out_dir=$cache_root/$runner_version-$(sources_hash)
binary=$out_dir/gitlab-runner

built() { [[ -f $out_dir/.complete && -x $binary ]]; }

# The registry's refusals in a go log, as `MODULE@VERSION: STATUS` lines (the proxy's 403 "not
# available", 404 or 410; the checksum database's 404): the registry's answer, not a build error,
# so the caller can skip.
refusals() {
  sed -n -E \
    -e 's#.* ([^ :]+@[^ :/]+)(/go\.mod)?: reading https?://[^ ]+/lookup/[^ ]+: ([0-9]{3} [A-Za-z ]+)$#\1: \3 (checksum database)#p; t' \
    -e 's#.* ([^ :]+@[^ :/]+): reading https?://[^ ]+: ([0-9]{3} [A-Za-z ]+)$#\1: \2#p' \
    "$1" | LC_ALL=C sort -u
}

build() {
  command -v go >/dev/null 2>&1 || die "go not found: the test builds gitlab-runner from source"
  local log_file=${GLCI_GITLAB_RUNNER_BUILD_LOG:-$cache_root/build.log}
  local work started
  work=$(mktemp -d "$cache_root/.build.XXXXXX")
  # The module is resolved in a copy, so go.sum lines that -mod=mod adds never touch the repo.
  cp "$here/go.mod" "$work/"
  [[ -f $here/go.sum ]] && cp "$here/go.sum" "$work/"
  started=$(date +%s)
  say "building gitlab-runner $runner_version from source into $out_dir (log: $log_file)"
  (
    # -mod=mod: resolve what the wrapper names and record the checksums in the copy.
    # GOTOOLCHAIN=local: the machine's Go is new enough; never fetch another.
    export CGO_ENABLED=0 GOFLAGS="-mod=mod -buildvcs=false" GOTOOLCHAIN=local
    cd "$work" && nice -n 10 go build -trimpath -ldflags "$ldflags" -o "$work/gitlab-runner" "$runner_module"
  ) >"$log_file" 2>&1 || {
    local refused
    refused=$(refusals "$log_file")
    rm -rf "$work"
    if [[ -n $refused ]]; then
      while IFS= read -r line; do say "UNAVAILABLE: $line"; done <<<"$refused"
      exit 3
    fi
    tail -n 40 "$log_file" >&2 || true
    die "building gitlab-runner failed (see $log_file)"
  }
  "$work/gitlab-runner" --version >/dev/null 2>&1 || { rm -rf "$work"; die "the built gitlab-runner does not run (see $log_file)"; }
  touch "$work/.complete"
  rm -rf "$out_dir"
  mv "$work" "$out_dir"
  say "built in $(( $(date +%s) - started ))s"
}

main() {
  # shellcheck source-path=SCRIPTDIR source=../lib/locked-build.sh
  source "$here/../lib/locked-build.sh"
  locked_build "$cache_root" 3600
  printf '%s\n' "$binary"
}

main "$@"
