#!/usr/bin/env bash
# A real node beside the kwok nodes: containerd 2.x + Debian's runc + a kubelet of the control plane's
# version, joined to the running test cluster. Only loopback and link-local addresses: nothing leaves the
# machine. Run by up.sh --real-nodes 1 and down.sh; needs root (namespaces, cgroups, mounts).
#
#   test/cluster/real-node.sh start [NAME]   (default real-node-0) start and wait until the Node is Ready
#   test/cluster/real-node.sh stop           stop containers, kubelet, containerd; unmount; restore the host
#   test/cluster/real-node.sh import TAR     import an OCI archive into the node's containerd (k8s.io namespace)
#   test/cluster/real-node.sh probe-address add|del IP...   a kwok node's host (IP in REAL_NODE_PROBE_CIDR)
#                                            comes up or goes away, for the pods' probes (add-node.sh,
#                                            kill-node.sh and revive-node.sh call it for such nodes)
#
# State (containerd root/state, kubelet root, CNI config, logs) lives under ${FULCRUM_CLUSTER_DIR}/node.
# What the kubelet and containerd change outside it, with no way to point them elsewhere, is recorded at
# start and put back at stop: the sysctls the kubelet sets (kernel.panic, kernel.panic_on_oops,
# vm.overcommit_memory, vm.panic_on_oom, kernel.keys.*), /var/lib/kubelet (device-plugin and pod-resources
# sockets), /var/lib/cni (CNI cache), /run/containerd (shim sockets), and the kubepods cgroups.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "${here}/lib.sh"

NODE_DIR="${CLUSTER_DIR}/node"
CTR_SOCK="${NODE_DIR}/containerd/containerd.sock"
PAUSE_IMAGE="fulcrum.local/pause:1"
HOST_PATHS=(/var/lib/kubelet /var/lib/cni /run/containerd)
KUBELET_SYSCTLS=(kernel.panic kernel.panic_on_oops vm.overcommit_memory vm.panic_on_oom kernel.keys.root_maxkeys kernel.keys.root_maxbytes)

node_bin_dir() { "${here}/build-node.sh" --print-bin-dir; }

ctr_k8s() { "$(node_bin_dir)/ctr" --address "${CTR_SOCK}" --namespace k8s.io "$@"; }

# ensure_packages: Debian's runc (1.1.x works with containerd 2.x's runc shim) and CNI plugins (bridge,
# host-local, loopback), installed when missing: CI starts from a fresh machine, and we are root here anyway.
ensure_packages() {
  local missing=()
  command -v runc >/dev/null || missing+=(runc)
  [[ -x /usr/lib/cni/bridge && -x /usr/lib/cni/host-local && -x /usr/lib/cni/loopback ]] || missing+=(containernetworking-plugins)
  command -v ip >/dev/null || missing+=(iproute2)
  ((${#missing[@]} == 0)) && return 0
  log "installing ${missing[*]} from Debian"
  apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null; }
}

# record_host_state: what stop must put back (written once, before anything is started).
record_host_state() {
  local s p
  : >"${NODE_DIR}/host-sysctls"
  for s in "${KUBELET_SYSCTLS[@]}"; do
    echo "${s}=$(sysctl -n "${s}")" >>"${NODE_DIR}/host-sysctls"
  done
  : >"${NODE_DIR}/host-paths-created"
  for p in "${HOST_PATHS[@]}"; do
    [[ -e "${p}" ]] || echo "${p}" >>"${NODE_DIR}/host-paths-created"
  done
}

# write_pause_image: an OCI archive of the sandbox image, made by hand (one layer holding build-node.sh's
# static pause binary): no registry is reachable, and the CRI needs its sandbox image locally.
write_pause_image() {
  local work="${NODE_DIR}/pause-image" layer config manifest
  rm -rf "${work}" && mkdir -p "${work}/rootfs" "${work}/oci/blobs/sha256"
  install -m 0755 "$(node_bin_dir)/pause" "${work}/rootfs/pause"
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "${work}/rootfs" -cf "${work}/layer.tar" pause
  layer="$(sha256sum <"${work}/layer.tar" | cut -d' ' -f1)"
  mv "${work}/layer.tar" "${work}/oci/blobs/sha256/${layer}"
  printf '{"architecture":"amd64","os":"linux","config":{"Entrypoint":["/pause"],"User":"65535:65535"},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "${layer}" >"${work}/config.json"
  config="$(sha256sum <"${work}/config.json" | cut -d' ' -f1)"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%d}]}' \
    "${config}" "$(stat -c %s "${work}/config.json")" "${layer}" "$(stat -c %s "${work}/oci/blobs/sha256/${layer}")" >"${work}/manifest.json"
  manifest="$(sha256sum <"${work}/manifest.json" | cut -d' ' -f1)"
  mv "${work}/config.json" "${work}/oci/blobs/sha256/${config}"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%d,"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"}}]}' \
    "${manifest}" "$(stat -c %s "${work}/manifest.json")" "${PAUSE_IMAGE}" "${PAUSE_IMAGE##*:}" >"${work}/oci/index.json"
  mv "${work}/manifest.json" "${work}/oci/blobs/sha256/${manifest}"
  echo '{"imageLayoutVersion":"1.0.0"}' >"${work}/oci/oci-layout"
  tar -C "${work}/oci" -cf "${work}/pause.tar" .
  echo "${work}/pause.tar"
}

