//! The command line: clap definitions, the settings resolved from them once, and one file per
//! subcommand. Each subcommand gathers its inputs, calls the library and hands data to
//! `render`.

mod add;
mod args;
mod attach;
mod attachments;
mod check;
mod complete;
pub mod conformance;
mod del;
#[cfg(test)]
mod deploy_tests;
mod fast;
mod gc;
mod gen;
pub mod help;
mod inspect;
mod ipam;
mod ls;
mod metrics;
mod plugins;
mod probe;
pub mod settings;
mod status;
mod validate;

use crate::exit_codes as exit;
use crate::render::{self, ColorChoice, Output};
use clap::{Parser, Subcommand};
use std::path::PathBuf;

pub use settings::Settings;

/// Default of --conf-dir.
pub const DEFAULT_CONF_DIR: &str = "/etc/cni/net.d";
/// Default of --cni-path.
pub const DEFAULT_CNI_PATH: &str = "/opt/cni/bin:/usr/lib/cni";
/// Default of --cache-dir.
pub const DEFAULT_CACHE_DIR: &str = "/var/lib/cni";

const INSPECT_HELP: &str =
    "inspect only reads, so any namespace may be inspected, the node's own included.";

const VALIDATE_HELP: &str = "\
Each rule, with an example: cnictl validate --explain RULE (--list-rules lists them).";

/// A command-line CNI runtime: run, check and delete CNI networks by hand, safely.
#[derive(Debug, Parser)]
#[command(name = "cnictl", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Commands,
}

