# shellcheck shell=bash
# Build-once-per-cache for the test setup's builds from source (Kubernetes, the S3 server, GitLab
# Runner). The caller defines `built` (true when the cached result exists), `build` and `die`, then
# calls `locked_build CACHE_ROOT WAIT_SECONDS`: a second caller (another test file, the Node 24 run)
# waits on the lock for the first one's result instead of building the same thing beside it.
locked_build() {
  local cache_root=$1 wait_seconds=$2
  built && return 0
  mkdir -p "$cache_root"
  exec 8>"$cache_root/.build.lock"
  flock -w "$wait_seconds" 8 || die "timed out waiting for $cache_root/.build.lock"
  built || build
  exec 8>&-
}
