#!/usr/bin/env bash
# Build the S3 server of the distributed-cache tests once per machine and print the path of its
# binary. The server is Versity's S3 gateway (github.com/versity/versitygw, Apache-2.0) on its posix
# backend: a maintained S3 API that checks every request's SigV4 signature, presigned URLs
# included, so the tests hold glci's own signing to a real verifier.
#
# It comes from the Go module proxy through the wrapper module beside this script (go.mod names it
# as a `tool`; go.sum pins every module): no prebuilt binary can be downloaded on the test
# machines. A cold build takes a few minutes, so the binary is kept under
#   ${GLCI_S3_CACHE:-$HOME/.cache/glci/s3}/<hash>/versitygw
# where the hash covers go.mod, go.sum and the build flags: the suite reuses it until one of them
# changes. Idempotent and safe to run concurrently (one builder, the others wait).
#
# Environment:
#   GLCI_S3_CACHE       where built binaries are kept (default: $HOME/.cache/glci/s3)
#   GLCI_S3_BUILD_LOG   the go build log (default: <cache>/build.log)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
say() { printf 's3-build: %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

cache_root=${GLCI_S3_CACHE:-${HOME:-/root}/.cache/glci/s3}
package=github.com/versity/versitygw/cmd/versitygw
ldflags='-s -w'

sources_hash() {
  {
    (cd "$here" && sha256sum go.mod go.sum)
    printf 'package=%s\nldflags=%s\ncgo=0\n' "$package" "$ldflags"
  } | sha256sum | cut -c1-12
}

bin_dir=$cache_root/$(sources_hash)
binary=$bin_dir/versitygw

built() { [[ -x $binary && -f $bin_dir/.complete ]]; }

build() {
  command -v go >/dev/null 2>&1 || die "go not found: the S3 test server is built from source"
  local log_file=${GLCI_S3_BUILD_LOG:-$cache_root/build.log}
  local work started
  work=$(mktemp -d "$cache_root/.build.XXXXXX")
  started=$(date +%s)
  say "building versitygw into $bin_dir (log: $log_file); a cold build takes a few minutes"
  {
    # -mod=mod: a Go that wants one more go.sum line adds it rather than failing.
    # GOTOOLCHAIN=local: the machine's Go is new enough; never fetch another.
    export CGO_ENABLED=0 GOFLAGS="-mod=mod -buildvcs=false" GOTOOLCHAIN=local
    (cd "$here" && nice -n 10 go build -trimpath -ldflags "$ldflags" -o "$work/" "$package")
  } >"$log_file" 2>&1 || {
    tail -n 40 "$log_file" >&2 || true
    rm -rf "$work"
    die "building versitygw failed (see $log_file)"
  }
  [[ -x $work/versitygw ]] || { rm -rf "$work"; die "the build made no versitygw (see $log_file)"; }
  touch "$work/.complete"
  rm -rf "$bin_dir"
  mv "$work" "$bin_dir"
  say "built in $(( $(date +%s) - started ))s"
  # Older builds (another go.mod) are ~45 MB each and nothing uses them once this one exists.
  local old
  for old in "$cache_root"/*/; do
    [[ ${old%/} == "$bin_dir" ]] || rm -rf "$old"
  done
}

main() {
  # shellcheck source-path=SCRIPTDIR source=../lib/locked-build.sh
  source "$here/../lib/locked-build.sh"
  locked_build "$cache_root" 1800
  printf '%s\n' "$binary"
}

main "$@"
