#!/usr/bin/env bash
# Starts a real local Kubernetes control plane with simulated (kwok) nodes, all on 127.0.0.1:
#   etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok, metrics-server
# as background processes, with state (certs, data, logs, pids) in ${FULCRUM_CLUSTER_DIR:-/tmp/fulcrum-cluster}.
#
#   test/cluster/up.sh [--nodes N] [--no-metrics-server] [--real-nodes 0|1]
#
# --real-nodes 1 (off by default; needs root) adds a real node, real-node-0: containerd + runc + a kubelet
# (real-node.sh; binaries from build-node.sh, cached), for tests that run real containers.
#
# Builds missing binaries first (build.sh; cached). Always starts from an empty state dir.
# When it returns, /readyz is ok, the default namespace and service account exist, N nodes are Ready,
# and (unless disabled) the metrics.k8s.io APIService is registered. Then:
#   source "${FULCRUM_CLUSTER_DIR:-/tmp/fulcrum-cluster}/env"   # PATH (kubectl), KUBECONFIG, FULCRUM_TEST_KUBECONFIG
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "${here}/lib.sh"

nodes="${FULCRUM_CLUSTER_NODES:-10}"
metrics_server=true
real_nodes="${FULCRUM_CLUSTER_REAL_NODES:-0}"
while (($#)); do
  case "$1" in
    --nodes) nodes="$2"; shift 2 ;;
    --nodes=*) nodes="${1#*=}"; shift ;;
    --no-metrics-server) metrics_server=false; shift ;;
    --real-nodes) real_nodes="$2"; shift 2 ;;
    --real-nodes=*) real_nodes="${1#*=}"; shift ;;
    -h | --help) sed -n '2,16p' "$0"; exit 0 ;;
    *) die "unknown argument: $1" ;;
  esac
done
[[ "${nodes}" =~ ^[0-9]+$ ]] || die "--nodes needs a number"
[[ "${real_nodes}" =~ ^[01]$ ]] || die "--real-nodes is 0 or 1 (one real node per machine: it owns the host's kubepods cgroups)"
# A real node's pods reach the API server at the kubernetes Service's ClusterIP, which must then be an
# address outside their own loopback (real-node.sh forwards it to the API server).
if [[ "${real_nodes}" == 1 && -z "${FULCRUM_CLUSTER_SERVICE_CIDR:-}" ]]; then
  SERVICE_CIDR="${REAL_NODE_SERVICE_CIDR}"
fi

t0=${SECONDS}
"${here}/build.sh" >/dev/null
BIN="$(cluster_bin_dir)"
SHARE="$(dirname "${BIN}")/share"

# A cluster left running from before would hold the ports; refuse rather than fight it.
for c in etcd kube-apiserver kube-controller-manager kube-scheduler kwok metrics-server; do
  is_running "${c}" && die "${c} from an earlier up.sh is still running; run test/cluster/down.sh first"
done
for port in "${ETCD_PORT}" "${ETCD_PEER_PORT}" "${APISERVER_PORT}" "${KCM_PORT}" "${SCHEDULER_PORT}" "${KWOK_PORT}" "${METRICS_SERVER_PORT}"; do
  if (: <"/dev/tcp/${HOST}/${port}") 2>/dev/null; then
    die "port ${HOST}:${port} is already in use (another cluster? see FULCRUM_CLUSTER_*_PORT in lib.sh)"
  fi
done

# If anything below fails, stop what was started (keeping the logs) so no half cluster holds the ports.
up_ok=false
cleanup_on_failure() {
  if [[ "${up_ok}" != true && -d "${PIDS}" ]]; then
    log "up.sh failed; stopping what it started. Logs: ${LOGS}"
    if [[ "${real_nodes}" == 1 ]]; then "${here}/real-node.sh" stop || true; fi
    stop_components 5 metrics-server kwok kube-scheduler kube-controller-manager kube-apiserver etcd
  fi
}
trap cleanup_on_failure EXIT
trap 'log "command failed (line ${LINENO}): ${BASH_COMMAND}"' ERR

