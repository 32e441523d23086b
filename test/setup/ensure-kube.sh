#!/usr/bin/env bash
# Make a real single-node Kubernetes cluster answer on this machine, for the tests of the
# kubernetes executor. Every part is the real thing, started here, on 127.0.0.1 only:
#   etcd, kube-apiserver (RBAC, client certificates, service-account tokens), kube-scheduler,
#   kube-controller-manager, and one node: a kubelet on Debian's containerd and CNI plugins.
# The binaries are built from the upstream Go modules (kube/build.sh; cached per machine, a cold
# build takes many minutes). Nothing is pulled from an image registry: the pod sandbox image is
# a small binary built with the rest (kube/node-image.sh), and test images come from Docker
# (kube/load-image.sh).
#
# Idempotent and safe to run concurrently: the fast path is two API calls (the API server is
# ready, the node is Ready); everything else happens under a lock and starts only what is not
# running. Daemons are started with setsid and outlive this script; `ensure-kube.sh stop` ends
# them, `ensure-kube.sh reset` also the pods and removes the state dir. On success, stdout says where things are, one KEY=VALUE a line:
#   KUBECONFIG, SERVER, BIN_DIR, STATE_DIR, CONTAINERD_ADDRESS, NODE_NAME
#
# Environment:
#   GLCI_KUBE_STATE     state dir: certificates, kubeconfigs, data, logs
#                       (default: $TMPDIR/glci-kube)
#   GLCI_KUBE_CACHE     where the built binaries are kept (see kube/build.sh)
#   GLCI_KUBE_POD_CIDR  the node's pod subnet (default: 10.244.0.0/24; a private range on a bridge
#                       of this machine, like Docker's 172.17.0.0/16; not Podman's 10.88.0.0/16)
#   GLCI_KUBE_WAIT      seconds to wait for each daemon (default: 90)
set -euo pipefail

tmp_dir=${TMPDIR:-/tmp}
state=${GLCI_KUBE_STATE:-$tmp_dir/glci-kube}
wait_seconds=${GLCI_KUBE_WAIT:-90}
pod_cidr=${GLCI_KUBE_POD_CIDR:-10.244.0.0/24}
service_cidr=10.96.0.0/16
service_ip=10.96.0.1 # the first of service_cidr: the `kubernetes` Service's
# The node's name is its address. The kubelet refuses a loopback --node-ip, and any other address
# of this machine is one the API server must not dial; but it takes a node name that is an IP
# address as the node's InternalIP unchecked. So the API server reaches the kubelet (logs, exec,
# attach) on 127.0.0.1, and nothing depends on this machine's interfaces or on DNS.
node_name=127.0.0.1
# What containerd runs as each pod's sandbox; set explicitly in its config and imported under
# this name (kube/node-image.sh).
pause_image=registry.k8s.io/pause:3.10
# containerd and runc are Debian's (containerd 1.6: the kubelet of 1.34 still speaks to it);
# openssl makes the certificates; curl probes etcd and the kubelet; ss (iproute2) finds free ports.
packages=(containerd runc containernetworking-plugins openssl curl iproute2)
cni_bin_dir=/usr/lib/cni

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib/apt-packages.sh
source "$here/lib/apt-packages.sh" ensure-kube
# shellcheck source-path=SCRIPTDIR source=lib/wait-for.sh
source "$here/lib/wait-for.sh"

pki=$state/pki
logs=$state/logs
run=$state/run
containerd_sock=$state/containerd/containerd.sock
admin_kubeconfig=$state/admin.kubeconfig

# ---------------------------------------------------------------------------------------------
# Binaries, ports

bin_dir=
# Read from $state/ports.env (ensure_ports).
apiserver_port='' etcd_client_port='' etcd_peer_port='' kubelet_port='' server=''
kubectl() { "$bin_dir/kubectl" --kubeconfig "$admin_kubeconfig" "$@"; }

