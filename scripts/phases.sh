#!/usr/bin/env bash
# Where an `add` and a `del` of bar (a)'s chain spend their time inside cnictl, phase by phase
# (issue 8): builds a throwaway copy of HEAD with scripts/bench-src/phases.patch applied (probes
# that print each phase's time on stderr; they never reach main), runs ROUNDS adds and dels of
# the bench's three no-op plugins inside a throwaway host namespace, and prints the median of
# each phase in µs. The phases between the probes: `plugin` is one plugin call (spawn, the
# plugin's own run, the wait), the rest is cnictl's own work. Run by hand as root:
#
#   scripts/phases.sh [ROUNDS]        # default 101
#
# Process start (exec, relocation, glibc's start-up) and exit happen outside the probes.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-101}
if [ "$(id -u)" != 0 ]; then
    echo "phases.sh: needs root (network namespaces)" >&2
    exit 2
fi
for tool in gcc nsenter python3; do
    command -v "$tool" >/dev/null || { echo "phases.sh: $tool is not installed" >&2; exit 2; }
done
token=$$-$RANDOM
host=cnictl-phases-host-$token
cont=cnictl-phases-$token
work=$(mktemp -d /dev/shm/cnictl-phases.XXXXXX)
src=$work/src
cleanup() {
    ip netns del "$cont" 2>/dev/null || true
    ip netns del "$host" 2>/dev/null || true
    git worktree remove --force "$src" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

git worktree add --quiet --detach "$src" HEAD
git -C "$src" apply "$PWD/scripts/bench-src/phases.patch"
# Its own target dir under this checkout's, so the dependencies are built once.
CARGO_TARGET_DIR=$PWD/target/phases "$src/scripts/build-static.sh" >&2
cnictl=$PWD/target/phases/x86_64-unknown-linux-gnu/release/cnictl

. scripts/bench-src/chain.sh
noop_chain "$work" phasenet
ip netns add "$host"
ip netns add "$cont"
ip -n "$host" link set lo up
g=(--host-netns "$host" --cni-path "$work/bin" --cache-dir "$work/cache" --conf-dir "$work/net.d")
# As bench (a) runs it: from inside the host namespace (the namespace already exists, so
# nothing is created under `nsenter`).
for _ in $(seq "$rounds"); do
    nsenter --net="/var/run/netns/$host" "$cnictl" "${g[@]}" add phasenet "$cont" \
        2>>"$work/add.err" >/dev/null
    nsenter --net="/var/run/netns/$host" "$cnictl" "${g[@]}" del phasenet "$cont" \
        2>>"$work/del.err"
done
python3 - "$work/add.err" "$work/del.err" <<'PY'
import statistics, sys
for path in sys.argv[1:]:
    rows = [l.split()[1:] for l in open(path) if l.startswith("phases:")]
    if not rows:
        sys.exit(f"phases.sh: no probe output in {path}")
    labels = [kv.split("=")[0] for kv in rows[0]]
    rows = [r for r in rows if [kv.split("=")[0] for kv in r] == labels]
    def med(i, k):
        return statistics.median(int(r[i].split("=")[1].split("/")[k]) for r in rows)
    meds = [med(i, 0) for i in range(len(labels))]
    faults = [med(i, 1) for i in range(len(labels))]
    own = sum(m for l, m in zip(labels, meds) if l != "plugin")
    verb = "add" if path.endswith("add.err") else "del"
    print(f"{verb} ({len(rows)} runs, median µs/page faults): " + " ".join(f"{l}={m:.0f}/{f:.0f}" for l, m, f in zip(labels, meds, faults)))
    print(f"    cnictl's own (all but plugin): {own:.0f} µs, {sum(f for l, f in zip(labels, faults) if l != 'plugin'):.0f} faults; plugin calls: {sum(m for l, m in zip(labels, meds) if l == 'plugin'):.0f} µs")
PY
