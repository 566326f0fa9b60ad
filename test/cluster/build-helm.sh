#!/usr/bin/env bash
# Builds `helm` from its Go module (the only source we may download from) into a cache outside the repo,
# for the chart tests. Kept apart from build.sh on purpose: helm is test tooling for one test file, its
# cold build takes minutes on 2 cores, and a separate cache key means changing it never rebuilds the
# control plane (and the other way round).
#
#   test/cluster/build-helm.sh                  build if missing, print the helm binary's path last
#   test/cluster/build-helm.sh --print-path     only print where the binary is (or would be)
#
# Layout: ${FULCRUM_HELM_CACHE:-~/.cache/fulcrum/helm}/<key>/bin/helm, where <key> is the helm version
# plus a hash of helm/go.mod, helm/go.sum, this script and the Go version.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache_root="${FULCRUM_HELM_CACHE:-${HOME}/.cache/fulcrum/helm}"

# As in build.sh: the committed go.mod/go.sum are what is built, with the local Go, statically.
export GOTOOLCHAIN=local
export GOFLAGS="${GOFLAGS:-} -mod=readonly"
export CGO_ENABLED=0

helm_version="$(sed -n 's/^[[:space:]]*helm\.sh\/helm\/v3 \(v[^ ]*\).*/\1/p' "${here}/helm/go.mod")"
[[ -n "${helm_version}" ]] || { echo "build-helm.sh: no helm.sh/helm/v3 requirement in helm/go.mod" >&2; exit 1; }
key="helm-${helm_version}_$({
  go version
  cat "${here}/build-helm.sh" "${here}/helm/go.mod" "${here}/helm/go.sum"
} | sha256sum | cut -c1-12)"
out="${cache_root}/${key}"
helm_bin="${out}/bin/helm"

if [[ "${1:-}" == "--print-path" ]]; then
  echo "${helm_bin}"
  exit 0
fi

mkdir -p "${out}/bin"
exec 9>"${out}/.lock"
flock 9 # a second caller waits, then finds the binary built

# As helm's Makefile does: the Kubernetes version helm assumes offline (`helm template`, `helm lint`) is that of
# the client-go it is built with; without these stamps it is v1.20.
k8s_minor="$(sed -n 's/^[[:space:]]*k8s\.io\/client-go v0\.\([0-9]*\)\..*/\1/p' "${here}/helm/go.mod")"
ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=${helm_version} -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
for pkg in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
  ldflags+=" -X ${pkg}.k8sVersionMajor=1 -X ${pkg}.k8sVersionMinor=${k8s_minor}"
done

if [[ ! -x "${helm_bin}" ]]; then
  start=${SECONDS}
  echo "[helm-build] building helm ${helm_version} (cold: several minutes on 2 cores)" >&2
  (cd "${here}/helm" && go build -trimpath -ldflags "${ldflags}" -o "${helm_bin}.tmp" helm.sh/helm/v3/cmd/helm)
  mv "${helm_bin}.tmp" "${helm_bin}"
  echo "[helm-build] built in $((SECONDS - start))s" >&2
fi
touch "${out}/last-used"
echo "${helm_bin}"
