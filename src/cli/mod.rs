//! The command line: clap definitions, the settings resolved from them once, and one file per
//! subcommand. Each subcommand gathers its inputs, calls the library and hands data to
//! `render`.

mod add;
mod args;
mod attach;
mod attachments;
mod check;
pub mod conformance;
mod del;
#[cfg(test)]
mod deploy_tests;
mod gc;
mod gen;
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

const EXIT_CODES_HELP: &str = "\
Exit codes:
  0    success
  1    the operation ran and failed (a plugin error, a failed check, a network
       not ready, a partial gc)
  2    cnictl could not start the operation (usage, config not found, plugin not on
       the path, bad identifiers, no permission): nothing was run
  130  interrupted by SIGINT (after rollback)
  143  interrupted by SIGTERM (after rollback)";

const VALIDATE_EXIT_CODES_HELP: &str = "\
Exit codes:
  0  no errors (warnings allowed, unless --deny-warnings)
  1  errors found (or warnings, with --deny-warnings)
  2  could not run: bad usage, a path given that does not exist, a directory that
     cannot be listed (a file inside that cannot be read is an error finding)

Rules, with an example each: docs/rules.md";

const INSPECT_EXIT_CODES_HELP: &str = "\
Exit codes:
  0  the namespace holds what the cached results claim
  1  something differs (each difference is listed)
  2  could not inspect: usage, a NETNS that is no network namespace, no permission

inspect only reads, so any namespace may be inspected, the node's own included.";

/// A command-line CNI runtime: run, check and delete CNI networks by hand, safely.
#[derive(Debug, Parser)]
#[command(name = "cnictl", version, about, after_long_help = EXIT_CODES_HELP, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Commands,
}

/// Options every subcommand takes.
#[derive(Debug, clap::Args)]
pub struct GlobalArgs {
    /// Directory of network configuration files
    #[arg(
        long,
        global = true,
        env = "NETCONFPATH",
        value_name = "DIR",
        default_value = DEFAULT_CONF_DIR,
        hide_env_values = true
    )]
    pub conf_dir: PathBuf,

    /// Directories searched for plugin binaries, separated by ':'
    #[arg(
        long,
        global = true,
        env = "CNI_PATH",
        value_name = "DIRS",
        default_value = DEFAULT_CNI_PATH,
        hide_env_values = true
    )]
    pub cni_path: String,

    /// Directory of libcni's results cache (shared with containerd, CRI-O and cnitool)
    #[arg(
        long,
        global = true,
        value_name = "DIR",
        default_value = DEFAULT_CACHE_DIR
    )]
    pub cache_dir: PathBuf,

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
    #[command(after_long_help = EXIT_CODES_HELP)]
    Add(add::AddArgs),
    /// Check an attachment: run the chain's CHECK (silent on success)
    #[command(after_long_help = EXIT_CODES_HELP)]
    Check(check::CheckArgs),
    /// Detach a container from a network: run the chain's DEL and drop the cache entry
    #[command(after_long_help = EXIT_CODES_HELP)]
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
    #[command(after_long_help = INSPECT_EXIT_CODES_HELP)]
    Inspect(inspect::InspectArgs),
    /// Lint network configuration files: spec rules, chains, plugin schemas, plugin versions
    #[command(after_long_help = VALIDATE_EXIT_CODES_HELP)]
    Validate(validate::ValidateArgs),
    /// Print shell completions
    Completions(gen::CompletionsArgs),
    /// Write man pages into a directory
    #[command(hide = true)]
    GenerateMan(gen::ManArgs),
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

/// The clap command, each subcommand's help ending with the formats it accepts.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    let mut cmd = Cli::command();
    for (name, fs) in FORMATS {
        let line = format!("Output formats (-o): {}", format_list(fs));
        cmd = cmd.mut_subcommand(*name, |sub| {
            let long = match sub.get_after_long_help() {
                Some(h) => format!("{line}\n\n{h}"),
                None => line.clone(),
            };
            sub.after_help(line.clone()).after_long_help(long)
        });
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
            Commands::GenerateMan(_) => "generate-man",
        }
    }
}

/// Parses the command line, runs it and returns the process exit code.
pub fn main() -> i32 {
    use clap::FromArgMatches;
    let cli = match command()
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m))
    {
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
        Commands::GenerateMan(a) => gen::man(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => settings.printer.report(&e),
    }
}
