#!/usr/bin/env bash
# One demo step: a node of the `general` pool dies and Fulcrum moves its pods within seconds.
#
#   deploy/demo/failover-step.sh            (after deploy/demo/demo.sh, with its cluster and operator running)
#   deploy/demo/failover-step.sh --stop     stops the probe listeners this step started
#
# The general pool probes its nodes with TCP on port 10250 at their InternalIP (127.1.x.y here). Simulated
# nodes have no kubelet there, so this step first starts a tiny TCP listener per general node, one process
# each (pidfiles in $FULCRUM_CLUSTER_DIR/probe-listeners/), which exits by itself once the cluster is gone.
# Then it kills one node that runs checkout pods: its listener stops (the host is dead) and kwok stops
# renewing its Lease (test/cluster/kill-node.sh). It prints the pods before and after, the node's fence and the
# pool's FailoverActive condition; then it brings the node back and shows it unfenced.
# Meanwhile `fulcrum status general --watch` runs in a detached tmux pane (when tmux is installed); the step
# captures that pane once the pods have moved and prints it: the live view an operator would have watched
# (saved as $FULCRUM_CLUSTER_DIR/status-during-failover.txt; docs/status-during-failover.md holds one).
# Only 127.0.0.0/8 is listened on.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PWD/node_modules/.bin:$PATH"
export FULCRUM_CLUSTER_DIR="${FULCRUM_CLUSTER_DIR:-/tmp/fulcrum-cluster}"
# shellcheck disable=SC1091
source "${FULCRUM_CLUSTER_DIR}/env"
listeners="${FULCRUM_CLUSTER_DIR}/probe-listeners"
port=10250

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

start_listener() { # NODE IP
  mkdir -p "${listeners}"
  [[ "$2" == 127.* ]] || { echo "refusing non-loopback address $2" >&2; exit 1; }
  node -e '
    const net = require("node:net"), fs = require("node:fs");
    const [ip, port, apiserverPid] = process.argv.slice(1);
    net.createServer((s) => s.end()).listen(Number(port), ip);
    // Exit with the cluster: down.sh removes the state dir, pidfile included.
    setInterval(() => fs.existsSync(apiserverPid) || process.exit(0), 2000);
  ' "$2" "${port}" "${FULCRUM_CLUSTER_DIR}/pids/kube-apiserver.pid" >/dev/null 2>&1 &
  echo $! >"${listeners}/$1.pid"
}

stop_listener() { # NODE
  local pidfile="${listeners}/$1.pid"
  [[ -f "${pidfile}" ]] || return 0
  kill "$(cat "${pidfile}")" 2>/dev/null || true
  rm -f "${pidfile}"
}

