#!/usr/bin/env bash
# Print the path of a Node 24 binary, installing it on first use (node-version.sh does the work).
# Lets the suite run on Node 24 where only Node 20 is installed:
#   "$(bash test/setup/node24.sh)" node_modules/vitest/vitest.mjs run
#
# Environment: GLCI_NODE_CACHE  parent of the per-version install directories (node-version.sh)
set -euo pipefail
exec bash "$(dirname "${BASH_SOURCE[0]}")/node-version.sh" 24
