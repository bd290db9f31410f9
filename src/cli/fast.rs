//! The plain command lines of `add`, `check` and `del` (what a runtime or a script types: the
//! path options, a few flags, `--container-id`, `--ifname`, NETWORK and NETNS), parsed into the
//! same [`Cli`] clap builds, without building clap's command: that build and parse were about
//! a quarter of the instructions of a whole `add` of three plugins.
//!
//! Anything else returns None and clap parses the line as before: short options, options not
//! listed here, `--`, an option given twice, a value that is empty or starts with `-`, a word
//! that is not UTF-8, a variable cnictl reads that is not UTF-8, `CNICTL_ROOT`. So clap's
//! errors, help and suggestions are untouched, and the tests check that both parsers agree on
//! every line this one takes.

use super::add::AddArgs;
use super::args::AttachmentArgs;
use super::check::CheckArgs;
use super::del::DelArgs;
use super::{Cli, Commands, GlobalArgs, DEFAULT_CNI_PATH};
use crate::render::ColorChoice;
use std::ffi::OsString;
use std::path::PathBuf;

/// The options with a value taken here, and whether they belong to the subcommand (so may
/// only come after it).
const VALUED: &[(&str, bool)] = &[
    ("conf-dir", false),
    ("cni-path", false),
    ("cache-dir", false),
    ("host-netns", false),
    ("container-id", true),
    ("ifname", true),
];

/// The flags taken here, and the subcommands that have them (empty: global).
const FLAGS: &[(&str, &[&str])] = &[
    ("no-headers", &[]),
    ("skip-broken", &[]),
    ("no-rollback", &["add"]),
    ("cached-config", &["del"]),
    ("rm-netns", &["del"]),
    ("force", &["del", "check"]),
];

