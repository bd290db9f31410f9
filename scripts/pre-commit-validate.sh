#!/usr/bin/env bash
# The pre-commit hook's entry (.pre-commit-hooks.yaml): builds cnictl from this checkout with
# the committed Cargo.lock (--locked: pre-commit's own `language: rust` installs without it,
# pre-commit/pre-commit#3162) once, then validates the files pre-commit passes, each on its own.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cargo build --locked --release --quiet --manifest-path "$repo/Cargo.toml" --bin cnictl
exec "${CARGO_TARGET_DIR:-$repo/target}/release/cnictl" validate --static --per-file "$@"
