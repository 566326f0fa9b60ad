#!/usr/bin/env bash
# Brings nodes killed by kill-node.sh back: deletes their foreign-held Lease, kwok (which still has
# the node in its set) creates a fresh one within its 10 s retry interval, takes the node over again
# and marks it Ready. Waits until the nodes are Ready (--no-wait: return at once).
#   test/cluster/revive-node.sh [--no-wait] NAME...
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "${here}/lib.sh"
wait=true
[[ "${1:-}" == "--no-wait" ]] && wait=false && shift
(($# > 0)) || die "usage: revive-node.sh [--no-wait] NAME..."
BIN="$(cluster_bin_dir)"
for name in "$@"; do
  probe_host add "${name}"
  kctl delete lease "${name}" --namespace kube-node-lease --ignore-not-found >/dev/null
done
if [[ "${wait}" == true ]]; then
  for name in "$@"; do
    # The Lease first, then Ready: the node lifecycle controller needs a renewal to flip it back.
    wait_for "Lease of ${name}" 60 kctl get lease "${name}" --namespace kube-node-lease
    kctl wait --for=condition=Ready "node/${name}" --timeout=90s >/dev/null
  done
fi
log "revived: $*"
