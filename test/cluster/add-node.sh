#!/usr/bin/env bash
# Adds one kwok-managed node to the running test cluster and waits until it is Ready.
#   test/cluster/add-node.sh NAME [--cpu 8] [--memory 32Gi] [--pods 110] [--ephemeral-storage 100Gi]
#                                 [--ip 127.1.x.y] [--labels k=v,k2=v2] [--taints k=v:NoSchedule,...]
#                                 [--no-wait]
# --ip defaults to the next free 127.1.x.y; it becomes the node's InternalIP (its probe address). With a real
# node, an address in REAL_NODE_PROBE_CIDR (198.18.0.0/24) is answered in the probe hosts' namespace, where the
# real node's pods reach it (real-node.sh): the node's host is up from now until kill-node.sh.
# Print the manifest instead of creating the node: --dry-run (e.g. to edit it in a test).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "${here}/lib.sh"

[[ $# -ge 1 && "$1" != -* ]] || die "usage: add-node.sh NAME [--cpu N] [--memory Q] [--pods N] [--ephemeral-storage Q] [--ip IP] [--labels k=v,...] [--taints k=v:Effect,...] [--no-wait] [--dry-run]"
name="$1"
shift
cpu=8 memory=32Gi pods=110 ephemeral=100Gi ip="" labels="" taints="" wait=true dry_run=false
while (($#)); do
  case "$1" in
    --cpu) cpu="$2"; shift 2 ;;
    --memory) memory="$2"; shift 2 ;;
    --pods) pods="$2"; shift 2 ;;
    --ephemeral-storage) ephemeral="$2"; shift 2 ;;
    --ip) ip="$2"; shift 2 ;;
    --labels) labels="$2"; shift 2 ;;
    --taints) taints="$2"; shift 2 ;;
    --no-wait) wait=false; shift ;;
    --dry-run) dry_run=true; shift ;;
    *) die "unknown argument: $1" ;;
  esac
done

BIN="$(cluster_bin_dir)"
if [[ -z "${ip}" ]]; then
  if [[ "${dry_run}" == true && ! -f "${KUBECONFIG_ADMIN}" ]]; then
    ip="$(node_ip 0)"
  else
    # Next 127.1.x.y not used as an InternalIP by any node.
    used="$(kctl get nodes -o jsonpath='{range .items[*]}{range .status.addresses[?(@.type=="InternalIP")]}{.address}{"\n"}{end}{end}')"
    for ((i = 0; ; i++)); do
      ip="$(node_ip "${i}")"
      grep -qxF "${ip}" <<<"${used}" || break
    done
  fi
fi
[[ "${ip}" == 127.* ]] || in_probe_range "${ip}" ||
  die "--ip must be on loopback (127.0.0.0/8) or, with a real node, in ${REAL_NODE_PROBE_CIDR}; got ${ip}"

manifest="$(node_manifest "${name}" "${ip}" "${cpu}" "${memory}" "${pods}" "${ephemeral}" "${labels}" "${taints}")"
if [[ "${dry_run}" == true ]]; then
  echo "${manifest}"
  exit 0
fi
if in_probe_range "${ip}"; then
  "${here}/real-node.sh" probe-address add "${ip}"
fi
kctl create -f - <<<"${manifest}" >/dev/null
if [[ "${wait}" == true ]]; then
  kctl wait --for=condition=Ready "node/${name}" --timeout=60s >/dev/null
fi
log "node ${name} (InternalIP ${ip}) added"
