#!/usr/bin/env bash
# Prints the path of a real Prometheus server binary for tests of the Prometheus metrics source.
# Fetched on first use from Debian's `prometheus` package (apt-get download + dpkg -x: no root, nothing
# installed system-wide) into $FULCRUM_PROMETHEUS_CACHE (default ~/.cache/fulcrum/prometheus/<version>/),
# then reused. Never written into the repository. --refresh fetches again (a newer package version gets
# its own directory).
set -euo pipefail

cache="${FULCRUM_PROMETHEUS_CACHE:-${HOME}/.cache/fulcrum/prometheus}"
if [[ "${1:-}" != "--refresh" ]]; then
  existing="$(compgen -G "${cache}/*/root/usr/bin/prometheus" | sort -V | tail -n 1 || true)"
  if [[ -n "${existing}" ]]; then
    echo "${existing}"
    exit 0
  fi
fi

work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT
(cd "${work}" && apt-get download prometheus >&2)
deb="$(compgen -G "${work}/prometheus_*.deb" | head -n 1)"
[[ -n "${deb}" ]] || { echo "apt-get download prometheus produced no package" >&2; exit 1; }
version="$(dpkg-deb -f "${deb}" Version)"
dest="${cache}/${version}"
rm -rf "${dest}.tmp"
mkdir -p "${dest}.tmp"
dpkg -x "${deb}" "${dest}.tmp/root"
"${dest}.tmp/root/usr/bin/prometheus" --version >&2
rm -rf "${dest}"
mv "${dest}.tmp" "${dest}"
echo "${dest}/root/usr/bin/prometheus"
