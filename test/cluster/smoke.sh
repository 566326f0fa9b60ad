#!/usr/bin/env bash
# End-to-end check of the test cluster tooling itself: up, scheduling, pods Running, kubectl top,
# API server restarts, killing and reviving a node, adding a node, down. Takes about 3 minutes
# (most of it waiting out the 50 s node-monitor-grace-period). Prints "N passed, N failed".
#   test/cluster/smoke.sh [--nodes N] [--keep-up]
#
# It runs its own cluster (state dir /tmp/fulcrum-cluster-smoke, ports shifted by 1000) so that it
# never touches a cluster that a developer or a test run is using; override with
# FULCRUM_SMOKE_CLUSTER_DIR / FULCRUM_SMOKE_PORT_OFFSET.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export FULCRUM_CLUSTER_DIR="${FULCRUM_SMOKE_CLUSTER_DIR:-/tmp/fulcrum-cluster-smoke}"
export FULCRUM_CLUSTER_PORT_OFFSET="${FULCRUM_SMOKE_PORT_OFFSET:-1000}"
# shellcheck source=lib.sh
source "${here}/lib.sh"

nodes=10
keep_up=false
while (($#)); do
  case "$1" in
    --nodes) nodes="$2"; shift 2 ;;
    --keep-up) keep_up=true; shift ;;
    *) die "unknown argument: $1" ;;
  esac
done

passed=0 failed=0
check() { # check DESCRIPTION COMMAND...
  local what="$1" start=${SECONDS}
  shift
  if "$@"; then
    passed=$((passed + 1))
    log "PASS ${what} ($((SECONDS - start))s)"
  else
    failed=$((failed + 1))
    log "FAIL ${what} ($((SECONDS - start))s)"
  fi
}
# eventually TIMEOUT_S COMMAND...: retries every second.
eventually() {
  local timeout="$1" start=${SECONDS}
  shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS - start < timeout)) || return 1
    sleep 1
  done
}
finish() {
  if [[ "${keep_up}" == false ]]; then "${here}/down.sh" >/dev/null 2>&1 || true; fi
  echo "${passed} passed, ${failed} failed"
}
trap finish EXIT

"${here}/down.sh" >/dev/null 2>&1 || true
check "up.sh --nodes ${nodes}" "${here}/up.sh" --nodes "${nodes}"
BIN="$(cluster_bin_dir)"

ready_nodes() { kctl get nodes --no-headers | awk '$2 == "Ready"' | wc -l; }
check "${nodes} nodes Ready" test "$(ready_nodes)" -eq "${nodes}"
check "node InternalIPs are on loopback" \
  bash -c "! '${BIN}/kubectl' --kubeconfig '${KUBECONFIG_ADMIN}' get nodes -o jsonpath='{.items[*].status.addresses[*].address}' | tr ' ' '\n' | grep -Ev '^(127\.|kwok-node-)'"

kctl create deployment smoke --image=registry.invalid/smoke:1 --replicas=5 >/dev/null
kctl patch deployment smoke --type merge -p \
  '{"spec":{"template":{"metadata":{"annotations":{"kwok.x-k8s.io/usage-cpu":"250m","kwok.x-k8s.io/usage-memory":"300Mi"}}}}}' >/dev/null
check "Deployment with 5 replicas rolls out" kctl rollout status deployment/smoke --timeout=60s
running_pods() { kctl get pods -l app=smoke --field-selector=status.phase=Running --no-headers | wc -l; }
check "5 pods Running on kwok nodes" test "$(running_pods)" -eq 5

has_node_metrics() { kctl top nodes --no-headers | grep -q '250m'; }
check "kubectl top nodes shows the ClusterResourceUsage" eventually 90 has_node_metrics

check "restart-apiserver.sh (SIGTERM)" "${here}/restart-apiserver.sh"
check "restart-apiserver.sh --kill" "${here}/restart-apiserver.sh" --kill
kctl scale deployment smoke --replicas=7 >/dev/null
check "controllers work after API server restarts (scale to 7)" \
  kctl rollout status deployment/smoke --timeout=90s

victim=kwok-node-0
renew_time() { kctl get lease "${victim}" --namespace kube-node-lease -o jsonpath='{.spec.renewTime}'; }
node_ready() { kctl get node "${victim}" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}'; }
"${here}/kill-node.sh" "${victim}"
killed_at=${SECONDS}
before="$(renew_time)"
sleep 15
check "killed node's Lease is not renewed for 15 s" test "$(renew_time)" == "${before}"
# Unknown (no heartbeat) or False; an empty answer (API server unreachable) does not count.
not_ready() { [[ "$(node_ready)" =~ ^(Unknown|False)$ ]]; }
check "killed node goes NotReady" eventually 90 not_ready
log "node ${victim} NotReady $((SECONDS - killed_at))s after kill-node.sh"
check "other nodes stay Ready" test "$(ready_nodes)" -eq $((nodes - 1))
check "revive-node.sh" "${here}/revive-node.sh" "${victim}"

check "add-node.sh with custom allocatable" \
  "${here}/add-node.sh" smoke-big --cpu 64 --memory 256Gi --labels fulcrum.io/pool=smoke
check "added node has cpu 64" test "$(kctl get node smoke-big -o jsonpath='{.status.allocatable.cpu}')" == 64

if [[ "${keep_up}" == false ]]; then
  "${here}/down.sh" >/dev/null
  check "down.sh removes the state dir" test ! -e "${CLUSTER_DIR}"
  check "down.sh frees the API server port" bash -c "! (: </dev/tcp/${HOST}/${APISERVER_PORT}) 2>/dev/null"
  keep_up=true # already down; nothing for the EXIT trap to do
fi
((failed == 0))
