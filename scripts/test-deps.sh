#!/usr/bin/env bash
# Installs what the test suite needs when it is missing (as root): the reference plugins,
# iproute2, iptables, Go and libcni's source. The README's test command runs this first, then
# `cargo test --locked -- --include-ignored`.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
[ -x /usr/lib/cni/bridge ] || need+=(containernetworking-plugins)
command -v ip >/dev/null || need+=(iproute2)
command -v iptables >/dev/null || need+=(iptables)
command -v go >/dev/null || need+=(golang-go)
[ -d /usr/share/gocode/src/github.com/containernetworking/cni/libcni ] || need+=(golang-github-appc-cni-dev)
# The completion scripts are run by their shells; the man pages are rendered with man -l.
command -v zsh >/dev/null || need+=(zsh)
command -v fish >/dev/null || need+=(fish)
command -v man >/dev/null || need+=(man-db)
if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "test-deps.sh: missing ${need[*]}; run as root to install them" >&2
        exit 2
    fi
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"
fi
