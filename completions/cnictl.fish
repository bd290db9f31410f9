# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_cnictl_global_optspecs
    string join \n conf-dir= cni-path= cache-dir= host-netns= o/output= no-headers color= timeout= v/verbose skip-broken h/help V/version
end

function __fish_cnictl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_cnictl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_cnictl_using_subcommand
    set -l cmd (__fish_cnictl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c cnictl -n "__fish_cnictl_needs_command" -l conf-dir -d 'Directory of network configuration files' -r -F
complete -c cnictl -n "__fish_cnictl_needs_command" -l cni-path -d 'Directories searched for plugin binaries, separated by \':\'' -r
complete -c cnictl -n "__fish_cnictl_needs_command" -l cache-dir -d 'Directory of libcni\'s results cache (shared with containerd, CRI-O and cnitool)' -r -F
complete -c cnictl -n "__fish_cnictl_needs_command" -l host-netns -d 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl\'s own' -r
complete -c cnictl -n "__fish_cnictl_needs_command" -s o -l output -d 'Output format: table, wide, json, or one the command adds (each command\'s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]' -r -f -a "table\t'Borderless columns fitting the terminal (80 columns in a pipe); long cells cut with `…`'
wide\t'The table with every cell whole, as wide as it takes'
json\t'JSON, in the command\'s documented shape (docs/schemas/<command>.v1.json)'
github\t'GitHub Actions workflow commands (validate only)'
sarif\t'SARIF 2.1.0, for GitHub code scanning (validate only)'
codeclimate\t'GitLab\'s Code Quality report (validate only)'
junit\t'JUnit XML (validate only)'
prometheus\t'The Prometheus text format that node-exporter\'s textfile collector reads (status, attachments, ipam, validate; metrics listed in the README)'
npd\t'One line for node-problem-detector\'s custom plugins, exit 0 OK, 1 problem, 2 unknown (status only)'"
complete -c cnictl -n "__fish_cnictl_needs_command" -l color -d 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)' -r -f -a "auto\t'Decided by NO_COLOR, CLICOLOR_FORCE, CLICOLOR=0 / TERM=dumb, then whether the stream is a terminal'
always\t'Always'
never\t'Never'"
complete -c cnictl -n "__fish_cnictl_needs_command" -l timeout -d 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)' -r
complete -c cnictl -n "__fish_cnictl_needs_command" -l no-headers -d 'Print tables without their header line (for scripts)'
complete -c cnictl -n "__fish_cnictl_needs_command" -s v -l verbose -d 'Print a per-plugin timeline to stderr; twice adds each plugin\'s stdin, CNI_* env and stderr'
complete -c cnictl -n "__fish_cnictl_needs_command" -l skip-broken -d 'Skip config files that fail to parse instead of stopping at one that could be the network'
complete -c cnictl -n "__fish_cnictl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cnictl -n "__fish_cnictl_needs_command" -s V -l version -d 'Print version'
complete -c cnictl -n "__fish_cnictl_needs_command" -f -a "completions" -d 'Print shell completions'
complete -c cnictl -n "__fish_cnictl_needs_command" -f -a "generate-man" -d 'Write man pages into a directory'
complete -c cnictl -n "__fish_cnictl_needs_command" -f -a "add" -d 'Attach a container to a network: run the chain\'s ADD and cache the result'
complete -c cnictl -n "__fish_cnictl_needs_command" -f -a "check" -d 'Check an attachment: run the chain\'s CHECK (silent on success)'
complete -c cnictl -n "__fish_cnictl_needs_command" -f -a "del" -d 'Detach a container from a network: run the chain\'s DEL and drop the cache entry'
complete -c cnictl -n "__fish_cnictl_needs_command" -f -a "gc" -d 'Delete cached attachments that are no longer in use, then send the GC verb'
complete -c cnictl -n "__fish_cnictl_needs_command" -f -a "status" -d 'Report whether networks are ready: plugins found, versions, and their STATUS answer'
complete -c cnictl -n "__fish_cnictl_needs_command" -f -a "conformance" -d 'Test a chain against the CNI contract: the whole lifecycle in throwaway namespaces, each step judged pass, warn, fail or skip'
complete -c cnictl -n "__fish_cnictl_needs_command" -f -a "ls" -d 'List the networks of the config dir, and which one each runtime uses by default and why'
complete -c cnictl -n "__fish_cnictl_needs_command" -f -a "plugins" -d 'List the plugin binaries on the CNI path and the spec versions each supports'
complete -c cnictl -n "__fish_cnictl_needs_command" -f -a "attachments" -d 'List what libcni\'s cache holds, and whether each network namespace still exists'
complete -c cnictl -n "__fish_cnictl_needs_command" -f -a "inspect" -d 'Show what a network namespace holds (links, addresses, routes, the host side and NAT rules of its attachments) beside what the cache claims; exit 1 on any difference'
complete -c cnictl -n "__fish_cnictl_needs_command" -f -a "ipam" -d 'Audit host-local\'s IP reservations against the cache; free leaked ones with --release'
complete -c cnictl -n "__fish_cnictl_needs_command" -f -a "validate" -d 'Lint network configuration files: spec rules, chains, plugin schemas, plugin versions'
complete -c cnictl -n "__fish_cnictl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cnictl -n "__fish_cnictl_using_subcommand completions" -l conf-dir -d 'Directory of network configuration files' -r -F
complete -c cnictl -n "__fish_cnictl_using_subcommand completions" -l cni-path -d 'Directories searched for plugin binaries, separated by \':\'' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand completions" -l cache-dir -d 'Directory of libcni\'s results cache (shared with containerd, CRI-O and cnitool)' -r -F
complete -c cnictl -n "__fish_cnictl_using_subcommand completions" -l host-netns -d 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl\'s own' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand completions" -s o -l output -d 'Output format: table, wide, json, or one the command adds (each command\'s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]' -r -f -a "table\t'Borderless columns fitting the terminal (80 columns in a pipe); long cells cut with `…`'
wide\t'The table with every cell whole, as wide as it takes'
json\t'JSON, in the command\'s documented shape (docs/schemas/<command>.v1.json)'
github\t'GitHub Actions workflow commands (validate only)'
sarif\t'SARIF 2.1.0, for GitHub code scanning (validate only)'
codeclimate\t'GitLab\'s Code Quality report (validate only)'
junit\t'JUnit XML (validate only)'
prometheus\t'The Prometheus text format that node-exporter\'s textfile collector reads (status, attachments, ipam, validate; metrics listed in the README)'
npd\t'One line for node-problem-detector\'s custom plugins, exit 0 OK, 1 problem, 2 unknown (status only)'"
complete -c cnictl -n "__fish_cnictl_using_subcommand completions" -l color -d 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)' -r -f -a "auto\t'Decided by NO_COLOR, CLICOLOR_FORCE, CLICOLOR=0 / TERM=dumb, then whether the stream is a terminal'
always\t'Always'
never\t'Never'"
complete -c cnictl -n "__fish_cnictl_using_subcommand completions" -l timeout -d 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand completions" -l no-headers -d 'Print tables without their header line (for scripts)'
complete -c cnictl -n "__fish_cnictl_using_subcommand completions" -s v -l verbose -d 'Print a per-plugin timeline to stderr; twice adds each plugin\'s stdin, CNI_* env and stderr'
complete -c cnictl -n "__fish_cnictl_using_subcommand completions" -l skip-broken -d 'Skip config files that fail to parse instead of stopping at one that could be the network'
complete -c cnictl -n "__fish_cnictl_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cnictl -n "__fish_cnictl_using_subcommand generate-man" -l conf-dir -d 'Directory of network configuration files' -r -F
complete -c cnictl -n "__fish_cnictl_using_subcommand generate-man" -l cni-path -d 'Directories searched for plugin binaries, separated by \':\'' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand generate-man" -l cache-dir -d 'Directory of libcni\'s results cache (shared with containerd, CRI-O and cnitool)' -r -F
complete -c cnictl -n "__fish_cnictl_using_subcommand generate-man" -l host-netns -d 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl\'s own' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand generate-man" -s o -l output -d 'Output format: table, wide, json, or one the command adds (each command\'s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]' -r -f -a "table\t'Borderless columns fitting the terminal (80 columns in a pipe); long cells cut with `…`'
wide\t'The table with every cell whole, as wide as it takes'
json\t'JSON, in the command\'s documented shape (docs/schemas/<command>.v1.json)'
github\t'GitHub Actions workflow commands (validate only)'
sarif\t'SARIF 2.1.0, for GitHub code scanning (validate only)'
codeclimate\t'GitLab\'s Code Quality report (validate only)'
junit\t'JUnit XML (validate only)'
prometheus\t'The Prometheus text format that node-exporter\'s textfile collector reads (status, attachments, ipam, validate; metrics listed in the README)'
npd\t'One line for node-problem-detector\'s custom plugins, exit 0 OK, 1 problem, 2 unknown (status only)'"
complete -c cnictl -n "__fish_cnictl_using_subcommand generate-man" -l color -d 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)' -r -f -a "auto\t'Decided by NO_COLOR, CLICOLOR_FORCE, CLICOLOR=0 / TERM=dumb, then whether the stream is a terminal'
always\t'Always'
never\t'Never'"
complete -c cnictl -n "__fish_cnictl_using_subcommand generate-man" -l timeout -d 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand generate-man" -l no-headers -d 'Print tables without their header line (for scripts)'
complete -c cnictl -n "__fish_cnictl_using_subcommand generate-man" -s v -l verbose -d 'Print a per-plugin timeline to stderr; twice adds each plugin\'s stdin, CNI_* env and stderr'
complete -c cnictl -n "__fish_cnictl_using_subcommand generate-man" -l skip-broken -d 'Skip config files that fail to parse instead of stopping at one that could be the network'
complete -c cnictl -n "__fish_cnictl_using_subcommand generate-man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cnictl -n "__fish_cnictl_using_subcommand add" -s i -l ifname -d 'Interface name inside the container' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand add" -l container-id -d 'Container ID [default: cnitool\'s: "cnitool-" + a hash of the netns path]' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand add" -l arg -d 'A CNI_ARGS pair (repeatable; replaces the CNI_ARGS variable, whose syntax is K=V;K2=V2)' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand add" -l cap -d 'A capability argument, e.g. portMappings=\'[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]\' (repeatable; merged over the CAP_ARGS variable, a JSON object)' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand add" -l cap-args -d 'Capability arguments as one JSON object' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand add" -l conf-dir -d 'Directory of network configuration files' -r -F
complete -c cnictl -n "__fish_cnictl_using_subcommand add" -l cni-path -d 'Directories searched for plugin binaries, separated by \':\'' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand add" -l cache-dir -d 'Directory of libcni\'s results cache (shared with containerd, CRI-O and cnitool)' -r -F
complete -c cnictl -n "__fish_cnictl_using_subcommand add" -l host-netns -d 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl\'s own' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand add" -s o -l output -d 'Output format: table, wide, json, or one the command adds (each command\'s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]' -r -f -a "table\t'Borderless columns fitting the terminal (80 columns in a pipe); long cells cut with `…`'
wide\t'The table with every cell whole, as wide as it takes'
json\t'JSON, in the command\'s documented shape (docs/schemas/<command>.v1.json)'
github\t'GitHub Actions workflow commands (validate only)'
sarif\t'SARIF 2.1.0, for GitHub code scanning (validate only)'
codeclimate\t'GitLab\'s Code Quality report (validate only)'
junit\t'JUnit XML (validate only)'
prometheus\t'The Prometheus text format that node-exporter\'s textfile collector reads (status, attachments, ipam, validate; metrics listed in the README)'
npd\t'One line for node-problem-detector\'s custom plugins, exit 0 OK, 1 problem, 2 unknown (status only)'"
complete -c cnictl -n "__fish_cnictl_using_subcommand add" -l color -d 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)' -r -f -a "auto\t'Decided by NO_COLOR, CLICOLOR_FORCE, CLICOLOR=0 / TERM=dumb, then whether the stream is a terminal'
always\t'Always'
never\t'Never'"
complete -c cnictl -n "__fish_cnictl_using_subcommand add" -l timeout -d 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand add" -l no-rollback -d 'Keep a failed ADD\'s partial state (no rollback) and cache it, for plugin debugging'
complete -c cnictl -n "__fish_cnictl_using_subcommand add" -l no-headers -d 'Print tables without their header line (for scripts)'
complete -c cnictl -n "__fish_cnictl_using_subcommand add" -s v -l verbose -d 'Print a per-plugin timeline to stderr; twice adds each plugin\'s stdin, CNI_* env and stderr'
complete -c cnictl -n "__fish_cnictl_using_subcommand add" -l skip-broken -d 'Skip config files that fail to parse instead of stopping at one that could be the network'
complete -c cnictl -n "__fish_cnictl_using_subcommand add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cnictl -n "__fish_cnictl_using_subcommand check" -s i -l ifname -d 'Interface name inside the container' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand check" -l container-id -d 'Container ID [default: cnitool\'s: "cnitool-" + a hash of the netns path]' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand check" -l arg -d 'A CNI_ARGS pair (repeatable; replaces the CNI_ARGS variable, whose syntax is K=V;K2=V2)' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand check" -l cap -d 'A capability argument, e.g. portMappings=\'[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]\' (repeatable; merged over the CAP_ARGS variable, a JSON object)' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand check" -l cap-args -d 'Capability arguments as one JSON object' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand check" -l conf-dir -d 'Directory of network configuration files' -r -F
complete -c cnictl -n "__fish_cnictl_using_subcommand check" -l cni-path -d 'Directories searched for plugin binaries, separated by \':\'' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand check" -l cache-dir -d 'Directory of libcni\'s results cache (shared with containerd, CRI-O and cnitool)' -r -F
complete -c cnictl -n "__fish_cnictl_using_subcommand check" -l host-netns -d 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl\'s own' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand check" -s o -l output -d 'Output format: table, wide, json, or one the command adds (each command\'s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]' -r -f -a "table\t'Borderless columns fitting the terminal (80 columns in a pipe); long cells cut with `…`'
wide\t'The table with every cell whole, as wide as it takes'
json\t'JSON, in the command\'s documented shape (docs/schemas/<command>.v1.json)'
github\t'GitHub Actions workflow commands (validate only)'
sarif\t'SARIF 2.1.0, for GitHub code scanning (validate only)'
codeclimate\t'GitLab\'s Code Quality report (validate only)'
junit\t'JUnit XML (validate only)'
prometheus\t'The Prometheus text format that node-exporter\'s textfile collector reads (status, attachments, ipam, validate; metrics listed in the README)'
npd\t'One line for node-problem-detector\'s custom plugins, exit 0 OK, 1 problem, 2 unknown (status only)'"
complete -c cnictl -n "__fish_cnictl_using_subcommand check" -l color -d 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)' -r -f -a "auto\t'Decided by NO_COLOR, CLICOLOR_FORCE, CLICOLOR=0 / TERM=dumb, then whether the stream is a terminal'
always\t'Always'
never\t'Never'"
complete -c cnictl -n "__fish_cnictl_using_subcommand check" -l timeout -d 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand check" -l force -d 'Check even when the plugins\' namespace (--host-netns) or NETNS differs from the ones the ADD recorded (the ones given are used)'
complete -c cnictl -n "__fish_cnictl_using_subcommand check" -l no-headers -d 'Print tables without their header line (for scripts)'
complete -c cnictl -n "__fish_cnictl_using_subcommand check" -s v -l verbose -d 'Print a per-plugin timeline to stderr; twice adds each plugin\'s stdin, CNI_* env and stderr'
complete -c cnictl -n "__fish_cnictl_using_subcommand check" -l skip-broken -d 'Skip config files that fail to parse instead of stopping at one that could be the network'
complete -c cnictl -n "__fish_cnictl_using_subcommand check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cnictl -n "__fish_cnictl_using_subcommand del" -s i -l ifname -d 'Interface name inside the container' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand del" -l container-id -d 'Container ID [default: cnitool\'s: "cnitool-" + a hash of the netns path]' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand del" -l arg -d 'A CNI_ARGS pair (repeatable; replaces the CNI_ARGS variable, whose syntax is K=V;K2=V2)' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand del" -l cap -d 'A capability argument, e.g. portMappings=\'[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]\' (repeatable; merged over the CAP_ARGS variable, a JSON object)' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand del" -l cap-args -d 'Capability arguments as one JSON object' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand del" -l conf-dir -d 'Directory of network configuration files' -r -F
complete -c cnictl -n "__fish_cnictl_using_subcommand del" -l cni-path -d 'Directories searched for plugin binaries, separated by \':\'' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand del" -l cache-dir -d 'Directory of libcni\'s results cache (shared with containerd, CRI-O and cnitool)' -r -F
complete -c cnictl -n "__fish_cnictl_using_subcommand del" -l host-netns -d 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl\'s own' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand del" -s o -l output -d 'Output format: table, wide, json, or one the command adds (each command\'s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]' -r -f -a "table\t'Borderless columns fitting the terminal (80 columns in a pipe); long cells cut with `…`'
wide\t'The table with every cell whole, as wide as it takes'
json\t'JSON, in the command\'s documented shape (docs/schemas/<command>.v1.json)'
github\t'GitHub Actions workflow commands (validate only)'
sarif\t'SARIF 2.1.0, for GitHub code scanning (validate only)'
codeclimate\t'GitLab\'s Code Quality report (validate only)'
junit\t'JUnit XML (validate only)'
prometheus\t'The Prometheus text format that node-exporter\'s textfile collector reads (status, attachments, ipam, validate; metrics listed in the README)'
npd\t'One line for node-problem-detector\'s custom plugins, exit 0 OK, 1 problem, 2 unknown (status only)'"
complete -c cnictl -n "__fish_cnictl_using_subcommand del" -l color -d 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)' -r -f -a "auto\t'Decided by NO_COLOR, CLICOLOR_FORCE, CLICOLOR=0 / TERM=dumb, then whether the stream is a terminal'
always\t'Always'
never\t'Never'"
complete -c cnictl -n "__fish_cnictl_using_subcommand del" -l timeout -d 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand del" -l cached-config -d 'Delete with the config the ADD used (from the cache) instead of the current one'
complete -c cnictl -n "__fish_cnictl_using_subcommand del" -l rm-netns -d 'Remove the named network namespace after a successful DEL'
complete -c cnictl -n "__fish_cnictl_using_subcommand del" -l force -d 'Delete even when the plugins\' namespace (--host-netns) or NETNS differs from the ones the ADD recorded (the ones given are used); with --rm-netns, remove the namespace even if other cache entries still use it'
complete -c cnictl -n "__fish_cnictl_using_subcommand del" -l no-headers -d 'Print tables without their header line (for scripts)'
complete -c cnictl -n "__fish_cnictl_using_subcommand del" -s v -l verbose -d 'Print a per-plugin timeline to stderr; twice adds each plugin\'s stdin, CNI_* env and stderr'
complete -c cnictl -n "__fish_cnictl_using_subcommand del" -l skip-broken -d 'Skip config files that fail to parse instead of stopping at one that could be the network'
complete -c cnictl -n "__fish_cnictl_using_subcommand del" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cnictl -n "__fish_cnictl_using_subcommand gc" -l valid -d 'An attachment still in use, CONTAINER_ID:IFNAME (repeatable)' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand gc" -l valid-from -d 'Read the attachments still in use from FILE, or stdin with -: a JSON array of {"containerID": .., "ifname": ..} objects, or lines "ID IFNAME"' -r -F
complete -c cnictl -n "__fish_cnictl_using_subcommand gc" -l conf-dir -d 'Directory of network configuration files' -r -F
complete -c cnictl -n "__fish_cnictl_using_subcommand gc" -l cni-path -d 'Directories searched for plugin binaries, separated by \':\'' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand gc" -l cache-dir -d 'Directory of libcni\'s results cache (shared with containerd, CRI-O and cnitool)' -r -F
complete -c cnictl -n "__fish_cnictl_using_subcommand gc" -l host-netns -d 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl\'s own' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand gc" -s o -l output -d 'Output format: table, wide, json, or one the command adds (each command\'s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]' -r -f -a "table\t'Borderless columns fitting the terminal (80 columns in a pipe); long cells cut with `…`'
wide\t'The table with every cell whole, as wide as it takes'
json\t'JSON, in the command\'s documented shape (docs/schemas/<command>.v1.json)'
github\t'GitHub Actions workflow commands (validate only)'
sarif\t'SARIF 2.1.0, for GitHub code scanning (validate only)'
codeclimate\t'GitLab\'s Code Quality report (validate only)'
junit\t'JUnit XML (validate only)'
prometheus\t'The Prometheus text format that node-exporter\'s textfile collector reads (status, attachments, ipam, validate; metrics listed in the README)'
npd\t'One line for node-problem-detector\'s custom plugins, exit 0 OK, 1 problem, 2 unknown (status only)'"
complete -c cnictl -n "__fish_cnictl_using_subcommand gc" -l color -d 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)' -r -f -a "auto\t'Decided by NO_COLOR, CLICOLOR_FORCE, CLICOLOR=0 / TERM=dumb, then whether the stream is a terminal'
always\t'Always'
never\t'Never'"
complete -c cnictl -n "__fish_cnictl_using_subcommand gc" -l timeout -d 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand gc" -l live -d 'Attachments whose network namespace still exists are in use (for attachments made by hand with cnictl or cnitool)'
complete -c cnictl -n "__fish_cnictl_using_subcommand gc" -l all -d 'Nothing is in use: delete every cached attachment of the network, as `cnitool gc` does (needs --yes)'
complete -c cnictl -n "__fish_cnictl_using_subcommand gc" -l yes -d 'Confirm --all'
complete -c cnictl -n "__fish_cnictl_using_subcommand gc" -l gc-verb -d 'With --live or --all, send the GC verb too: plugins free everything not in the set derived from the cache (which misses attachments being added right now)'
complete -c cnictl -n "__fish_cnictl_using_subcommand gc" -l dry-run -d 'Print what would be removed; change nothing and call no plugin'
complete -c cnictl -n "__fish_cnictl_using_subcommand gc" -l no-headers -d 'Print tables without their header line (for scripts)'
complete -c cnictl -n "__fish_cnictl_using_subcommand gc" -s v -l verbose -d 'Print a per-plugin timeline to stderr; twice adds each plugin\'s stdin, CNI_* env and stderr'
complete -c cnictl -n "__fish_cnictl_using_subcommand gc" -l skip-broken -d 'Skip config files that fail to parse instead of stopping at one that could be the network'
complete -c cnictl -n "__fish_cnictl_using_subcommand gc" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cnictl -n "__fish_cnictl_using_subcommand status" -l metrics-file -d 'Write the Prometheus metrics (-o prometheus) to FILE instead of stdout, atomically: a temporary file beside it, then a rename (for node-exporter\'s textfile directory)' -r -F
complete -c cnictl -n "__fish_cnictl_using_subcommand status" -l every -d 'Run again every DURATION (e.g. 30s, 5m) until SIGTERM or SIGINT, rewriting --metrics-file after each run; a run that fails is reported on stderr and in the metrics, and the next one still happens. Exits 0 when stopped by the signal' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand status" -l conf-dir -d 'Directory of network configuration files' -r -F
complete -c cnictl -n "__fish_cnictl_using_subcommand status" -l cni-path -d 'Directories searched for plugin binaries, separated by \':\'' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand status" -l cache-dir -d 'Directory of libcni\'s results cache (shared with containerd, CRI-O and cnitool)' -r -F
complete -c cnictl -n "__fish_cnictl_using_subcommand status" -l host-netns -d 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl\'s own' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand status" -s o -l output -d 'Output format: table, wide, json, or one the command adds (each command\'s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]' -r -f -a "table\t'Borderless columns fitting the terminal (80 columns in a pipe); long cells cut with `…`'
wide\t'The table with every cell whole, as wide as it takes'
json\t'JSON, in the command\'s documented shape (docs/schemas/<command>.v1.json)'
github\t'GitHub Actions workflow commands (validate only)'
sarif\t'SARIF 2.1.0, for GitHub code scanning (validate only)'
codeclimate\t'GitLab\'s Code Quality report (validate only)'
junit\t'JUnit XML (validate only)'
prometheus\t'The Prometheus text format that node-exporter\'s textfile collector reads (status, attachments, ipam, validate; metrics listed in the README)'
npd\t'One line for node-problem-detector\'s custom plugins, exit 0 OK, 1 problem, 2 unknown (status only)'"
complete -c cnictl -n "__fish_cnictl_using_subcommand status" -l color -d 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)' -r -f -a "auto\t'Decided by NO_COLOR, CLICOLOR_FORCE, CLICOLOR=0 / TERM=dumb, then whether the stream is a terminal'
always\t'Always'
never\t'Never'"
complete -c cnictl -n "__fish_cnictl_using_subcommand status" -l timeout -d 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand status" -l strict -d 'Count a network that cannot report (cniVersion before 1.1.0, or a plugin without the network\'s version) as not ready'
complete -c cnictl -n "__fish_cnictl_using_subcommand status" -l no-headers -d 'Print tables without their header line (for scripts)'
complete -c cnictl -n "__fish_cnictl_using_subcommand status" -s v -l verbose -d 'Print a per-plugin timeline to stderr; twice adds each plugin\'s stdin, CNI_* env and stderr'
complete -c cnictl -n "__fish_cnictl_using_subcommand status" -l skip-broken -d 'Skip config files that fail to parse instead of stopping at one that could be the network'
complete -c cnictl -n "__fish_cnictl_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cnictl -n "__fish_cnictl_using_subcommand conformance" -l versions -d 'cniVersions to run the lifecycle with, comma-separated [default: every version of the config\'s cniVersions, else its cniVersion]' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand conformance" -l conf-dir -d 'Directory of network configuration files' -r -F
complete -c cnictl -n "__fish_cnictl_using_subcommand conformance" -l cni-path -d 'Directories searched for plugin binaries, separated by \':\'' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand conformance" -l cache-dir -d 'Directory of libcni\'s results cache (shared with containerd, CRI-O and cnitool)' -r -F
complete -c cnictl -n "__fish_cnictl_using_subcommand conformance" -l host-netns -d 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl\'s own' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand conformance" -s o -l output -d 'Output format: table, wide, json, or one the command adds (each command\'s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]' -r -f -a "table\t'Borderless columns fitting the terminal (80 columns in a pipe); long cells cut with `…`'
wide\t'The table with every cell whole, as wide as it takes'
json\t'JSON, in the command\'s documented shape (docs/schemas/<command>.v1.json)'
github\t'GitHub Actions workflow commands (validate only)'
sarif\t'SARIF 2.1.0, for GitHub code scanning (validate only)'
codeclimate\t'GitLab\'s Code Quality report (validate only)'
junit\t'JUnit XML (validate only)'
prometheus\t'The Prometheus text format that node-exporter\'s textfile collector reads (status, attachments, ipam, validate; metrics listed in the README)'
npd\t'One line for node-problem-detector\'s custom plugins, exit 0 OK, 1 problem, 2 unknown (status only)'"
complete -c cnictl -n "__fish_cnictl_using_subcommand conformance" -l color -d 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)' -r -f -a "auto\t'Decided by NO_COLOR, CLICOLOR_FORCE, CLICOLOR=0 / TERM=dumb, then whether the stream is a terminal'
always\t'Always'
never\t'Never'"
complete -c cnictl -n "__fish_cnictl_using_subcommand conformance" -l timeout -d 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand conformance" -l keep-going -d 'Run every step even after one failed (by default the rest of the round is skipped)'
complete -c cnictl -n "__fish_cnictl_using_subcommand conformance" -l no-headers -d 'Print tables without their header line (for scripts)'
complete -c cnictl -n "__fish_cnictl_using_subcommand conformance" -s v -l verbose -d 'Print a per-plugin timeline to stderr; twice adds each plugin\'s stdin, CNI_* env and stderr'
complete -c cnictl -n "__fish_cnictl_using_subcommand conformance" -l skip-broken -d 'Skip config files that fail to parse instead of stopping at one that could be the network'
complete -c cnictl -n "__fish_cnictl_using_subcommand conformance" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cnictl -n "__fish_cnictl_using_subcommand ls" -l max-conf-num -d 'containerd\'s max_conf_num: how many config files it loads (0: all)' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand ls" -l default-network -d 'CRI-O\'s configured default network (cni_default_network) [default: the first file that loads and passes libcni\'s plugin check]' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand ls" -l conf-dir -d 'Directory of network configuration files' -r -F
complete -c cnictl -n "__fish_cnictl_using_subcommand ls" -l cni-path -d 'Directories searched for plugin binaries, separated by \':\'' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand ls" -l cache-dir -d 'Directory of libcni\'s results cache (shared with containerd, CRI-O and cnitool)' -r -F
complete -c cnictl -n "__fish_cnictl_using_subcommand ls" -l host-netns -d 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl\'s own' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand ls" -s o -l output -d 'Output format: table, wide, json, or one the command adds (each command\'s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]' -r -f -a "table\t'Borderless columns fitting the terminal (80 columns in a pipe); long cells cut with `…`'
wide\t'The table with every cell whole, as wide as it takes'
json\t'JSON, in the command\'s documented shape (docs/schemas/<command>.v1.json)'
github\t'GitHub Actions workflow commands (validate only)'
sarif\t'SARIF 2.1.0, for GitHub code scanning (validate only)'
codeclimate\t'GitLab\'s Code Quality report (validate only)'
junit\t'JUnit XML (validate only)'
prometheus\t'The Prometheus text format that node-exporter\'s textfile collector reads (status, attachments, ipam, validate; metrics listed in the README)'
npd\t'One line for node-problem-detector\'s custom plugins, exit 0 OK, 1 problem, 2 unknown (status only)'"
complete -c cnictl -n "__fish_cnictl_using_subcommand ls" -l color -d 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)' -r -f -a "auto\t'Decided by NO_COLOR, CLICOLOR_FORCE, CLICOLOR=0 / TERM=dumb, then whether the stream is a terminal'
always\t'Always'
never\t'Never'"
complete -c cnictl -n "__fish_cnictl_using_subcommand ls" -l timeout -d 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand ls" -l no-probe -d 'Do not run plugins with VERSION (their presence on the CNI path is still checked)'
complete -c cnictl -n "__fish_cnictl_using_subcommand ls" -l no-headers -d 'Print tables without their header line (for scripts)'
complete -c cnictl -n "__fish_cnictl_using_subcommand ls" -s v -l verbose -d 'Print a per-plugin timeline to stderr; twice adds each plugin\'s stdin, CNI_* env and stderr'
complete -c cnictl -n "__fish_cnictl_using_subcommand ls" -l skip-broken -d 'Skip config files that fail to parse instead of stopping at one that could be the network'
complete -c cnictl -n "__fish_cnictl_using_subcommand ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cnictl -n "__fish_cnictl_using_subcommand plugins" -l conf-dir -d 'Directory of network configuration files' -r -F
complete -c cnictl -n "__fish_cnictl_using_subcommand plugins" -l cni-path -d 'Directories searched for plugin binaries, separated by \':\'' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand plugins" -l cache-dir -d 'Directory of libcni\'s results cache (shared with containerd, CRI-O and cnitool)' -r -F
complete -c cnictl -n "__fish_cnictl_using_subcommand plugins" -l host-netns -d 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl\'s own' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand plugins" -s o -l output -d 'Output format: table, wide, json, or one the command adds (each command\'s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]' -r -f -a "table\t'Borderless columns fitting the terminal (80 columns in a pipe); long cells cut with `…`'
wide\t'The table with every cell whole, as wide as it takes'
json\t'JSON, in the command\'s documented shape (docs/schemas/<command>.v1.json)'
github\t'GitHub Actions workflow commands (validate only)'
sarif\t'SARIF 2.1.0, for GitHub code scanning (validate only)'
codeclimate\t'GitLab\'s Code Quality report (validate only)'
junit\t'JUnit XML (validate only)'
prometheus\t'The Prometheus text format that node-exporter\'s textfile collector reads (status, attachments, ipam, validate; metrics listed in the README)'
npd\t'One line for node-problem-detector\'s custom plugins, exit 0 OK, 1 problem, 2 unknown (status only)'"
complete -c cnictl -n "__fish_cnictl_using_subcommand plugins" -l color -d 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)' -r -f -a "auto\t'Decided by NO_COLOR, CLICOLOR_FORCE, CLICOLOR=0 / TERM=dumb, then whether the stream is a terminal'
always\t'Always'
never\t'Never'"
complete -c cnictl -n "__fish_cnictl_using_subcommand plugins" -l timeout -d 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand plugins" -l no-probe -d 'List the binaries without running them with VERSION'
complete -c cnictl -n "__fish_cnictl_using_subcommand plugins" -l no-headers -d 'Print tables without their header line (for scripts)'
complete -c cnictl -n "__fish_cnictl_using_subcommand plugins" -s v -l verbose -d 'Print a per-plugin timeline to stderr; twice adds each plugin\'s stdin, CNI_* env and stderr'
complete -c cnictl -n "__fish_cnictl_using_subcommand plugins" -l skip-broken -d 'Skip config files that fail to parse instead of stopping at one that could be the network'
complete -c cnictl -n "__fish_cnictl_using_subcommand plugins" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cnictl -n "__fish_cnictl_using_subcommand attachments; and not __fish_seen_subcommand_from show help" -l network -d 'Only the attachments of this network' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand attachments; and not __fish_seen_subcommand_from show help" -l metrics-file -d 'Write the Prometheus metrics (-o prometheus) to FILE instead of stdout, atomically: a temporary file beside it, then a rename (for node-exporter\'s textfile directory)' -r -F
complete -c cnictl -n "__fish_cnictl_using_subcommand attachments; and not __fish_seen_subcommand_from show help" -l every -d 'Run again every DURATION (e.g. 30s, 5m) until SIGTERM or SIGINT, rewriting --metrics-file after each run; a run that fails is reported on stderr and in the metrics, and the next one still happens. Exits 0 when stopped by the signal' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand attachments; and not __fish_seen_subcommand_from show help" -l conf-dir -d 'Directory of network configuration files' -r -F
complete -c cnictl -n "__fish_cnictl_using_subcommand attachments; and not __fish_seen_subcommand_from show help" -l cni-path -d 'Directories searched for plugin binaries, separated by \':\'' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand attachments; and not __fish_seen_subcommand_from show help" -l cache-dir -d 'Directory of libcni\'s results cache (shared with containerd, CRI-O and cnitool)' -r -F
complete -c cnictl -n "__fish_cnictl_using_subcommand attachments; and not __fish_seen_subcommand_from show help" -l host-netns -d 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl\'s own' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand attachments; and not __fish_seen_subcommand_from show help" -s o -l output -d 'Output format: table, wide, json, or one the command adds (each command\'s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]' -r -f -a "table\t'Borderless columns fitting the terminal (80 columns in a pipe); long cells cut with `…`'
wide\t'The table with every cell whole, as wide as it takes'
json\t'JSON, in the command\'s documented shape (docs/schemas/<command>.v1.json)'
github\t'GitHub Actions workflow commands (validate only)'
sarif\t'SARIF 2.1.0, for GitHub code scanning (validate only)'
codeclimate\t'GitLab\'s Code Quality report (validate only)'
junit\t'JUnit XML (validate only)'
prometheus\t'The Prometheus text format that node-exporter\'s textfile collector reads (status, attachments, ipam, validate; metrics listed in the README)'
npd\t'One line for node-problem-detector\'s custom plugins, exit 0 OK, 1 problem, 2 unknown (status only)'"
complete -c cnictl -n "__fish_cnictl_using_subcommand attachments; and not __fish_seen_subcommand_from show help" -l color -d 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)' -r -f -a "auto\t'Decided by NO_COLOR, CLICOLOR_FORCE, CLICOLOR=0 / TERM=dumb, then whether the stream is a terminal'
always\t'Always'
never\t'Never'"
complete -c cnictl -n "__fish_cnictl_using_subcommand attachments; and not __fish_seen_subcommand_from show help" -l timeout -d 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand attachments; and not __fish_seen_subcommand_from show help" -l stale -d 'Only problem entries: netns gone, failed or interrupted ADD (cnictl\'s records), network no longer configured, and the files that are not readable entries (corrupt, empty)'
complete -c cnictl -n "__fish_cnictl_using_subcommand attachments; and not __fish_seen_subcommand_from show help" -l no-headers -d 'Print tables without their header line (for scripts)'
complete -c cnictl -n "__fish_cnictl_using_subcommand attachments; and not __fish_seen_subcommand_from show help" -s v -l verbose -d 'Print a per-plugin timeline to stderr; twice adds each plugin\'s stdin, CNI_* env and stderr'
complete -c cnictl -n "__fish_cnictl_using_subcommand attachments; and not __fish_seen_subcommand_from show help" -l skip-broken -d 'Skip config files that fail to parse instead of stopping at one that could be the network'
complete -c cnictl -n "__fish_cnictl_using_subcommand attachments; and not __fish_seen_subcommand_from show help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cnictl -n "__fish_cnictl_using_subcommand attachments; and not __fish_seen_subcommand_from show help" -f -a "show" -d 'Print one whole cache entry: runtime args, capability args, the decoded config, the result'
complete -c cnictl -n "__fish_cnictl_using_subcommand attachments; and not __fish_seen_subcommand_from show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cnictl -n "__fish_cnictl_using_subcommand attachments; and __fish_seen_subcommand_from show" -l conf-dir -d 'Directory of network configuration files' -r -F
complete -c cnictl -n "__fish_cnictl_using_subcommand attachments; and __fish_seen_subcommand_from show" -l cni-path -d 'Directories searched for plugin binaries, separated by \':\'' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand attachments; and __fish_seen_subcommand_from show" -l cache-dir -d 'Directory of libcni\'s results cache (shared with containerd, CRI-O and cnitool)' -r -F
complete -c cnictl -n "__fish_cnictl_using_subcommand attachments; and __fish_seen_subcommand_from show" -l host-netns -d 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl\'s own' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand attachments; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format: table, wide, json, or one the command adds (each command\'s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]' -r -f -a "table\t'Borderless columns fitting the terminal (80 columns in a pipe); long cells cut with `…`'
wide\t'The table with every cell whole, as wide as it takes'
json\t'JSON, in the command\'s documented shape (docs/schemas/<command>.v1.json)'
github\t'GitHub Actions workflow commands (validate only)'
sarif\t'SARIF 2.1.0, for GitHub code scanning (validate only)'
codeclimate\t'GitLab\'s Code Quality report (validate only)'
junit\t'JUnit XML (validate only)'
prometheus\t'The Prometheus text format that node-exporter\'s textfile collector reads (status, attachments, ipam, validate; metrics listed in the README)'
npd\t'One line for node-problem-detector\'s custom plugins, exit 0 OK, 1 problem, 2 unknown (status only)'"
complete -c cnictl -n "__fish_cnictl_using_subcommand attachments; and __fish_seen_subcommand_from show" -l color -d 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)' -r -f -a "auto\t'Decided by NO_COLOR, CLICOLOR_FORCE, CLICOLOR=0 / TERM=dumb, then whether the stream is a terminal'
always\t'Always'
never\t'Never'"
complete -c cnictl -n "__fish_cnictl_using_subcommand attachments; and __fish_seen_subcommand_from show" -l timeout -d 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand attachments; and __fish_seen_subcommand_from show" -l no-headers -d 'Print tables without their header line (for scripts)'
complete -c cnictl -n "__fish_cnictl_using_subcommand attachments; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Print a per-plugin timeline to stderr; twice adds each plugin\'s stdin, CNI_* env and stderr'
complete -c cnictl -n "__fish_cnictl_using_subcommand attachments; and __fish_seen_subcommand_from show" -l skip-broken -d 'Skip config files that fail to parse instead of stopping at one that could be the network'
complete -c cnictl -n "__fish_cnictl_using_subcommand attachments; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cnictl -n "__fish_cnictl_using_subcommand attachments; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print one whole cache entry: runtime args, capability args, the decoded config, the result'
complete -c cnictl -n "__fish_cnictl_using_subcommand attachments; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cnictl -n "__fish_cnictl_using_subcommand inspect" -l conf-dir -d 'Directory of network configuration files' -r -F
complete -c cnictl -n "__fish_cnictl_using_subcommand inspect" -l cni-path -d 'Directories searched for plugin binaries, separated by \':\'' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand inspect" -l cache-dir -d 'Directory of libcni\'s results cache (shared with containerd, CRI-O and cnitool)' -r -F
complete -c cnictl -n "__fish_cnictl_using_subcommand inspect" -l host-netns -d 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl\'s own' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand inspect" -s o -l output -d 'Output format: table, wide, json, or one the command adds (each command\'s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]' -r -f -a "table\t'Borderless columns fitting the terminal (80 columns in a pipe); long cells cut with `…`'
wide\t'The table with every cell whole, as wide as it takes'
json\t'JSON, in the command\'s documented shape (docs/schemas/<command>.v1.json)'
github\t'GitHub Actions workflow commands (validate only)'
sarif\t'SARIF 2.1.0, for GitHub code scanning (validate only)'
codeclimate\t'GitLab\'s Code Quality report (validate only)'
junit\t'JUnit XML (validate only)'
prometheus\t'The Prometheus text format that node-exporter\'s textfile collector reads (status, attachments, ipam, validate; metrics listed in the README)'
npd\t'One line for node-problem-detector\'s custom plugins, exit 0 OK, 1 problem, 2 unknown (status only)'"
complete -c cnictl -n "__fish_cnictl_using_subcommand inspect" -l color -d 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)' -r -f -a "auto\t'Decided by NO_COLOR, CLICOLOR_FORCE, CLICOLOR=0 / TERM=dumb, then whether the stream is a terminal'
always\t'Always'
never\t'Never'"
complete -c cnictl -n "__fish_cnictl_using_subcommand inspect" -l timeout -d 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand inspect" -l no-headers -d 'Print tables without their header line (for scripts)'
complete -c cnictl -n "__fish_cnictl_using_subcommand inspect" -s v -l verbose -d 'Print a per-plugin timeline to stderr; twice adds each plugin\'s stdin, CNI_* env and stderr'
complete -c cnictl -n "__fish_cnictl_using_subcommand inspect" -l skip-broken -d 'Skip config files that fail to parse instead of stopping at one that could be the network'
complete -c cnictl -n "__fish_cnictl_using_subcommand inspect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cnictl -n "__fish_cnictl_using_subcommand ipam" -l valid -d 'A container still in use, CONTAINER_ID or CONTAINER_ID:IFNAME (repeatable)' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand ipam" -l valid-from -d 'Read the containers still in use from FILE, or stdin with -: a JSON array of {"containerID": .., "ifname": ..} objects, or lines "ID IFNAME"' -r -F
complete -c cnictl -n "__fish_cnictl_using_subcommand ipam" -l metrics-file -d 'Write the Prometheus metrics (-o prometheus) to FILE instead of stdout, atomically: a temporary file beside it, then a rename (for node-exporter\'s textfile directory)' -r -F
complete -c cnictl -n "__fish_cnictl_using_subcommand ipam" -l every -d 'Run again every DURATION (e.g. 30s, 5m) until SIGTERM or SIGINT, rewriting --metrics-file after each run; a run that fails is reported on stderr and in the metrics, and the next one still happens. Exits 0 when stopped by the signal' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand ipam" -l conf-dir -d 'Directory of network configuration files' -r -F
complete -c cnictl -n "__fish_cnictl_using_subcommand ipam" -l cni-path -d 'Directories searched for plugin binaries, separated by \':\'' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand ipam" -l cache-dir -d 'Directory of libcni\'s results cache (shared with containerd, CRI-O and cnitool)' -r -F
complete -c cnictl -n "__fish_cnictl_using_subcommand ipam" -l host-netns -d 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl\'s own' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand ipam" -s o -l output -d 'Output format: table, wide, json, or one the command adds (each command\'s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]' -r -f -a "table\t'Borderless columns fitting the terminal (80 columns in a pipe); long cells cut with `…`'
wide\t'The table with every cell whole, as wide as it takes'
json\t'JSON, in the command\'s documented shape (docs/schemas/<command>.v1.json)'
github\t'GitHub Actions workflow commands (validate only)'
sarif\t'SARIF 2.1.0, for GitHub code scanning (validate only)'
codeclimate\t'GitLab\'s Code Quality report (validate only)'
junit\t'JUnit XML (validate only)'
prometheus\t'The Prometheus text format that node-exporter\'s textfile collector reads (status, attachments, ipam, validate; metrics listed in the README)'
npd\t'One line for node-problem-detector\'s custom plugins, exit 0 OK, 1 problem, 2 unknown (status only)'"
complete -c cnictl -n "__fish_cnictl_using_subcommand ipam" -l color -d 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)' -r -f -a "auto\t'Decided by NO_COLOR, CLICOLOR_FORCE, CLICOLOR=0 / TERM=dumb, then whether the stream is a terminal'
always\t'Always'
never\t'Never'"
complete -c cnictl -n "__fish_cnictl_using_subcommand ipam" -l timeout -d 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand ipam" -l release -d 'Free the unowned reservations (no cache entry) of containers not in the valid set'
complete -c cnictl -n "__fish_cnictl_using_subcommand ipam" -l live -d 'Containers with a cached attachment whose netns still exists are in use'
complete -c cnictl -n "__fish_cnictl_using_subcommand ipam" -l dry-run -d 'With --release, print what would be freed; change nothing'
complete -c cnictl -n "__fish_cnictl_using_subcommand ipam" -l no-headers -d 'Print tables without their header line (for scripts)'
complete -c cnictl -n "__fish_cnictl_using_subcommand ipam" -s v -l verbose -d 'Print a per-plugin timeline to stderr; twice adds each plugin\'s stdin, CNI_* env and stderr'
complete -c cnictl -n "__fish_cnictl_using_subcommand ipam" -l skip-broken -d 'Skip config files that fail to parse instead of stopping at one that could be the network'
complete -c cnictl -n "__fish_cnictl_using_subcommand ipam" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cnictl -n "__fish_cnictl_using_subcommand validate" -l allow -d 'Drop the findings of RULE (repeatable)' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand validate" -l warn -d 'Report the findings of RULE as warnings (repeatable)' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand validate" -l deny -d 'Report the findings of RULE as errors (repeatable)' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand validate" -l config -d 'Use this config file for every file checked, instead of looking for cnictl.toml or .cnictl.toml from each file\'s directory up to the repository root' -r -F
complete -c cnictl -n "__fish_cnictl_using_subcommand validate" -l explain -d 'Print the documentation of RULE (what it checks, why, an example and the fix) and exit' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand validate" -l metrics-file -d 'Write the Prometheus metrics (-o prometheus) to FILE instead of stdout, atomically: a temporary file beside it, then a rename (for node-exporter\'s textfile directory)' -r -F
complete -c cnictl -n "__fish_cnictl_using_subcommand validate" -l every -d 'Run again every DURATION (e.g. 30s, 5m) until SIGTERM or SIGINT, rewriting --metrics-file after each run; a run that fails is reported on stderr and in the metrics, and the next one still happens. Exits 0 when stopped by the signal' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand validate" -l conf-dir -d 'Directory of network configuration files' -r -F
complete -c cnictl -n "__fish_cnictl_using_subcommand validate" -l cni-path -d 'Directories searched for plugin binaries, separated by \':\'' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand validate" -l cache-dir -d 'Directory of libcni\'s results cache (shared with containerd, CRI-O and cnitool)' -r -F
complete -c cnictl -n "__fish_cnictl_using_subcommand validate" -l host-netns -d 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl\'s own' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand validate" -s o -l output -d 'Output format: table, wide, json, or one the command adds (each command\'s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]' -r -f -a "table\t'Borderless columns fitting the terminal (80 columns in a pipe); long cells cut with `…`'
wide\t'The table with every cell whole, as wide as it takes'
json\t'JSON, in the command\'s documented shape (docs/schemas/<command>.v1.json)'
github\t'GitHub Actions workflow commands (validate only)'
sarif\t'SARIF 2.1.0, for GitHub code scanning (validate only)'
codeclimate\t'GitLab\'s Code Quality report (validate only)'
junit\t'JUnit XML (validate only)'
prometheus\t'The Prometheus text format that node-exporter\'s textfile collector reads (status, attachments, ipam, validate; metrics listed in the README)'
npd\t'One line for node-problem-detector\'s custom plugins, exit 0 OK, 1 problem, 2 unknown (status only)'"
complete -c cnictl -n "__fish_cnictl_using_subcommand validate" -l color -d 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)' -r -f -a "auto\t'Decided by NO_COLOR, CLICOLOR_FORCE, CLICOLOR=0 / TERM=dumb, then whether the stream is a terminal'
always\t'Always'
never\t'Never'"
complete -c cnictl -n "__fish_cnictl_using_subcommand validate" -l timeout -d 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)' -r
complete -c cnictl -n "__fish_cnictl_using_subcommand validate" -l static -d 'Skip the plugin checks: no binary is looked up or run'
complete -c cnictl -n "__fish_cnictl_using_subcommand validate" -l deny-warnings -d 'Exit 1 when there are warnings, not only errors (infos never fail a run)'
complete -c cnictl -n "__fish_cnictl_using_subcommand validate" -l per-file -d 'Check each file on its own: no rule across files (duplicate-network, subnet-overlap, conflist-shadows-conf)'
complete -c cnictl -n "__fish_cnictl_using_subcommand validate" -l no-config -d 'Use no config file'
complete -c cnictl -n "__fish_cnictl_using_subcommand validate" -l list-rules -d 'List every rule with its default severity and exit'
complete -c cnictl -n "__fish_cnictl_using_subcommand validate" -l no-headers -d 'Print tables without their header line (for scripts)'
complete -c cnictl -n "__fish_cnictl_using_subcommand validate" -s v -l verbose -d 'Print a per-plugin timeline to stderr; twice adds each plugin\'s stdin, CNI_* env and stderr'
complete -c cnictl -n "__fish_cnictl_using_subcommand validate" -l skip-broken -d 'Skip config files that fail to parse instead of stopping at one that could be the network'
complete -c cnictl -n "__fish_cnictl_using_subcommand validate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cnictl -n "__fish_cnictl_using_subcommand help; and not __fish_seen_subcommand_from completions generate-man add check del gc status conformance ls plugins attachments inspect ipam validate help" -f -a "completions" -d 'Print shell completions'
complete -c cnictl -n "__fish_cnictl_using_subcommand help; and not __fish_seen_subcommand_from completions generate-man add check del gc status conformance ls plugins attachments inspect ipam validate help" -f -a "generate-man" -d 'Write man pages into a directory'
complete -c cnictl -n "__fish_cnictl_using_subcommand help; and not __fish_seen_subcommand_from completions generate-man add check del gc status conformance ls plugins attachments inspect ipam validate help" -f -a "add" -d 'Attach a container to a network: run the chain\'s ADD and cache the result'
complete -c cnictl -n "__fish_cnictl_using_subcommand help; and not __fish_seen_subcommand_from completions generate-man add check del gc status conformance ls plugins attachments inspect ipam validate help" -f -a "check" -d 'Check an attachment: run the chain\'s CHECK (silent on success)'
complete -c cnictl -n "__fish_cnictl_using_subcommand help; and not __fish_seen_subcommand_from completions generate-man add check del gc status conformance ls plugins attachments inspect ipam validate help" -f -a "del" -d 'Detach a container from a network: run the chain\'s DEL and drop the cache entry'
complete -c cnictl -n "__fish_cnictl_using_subcommand help; and not __fish_seen_subcommand_from completions generate-man add check del gc status conformance ls plugins attachments inspect ipam validate help" -f -a "gc" -d 'Delete cached attachments that are no longer in use, then send the GC verb'
complete -c cnictl -n "__fish_cnictl_using_subcommand help; and not __fish_seen_subcommand_from completions generate-man add check del gc status conformance ls plugins attachments inspect ipam validate help" -f -a "status" -d 'Report whether networks are ready: plugins found, versions, and their STATUS answer'
complete -c cnictl -n "__fish_cnictl_using_subcommand help; and not __fish_seen_subcommand_from completions generate-man add check del gc status conformance ls plugins attachments inspect ipam validate help" -f -a "conformance" -d 'Test a chain against the CNI contract: the whole lifecycle in throwaway namespaces, each step judged pass, warn, fail or skip'
complete -c cnictl -n "__fish_cnictl_using_subcommand help; and not __fish_seen_subcommand_from completions generate-man add check del gc status conformance ls plugins attachments inspect ipam validate help" -f -a "ls" -d 'List the networks of the config dir, and which one each runtime uses by default and why'
complete -c cnictl -n "__fish_cnictl_using_subcommand help; and not __fish_seen_subcommand_from completions generate-man add check del gc status conformance ls plugins attachments inspect ipam validate help" -f -a "plugins" -d 'List the plugin binaries on the CNI path and the spec versions each supports'
complete -c cnictl -n "__fish_cnictl_using_subcommand help; and not __fish_seen_subcommand_from completions generate-man add check del gc status conformance ls plugins attachments inspect ipam validate help" -f -a "attachments" -d 'List what libcni\'s cache holds, and whether each network namespace still exists'
complete -c cnictl -n "__fish_cnictl_using_subcommand help; and not __fish_seen_subcommand_from completions generate-man add check del gc status conformance ls plugins attachments inspect ipam validate help" -f -a "inspect" -d 'Show what a network namespace holds (links, addresses, routes, the host side and NAT rules of its attachments) beside what the cache claims; exit 1 on any difference'
complete -c cnictl -n "__fish_cnictl_using_subcommand help; and not __fish_seen_subcommand_from completions generate-man add check del gc status conformance ls plugins attachments inspect ipam validate help" -f -a "ipam" -d 'Audit host-local\'s IP reservations against the cache; free leaked ones with --release'
complete -c cnictl -n "__fish_cnictl_using_subcommand help; and not __fish_seen_subcommand_from completions generate-man add check del gc status conformance ls plugins attachments inspect ipam validate help" -f -a "validate" -d 'Lint network configuration files: spec rules, chains, plugin schemas, plugin versions'
complete -c cnictl -n "__fish_cnictl_using_subcommand help; and not __fish_seen_subcommand_from completions generate-man add check del gc status conformance ls plugins attachments inspect ipam validate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cnictl -n "__fish_cnictl_using_subcommand help; and __fish_seen_subcommand_from attachments" -f -a "show" -d 'Print one whole cache entry: runtime args, capability args, the decoded config, the result'