/// Parses `args` (the program name first) when it is a plain add/check/del line; `env` reads
/// the process environment (after `drop_empty_env`). None: let clap parse it.
pub fn parse(args: &[OsString], env: &dyn Fn(&str) -> Option<OsString>) -> Option<Cli> {
    let words = args
        .iter()
        .skip(1)
        .map(|a| a.to_str())
        .collect::<Option<Vec<&str>>>()?;
    let mut verb: Option<&str> = None;
    let mut values: Vec<(&str, &str)> = Vec::new();
    let mut flags: Vec<&str> = Vec::new();
    let mut positionals: Vec<&str> = Vec::new();
    let mut rest = words.iter().copied();
    while let Some(word) = rest.next() {
        if word.is_empty() {
            return None;
        }
        let Some(option) = word.strip_prefix("--") else {
            if word.starts_with('-') {
                return None;
            }
            match verb {
                None if matches!(word, "add" | "check" | "del") => verb = Some(word),
                None => return None,
                Some(_) => positionals.push(word),
            }
            continue;
        };
        let (name, inline) = match option.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (option, None),
        };
        if let Some(&(name, of_sub)) = VALUED.iter().find(|(n, _)| *n == name) {
            if of_sub && verb.is_none() {
                return None;
            }
            let value = match inline {
                Some(v) => v,
                None => rest.next()?,
            };
            if value.is_empty() || value.starts_with('-') || values.iter().any(|(n, _)| *n == name)
            {
                return None;
            }
            values.push((name, value));
        } else if let Some(&(name, subs)) = FLAGS.iter().find(|(n, _)| *n == name) {
            let allowed = subs.is_empty() || verb.is_some_and(|v| subs.contains(&v));
            if inline.is_some() || !allowed || flags.contains(&name) {
                return None;
            }
            flags.push(name);
        } else {
            return None;
        }
    }
    let [network, netns] = positionals.as_slice() else {
        return None;
    };
    if env("CNICTL_ROOT").is_some() {
        return None;
    }
    // A variable that is set must be UTF-8 (clap refuses it otherwise, for a String).
    let var = |name: &str| -> Result<Option<String>, ()> {
        env(name)
            .map(|v| v.into_string().map_err(|_| ()))
            .transpose()
    };
    let value = |name: &str| values.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
    let flag = |name: &str| flags.contains(&name);
    let conf_dir = match value("conf-dir") {
        Some(v) => Some(PathBuf::from(v)),
        None => var("NETCONFPATH").ok()?.map(PathBuf::from),
    };
    let cni_path = match value("cni-path") {
        Some(v) => v.to_string(),
        None => var("CNI_PATH")
            .ok()?
            .unwrap_or_else(|| DEFAULT_CNI_PATH.to_string()),
    };
    let ifname = match value("ifname") {
        Some(v) => v.to_string(),
        None => var("CNI_IFNAME")
            .ok()?
            .unwrap_or_else(|| "eth0".to_string()),
    };
    let target = AttachmentArgs {
        network: (*network).to_string(),
        netns: (*netns).to_string(),
        ifname,
        container_id: value("container-id").map(str::to_string),
        args: Vec::new(),
        cni_args_env: var("CNI_ARGS").ok()?,
        caps: Vec::new(),
        cap_args: var("CAP_ARGS").ok()?,
    };
    let command = match verb? {
        "add" => Commands::Add(AddArgs {
            target,
            no_rollback: flag("no-rollback"),
        }),
        "check" => Commands::Check(CheckArgs {
            target,
            force: flag("force"),
        }),
        _ => Commands::Del(DelArgs {
            target,
            cached_config: flag("cached-config"),
            rm_netns: flag("rm-netns"),
            force: flag("force"),
        }),
    };
    Some(Cli {
        global: GlobalArgs {
            conf_dir,
            cni_path,
            cache_dir: value("cache-dir").map(PathBuf::from),
            root: None,
            host_netns: value("host-netns").map(str::to_string),
            output: None,
            no_headers: flag("no-headers"),
            color: ColorChoice::Auto,
            timeout: None,
            verbose: 0,
            skip_broken: flag("skip-broken"),
        },
        command,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::FromArgMatches;

    fn os(words: &[&str]) -> Vec<OsString> {
        std::iter::once("cnictl")
            .chain(words.iter().copied())
            .map(OsString::from)
            .collect()
    }

    fn by_clap(args: &[OsString], env: &[(&str, &str)]) -> Option<String> {
        // clap reads the real environment: the env-bound arguments are given as options here
        // instead, spelled as clap takes them, so both parsers see the same values.
        let mut args = args.to_vec();
        for (k, v) in env {
            let opt = match *k {
                "NETCONFPATH" => "--conf-dir",
                "CNI_PATH" => "--cni-path",
                "CNI_IFNAME" => "--ifname",
                "CNI_ARGS" => "--cni-args",
                "CAP_ARGS" => "--cap-args",
                other => panic!("no option for {other}"),
            };
            if !args.iter().any(|a| {
                a.to_str()
                    .is_some_and(|a| a == opt || a.starts_with(&format!("{opt}=")))
            }) {
                args.push(format!("{opt}={v}").into());
            }
        }
        super::super::command()
            .try_get_matches_from(&args)
            .and_then(|m| Cli::from_arg_matches(&m))
            .ok()
            .map(|c| format!("{c:?}"))
    }

    fn fast(args: &[OsString], env: &[(&str, &str)]) -> Option<String> {
        // Variables not given are read from the process, as clap reads them.
        let lookup = |k: &str| match env.iter().find(|(n, _)| *n == k) {
            Some((_, v)) => Some(OsString::from(v)),
            None => std::env::var_os(k).filter(|v| !v.is_empty()),
        };
        parse(args, &lookup).map(|c| format!("{c:?}"))
    }

    /// The lines taken here give exactly what clap gives (the environment a case sets is passed
    /// to clap as the options it stands for).
    #[test]
    fn agrees_with_clap_on_every_line_it_takes() {
        let lines: &[&[&str]] = &[
            &["add", "net", "ns"],
            &["del", "net", "/var/run/netns/x"],
            &["check", "net", "ns"],
            &[
                "--host-netns",
                "h",
                "--cni-path",
                "/a:/b",
                "--cache-dir",
                "/c",
                "--conf-dir",
                "/d",
                "add",
                "net",
                "ns",
            ],
            &["add", "net", "ns", "--host-netns=h", "--cache-dir=/c"],
            &[
                "add",
                "--container-id",
                "abc",
                "net",
                "--ifname",
                "net1",
                "ns",
            ],
            &[
                "add",
                "net",
                "ns",
                "--no-rollback",
                "--no-headers",
                "--skip-broken",
            ],
            &[
                "del",
                "net",
                "ns",
                "--cached-config",
                "--rm-netns",
                "--force",
            ],
            &["check", "--force", "net", "ns", "--container-id=x"],
            &["--skip-broken", "del", "./net.conflist", "ns"],
            &["add", "add", "del"],
        ];
        for line in lines {
            let args = os(line);
            let clap = by_clap(&args, &[]);
            assert!(clap.is_some(), "clap refuses {line:?}");
            assert_eq!(fast(&args, &[]), clap, "{line:?}");
        }
        let env = [
            ("NETCONFPATH", "/e/net.d"),
            ("CNI_PATH", "/e/bin"),
            ("CNI_IFNAME", "eth7"),
            ("CNI_ARGS", "A=1;B=2"),
            ("CAP_ARGS", "{\"x\":1}"),
        ];
        for line in [
            &["add", "net", "ns"][..],
            &["del", "--conf-dir", "/d", "net", "ns", "--ifname", "e0"][..],
        ] {
            let args = os(line);
            let clap = by_clap(&args, &env);
            assert!(clap.is_some(), "clap refuses {line:?}");
            assert_eq!(fast(&args, &env), clap, "{line:?} with {env:?}");
        }
    }

    /// Every other line is left to clap, also the ones clap takes (short options, lists,
    /// formats) and the ones it refuses (with its own message).
    #[test]
    fn leaves_everything_else_to_clap() {
        let lines: &[&[&str]] = &[
            &[],
            &["ls"],
            &["add"],
            &["add", "net"],
            &["add", "net", "ns", "extra"],
            &["add", "net", "ns", "-v"],
            &["add", "net", "ns", "-o", "json"],
            &["add", "net", "ns", "--output=json"],
            &["add", "net", "ns", "--timeout", "5s"],
            &["add", "net", "ns", "-i", "eth1"],
            &["add", "net", "ns", "--arg", "K=V"],
            &["add", "net", "ns", "--cap", "portMappings=[]"],
            &["add", "net", "ns", "--root", "/host"],
            &["add", "net", "ns", "--", "x"],
            &["add", "net", "ns", "--help"],
            &["--version"],
            &["add", "net", "ns", "--cache-dir"],
            &["add", "net", "ns", "--cache-dir", "-x"],
            &["add", "net", "ns", "--cache-dir="],
            &["add", "net", "ns", "--cache-dir", "/a", "--cache-dir", "/b"],
            &["add", "net", "ns", "--force"],
            &["check", "net", "ns", "--rm-netns"],
            &["--container-id", "x", "add", "net", "ns"],
            &["add", "net", "ns", "--no-rollback=true"],
            &["add", "net", "ns", "--no-rollback", "--no-rollback"],
            &["add", "", "ns"],
            &["ad", "net", "ns"],
            &["add", "net", "ns", "--hots-netns", "h"],
        ];
        for line in lines {
            assert_eq!(fast(&os(line), &[]), None, "{line:?}");
        }
        assert_eq!(
            fast(&os(&["add", "net", "ns"]), &[("CNICTL_ROOT", "/host")]),
            None
        );
        use std::os::unix::ffi::OsStringExt;
        let mut args = os(&["add", "net"]);
        args.push(OsString::from_vec(vec![b'n', 0xff]));
        assert_eq!(fast(&args, &[]), None);
        let bad = |k: &str| (k == "CNI_PATH").then(|| OsString::from_vec(vec![0xff]));
        assert!(parse(&os(&["add", "net", "ns"]), &bad).is_none());
    }
}
