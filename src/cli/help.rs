//! What every command's help ends with, and its man page carries: its exit codes and two
//! examples. One table, read by `command()` (the help) and by `examples/gen-man.rs`.

use crate::exit_codes as exit;

/// The exit codes and examples of one command.
pub struct Doc {
    /// The command as typed after `cnictl` ("" for cnictl itself, "attachments show").
    pub command: &'static str,
    /// Each exit code and what it means.
    pub exit: &'static [(i32, &'static str)],
    /// Two examples: the command line and what it does.
    pub examples: [(&'static str, &'static str); 2],
}

const NOT_RUN: &str = "cnictl could not start the operation (usage, config not found, plugin not on the path, bad identifiers, no permission): nothing was run";
const SIGINT: (i32, &str) = (
    exit::SIGINT,
    "interrupted by SIGINT (after rollback; a second signal stops the rollback itself)",
);
const SIGTERM: (i32, &str) = (exit::SIGTERM, "interrupted by SIGTERM (after rollback)");
const NEEDS_ROOT: (i32, &str) = (
    exit::NEEDS_ROOT,
    "needs root: running plugins needs CAP_SYS_ADMIN and CAP_NET_ADMIN; nothing was run",
);

/// The codes every command that runs plugins shares.
const RUNNING: &[(i32, &str)] = &[
    (exit::OK, "success"),
    (
        exit::FAILED,
        "the operation ran and failed (a plugin error, a failed check, a network not ready, a partial gc)",
    ),
    (exit::USAGE, NOT_RUN),
    NEEDS_ROOT,
    SIGINT,
    SIGTERM,
];

/// The codes of the read-only listings.
const LISTING: &[(i32, &str)] = &[
    (
        exit::OK,
        "the listing was made (problems it shows included)",
    ),
    (
        exit::USAGE,
        "could not list: bad usage, a directory or cache that cannot be read, no such entry",
    ),
];

/// The codes of `attachments`, which can also repeat itself with --every.
const LISTING_EVERY: &[(i32, &str)] = &[
    (
        exit::OK,
        "the listing was made (problems it shows included); with --every, stopped by SIGTERM or SIGINT",
    ),
    (
        exit::USAGE,
        "could not list: bad usage, a directory or cache that cannot be read, no such entry",
    ),
];

