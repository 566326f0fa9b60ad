# shellcheck shell=bash
# Source this to use the running test cluster from a shell or a test runner:
#   source test/cluster/env.sh
# Sets PATH (the built kubectl etc.), KUBECONFIG and FULCRUM_TEST_KUBECONFIG (what tests read).
_fulcrum_cluster_dir="${FULCRUM_CLUSTER_DIR:-/tmp/fulcrum-cluster}"
if [[ -f "${_fulcrum_cluster_dir}/env" ]]; then
  # shellcheck disable=SC1091
  source "${_fulcrum_cluster_dir}/env"
else
  echo "no test cluster in ${_fulcrum_cluster_dir}; run test/cluster/up.sh" >&2
fi
unset _fulcrum_cluster_dir
