#!/usr/bin/env bash
# Compacts etcd's history up to its current revision, through etcd's own HTTP gateway, so that every
# older resourceVersion is gone from storage. Followed by restart-apiserver.sh (whose fresh watch cache
# starts at the current revision), a watch from an old resourceVersion then gets 410 Gone at once, as
# after a long disconnection in a real cluster. Prints the revision compacted to.
#   test/cluster/compact-etcd.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "${here}/lib.sh"

etcd="http://${HOST}:${ETCD_PORT}"
# A range read returns the store's current revision in its header ("AA==" is the key "\0").
revision="$(curl -sf -X POST "${etcd}/v3/kv/range" -d '{"key":"AA=="}' |
  sed -n 's/.*"revision":"\([0-9]*\)".*/\1/p' | head -n 1)"
[[ -n "${revision}" ]] || die "could not read the etcd revision from ${etcd}"
curl -sf -X POST "${etcd}/v3/kv/compaction" -d "{\"revision\":\"${revision}\",\"physical\":true}" >/dev/null ||
  die "etcd refused to compact to ${revision}"
log "etcd compacted to revision ${revision}"
echo "${revision}"
