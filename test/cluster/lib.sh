# shellcheck shell=bash disable=SC2034  # variables here are used by the scripts that source this file
# Shared settings and helpers for up.sh, down.sh, restart-apiserver.sh and add-node.sh. Sourced, not run.
#
# Every address here is on 127.0.0.0/8: nothing in the test cluster listens on or connects to
# anything else. All ports are fixed (and overridable) so that a restarted component comes back on
# the same address and clients keep working.

cluster_here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

CLUSTER_DIR="${FULCRUM_CLUSTER_DIR:-/tmp/fulcrum-cluster}"
HOST=127.0.0.1
# FULCRUM_CLUSTER_PORT_OFFSET shifts every default port, so that a second cluster (another
# FULCRUM_CLUSTER_DIR) can run beside the first, e.g. smoke.sh next to a developer's cluster.
_po="${FULCRUM_CLUSTER_PORT_OFFSET:-0}"
ETCD_PORT="${FULCRUM_CLUSTER_ETCD_PORT:-$((12379 + _po))}"
ETCD_PEER_PORT="${FULCRUM_CLUSTER_ETCD_PEER_PORT:-$((12380 + _po))}"
APISERVER_PORT="${FULCRUM_CLUSTER_APISERVER_PORT:-$((16443 + _po))}"
KCM_PORT="${FULCRUM_CLUSTER_KCM_PORT:-$((16257 + _po))}"
SCHEDULER_PORT="${FULCRUM_CLUSTER_SCHEDULER_PORT:-$((16259 + _po))}"
# kwok's one HTTPS server plays the kubelet API (/metrics/resource, logs, exec) of every node.
KWOK_PORT="${FULCRUM_CLUSTER_KWOK_PORT:-$((16247 + _po))}"
METRICS_SERVER_PORT="${FULCRUM_CLUSTER_METRICS_SERVER_PORT:-$((16251 + _po))}"
# The real node's kubelet (up.sh --real-nodes 1): its API (logs, exec, metrics) and its healthz.
KUBELET_PORT="${FULCRUM_CLUSTER_KUBELET_PORT:-$((16262 + _po))}"
KUBELET_HEALTHZ_PORT="${FULCRUM_CLUSTER_KUBELET_HEALTHZ_PORT:-$((16263 + _po))}"
unset _po
# Service ClusterIPs and pod IPs are only numbers here (there is no kube-proxy and no pod network),
# but they are kept on loopback as well so that nothing ever points at a routable address.
SERVICE_CIDR="${FULCRUM_CLUSTER_SERVICE_CIDR:-127.96.0.0/16}"
POD_CIDR="${FULCRUM_CLUSTER_POD_CIDR:-127.64.0.0/16}"
# With a real node (up.sh --real-nodes 1) its pods get a network of their own, and a pod's netns has its own
# loopback, so Service IPs and pod IPs there are link-local instead (169.254.0.0/16: never routed off a
# link, and the bridge they live on has no physical port). See real-node.sh.
REAL_NODE_SERVICE_CIDR=169.254.96.0/24
REAL_NODE_POD_CIDR=169.254.123.0/24
REAL_NODE_BRIDGE=fulcrum0
# Probe addresses the real node's pods can reach: kwok nodes added with add-node.sh --ip in this range are
# "hosts" in a network namespace of their own (real-node.sh's probe-hosts), whose one interface is on the
# bridge at REAL_NODE_PROBE_GATEWAY; each pod gets a route to the range via that address. 198.18.0.0/15 is
# reserved for benchmarking (RFC 2544), never routed on the Internet, and not link-local (which the
# operator never probes). Only those namespaces hold or route it: nothing on the host does.
REAL_NODE_PROBE_CIDR=198.18.0.0/24
REAL_NODE_PROBE_GATEWAY=169.254.123.254
# in_probe_range IP: whether IP is in REAL_NODE_PROBE_CIDR (a /24).
in_probe_range() { [[ "$1" == "${REAL_NODE_PROBE_CIDR%.*/*}."* ]]; }

PKI="${CLUSTER_DIR}/pki"
LOGS="${CLUSTER_DIR}/logs"
PIDS="${CLUSTER_DIR}/pids"
RUN="${CLUSTER_DIR}/run"
KUBECONFIG_ADMIN="${CLUSTER_DIR}/kubeconfig"

# Command files: ${RUN}/NAME.sh execs one component with all its flags (written by up.sh and
# real-node.sh). restart-apiserver.sh re-runs the same file, so a restarted component has exactly the
# same configuration.
write_run() { # write_run NAME BINARY ARGS... (an env assignment VAR=... may precede BINARY)
  local name="$1"
  shift
  {
    echo "#!/usr/bin/env bash"
    echo "# Written by test/cluster/up.sh. Started (and restarted) by test/cluster/lib.sh start_component."
    printf 'exec'
    printf ' %q' "$@"
    echo
  } >"${RUN}/${name}.sh"
  chmod +x "${RUN}/${name}.sh"
}