/// Every command's exit codes and examples.
pub const DOCS: &[Doc] = &[
    Doc {
        command: "",
        exit: RUNNING,
        examples: [
            ("cnictl add mynet demo", "attach netns \"demo\" (created if missing) to network \"mynet\""),
            ("cnictl validate --static /etc/cni/net.d", "lint the node's configs without running a plugin"),
        ],
    },
    Doc {
        command: "add",
        exit: &[
            (exit::OK, "attached; the result is cached"),
            (exit::FAILED, "a plugin failed: the ADD was rolled back (kept with --no-rollback), or the cache could not be written after the plugins ran"),
            (exit::USAGE, NOT_RUN),
            NEEDS_ROOT,
            SIGINT,
            SIGTERM,
        ],
        examples: [
            ("cnictl add mynet demo", "create netns \"demo\" if missing, run ADD, print the result"),
            (
                "cnictl --host-netns lab add mynet demo --cap 'portMappings=[{\"hostPort\":8080,\"containerPort\":80,\"protocol\":\"tcp\"}]'",
                "run the plugins inside netns \"lab\" and map host port 8080",
            ),
        ],
    },
    Doc {
        command: "check",
        exit: &[
            (exit::OK, "the attachment is as the plugins expect"),
            (exit::FAILED, "a plugin's CHECK failed (its error is printed)"),
            (exit::USAGE, NOT_RUN),
            NEEDS_ROOT,
            SIGINT,
            SIGTERM,
        ],
        examples: [
            ("cnictl check mynet demo", "check the attachment of netns \"demo\"; silent on success"),
            ("cnictl check mynet /proc/1234/ns/net --container-id abc123", "check a container of another runtime by its ID"),
        ],
    },
    Doc {
        command: "del",
        exit: &[
            (exit::OK, "detached; the cache entry is dropped"),
            (exit::FAILED, "a plugin's DEL failed (the cache entry is kept)"),
            (exit::USAGE, NOT_RUN),
            NEEDS_ROOT,
            SIGINT,
            SIGTERM,
        ],
        examples: [
            ("cnictl del mynet demo --rm-netns", "DEL with the cached args, then remove netns \"demo\""),
            ("cnictl del mynet demo --cached-config", "DEL with the config the ADD used, not the current file"),
        ],
    },
    Doc {
        command: "gc",
        exit: &[
            (exit::OK, "done"),
            (exit::FAILED, "a DEL or GC call failed (the rest was still done)"),
            (exit::USAGE, "nothing was run: no valid set, bad input, config unreadable, --live unsafe here"),
            NEEDS_ROOT,
            SIGINT,
            SIGTERM,
        ],
        examples: [
            ("cnictl gc mynet --live --dry-run", "show which cached attachments of mynet have lost their netns"),
            ("cnictl gc mynet --valid-from in-use.txt", "DEL every cached attachment not listed in in-use.txt"),
        ],
    },
    Doc {
        command: "conformance",
        exit: &[
            (exit::OK, "every step passed (warnings allowed)"),
            (exit::FAILED, "a step failed, or the clean-up could not remove what the run made"),
            (exit::USAGE, "nothing was run: usage, config not found or unreadable, a namespace that could not be made"),
            NEEDS_ROOT,
            (exit::SIGINT, "interrupted by SIGINT (the run's namespaces and temp dirs are removed)"),
            (exit::SIGTERM, "interrupted by SIGTERM (the run's namespaces and temp dirs are removed)"),
        ],
        examples: [
            ("cnictl conformance mynet", "the CNI lifecycle of network mynet in namespaces made for the run"),
            ("cnictl --cni-path ./target:/usr/lib/cni conformance ./my.conflist -o junit", "a config file and a fresh plugin build, as JUnit XML"),
        ],
    },
    Doc {
        command: "status",
        exit: &[
            (exit::OK, "every network asked about is ready or cannot report; with --every, stopped by SIGTERM or SIGINT"),
            (exit::FAILED, "a network is not ready (with --strict: or cannot report)"),
            (exit::USAGE, "nothing was run: config not found or unreadable (-o npd: the report could not be made)"),
            SIGINT,
            SIGTERM,
        ],
        examples: [
            ("cnictl status", "is every network of the config dir ready?"),
            ("cnictl status mynet --strict -o json", "one network, as JSON; exit 1 unless it reports ready"),
        ],
    },
    Doc {
        command: "ls",
        exit: LISTING,
        examples: [
            ("cnictl ls", "every config file, and the network each runtime uses by default"),
            ("cnictl ls --no-probe -o wide", "the same without running any plugin, every cell whole"),
        ],
    },
    Doc {
        command: "plugins",
        exit: LISTING,
        examples: [
            ("cnictl plugins", "the plugin binaries on the CNI path and the versions each supports"),
            ("cnictl --cni-path /usr/lib/cni plugins --no-probe", "the binaries of one directory, none run"),
        ],
    },
    Doc {
        command: "attachments",
        exit: LISTING_EVERY,
        examples: [
            ("cnictl attachments --stale", "only the cache entries whose netns is gone or whose ADD failed"),
            ("cnictl attachments --network mynet -o json", "the attachments of one network, as JSON"),
        ],
    },
    Doc {
        command: "attachments show",
        exit: LISTING,
        examples: [
            ("cnictl attachments show mynet db-1", "the whole cache entry of container db-1 on mynet"),
            ("cnictl attachments show mynet db-1 eth1 -o json", "its entry for interface eth1, as JSON"),
        ],
    },
    Doc {
        command: "ipam",
        exit: &[
            (exit::OK, "done; with --every, stopped by SIGTERM or SIGINT"),
            (exit::FAILED, "a release failed"),
            (exit::USAGE, "nothing was done: no valid set, bad input, config unreadable"),
        ],
        examples: [
            ("cnictl ipam", "host-local's reservations of every network, owned or not"),
            ("cnictl ipam mynet --release --live --dry-run", "which unowned reservations --release would free"),
        ],
    },
    Doc {
        command: "inspect",
        exit: &[
            (exit::OK, "the namespace holds what the cached results claim"),
            (exit::FAILED, "something differs (each difference is listed)"),
            (exit::USAGE, "could not inspect: usage, a NETNS that is no network namespace, no permission"),
        ],
        examples: [
            ("cnictl inspect demo", "links, addresses and routes of netns \"demo\" beside the cache"),
            ("cnictl --host-netns lab inspect demo -o json", "the same, host side looked up in netns \"lab\", as JSON"),
        ],
    },
    Doc {
        command: "validate",
        exit: &[
            (exit::OK, "no errors (warnings allowed, unless --deny-warnings); with --every, stopped by SIGTERM or SIGINT"),
            (exit::FAILED, "errors found (or warnings, with --deny-warnings)"),
            (exit::USAGE, "could not run: bad usage, a path given that does not exist, a directory that cannot be listed (a file inside that cannot be read is an error finding)"),
        ],
        examples: [
            ("cnictl validate --static net.d/", "lint a directory without looking up or running plugins"),
            ("cnictl validate --per-file --allow cni-version-old -o sarif configs/", "lint each file on its own, for code scanning"),
        ],
    },
    Doc {
        command: "completions",
        exit: &[(exit::OK, "printed"), (exit::USAGE, "bad usage (an unknown shell)")],
        examples: [
            ("cnictl completions bash > /usr/share/bash-completion/completions/cnictl", "install bash completions"),
            ("cnictl completions fish > ~/.config/fish/completions/cnictl.fish", "install fish completions"),
        ],
    },
];

