# Sourced by scripts/build-static.sh and scripts/gen-order.sh: sets STATIC_RUSTFLAGS, the flags
# of the static build but its link order.
#
# - crt-static: glibc linked in, no program interpreter, no shared library.
# - Not position-independent (`relocation-model=static`): a static PIE relocates its ~8,700
#   pointers at every start, which copies ~26 pages on write and runs ~100k instructions before
#   `main`, ~3 % of an `add` + `del` (README, performance). What is given up is randomising
#   where the binary's own code and data sit; stack, heap and mappings are still randomised,
#   and the CNI plugins and cnitool that run beside it as root are not PIE either.
# - `cnictl_glibc_start`: cnictl's own start-up, glibc's without its probe of the CPU
#   (src/start.rs), only against the glibc it was written for and checked with (2.36); with
#   any other the build keeps glibc's start-up and says so.
STATIC_RUSTFLAGS="-C target-feature=+crt-static -C relocation-model=static"
if [ "$(getconf GNU_LIBC_VERSION 2>/dev/null)" = "glibc 2.36" ]; then
    STATIC_RUSTFLAGS="$STATIC_RUSTFLAGS --cfg cnictl_glibc_start"
else
    echo "note: glibc is not 2.36 ($(getconf GNU_LIBC_VERSION 2>/dev/null || echo unknown)): the static build keeps glibc's own start-up" >&2
fi
