#!/usr/bin/env bash
# Stops every process that up.sh started (by its pidfile, never by name) and removes the state dir.
#   test/cluster/down.sh [--keep]   --keep: stop the processes but keep logs/certs/data for a post-mortem
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "${here}/lib.sh"

keep=false
[[ "${1:-}" == "--keep" ]] && keep=true

# The real node first, while the API server still answers: it kills its containers, unmounts, and
# puts back the host settings the kubelet changed (a no-op without a real node).
"${here}/real-node.sh" stop
if [[ -d "${PIDS}" ]]; then
  # All at once (SIGTERM, SIGKILL after 5 s): the state is thrown away, so a clean shutdown buys
  # nothing, and stopping them one group after another took 8 s instead of 3.
  for c in metrics-server kwok kube-scheduler kube-controller-manager kube-apiserver etcd; do
    is_running "${c}" && log "stopping ${c} (pid $(pid_of "${c}"))"
  done
  stop_components 5 metrics-server kwok kube-scheduler kube-controller-manager kube-apiserver etcd
fi
if [[ "${keep}" == false ]]; then
  remove_state_dir
  log "cluster down; removed ${CLUSTER_DIR}"
else
  log "cluster down; kept ${CLUSTER_DIR}"
fi
