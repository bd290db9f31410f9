
use builtin;
use str;

set edit:completion:arg-completer[cnictl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'cnictl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'cnictl'= {
            cand --conf-dir 'Directory of network configuration files (env: NETCONFPATH) [default: /etc/cni/net.d; without CAP_SYS_ADMIN, $XDG_CONFIG_HOME/cni/net.d or ~/.config/cni/net.d when it exists]'
            cand --cni-path 'Directories searched for plugin binaries, separated by '':'' (env: CNI_PATH)'
            cand --cache-dir 'Directory of libcni''s results cache (shared with containerd, CRI-O and cnitool) [default: /var/lib/cni; without CAP_SYS_ADMIN, $XDG_CACHE_HOME/cni or ~/.cache/cni when it exists]'
            cand --root 'Look at a node whose filesystem is mounted at DIR (e.g. /host in a pod): the config dir, the CNI path, the cache, recorded netns paths and host-local''s dataDir are read under DIR, symlinks resolved within it; /proc is not (env: CNICTL_ROOT)'
            cand --host-netns 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl''s own'
            cand -o 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]'
            cand --output 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]'
            cand --color 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)'
            cand --timeout 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)'
            cand --no-headers 'Print tables without their header line (for scripts)'
            cand -v 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr'
            cand --verbose 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr'
            cand --skip-broken 'Skip config files that fail to parse instead of stopping at one that could be the network'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand add 'Attach a container to a network: run the chain''s ADD and cache the result'
            cand check 'Check an attachment: run the chain''s CHECK (silent on success)'
            cand del 'Detach a container from a network: run the chain''s DEL and drop the cache entry'
            cand gc 'Delete cached attachments that are no longer in use, then send the GC verb'
            cand status 'Report whether networks are ready: plugins found, versions, and their STATUS answer'
            cand conformance 'Test a chain against the CNI contract: the whole lifecycle in throwaway namespaces, each step judged pass, warn, fail or skip'
            cand ls 'List the networks of the config dir, and which one each runtime uses by default and why'
            cand plugins 'List the plugin binaries on the CNI path and the spec versions each supports'
            cand attachments 'List what libcni''s cache holds, and whether each network namespace still exists'
            cand ipam 'Audit host-local''s IP reservations against the cache; free leaked ones with --release'
            cand inspect 'Show what a network namespace holds (links, addresses, routes, the host side and NAT rules of its attachments) beside what the cache claims; exit 1 on any difference'
            cand validate 'Lint network configuration files: spec rules, chains, plugin schemas, plugin versions'
            cand completions 'Print shell completions'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cnictl;add'= {
            cand -i 'Interface name inside the container (env: CNI_IFNAME)'
            cand --ifname 'Interface name inside the container (env: CNI_IFNAME)'
            cand --container-id 'Container ID [default: cnitool''s: "cnitool-" + a hash of the netns path]'
            cand --arg 'A CNI_ARGS pair (repeatable), merged over the CNI_ARGS variable (K=V;K2=V2): a key given here replaces the variable''s pair of that key'
            cand --cap 'A capability argument, e.g. portMappings=''[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]'' (repeatable), merged over the CAP_ARGS variable (a JSON object): a key given here replaces the variable''s value of that key'
            cand --conf-dir 'Directory of network configuration files (env: NETCONFPATH) [default: /etc/cni/net.d; without CAP_SYS_ADMIN, $XDG_CONFIG_HOME/cni/net.d or ~/.config/cni/net.d when it exists]'
            cand --cni-path 'Directories searched for plugin binaries, separated by '':'' (env: CNI_PATH)'
            cand --cache-dir 'Directory of libcni''s results cache (shared with containerd, CRI-O and cnitool) [default: /var/lib/cni; without CAP_SYS_ADMIN, $XDG_CACHE_HOME/cni or ~/.cache/cni when it exists]'
            cand --root 'Look at a node whose filesystem is mounted at DIR (e.g. /host in a pod): the config dir, the CNI path, the cache, recorded netns paths and host-local''s dataDir are read under DIR, symlinks resolved within it; /proc is not (env: CNICTL_ROOT)'
            cand --host-netns 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl''s own'
            cand -o 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]'
            cand --output 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]'
            cand --color 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)'
            cand --timeout 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)'
            cand --no-rollback 'Keep a failed ADD''s partial state (no rollback) and cache it, for plugin debugging'
            cand --no-headers 'Print tables without their header line (for scripts)'
            cand -v 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr'
            cand --verbose 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr'
            cand --skip-broken 'Skip config files that fail to parse instead of stopping at one that could be the network'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'cnictl;check'= {
            cand -i 'Interface name inside the container (env: CNI_IFNAME)'
            cand --ifname 'Interface name inside the container (env: CNI_IFNAME)'
            cand --container-id 'Container ID [default: cnitool''s: "cnitool-" + a hash of the netns path]'
            cand --arg 'A CNI_ARGS pair (repeatable), merged over the CNI_ARGS variable (K=V;K2=V2): a key given here replaces the variable''s pair of that key'
            cand --cap 'A capability argument, e.g. portMappings=''[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]'' (repeatable), merged over the CAP_ARGS variable (a JSON object): a key given here replaces the variable''s value of that key'
            cand --conf-dir 'Directory of network configuration files (env: NETCONFPATH) [default: /etc/cni/net.d; without CAP_SYS_ADMIN, $XDG_CONFIG_HOME/cni/net.d or ~/.config/cni/net.d when it exists]'
            cand --cni-path 'Directories searched for plugin binaries, separated by '':'' (env: CNI_PATH)'
            cand --cache-dir 'Directory of libcni''s results cache (shared with containerd, CRI-O and cnitool) [default: /var/lib/cni; without CAP_SYS_ADMIN, $XDG_CACHE_HOME/cni or ~/.cache/cni when it exists]'
            cand --root 'Look at a node whose filesystem is mounted at DIR (e.g. /host in a pod): the config dir, the CNI path, the cache, recorded netns paths and host-local''s dataDir are read under DIR, symlinks resolved within it; /proc is not (env: CNICTL_ROOT)'
            cand --host-netns 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl''s own'
            cand -o 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]'
            cand --output 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]'
            cand --color 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)'
            cand --timeout 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)'
            cand --force 'Check even when the plugins'' namespace (--host-netns) or NETNS differs from the ones the ADD recorded (the ones given are used)'
            cand --no-headers 'Print tables without their header line (for scripts)'
            cand -v 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr'
            cand --verbose 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr'
            cand --skip-broken 'Skip config files that fail to parse instead of stopping at one that could be the network'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'cnictl;del'= {
            cand -i 'Interface name inside the container (env: CNI_IFNAME)'
            cand --ifname 'Interface name inside the container (env: CNI_IFNAME)'
            cand --container-id 'Container ID [default: cnitool''s: "cnitool-" + a hash of the netns path]'
            cand --arg 'A CNI_ARGS pair (repeatable), merged over the CNI_ARGS variable (K=V;K2=V2): a key given here replaces the variable''s pair of that key'
            cand --cap 'A capability argument, e.g. portMappings=''[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]'' (repeatable), merged over the CAP_ARGS variable (a JSON object): a key given here replaces the variable''s value of that key'
            cand --conf-dir 'Directory of network configuration files (env: NETCONFPATH) [default: /etc/cni/net.d; without CAP_SYS_ADMIN, $XDG_CONFIG_HOME/cni/net.d or ~/.config/cni/net.d when it exists]'
            cand --cni-path 'Directories searched for plugin binaries, separated by '':'' (env: CNI_PATH)'
            cand --cache-dir 'Directory of libcni''s results cache (shared with containerd, CRI-O and cnitool) [default: /var/lib/cni; without CAP_SYS_ADMIN, $XDG_CACHE_HOME/cni or ~/.cache/cni when it exists]'
            cand --root 'Look at a node whose filesystem is mounted at DIR (e.g. /host in a pod): the config dir, the CNI path, the cache, recorded netns paths and host-local''s dataDir are read under DIR, symlinks resolved within it; /proc is not (env: CNICTL_ROOT)'
            cand --host-netns 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl''s own'
            cand -o 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]'
            cand --output 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]'
            cand --color 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)'
            cand --timeout 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)'
            cand --cached-config 'Delete with the config the ADD used (from the cache) instead of the current one'
            cand --rm-netns 'Remove the named network namespace after a successful DEL'
            cand --force 'Delete even when the plugins'' namespace (--host-netns) or NETNS differs from the ones the ADD recorded (the ones given are used); with --rm-netns, remove the namespace even if other cache entries still use it'
            cand --no-headers 'Print tables without their header line (for scripts)'
            cand -v 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr'
            cand --verbose 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr'
            cand --skip-broken 'Skip config files that fail to parse instead of stopping at one that could be the network'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'cnictl;gc'= {
            cand --valid 'An attachment still in use, CONTAINER_ID:IFNAME (repeatable)'
            cand --valid-from 'Read the attachments still in use from FILE, or stdin with -: a JSON array of {"containerID": .., "ifname": ..} objects, or lines "ID IFNAME"'
            cand --conf-dir 'Directory of network configuration files (env: NETCONFPATH) [default: /etc/cni/net.d; without CAP_SYS_ADMIN, $XDG_CONFIG_HOME/cni/net.d or ~/.config/cni/net.d when it exists]'
            cand --cni-path 'Directories searched for plugin binaries, separated by '':'' (env: CNI_PATH)'
            cand --cache-dir 'Directory of libcni''s results cache (shared with containerd, CRI-O and cnitool) [default: /var/lib/cni; without CAP_SYS_ADMIN, $XDG_CACHE_HOME/cni or ~/.cache/cni when it exists]'
            cand --root 'Look at a node whose filesystem is mounted at DIR (e.g. /host in a pod): the config dir, the CNI path, the cache, recorded netns paths and host-local''s dataDir are read under DIR, symlinks resolved within it; /proc is not (env: CNICTL_ROOT)'
            cand --host-netns 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl''s own'
            cand -o 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]'
            cand --output 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]'
            cand --color 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)'
            cand --timeout 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)'
            cand --live 'Attachments whose network namespace still exists are in use (for attachments made by hand with cnictl or cnitool)'
            cand --all 'Nothing is in use: delete every cached attachment of the network, as `cnitool gc` does (needs --yes)'
            cand --yes 'Confirm --all'
            cand --gc-verb 'With --live or --all, send the GC verb too: plugins free everything not in the set derived from the cache (which misses attachments being added right now)'
            cand --dry-run 'Print what would be removed; change nothing and call no plugin'
            cand --no-headers 'Print tables without their header line (for scripts)'
            cand -v 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr'
            cand --verbose 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr'
            cand --skip-broken 'Skip config files that fail to parse instead of stopping at one that could be the network'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'cnictl;status'= {
            cand --metrics-file 'Write the Prometheus metrics (-o prometheus) to FILE instead of stdout, atomically: a temporary file beside it, then a rename (for node-exporter''s textfile directory)'
            cand --every 'Run again every DURATION (e.g. 30s, 5m) until SIGTERM or SIGINT, rewriting --metrics-file (which it needs) after each run; a run that fails is reported on stderr and in the metrics, and the next one still happens; a note or warning is printed the first time only. Exits 0 when stopped by the signal'
            cand --conf-dir 'Directory of network configuration files (env: NETCONFPATH) [default: /etc/cni/net.d; without CAP_SYS_ADMIN, $XDG_CONFIG_HOME/cni/net.d or ~/.config/cni/net.d when it exists]'
            cand --cni-path 'Directories searched for plugin binaries, separated by '':'' (env: CNI_PATH)'
            cand --cache-dir 'Directory of libcni''s results cache (shared with containerd, CRI-O and cnitool) [default: /var/lib/cni; without CAP_SYS_ADMIN, $XDG_CACHE_HOME/cni or ~/.cache/cni when it exists]'
            cand --root 'Look at a node whose filesystem is mounted at DIR (e.g. /host in a pod): the config dir, the CNI path, the cache, recorded netns paths and host-local''s dataDir are read under DIR, symlinks resolved within it; /proc is not (env: CNICTL_ROOT)'
            cand --host-netns 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl''s own'
            cand -o 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]'
            cand --output 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]'
            cand --color 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)'
            cand --timeout 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)'
            cand --strict 'Count a network that cannot report (cniVersion before 1.1.0, or a plugin without the network''s version) as not ready'
            cand --no-headers 'Print tables without their header line (for scripts)'
            cand -v 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr'
            cand --verbose 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr'
            cand --skip-broken 'Skip config files that fail to parse instead of stopping at one that could be the network'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'cnictl;conformance'= {
            cand --versions 'cniVersions to run the lifecycle with, comma-separated [default: every version of the config''s cniVersions, else its cniVersion]'
            cand --conf-dir 'Directory of network configuration files (env: NETCONFPATH) [default: /etc/cni/net.d; without CAP_SYS_ADMIN, $XDG_CONFIG_HOME/cni/net.d or ~/.config/cni/net.d when it exists]'
            cand --cni-path 'Directories searched for plugin binaries, separated by '':'' (env: CNI_PATH)'
            cand --cache-dir 'Directory of libcni''s results cache (shared with containerd, CRI-O and cnitool) [default: /var/lib/cni; without CAP_SYS_ADMIN, $XDG_CACHE_HOME/cni or ~/.cache/cni when it exists]'
            cand --root 'Look at a node whose filesystem is mounted at DIR (e.g. /host in a pod): the config dir, the CNI path, the cache, recorded netns paths and host-local''s dataDir are read under DIR, symlinks resolved within it; /proc is not (env: CNICTL_ROOT)'
            cand --host-netns 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl''s own'
            cand -o 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]'
            cand --output 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]'
            cand --color 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)'
            cand --timeout 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)'
            cand --keep-going 'Run every step even after one failed (by default the rest of the round is skipped)'
            cand --single-interface 'Skip the steps of a second interface (ADD eth1, CHECK both, DEL eth1), for a plugin that takes one interface of a network per container (the spec allows several)'
            cand --no-headers 'Print tables without their header line (for scripts)'
            cand -v 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr'
            cand --verbose 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr'
            cand --skip-broken 'Skip config files that fail to parse instead of stopping at one that could be the network'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'cnictl;ls'= {
            cand --max-conf-num 'containerd''s max_conf_num: how many config files it loads (0: all)'
            cand --default-network 'CRI-O''s configured default network (cni_default_network) [default: the first file that loads and passes libcni''s plugin check]'
            cand --conf-dir 'Directory of network configuration files (env: NETCONFPATH) [default: /etc/cni/net.d; without CAP_SYS_ADMIN, $XDG_CONFIG_HOME/cni/net.d or ~/.config/cni/net.d when it exists]'
            cand --cni-path 'Directories searched for plugin binaries, separated by '':'' (env: CNI_PATH)'
            cand --cache-dir 'Directory of libcni''s results cache (shared with containerd, CRI-O and cnitool) [default: /var/lib/cni; without CAP_SYS_ADMIN, $XDG_CACHE_HOME/cni or ~/.cache/cni when it exists]'
            cand --root 'Look at a node whose filesystem is mounted at DIR (e.g. /host in a pod): the config dir, the CNI path, the cache, recorded netns paths and host-local''s dataDir are read under DIR, symlinks resolved within it; /proc is not (env: CNICTL_ROOT)'
            cand --host-netns 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl''s own'
            cand -o 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]'
            cand --output 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]'
            cand --color 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)'
            cand --timeout 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)'
            cand --no-probe 'Do not run plugins with VERSION (their presence on the CNI path is still checked)'
            cand --no-headers 'Print tables without their header line (for scripts)'
            cand -v 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr'
            cand --verbose 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr'
            cand --skip-broken 'Skip config files that fail to parse instead of stopping at one that could be the network'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'cnictl;plugins'= {
            cand --conf-dir 'Directory of network configuration files (env: NETCONFPATH) [default: /etc/cni/net.d; without CAP_SYS_ADMIN, $XDG_CONFIG_HOME/cni/net.d or ~/.config/cni/net.d when it exists]'
            cand --cni-path 'Directories searched for plugin binaries, separated by '':'' (env: CNI_PATH)'
            cand --cache-dir 'Directory of libcni''s results cache (shared with containerd, CRI-O and cnitool) [default: /var/lib/cni; without CAP_SYS_ADMIN, $XDG_CACHE_HOME/cni or ~/.cache/cni when it exists]'
            cand --root 'Look at a node whose filesystem is mounted at DIR (e.g. /host in a pod): the config dir, the CNI path, the cache, recorded netns paths and host-local''s dataDir are read under DIR, symlinks resolved within it; /proc is not (env: CNICTL_ROOT)'
            cand --host-netns 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl''s own'
            cand -o 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]'
            cand --output 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]'
            cand --color 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)'
            cand --timeout 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)'
            cand --no-probe 'List the binaries without running them with VERSION'
            cand --no-headers 'Print tables without their header line (for scripts)'
            cand -v 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr'
            cand --verbose 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr'
            cand --skip-broken 'Skip config files that fail to parse instead of stopping at one that could be the network'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'cnictl;attachments'= {
            cand --network 'Only the attachments of this network'
            cand --metrics-file 'Write the Prometheus metrics (-o prometheus) to FILE instead of stdout, atomically: a temporary file beside it, then a rename (for node-exporter''s textfile directory)'
            cand --every 'Run again every DURATION (e.g. 30s, 5m) until SIGTERM or SIGINT, rewriting --metrics-file (which it needs) after each run; a run that fails is reported on stderr and in the metrics, and the next one still happens; a note or warning is printed the first time only. Exits 0 when stopped by the signal'
            cand --conf-dir 'Directory of network configuration files (env: NETCONFPATH) [default: /etc/cni/net.d; without CAP_SYS_ADMIN, $XDG_CONFIG_HOME/cni/net.d or ~/.config/cni/net.d when it exists]'
            cand --cni-path 'Directories searched for plugin binaries, separated by '':'' (env: CNI_PATH)'
            cand --cache-dir 'Directory of libcni''s results cache (shared with containerd, CRI-O and cnitool) [default: /var/lib/cni; without CAP_SYS_ADMIN, $XDG_CACHE_HOME/cni or ~/.cache/cni when it exists]'
            cand --root 'Look at a node whose filesystem is mounted at DIR (e.g. /host in a pod): the config dir, the CNI path, the cache, recorded netns paths and host-local''s dataDir are read under DIR, symlinks resolved within it; /proc is not (env: CNICTL_ROOT)'
            cand --host-netns 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl''s own'
            cand -o 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]'
            cand --output 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]'
            cand --color 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)'
            cand --timeout 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)'
            cand --stale 'Only problem entries: netns gone, failed or interrupted ADD (cnictl''s records), network no longer configured, and the files that are not readable entries (corrupt, empty)'
            cand --no-headers 'Print tables without their header line (for scripts)'
            cand -v 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr'
            cand --verbose 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr'
            cand --skip-broken 'Skip config files that fail to parse instead of stopping at one that could be the network'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand show 'Print one whole cache entry: runtime args, capability args, the decoded config, the result'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cnictl;attachments;show'= {
            cand --conf-dir 'Directory of network configuration files (env: NETCONFPATH) [default: /etc/cni/net.d; without CAP_SYS_ADMIN, $XDG_CONFIG_HOME/cni/net.d or ~/.config/cni/net.d when it exists]'
            cand --cni-path 'Directories searched for plugin binaries, separated by '':'' (env: CNI_PATH)'
            cand --cache-dir 'Directory of libcni''s results cache (shared with containerd, CRI-O and cnitool) [default: /var/lib/cni; without CAP_SYS_ADMIN, $XDG_CACHE_HOME/cni or ~/.cache/cni when it exists]'
            cand --root 'Look at a node whose filesystem is mounted at DIR (e.g. /host in a pod): the config dir, the CNI path, the cache, recorded netns paths and host-local''s dataDir are read under DIR, symlinks resolved within it; /proc is not (env: CNICTL_ROOT)'
            cand --host-netns 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl''s own'
            cand -o 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]'
            cand --output 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]'
            cand --color 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)'
            cand --timeout 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)'
            cand --no-headers 'Print tables without their header line (for scripts)'
            cand -v 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr'
            cand --verbose 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr'
            cand --skip-broken 'Skip config files that fail to parse instead of stopping at one that could be the network'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'cnictl;attachments;help'= {
            cand show 'Print one whole cache entry: runtime args, capability args, the decoded config, the result'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cnictl;attachments;help;show'= {
        }
        &'cnictl;attachments;help;help'= {
        }
        &'cnictl;ipam'= {
            cand --valid 'A container still in use, CONTAINER_ID or CONTAINER_ID:IFNAME (repeatable)'
            cand --valid-from 'Read the containers still in use from FILE, or stdin with -: a JSON array of {"containerID": .., "ifname": ..} objects, or lines "ID IFNAME"'
            cand --metrics-file 'Write the Prometheus metrics (-o prometheus) to FILE instead of stdout, atomically: a temporary file beside it, then a rename (for node-exporter''s textfile directory)'
            cand --every 'Run again every DURATION (e.g. 30s, 5m) until SIGTERM or SIGINT, rewriting --metrics-file (which it needs) after each run; a run that fails is reported on stderr and in the metrics, and the next one still happens; a note or warning is printed the first time only. Exits 0 when stopped by the signal'
            cand --conf-dir 'Directory of network configuration files (env: NETCONFPATH) [default: /etc/cni/net.d; without CAP_SYS_ADMIN, $XDG_CONFIG_HOME/cni/net.d or ~/.config/cni/net.d when it exists]'
            cand --cni-path 'Directories searched for plugin binaries, separated by '':'' (env: CNI_PATH)'
            cand --cache-dir 'Directory of libcni''s results cache (shared with containerd, CRI-O and cnitool) [default: /var/lib/cni; without CAP_SYS_ADMIN, $XDG_CACHE_HOME/cni or ~/.cache/cni when it exists]'
            cand --root 'Look at a node whose filesystem is mounted at DIR (e.g. /host in a pod): the config dir, the CNI path, the cache, recorded netns paths and host-local''s dataDir are read under DIR, symlinks resolved within it; /proc is not (env: CNICTL_ROOT)'
            cand --host-netns 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl''s own'
            cand -o 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]'
            cand --output 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]'
            cand --color 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)'
            cand --timeout 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)'
            cand --release 'Free the unowned reservations (no cache entry) of containers not in the valid set'
            cand --live 'Containers with a cached attachment whose netns still exists are in use'
            cand --dry-run 'With --release, print what would be freed; change nothing'
            cand --no-headers 'Print tables without their header line (for scripts)'
            cand -v 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr'
            cand --verbose 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr'
            cand --skip-broken 'Skip config files that fail to parse instead of stopping at one that could be the network'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'cnictl;inspect'= {
            cand --conf-dir 'Directory of network configuration files (env: NETCONFPATH) [default: /etc/cni/net.d; without CAP_SYS_ADMIN, $XDG_CONFIG_HOME/cni/net.d or ~/.config/cni/net.d when it exists]'
            cand --cni-path 'Directories searched for plugin binaries, separated by '':'' (env: CNI_PATH)'
            cand --cache-dir 'Directory of libcni''s results cache (shared with containerd, CRI-O and cnitool) [default: /var/lib/cni; without CAP_SYS_ADMIN, $XDG_CACHE_HOME/cni or ~/.cache/cni when it exists]'
            cand --root 'Look at a node whose filesystem is mounted at DIR (e.g. /host in a pod): the config dir, the CNI path, the cache, recorded netns paths and host-local''s dataDir are read under DIR, symlinks resolved within it; /proc is not (env: CNICTL_ROOT)'
            cand --host-netns 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl''s own'
            cand -o 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]'
            cand --output 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]'
            cand --color 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)'
            cand --timeout 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)'
            cand --no-headers 'Print tables without their header line (for scripts)'
            cand -v 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr'
            cand --verbose 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr'
            cand --skip-broken 'Skip config files that fail to parse instead of stopping at one that could be the network'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'cnictl;validate'= {
            cand --allow 'Drop the findings of RULE (repeatable)'
            cand --warn 'Report the findings of RULE as warnings (repeatable)'
            cand --deny 'Report the findings of RULE as errors (repeatable)'
            cand --config 'Use this config file for every file checked, instead of looking for cnictl.toml or .cnictl.toml from each file''s directory up to the repository root'
            cand --explain 'Print the documentation of RULE (what it checks, why, an example and the fix) and exit'
            cand --metrics-file 'Write the Prometheus metrics (-o prometheus) to FILE instead of stdout, atomically: a temporary file beside it, then a rename (for node-exporter''s textfile directory)'
            cand --every 'Run again every DURATION (e.g. 30s, 5m) until SIGTERM or SIGINT, rewriting --metrics-file (which it needs) after each run; a run that fails is reported on stderr and in the metrics, and the next one still happens; a note or warning is printed the first time only. Exits 0 when stopped by the signal'
            cand --conf-dir 'Directory of network configuration files (env: NETCONFPATH) [default: /etc/cni/net.d; without CAP_SYS_ADMIN, $XDG_CONFIG_HOME/cni/net.d or ~/.config/cni/net.d when it exists]'
            cand --cni-path 'Directories searched for plugin binaries, separated by '':'' (env: CNI_PATH)'
            cand --cache-dir 'Directory of libcni''s results cache (shared with containerd, CRI-O and cnitool) [default: /var/lib/cni; without CAP_SYS_ADMIN, $XDG_CACHE_HOME/cni or ~/.cache/cni when it exists]'
            cand --root 'Look at a node whose filesystem is mounted at DIR (e.g. /host in a pod): the config dir, the CNI path, the cache, recorded netns paths and host-local''s dataDir are read under DIR, symlinks resolved within it; /proc is not (env: CNICTL_ROOT)'
            cand --host-netns 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl''s own'
            cand -o 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]'
            cand --output 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]'
            cand --color 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)'
            cand --timeout 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)'
            cand --static 'Skip the plugin checks: no binary is looked up or run'
            cand --deny-warnings 'Exit 1 when there are warnings, not only errors (infos never fail a run)'
            cand --per-file 'Check each file on its own: no rule across files (duplicate-network, subnet-overlap, conflist-shadows-conf)'
            cand --no-config 'Use no config file'
            cand --list-rules 'List every rule with its default severity and exit'
            cand --no-headers 'Print tables without their header line (for scripts)'
            cand -v 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr'
            cand --verbose 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr'
            cand --skip-broken 'Skip config files that fail to parse instead of stopping at one that could be the network'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'cnictl;completions'= {
            cand --conf-dir 'Directory of network configuration files (env: NETCONFPATH) [default: /etc/cni/net.d; without CAP_SYS_ADMIN, $XDG_CONFIG_HOME/cni/net.d or ~/.config/cni/net.d when it exists]'
            cand --cni-path 'Directories searched for plugin binaries, separated by '':'' (env: CNI_PATH)'
            cand --cache-dir 'Directory of libcni''s results cache (shared with containerd, CRI-O and cnitool) [default: /var/lib/cni; without CAP_SYS_ADMIN, $XDG_CACHE_HOME/cni or ~/.cache/cni when it exists]'
            cand --root 'Look at a node whose filesystem is mounted at DIR (e.g. /host in a pod): the config dir, the CNI path, the cache, recorded netns paths and host-local''s dataDir are read under DIR, symlinks resolved within it; /proc is not (env: CNICTL_ROOT)'
            cand --host-netns 'Run the plugins inside this network namespace (a name under /var/run/netns or a path) instead of cnictl''s own'
            cand -o 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]'
            cand --output 'Output format: table, wide, json, or one the command adds (each command''s help lists the ones it accepts) [default: table; for add, the CNI result JSON when piped]'
            cand --color 'When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb, then whether the stream is a terminal)'
            cand --timeout 'Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)'
            cand --no-headers 'Print tables without their header line (for scripts)'
            cand -v 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr'
            cand --verbose 'Print a per-plugin timeline to stderr; twice adds each plugin''s stdin, CNI_* env and stderr'
            cand --skip-broken 'Skip config files that fail to parse instead of stopping at one that could be the network'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'cnictl;help'= {
            cand add 'Attach a container to a network: run the chain''s ADD and cache the result'
            cand check 'Check an attachment: run the chain''s CHECK (silent on success)'
            cand del 'Detach a container from a network: run the chain''s DEL and drop the cache entry'
            cand gc 'Delete cached attachments that are no longer in use, then send the GC verb'
            cand status 'Report whether networks are ready: plugins found, versions, and their STATUS answer'
            cand conformance 'Test a chain against the CNI contract: the whole lifecycle in throwaway namespaces, each step judged pass, warn, fail or skip'
            cand ls 'List the networks of the config dir, and which one each runtime uses by default and why'
            cand plugins 'List the plugin binaries on the CNI path and the spec versions each supports'
            cand attachments 'List what libcni''s cache holds, and whether each network namespace still exists'
            cand ipam 'Audit host-local''s IP reservations against the cache; free leaked ones with --release'
            cand inspect 'Show what a network namespace holds (links, addresses, routes, the host side and NAT rules of its attachments) beside what the cache claims; exit 1 on any difference'
            cand validate 'Lint network configuration files: spec rules, chains, plugin schemas, plugin versions'
            cand completions 'Print shell completions'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cnictl;help;add'= {
        }
        &'cnictl;help;check'= {
        }
        &'cnictl;help;del'= {
        }
        &'cnictl;help;gc'= {
        }
        &'cnictl;help;status'= {
        }
        &'cnictl;help;conformance'= {
        }
        &'cnictl;help;ls'= {
        }
        &'cnictl;help;plugins'= {
        }
        &'cnictl;help;attachments'= {
            cand show 'Print one whole cache entry: runtime args, capability args, the decoded config, the result'
        }
        &'cnictl;help;attachments;show'= {
        }
        &'cnictl;help;ipam'= {
        }
        &'cnictl;help;inspect'= {
        }
        &'cnictl;help;validate'= {
        }
        &'cnictl;help;completions'= {
        }
        &'cnictl;help;help'= {
        }
    ]
    $completions[$command]
}