# setup_pod_network SERVICE_IP: the bridge the pods' veths join, made here (not by the CNI plugin) so that it
# holds two host addresses before any pod exists: the pods' gateway (first IP of REAL_NODE_POD_CIDR) and the
# kubernetes Service's ClusterIP, where tcp-forward listens. No physical port, no ip_forward, no NAT: a pod
# reaches the host's addresses on the bridge and nothing else.
setup_pod_network() {
  local service_ip="$1"
  ip link show "${REAL_NODE_BRIDGE}" >/dev/null 2>&1 && die "network interface ${REAL_NODE_BRIDGE} exists (another real node?)"
  ip link add "${REAL_NODE_BRIDGE}" type bridge
  echo "${REAL_NODE_BRIDGE}" >"${NODE_DIR}/host-links-created"
  ip addr add "${REAL_NODE_POD_CIDR%.*/*}.1/${REAL_NODE_POD_CIDR#*/}" dev "${REAL_NODE_BRIDGE}"
  ip addr add "${service_ip}/32" dev "${REAL_NODE_BRIDGE}"
  ip link set "${REAL_NODE_BRIDGE}" up
}

# write_cni_config SERVICE_CIDR: the CNI `bridge` plugin on that bridge, host-local IPAM (its state under the
# node dir; pod addresses end at .250, the probe hosts' gateway is .254), two routes: the Service range via
# the bridge's host address, the kwok nodes' probe range via the probe hosts' namespace (setup_probe_hosts). isGateway false: the plugin would otherwise add
# a default route and turn on the host's ip_forward. (containerd adds the pod's loopback itself.)
write_cni_config() {
  mkdir -p "${NODE_DIR}/cni/net.d"
  cat >"${NODE_DIR}/cni/net.d/10-fulcrum.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "fulcrum-pods",
  "plugins": [{
    "type": "bridge",
    "bridge": "${REAL_NODE_BRIDGE}",
    "isGateway": false,
    "ipMasq": false,
    "ipam": {
      "type": "host-local",
      "dataDir": "${NODE_DIR}/cni/ipam",
      "ranges": [[{"subnet": "${REAL_NODE_POD_CIDR}", "gateway": "${REAL_NODE_POD_CIDR%.*/*}.1", "rangeEnd": "${REAL_NODE_POD_CIDR%.*/*}.250"}]],
      "routes": [{"dst": "$1", "gw": "${REAL_NODE_POD_CIDR%.*/*}.1"}, {"dst": "${REAL_NODE_PROBE_CIDR}", "gw": "${REAL_NODE_PROBE_GATEWAY}"}]
    }
  }]
}
EOF
}