/// Options every subcommand takes, shown under their own heading in every command's help.
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Directory of network configuration files (env: NETCONFPATH) [default: /etc/cni/net.d;
    /// without CAP_SYS_ADMIN, $XDG_CONFIG_HOME/cni/net.d or ~/.config/cni/net.d when it exists]
    #[arg(
        long,
        global = true,
        env = "NETCONFPATH",
        value_name = "DIR",
        hide_env = true
    )]
    pub conf_dir: Option<PathBuf>,

    /// Directories searched for plugin binaries, separated by ':' (env: CNI_PATH)
    #[arg(
        long,
        global = true,
        env = "CNI_PATH",
        value_name = "DIRS",
        default_value = DEFAULT_CNI_PATH,
        hide_env = true
    )]
    pub cni_path: String,

    /// Directory of libcni's results cache (shared with containerd, CRI-O and cnitool)
    /// [default: /var/lib/cni; without CAP_SYS_ADMIN, $XDG_CACHE_HOME/cni or ~/.cache/cni
    /// when it exists]
    #[arg(long, global = true, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,

    /// Look at a node whose filesystem is mounted at DIR (e.g. /host in a pod): the config
    /// dir, the CNI path, the cache, recorded netns paths and host-local's dataDir are read
    /// under DIR, symlinks resolved within it; /proc is not (env: CNICTL_ROOT)
    ///
    /// For the commands that only read: ls, plugins, attachments, status, validate, ipam
    /// (without --release) and inspect. add, check, del, gc, conformance and ipam --release
    /// refuse it.
    ///
    /// Files named on the command line are read as given, not under DIR: validate's PATHs
    /// and --config, and a NETWORK given as a file path (status ./net.conflist); the plugins
    /// such a file names are still looked up on the node's CNI path.
    #[arg(
        long,
        global = true,
        env = "CNICTL_ROOT",
        value_name = "DIR",
        hide_env = true
    )]
    pub root: Option<PathBuf>,

    /// Run the plugins inside this network namespace (a name under /var/run/netns or a path)
    /// instead of cnictl's own.
    ///
    /// The namespace the plugins run in is the "host" side of the attachment: bridges, host
    /// veths, iptables rules and forwarding land there. Mounts, /var/run/netns and the cache
    /// stay cnictl's, so a throwaway namespace makes a safe lab on any machine.
    #[arg(long, global = true, value_name = "NAME|PATH")]
    pub host_netns: Option<String>,

    /// Output format: table, wide, json, or one the command adds (each command's help lists
    /// the ones it accepts) [default: table; for add, the CNI result JSON when piped]
    #[arg(short = 'o', long, global = true, value_enum, value_name = "FORMAT")]
    pub output: Option<Output>,

    /// Print tables without their header line (for scripts)
    #[arg(long, global = true)]
    pub no_headers: bool,

    /// When to use colour (auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 or TERM=dumb,
    /// then whether the stream is a terminal)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Time limit for each plugin call, e.g. 500ms, 5s, 2m (default: none)
    #[arg(long, global = true, value_name = "DURATION", value_parser = args::parse_duration)]
    pub timeout: Option<std::time::Duration>,

    /// Print a per-plugin timeline to stderr; twice adds each plugin's stdin, CNI_* env and stderr
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Skip config files that fail to parse instead of stopping at one that could be the network
    #[arg(long, global = true)]
    pub skip_broken: bool,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Commands {
    /// Attach a container to a network: run the chain's ADD and cache the result
    Add(add::AddArgs),
    /// Check an attachment: run the chain's CHECK (silent on success)
    Check(check::CheckArgs),
    /// Detach a container from a network: run the chain's DEL and drop the cache entry
    Del(del::DelArgs),
    /// Delete cached attachments that are no longer in use, then send the GC verb
    Gc(gc::GcArgs),
    /// Report whether networks are ready: plugins found, versions, and their STATUS answer
    Status(status::StatusArgs),
    /// Test a chain against the CNI contract: the whole lifecycle in throwaway namespaces,
    /// each step judged pass, warn, fail or skip
    #[command(after_long_help = conformance::CONFORMANCE_HELP)]
    Conformance(conformance::ConformanceArgs),
    /// List the networks of the config dir, and which one each runtime uses by default and why
    Ls(ls::LsArgs),
    /// List the plugin binaries on the CNI path and the spec versions each supports
    Plugins(plugins::PluginsArgs),
    /// List what libcni's cache holds, and whether each network namespace still exists
    Attachments(attachments::AttachmentsArgs),
    /// Audit host-local's IP reservations against the cache; free leaked ones with --release
    Ipam(ipam::IpamArgs),
    /// Show what a network namespace holds (links, addresses, routes, the host side and NAT
    /// rules of its attachments) beside what the cache claims; exit 1 on any difference
    #[command(after_long_help = INSPECT_HELP)]
    Inspect(inspect::InspectArgs),
    /// Lint network configuration files: spec rules, chains, plugin schemas, plugin versions
    #[command(after_long_help = VALIDATE_HELP)]
    Validate(validate::ValidateArgs),
    /// Print shell completions
    Completions(gen::CompletionsArgs),
}

/// The output formats each command accepts: the one place they are declared (its help and
/// the usage error both come from here). A command absent from the list prints no data.
pub const FORMATS: &[(&str, &[Output])] = &[
    ("add", &[Output::Table, Output::Wide, Output::Json]),
    ("check", &[Output::Table, Output::Json]),
    ("del", &[Output::Table, Output::Json]),
    ("gc", &[Output::Table, Output::Wide, Output::Json]),
    (
        "status",
        &[
            Output::Table,
            Output::Wide,
            Output::Json,
            Output::Prometheus,
            Output::Npd,
        ],
    ),
    (
        "conformance",
        &[Output::Table, Output::Wide, Output::Json, Output::Junit],
    ),
    ("ls", &[Output::Table, Output::Wide, Output::Json]),
    ("plugins", &[Output::Table, Output::Wide, Output::Json]),
    (
        "attachments",
        &[
            Output::Table,
            Output::Wide,
            Output::Json,
            Output::Prometheus,
        ],
    ),
    ("inspect", &[Output::Table, Output::Wide, Output::Json]),
    (
        "ipam",
        &[
            Output::Table,
            Output::Wide,
            Output::Json,
            Output::Prometheus,
        ],
    ),
    (
        "validate",
        &[
            Output::Table,
            Output::Json,
            Output::Github,
            Output::Sarif,
            Output::Codeclimate,
            Output::Junit,
            Output::Prometheus,
        ],
    ),
];

