#!/usr/bin/env bash
# `npm run demo:docker`: run examples/docker on the docker executor. Starts a local Docker engine when
# none answers (test/setup/ensure-docker.sh, Debian), builds the two tiny example images offline
# (fixtures/images, cached by content hash) and tags them as the example's .gitlab-ci.yml names them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash test/setup/ensure-docker.sh
docker tag "$(bash fixtures/images/build-image.sh busybox)" glci-example/busybox:latest
docker tag "$(bash fixtures/images/build-image.sh busybox-web)" glci-example/web:latest
exec node bin/run.js run --cwd examples/docker "$@"