# setup_probe_hosts: the kwok nodes' hosts as the pods see them. A network namespace of its own, made by
# unshare for probe-hosts.mjs (its first and only process: the namespace goes when it stops), joined to the
# bridge by a veth pair; inside, REAL_NODE_PROBE_GATEWAY on the veth and each live node's probe address on
# lo (probe-address add). Pods route REAL_NODE_PROBE_CIDR to the gateway: the packets cross the bridge
# from one namespace to the other and are answered there, never forwarded (ip_forward is off in both), and
# the host holds no address of that range, so nothing of it can leave the machine.
setup_probe_hosts() {
  local node pid
  node="$(command -v node)" || die "node (Node.js) not on PATH: the probe hosts run probe-hosts.mjs"
  write_run probe-hosts unshare --net -- "${node}" "${here}/probe-hosts.mjs" 10250
  start_component probe-hosts
  pid="$(pid_of probe-hosts)"
  wait_for "the probe hosts' namespace" 10 probe_netns_ready "${pid}"
  ip link add "${REAL_NODE_BRIDGE}-probes" type veth peer name eth0 netns "${pid}"
  echo "${REAL_NODE_BRIDGE}-probes" >>"${NODE_DIR}/host-links-created"
  ip link set "${REAL_NODE_BRIDGE}-probes" master "${REAL_NODE_BRIDGE}" up
  in_probe_hosts ip addr add "${REAL_NODE_PROBE_GATEWAY}/${REAL_NODE_POD_CIDR#*/}" dev eth0
  in_probe_hosts ip link set eth0 up
  in_probe_hosts ip link set lo up
}

# probe_netns_ready PID: PID runs in a network namespace other than ours (unshare has exec'd node).
probe_netns_ready() {
  [[ "$(readlink "/proc/$1/ns/net" 2>/dev/null)" != "$(readlink /proc/self/ns/net)" ]] &&
    [[ "$(readlink "/proc/$1/exe" 2>/dev/null)" != */unshare ]]
}

# in_probe_hosts CMD...: runs CMD in the probe hosts' network namespace.
in_probe_hosts() {
  local pid
  pid="$(pid_of probe-hosts)" && kill -0 "${pid}" 2>/dev/null || die "the probe hosts are not running (a real node started by up.sh --real-nodes 1?)"
  nsenter --net="/proc/${pid}/ns/net" "$@"
}

# probe_address add|del IP...: the kwok node with that probe address comes up (its address answers) or dies.
probe_address() {
  local action="$1" ip
  shift
  [[ "${action}" == add || "${action}" == del ]] || die "usage: real-node.sh probe-address add|del IP..."
  for ip in "$@"; do
    in_probe_range "${ip}" || die "${ip} is not in ${REAL_NODE_PROBE_CIDR}"
    if [[ "${action}" == add ]]; then
      in_probe_hosts ip addr replace "${ip}/32" dev lo
    else
      in_probe_hosts ip addr del "${ip}/32" dev lo 2>/dev/null || true
    fi
  done
}