/// The formats `command` accepts (none for completions and man pages).
pub fn formats(command: &str) -> &'static [Output] {
    FORMATS
        .iter()
        .find(|(c, _)| *c == command)
        .map(|(_, f)| *f)
        .unwrap_or(&[])
}

fn format_list(fs: &[Output]) -> String {
    fs.iter().map(|f| f.name()).collect::<Vec<_>>().join(", ")
}

/// The clap command: each command's help ends with the output formats it accepts, its exit
/// codes and two examples ([`help::DOCS`]).
pub fn command() -> clap::Command {
    with_epilogues(base_command(), "")
}

/// For a line running add, check or del: the command with that one subcommand, which clap
/// builds and checks in a fraction of the time of all twelve. Only a line that parses is taken
/// from it (any error or help is parsed again with the whole command), and the subcommand is
/// the first word naming one: the top level takes no positional argument, so a line that
/// parses with it parses the same with the others beside it.
fn lean_command(args: &[std::ffi::OsString]) -> Option<clap::Command> {
    use clap::Args;
    let name = args.iter().skip(1).find_map(|a| {
        Cli::command_names()
            .iter()
            .copied()
            .find(|n| a.to_str() == Some(n))
    })?;
    let sub = clap::Command::new(name);
    let sub = match name {
        "add" => add::AddArgs::augment_args(sub),
        "check" => check::CheckArgs::augment_args(sub),
        "del" => del::DelArgs::augment_args(sub),
        _ => return None,
    };
    let top = clap::Command::new("cnictl")
        .version(version())
        .max_term_width(100)
        .subcommand_required(true)
        .arg_required_else_help(true);
    Some(GlobalArgs::augment_args(top).subcommand(sub))
}

impl Cli {
    /// Every subcommand's name.
    fn command_names() -> &'static [&'static str] {
        &[
            "add",
            "check",
            "del",
            "gc",
            "status",
            "ls",
            "plugins",
            "attachments",
            "ipam",
            "inspect",
            "validate",
            "completions",
            "conformance",
            "help",
        ]
    }
}

/// The clap command as derived, with the version: what the man pages are made from (they
/// render exit codes and examples as sections of their own).
pub fn base_command() -> clap::Command {
    use clap::CommandFactory;
    Cli::command().version(version())
}

/// What `--version` prints after the name: cnictl's version and the spec versions it speaks.
pub fn version() -> String {
    format!(
        "{}\nCNI spec versions: {}",
        env!("CARGO_PKG_VERSION"),
        cnictl::KNOWN_VERSIONS.join(", ")
    )
}

/// Appends to `cmd`'s help (and its subcommands', recursively) what [`help`] and [`FORMATS`]
/// say about it; `path` is the command as typed after `cnictl`.
fn with_epilogues(mut cmd: clap::Command, path: &str) -> clap::Command {
    let mut parts: Vec<String> = Vec::new();
    if let Some((_, fs)) = FORMATS.iter().find(|(c, _)| *c == path) {
        parts.push(format!("Output formats (-o): {}", format_list(fs)));
    }
    let long_prose = cmd.get_after_long_help().map(|h| h.to_string());
    let epilogue = help::doc(path).map(help::epilogue);
    let short: Vec<String> = parts.iter().cloned().chain(epilogue.clone()).collect();
    let long: Vec<String> = parts
        .into_iter()
        .chain(long_prose)
        .chain(epilogue)
        .collect();
    if !short.is_empty() {
        cmd = cmd.after_help(short.join("\n\n"));
    }
    if !long.is_empty() {
        cmd = cmd.after_long_help(long.join("\n\n"));
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        let sub_path = if path.is_empty() {
            name.clone()
        } else {
            format!("{path} {name}")
        };
        cmd = cmd.mut_subcommand(&name, |sub| with_epilogues(sub, &sub_path));
    }
    cmd
}

