#!/usr/bin/env bash
# `make demo`: a local cluster of simulated nodes, Fulcrum's CRDs and operator, the examples, and pools
# reporting live numbers. Everything runs on 127.0.0.1; the cluster stays up afterwards for exploring.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PWD/node_modules/.bin:$PATH"
export FULCRUM_CLUSTER_DIR="${FULCRUM_CLUSTER_DIR:-/tmp/fulcrum-cluster}"
NODES="${NODES:-12}"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "Starting a local control plane with ${NODES} simulated nodes (first run builds it: minutes)"
deploy/demo/down.sh >/dev/null 2>&1 || true
test/cluster/up.sh --nodes "${NODES}"
# shellcheck disable=SC1091
source "${FULCRUM_CLUSTER_DIR}/env"

step "Labelling nodes into two pools: general (on-demand) and batch (spot)"
general=$((NODES * 2 / 3))
for ((i = 0; i < NODES; i++)); do
  if ((i < general)); then
    kubectl label node "kwok-node-${i}" fulcrum.io/pool=general --overwrite >/dev/null
  else
    kubectl label node "kwok-node-${i}" fulcrum.io/pool=batch node.kubernetes.io/lifecycle=spot --overwrite >/dev/null
  fi
done
kubectl get nodes -L fulcrum.io/pool

step "Installing the CRDs (kubectl apply --server-side -f crds/)"
kubectl apply --server-side -f crds/
kubectl wait --for=condition=Established crd/resourcepools.fulcrum.io crd/workloadpolicies.fulcrum.io >/dev/null

step "Starting the operator (log: ${FULCRUM_CLUSTER_DIR}/operator.log, metrics: http://127.0.0.1:18080/metrics)"
node dist/src/cli/main.js run --kubeconfig "${KUBECONFIG}" --health-address 127.0.0.1:18080 \
  --lease-namespace default --log-format text >"${FULCRUM_CLUSTER_DIR}/operator.log" 2>&1 &
echo $! >"${FULCRUM_CLUSTER_DIR}/operator.pid"
for _ in $(seq 1 50); do curl -sf http://127.0.0.1:18080/readyz >/dev/null && break; sleep 0.2; done

step "Applying the examples (deploy/examples/)"
kubectl apply -f deploy/examples/namespace-checkout.yaml
kubectl apply -f deploy/examples/

step "Fulcrum places workloads (schedulerName: fulcrum): checkout (6 x 1 CPU) spread over general, batch (8 x 2 CPU) packed"
kubectl apply -f deploy/demo/workloads.yaml
kubectl -n checkout rollout status deployment/checkout --timeout=60s
kubectl rollout status deployment/batch-worker --timeout=60s
echo "Pods per node (general spreads them, LeastLoaded; batch packs them, BinPack, under its 90% CPU ceiling):"
kubectl get pods -A -l 'app in (checkout,batch-worker)' -o jsonpath='{range .items[*]}{.metadata.labels.app}{" "}{.spec.nodeName}{"\n"}{end}' |
  sort | uniq -c
echo "Fulcrum's Scheduled events:"
kubectl get events -n checkout --field-selector reason=Scheduled -o custom-columns=POD:.involvedObject.name,MESSAGE:.message | head -4

step "A pod no batch node can take within the ceilings stays Pending, and Fulcrum says why"
kubectl apply -f deploy/demo/too-big.yaml
for _ in $(seq 1 25); do
  reason="$(kubectl get pod too-big -o jsonpath='{.status.conditions[?(@.type=="PodScheduled")].message}')"
  [[ -n "${reason}" ]] && break
  sleep 0.2
done
kubectl get pod too-big
echo "PodScheduled: ${reason}"

step "Pools, as Fulcrum reports them (watching for 10 s)"
for _ in 1 2 3 4 5; do
  kubectl get resourcepools
  sleep 2
  echo
done
kubectl get workloadpolicies -A

step "What a pool says about itself (kubectl describe resourcepool general, conditions)"
kubectl get resourcepool general -o jsonpath='{range .status.conditions[*]}{.type}={.status} ({.reason}): {.message}{"\n"}{end}'

# A node of the general pool dies: Fulcrum detects it by its probes, fences it and moves its pods.
deploy/demo/failover-step.sh

# A node gets hot from real (emulated) usage: Fulcrum evicts pods from it until the pool is balanced again.
deploy/demo/rebalance-step.sh

cat <<TXT

The cluster and the operator keep running. To explore:
  source ${FULCRUM_CLUSTER_DIR}/env
  kubectl get rpool -w           kubectl explain resourcepool.spec.ceilings
  tail -f ${FULCRUM_CLUSTER_DIR}/operator.log
  cat ${FULCRUM_CLUSTER_DIR}/status-during-failover.txt      # fulcrum status --watch during the failover
  node dist/src/cli/main.js status --watch   # the same live view (installed: kubectl fulcrum status -w)
Stop everything with: make demo-down
TXT