# write_containerd_config: config version 3 (containerd 2.x). restrict_oom_score_adj: this VM lacks
# CAP_SYS_RESOURCE, and runc fails ("can't get final child's PID from pipe") when asked for an
# oom_score_adj below containerd's own. netns_mounts_under_state_dir: pods' netns files under the node
# dir, not /run/netns.
write_containerd_config() {
  mkdir -p "${NODE_DIR}/containerd"
  cat >"${NODE_DIR}/containerd/config.toml" <<EOF
version = 3
root = "${NODE_DIR}/containerd/root"
state = "${NODE_DIR}/containerd/state"
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.blockfile", "io.containerd.snapshotter.v1.erofs"]

[grpc]
  address = "${CTR_SOCK}"
[ttrpc]
  address = "${CTR_SOCK}.ttrpc"
[plugins.'io.containerd.cri.v1.runtime']
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  disable_apparmor = true
  [plugins.'io.containerd.cri.v1.runtime'.containerd]
    default_runtime_name = 'runc'
    [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
      runtime_type = 'io.containerd.runc.v2'
      [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
        BinaryName = '$(command -v runc)'
        SystemdCgroup = false
  [plugins.'io.containerd.cri.v1.runtime'.cni]
    bin_dirs = ['/usr/lib/cni']
    conf_dir = '${NODE_DIR}/cni/net.d'
[plugins.'io.containerd.cri.v1.images']
  snapshotter = 'overlayfs'
  [plugins.'io.containerd.cri.v1.images'.pinned_images]
    sandbox = '${PAUSE_IMAGE}'
[plugins.'io.containerd.grpc.v1.cri']
  stream_server_address = '127.0.0.1'
EOF
}

# write_kubelet_config NAME PORT HEALTHZ_PORT
# - failCgroupV1: false: this VM has cgroup v1, which the kubelet refuses otherwise (v1 support is in
#   maintenance mode); cgroupDriver cgroupfs (no systemd here).
# - its own port (not 10250, which tests use for probe listeners) and a serving certificate for 127.0.0.1
#   signed by the cluster CA: the API server dials the node's ExternalIP (127.0.0.1) for logs/exec.
# - x509 + webhook authn/authz, as kubeadm sets up; eviction thresholds low: this shared disk is not the
#   node's own, and evicting test pods for it would only make tests flaky.
write_kubelet_config() {
  local name="$1" port="$2" healthz="$3"
  mkdir -p "${NODE_DIR}/kubelet/root"
  cat >"${NODE_DIR}/kubelet/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
failCgroupV1: false
cgroupDriver: cgroupfs
containerRuntimeEndpoint: unix://${CTR_SOCK}
address: ${HOST}
port: ${port}
readOnlyPort: 0
healthzBindAddress: ${HOST}
healthzPort: ${healthz}
tlsCertFile: ${PKI}/${name}-serving.crt
tlsPrivateKeyFile: ${PKI}/${name}-serving.key
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: ${PKI}/ca.crt}
authorization:
  mode: Webhook
clusterDomain: cluster.local
failSwapOn: false
staticPodPath: ""
serializeImagePulls: false
evictionHard: {memory.available: "50Mi", nodefs.available: "1%", imagefs.available: "1%", nodefs.inodesFree: "1%"}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
nodeStatusUpdateFrequency: 10s
EOF
}

# create_node NAME: the Node object before the kubelet starts, with 127.0.0.1 as InternalIP and
# ExternalIP. The kubelet refuses a loopback --node-ip; with --cloud-provider=external it leaves the
# addresses alone (a cloud controller would own them), so these stay.
create_node() {
  local name="$1"
  kctl apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Node
metadata:
  name: ${name}
  labels:
    type: real
    kubernetes.io/arch: amd64
    kubernetes.io/os: linux
    kubernetes.io/hostname: ${name}
status:
  addresses:
  - {type: InternalIP, address: ${HOST}}
  - {type: ExternalIP, address: ${HOST}}
  - {type: Hostname, address: ${name}}
EOF
  # The kubelet's identity (system:node:NAME in system:nodes) gets the upstream node role, and may ask the
  # API server to authenticate and authorize the clients of its own API (webhook mode).
  kctl apply -f - >/dev/null <<EOF
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: fulcrum-test-nodes}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:node}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: system:nodes}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: fulcrum-test-nodes-auth-delegator}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:auth-delegator}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: system:nodes}]
EOF
}

node_ready() {
  [[ "$(kctl get node "$1" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" == True ]]
}

start() {
  local name="${1:-real-node-0}" nbin
  [[ "$(id -u)" == 0 ]] || die "a real node needs root (namespaces, cgroups, mounts)"
  [[ -d "${NODE_DIR}" ]] && die "${NODE_DIR} exists: a real node is already running (real-node.sh stop first)"
  ensure_packages
  "${here}/build-node.sh" >/dev/null
  nbin="$(node_bin_dir)"
  BIN="$(cluster_bin_dir)"
  mkdir -p "${NODE_DIR}"
  record_host_state

  gen_cert ca "${name}" "/O=system:nodes/CN=system:node:${name}" clientAuth
  gen_cert ca "${name}-serving" "/CN=${name}" serverAuth "IP:${HOST},DNS:${name}"
  write_kubeconfig "${NODE_DIR}/kubelet.kubeconfig" "${name}" "system:node:${name}"
  local service_cidr service_ip
  service_cidr="$(grep -o -- '--service-cluster-ip-range=[^ ]*' "${RUN}/kube-apiserver.sh" | cut -d= -f2)"
  service_ip="${service_cidr%.*/*}.1"
  [[ "${service_cidr}" == 169.254.* ]] || die "Service CIDR ${service_cidr} is loopback: start the cluster with up.sh --real-nodes 1"
  setup_pod_network "${service_ip}"
  setup_probe_hosts
  write_cni_config "${service_cidr}"
  write_containerd_config
  write_kubelet_config "${name}" "${KUBELET_PORT}" "${KUBELET_HEALTHZ_PORT}"
  create_node "${name}"

  # The kubernetes Service's ClusterIP, now an address of the host on the bridge: forward it to the API server.
  write_run apiserver-forward "${nbin}/tcp-forward" "${service_ip}:443" "${HOST}:${APISERVER_PORT}"
  # The shim is found on PATH; runc is Debian's (/usr/sbin).
  write_run containerd env "PATH=${nbin}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    "${nbin}/containerd" --config "${NODE_DIR}/containerd/config.toml"
  write_run kubelet "${nbin}/kubelet" \
    --config="${NODE_DIR}/kubelet/config.yaml" \
    --kubeconfig="${NODE_DIR}/kubelet.kubeconfig" \
    --root-dir="${NODE_DIR}/kubelet/root" \
    --hostname-override="${name}" \
    --cloud-provider=external \
    --v=1
  start_component apiserver-forward
  log "starting containerd ($("${nbin}/containerd" --version | cut -d' ' -f3))"
  start_component containerd
  WAIT_COMPONENT=containerd wait_for "containerd socket" 30 "${nbin}/ctr" --address "${CTR_SOCK}" version
  ctr_k8s images import "$(write_pause_image)" >/dev/null
  log "starting kubelet for node ${name} on ${HOST}:${KUBELET_PORT}"
  start_component kubelet
  WAIT_COMPONENT=kubelet wait_for "node ${name} Ready" 90 node_ready "${name}"
  log "real node ${name} Ready"
}