remove_state_dir
mkdir -p "${PKI}" "${LOGS}" "${PIDS}" "${RUN}" "${CLUSTER_DIR}/etcd" "${CLUSTER_DIR}/kwok" "${CLUSTER_DIR}/kubeconfigs"
chmod 700 "${CLUSTER_DIR}"

# ---------------------------------------------------------------------------------------------
# PKI. EC P-256 keys: generating them takes milliseconds (RSA would add seconds to every up.sh).
# ---------------------------------------------------------------------------------------------
gen_ca() { # gen_ca NAME CN
  gen_key "$1"
  openssl req -x509 -new -key "${PKI}/$1.key" -subj "/CN=$2" -days 3650 -sha256 -out "${PKI}/$1.crt" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature"
}

log "generating certificates in ${PKI}"
gen_ca ca fulcrum-test-ca
# The aggregation layer's own CA: the API server proxies to metrics-server with front-proxy-client,
# and metrics-server trusts X-Remote-User headers only from certs signed by this CA.
gen_ca front-proxy-ca fulcrum-test-front-proxy-ca
first_service_ip="${SERVICE_CIDR%.*/*}.1"
gen_cert ca apiserver "/CN=kube-apiserver" serverAuth \
  "IP:127.0.0.1,IP:${first_service_ip},DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
gen_cert ca admin "/O=system:masters/CN=fulcrum-admin" clientAuth
# The bootstrap RBAC policy already binds these user names to their roles.
gen_cert ca kube-controller-manager "/CN=system:kube-controller-manager" clientAuth
gen_cert ca kube-scheduler "/CN=system:kube-scheduler" clientAuth
# kwok writes node/pod status, leases and events for every node: it acts as all kubelets at once,
# so it gets cluster-admin (kwok's own in-cluster manifests grant about as much).
gen_cert ca kwok "/O=system:masters/CN=kwok-controller" serverAuth,clientAuth "IP:127.0.0.1,DNS:localhost"
# metrics-server serves the metrics.k8s.io API (the aggregator checks this name) and is a client.
gen_cert ca metrics-server "/CN=metrics-server" serverAuth,clientAuth \
  "DNS:metrics-server.kube-system.svc,DNS:localhost,IP:127.0.0.1"
