#!/usr/bin/env bash
# Runs the integration suite against fresh local control planes and always tears them down.
#
# The suite is split into FULCRUM_TEST_SHARDS shards (default 2) of about equal duration
# (test/support/split-tests.js, from test/integration/durations.json); each shard gets a cluster of its
# own (its own state dir and ports) and they run at once. Most of the suite waits on the control plane
# (heartbeats, intervals, lease expiry), so two shards on two cores take a little over half the time of one.
# FULCRUM_TEST_SHARDS=1 runs everything on one cluster, as before. Extra arguments go to every Jest run.
#
# FULCRUM_REAL_NODE=1 (as `make test` sets it when run as root) adds one more cluster, with 3 kwok nodes and
# the real node (up.sh --real-nodes 1), builds the image (`make image`) while the shards run, imports it, and runs the
# test/integration/**/real-node-*.test.ts files there, beside the shards; the other files never see a real
# node. Without it those files skip themselves.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
base_dir="${FULCRUM_CLUSTER_DIR:-/tmp/fulcrum-cluster}"
shards="${FULCRUM_TEST_SHARDS:-2}"
[[ "${shards}" =~ ^[1-9]$ ]] || { echo "FULCRUM_TEST_SHARDS must be 1..9, got ${shards}" >&2; exit 2; }
real_node="${FULCRUM_REAL_NODE:-0}"
# Clusters: the shards, then (with a real node) one more for the real-node files.
clusters=$((shards + (real_node == 1 ? 1 : 0)))
logs="$(mktemp -d /tmp/fulcrum-integration.XXXXXX)"
durations="${logs}/durations.json"
cp test/integration/durations.json "${durations}" 2>/dev/null || echo '{}' >"${durations}"

# Shard i: its cluster dir and port offset (shard 1 keeps the defaults; 500 apart stays clear of
# smoke.sh's offset 1000 and of a developer's own clusters at multiples of 1000).
shard_dir() { if (($1 == 1)); then echo "${base_dir}"; else echo "${base_dir}-shard$1"; fi; }
# The real-node cluster (index shards + 1) sits at +250, between the shards' offsets.
shard_offset() {
  if (($1 > shards)); then
    echo $(((${FULCRUM_CLUSTER_PORT_OFFSET:-0}) + 250))
  else
    echo $(((${FULCRUM_CLUSTER_PORT_OFFSET:-0}) + ($1 - 1) * 500))
  fi
}
in_shard() {
  local i="$1"
  shift
  FULCRUM_CLUSTER_DIR="$(shard_dir "${i}")" FULCRUM_CLUSTER_PORT_OFFSET="$(shard_offset "${i}")" "$@"
}

down_all() {
  for ((i = 1; i <= shards + 1; i++)); do in_shard "${i}" test/cluster/down.sh >/dev/null 2>&1 || true; done
}
down_all
trap down_all EXIT

# 1. Clusters, all at once (about 15 s warm each).
for ((i = 1; i <= clusters; i++)); do
  if ((i > shards)); then
    in_shard "${i}" test/cluster/up.sh --nodes 3 --real-nodes 1 >"${logs}/up-${i}.log" 2>&1 &
  else
    in_shard "${i}" test/cluster/up.sh --nodes "${NODES:-10}" >"${logs}/up-${i}.log" 2>&1 &
  fi
done
for ((i = 1; i <= clusters; i++)); do
  if ! wait -n; then
    cat "${logs}"/up-*.log >&2
    echo "a test cluster did not start" >&2
    exit 1
  fi
done

# 2. One Jest run per cluster; output to a file per shard, printed when it ends.
node --experimental-vm-modules node_modules/jest/bin/jest.js --selectProjects integration --listTests 2>/dev/null |
  grep '\.test\.ts$' | sort >"${logs}/all-tests"
