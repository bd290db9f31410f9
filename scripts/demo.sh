#!/usr/bin/env bash
# The main job, end to end, on any Debian machine with Rust (as root):
# installs the reference plugins if missing, builds cnictl, adds the shipped example network
# (examples/net.d/10-mynet.conflist, cniVersion 1.0.0) to a throwaway container namespace,
# with the plugins running inside a throwaway "host" namespace (--host-netns), prints the
# result table and the NAT rule portmap made, deletes the attachment (the rule goes with it)
# and removes everything it made.
# Nothing touches this machine's own network namespace, /etc/cni or /var/lib/cni.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" != 0 ]; then
    echo "demo.sh: run as root: it creates network namespaces" >&2
    exit 2
fi
if [ ! -x /usr/lib/cni/bridge ] || ! command -v ip >/dev/null || ! command -v iptables >/dev/null; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q containernetworking-plugins iproute2 iptables
fi
cargo build --release --locked --quiet
cnictl=${CARGO_TARGET_DIR:-$PWD/target}/release/cnictl

token="$$-$RANDOM"
host="cnictl-demo-host-$token"
ctr="cnictl-demo-$token"
tmp=$(mktemp -d)
mkdir -p "$tmp/net.d"
# The example's IPAM dataDir points into the temp dir, so reservations stay there too.
sed "s|/var/lib/cni/networks|$tmp/ipam|" examples/net.d/10-mynet.conflist > "$tmp/net.d/10-mynet.conflist"

run() { "$cnictl" --conf-dir "$tmp/net.d" --cni-path /usr/lib/cni --cache-dir "$tmp/cache" --host-netns "$host" "$@"; }
cleanup() {
    run del mynet "$ctr" --rm-netns >/dev/null 2>&1 || true
    ip netns delete "$ctr" 2>/dev/null || true
    ip netns delete "$host" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT

ip netns add "$host"
echo "+ cnictl --host-netns $host add mynet $ctr --cap portMappings=[...]"
run add mynet "$ctr" -o table -v --cap 'portMappings=[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]'
echo
echo "+ ip -n $ctr -brief address"
ip -n "$ctr" -brief address
echo
echo "+ ip netns exec $host iptables-save -t nat | grep 8080    # portmap's DNAT rule, in the host namespace"
ip netns exec "$host" iptables-save -t nat | grep -- '--dport 8080' || true
echo
echo "+ cnictl --host-netns $host del mynet $ctr --rm-netns      # no --cap: the cached port mappings are used"
run del mynet "$ctr" --rm-netns -v
echo "+ ip netns exec $host iptables-save -t nat | grep -c 8080"
ip netns exec "$host" iptables-save -t nat | grep -c -- '--dport 8080' || true
echo
echo "demo: ok (namespaces $host and $ctr, and $tmp, are removed on exit)"
