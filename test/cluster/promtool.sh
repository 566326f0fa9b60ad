#!/usr/bin/env bash
# Prints the path of promtool, from the same Debian `prometheus` package test/cluster/prometheus.sh fetches
# (apt-get download + dpkg -x into ~/.cache/fulcrum/prometheus on first use; no root, nothing installed).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
prometheus="$("${here}/prometheus.sh" "$@")"
promtool="$(dirname "${prometheus}")/promtool"
[[ -x "${promtool}" ]] || { echo "no promtool beside ${prometheus}" >&2; exit 1; }
echo "${promtool}"
