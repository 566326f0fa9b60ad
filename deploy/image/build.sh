#!/usr/bin/env bash
# `make image`: builds the operator image from the repository's Dockerfile with buildah, with no registry:
# the base is deploy/image/base.sh's (Debian packages + the pinned Node.js 24), passed as BASE_IMAGE.
# Writes an OCI archive and, when the test cluster has a real node running, imports it there.
#
#   deploy/image/build.sh [--print-archive]
#
# Output: ${FULCRUM_IMAGE_CACHE:-~/.cache/fulcrum/image}/fulcrum-<version>.oci.tar, an OCI layout whose
# image is named localhost/fulcrum:<version> (the chart: --set image.repository=localhost/fulcrum).
# The build stage's `npm ci` uses the host's npm cache (~/.npm, mounted) and the host network.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "${here}/lib.sh"

version="$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "${repo}/package.json")"
name="localhost/fulcrum:${version}"
archive="${image_cache}/fulcrum-${version}.oci.tar"
if [[ "${1:-}" == "--print-archive" ]]; then
  echo "${archive}"
  exit 0
fi

base="$("${here}/base.sh")"
revision="$(git -C "${repo}" rev-parse HEAD 2>/dev/null || echo unknown)"
start=${SECONDS}
mkdir -p "${HOME}/.npm"
log "buildah build ${name} (base ${base})"
# --isolation chroot: RUN steps need no user namespaces or runc here; --network host: npm ci reaches the
# npm registry as the host does. --layers: an unchanged package-lock.json reuses the `npm ci` layer.
bh build --quiet --layers --pull=never --isolation chroot --network host \
  --volume "${HOME}/.npm:/root/.npm" \
  --build-arg "BASE_IMAGE=${base}" --build-arg "VERSION=${version}" --build-arg "REVISION=${revision}" \
  --tag "${name}" --file "${repo}/Dockerfile" "${repo}" >/dev/null
rm -f "${archive}"
bh push --quiet "${name}" "oci-archive:${archive}:${name}"
log "built ${name} in $((SECONDS - start))s: ${archive} ($(du -m "${archive}" | cut -f1) MB)"

# Into the real node's containerd, if the test cluster has one (test/cluster/up.sh --real-nodes 1).
cluster_dir="${FULCRUM_CLUSTER_DIR:-/tmp/fulcrum-cluster}"
if [[ -S "${cluster_dir}/node/containerd/containerd.sock" ]]; then
  "${repo}/test/cluster/real-node.sh" import "${archive}" >/dev/null
  log "imported ${name} into the real node's containerd (${cluster_dir})"
fi
echo "${archive}"
