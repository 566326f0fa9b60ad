#!/usr/bin/env bash
# Builds the base image the Dockerfile's BASE_IMAGE argument names when no registry is reachable:
# Debian (the host's release, from Debian's packages with mmdebstrap, `essential` variant plus the C++
# runtime Node.js links against) with the Node.js 24 binary of the project's pinned `node` npm package
# and the host's npm (the Dockerfile's build stage runs `npm ci`). Where registries exist the Dockerfile's
# default base, node:24-bookworm-slim, is the same thing.
#
#   deploy/image/base.sh    build into buildah's storage unless present; print the image name last
#
# Cached: the image is named localhost/fulcrum-base:<key>, key = hash of this script, the Debian release,
# the Node.js and npm versions; buildah's storage is ${FULCRUM_IMAGE_CACHE:-~/.cache/fulcrum/image}.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "${here}/lib.sh"

ensure_tools mmdebstrap buildah
node_bin="$(readlink -f "${repo}/node_modules/.bin/node")"
npm_dir="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
[[ -x "${node_bin}" && -f "${npm_dir}/package.json" ]] || die "need node_modules (make install) and npm"
node_version="$("${node_bin}" --version)"
[[ "${node_version}" == v24.* ]] || die "the image runs Node.js 24; node_modules has ${node_version}"
npm_version="$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "${npm_dir}/package.json")"
suite="$(. /etc/os-release && echo "${VERSION_CODENAME}")"
# The host's apt sources: the mirror this machine reaches (deb822 or one-line format).
sources=/etc/apt/sources.list.d/debian.sources
[[ -f "${sources}" ]] || sources=/etc/apt/sources.list
key="$({ cat "${BASH_SOURCE[0]}"; echo "${suite} ${node_version} ${npm_version}"; } | sha256sum | cut -c1-12)"
name="localhost/fulcrum-base:${suite}-node${node_version#v}-${key}"

if bh images --quiet "${name}" >/dev/null 2>&1; then
  echo "${name}"
  exit 0
fi

start=${SECONDS}
work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT
log "mmdebstrap ${suite} (essential + libstdc++6) with Node.js ${node_version}, npm ${npm_version}"
# No docs, man pages or locales.
mmdebstrap --quiet --variant=essential --include=libstdc++6 \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*' \
  --customize-hook="copy-in ${node_bin} /usr/local/bin" \
  --customize-hook="mkdir -p \"\$1/usr/local/lib/node_modules\" && cp -a ${npm_dir} \"\$1/usr/local/lib/node_modules/npm\" && ln -s ../lib/node_modules/npm/bin/npm-cli.js \"\$1/usr/local/bin/npm\"" \
  --customize-hook='rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/* "$1"/var/log/*' \
  "${suite}" "${work}/rootfs.tar" "${sources}" >&2

ctr="$(bh from scratch)"
bh add "${ctr}" "${work}/rootfs.tar" / >/dev/null
bh config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --cmd node \
  --label "org.opencontainers.image.description=Debian ${suite} with Node.js ${node_version} (fulcrum base)" "${ctr}"
bh commit --quiet --rm "${ctr}" "${name}" >/dev/null
# Older bases (another Node.js, npm or script version) only take space now. On a fresh machine there are
# none: grep then exits 1, which pipefail would turn into a failed build of a base that was just committed.
{ bh images --format '{{.Name}}:{{.Tag}}' | grep '^localhost/fulcrum-base:' | grep -vxF "${name}" || true; } |
  while read -r old; do bh rmi "${old}" >/dev/null 2>&1 || true; done
log "base image ${name} built in $((SECONDS - start))s"
echo "${name}"
