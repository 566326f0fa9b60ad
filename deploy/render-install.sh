#!/usr/bin/env bash
# Prints deploy/install.yaml: the Helm chart rendered with its defaults for the namespace fulcrum-system, after
# that namespace (restricted Pod Security Standard). Without the `helm test` hook (a test pod is not part of
# an install). `make install-yaml` writes it; an install test fails when
# the committed file differs from this output, or when deploy/operator (kustomize) drifts from it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
helm="${HELM:-$("${root}/test/cluster/build-helm.sh" --print-path)}"
[[ -x "${helm}" ]] || { echo "render-install.sh: helm is not built: run test/cluster/build-helm.sh" >&2; exit 1; }
cat <<'HEADER'
# Fulcrum, everything in one file: the CRDs, the namespace fulcrum-system and the operator, rendered from
# charts/fulcrum with its default values (`make install-yaml`; do not edit by hand).
#   kubectl apply --server-side -f deploy/install.yaml
# The CRDs are too large for client-side apply, hence --server-side. To change values, use the chart.
---
HEADER
cat "${root}/deploy/operator/namespace.yaml"
"${helm}" template fulcrum "${root}/charts/fulcrum" --namespace fulcrum-system --skip-tests