if [[ "${1:-}" == "--stop" ]]; then
  for pidfile in "${listeners}"/*.pid; do [[ -e "${pidfile}" ]] && stop_listener "$(basename "${pidfile}" .pid)"; done
  exit 0
fi

general_nodes() { kubectl get nodes -l fulcrum.io/pool=general -o jsonpath='{range .items[*]}{.metadata.name}{" "}{.status.addresses[?(@.type=="InternalIP")].address}{"\n"}{end}'; }
condition() { kubectl get rpool general -o jsonpath="{.status.conditions[?(@.type==\"$1\")].status} ({.status.conditions[?(@.type==\"$1\")].reason}): {.status.conditions[?(@.type==\"$1\")].message}"; }
fenced() { [[ "$(kubectl get node "$1" -o jsonpath='{.spec.unschedulable}{.metadata.annotations.fulcrum\.io/fenced-by}')" == 'true{'* ]]; }
# `fulcrum status --watch` in a detached tmux pane of a fixed size, on a tmux server of its own (-L).
watch_session=""
start_status_watch() {
  command -v tmux >/dev/null || { echo "(tmux is not installed: no live fulcrum status view)"; return 0; }
  watch_session="fulcrum-demo-$$"
  tmux -L fulcrum-demo new-session -d -s "${watch_session}" -x 200 -y 50 \
    "node dist/src/cli/main.js status general --watch --interval 1 --kubeconfig '${KUBECONFIG}'"
}
# Prints the pane as it is now (long lines joined, trailing blanks dropped), saves it to FILE, closes the session.
capture_status_watch() { # FILE
  [[ -n "${watch_session}" ]] || return 0
  tmux -L fulcrum-demo capture-pane -p -J -t "${watch_session}" | sed -e 's/[[:space:]]*$//' |
    sed -e ':a' -e '/^\n*$/{$d;N;ba' -e '}' >"$1"
  tmux -L fulcrum-demo kill-session -t "${watch_session}" 2>/dev/null || true
  watch_session=""
  cat "$1"
}
trap 'capture_status_watch /dev/null >/dev/null' EXIT
elapsed() { local ms=$((($(date +%s%N) - start) / 1000000)); printf '%d.%d s' $((ms / 1000)) $((ms % 1000 / 100)); }

step "Starting a probe listener on port ${port} of every general node (its 'kubelet')"
while read -r name ip; do
  [[ -n "${name}" && ! -f "${listeners}/${name}.pid" ]] && start_listener "${name}" "${ip}"
  echo "  ${name} ${ip}:${port}"
done < <(general_nodes)
sleep 3 # a few probe periods (500 ms): every node answers
echo "FailoverActive=$(condition FailoverActive)"

victim="$(kubectl get pods -n checkout -l app=checkout -o jsonpath='{.items[0].spec.nodeName}')"
[[ -n "${victim}" ]] || { echo "no checkout pod is running: run deploy/demo/demo.sh first" >&2; exit 1; }

step "Before: checkout pods and where they run; ${victim} is about to die"
kubectl get pods -n checkout -o wide

start_status_watch
step "Killing ${victim}: its listener stops and kwok stops renewing its Lease"
start="$(date +%s%N)"
stop_listener "${victim}"
test/cluster/kill-node.sh "${victim}"
for _ in $(seq 1 100); do fenced "${victim}" && break; sleep 0.1; done
printf 'fenced after %s: ' "$(elapsed)"
kubectl get node "${victim}" -o jsonpath='unschedulable={.spec.unschedulable} taints={.spec.taints[*].key} marker={.metadata.annotations.fulcrum\.io/fenced-by}{"\n"}'
echo "FailoverActive=$(condition FailoverActive)"

# Replaceable pods are deleted gracefully: the replacements run elsewhere at once, while the old pod stays
# Terminating on the dead node (no kubelet confirms its end) until the node is confirmed down or comes back.
replicas="$(kubectl get deployment -n checkout checkout -o jsonpath='{.spec.replicas}')"
running_elsewhere() {
  kubectl get pods -n checkout -l app=checkout --field-selector "status.phase=Running,spec.nodeName!=${victim}" \
    -o custom-columns=NAME:.metadata.name,DELETING:.metadata.deletionTimestamp --no-headers |
    awk '$2 == "<none>"' | wc -l
}
for _ in $(seq 1 300); do
  (($(running_elsewhere) >= replicas)) && break
  sleep 0.2
done
step "After $(elapsed): all ${replicas} checkout replicas Running on other nodes"
kubectl get pods -n checkout -o wide
echo "FailoverActive=$(condition FailoverActive)"
kubectl get events --field-selector "involvedObject.name=general" -o custom-columns=REASON:.reason,MESSAGE:.message | tail -4

step "What \`fulcrum status general --watch\` showed meanwhile (tmux capture-pane, $(date -u +%H:%M:%S) UTC)"
sleep 1.5 # one more redraw, with the last actions
capture_status_watch "${FULCRUM_CLUSTER_DIR}/status-during-failover.txt"

step "${victim} comes back: listener up, Lease renewed; Fulcrum unfences it"
start_listener "${victim}" "$(kubectl get node "${victim}" -o jsonpath='{.status.addresses[?(@.type=="InternalIP")].address}')"
test/cluster/revive-node.sh "${victim}"
for _ in $(seq 1 100); do fenced "${victim}" || break; sleep 0.2; done
kubectl get node "${victim}"
echo "FailoverActive=$(condition FailoverActive)"
echo
echo "The probe listeners keep running with the cluster (stop them: deploy/demo/failover-step.sh --stop)."