/// The doc of `command` ("" for cnictl itself).
pub fn doc(command: &str) -> Option<&'static Doc> {
    DOCS.iter().find(|d| d.command == command)
}

/// The end of a command's help: its exit codes and examples, as text.
pub fn epilogue(d: &Doc) -> String {
    let mut out = String::from("Exit codes:\n");
    for (code, what) in d.exit {
        out.push_str(&wrap(&format!("  {code:<3}  "), what));
    }
    out.push_str("\nExamples:\n");
    for (i, (line, what)) in d.examples.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&format!("  {line}\n"));
        out.push_str(&wrap("      ", what));
    }
    out.trim_end().to_string()
}

/// `prefix` then `text`, wrapped at 80 columns, continuation lines indented like the text.
fn wrap(prefix: &str, text: &str) -> String {
    const WIDTH: usize = 80;
    let indent = " ".repeat(prefix.len());
    let mut out = String::new();
    let mut line = prefix.to_string();
    let mut empty = true;
    for word in text.split_whitespace() {
        if !empty && line.len() + 1 + word.len() > WIDTH {
            out.push_str(&line);
            out.push('\n');
            line = indent.clone();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(&line);
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every command of the model has a doc, and every doc a command; each example parses.
    #[test]
    fn every_command_has_exit_codes_and_two_examples_that_parse() {
        let mut root = super::super::command();
        root.build();
        let mut names = vec![String::new()];
        for sub in root.get_subcommands().filter(|s| s.get_name() != "help") {
            names.push(sub.get_name().to_string());
            for inner in sub.get_subcommands().filter(|s| s.get_name() != "help") {
                names.push(format!("{} {}", sub.get_name(), inner.get_name()));
            }
        }
        for n in &names {
            assert!(doc(n).is_some(), "no exit codes and examples for {n:?}");
        }
        for d in DOCS {
            assert!(
                names.iter().any(|n| n == d.command),
                "{:?} is no command",
                d.command
            );
            assert!(d.exit.iter().any(|(c, _)| *c == 0) && d.exit.iter().any(|(c, _)| *c == 2));
            for (line, _) in d.examples {
                let words = shell_words(line);
                assert!(
                    words.first().map(String::as_str) == Some("cnictl"),
                    "{line}"
                );
                let words: Vec<String> = words.into_iter().take_while(|w| w != ">").collect();
                assert!(
                    line.contains(&format!(" {}", d.command)),
                    "{line} is not an example of {:?}",
                    d.command
                );
                if let Err(e) = super::super::command().try_get_matches_from(&words) {
                    panic!("example {line:?} does not parse: {e}");
                }
            }
        }
    }

    /// Splits at spaces, keeping single-quoted words whole (enough for the examples).
    fn shell_words(line: &str) -> Vec<String> {
        let mut words = Vec::new();
        let mut cur = String::new();
        let mut quoted = false;
        for c in line.chars() {
            match c {
                '\'' => quoted = !quoted,
                ' ' if !quoted => {
                    if !cur.is_empty() {
                        words.push(std::mem::take(&mut cur));
                    }
                }
                c => cur.push(c),
            }
        }
        if !cur.is_empty() {
            words.push(cur);
        }
        words
    }
}
