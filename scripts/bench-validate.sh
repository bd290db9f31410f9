#!/usr/bin/env bash
# Benchmark: `cnictl validate --static` over a directory of 10,000 configuration lists
# (bridge + host-local with its own /24, portmap, tuning: about 700 bytes each), release build.
# Prints the wall time of the best of three runs. Usage: scripts/bench-validate.sh [COUNT]
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-10000}

cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/cnictl

dir=$(mktemp -d "${TMPDIR:-/tmp}/cnictl-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT

# One awk process writes every file (a shell loop would take minutes).
awk -v n="$count" -v dir="$dir" 'BEGIN {
    for (i = 0; i < n; i++) {
        f = sprintf("%s/%05d-net.conflist", dir, i)
        a = int(i / 256); b = i % 256
        printf "{\n  \"cniVersion\": \"1.0.0\",\n  \"name\": \"net%05d\",\n  \"plugins\": [\n", i > f
        printf "    {\n      \"type\": \"bridge\",\n      \"bridge\": \"br%05d\",\n      \"isGateway\": true,\n      \"ipMasq\": true,\n", i > f
        printf "      \"ipam\": {\n        \"type\": \"host-local\",\n", i > f
        printf "        \"ranges\": [[{\"subnet\": \"10.%d.%d.0/24\", \"gateway\": \"10.%d.%d.1\"}]],\n", a, b, a, b > f
        printf "        \"routes\": [{\"dst\": \"0.0.0.0/0\"}]\n      }\n    },\n" > f
        printf "    {\"type\": \"portmap\", \"capabilities\": {\"portMappings\": true}},\n" > f
        printf "    {\"type\": \"tuning\", \"sysctl\": {\"net.core.somaxconn\": \"512\"}}\n  ]\n}\n" > f
        close(f)
    }
}'

# Check once that the run is clean (exit 0, nothing found), then time it.
"$bin" validate --static "$dir" | tail -n 1
best=
for run in 1 2 3; do
    start=$(date +%s%N)
    "$bin" validate --static "$dir" >/dev/null
    end=$(date +%s%N)
    ms=$(((end - start) / 1000000))
    echo "run $run: ${ms} ms"
    if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
done
echo "cnictl validate --static: $count files in ${best} ms (best of 3, $(nproc) CPUs)"
