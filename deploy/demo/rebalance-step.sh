#!/usr/bin/env bash
# One demo step: a node gets hot and Fulcrum relieves it by moving pods to cooler nodes of its pool.
#
#   deploy/demo/rebalance-step.sh            (after deploy/demo/demo.sh, with its cluster and operator running)
#   deploy/demo/rebalance-step.sh --clean    removes what this step created (pool, namespace, nodes)
#
# Self-contained: it adds four simulated nodes of its own (pool `rebalance-demo`, load = CPU only), puts a
# small pod on each, then four busy pods (1500m of emulated CPU each, kwok.x-k8s.io/usage-cpu) straight onto
# the first node: 75 % CPU against a pool mean near 22 %. The busy pods belong to Deployments naming
# `schedulerName: fulcrum`, so their replacements are placed by Fulcrum. metrics-server reports the usage
# (two 15 s scrapes), the operator sees the node hot for two intervals, evicts one pod per interval and node
# cooldown, and the pool turns Balanced. Takes two to three minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PWD/node_modules/.bin:$PATH"
export FULCRUM_CLUSTER_DIR="${FULCRUM_CLUSTER_DIR:-/tmp/fulcrum-cluster}"
# shellcheck disable=SC1091
source "${FULCRUM_CLUSTER_DIR}/env"

pool=rebalance-demo
ns=rebalance-demo
nodes=(rebalance-demo-0 rebalance-demo-1 rebalance-demo-2 rebalance-demo-3)
hot="${nodes[0]}"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
condition() { kubectl get rpool "${pool}" -o jsonpath="{.status.conditions[?(@.type==\"$1\")].status} ({.status.conditions[?(@.type==\"$1\")].reason}): {.status.conditions[?(@.type==\"$1\")].message}"; }
pods_wide() { kubectl get pods -n "${ns}" -o custom-columns='POD:.metadata.name,NODE:.spec.nodeName,CPU:.metadata.annotations.kwok\.x-k8s\.io/usage-cpu,PHASE:.status.phase' --sort-by=.spec.nodeName; }
node_cpu() { kubectl top nodes --no-headers 2>/dev/null | grep "^${pool}-" | awk '{printf "  %s %s (%s)\n", $1, $2, $3}' || true; }

if [[ "${1:-}" == "--clean" ]]; then
  kubectl delete rpool "${pool}" --ignore-not-found
  kubectl delete namespace "${ns}" --ignore-not-found --wait=false
  kubectl delete nodes -l "fulcrum.io/pool=${pool}" --ignore-not-found --wait=false
  exit 0
fi

kubectl get rpool "${pool}" >/dev/null 2>&1 && { echo "pool ${pool} exists: run $0 --clean first" >&2; exit 1; }

step "Adding ${#nodes[@]} nodes of 8 CPU for pool ${pool}"
for n in "${nodes[@]}"; do
  kubectl get node "${n}" >/dev/null 2>&1 || test/cluster/add-node.sh "${n}" --cpu 8 --memory 32Gi \
    --labels "fulcrum.io/pool=${pool}" --no-wait >/dev/null
done
kubectl wait --for=condition=Ready --timeout=90s "${nodes[@]/#/node/}" >/dev/null
kubectl create namespace "${ns}" >/dev/null
kubectl create serviceaccount default -n "${ns}" >/dev/null 2>&1 || true

step "A small pod (400m) on every node, four busy pods (1500m each) bound straight to ${hot}"
for n in "${nodes[@]}"; do
  kubectl apply -n "${ns}" -f - >/dev/null <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: base-${n}
  annotations: {kwok.x-k8s.io/usage-cpu: 400m, kwok.x-k8s.io/usage-memory: 64Mi}
spec:
  nodeName: ${n}
  terminationGracePeriodSeconds: 0
  containers: [{name: main, image: registry.invalid/app, resources: {requests: {cpu: 100m, memory: 64Mi}}}]
EOF
done
for i in 1 2 3 4; do
  kubectl apply -n "${ns}" -f - >/dev/null <<EOF
apiVersion: apps/v1
kind: Deployment
metadata: {name: busy-${i}}
spec:
  replicas: 1
  selector: {matchLabels: {app: busy-${i}}}
  template:
    metadata:
      labels: {app: busy-${i}, fulcrum.io/pool: ${pool}}
      annotations: {kwok.x-k8s.io/usage-cpu: 1500m, kwok.x-k8s.io/usage-memory: 64Mi}
    spec:
      schedulerName: fulcrum
      terminationGracePeriodSeconds: 0
      containers: [{name: main, image: registry.invalid/app, resources: {requests: {cpu: 100m, memory: 64Mi}}}]
EOF
done
# The pool does not exist yet, so Fulcrum leaves the busy pods pending: bind them ourselves, as a scheduler
# that ignores load would.
for i in 1 2 3 4; do
  pod=""
  for _ in $(seq 1 100); do
    pod="$(kubectl get pods -n "${ns}" -l "app=busy-${i}" -o jsonpath='{.items[0].metadata.name}' 2>/dev/null || true)"
    [[ -n "${pod}" ]] && break
    sleep 0.2
  done
  kubectl create -n "${ns}" -f - >/dev/null <<EOF
apiVersion: v1
kind: Binding
metadata: {name: ${pod}}
target: {apiVersion: v1, kind: Node, name: ${hot}}
EOF
done
kubectl wait --for=condition=Ready --timeout=60s pods --all -n "${ns}" >/dev/null
pods_wide

step "Creating pool ${pool}: interval 10s, hot 10 points above the mean for 2 intervals, cooldown 30s"
kubectl apply -f - >/dev/null <<EOF
apiVersion: fulcrum.io/v1alpha1
kind: ResourcePool
metadata: {name: ${pool}}
spec:
  nodeSelector: {matchLabels: {fulcrum.io/pool: ${pool}}}
  weights: {cpu: 1, memory: 0, ephemeralStorage: 0, network: 0}
  allocation: {strategy: LeastLoaded, basis: Usage}
  rebalancing: {mode: Enforce, interval: 10s, tolerance: 10, recoveryTolerance: 5, consecutive: 2,
                minPodAge: 5s, cooldown: 30s, metricsWindow: 15s}
  failover: {mode: "Off"}
EOF

step "Watching: metrics-server needs two scrapes (about 30 s), then Fulcrum moves a pod per cooldown"
start=$(date +%s)
while :; do
  balanced="$(kubectl get rpool "${pool}" -o jsonpath='{.status.conditions[?(@.type=="Balanced")].status}' 2>/dev/null || true)"
  evicted="$(kubectl get rpool "${pool}" -o jsonpath='{.status.counters.evictions}' 2>/dev/null || true)"
  printf '\n[%3ds] Balanced %s\n' $(($(date +%s) - start)) "$(condition Balanced)"
  node_cpu
  [[ "${balanced}" == True && "${evicted:-0}" -ge 1 ]] && break
  (($(date +%s) - start > 300)) && { echo "not balanced after 5 minutes: see the operator log" >&2; exit 1; }
  sleep 10
done

step "Relieved: where the busy pods run now"
pods_wide
step "What Fulcrum did (status.lastActions, newest first) and said (Events)"
kubectl get rpool "${pool}" -o jsonpath='{range .status.lastActions[*]}{.time}  {.action}  {.pod}  {.node} -> {.targetNode}{"\n"}{end}'
kubectl get events -n "${ns}" --field-selector reason=Evict -o custom-columns='TIME:.lastTimestamp,MESSAGE:.message' 2>/dev/null | cut -c1-160
echo
echo "Clean up with: $0 --clean"
