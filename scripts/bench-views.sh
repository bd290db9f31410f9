#!/bin/sh
# Measures how `cnictl ls` scales with the size of what it shows: a network whose chain has
# N plugins (none installed, so the chain and status cells are long), N = 500, 1000, 2000,
# 4000. Prints the wall time of each and the 4000/500 ratio, which must stay at most 12
# (linear would be 8). No root, no plugin is run (--no-probe, an empty CNI path).
#   usage: scripts/bench-views.sh [path/to/cnictl]   (default: target/release/cnictl)
set -eu
bin=${1:-target/release/cnictl}
[ -x "$bin" ] || { echo "no cnictl at $bin (cargo build --release)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin"
ms() { echo $(( $(date +%s%N) / 1000000 )); }
for n in 500 1000 2000 4000; do
    dir="$tmp/conf$n"
    mkdir -p "$dir"
    awk -v n="$n" 'BEGIN {
        printf "{\"cniVersion\":\"1.0.0\",\"name\":\"big\",\"plugins\":["
        for (i = 0; i < n; i++) printf "%s{\"type\":\"plugin-number-%d\"}", (i ? "," : ""), i
        print "]}"
    }' > "$dir/10-big.conflist"
    for fmt in table wide; do
        best=
        for _ in 1 2 3; do   # best of three: the machine may be shared
            start=$(ms)
            COLUMNS=80 "$bin" --conf-dir "$dir" --cni-path "$tmp/bin" --cache-dir "$tmp/cache" \
                ls --no-probe -o "$fmt" > "$tmp/out" 2>/dev/null
            t=$(($(ms) - start))
            if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
        done
        echo "$n $fmt $best" >> "$tmp/times"
        printf '%5d plugins  -o %-5s %6d ms\n' "$n" "$fmt" "$best"
    done
done
awk '$2 == "table" && $1 == 500 { a = $3 } $2 == "table" && $1 == 4000 { b = $3 }
     END { if (a < 1) a = 1; r = b / a; printf "ratio 4000/500 (table): %.1f (limit 12)\n", r; exit (r > 12) }' "$tmp/times"
