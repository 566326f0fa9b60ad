#!/usr/bin/env bash
# Stops the demo's operator and the local control plane.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir="${FULCRUM_CLUSTER_DIR:-/tmp/fulcrum-cluster}"
if [[ -f "${dir}/operator.pid" ]]; then
  kill "$(cat "${dir}/operator.pid")" 2>/dev/null || true
fi
deploy/demo/failover-step.sh --stop 2>/dev/null || true
test/cluster/down.sh
