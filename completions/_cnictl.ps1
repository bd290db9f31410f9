
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'cnictl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'cnictl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'cnictl' {
            [CompletionResult]::new('--conf-dir', '--conf-dir', [CompletionResultType]::ParameterName, 'Directory of network configuration files (env: NETCONFPATH) [default: /etc/cni/net.d; without CAP_SYS_ADMIN, $XDG_CONFIG_HOME/cni/net.d or ~/.config/cni/net.d when it exists]')
            [CompletionResult]::new('--cni-path', '--cni-path', [CompletionResultType]::ParameterName, 'Directories searched for plugin binaries, separated by '':'' (env: CNI_PATH)')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Directory of libcni''s results cache (shared with containerd, CRI-O and cnitool) [default: /var/lib/cni; without CAP_SYS_ADMIN, $XDG_CACHE_HOME/cni or ~/.cache/cni when it exists]')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Look at a node whose filesystem is mounted at DIR (e.g. /host in a pod): the config dir, the CNI path, the cache, recorded netns paths and host-local''s dataDir are read under DIR, symlinks resolved within it; /proc is not (env: CNICTL_ROOT)')
            [CompletionResult]::new('--host-netns', '--host-netns', [CompletionResultType]::ParameterName, 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl''s own')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Print tables without their header line (for scripts)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr')
            [CompletionResult]::new('--skip-broken', '--skip-broken', [CompletionResultType]::ParameterName, 'Skip config files that fail to parse instead of stopping at one that could be the network')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Attach a container to a network: run the chain''s ADD and cache the result')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check an attachment: run the chain''s CHECK (silent on success)')
            [CompletionResult]::new('del', 'del', [CompletionResultType]::ParameterValue, 'Detach a container from a network: run the chain''s DEL and drop the cache entry')
            [CompletionResult]::new('gc', 'gc', [CompletionResultType]::ParameterValue, 'Delete cached attachments that are no longer in use, then send the GC verb')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Report whether networks are ready: plugins found, versions, and their STATUS answer')
            [CompletionResult]::new('conformance', 'conformance', [CompletionResultType]::ParameterValue, 'Test a chain against the CNI contract: the whole lifecycle in throwaway namespaces, each step judged pass, warn, fail or skip')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List the networks of the config dir, and which one each runtime uses by default and why')
            [CompletionResult]::new('plugins', 'plugins', [CompletionResultType]::ParameterValue, 'List the plugin binaries on the CNI path and the spec versions each supports')
            [CompletionResult]::new('attachments', 'attachments', [CompletionResultType]::ParameterValue, 'List what libcni''s cache holds, and whether each network namespace still exists')
            [CompletionResult]::new('ipam', 'ipam', [CompletionResultType]::ParameterValue, 'Audit host-local''s IP reservations against the cache; free leaked ones with --release')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Show what a network namespace holds (links, addresses, routes, the host side and NAT rules of its attachments) beside what the cache claims; exit 1 on any difference')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Lint network configuration files: spec rules, chains, plugin schemas, plugin versions')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cnictl;add' {
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Interface name inside the container (env: CNI_IFNAME)')
            [CompletionResult]::new('--ifname', '--ifname', [CompletionResultType]::ParameterName, 'Interface name inside the container (env: CNI_IFNAME)')
            [CompletionResult]::new('--container-id', '--container-id', [CompletionResultType]::ParameterName, 'Container ID [default: cnitool''s: "cnitool-" + a hash of the netns path]')
            [CompletionResult]::new('--arg', '--arg', [CompletionResultType]::ParameterName, 'A CNI_ARGS pair (repeatable), merged over the CNI_ARGS variable (K=V;K2=V2): a key given here replaces the variable''s pair of that key')
            [CompletionResult]::new('--cap', '--cap', [CompletionResultType]::ParameterName, 'A capability argument, e.g. portMappings=''[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]'' (repeatable), merged over the CAP_ARGS variable (a JSON object): a key given here replaces the variable''s value of that key')
            [CompletionResult]::new('--conf-dir', '--conf-dir', [CompletionResultType]::ParameterName, 'Directory of network configuration files (env: NETCONFPATH) [default: /etc/cni/net.d; without CAP_SYS_ADMIN, $XDG_CONFIG_HOME/cni/net.d or ~/.config/cni/net.d when it exists]')
            [CompletionResult]::new('--cni-path', '--cni-path', [CompletionResultType]::ParameterName, 'Directories searched for plugin binaries, separated by '':'' (env: CNI_PATH)')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Directory of libcni''s results cache (shared with containerd, CRI-O and cnitool) [default: /var/lib/cni; without CAP_SYS_ADMIN, $XDG_CACHE_HOME/cni or ~/.cache/cni when it exists]')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Look at a node whose filesystem is mounted at DIR (e.g. /host in a pod): the config dir, the CNI path, the cache, recorded netns paths and host-local''s dataDir are read under DIR, symlinks resolved within it; /proc is not (env: CNICTL_ROOT)')
            [CompletionResult]::new('--host-netns', '--host-netns', [CompletionResultType]::ParameterName, 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl''s own')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)')
            [CompletionResult]::new('--no-rollback', '--no-rollback', [CompletionResultType]::ParameterName, 'Keep a failed ADD''s partial state (no rollback) and cache it, for plugin debugging')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Print tables without their header line (for scripts)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr')
            [CompletionResult]::new('--skip-broken', '--skip-broken', [CompletionResultType]::ParameterName, 'Skip config files that fail to parse instead of stopping at one that could be the network')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'cnictl;check' {
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Interface name inside the container (env: CNI_IFNAME)')
            [CompletionResult]::new('--ifname', '--ifname', [CompletionResultType]::ParameterName, 'Interface name inside the container (env: CNI_IFNAME)')
            [CompletionResult]::new('--container-id', '--container-id', [CompletionResultType]::ParameterName, 'Container ID [default: cnitool''s: "cnitool-" + a hash of the netns path]')
            [CompletionResult]::new('--arg', '--arg', [CompletionResultType]::ParameterName, 'A CNI_ARGS pair (repeatable), merged over the CNI_ARGS variable (K=V;K2=V2): a key given here replaces the variable''s pair of that key')
            [CompletionResult]::new('--cap', '--cap', [CompletionResultType]::ParameterName, 'A capability argument, e.g. portMappings=''[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]'' (repeatable), merged over the CAP_ARGS variable (a JSON object): a key given here replaces the variable''s value of that key')
            [CompletionResult]::new('--conf-dir', '--conf-dir', [CompletionResultType]::ParameterName, 'Directory of network configuration files (env: NETCONFPATH) [default: /etc/cni/net.d; without CAP_SYS_ADMIN, $XDG_CONFIG_HOME/cni/net.d or ~/.config/cni/net.d when it exists]')
            [CompletionResult]::new('--cni-path', '--cni-path', [CompletionResultType]::ParameterName, 'Directories searched for plugin binaries, separated by '':'' (env: CNI_PATH)')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Directory of libcni''s results cache (shared with containerd, CRI-O and cnitool) [default: /var/lib/cni; without CAP_SYS_ADMIN, $XDG_CACHE_HOME/cni or ~/.cache/cni when it exists]')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Look at a node whose filesystem is mounted at DIR (e.g. /host in a pod): the config dir, the CNI path, the cache, recorded netns paths and host-local''s dataDir are read under DIR, symlinks resolved within it; /proc is not (env: CNICTL_ROOT)')
            [CompletionResult]::new('--host-netns', '--host-netns', [CompletionResultType]::ParameterName, 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl''s own')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Check even when the plugins'' namespace (--host-netns) or NETNS differs from the ones the ADD recorded (the ones given are used)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Print tables without their header line (for scripts)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr')
            [CompletionResult]::new('--skip-broken', '--skip-broken', [CompletionResultType]::ParameterName, 'Skip config files that fail to parse instead of stopping at one that could be the network')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'cnictl;del' {
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Interface name inside the container (env: CNI_IFNAME)')
            [CompletionResult]::new('--ifname', '--ifname', [CompletionResultType]::ParameterName, 'Interface name inside the container (env: CNI_IFNAME)')
            [CompletionResult]::new('--container-id', '--container-id', [CompletionResultType]::ParameterName, 'Container ID [default: cnitool''s: "cnitool-" + a hash of the netns path]')
            [CompletionResult]::new('--arg', '--arg', [CompletionResultType]::ParameterName, 'A CNI_ARGS pair (repeatable), merged over the CNI_ARGS variable (K=V;K2=V2): a key given here replaces the variable''s pair of that key')
            [CompletionResult]::new('--cap', '--cap', [CompletionResultType]::ParameterName, 'A capability argument, e.g. portMappings=''[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]'' (repeatable), merged over the CAP_ARGS variable (a JSON object): a key given here replaces the variable''s value of that key')
            [CompletionResult]::new('--conf-dir', '--conf-dir', [CompletionResultType]::ParameterName, 'Directory of network configuration files (env: NETCONFPATH) [default: /etc/cni/net.d; without CAP_SYS_ADMIN, $XDG_CONFIG_HOME/cni/net.d or ~/.config/cni/net.d when it exists]')
            [CompletionResult]::new('--cni-path', '--cni-path', [CompletionResultType]::ParameterName, 'Directories searched for plugin binaries, separated by '':'' (env: CNI_PATH)')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Directory of libcni''s results cache (shared with containerd, CRI-O and cnitool) [default: /var/lib/cni; without CAP_SYS_ADMIN, $XDG_CACHE_HOME/cni or ~/.cache/cni when it exists]')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Look at a node whose filesystem is mounted at DIR (e.g. /host in a pod): the config dir, the CNI path, the cache, recorded netns paths and host-local''s dataDir are read under DIR, symlinks resolved within it; /proc is not (env: CNICTL_ROOT)')
            [CompletionResult]::new('--host-netns', '--host-netns', [CompletionResultType]::ParameterName, 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl''s own')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)')
            [CompletionResult]::new('--cached-config', '--cached-config', [CompletionResultType]::ParameterName, 'Delete with the config the ADD used (from the cache) instead of the current one')
            [CompletionResult]::new('--rm-netns', '--rm-netns', [CompletionResultType]::ParameterName, 'Remove the named network namespace after a successful DEL')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Delete even when the plugins'' namespace (--host-netns) or NETNS differs from the ones the ADD recorded (the ones given are used); with --rm-netns, remove the namespace even if other cache entries still use it')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Print tables without their header line (for scripts)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr')
            [CompletionResult]::new('--skip-broken', '--skip-broken', [CompletionResultType]::ParameterName, 'Skip config files that fail to parse instead of stopping at one that could be the network')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'cnictl;gc' {
            [CompletionResult]::new('--valid', '--valid', [CompletionResultType]::ParameterName, 'An attachment still in use, CONTAINER_ID:IFNAME (repeatable)')
            [CompletionResult]::new('--valid-from', '--valid-from', [CompletionResultType]::ParameterName, 'Read the attachments still in use from FILE, or stdin with -: a JSON array of {"containerID": .., "ifname": ..} objects, or lines "ID IFNAME"')
            [CompletionResult]::new('--conf-dir', '--conf-dir', [CompletionResultType]::ParameterName, 'Directory of network configuration files (env: NETCONFPATH) [default: /etc/cni/net.d; without CAP_SYS_ADMIN, $XDG_CONFIG_HOME/cni/net.d or ~/.config/cni/net.d when it exists]')
            [CompletionResult]::new('--cni-path', '--cni-path', [CompletionResultType]::ParameterName, 'Directories searched for plugin binaries, separated by '':'' (env: CNI_PATH)')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Directory of libcni''s results cache (shared with containerd, CRI-O and cnitool) [default: /var/lib/cni; without CAP_SYS_ADMIN, $XDG_CACHE_HOME/cni or ~/.cache/cni when it exists]')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Look at a node whose filesystem is mounted at DIR (e.g. /host in a pod): the config dir, the CNI path, the cache, recorded netns paths and host-local''s dataDir are read under DIR, symlinks resolved within it; /proc is not (env: CNICTL_ROOT)')
            [CompletionResult]::new('--host-netns', '--host-netns', [CompletionResultType]::ParameterName, 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl''s own')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Attachments whose network namespace still exists are in use (for attachments made by hand with cnictl or cnitool)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Nothing is in use: delete every cached attachment of the network, as `cnitool gc` does (needs --yes)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm --all')
            [CompletionResult]::new('--gc-verb', '--gc-verb', [CompletionResultType]::ParameterName, 'With --live or --all, send the GC verb too: plugins free everything not in the set derived from the cache (which misses attachments being added right now)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print what would be removed; change nothing and call no plugin')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Print tables without their header line (for scripts)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr')
            [CompletionResult]::new('--skip-broken', '--skip-broken', [CompletionResultType]::ParameterName, 'Skip config files that fail to parse instead of stopping at one that could be the network')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'cnictl;status' {
            [CompletionResult]::new('--metrics-file', '--metrics-file', [CompletionResultType]::ParameterName, 'Write the Prometheus metrics (-o prometheus) to FILE instead of stdout, atomically: a temporary file beside it, then a rename (for node-exporter''s textfile directory)')
            [CompletionResult]::new('--every', '--every', [CompletionResultType]::ParameterName, 'Run again every DURATION (e.g. 30s, 5m) until SIGTERM or SIGINT, rewriting --metrics-file (which it needs) after each run; a run that fails is reported on stderr and in the metrics, and the next one still happens; a note or warning is printed the first time only. Exits 0 when stopped by the signal')
            [CompletionResult]::new('--conf-dir', '--conf-dir', [CompletionResultType]::ParameterName, 'Directory of network configuration files (env: NETCONFPATH) [default: /etc/cni/net.d; without CAP_SYS_ADMIN, $XDG_CONFIG_HOME/cni/net.d or ~/.config/cni/net.d when it exists]')
            [CompletionResult]::new('--cni-path', '--cni-path', [CompletionResultType]::ParameterName, 'Directories searched for plugin binaries, separated by '':'' (env: CNI_PATH)')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Directory of libcni''s results cache (shared with containerd, CRI-O and cnitool) [default: /var/lib/cni; without CAP_SYS_ADMIN, $XDG_CACHE_HOME/cni or ~/.cache/cni when it exists]')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Look at a node whose filesystem is mounted at DIR (e.g. /host in a pod): the config dir, the CNI path, the cache, recorded netns paths and host-local''s dataDir are read under DIR, symlinks resolved within it; /proc is not (env: CNICTL_ROOT)')
            [CompletionResult]::new('--host-netns', '--host-netns', [CompletionResultType]::ParameterName, 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl''s own')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Count a network that cannot report (cniVersion before 1.1.0, or a plugin without the network''s version) as not ready')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Print tables without their header line (for scripts)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr')
            [CompletionResult]::new('--skip-broken', '--skip-broken', [CompletionResultType]::ParameterName, 'Skip config files that fail to parse instead of stopping at one that could be the network')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'cnictl;conformance' {
            [CompletionResult]::new('--versions', '--versions', [CompletionResultType]::ParameterName, 'cniVersions to run the lifecycle with, comma-separated [default: every version of the config''s cniVersions, else its cniVersion]')
            [CompletionResult]::new('--conf-dir', '--conf-dir', [CompletionResultType]::ParameterName, 'Directory of network configuration files (env: NETCONFPATH) [default: /etc/cni/net.d; without CAP_SYS_ADMIN, $XDG_CONFIG_HOME/cni/net.d or ~/.config/cni/net.d when it exists]')
            [CompletionResult]::new('--cni-path', '--cni-path', [CompletionResultType]::ParameterName, 'Directories searched for plugin binaries, separated by '':'' (env: CNI_PATH)')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Directory of libcni''s results cache (shared with containerd, CRI-O and cnitool) [default: /var/lib/cni; without CAP_SYS_ADMIN, $XDG_CACHE_HOME/cni or ~/.cache/cni when it exists]')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Look at a node whose filesystem is mounted at DIR (e.g. /host in a pod): the config dir, the CNI path, the cache, recorded netns paths and host-local''s dataDir are read under DIR, symlinks resolved within it; /proc is not (env: CNICTL_ROOT)')
            [CompletionResult]::new('--host-netns', '--host-netns', [CompletionResultType]::ParameterName, 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl''s own')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)')
            [CompletionResult]::new('--keep-going', '--keep-going', [CompletionResultType]::ParameterName, 'Run every step even after one failed (by default the rest of the round is skipped)')
            [CompletionResult]::new('--single-interface', '--single-interface', [CompletionResultType]::ParameterName, 'Skip the steps of a second interface (ADD eth1, CHECK both, DEL eth1), for a plugin that takes one interface of a network per container (the spec allows several)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Print tables without their header line (for scripts)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr')
            [CompletionResult]::new('--skip-broken', '--skip-broken', [CompletionResultType]::ParameterName, 'Skip config files that fail to parse instead of stopping at one that could be the network')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'cnictl;ls' {
            [CompletionResult]::new('--max-conf-num', '--max-conf-num', [CompletionResultType]::ParameterName, 'containerd''s max_conf_num: how many config files it loads (0: all)')
            [CompletionResult]::new('--default-network', '--default-network', [CompletionResultType]::ParameterName, 'CRI-O''s configured default network (cni_default_network) [default: the first file that loads and passes libcni''s plugin check]')
            [CompletionResult]::new('--conf-dir', '--conf-dir', [CompletionResultType]::ParameterName, 'Directory of network configuration files (env: NETCONFPATH) [default: /etc/cni/net.d; without CAP_SYS_ADMIN, $XDG_CONFIG_HOME/cni/net.d or ~/.config/cni/net.d when it exists]')
            [CompletionResult]::new('--cni-path', '--cni-path', [CompletionResultType]::ParameterName, 'Directories searched for plugin binaries, separated by '':'' (env: CNI_PATH)')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Directory of libcni''s results cache (shared with containerd, CRI-O and cnitool) [default: /var/lib/cni; without CAP_SYS_ADMIN, $XDG_CACHE_HOME/cni or ~/.cache/cni when it exists]')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Look at a node whose filesystem is mounted at DIR (e.g. /host in a pod): the config dir, the CNI path, the cache, recorded netns paths and host-local''s dataDir are read under DIR, symlinks resolved within it; /proc is not (env: CNICTL_ROOT)')
            [CompletionResult]::new('--host-netns', '--host-netns', [CompletionResultType]::ParameterName, 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl''s own')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)')
            [CompletionResult]::new('--no-probe', '--no-probe', [CompletionResultType]::ParameterName, 'Do not run plugins with VERSION (their presence on the CNI path is still checked)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Print tables without their header line (for scripts)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr')
            [CompletionResult]::new('--skip-broken', '--skip-broken', [CompletionResultType]::ParameterName, 'Skip config files that fail to parse instead of stopping at one that could be the network')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'cnictl;plugins' {
            [CompletionResult]::new('--conf-dir', '--conf-dir', [CompletionResultType]::ParameterName, 'Directory of network configuration files (env: NETCONFPATH) [default: /etc/cni/net.d; without CAP_SYS_ADMIN, $XDG_CONFIG_HOME/cni/net.d or ~/.config/cni/net.d when it exists]')
            [CompletionResult]::new('--cni-path', '--cni-path', [CompletionResultType]::ParameterName, 'Directories searched for plugin binaries, separated by '':'' (env: CNI_PATH)')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Directory of libcni''s results cache (shared with containerd, CRI-O and cnitool) [default: /var/lib/cni; without CAP_SYS_ADMIN, $XDG_CACHE_HOME/cni or ~/.cache/cni when it exists]')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Look at a node whose filesystem is mounted at DIR (e.g. /host in a pod): the config dir, the CNI path, the cache, recorded netns paths and host-local''s dataDir are read under DIR, symlinks resolved within it; /proc is not (env: CNICTL_ROOT)')
            [CompletionResult]::new('--host-netns', '--host-netns', [CompletionResultType]::ParameterName, 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl''s own')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)')
            [CompletionResult]::new('--no-probe', '--no-probe', [CompletionResultType]::ParameterName, 'List the binaries without running them with VERSION')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Print tables without their header line (for scripts)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr')
            [CompletionResult]::new('--skip-broken', '--skip-broken', [CompletionResultType]::ParameterName, 'Skip config files that fail to parse instead of stopping at one that could be the network')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'cnictl;attachments' {
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'Only the attachments of this network')
            [CompletionResult]::new('--metrics-file', '--metrics-file', [CompletionResultType]::ParameterName, 'Write the Prometheus metrics (-o prometheus) to FILE instead of stdout, atomically: a temporary file beside it, then a rename (for node-exporter''s textfile directory)')
            [CompletionResult]::new('--every', '--every', [CompletionResultType]::ParameterName, 'Run again every DURATION (e.g. 30s, 5m) until SIGTERM or SIGINT, rewriting --metrics-file (which it needs) after each run; a run that fails is reported on stderr and in the metrics, and the next one still happens; a note or warning is printed the first time only. Exits 0 when stopped by the signal')
            [CompletionResult]::new('--conf-dir', '--conf-dir', [CompletionResultType]::ParameterName, 'Directory of network configuration files (env: NETCONFPATH) [default: /etc/cni/net.d; without CAP_SYS_ADMIN, $XDG_CONFIG_HOME/cni/net.d or ~/.config/cni/net.d when it exists]')
            [CompletionResult]::new('--cni-path', '--cni-path', [CompletionResultType]::ParameterName, 'Directories searched for plugin binaries, separated by '':'' (env: CNI_PATH)')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Directory of libcni''s results cache (shared with containerd, CRI-O and cnitool) [default: /var/lib/cni; without CAP_SYS_ADMIN, $XDG_CACHE_HOME/cni or ~/.cache/cni when it exists]')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Look at a node whose filesystem is mounted at DIR (e.g. /host in a pod): the config dir, the CNI path, the cache, recorded netns paths and host-local''s dataDir are read under DIR, symlinks resolved within it; /proc is not (env: CNICTL_ROOT)')
            [CompletionResult]::new('--host-netns', '--host-netns', [CompletionResultType]::ParameterName, 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl''s own')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)')
            [CompletionResult]::new('--stale', '--stale', [CompletionResultType]::ParameterName, 'Only problem entries: netns gone, failed or interrupted ADD (cnictl''s records), network no longer configured, and the files that are not readable entries (corrupt, empty)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Print tables without their header line (for scripts)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr')
            [CompletionResult]::new('--skip-broken', '--skip-broken', [CompletionResultType]::ParameterName, 'Skip config files that fail to parse instead of stopping at one that could be the network')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print one whole cache entry: runtime args, capability args, the decoded config, the result')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cnictl;attachments;show' {
            [CompletionResult]::new('--conf-dir', '--conf-dir', [CompletionResultType]::ParameterName, 'Directory of network configuration files (env: NETCONFPATH) [default: /etc/cni/net.d; without CAP_SYS_ADMIN, $XDG_CONFIG_HOME/cni/net.d or ~/.config/cni/net.d when it exists]')
            [CompletionResult]::new('--cni-path', '--cni-path', [CompletionResultType]::ParameterName, 'Directories searched for plugin binaries, separated by '':'' (env: CNI_PATH)')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Directory of libcni''s results cache (shared with containerd, CRI-O and cnitool) [default: /var/lib/cni; without CAP_SYS_ADMIN, $XDG_CACHE_HOME/cni or ~/.cache/cni when it exists]')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Look at a node whose filesystem is mounted at DIR (e.g. /host in a pod): the config dir, the CNI path, the cache, recorded netns paths and host-local''s dataDir are read under DIR, symlinks resolved within it; /proc is not (env: CNICTL_ROOT)')
            [CompletionResult]::new('--host-netns', '--host-netns', [CompletionResultType]::ParameterName, 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl''s own')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Print tables without their header line (for scripts)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr')
            [CompletionResult]::new('--skip-broken', '--skip-broken', [CompletionResultType]::ParameterName, 'Skip config files that fail to parse instead of stopping at one that could be the network')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'cnictl;attachments;help' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print one whole cache entry: runtime args, capability args, the decoded config, the result')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cnictl;attachments;help;show' {
            break
        }
        'cnictl;attachments;help;help' {
            break
        }
        'cnictl;ipam' {
            [CompletionResult]::new('--valid', '--valid', [CompletionResultType]::ParameterName, 'A container still in use, CONTAINER_ID or CONTAINER_ID:IFNAME (repeatable)')
            [CompletionResult]::new('--valid-from', '--valid-from', [CompletionResultType]::ParameterName, 'Read the containers still in use from FILE, or stdin with -: a JSON array of {"containerID": .., "ifname": ..} objects, or lines "ID IFNAME"')
            [CompletionResult]::new('--metrics-file', '--metrics-file', [CompletionResultType]::ParameterName, 'Write the Prometheus metrics (-o prometheus) to FILE instead of stdout, atomically: a temporary file beside it, then a rename (for node-exporter''s textfile directory)')
            [CompletionResult]::new('--every', '--every', [CompletionResultType]::ParameterName, 'Run again every DURATION (e.g. 30s, 5m) until SIGTERM or SIGINT, rewriting --metrics-file (which it needs) after each run; a run that fails is reported on stderr and in the metrics, and the next one still happens; a note or warning is printed the first time only. Exits 0 when stopped by the signal')
            [CompletionResult]::new('--conf-dir', '--conf-dir', [CompletionResultType]::ParameterName, 'Directory of network configuration files (env: NETCONFPATH) [default: /etc/cni/net.d; without CAP_SYS_ADMIN, $XDG_CONFIG_HOME/cni/net.d or ~/.config/cni/net.d when it exists]')
            [CompletionResult]::new('--cni-path', '--cni-path', [CompletionResultType]::ParameterName, 'Directories searched for plugin binaries, separated by '':'' (env: CNI_PATH)')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Directory of libcni''s results cache (shared with containerd, CRI-O and cnitool) [default: /var/lib/cni; without CAP_SYS_ADMIN, $XDG_CACHE_HOME/cni or ~/.cache/cni when it exists]')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Look at a node whose filesystem is mounted at DIR (e.g. /host in a pod): the config dir, the CNI path, the cache, recorded netns paths and host-local''s dataDir are read under DIR, symlinks resolved within it; /proc is not (env: CNICTL_ROOT)')
            [CompletionResult]::new('--host-netns', '--host-netns', [CompletionResultType]::ParameterName, 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl''s own')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)')
            [CompletionResult]::new('--release', '--release', [CompletionResultType]::ParameterName, 'Free the unowned reservations (no cache entry) of containers not in the valid set')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Containers with a cached attachment whose netns still exists are in use')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'With --release, print what would be freed; change nothing')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Print tables without their header line (for scripts)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr')
            [CompletionResult]::new('--skip-broken', '--skip-broken', [CompletionResultType]::ParameterName, 'Skip config files that fail to parse instead of stopping at one that could be the network')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'cnictl;inspect' {
            [CompletionResult]::new('--conf-dir', '--conf-dir', [CompletionResultType]::ParameterName, 'Directory of network configuration files (env: NETCONFPATH) [default: /etc/cni/net.d; without CAP_SYS_ADMIN, $XDG_CONFIG_HOME/cni/net.d or ~/.config/cni/net.d when it exists]')
            [CompletionResult]::new('--cni-path', '--cni-path', [CompletionResultType]::ParameterName, 'Directories searched for plugin binaries, separated by '':'' (env: CNI_PATH)')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Directory of libcni''s results cache (shared with containerd, CRI-O and cnitool) [default: /var/lib/cni; without CAP_SYS_ADMIN, $XDG_CACHE_HOME/cni or ~/.cache/cni when it exists]')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Look at a node whose filesystem is mounted at DIR (e.g. /host in a pod): the config dir, the CNI path, the cache, recorded netns paths and host-local''s dataDir are read under DIR, symlinks resolved within it; /proc is not (env: CNICTL_ROOT)')
            [CompletionResult]::new('--host-netns', '--host-netns', [CompletionResultType]::ParameterName, 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl''s own')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Print tables without their header line (for scripts)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr')
            [CompletionResult]::new('--skip-broken', '--skip-broken', [CompletionResultType]::ParameterName, 'Skip config files that fail to parse instead of stopping at one that could be the network')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'cnictl;validate' {
            [CompletionResult]::new('--allow', '--allow', [CompletionResultType]::ParameterName, 'Drop the findings of RULE (repeatable)')
            [CompletionResult]::new('--warn', '--warn', [CompletionResultType]::ParameterName, 'Report the findings of RULE as warnings (repeatable)')
            [CompletionResult]::new('--deny', '--deny', [CompletionResultType]::ParameterName, 'Report the findings of RULE as errors (repeatable)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this config file for every file checked, instead of looking for cnictl.toml or .cnictl.toml from each file''s directory up to the repository root')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Print the documentation of RULE (what it checks, why, an example and the fix) and exit')
            [CompletionResult]::new('--metrics-file', '--metrics-file', [CompletionResultType]::ParameterName, 'Write the Prometheus metrics (-o prometheus) to FILE instead of stdout, atomically: a temporary file beside it, then a rename (for node-exporter''s textfile directory)')
            [CompletionResult]::new('--every', '--every', [CompletionResultType]::ParameterName, 'Run again every DURATION (e.g. 30s, 5m) until SIGTERM or SIGINT, rewriting --metrics-file (which it needs) after each run; a run that fails is reported on stderr and in the metrics, and the next one still happens; a note or warning is printed the first time only. Exits 0 when stopped by the signal')
            [CompletionResult]::new('--conf-dir', '--conf-dir', [CompletionResultType]::ParameterName, 'Directory of network configuration files (env: NETCONFPATH) [default: /etc/cni/net.d; without CAP_SYS_ADMIN, $XDG_CONFIG_HOME/cni/net.d or ~/.config/cni/net.d when it exists]')
            [CompletionResult]::new('--cni-path', '--cni-path', [CompletionResultType]::ParameterName, 'Directories searched for plugin binaries, separated by '':'' (env: CNI_PATH)')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Directory of libcni''s results cache (shared with containerd, CRI-O and cnitool) [default: /var/lib/cni; without CAP_SYS_ADMIN, $XDG_CACHE_HOME/cni or ~/.cache/cni when it exists]')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Look at a node whose filesystem is mounted at DIR (e.g. /host in a pod): the config dir, the CNI path, the cache, recorded netns paths and host-local''s dataDir are read under DIR, symlinks resolved within it; /proc is not (env: CNICTL_ROOT)')
            [CompletionResult]::new('--host-netns', '--host-netns', [CompletionResultType]::ParameterName, 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl''s own')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)')
            [CompletionResult]::new('--static', '--static', [CompletionResultType]::ParameterName, 'Skip the plugin checks: no binary is looked up or run')
            [CompletionResult]::new('--deny-warnings', '--deny-warnings', [CompletionResultType]::ParameterName, 'Exit 1 when there are warnings, not only errors (infos never fail a run)')
            [CompletionResult]::new('--per-file', '--per-file', [CompletionResultType]::ParameterName, 'Check each file on its own: no rule across files (duplicate-network, subnet-overlap, conflist-shadows-conf)')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Use no config file')
            [CompletionResult]::new('--list-rules', '--list-rules', [CompletionResultType]::ParameterName, 'List every rule with its default severity and exit')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Print tables without their header line (for scripts)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr')
            [CompletionResult]::new('--skip-broken', '--skip-broken', [CompletionResultType]::ParameterName, 'Skip config files that fail to parse instead of stopping at one that could be the network')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'cnictl;completions' {
            [CompletionResult]::new('--conf-dir', '--conf-dir', [CompletionResultType]::ParameterName, 'Directory of network configuration files (env: NETCONFPATH) [default: /etc/cni/net.d; without CAP_SYS_ADMIN, $XDG_CONFIG_HOME/cni/net.d or ~/.config/cni/net.d when it exists]')
            [CompletionResult]::new('--cni-path', '--cni-path', [CompletionResultType]::ParameterName, 'Directories searched for plugin binaries, separated by '':'' (env: CNI_PATH)')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Directory of libcni''s results cache (shared with containerd, CRI-O and cnitool) [default: /var/lib/cni; without CAP_SYS_ADMIN, $XDG_CACHE_HOME/cni or ~/.cache/cni when it exists]')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Look at a node whose filesystem is mounted at DIR (e.g. /host in a pod): the config dir, the CNI path, the cache, recorded netns paths and host-local''s dataDir are read under DIR, symlinks resolved within it; /proc is not (env: CNICTL_ROOT)')
            [CompletionResult]::new('--host-netns', '--host-netns', [CompletionResultType]::ParameterName, 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl''s own')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Print tables without their header line (for scripts)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr')
            [CompletionResult]::new('--skip-broken', '--skip-broken', [CompletionResultType]::ParameterName, 'Skip config files that fail to parse instead of stopping at one that could be the network')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'cnictl;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Attach a container to a network: run the chain''s ADD and cache the result')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check an attachment: run the chain''s CHECK (silent on success)')
            [CompletionResult]::new('del', 'del', [CompletionResultType]::ParameterValue, 'Detach a container from a network: run the chain''s DEL and drop the cache entry')
            [CompletionResult]::new('gc', 'gc', [CompletionResultType]::ParameterValue, 'Delete cached attachments that are no longer in use, then send the GC verb')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Report whether networks are ready: plugins found, versions, and their STATUS answer')
            [CompletionResult]::new('conformance', 'conformance', [CompletionResultType]::ParameterValue, 'Test a chain against the CNI contract: the whole lifecycle in throwaway namespaces, each step judged pass, warn, fail or skip')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List the networks of the config dir, and which one each runtime uses by default and why')
            [CompletionResult]::new('plugins', 'plugins', [CompletionResultType]::ParameterValue, 'List the plugin binaries on the CNI path and the spec versions each supports')
            [CompletionResult]::new('attachments', 'attachments', [CompletionResultType]::ParameterValue, 'List what libcni''s cache holds, and whether each network namespace still exists')
            [CompletionResult]::new('ipam', 'ipam', [CompletionResultType]::ParameterValue, 'Audit host-local''s IP reservations against the cache; free leaked ones with --release')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Show what a network namespace holds (links, addresses, routes, the host side and NAT rules of its attachments) beside what the cache claims; exit 1 on any difference')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Lint network configuration files: spec rules, chains, plugin schemas, plugin versions')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cnictl;help;add' {
            break
        }
        'cnictl;help;check' {
            break
        }
        'cnictl;help;del' {
            break
        }
        'cnictl;help;gc' {
            break
        }
        'cnictl;help;status' {
            break
        }
        'cnictl;help;conformance' {
            break
        }
        'cnictl;help;ls' {
            break
        }
        'cnictl;help;plugins' {
            break
        }
        'cnictl;help;attachments' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print one whole cache entry: runtime args, capability args, the decoded config, the result')
            break
        }
        'cnictl;help;attachments;show' {
            break
        }
        'cnictl;help;ipam' {
            break
        }
        'cnictl;help;inspect' {
            break
        }
        'cnictl;help;validate' {
            break
        }
        'cnictl;help;completions' {
            break
        }
        'cnictl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
