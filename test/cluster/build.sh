#!/usr/bin/env bash
# Builds the real control-plane binaries for tests from Go modules (the only source we may download
# from) into a cache outside the repo, and skips whatever is already built.
#
#   test/cluster/build.sh            build what is missing, print the bin dir on the last line
#   test/cluster/build.sh --print-bin-dir   only print the bin dir (nothing is built)
#
# Layout: ${FULCRUM_CLUSTER_CACHE:-~/.cache/fulcrum/cluster}/<key>/
#   bin/      kube-apiserver kube-controller-manager kube-scheduler kubectl etcd kwok metrics-server
#   share/kwok/   kwok's own stage/metric/usage YAML, copied from the kwok module (up.sh feeds them to kwok)
#   stamps/   one file per component, written only after its build succeeded
# <key> names the versions plus a hash of every input file (go.mod, go.sum, main.go, this script) and
# the Go version, so a change to any of them builds into a fresh directory and never mixes binaries.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "${here}/versions.env"

cache_root="${FULCRUM_CLUSTER_CACHE:-${HOME}/.cache/fulcrum/cluster}"

# Never let the go command fetch a different toolchain (etcd's go.mod names one) and never let it
# rewrite go.mod/go.sum: what is committed is what is built.
export GOTOOLCHAIN=local
export GOFLAGS="${GOFLAGS:-} -mod=readonly"
# Static binaries: no libc dependency, and the same binary works on every machine of this kind.
export CGO_ENABLED=0

cache_key() {
  local inputs
  inputs="$(cd "${here}" && {
    go version
    cat versions.env build.sh
    find kube etcd kwok metrics-server -type f \( -name go.mod -o -name go.sum -o -name '*.go' \) | LC_ALL=C sort | xargs cat
  } | sha256sum | cut -c1-12)"
  echo "k8s-${KUBE_VERSION}_etcd-${ETCD_VERSION}_kwok-${KWOK_VERSION}_ms-${METRICS_SERVER_VERSION}_${inputs}"
}

key="$(cache_key)"
out="${cache_root}/${key}"
bin="${out}/bin"

if [[ "${1:-}" == "--print-bin-dir" ]]; then
  echo "${bin}"
  exit 0
fi

mkdir -p "${bin}" "${out}/stamps" "${out}/share/kwok"
# One build at a time per cache dir: a second build.sh (say, up.sh in another terminal or test run)
# waits here and then finds everything built.
exec 9>"${out}/.lock"
flock 9

log() { printf '[cluster-build %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

# build NAME DIR -- GO_BUILD_ARGS...: runs one `go build` in module DIR unless NAME's stamp exists.
build() {
  local name="$1" dir="$2"
  shift 3
  if [[ -f "${out}/stamps/${name}" ]]; then
    log "${name}: cached"
    return 0
  fi
  log "${name}: building in ${dir} (go build $*)"
  local start=${SECONDS}
  (cd "${here}/${dir}" && go build -trimpath "$@")
  printf '%s\n' "$(date -u +%FT%TZ) $((SECONDS - start))s" >"${out}/stamps/${name}"
  log "${name}: built in $((SECONDS - start))s"
}

# Version stamps. kubectl and the API server compare these for version skew and `kubectl version`
# prints them, so gitMajor/gitMinor must be set as well as gitVersion (as hack/lib/version.sh does).
kube_minor="${KUBE_VERSION#v1.}"
kube_minor="${kube_minor%%.*}"
kube_ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  kube_ldflags+=" -X ${pkg}.gitVersion=${KUBE_VERSION} -X ${pkg}.gitMajor=1 -X ${pkg}.gitMinor=${kube_minor}"
  kube_ldflags+=" -X ${pkg}.gitTreeState=clean -X ${pkg}.buildDate=1970-01-01T00:00:00Z"
done

total_start=${SECONDS}
# The kube module is by far the largest (about 2/3 of the cold build); all four mains share one
# module graph and one go build, so shared packages compile once.
build kube kube -- -ldflags "${kube_ldflags}" -o "${bin}/" ./cmd/kube-apiserver ./cmd/kube-controller-manager ./cmd/kube-scheduler ./cmd/kubectl
build etcd etcd -- -ldflags "-s -w" -o "${bin}/etcd" .
build kwok kwok -- -ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION#v}" -o "${bin}/kwok" sigs.k8s.io/kwok/cmd/kwok
build metrics-server metrics-server -- \
  -ldflags "-s -w -X k8s.io/client-go/pkg/version.gitVersion=${METRICS_SERVER_VERSION} -X k8s.io/client-go/pkg/version.gitTreeState=clean" \
  -o "${bin}/metrics-server" sigs.k8s.io/metrics-server/cmd/metrics-server

# kwok's stock Stages (node initialize, node heartbeat with Lease, pod ready/complete/delete) and the
# Metric/ClusterResourceUsage that emulate the kubelet's /metrics/resource, exactly as kwokctl embeds
# them, taken from the kwok module at the version we built (not copied into our repo).
if [[ ! -f "${out}/stamps/kwok-share" ]]; then
  kwok_dir="$(cd "${here}/kwok" && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)"
  [[ -d "${kwok_dir}" ]] || kwok_dir="$(cd "${here}/kwok" && go mod download -json sigs.k8s.io/kwok | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  for f in stage/node/fast/node-initialize.yaml \
    stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
    stage/pod/fast/pod-ready.yaml stage/pod/fast/pod-complete.yaml stage/pod/fast/pod-delete.yaml \
    metrics/resource/metrics-resource.yaml metrics/usage/usage-from-annotation.yaml; do
    install -m 0644 "${kwok_dir}/kustomize/${f}" "${out}/share/kwok/$(basename "${f}")"
  done
  touch "${out}/stamps/kwok-share"
fi

# Cache hygiene: each key is ~0.5 GB. Mark this one as used and drop keys unused for a week
# (another branch may still use an older key, hence not "everything but this one").
touch "${out}/last-used"
find "${cache_root}" -mindepth 2 -maxdepth 2 -name last-used -mtime +7 -printf '%h\n' |
  while read -r old; do
    if [[ "${old}" != "${out}" ]]; then
      log "pruning unused cache ${old}"
      rm -rf "${old}"
    fi
  done

log "all components ready in $((SECONDS - total_start))s: ${bin}"
echo "${bin}"
