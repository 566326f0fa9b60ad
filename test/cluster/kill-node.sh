#!/usr/bin/env bash
# Simulates the death of kwok nodes: their Lease stops being renewed, so kube-controller-manager marks
# them NotReady (Ready=Unknown) after --node-monitor-grace-period (50 s by default), and kwok stops
# updating them and their pods (pods stay as they were, deletions hang in Terminating, as with a
# dead kubelet). Returns at once; it does not wait for NotReady.
#   test/cluster/kill-node.sh NAME...
# Undo with revive-node.sh. A test that runs a probe listener on the node's InternalIP stops it itself; a
# node whose InternalIP is one of the real node's probe hosts (REAL_NODE_PROBE_CIDR) loses that host here.
#
# How: the node's Lease in kube-node-lease is taken over by a foreign holder with a one-day duration.
# kwok renews only Leases it holds, and it treats nodes whose Lease it does not hold as read-only.
# Why not just remove the kwok.x-k8s.io/node annotation: kwok v0.8.0 filters its node informer
# by that annotation, but an update that stops matching is dropped rather than turned into a
# delete, so kwok keeps renewing the Lease (verified); only a kwok restart would forget the node,
# and a restarted kwok (new random holder identity) leaves every other node's Lease unrenewed
# until it expires, 40 s, close to the 50 s grace period.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "${here}/lib.sh"
(($# > 0)) || die "usage: kill-node.sh NAME..."
BIN="$(cluster_bin_dir)"
for name in "$@"; do
  kctl get node "${name}" >/dev/null
  probe_host del "${name}"
  kctl patch lease "${name}" --namespace kube-node-lease --type merge \
    -p '{"spec":{"holderIdentity":"fulcrum-test/killed","leaseDurationSeconds":86400}}' >/dev/null
  log "node ${name} killed: its Lease is no longer renewed"
done