impl Commands {
    /// The subcommand's name on the command line.
    pub fn name(&self) -> &'static str {
        match self {
            Commands::Add(_) => "add",
            Commands::Check(_) => "check",
            Commands::Del(_) => "del",
            Commands::Gc(_) => "gc",
            Commands::Status(_) => "status",
            Commands::Conformance(_) => "conformance",
            Commands::Ls(_) => "ls",
            Commands::Plugins(_) => "plugins",
            Commands::Attachments(_) => "attachments",
            Commands::Inspect(_) => "inspect",
            Commands::Ipam(_) => "ipam",
            Commands::Validate(_) => "validate",
            Commands::Completions(_) => "completions",
        }
    }
}

/// The commands that run plugin chains (and so need CAP_SYS_ADMIN and CAP_NET_ADMIN), or change
/// a node's state (and so refuse `--root`): the command's name when `cli` runs one.
fn changes_the_node(cli: &Cli) -> Option<&'static str> {
    match &cli.command {
        Commands::Add(_) | Commands::Check(_) | Commands::Del(_) | Commands::Gc(_) => {
            Some(cli.command.name())
        }
        Commands::Ipam(a) if a.release => Some("ipam --release"),
        // It makes and removes namespaces of its own, but it runs the node's plugins, which
        // needs the same capabilities, and has nothing to look at under --root.
        Commands::Conformance(_) => Some("conformance"),
        _ => None,
    }
}

/// Refuses up front, before anything is read or run: `--root` with a command that changes the
/// node (usage, exit 2), and a command running plugins without the capabilities they need
/// (exit [`exit::NEEDS_ROOT`]). `ipam --release` only removes host-local's files, which file
/// permissions decide, so it is not asked for capabilities.
fn gate(cli: &Cli) -> anyhow::Result<()> {
    let Some(verb) = changes_the_node(cli) else {
        return Ok(());
    };
    if let Some(root) = &cli.global.root {
        anyhow::bail!(
            "{verb} changes the node, and --root ({}) is only for looking at one: run it on the \
             node itself (or in a pod with the node's namespaces and /run/netns, without --root)",
            root.display()
        );
    }
    if verb != "ipam --release" {
        cnictl::privilege::require_chain_caps(verb, cnictl::privilege::Caps::current())?;
    }
    Ok(())
}

