#!/usr/bin/env bash
# Kills kube-apiserver and starts it again with exactly the same flags and address (its command file
# written by up.sh), then waits until /readyz is ok. Tests use it to prove that informers and
# watches survive an API server restart.
#   test/cluster/restart-apiserver.sh [--down-for SECONDS] [--kill]
#     --down-for S   stay down S seconds before restarting (default 0)
#     --kill         SIGKILL instead of a graceful SIGTERM (a crash rather than a shutdown)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "${here}/lib.sh"

down_for=0
signal=TERM
while (($#)); do
  case "$1" in
    --down-for) down_for="$2"; shift 2 ;;
    --kill) signal=KILL; shift ;;
    *) die "unknown argument: $1" ;;
  esac
done

[[ -x "${RUN}/kube-apiserver.sh" ]] || die "no cluster in ${CLUSTER_DIR} (run up.sh first)"
BIN="$(cluster_bin_dir)"
t0=${SECONDS}
if [[ "${signal}" == KILL ]]; then
  pid="$(pid_of kube-apiserver || true)"
  if [[ -n "${pid}" ]]; then kill -KILL "${pid}" 2>/dev/null || true; fi
fi
# The API server's graceful shutdown drains requests first; 30 s is plenty on loopback.
stop_component kube-apiserver 30
log "kube-apiserver stopped after $((SECONDS - t0))s"
sleep "${down_for}"
start_component kube-apiserver
wait_apiserver_ready 90
log "kube-apiserver ready again after $((SECONDS - t0))s"
