#!/usr/bin/env bash
# Builds cnictl as one static x86_64 Linux binary (glibc linked in with crt-static), to copy to
# nodes that have no Rust, no matching glibc, or no shell at all:
#
#   ./scripts/build-static.sh            # -> target/x86_64-unknown-linux-gnu/release/cnictl
#   ./scripts/build-static.sh --check    # then prove it (as root): it runs in an empty chroot,
#                                        # validates a config there, and makes no NSS lookup
#
# The explicit --target keeps RUSTFLAGS away from build scripts and proc-macro crates, which
# must stay dynamic to be loaded by the compiler.
set -euo pipefail
cd "$(dirname "$0")/.."
target=x86_64-unknown-linux-gnu
check=false
[ "${1:-}" = --check ] && check=true

# The functions add, check and del run are linked side by side (scripts/cnictl.order, made by
# scripts/gen-order.sh): a run touches a few pages of code instead of a hundred spread over the
# binary. Names the list has and the binary lacks are skipped (a stale list only loses speed).
# The link order, under a name made from its content: cargo relinks when RUSTFLAGS change, not
# when a file they name does, so a regenerated order gets a new name (and a rebuild).
sum=$(sha256sum scripts/cnictl.order | cut -c1-16)
out=$(realpath -m "${CARGO_TARGET_DIR:-target}")
mkdir -p "$out"
order="$out/cnictl-$sum.order"
[ -f "$order" ] || cp scripts/cnictl.order "$order"
. scripts/static-flags.sh
RUSTFLAGS="$STATIC_RUSTFLAGS -C link-arg=-Wl,--symbol-ordering-file=$order -C link-arg=-Wl,--no-warn-symbol-ordering" \
    cargo build --locked --release --target "$target" --bin cnictl
bin=${CARGO_TARGET_DIR:-target}/$target/release/cnictl

# A static binary has no program interpreter and needs no shared library.
if readelf -l "$bin" | grep -q 'INTERP'; then
    echo "build-static.sh: $bin is dynamically linked" >&2
    exit 1
fi
# glibc's NSS (getpwnam, getpwuid, getaddrinfo, ...) dlopens libnss_*.so at run time, which a
# static binary on another node may not have or may not match; none of it may be linked in.
if strings "$bin" | grep -E -q '^(/etc/)?nsswitch\.conf$|libnss_'; then
    echo "build-static.sh: $bin links glibc's NSS (an NSS lookup is compiled in)" >&2
    strings "$bin" | grep -E 'nsswitch|libnss_' >&2
    exit 1
fi
# With cnictl's own start-up (src/start.rs), glibc's CPU probe must not be linked in.
if [[ $STATIC_RUSTFLAGS == *cnictl_glibc_start* ]] && nm "$bin" | grep -q -w 'handle_amd\|init_cacheinfo'; then
    echo "build-static.sh: $bin still has glibc's start-up and its CPU probe" >&2
    exit 1
fi
echo "built $bin ($(du -h "$bin" | cut -f1), static)"

$check || exit 0

if [ "$(id -u)" != 0 ]; then
    echo "build-static.sh --check: chroot needs root" >&2
    exit 2
fi
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
# Nothing but the binary and one config: no /lib, no /etc, no /proc, no shell.
cp "$bin" "$root/cnictl"
mkdir "$root/net.d"
cp examples/net.d/10-mynet.conflist "$root/net.d/"
chroot "$root" /cnictl --version
chroot "$root" /cnictl validate --static --no-config /net.d
chroot "$root" /cnictl --conf-dir /net.d ls --no-probe
# No file of NSS (or any shared library) is even looked for.
if command -v strace >/dev/null; then
    strace -f -qq -e trace=execve,open,openat,stat,newfstatat,access -o "$root.trace" \
        chroot "$root" /cnictl validate --static --no-config /net.d >/dev/null
    # Only what cnictl opens: the lines after chroot(8) executes it.
    looked=$(sed -n '/execve("\/cnictl"/,$p' "$root.trace" | grep -E '/etc/(nsswitch\.conf|passwd|group|hosts)|libnss|\.so[."]' || true)
    if ! grep -q 'execve("/cnictl"' "$root.trace"; then
        echo "build-static.sh --check: strace did not see cnictl start" >&2
        exit 1
    fi
    rm -f "$root.trace"
    if [ -n "$looked" ]; then
        echo "build-static.sh --check: NSS or shared-library files were opened:" >&2
        echo "$looked" >&2
        exit 1
    fi
    echo "no NSS lookup (strace: no nsswitch.conf, passwd, group or shared library opened)"
else
    echo "note: strace is not installed; the NSS check ran on the binary's strings only"
fi
echo "ok: $bin runs in an empty chroot"
