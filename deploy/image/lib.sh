# shellcheck shell=bash
# Shared by deploy/image/base.sh and build.sh. Sourced, not run.
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
image_cache="${FULCRUM_IMAGE_CACHE:-${HOME}/.cache/fulcrum/image}"

log() { printf '[image %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# bh: buildah with its own storage in the cache, so nothing is left in the host's /var/lib/containers.
bh() { buildah --root "${image_cache}/storage" --runroot "${image_cache}/run" "$@"; }

# ensure_tools PKG...: Debian packages these scripts need; CI starts from a fresh machine, as root.
ensure_tools() {
  local missing=() p
  for p in "$@"; do command -v "${p}" >/dev/null || missing+=("${p}"); done
  ((${#missing[@]} == 0)) && return 0
  [[ "$(id -u)" == 0 ]] || die "missing ${missing[*]}: apt-get install ${missing[*]} (as root)"
  log "installing ${missing[*]} from Debian"
  apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null; }
}
