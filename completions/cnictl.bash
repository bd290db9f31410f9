# bash completion for cnictl.
# Install: cnictl completions bash > /usr/share/bash-completion/completions/cnictl
# (or source this file). Live values (network names, namespace names, container IDs, validate
# rule names) come from the cnictl being completed: `cnictl __complete INDEX WORD...` is given
# the whole line and prints one candidate per line. Nothing printed: file names instead.

_cnictl() {
    local out
    # bash hides assignments before the command (NETCONFPATH=/x cnictl ...) from completion
    # functions, COMP_LINE included: only the exported NETCONFPATH is seen.
    out=$(command "$1" __complete "$COMP_CWORD" "${COMP_WORDS[@]}" 2>/dev/null)
    COMPREPLY=()
    if [[ -n $out ]]; then
        mapfile -t COMPREPLY <<<"$out"
    fi
    return 0
}

complete -o bashdefault -o default -F _cnictl cnictl
