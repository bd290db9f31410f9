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
. scripts/static-flags.sh
RUSTFLAGS=$STATIC_RUSTFLAGS \
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
# Twice: the first add also makes the cache's directories, the second runs as every later one.
runs="add check del add2 check2 del2"
for run in $runs; do
    verb=${run%2}
    valgrind --tool=callgrind --demangle=no --callgrind-out-file="$work/cg.$run" \
        "$bin" "${g[@]}" "$verb" ordernet "/var/run/netns/$cont" >/dev/null 2>"$work/vg.$run" || {
        echo "gen-order.sh: cnictl $verb failed:" >&2
        cat "$work/vg.$run" >&2
        exit 1
    }
done
# Callgrind names each function it saw run once ("fn=(id) name"; "'N" marks a recursion
# depth; a bare address is code without a symbol): per verb, the union of its two runs, in
# the order first seen.
for verb in add del check; do
    for run in "$verb" "${verb}2"; do
        sed -n -E 's/^c?fn=\([0-9]+\) //p' "$work/cg.$run"
    done | sed -E "s/'[0-9]+$//" | grep -v -E '^0x[0-9a-f]+$' | awk '!seen[$0]++' >"$work/seen.$verb"
done
cat "$work/seen.add" "$work/seen.del" "$work/seen.check" | sort -u >"$work/seen.all"
# Valgrind runs the program on a CPU of its own making, so glibc's start-up and its string
# functions take other paths there than on the node (an AVX2 strlen instead of an EVEX one,
# handle_intel instead of handle_amd). With gdb installed, the three commands run once more
# on the real CPU, with a one-time breakpoint on every C function not listed yet: the ones
# hit are added to the verb's list in the order hit.
if command -v gdb >/dev/null; then
    nm "$bin" | awk '$2 ~ /^[Tt]$/ {print $3}' | grep -v -E '^(_ZN|_R)|\.' | sort -u |
        grep -v -x -F -f "$work/seen.all" >"$work/candidates" || true
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
            "$work/gdb.$verb" >>"$work/seen.$verb"
    done
else
    echo "gen-order.sh: gdb is not installed; glibc's functions are listed as valgrind saw them" >&2
fi
# The child of a plugin spawn (a vfork) runs child_main and the C functions it calls before
# `execve` in cnictl's own address space: neither valgrind nor gdb follows it there, so they
# are taken from the disassembly (child_main's direct calls, and theirs when they are C).
# Every verb spawns plugins.
callees() { # FUNCTION: the functions it calls or jumps to
    objdump -d --no-show-raw-insn --disassemble="$1" "$bin" |
        sed -n -E 's/.*[[:space:]](call|jmp)[[:space:]]+[0-9a-f]+ <([^>+]+)>$/\2/p' | sort -u
}
child=$(nm "$bin" | awk '$3 ~ /5spawn10child_main/ && !found {print $3; found = 1}')
if [ -n "$child" ]; then
    first=$(callees "$child" | grep -v -E 'panicking|drop_in_place' || true)
    {
        echo "$child"
        echo "$first"
        for f in $first; do
            case $f in _Z* | _R*) ;; *) callees "$f" ;; esac
        done
    } | awk 'NF' >"$work/child"
    for verb in add del check; do cat "$work/child" >>"$work/seen.$verb"; done
else
    echo "gen-order.sh: no child_main in $bin; the spawn child's functions are not listed" >&2
fi
# What both add and del run first (in add's order), then add's own, del's own and check's
# own: an add does not touch the pages of code only a del runs, nor either of them check's.
{
    awk 'NR == FNR {del[$0] = 1; next} del[$0]' "$work/seen.del" "$work/seen.add"
    cat "$work/seen.add" "$work/seen.del" "$work/seen.check"
} | awk 'NF && !seen[$0]++' >"$work/order"
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
