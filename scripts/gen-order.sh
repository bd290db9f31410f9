#!/usr/bin/env bash
# Regenerates scripts/cnictl.order, the link order of the static binary's functions
# (scripts/build-static.sh passes it to the linker as --symbol-ordering-file): every function
# that `add`, `check` and `del` of a 3-plugin chain run, so that the code they need sits in a
# few contiguous pages instead of being spread over the 8 MB binary. Fewer pages touched means
# fewer page faults and less to unmap at exit, on every run (issue 8, bar (a)).
#
#   scripts/gen-order.sh          # as root; needs valgrind and gcc, and gdb for glibc's part
#
# Run it by hand after larger changes: a symbol that no longer exists is skipped by the linker,
# so a stale list only loses some of the gain, never breaks the build. Everything runs in a
# throwaway host namespace with the bench's chain of no-op plugins (scripts/bench-src/chain.sh),
# the config, cache and IPAM dirs in a temp dir; valgrind's callgrind records which functions
# ran, and gdb (when installed) which C functions glibc runs on this CPU.
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
# The flags of build-static.sh but the order.
RUSTFLAGS='-C target-feature=+crt-static -C relocation-model=static' \
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

. scripts/bench-src/chain.sh
noop_chain "$work" ordernet
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
done | sed -E "s/'[0-9]+$//" | awk '!seen[$0]++' >"$work/order"
# Valgrind runs the program on a CPU of its own making, so glibc's start-up and its string
# functions take other paths there than on the node (an AVX2 strlen instead of an EVEX one,
# handle_intel instead of handle_amd). With gdb installed, the three commands run once more
# on the real CPU, with a one-time breakpoint on every C function not listed yet: the ones
# hit are appended in the order hit.
if command -v gdb >/dev/null; then
    nm "$bin" | awk '$2 ~ /^[Tt]$/ {print $3}' | grep -v -E '^(_ZN|_R)|\.' | sort -u |
        grep -v -x -F -f "$work/order" >"$work/candidates" || true
    for verb in add check del; do
        {
            echo 'set pagination off'
            echo 'set confirm off'
            sed 's/^/tbreak /' "$work/candidates"
            echo 'run'
            # One `continue` per possible hit, plus one for the exit.
            awk '{print "continue"}' "$work/candidates"
        } >"$work/gdb.cmds"
        gdb -batch -x "$work/gdb.cmds" --args "$bin" "${g[@]}" "$verb" ordernet \
            "/var/run/netns/$cont" >"$work/gdb.$verb" 2>&1 || true
        grep -q 'exited normally' "$work/gdb.$verb" || {
            echo "gen-order.sh: cnictl $verb failed under gdb:" >&2
            tail -20 "$work/gdb.$verb" >&2
            exit 1
        }
        sed -n -E 's/^Temporary breakpoint [0-9]+, (0x[0-9a-f]+ in )?([A-Za-z0-9_]+) .*/\2/p' \
            "$work/gdb.$verb"
    done | awk '!seen[$0]++' | grep -v -x -F -f "$work/order" >>"$work/order" || true
else
    echo "gen-order.sh: gdb is not installed; glibc's functions are listed as valgrind saw them" >&2
fi
# The variants of each string function (SSE2, AVX2, EVEX, AVX-512; glibc picks one by the
# CPU) go last, grouped by instruction set: whichever one a node picks is among its peers.
variant='^__(mem|str|stp|raw|wmem|wcs)[a-z]*_(sse2|ssse3|sse4|avx|evex)'
families=$(grep -E "$variant" "$work/order" | sed -E 's/^(__[a-z]+)_.*/\1/' | sort -u || true)
if [ -n "$families" ]; then
    grep -v -E "$variant" "$work/order" >"$work/order.plain" || true
    nm "$bin" | awk '{print $NF}' | grep -E "^($(paste -sd'|' <<<"$families"))_(sse2|ssse3|sse4|avx|evex)" |
        awk '{isa = $0; sub(/^__[a-z]+_/, "", isa); print isa "\t" $0}' | sort -u | cut -f2 |
        awk '!seen[$0]++' >>"$work/order.plain"
    mv "$work/order.plain" "$work/order"
fi
cp "$work/order" scripts/cnictl.order
echo "scripts/cnictl.order: $(wc -l <scripts/cnictl.order) functions"
