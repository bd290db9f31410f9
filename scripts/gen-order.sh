#!/usr/bin/env bash
# Regenerates scripts/cnictl.order, the link order of the static binary's functions
# (scripts/build-static.sh passes it to the linker as --symbol-ordering-file): every function
# that `add`, `check` and `del` of a 3-plugin chain run, so that the code they need sits in a
# few contiguous pages instead of being spread over the 8 MB binary. Fewer pages touched means
# fewer page faults and less to unmap at exit, on every run (issue 8, bar (a)).
#
#   scripts/gen-order.sh          # as root; needs valgrind and gcc
#
# Run it by hand after larger changes: a symbol that no longer exists is skipped by the linker,
# so a stale list only loses some of the gain, never breaks the build. Everything runs in a
# throwaway host namespace with the bench's no-op plugin (scripts/bench-src/noop.c), the
# config, cache and IPAM dirs in a temp dir; valgrind's callgrind records which functions ran.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then
    echo "gen-order.sh: needs root (network namespaces)" >&2
    exit 2
fi
for tool in valgrind gcc; do
    command -v "$tool" >/dev/null || { echo "gen-order.sh: $tool is not installed" >&2; exit 2; }
done

# Built without the order: the list must not depend on the previous one.
target=x86_64-unknown-linux-gnu
RUSTFLAGS='-C target-feature=+crt-static -C link-arg=-Wl,-z,pack-relative-relocs' \
    CARGO_TARGET_DIR=target/order cargo build --locked --release --target "$target" --bin cnictl >&2
bin=target/order/$target/release/cnictl

token=$$-$RANDOM
host=cnictl-order-host-$token
cont=cnictl-order-$token
work=$(mktemp -d)
cleanup() {
    ip netns del "$cont" 2>/dev/null || true
    ip netns del "$host" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/bin" "$work/net.d" "$work/cache"
gcc -static -O2 -o "$work/bin/bridge" scripts/bench-src/noop.c
for p in host-local portmap tuning; do cp "$work/bin/bridge" "$work/bin/$p"; done
cat >"$work/net.d/10-ordernet.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "ordernet",
  "plugins": [
    {"type": "bridge", "bridge": "br-order", "ipam": {"type": "host-local", "dataDir": "$work/ipam", "subnet": "10.99.0.0/24"}},
    {"type": "portmap", "capabilities": {"portMappings": true}},
    {"type": "tuning"}
  ]
}
EOF
ip netns add "$host"
ip netns add "$cont"
g=(--host-netns "$host" --cni-path "$work/bin" --cache-dir "$work/cache" --conf-dir "$work/net.d")
for verb in add check del; do
    valgrind --tool=callgrind --demangle=no --callgrind-out-file="$work/cg.$verb" \
        "$bin" "${g[@]}" "$verb" ordernet "/var/run/netns/$cont" >/dev/null 2>"$work/vg.$verb" || {
        echo "gen-order.sh: cnictl $verb failed:" >&2
        cat "$work/vg.$verb" >&2
        exit 1
    }
done
# Callgrind names each function it saw run once ("fn=(id) name"; "'N" marks a recursion
# depth): the union of the three runs, in the order first seen.
for verb in add check del; do
    sed -n -E 's/^c?fn=\([0-9]+\) //p' "$work/cg.$verb"
done | sed -E "s/'[0-9]+$//" | awk '!seen[$0]++' >scripts/cnictl.order
echo "scripts/cnictl.order: $(wc -l <scripts/cnictl.order) functions"
