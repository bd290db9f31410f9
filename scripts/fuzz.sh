#!/usr/bin/env bash
# Runs cnictl's cargo-fuzz targets (fuzz/fuzz_targets) for a while each; not part of .ci/run.
#
#   scripts/fuzz.sh [-t SECONDS] [-j PARALLEL] [TARGET...]
#
# Defaults: 600 seconds per target, one target at a time, every target. Needs a nightly
# toolchain (`rustup toolchain install nightly`); installs cargo-fuzz from crates.io if missing.
# Each target starts from its saved inputs in tests/fuzz_inputs/<target>/ (replayed on stable by
# `cargo test --test fuzz_replay`) plus its working corpus fuzz/corpus/<target>/ (not committed).
# A crash is copied to tests/fuzz_inputs/<target>/crash-<hash>: fix it, keep the file (the replay
# test then guards the fix), commit. Logs: fuzz/logs/<target>-<time>.log; one line per run
# (target, seconds, exit, execs, coverage, features, crashes saved) in fuzz/logs/runs.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=600
parallel=1
while getopts "t:j:h" opt; do
    case $opt in
        t) seconds=$OPTARG ;;
        j) parallel=$OPTARG ;;
        *) sed -n '2,12p' "$0"; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(cd fuzz/fuzz_targets && ls -- *.rs | sed 's/\.rs$//')
fi

if ! rustup toolchain list | grep -q '^nightly'; then
    echo "fuzz.sh: a nightly toolchain is needed: rustup toolchain install nightly" >&2
    exit 2
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install --locked cargo-fuzz
fi

(cd fuzz && cargo +nightly fuzz build)

run_one() {
    local t=$1
    local corpus=fuzz/corpus/$t artifacts=fuzz/artifacts/$t saved=tests/fuzz_inputs/$t
    local log
    log=fuzz/logs/$t-$(date -u +%Y%m%dT%H%M%SZ).log
    mkdir -p "$corpus" "$artifacts" "$saved" fuzz/logs
    echo "fuzz.sh: $t for ${seconds}s (log $log)"
    local rc=0
    (cd fuzz && cargo +nightly fuzz run "$t" "../$corpus" "../$saved" -- \
        -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="../$artifacts/") >"$log" 2>&1 || rc=$?
    local found=0
    for a in "$artifacts"/crash-* "$artifacts"/timeout-* "$artifacts"/oom-* "$artifacts"/leak-*; do
        [ -e "$a" ] || continue
        [ -e "$saved/$(basename "$a")" ] && continue
        cp "$a" "$saved/" && found=$((found + 1))
    done
    local execs cov ft
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || true)
    ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || true)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$t" "$seconds" "$rc" \
        "${execs:-?}" "${cov:-?}" "${ft:-?}" "$found" >>fuzz/logs/runs.tsv
    echo "fuzz.sh: $t: exit $rc, ${execs:-?} execs, cov ${cov:-?}, ft ${ft:-?}, new crashes saved: $found"
    [ "$rc" -eq 0 ]
}

failed=0
running=0
for t in "${targets[@]}"; do
    run_one "$t" &
    running=$((running + 1))
    if [ "$running" -ge "$parallel" ]; then
        wait -n || failed=1
        running=$((running - 1))
    fi
done
while [ "$running" -gt 0 ]; do
    wait -n || failed=1
    running=$((running - 1))
done
if [ "$failed" -ne 0 ]; then
    echo "fuzz.sh: a target failed; see fuzz/logs and tests/fuzz_inputs/*/crash-*" >&2
    exit 1
fi