log() { printf '[cluster %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# The bin dir of the current build (build.sh decides the cache key).
cluster_bin_dir() {
  "${cluster_here}/build.sh" --print-bin-dir
}

kctl() { "${BIN}/kubectl" --kubeconfig "${KUBECONFIG_ADMIN}" "$@"; }

pid_of() {
  local f="${PIDS}/$1.pid"
  [[ -f "${f}" ]] && cat "${f}"
}

is_running() {
  local pid
  pid="$(pid_of "$1")" || return 1
  [[ -n "${pid}" ]] && kill -0 "${pid}" 2>/dev/null
}

# start_component NAME: runs ${RUN}/NAME.sh (written by up.sh; it execs the binary with all its
# flags) detached from this shell, logging to ${LOGS}/NAME.log. The command file is what lets
# restart-apiserver.sh restart a component with exactly the flags it had.
start_component() {
  local name="$1"
  is_running "${name}" && die "${name} is already running (pid $(pid_of "${name}"))"
  # setsid: own session, so a terminal hangup or the caller's job control never reaches it.
  setsid "${RUN}/${name}.sh" >>"${LOGS}/${name}.log" 2>&1 </dev/null &
  echo $! >"${PIDS}/${name}.pid"
}

# stop_component NAME [TIMEOUT_S]: SIGTERM, then SIGKILL after the timeout. Only the recorded pid.
stop_component() {
  local name="$1" timeout="${2:-10}" pid i
  pid="$(pid_of "${name}")" || return 0
  if [[ -n "${pid}" ]] && kill -0 "${pid}" 2>/dev/null; then
    kill -TERM "${pid}" 2>/dev/null || true
    for ((i = 0; i < timeout * 10; i++)); do
      kill -0 "${pid}" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "${pid}" 2>/dev/null; then
      log "${name} (pid ${pid}) ignored SIGTERM for ${timeout}s; sending SIGKILL"
      kill -KILL "${pid}" 2>/dev/null || true
      # Wait for the kernel to reap it, so its port is free before anyone restarts it.
      for ((i = 0; i < 50; i++)); do kill -0 "${pid}" 2>/dev/null || break; sleep 0.1; done
    fi
  fi
  rm -f "${PIDS}/${name}.pid"
}

# stop_components TIMEOUT_S NAME...: like stop_component for several at once (SIGTERM to all, then
# wait), so tearing down takes as long as the slowest component rather than the sum of all.
stop_components() {
  local timeout="$1" name pid i alive
  shift
  for name in "$@"; do
    pid="$(pid_of "${name}")" || continue
    if [[ -n "${pid}" ]]; then kill -TERM "${pid}" 2>/dev/null || true; fi
  done
  for ((i = 0; i < timeout * 10; i++)); do
    alive=false
    for name in "$@"; do
      pid="$(pid_of "${name}")" || continue
      [[ -n "${pid}" ]] && kill -0 "${pid}" 2>/dev/null && alive=true
    done
    [[ "${alive}" == true ]] || break
    sleep 0.1
  done
  for name in "$@"; do
    stop_component "${name}" 1
  done
}

# wait_for DESCRIPTION TIMEOUT_S COMMAND...: polls COMMAND every 0.2 s until it succeeds.
# Fails early, with the log tail, if the component named by WAIT_COMPONENT died meanwhile.
wait_for() {
  local what="$1" timeout="$2" start=${SECONDS}
  shift 2
  until "$@" >/dev/null 2>&1; do
    if [[ -n "${WAIT_COMPONENT:-}" ]] && ! is_running "${WAIT_COMPONENT}"; then
      tail -n 30 "${LOGS}/${WAIT_COMPONENT}.log" >&2 || true
      die "${WAIT_COMPONENT} exited while waiting for ${what} (log: ${LOGS}/${WAIT_COMPONENT}.log)"
    fi
    if ((SECONDS - start >= timeout)); then
      [[ -n "${WAIT_COMPONENT:-}" ]] && tail -n 30 "${LOGS}/${WAIT_COMPONENT}.log" >&2
      die "timed out after ${timeout}s waiting for ${what}"
    fi
    sleep 0.2
  done
}

apiserver_ready() {
  [[ "$(kctl get --raw='/readyz' 2>/dev/null)" == "ok" ]]
}

wait_apiserver_ready() {
  WAIT_COMPONENT=kube-apiserver wait_for "kube-apiserver /readyz" "${1:-90}" apiserver_ready
}

# remove_state_dir: rm -rf ${CLUSTER_DIR}, but only if it looks like a state dir of ours (or is
# empty), so a mistyped FULCRUM_CLUSTER_DIR can never wipe something else.
remove_state_dir() {
  [[ -d "${CLUSTER_DIR}" ]] || return 0
  if [[ -d "${PKI}" || -d "${PIDS}" || -z "$(ls -A "${CLUSTER_DIR}")" ]]; then
    rm -rf "${CLUSTER_DIR}"
  else
    die "${CLUSTER_DIR} does not look like a test cluster dir (no pki/ or pids/); not removing it"
  fi
}

# node_manifest NAME IP CPU MEMORY PODS EPHEMERAL LABELS(k=v,k=v) TAINTS(k=v:Effect,...)
# A kwok-managed Node. Status is accepted on create for Nodes (the kubelet registers this way),
# and kwok's node-initialize stage keeps the addresses and allocatable given here.
#   InternalIP  127.1.x.y, unique per node: the node's "own" address, where a test may run a probe
#               listener (e.g. :10250) and stop it to simulate a dead node.
#   ExternalIP  127.0.0.1: where kwok serves the emulated kubelet API for all nodes; the API server
#               and metrics-server use this address type (--kubelet-preferred-address-types=ExternalIP)
#               so that they never resolve a node name through DNS.
node_manifest() {
  local name="$1" ip="$2" cpu="$3" memory="$4" pods="$5" ephemeral="$6" labels="$7" taints="$8" kv
  cat <<EOF
apiVersion: v1
kind: Node
metadata:
  name: ${name}
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
    metrics.k8s.io/resource-metrics-path: /metrics/nodes/${name}/metrics/resource
  labels:
    type: kwok
    kubernetes.io/arch: amd64
    kubernetes.io/os: linux
    kubernetes.io/hostname: ${name}
    node-role.kubernetes.io/agent: ""
EOF
  local IFS=','
  for kv in ${labels}; do
    [[ -n "${kv}" ]] && printf '    %s: "%s"\n' "${kv%%=*}" "${kv#*=}"
  done
  echo "spec:"
  if [[ -n "${taints}" ]]; then
    echo "  taints:"
    for kv in ${taints}; do
      local key="${kv%%[=:]*}" effect="${kv##*:}" value=""
      [[ "${kv}" == *=* ]] && value="${kv#*=}" && value="${value%%:*}"
      printf '  - key: %s\n    value: "%s"\n    effect: %s\n' "${key}" "${value}" "${effect}"
    done
  else
    echo "  taints: []"
  fi
  cat <<EOF
status:
  addresses:
  - type: InternalIP
    address: ${ip}
  - type: ExternalIP
    address: ${HOST}
  - type: Hostname
    address: ${name}
  allocatable: {cpu: "${cpu}", memory: "${memory}", pods: "${pods}", ephemeral-storage: "${ephemeral}"}
  capacity: {cpu: "${cpu}", memory: "${memory}", pods: "${pods}", ephemeral-storage: "${ephemeral}"}
EOF
}

# probe_host ACTION NAME: when node NAME's InternalIP is a probe host of the real node (REAL_NODE_PROBE_CIDR),
# that host comes up (add) or goes away (del); other nodes' hosts are the tests' own listeners.
probe_host() {
  local ip
  ip="$(kctl get node "$2" -o jsonpath='{.status.addresses[?(@.type=="InternalIP")].address}')"
  if in_probe_range "${ip}"; then
    "${here}/real-node.sh" probe-address "$1" "${ip}"
  fi
}

# node_ip INDEX: the InternalIP of the INDEX-th node, 127.1.0.1 ... (254 per third octet).
node_ip() {
  local i="$1"
  echo "127.1.$((i / 254)).$((i % 254 + 1))"
}

# ---------------------------------------------------------------------------------------------
# PKI helpers (up.sh, real-node.sh). EC P-256 keys: generating them takes milliseconds (RSA would add
# seconds to every up.sh).
# ---------------------------------------------------------------------------------------------
gen_key() { openssl ecparam -name prime256v1 -genkey -noout -out "${PKI}/$1.key" 2>/dev/null; }

gen_cert() { # gen_cert CA NAME SUBJECT EXTENDED_KEY_USAGE [SUBJECT_ALT_NAMES]
  local ca="$1" name="$2" subject="$3" eku="$4" san="${5:-}"
  gen_key "${name}"
  openssl req -new -key "${PKI}/${name}.key" -subj "${subject}" -out "${PKI}/${name}.csr"
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=${eku}"
    if [[ -n "${san}" ]]; then echo "subjectAltName=${san}"; fi
  } >"${PKI}/${name}.ext"
  openssl x509 -req -in "${PKI}/${name}.csr" -CA "${PKI}/${ca}.crt" -CAkey "${PKI}/${ca}.key" \
    -set_serial "0x$(openssl rand -hex 16)" -days 3650 -sha256 -extfile "${PKI}/${name}.ext" \
    -out "${PKI}/${name}.crt" 2>/dev/null
  rm -f "${PKI}/${name}.csr" "${PKI}/${name}.ext"
}

b64() { base64 -w0 <"$1"; }
write_kubeconfig() { # write_kubeconfig FILE CERT_NAME USER
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: fulcrum-test
  cluster:
    server: https://${HOST}:${APISERVER_PORT}
    certificate-authority-data: $(b64 "${PKI}/ca.crt")
users:
- name: $3
  user:
    client-certificate-data: $(b64 "${PKI}/$2.crt")
    client-key-data: $(b64 "${PKI}/$2.key")
contexts:
- name: fulcrum-test
  context: {cluster: fulcrum-test, user: $3, namespace: default}
current-context: fulcrum-test
EOF
  chmod 600 "$1"
}
