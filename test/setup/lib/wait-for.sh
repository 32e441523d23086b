# shellcheck shell=bash
# Waiting for a daemon a setup script has started (ensure-docker.sh, ensure-podman.sh). Sourced
# after apt-packages.sh, whose say and die it uses:
#   wait_for SECONDS LOG NO_ANSWER UNAVAILABLE CHECK…
# runs CHECK… once a second until it succeeds. After SECONDS it says "NO_ANSWER within SECONDSs",
# shows the last lines of the daemon's LOG and dies with "UNAVAILABLE (see LOG)".
wait_for() {
  local seconds=$1 log=$2 no_answer=$3 unavailable=$4 waited=0
  shift 4
  until "$@"; do
    if (( waited >= seconds )); then
      say "$no_answer within ${seconds}s; last lines of $log:"
      tail -n 30 "$log" >&2 2>/dev/null || true
      die "$unavailable (see $log)"
    fi
    sleep 1
    waited=$((waited + 1))
  done
}
