#!/usr/bin/env bash
# Starts a fresh local control plane, runs the integration suite against it, and always tears it down.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
export FULCRUM_CLUSTER_DIR="${FULCRUM_CLUSTER_DIR:-/tmp/fulcrum-cluster}"

test/cluster/down.sh >/dev/null 2>&1 || true
trap 'test/cluster/down.sh >/dev/null 2>&1 || true' EXIT
test/cluster/up.sh --nodes "${NODES:-10}"
# shellcheck disable=SC1091
source "$FULCRUM_CLUSTER_DIR/env"
node --experimental-vm-modules node_modules/jest/bin/jest.js --selectProjects integration --runInBand "$@"
