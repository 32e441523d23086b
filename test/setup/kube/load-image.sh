#!/usr/bin/env bash
# Copy images from the local Docker engine into the test bed node's containerd, where pods with
# imagePullPolicy: Never (or IfNotPresent) find them; nothing can be pulled from a registry here.
#   load-image.sh [--force] IMAGE…
# An image whose name containerd already has is skipped (the test images' tags are content
# hashes); --force loads it again, for a tag that moved. Needs the cluster of ensure-kube.sh
# (same GLCI_KUBE_STATE) and a Docker engine that has the images.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/apt-packages.sh
source "$here/../lib/apt-packages.sh" kube-load-image

state=${GLCI_KUBE_STATE:-${TMPDIR:-/tmp}/glci-kube}
address=$state/containerd/containerd.sock

force=false
if [[ ${1:-} == --force ]]; then force=true; shift; fi
(( $# > 0 )) || die "usage: load-image.sh [--force] IMAGE…"
[[ -S $address ]] || die "no containerd at $address: run ensure-kube.sh first"

# The name containerd (and the kubelet, for a pod's image) gives a Docker reference:
# busybox -> docker.io/library/busybox:latest, glci-test/x:1 -> docker.io/glci-test/x:1.
normalized() {
  local ref=$1 first=${1%%/*}
  [[ $ref == */* && ( $first == *.* || $first == *:* || $first == localhost ) ]] || {
    [[ $ref == */* ]] && ref=docker.io/$ref || ref=docker.io/library/$ref
  }
  [[ ${ref##*/} == *:* || $ref == *@* ]] || ref=$ref:latest
  printf '%s\n' "$ref"
}

ctr_() { ctr --address "$address" --namespace k8s.io "$@"; }

missing=()
for image in "$@"; do
  name=$(normalized "$image")
  if ! $force && [[ -n $(ctr_ images ls -q "name==$name" 2>/dev/null) ]]; then
    continue
  fi
  docker image inspect "$image" >/dev/null 2>&1 || die "Docker has no image $image"
  missing+=("$image")
done
(( ${#missing[@]} == 0 )) && exit 0
say "loading ${missing[*]} into the node's containerd"
# One archive for all: layers the images share are written and unpacked once.
docker save "${missing[@]}" | ctr_ images import - >&2
