#!/usr/bin/env bash
# Regenerates what is made from the clap definition: the static shell completions (elvish,
# PowerShell) in completions/ and the man pages in man/ (by examples/gen-man.rs: the shipped
# binary makes no man pages). The bash, zsh and fish scripts in completions/ are written by
# hand: they ask `cnictl __complete` for live values. tests/generated.rs fails when anything
# here is out of date.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet --bin cnictl --example gen-man
bin=target/debug/cnictl
mkdir -p completions man
"$bin" completions elvish > completions/cnictl.elv
"$bin" completions powershell > completions/_cnictl.ps1
rm -f man/*.1
target/debug/examples/gen-man man
