# fish completion for cnictl.
# Install: cnictl completions fish > ~/.config/fish/completions/cnictl.fish
# Live values (network names, namespace names, container IDs, validate rule names) come from
# the cnictl being completed: `cnictl __complete INDEX WORD...` is given the whole line and
# prints one candidate per line. Nothing printed: file names instead.

function __cnictl_complete
    set -l words (commandline -opc)
    set -l cur (commandline -ct)
    set -l out (command $words[1] __complete (count $words) $words $cur 2>/dev/null)
    if test (count $out) -gt 0
        printf '%s\n' $out
    else
        __fish_complete_path $cur
    end
end

complete -c cnictl -f -a '(__cnictl_complete)'