# node_pids: the containers' init processes and the shims, by the pid files in containerd's state dir, and
# every process whose working directory is in that state dir (a shim runs in its bundle dir, and outlives
# the pid files once containerd has deleted an exited task's bundle). Never by process name: other clusters
# may run the same binaries.
node_pids() {
  local f p cwd
  for f in "${NODE_DIR}"/containerd/state/io.containerd.runtime.v2.task/*/*/{init,shim}.pid; do
    [[ -f "${f}" ]] && cat "${f}" && echo
  done
  for p in /proc/[0-9]*; do
    cwd="$(readlink "${p}/cwd" 2>/dev/null)" || continue
    [[ "${cwd}" == "${NODE_DIR}/containerd/state/"* ]] && echo "${p#/proc/}"
  done
}

# kill_containers: SIGKILL to every pid node_pids finds (collected before any is killed).
kill_containers() {
  local pid
  for pid in $(node_pids | sort -u); do
    [[ "${pid}" =~ ^[0-9]+$ ]] && kill -KILL "${pid}" 2>/dev/null || true
  done
}

# unmount_all: everything mounted below the node dir (overlay rootfs, kubelet volumes, the bind mount
# the kubelet makes of its root dir), deepest first, before the state dir is removed.
unmount_all() {
  local m
  findmnt -rn -o TARGET | awk -v d="${NODE_DIR}/" 'index($0, d) == 1' | sort -r | while read -r m; do
    umount -l "${m}" 2>/dev/null || true
  done
}

# remove_kubepods_cgroups: the kubelet's cgroup tree (/kubepods in every v1 hierarchy), now empty.
remove_kubepods_cgroups() {
  local d
  for d in /sys/fs/cgroup/*/kubepods /sys/fs/cgroup/kubepods; do
    [[ -d "${d}" ]] || continue
    find "${d}" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done
}

restore_host_state() {
  local kv p l
  if [[ -f "${NODE_DIR}/host-links-created" ]]; then
    while read -r l; do ip link del "${l}" 2>/dev/null || true; done <"${NODE_DIR}/host-links-created"
  fi
  if [[ -f "${NODE_DIR}/host-sysctls" ]]; then
    while read -r kv; do sysctl -q -w "${kv}" >/dev/null || true; done <"${NODE_DIR}/host-sysctls"
  fi
  if [[ -f "${NODE_DIR}/host-paths-created" ]]; then
    while read -r p; do
      umount -R -l "${p}" 2>/dev/null || true
      rm -rf "${p}"
    done <"${NODE_DIR}/host-paths-created"
  fi
}

stop() {
  [[ -d "${NODE_DIR}" ]] || return 0
  log "stopping the real node"
  stop_component kubelet 10
  kill_containers
  stop_component containerd 10
  stop_component apiserver-forward 2
  stop_component probe-hosts 2
  kill_containers # a shim that outlived containerd
  sleep 0.5
  unmount_all
  remove_kubepods_cgroups
  restore_host_state
  rm -rf "${NODE_DIR}"
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) stop ;;
  import) ctr_k8s images import "$2" ;;
  probe-address) shift; probe_address "$@" ;;
  *) sed -n '2,16p' "$0"; exit 2 ;;
esac