gen_cert front-proxy-ca front-proxy-client "/CN=front-proxy-client" clientAuth
# Service account token signing key pair (ES256).
gen_key sa
openssl ec -in "${PKI}/sa.key" -pubout -out "${PKI}/sa.pub" 2>/dev/null
chmod 600 "${PKI}"/*.key

write_kubeconfig "${KUBECONFIG_ADMIN}" admin fulcrum-admin
for c in kube-controller-manager kube-scheduler kwok metrics-server; do
  write_kubeconfig "${CLUSTER_DIR}/kubeconfigs/${c}.kubeconfig" "${c}" "${c}"
done

# ---------------------------------------------------------------------------------------------
# Command files: ${RUN}/NAME.sh execs one component with all its flags. restart-apiserver.sh
# re-runs the same file, so a restarted API server has exactly the same configuration.
# ---------------------------------------------------------------------------------------------
# etcd over plain HTTP on loopback only. --unsafe-no-fsync: this data is thrown away after the run,
# and fsync latency otherwise dominates API write latency on CI disks.
write_run etcd "${BIN}/etcd" \
  --name=fulcrum-test \
  --data-dir="${CLUSTER_DIR}/etcd" \
  --listen-client-urls="http://${HOST}:${ETCD_PORT}" \
  --advertise-client-urls="http://${HOST}:${ETCD_PORT}" \
  --listen-peer-urls="http://${HOST}:${ETCD_PEER_PORT}" \
  --initial-advertise-peer-urls="http://${HOST}:${ETCD_PEER_PORT}" \
  --initial-cluster="fulcrum-test=http://${HOST}:${ETCD_PEER_PORT}" \
  --initial-cluster-state=new \
  --unsafe-no-fsync=true \
  --log-level=warn

# kube-apiserver notes:
# - --etcd-compaction-interval=20s (default 5m): old revisions leave etcd within a minute, so a watch
#   that falls through to etcd from an old resourceVersion (as after a restart) meets 410 Gone, as in a
#   long-running cluster. For an immediate 410, tests use compact-etcd.sh then restart-apiserver.sh.
# --advertise-address / --endpoint-reconciler-type=none: the API server would otherwise advertise the
#   host's first non-loopback IP in the `kubernetes` Service's endpoints; Endpoints also reject
#   loopback IPs, so no endpoints are written at all (clients here use the kubeconfig, not the Service).
# --kubelet-preferred-address-types=ExternalIP: logs/exec/port-forward go to the node's ExternalIP,
#   127.0.0.1, where kwok serves them; node names are never resolved through DNS.
# --requestheader-* / --proxy-client-*: the aggregation layer, needed by metrics.k8s.io.
# --shutdown-watch-termination-grace-period: on SIGTERM, close open watches within 5 s. With the
#   default (0) the server stops listening at once but its HTTP shutdown then waits ~60 s for the
#   watches of kwok/controller-manager/scheduler, which made restart-apiserver.sh take > 30 s.
write_run kube-apiserver "${BIN}/kube-apiserver" \
  --etcd-servers="http://${HOST}:${ETCD_PORT}" \
  --etcd-compaction-interval=20s \
  --bind-address="${HOST}" \
  --secure-port="${APISERVER_PORT}" \
  --advertise-address="${HOST}" \
  --endpoint-reconciler-type=none \
  --service-cluster-ip-range="${SERVICE_CIDR}" \
  --tls-cert-file="${PKI}/apiserver.crt" \
  --tls-private-key-file="${PKI}/apiserver.key" \
  --client-ca-file="${PKI}/ca.crt" \
  --authorization-mode=RBAC \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="${PKI}/sa.pub" \
  --service-account-signing-key-file="${PKI}/sa.key" \
  --requestheader-client-ca-file="${PKI}/front-proxy-ca.crt" \
  --requestheader-allowed-names=front-proxy-client \
  --requestheader-username-headers=X-Remote-User \
  --requestheader-group-headers=X-Remote-Group \
  --requestheader-extra-headers-prefix=X-Remote-Extra- \
  --proxy-client-cert-file="${PKI}/front-proxy-client.crt" \
  --proxy-client-key-file="${PKI}/front-proxy-client.key" \
  --kubelet-preferred-address-types=ExternalIP \
  --kubelet-certificate-authority="${PKI}/ca.crt" \
  --kubelet-client-certificate="${PKI}/admin.crt" \
  --kubelet-client-key="${PKI}/admin.key" \
  --allow-privileged=true \
  --shutdown-watch-termination-grace-period=5s \
  --profiling=false

# kube-controller-manager and kube-scheduler: --leader-elect=false because there is exactly one of
# each, and with leader election they exit when they cannot renew their lease for 10 s, which is
# what happens during restart-apiserver.sh. Everything else is the upstream default (all default
# controllers, --node-monitor-grace-period default).
write_run kube-controller-manager "${BIN}/kube-controller-manager" \
  --kubeconfig="${CLUSTER_DIR}/kubeconfigs/kube-controller-manager.kubeconfig" \
  --authentication-kubeconfig="${CLUSTER_DIR}/kubeconfigs/kube-controller-manager.kubeconfig" \
  --authorization-kubeconfig="${CLUSTER_DIR}/kubeconfigs/kube-controller-manager.kubeconfig" \
  --bind-address="${HOST}" \
  --secure-port="${KCM_PORT}" \
  --leader-elect=false \
  --use-service-account-credentials=true \
  --root-ca-file="${PKI}/ca.crt" \
  --service-account-private-key-file="${PKI}/sa.key" \
  --cluster-signing-cert-file="${PKI}/ca.crt" \
  --cluster-signing-key-file="${PKI}/ca.key" \
  --service-cluster-ip-range="${SERVICE_CIDR}" \
  --profiling=false

write_run kube-scheduler "${BIN}/kube-scheduler" \
  --kubeconfig="${CLUSTER_DIR}/kubeconfigs/kube-scheduler.kubeconfig" \
  --authentication-kubeconfig="${CLUSTER_DIR}/kubeconfigs/kube-scheduler.kubeconfig" \
  --authorization-kubeconfig="${CLUSTER_DIR}/kubeconfigs/kube-scheduler.kubeconfig" \
  --bind-address="${HOST}" \
  --secure-port="${SCHEDULER_PORT}" \
  --leader-elect=false \
  --profiling=false

# kwok: upstream's stages and metrics, as kwokctl configures them (see build.sh, share/kwok).
# KWOK_WORKDIR keeps kwok from also loading a ~/.kwok/kwok.yaml that a developer may have.
{
  for f in node-initialize node-heartbeat-with-lease pod-ready pod-complete pod-delete metrics-resource usage-from-annotation; do
    echo "---"
    cat "${SHARE}/kwok/${f}.yaml"
  done
} >"${CLUSTER_DIR}/kwok/kwok.yaml"
# --manage-nodes-with-annotation-selector: kwok plays only nodes annotated kwok.x-k8s.io/node=fake;
#   removing the annotation makes it drop the node: no more Lease renewals, so the node goes NotReady
#   after the node-monitor-grace-period, like a dead kubelet.
# --node-lease-duration-seconds=40: as the kubelet; kwok renews every quarter of it (10 s).
# --cidr: pod IPs handed out by kwok, on loopback.
# -v: kwok logs a warning for every scrape of a node without pods; ERROR keeps the log small.
write_run kwok env "KWOK_WORKDIR=${CLUSTER_DIR}/kwok" "${BIN}/kwok" \
  -v="${FULCRUM_CLUSTER_KWOK_LOG_LEVEL:-ERROR}" \
  --config="${CLUSTER_DIR}/kwok/kwok.yaml" \
  --kubeconfig="${CLUSTER_DIR}/kubeconfigs/kwok.kubeconfig" \
  --manage-all-nodes=false \
  --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
  --node-ip="${HOST}" \
  --node-port="${KWOK_PORT}" \
  --server-address="${HOST}:${KWOK_PORT}" \
  --tls-cert-file="${PKI}/kwok.crt" \
  --tls-private-key-file="${PKI}/kwok.key" \
  --cidr="${POD_CIDR}" \
  --node-lease-duration-seconds=40

# metrics-server runs outside the cluster: it scrapes kwok at each node's ExternalIP and
# daemonEndpoints port (kwok's server), at the path in the node annotation
# metrics.k8s.io/resource-metrics-path. --kubelet-insecure-tls as in kwokctl's setup.
write_run metrics-server "${BIN}/metrics-server" \
  --kubeconfig="${CLUSTER_DIR}/kubeconfigs/metrics-server.kubeconfig" \
  --authentication-kubeconfig="${CLUSTER_DIR}/kubeconfigs/metrics-server.kubeconfig" \
  --authorization-kubeconfig="${CLUSTER_DIR}/kubeconfigs/metrics-server.kubeconfig" \
  --bind-address="${HOST}" \
  --secure-port="${METRICS_SERVER_PORT}" \
  --tls-cert-file="${PKI}/metrics-server.crt" \
  --tls-private-key-file="${PKI}/metrics-server.key" \
  --kubelet-preferred-address-types=ExternalIP \
  --kubelet-use-node-status-port \
  --kubelet-insecure-tls \
  --metric-resolution=15s

# ---------------------------------------------------------------------------------------------
# Start, in dependency order.
# ---------------------------------------------------------------------------------------------
log "starting etcd on ${HOST}:${ETCD_PORT}"
start_component etcd
WAIT_COMPONENT=etcd wait_for "etcd /health" 30 \
  curl -fsS --max-time 2 "http://${HOST}:${ETCD_PORT}/health"

log "starting kube-apiserver on https://${HOST}:${APISERVER_PORT}"
start_component kube-apiserver
wait_apiserver_ready 90
log "kube-apiserver ready after $((SECONDS - t0))s"

log "starting kube-controller-manager, kube-scheduler, kwok"
start_component kube-controller-manager
start_component kube-scheduler
start_component kwok

# Nodes: one apply for all of them (one kubectl process instead of N).
if ((nodes > 0)); then
  for ((i = 0; i < nodes; i++)); do
    echo "---"
    node_manifest "kwok-node-${i}" "$(node_ip "${i}")" 8 32Gi 110 100Gi "" ""
  done >"${CLUSTER_DIR}/nodes.yaml"
  kctl create -f "${CLUSTER_DIR}/nodes.yaml" >/dev/null
fi

if [[ "${metrics_server}" == true ]]; then
  sed -e "s|@PORT@|${METRICS_SERVER_PORT}|g" -e "s|@CA_BUNDLE@|$(b64 "${PKI}/ca.crt")|g" \
    "${here}/manifests/metrics-server.yaml" >"${CLUSTER_DIR}/metrics-server.yaml"
  kctl apply -f "${CLUSTER_DIR}/metrics-server.yaml" >/dev/null
  log "starting metrics-server on https://${HOST}:${METRICS_SERVER_PORT}"
  start_component metrics-server
fi

# Pods need the namespace's default ServiceAccount (created by kube-controller-manager) before
# the ServiceAccount admission plugin lets them in.
WAIT_COMPONENT=kube-controller-manager wait_for "default/default ServiceAccount" 60 \
  kctl get serviceaccount default --namespace default
# One list per poll: `kubectl wait` over many nodes watches them one by one and takes seconds per poll.
all_nodes_ready() {
  local ready
  ready="$(kctl get nodes --selector=type=kwok \
    -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | grep -c '^True$' || true)"
  ((ready >= nodes))
}
if ((nodes > 0)); then
  WAIT_COMPONENT=kwok wait_for "${nodes} Ready nodes" $((60 + nodes / 5)) all_nodes_ready
fi
if [[ "${metrics_server}" == true ]]; then
  # The APIService turns Available once metrics-server serves; metrics themselves follow after
  # its first scrape (metric-resolution 15 s), so `kubectl top` may need a little longer.
  WAIT_COMPONENT=metrics-server wait_for "APIService v1beta1.metrics.k8s.io Available" 60 \
    kctl wait --for=condition=Available apiservice/v1beta1.metrics.k8s.io --timeout=5s
fi

if [[ "${real_nodes}" == 1 ]]; then
  "${here}/real-node.sh" start real-node-0
fi

cat >"${CLUSTER_DIR}/env" <<EOF
# Written by test/cluster/up.sh: source it to use the test cluster.
export PATH="${BIN}:\${PATH}"
export KUBECONFIG="${KUBECONFIG_ADMIN}"
export FULCRUM_TEST_KUBECONFIG="${KUBECONFIG_ADMIN}"
export FULCRUM_CLUSTER_DIR="${CLUSTER_DIR}"
EOF

up_ok=true
log "cluster up in $((SECONDS - t0))s: ${nodes} kwok nodes, ${real_nodes} real; state in ${CLUSTER_DIR}"
echo "export FULCRUM_TEST_KUBECONFIG=${KUBECONFIG_ADMIN}  # or: source ${CLUSTER_DIR}/env"
