#!/usr/bin/env bash
# Builds what a real node of the test cluster runs (up.sh --real-nodes N) from Go modules into a cache
# outside the repo, and skips whatever is already built:
#   kubelet                    kube/cmd/kubelet: k8s.io/kubernetes in the control plane's module graph (kube/)
#   containerd, ctr, containerd-shim-runc-v2   from github.com/containerd/containerd/v2 in node/ (tool lines)
#   pause, tcp-forward         from node/ (the sandbox image's binary; the Service-IP forwarder, see up.sh)
# runc comes from Debian (real-node.sh installs it when missing). Kept apart from build.sh so that the
# control-plane cache is not rebuilt when these change, and so that runs without real nodes never build them.
#
#   test/cluster/build-node.sh                  build what is missing, print the bin dir on the last line
#   test/cluster/build-node.sh --print-bin-dir  only print the bin dir
#
# Layout: ${FULCRUM_NODE_CACHE:-~/.cache/fulcrum/node}/<key>/{bin,stamps}; <key> names the versions plus a
# hash of kube/go.{mod,sum}, node/ and this script and the Go version.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "${here}/versions.env"
cache_root="${FULCRUM_NODE_CACHE:-${HOME}/.cache/fulcrum/node}"

# As build.sh: the committed go.mod/go.sum are what is built, with the local Go, statically.
export GOTOOLCHAIN=local
export GOFLAGS="${GOFLAGS:-} -mod=readonly"
export CGO_ENABLED=0

containerd_version="$(sed -n 's/^[[:space:]]*github\.com\/containerd\/containerd\/v2 \(v[^ ]*\).*/\1/p' "${here}/node/go.mod")"
[[ -n "${containerd_version}" ]] || { echo "build-node.sh: no containerd requirement in node/go.mod" >&2; exit 1; }
key="kubelet-${KUBE_VERSION}_containerd-${containerd_version}_$( (
  cd "${here}"
  go version
  cat build-node.sh kube/go.mod kube/go.sum
  find node -type f | LC_ALL=C sort | xargs cat
) | sha256sum | cut -c1-12)"
out="${cache_root}/${key}"
bin="${out}/bin"

if [[ "${1:-}" == "--print-bin-dir" ]]; then
  echo "${bin}"
  exit 0
fi

mkdir -p "${bin}" "${out}/stamps"
exec 9>"${out}/.lock"
flock 9

log() { printf '[node-build %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

# build NAME DIR -- GO_BUILD_ARGS...: one `go build` in module DIR unless NAME's stamp exists.
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

kube_minor="${KUBE_VERSION#v1.}"
kube_minor="${kube_minor%%.*}"
kube_ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  kube_ldflags+=" -X ${pkg}.gitVersion=${KUBE_VERSION} -X ${pkg}.gitMajor=1 -X ${pkg}.gitMinor=${kube_minor}"
  kube_ldflags+=" -X ${pkg}.gitTreeState=clean -X ${pkg}.buildDate=1970-01-01T00:00:00Z"
done
containerd_ldflags="-s -w -X github.com/containerd/containerd/v2/version.Version=${containerd_version}"
containerd_ldflags+=" -X github.com/containerd/containerd/v2/version.Package=github.com/containerd/containerd/v2"

total_start=${SECONDS}
# The kubelet shares most packages with the control plane: with build.sh's Go build cache warm it
# compiles only its own (about 70 s).
build kubelet kube -- -ldflags "${kube_ldflags}" -o "${bin}/kubelet" ./cmd/kubelet
# containerd's own Makefile builds the shim statically with CGO_ENABLED=0 too; the daemon loses only the
# btrfs snapshotter and seccomp-by-libseccomp (runc does seccomp itself), neither used here.
build containerd node -- -ldflags "${containerd_ldflags}" -o "${bin}/" \
  github.com/containerd/containerd/v2/cmd/containerd \
  github.com/containerd/containerd/v2/cmd/ctr \
  github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2
build node-tools node -- -ldflags "-s -w" -o "${bin}/" ./pause ./tcp-forward

touch "${out}/last-used"
find "${cache_root}" -mindepth 2 -maxdepth 2 -name last-used -mtime +7 -printf '%h\n' |
  while read -r old; do
    if [[ "${old}" != "${out}" ]]; then
      log "pruning unused cache ${old}"
      rm -rf "${old}"
    fi
  done
log "node binaries ready in $((SECONDS - total_start))s: ${bin}"
echo "${bin}"
