#!/usr/bin/env bash
# Build the binaries of the Kubernetes test bed (ensure-kube.sh) once per machine and print the
# directory that holds them: kube-apiserver, kube-scheduler, kube-controller-manager, kubelet,
# kubectl, etcd and pause (the pod sandbox process).
#
# They come from the upstream Go modules, through the two small wrapper modules beside this
# script (k8s/ and etcd/): no prebuilt binary can be downloaded on the test machines, but the Go
# module proxy answers. A cold build takes many minutes, so the result is kept under
#   ${GLCI_KUBE_CACHE:-$HOME/.cache/glci/kube}/<kubernetes version>-<hash>/bin
# where the hash covers the wrapper modules and the build flags: the suite reuses it until one
# of them changes. Idempotent and safe to run concurrently (one builder, the others wait).
#
# Environment:
#   GLCI_KUBE_CACHE       where built versions are kept (default: $HOME/.cache/glci/kube)
#   GLCI_KUBE_BUILD_LOG   the go build log (default: <cache>/build.log)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/apt-packages.sh
source "$here/../lib/apt-packages.sh" kube-build

kube_version=v1.34.4
cache_root=${GLCI_KUBE_CACHE:-${HOME:-/root}/.cache/glci/kube}

# Upstream's release build tags (hack/lib/golang.sh), less nothing: selinux support, no test-only
# code, and grpc without x/net/trace so the linker can drop it.
build_tags=selinux,notest,grpcnotrace
# The version the binaries report (the API server's /version, kubectl version, the node's
# kubeletVersion). Upstream stamps both packages; client-go's is what kubectl prints as client.
version_ldflags() {
  local pkg
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    printf -- '-X %s.%s=%s ' \
      "$pkg" gitVersion "$kube_version" \
      "$pkg" gitMajor "$(major_of "$kube_version")" \
      "$pkg" gitMinor "$(minor_of "$kube_version")" \
      "$pkg" gitTreeState clean
  done
}
major_of() { local v=${1#v}; printf '%s' "${v%%.*}"; }
minor_of() { local v=${1#v}; v=${v#*.}; printf '%s' "${v%%.*}"; }
# -s -w: no symbol table or DWARF (half the size; these binaries are not debugged with gdb).
# CGO_ENABLED=0 below: static binaries, so the pause binary runs in an image with nothing else
# in it, and one setting for all lets the build cache share every package between them.
ldflags_base="-s -w $(version_ldflags)"

# What the binaries depend on besides the upstream modules (pinned in go.mod/go.sum): the wrapper
# sources and the flags. Not this script's text, so that editing a comment costs no rebuild.
sources_hash() {
  {
    (cd "$here" && find k8s etcd -type f \( -name '*.go' -o -name go.mod -o -name go.sum \) -print0 \
      | LC_ALL=C sort -z | xargs -0 sha256sum)
    printf 'tags=%s\nldflags=%s\ncgo=0\n' "$build_tags" "$ldflags_base"
  } | sha256sum | cut -c1-12
}

bin_dir=$cache_root/$kube_version-$(sources_hash)/bin
binaries=(kube-apiserver kube-scheduler kube-controller-manager kubelet kubectl pause etcd)

built() { [[ -f $bin_dir/.complete ]]; }

build() {
  command -v go >/dev/null 2>&1 || die "go not found: the test bed builds Kubernetes from source"
  local log_file=${GLCI_KUBE_BUILD_LOG:-$cache_root/build.log}
  local work started
  work=$(mktemp -d "$cache_root/.build.XXXXXX")
  chmod 755 "$work"
  started=$(date +%s)
  say "building Kubernetes $kube_version and etcd from source into $bin_dir (log: $log_file); a cold build takes a while"
  local -a go_build=(nice -n 10 go build -trimpath -tags "$build_tags"
    -ldflags "$ldflags_base -X k8s.io/component-base/version.buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ) -X k8s.io/client-go/pkg/version.buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)")
  {
    # -mod=mod: go.sum is committed, but a Go that wants one more checksum line adds it rather
    # than failing. GOTOOLCHAIN=local: the machine's Go is new enough; never fetch another.
    export CGO_ENABLED=0 GOFLAGS="-mod=mod -buildvcs=false" GOTOOLCHAIN=local
    # One invocation per module: the packages the Kubernetes binaries share compile once.
    (cd "$here/k8s" && "${go_build[@]}" -o "$work/" ./cmd/...)
    (cd "$here/etcd" && "${go_build[@]}" -o "$work/" ./cmd/etcd)
  } >"$log_file" 2>&1 || {
    tail -n 40 "$log_file" >&2 || true
    rm -rf "$work"
    die "building the test bed's binaries failed (see $log_file)"
  }
  local b
  for b in "${binaries[@]}"; do
    [[ -x $work/$b ]] || { rm -rf "$work"; die "the build made no $b (see $log_file)"; }
  done
  touch "$work/.complete"
  rm -rf "$bin_dir"
  mkdir -p "$(dirname "$bin_dir")"
  mv "$work" "$bin_dir"
  say "built in $(( $(date +%s) - started ))s"
  # Older builds (another version or wrapper) are about 450 MB each and nothing uses them once
  # this one exists: a cluster still running their binaries keeps them open until it stops.
  local old
  for old in "$cache_root"/v*-*/; do
    [[ ${old%/} == "$(dirname "$bin_dir")" ]] || rm -rf "$old"
  done
}

main() {
  # shellcheck source-path=SCRIPTDIR source=../lib/locked-build.sh
  source "$here/../lib/locked-build.sh"
  locked_build "$cache_root" 3600
  printf '%s\n' "$bin_dir"
}

main "$@"