/// Parses the command line, runs it and returns the process exit code.
pub fn main() -> i32 {
    use clap::FromArgMatches;
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == complete::HELPER) {
        return complete::run(&args[2..]);
    }
    // The help's epilogues (formats, exit codes, examples, wrapped) cost more than the parse
    // itself: a command line that parses does not need them, so they are added only when clap
    // has help or an error to print, by parsing again with them.
    // A plain add/check/del line needs no clap command at all (see `fast`).
    let parsed = match fast::parse(&args, &|k| std::env::var_os(k)) {
        Some(cli) => Ok(cli),
        None => lean_command(&args)
            .unwrap_or_else(base_command)
            .try_get_matches_from(&args)
            .and_then(|m| Cli::from_arg_matches(&m)),
    };
    let parsed = parsed.or_else(|e| match e.kind() {
        clap::error::ErrorKind::DisplayVersion => Err(e),
        _ => command()
            .try_get_matches_from(&args)
            .and_then(|m| Cli::from_arg_matches(&m)),
    });
    let cli = match parsed {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
            let _ = e.print();
            return code;
        }
    };
    let settings = match Settings::resolve(&cli.global) {
        Ok(s) => s,
        Err(e) => {
            render::Printer::plain().error(&format!("{e:#}"));
            return exit::USAGE;
        }
    };
    if let Some(out) = cli.global.output {
        let name = cli.command.name();
        let accepted = formats(name);
        if !accepted.is_empty() && !accepted.contains(&out) {
            settings.printer.error(&format!(
                "{name} does not print -o {}; it accepts: {}",
                out.name(),
                format_list(accepted)
            ));
            return exit::USAGE;
        }
    }
    if let Err(e) = gate(&cli) {
        return settings.printer.report(&e);
    }
    let result = match cli.command {
        Commands::Add(a) => add::run(&settings, a),
        Commands::Check(a) => check::run(&settings, a),
        Commands::Del(a) => del::run(&settings, a),
        Commands::Gc(a) => gc::run(&settings, a),
        Commands::Status(a) => status::run(&settings, a),
        Commands::Conformance(a) => conformance::run(&settings, a),
        Commands::Ls(a) => ls::run(&settings, a),
        Commands::Plugins(a) => plugins::run(&settings, a),
        Commands::Attachments(a) => attachments::run(&settings, a),
        Commands::Ipam(a) => ipam::run(&settings, a),
        Commands::Inspect(a) => inspect::run(&settings, a),
        Commands::Validate(a) => validate::run(&settings, a),
        Commands::Completions(a) => gen::completions(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => settings.printer.report(&e),
    }
}

#[cfg(test)]
mod lean_tests {
    use super::*;
    use clap::FromArgMatches;

    #[test]
    fn command_names_are_the_subcommands() {
        let mut names: Vec<String> = base_command()
            .get_subcommands()
            .map(|s| s.get_name().to_string())
            .collect();
        names.push("help".into());
        names.sort();
        let mut listed: Vec<String> = Cli::command_names().iter().map(|s| s.to_string()).collect();
        listed.sort();
        assert_eq!(names, listed);
    }

    #[test]
    fn lean_parse_is_the_full_parse() {
        let lines: &[&[&str]] = &[
            &["cnictl", "add", "net", "ns"],
            &[
                "cnictl",
                "--conf-dir",
                "/x",
                "-v",
                "-v",
                "del",
                "net",
                "ns",
                "--rm-netns",
            ],
            &[
                "cnictl",
                "add",
                "-o",
                "json",
                "--cap",
                "a=1",
                "--arg",
                "K=V",
                "net",
                "/proc/1/ns/net",
            ],
            &[
                "cnictl",
                "--cache-dir",
                "add",
                "check",
                "net",
                "ns",
                "--timeout",
                "2s",
            ],
            &[
                "cnictl",
                "check",
                "--host-netns",
                "h",
                "net",
                "ns",
                "-i",
                "eth1",
                "--container-id",
                "c",
            ],
        ];
        let mut taken = 0;
        for line in lines {
            let args: Vec<std::ffi::OsString> = line.iter().map(Into::into).collect();
            let full = base_command()
                .try_get_matches_from(&args)
                .and_then(|m| Cli::from_arg_matches(&m))
                .map(|c| format!("{c:?}"))
                .map_err(|e| e.kind());
            let lean = lean_command(&args)
                .expect("a lean command for add, check and del")
                .try_get_matches_from(&args)
                .and_then(|m| Cli::from_arg_matches(&m))
                .map(|c| format!("{c:?}"))
                .map_err(|e| e.kind());
            // A lean parse that fails is parsed again whole (main): only its successes must
            // be the full parse's.
            if lean.is_ok() {
                assert_eq!(lean, full, "{line:?}");
                taken += 1;
            }
        }
        // "--cache-dir add check ...": "add" is a value there, the lean parse fails and the
        // whole command gives check; every other line is taken lean.
        assert_eq!(taken, lines.len() - 1);
        // Other commands take the whole command.
        let args: Vec<std::ffi::OsString> = ["cnictl", "ls"].iter().map(Into::into).collect();
        assert!(lean_command(&args).is_none());
    }
}