if ((clusters > shards)); then
  grep '/real-node-[^/]*\.test\.ts$' "${logs}/all-tests" >"${logs}/tests-${clusters}" || true
  grep -v '/real-node-[^/]*\.test\.ts$' "${logs}/all-tests" >"${logs}/shard-tests" || true
else
  cp "${logs}/all-tests" "${logs}/shard-tests"
fi
pids=()
for ((i = 1; i <= clusters; i++)); do
  if ((i <= shards)); then
    node test/support/split-tests.js "${shards}" "${i}" <"${logs}/shard-tests" >"${logs}/tests-${i}"
  fi
  (
    dir="$(shard_dir "${i}")"
    # shellcheck disable=SC1091
    source "${dir}/env"
    export FULCRUM_CLUSTER_PORT_OFFSET
    FULCRUM_CLUSTER_PORT_OFFSET="$(shard_offset "${i}")"
    mapfile -t files <"${logs}/tests-${i}"
    ((${#files[@]} > 0)) || exit 0
    if ((i > shards)); then
      export FULCRUM_REQUIRE_REAL_NODE=1
      # The image is built here, while the shards run (they mostly wait on the control plane), not before
      # them: `make image` (about 3 min after a source change) then costs no wall time of its own.
      if ! deploy/image/build.sh >"${logs}/image.log" 2>&1 ||
        ! in_shard "${i}" test/cluster/real-node.sh import "$(deploy/image/build.sh --print-archive)" >>"${logs}/image.log" 2>&1; then
        { echo "the image was not built or not imported into the real node:"; cat "${logs}/image.log"; } >"${logs}/jest-${i}.log"
        exit 1
      fi
    fi
    FULCRUM_TEST_DURATIONS_OUT="${logs}/durations-${i}.json" \
      node --experimental-vm-modules node_modules/jest/bin/jest.js --selectProjects integration --runInBand \
      --reporters=default --reporters=./test/support/duration-reporter.js "$@" --runTestsByPath "${files[@]}" \
      >"${logs}/jest-${i}.log" 2>&1
  ) &
  pids+=($!)
done

status=0
passed=0
failed=0
skipped=0
for ((i = 1; i <= clusters; i++)); do
  wait "${pids[$((i - 1))]}" || status=1
  if ((i > shards)); then
    echo "===== integration, real node: $(wc -l <"${logs}/tests-${i}") files ====="
  else
    echo "===== integration shard ${i}/${shards}: $(wc -l <"${logs}/tests-${i}") files ====="
  fi
  cat "${logs}/jest-${i}.log" 2>/dev/null || true
  # Jest's own "Tests:" line: "Tests:       2 failed, 1 skipped, 40 passed, 43 total"
  line="$(grep -E '^Tests: ' "${logs}/jest-${i}.log" | tail -n 1 || true)"
  for kind in passed failed skipped; do
    n="$(grep -oE "[0-9]+ ${kind}" <<<"${line}" | grep -oE '[0-9]+' || echo 0)"
    case "${kind}" in passed) passed=$((passed + n)) ;; failed) failed=$((failed + n)) ;; skipped) skipped=$((skipped + n)) ;; esac
  done
  grep -qE '^Test Suites: .*failed' "${logs}/jest-${i}.log" && status=1
done
# FULCRUM_RECORD_DURATIONS=1 writes this run's file durations back for the next split.
[[ "${FULCRUM_RECORD_DURATIONS:-0}" == 1 ]] && node -e '
  const fs = require("fs");
  const merged = {};
  for (const f of process.argv.slice(1)) { try { Object.assign(merged, JSON.parse(fs.readFileSync(f, "utf8"))); } catch {} }
  const sorted = Object.fromEntries(Object.entries(merged).sort(([a], [b]) => a.localeCompare(b)));
  fs.writeFileSync("test/integration/durations.json", JSON.stringify(sorted, null, 2) + "\n");
' "${durations}" "${logs}"/durations-*.json
echo
echo "integration: ${passed} passed, ${failed} failed, ${skipped} skipped"
rm -rf "${logs}"
exit "${status}"