# The ports are chosen once, among those free then, and kept: kubeconfigs and certificates name
# them, and a restarted daemon must come back where its clients look for it.
ensure_ports() {
  if [[ ! -s $state/ports.env ]]; then
    local -a taken=() picked=()
    mapfile -t taken < <(ss -Htan 2>/dev/null | awk '{ n = split($4, a, ":"); print a[n] }' | sort -u)
    local port
    while (( ${#picked[@]} < 4 )); do
      # Below Linux's ephemeral range (32768+), where outgoing connections could take it later.
      port=$(( 20000 + RANDOM % 12000 ))
      [[ " ${taken[*]} ${picked[*]} " == *" $port "* ]] && continue
      picked+=("$port")
    done
    printf 'apiserver_port=%s\netcd_client_port=%s\netcd_peer_port=%s\nkubelet_port=%s\n' "${picked[@]}" \
      >"$state/ports.env.tmp"
    mv "$state/ports.env.tmp" "$state/ports.env"
  fi
  # shellcheck source=/dev/null
  source "$state/ports.env"
  server=https://127.0.0.1:$apiserver_port
}

# ---------------------------------------------------------------------------------------------
# Certificates: one self-signed CA signs every serving and client certificate; a separate key pair
# signs service-account tokens. Made once per state dir.

# issue NAME SUBJECT EXT_KEY_USAGE [SUBJECT_ALT_NAMES]
issue() {
  local name=$1 subject=$2 usage=$3 sans=${4:-}
  openssl req -new -newkey rsa:2048 -nodes -keyout "$pki.tmp/$name.key" -subj "$subject" \
    -out "$pki.tmp/$name.csr" 2>>"$logs/openssl.log"
  {
    printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n'
    printf 'extendedKeyUsage=%s\n' "$usage"
    if [[ -n $sans ]]; then printf 'subjectAltName=%s\n' "$sans"; fi
  } >"$pki.tmp/$name.ext"
  openssl x509 -req -in "$pki.tmp/$name.csr" -CA "$pki.tmp/ca.crt" -CAkey "$pki.tmp/ca.key" \
    -set_serial "0x$(openssl rand -hex 16)" -days 3650 -extfile "$pki.tmp/$name.ext" \
    -out "$pki.tmp/$name.crt" 2>>"$logs/openssl.log"
  rm -f "$pki.tmp/$name.csr" "$pki.tmp/$name.ext"
}

ensure_pki() {
  [[ -f $pki/.complete ]] && return 0
  say "making the cluster's certificates in $pki"
  rm -rf "$pki.tmp" && mkdir -p "$pki.tmp" && chmod 700 "$pki.tmp"
  openssl req -x509 -new -newkey rsa:2048 -nodes -keyout "$pki.tmp/ca.key" -out "$pki.tmp/ca.crt" \
    -days 3650 -subj "/CN=glci-kube-ca" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>>"$logs/openssl.log"
  # The API server's serving certificate: every name a client in or out of a pod may use.
  issue apiserver "/CN=kube-apiserver" serverAuth \
    "IP:127.0.0.1,IP:$service_ip,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  # Client identities. system:masters bypasses RBAC: the admin (tests, kubectl) and the API
  # server when it calls the kubelet (logs, exec), which asks the API server to authorize it.
  issue admin "/O=system:masters/CN=glci-admin" clientAuth
  issue apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" clientAuth
  # The scheduler and controller manager get the users their built-in RBAC roles are bound to.
  issue kube-scheduler "/CN=system:kube-scheduler" clientAuth
  issue kube-controller-manager "/CN=system:kube-controller-manager" clientAuth
  # The node: its client identity is what the Node authorizer and NodeRestriction admit; no
  # bootstrap tokens or CSR approval needed. Its serving certificate is checked by the API server.
  issue kubelet-client "/O=system:nodes/CN=system:node:$node_name" clientAuth
  issue kubelet-serving "/CN=$node_name" serverAuth "IP:127.0.0.1,DNS:localhost"
  openssl genrsa -out "$pki.tmp/sa.key" 2048 2>>"$logs/openssl.log"
  openssl rsa -in "$pki.tmp/sa.key" -pubout -out "$pki.tmp/sa.pub" 2>>"$logs/openssl.log"
  rm -f "$pki.tmp"/*.srl
  touch "$pki.tmp/.complete"
  rm -rf "$pki" && mv "$pki.tmp" "$pki"
}

# write_kubeconfig FILE CLIENT_CERT_NAME
write_kubeconfig() {
  cat >"$1.tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: glci-kube
  cluster:
    server: $server
    certificate-authority: $pki/ca.crt
users:
- name: $2
  user:
    client-certificate: $pki/$2.crt
    client-key: $pki/$2.key
contexts:
- name: glci-kube
  context:
    cluster: glci-kube
    user: $2
current-context: glci-kube
EOF
  mv "$1.tmp" "$1"
}

ensure_kubeconfigs() {
  write_kubeconfig "$admin_kubeconfig" admin
  write_kubeconfig "$state/kube-scheduler.kubeconfig" kube-scheduler
  write_kubeconfig "$state/kube-controller-manager.kubeconfig" kube-controller-manager
  write_kubeconfig "$state/kubelet.kubeconfig" kubelet-client
}

# ---------------------------------------------------------------------------------------------
# Daemons: each has a pid file in $run and a log in $logs.

running() {
  local pid
  [[ -r $run/$1.pid ]] || return 1
  pid=$(<"$run/$1.pid")
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null
}

# start NAME COMMAND… (unless NAME is running)
start() {
  local name=$1
  shift
  running "$name" && return 0
  say "starting $name (log: $logs/$name.log)"
  # setsid: the daemon outlives this script and the test process that ran it. Standard streams
  # and the lock descriptor are redirected/closed, or the caller (execa) would wait on our pipes
  # forever and the lock would never be released.
  setsid "$@" </dev/null >>"$logs/$name.log" 2>&1 9>&- &
  echo $! >"$run/$name.pid"
  disown || true
}

# wait_daemon NAME WHAT CHECK…: wait for CHECK, but fail at once, with its log, if NAME died.
wait_daemon() {
  local name=$1 what=$2
  shift 2
  # shellcheck disable=SC2317 # called indirectly by wait_for
  alive_and() { running "$name" || { say "$name exited; last lines of $logs/$name.log:"; tail -n 30 "$logs/$name.log" >&2; die "$name did not start"; }; "$@"; }
  wait_for "$wait_seconds" "$logs/$name.log" "$what" "$name unavailable" alive_and "$@"
}

etcd_answers() { curl -sf "http://127.0.0.1:$etcd_client_port/health" 2>/dev/null | grep -q '"health":"true"'; }
apiserver_ready() { kubectl get --raw /readyz >/dev/null 2>&1; }
# Ready, and its kubelet answers with the API server's credentials (the path of logs, exec and
# attach): a node's status may still say Ready for a while after its kubelet stopped. (The API
# server's node proxy cannot probe this: it refuses loopback addresses.)
node_ready() {
  [[ $(kubectl get node "$node_name" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null) == True ]] \
    && [[ $(curl -sf --cacert "$pki/ca.crt" --cert "$pki/apiserver-kubelet-client.crt" \
      --key "$pki/apiserver-kubelet-client.key" "https://127.0.0.1:$kubelet_port/healthz" 2>/dev/null) == ok ]]
}
# Every daemon of the cluster has a live process (the API alone cannot tell for the scheduler and
# controller manager, whose endpoints are off).
all_running() {
  local name
  for name in etcd kube-apiserver kube-scheduler kube-controller-manager containerd kubelet; do
    running "$name" || return 1
  done
}
containerd_answers() { ctr --address "$containerd_sock" version >/dev/null 2>&1; }

start_etcd() {
  start etcd "$bin_dir/etcd" --data-dir "$state/etcd" \
    --client-port "$etcd_client_port" --peer-port "$etcd_peer_port"
  wait_daemon etcd "etcd did not answer" etcd_answers
}

start_apiserver() {
  start kube-apiserver "$bin_dir/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$etcd_client_port" \
    --bind-address 127.0.0.1 --secure-port "$apiserver_port" \
    --advertise-address 127.0.0.1 \
    --endpoint-reconciler-type none \
    --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
    --client-ca-file "$pki/ca.crt" \
    --authorization-mode Node,RBAC \
    --enable-admission-plugins NodeRestriction \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$pki/sa.pub" \
    --service-account-signing-key-file "$pki/sa.key" \
    --service-cluster-ip-range "$service_cidr" \
    --kubelet-client-certificate "$pki/apiserver-kubelet-client.crt" \
    --kubelet-client-key "$pki/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority "$pki/ca.crt" \
    --kubelet-preferred-address-types InternalIP,Hostname \
    --allow-privileged=true \
    --profiling=false \
    --v=1
  # --endpoint-reconciler-type none: the `kubernetes` Service's endpoints would be 127.0.0.1,
  # which the API refuses to store (no loopback endpoints), and no pod could reach it anyway.
  wait_daemon kube-apiserver "the API server was not ready" apiserver_ready
}

start_control_plane() {
  local kc
  kc=$state/kube-scheduler.kubeconfig
  # --secure-port 0: no health/metrics endpoint, so no third port to keep free; leader election
  # off: there is one of each.
  start kube-scheduler "$bin_dir/kube-scheduler" \
    --kubeconfig "$kc" --authentication-kubeconfig "$kc" --authorization-kubeconfig "$kc" \
    --secure-port 0 --leader-elect=false --v=1
  kc=$state/kube-controller-manager.kubeconfig
  # The token controller signs with the key the API server verifies, and puts the CA into each
  # namespace's kube-root-ca.crt; each controller acts as its own service account (RBAC as in a
  # real cluster). --cluster-signing-*: CSRs can be signed too.
  start kube-controller-manager "$bin_dir/kube-controller-manager" \
    --kubeconfig "$kc" --authentication-kubeconfig "$kc" --authorization-kubeconfig "$kc" \
    --secure-port 0 --leader-elect=false \
    --controllers '*' --use-service-account-credentials \
    --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" \
    --cluster-signing-cert-file "$pki/ca.crt" --cluster-signing-key-file "$pki/ca.key" \
    --service-cluster-ip-range "$service_cidr" \
    --v=1
}

# ---------------------------------------------------------------------------------------------
# The node

write_containerd_config() {
  mkdir -p "$state/containerd" "$state/cni/net.d"
  # A containerd of its own (root, state, socket): Docker's containerd and its images are left
  # alone, and this one's images live in the `k8s.io` namespace the CRI plugin reads.
  cat >"$state/containerd/config.toml" <<EOF
version = 2
root = "$state/containerd/root"
state = "$state/containerd/state"
oom_score = 0

[grpc]
  address = "$containerd_sock"

[ttrpc]
  address = "$containerd_sock.ttrpc"

[debug]
  address = "$containerd_sock.debug"

[plugins."io.containerd.internal.v1.opt"]
  path = "$state/containerd/opt"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$pause_image"
  # This machine's capability bounding set lacks CAP_SYS_RESOURCE, without which no process may
  # lower an oom_score_adj; the kubelet asks for negative ones (-998 for sandboxes). Clamp them
  # at containerd's own instead of failing every pod.
  restrict_oom_score_adj = true
  enable_selinux = false
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"

  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"

    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"

      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        # The kubelet's cgroup driver is cgroupfs (no systemd here): both must agree.
        SystemdCgroup = false

  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$cni_bin_dir"
    conf_dir = "$state/cni/net.d"
    max_conf_num = 1
EOF
  # One bridge network for the pods; containerd adds the loopback plugin to every pod by itself.
  # No ipMasq and no portmap: pods need no way out, and the host's iptables stay untouched.
  cat >"$state/cni/net.d/10-glci-kube.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "glci-kube",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "glci-kube0",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{ "subnet": "$pod_cidr" }]],
        "dataDir": "$state/cni/ipam"
      }
    }
  ]
}
EOF
}

write_kubelet_config() {
  mkdir -p "$state/kubelet"
  cat >"$state/kubelet/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: 127.0.0.1
port: $kubelet_port
readOnlyPort: 0
healthzPort: 0
tlsCertFile: $pki/kubelet-serving.crt
tlsPrivateKeyFile: $pki/kubelet-serving.key
authentication:
  anonymous:
    enabled: false
  webhook:
    enabled: true
  x509:
    clientCAFile: $pki/ca.crt
authorization:
  mode: Webhook
containerRuntimeEndpoint: unix://$containerd_sock
# No systemd here; containerd is told the same (SystemdCgroup = false).
cgroupDriver: cgroupfs
# The test machines mount cgroup v1; the kubelet of 1.34 still runs on it when asked.
failCgroupV1: false
failSwapOn: false
# Test runs must not be evicted or tainted away over a busy CI disk, nor the imported images
# (which cannot be pulled again) garbage-collected.
evictionHard:
  memory.available: 100Mi
  nodefs.available: 1%
  imagefs.available: 1%
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
# No cluster DNS runs: pods get this machine's resolv.conf.
resolvConf: /etc/resolv.conf
clusterDomain: cluster.local
serializeImagePulls: false
EOF
}

ensure_pause_image() {
  if ctr --address "$containerd_sock" -n k8s.io images check "name==$pause_image" 2>/dev/null | grep -q "$pause_image"; then
    return 0
  fi
  say "importing the sandbox image $pause_image"
  bash "$here/kube/node-image.sh" "$bin_dir/pause" "$pause_image" "$state/pause-image.tar"
  ctr --address "$containerd_sock" -n k8s.io images import "$state/pause-image.tar" >&2
}

start_node() {
  write_containerd_config
  start containerd containerd --config "$state/containerd/config.toml"
  wait_daemon containerd "containerd did not answer" containerd_answers
  ensure_pause_image
  write_kubelet_config
  start kubelet "$bin_dir/kubelet" \
    --config "$state/kubelet/config.yaml" \
    --kubeconfig "$state/kubelet.kubeconfig" \
    --root-dir "$state/kubelet/root" \
    --hostname-override "$node_name" \
    --v=1
  wait_daemon kubelet "the node did not become Ready" node_ready
}

# ---------------------------------------------------------------------------------------------

print_answer() {
  printf 'KUBECONFIG=%s\nSERVER=%s\nBIN_DIR=%s\nSTATE_DIR=%s\nCONTAINERD_ADDRESS=%s\nNODE_NAME=%s\n' \
    "$admin_kubeconfig" "$server" "$bin_dir" "$state" "$containerd_sock" "$node_name"
}

stop_all() {
  local name pid
  # The node first, so that nothing restarts what the control plane's stop leaves behind.
  for name in kubelet kube-controller-manager kube-scheduler kube-apiserver etcd containerd; do
    running "$name" || continue
    pid=$(<"$run/$name.pid")
    say "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$run/$name.pid"
  done
}

# Everything ensure-kube.sh made, gone: the pods' processes (which outlive containerd), the
# daemons, the kubelet's mounts under the state dir, and the state dir itself. The built binaries
# stay in their cache.
reset_all() {
  local id
  if running containerd && containerd_answers; then
    for id in $(ctr --address "$containerd_sock" -n k8s.io tasks ls -q 2>/dev/null); do
      ctr --address "$containerd_sock" -n k8s.io tasks kill -s SIGKILL "$id" 2>/dev/null || true
    done
    for id in $(ctr --address "$containerd_sock" -n k8s.io tasks ls -q 2>/dev/null); do
      for _ in $(seq 20); do
        ctr --address "$containerd_sock" -n k8s.io tasks delete "$id" >/dev/null 2>&1 && break
        sleep 0.25
      done
    done
  fi
  stop_all
  local target
  # Deepest first: the kubelet bind-mounts its root dir onto itself, pods' volumes lie below it.
  findmnt -rn -o TARGET | awk -v s="$state" 'index($0, s "/") == 1' | sort -r | while read -r target; do
    umount "$target" 2>/dev/null || umount -l "$target" || true
  done
  rm -rf "$state"
  say "removed $state"
}

main() {
  case ${1:-} in
    stop) stop_all; return 0 ;;
    reset) reset_all; return 0 ;;
    '') ;;
    *) die "usage: ensure-kube.sh [stop|reset]" ;;
  esac
  mkdir -p "$state" "$logs" "$run"
  if [[ -s $state/ports.env && -f $state/bin-dir ]]; then
    # Fast path: a cluster of this state dir answers and its node is Ready.
    bin_dir=$(<"$state/bin-dir")
    ensure_ports
    if [[ -x $bin_dir/kubectl ]] && all_running && apiserver_ready && node_ready; then
      print_answer
      return 0
    fi
  fi
  exec 9>"$state/.lock"
  # A cold build of the binaries happens under this lock and takes many minutes.
  flock -w 3600 9 || die "timed out waiting for $state/.lock"
  install_packages "${packages[@]}"
  bin_dir=$(bash "$here/kube/build.sh")
  printf '%s\n' "$bin_dir" >"$state/bin-dir"
  ensure_ports
  ensure_pki
  ensure_kubeconfigs
  { running etcd && etcd_answers; } || start_etcd
  apiserver_ready || start_apiserver
  start_control_plane
  { running containerd && running kubelet && node_ready; } || start_node
  say "cluster ready: $server (node $node_name, kubectl: $bin_dir/kubectl --kubeconfig $admin_kubeconfig)"
  print_answer
}

main "$@"
