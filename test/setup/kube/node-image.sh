#!/usr/bin/env bash
# Write an image archive holding one static binary as its entrypoint, for `ctr images import`:
#   node-image.sh BINARY NAME ARCHIVE
# ensure-kube.sh makes the pod sandbox ("pause") image this way: containerd needs one for every
# pod and no registry can be reached. The archive is in the layout `docker save` writes
# (manifest.json naming the tag, config and layer), which ctr imports under that tag.
set -euo pipefail

binary=${1:?usage: node-image.sh BINARY NAME ARCHIVE}
name=${2:?usage: node-image.sh BINARY NAME ARCHIVE}
archive=${3:?usage: node-image.sh BINARY NAME ARCHIVE}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/root" "$work/image"
entry=$(basename "$binary")
install -m 0755 "$binary" "$work/root/$entry"
# Fixed owner and times: the same binary makes the same image id on every machine.
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$work/root" -cf "$work/layer.tar" "$entry"
layer_sha=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
mkdir -p "$work/image/$layer_sha"
mv "$work/layer.tar" "$work/image/$layer_sha/layer.tar"
printf '{"architecture":"%s","os":"linux","config":{"Entrypoint":["/%s"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created_by":"glci test bed: %s"}]}' \
  "$(go env GOARCH 2>/dev/null || echo amd64)" "$entry" "$layer_sha" "$entry" >"$work/config.json"
config_sha=$(sha256sum "$work/config.json" | cut -d' ' -f1)
mv "$work/config.json" "$work/image/$config_sha.json"
printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s/layer.tar"]}]' \
  "$config_sha" "$name" "$layer_sha" >"$work/image/manifest.json"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$work/image" -cf "$archive.tmp" .
mv "$archive.tmp" "$archive"
