# Stand-in for the wait-for-it image gitlab-ci-local starts to wait for a service (its --wait-image),
# built offline from the busybox test image by bench/docker.mjs: `HOST:PORT [-t SECONDS]`, exit 0 as
# soon as a TCP connection to HOST:PORT succeeds, 1 when SECONDS (default 15) pass without one.
# Run by busybox sh; busybox nc has no -z, so `-e true` closes the connection as soon as it is made.
target=${1:?usage: wait-for-it HOST:PORT [-t SECONDS]}
shift
timeout=15
if [ "${1:-}" = "-t" ]; then timeout=${2:-15}; fi
host=${target%:*}
port=${target##*:}
deadline=$(($(date +%s) + timeout))
until nc -w 1 "$host" "$port" -e true 2>/dev/null; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "wait-for-it: $target did not accept a connection within $timeout s" >&2
    exit 1
  fi
  sleep 0.1
done
echo "wait-for-it: $target is available"
