#!/usr/bin/env bash
# Regenerates the committed shell completions (completions/) and man pages (man/) from the
# clap definition. tests/generated.rs fails when they are out of date.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet
bin=target/debug/cnictl
mkdir -p completions man
for shell in bash zsh fish elvish powershell; do
    case $shell in
        bash) file=cnictl.bash ;;
        zsh) file=_cnictl ;;
        fish) file=cnictl.fish ;;
        elvish) file=cnictl.elv ;;
        powershell) file=_cnictl.ps1 ;;
    esac
    "$bin" completions "$shell" > "completions/$file"
done
rm -f man/*.1
"$bin" generate-man man
