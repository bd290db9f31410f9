# fish completion for cnictl.
# Install: cnictl completions fish > ~/.config/fish/completions/cnictl.fish
# Live values (network names, namespace names, container IDs, validate rule names) come from
# the cnictl being completed: `cnictl __complete INDEX WORD...` is given the whole line and
# prints one candidate per line. Nothing printed: file names instead.

function __cnictl_complete
    set -l words (commandline -opc)
    set -l cur (commandline -ct)
    # The program is the first word that is no assignment (NETCONFPATH=/x cnictl ...); the
    # helper reads the assignments too.
    set -l bin
    for w in $words
        if not string match -qr '^[A-Za-z_][A-Za-z0-9_]*=' -- $w
            set bin $w
            break
        end
    end
    set -l out (command $bin __complete (count $words) $words $cur 2>/dev/null)
    if test (count $out) -gt 0
        printf '%s\n' $out
    else
        __fish_complete_path $cur
    end
end

complete -c cnictl -f -a '(__cnictl_complete)'
