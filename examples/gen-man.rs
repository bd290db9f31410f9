//! Writes cnictl's man pages: `cargo run --example gen-man -- DIR` (scripts/generate.sh
//! writes `man/`; tests/generated.rs checks the committed pages are current and render).
//!
//! The pages are made here, not by the shipped binary: this program compiles the binary's own
//! command-line modules (the clap model, the exit codes and examples of each command) and
//! renders one page per command, `cnictl.1` and `cnictl-<command>.1`, each with NAME,
//! SYNOPSIS (value names included), DESCRIPTION, OPTIONS, GLOBAL OPTIONS, EXIT STATUS,
//! ENVIRONMENT, FILES, EXAMPLES and SEE ALSO.
#![allow(dead_code)]

#[path = "../src/cli/mod.rs"]
mod cli;
#[path = "../src/exit_codes.rs"]
mod exit_codes;
#[path = "../src/render/mod.rs"]
mod render;

use clap::{Arg, ArgAction, Command};
use clap_mangen::roff::{bold, italic, roman, Inline, Roff};
use clap_mangen::Man;
use std::path::{Path, PathBuf};

/// Each variable cnictl reads: the commands it matters to (empty: all) and what it does.
const ENVIRONMENT: &[(&str, &[&str], &str)] = &[
    ("NETCONFPATH", &[], "The config directory when --conf-dir is not given."),
    ("CNI_PATH", &[], "The directories searched for plugins, separated by ':', when --cni-path is not given."),
    ("CNICTL_ROOT", &[], "The node's / is this directory when --root is not given: the config dir, CNI path, cache and the paths recorded in the cache are read under it. The commands that run plugins or change the node refuse it."),
    ("HOME", &[], "Without CAP_SYS_ADMIN (and without --root), the default config dir is ~/.config/cni/net.d and the default cache dir ~/.cache/cni when they exist and XDG_CONFIG_HOME or XDG_CACHE_HOME does not say otherwise."),
    ("XDG_CONFIG_HOME", &[], "Without CAP_SYS_ADMIN (and without --root), the default config dir is $XDG_CONFIG_HOME/cni/net.d when it exists (an absolute value only)."),
    ("XDG_CACHE_HOME", &[], "Without CAP_SYS_ADMIN (and without --root), the default cache dir is $XDG_CACHE_HOME/cni when it exists (an absolute value only)."),
    ("CNI_IFNAME", &["add", "check", "del"], "The interface name inside the container when -i is not given."),
    ("CNI_ARGS", &["add", "check", "del"], "CNI_ARGS pairs, K=V;K2=V2. Each --arg is merged over them: a key given with --arg replaces the variable's pair of that key."),
    ("CAP_ARGS", &["add", "check", "del"], "Capability arguments, a JSON object. Each --cap is merged over it: a key given with --cap replaces the variable's value of that key."),
    ("PWD", &["add", "check", "del"], "A relative NETNS is made absolute against it when it names the current directory (as cnitool does)."),
    ("NO_COLOR, CLICOLOR_FORCE, CLICOLOR, TERM", &[], "Decide colour with --color auto, in this order: NO_COLOR set: none; CLICOLOR_FORCE set (not 0): colour; CLICOLOR=0 or TERM=dumb: none; else colour on a terminal."),
    ("COLUMNS", &[], "The width tables are fitted to (else the terminal's, else 80)."),
    ("GITHUB_STEP_SUMMARY", &["validate"], "With -o github, a Markdown summary is appended to the file it names."),
];

/// The files cnictl reads and writes (the defaults; the options move them).
const FILES: &[(&str, &str)] = &[
    ("/etc/cni/net.d", "The config directory (--conf-dir, NETCONFPATH): .conflist files, then .conf and .json files, by name."),
    ("/opt/cni/bin, /usr/lib/cni", "The CNI path (--cni-path, CNI_PATH): the plugin binaries."),
    ("/var/lib/cni/results/NETWORK-ID-IFNAME", "libcni's results cache (--cache-dir), shared with containerd, CRI-O and cnitool."),
    ("/var/lib/cni/cnictl/records/NETWORK-ID-IFNAME", "cnictl's record of each ADD: the resolved chain, the args and the plugins' namespace."),
    ("/var/lib/cni/cnictl/lock", "cnictl's lock file: byte 0 is the cache-wide lock (gc takes it exclusively, add, check and del share it), and each container has a byte of its own (open file description locks, released when their holder exits)."),
    ("/var/lib/cni/cnictl/tmp", "Temp files of cnictl's atomic writes."),
    ("/var/run/netns", "Named network namespaces (NETNS and --host-netns names)."),
    ("/var/lib/cni/networks/NETWORK", "host-local's reservations and its lock file, read by ipam (the dataDir of the config moves it)."),
    ("cnictl.toml, .cnictl.toml", "validate's rule settings, looked for from each checked file's directory up to the repository root."),
];

fn main() {
    let dir = match std::env::args_os().nth(1) {
        Some(d) => PathBuf::from(d),
        None => {
            eprintln!("usage: gen-man DIR");
            std::process::exit(2);
        }
    };
    if let Err(e) = write_pages(&dir) {
        eprintln!("gen-man: {}: {e}", dir.display());
        std::process::exit(1);
    }
}

fn write_pages(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut root = cli::base_command().disable_help_subcommand(true);
    root.build();
    let mut pages: Vec<(String, Command)> = vec![(String::new(), root.clone())];
    for sub in root.get_subcommands().filter(|s| !s.is_hide_set()) {
        pages.push((sub.get_name().to_string(), sub.clone()));
        for inner in sub.get_subcommands().filter(|s| !s.is_hide_set()) {
            pages.push((
                format!("{} {}", sub.get_name(), inner.get_name()),
                inner.clone(),
            ));
        }
    }
    let all: Vec<String> = pages.iter().map(|(p, _)| page_name(p)).collect();
    for (path, cmd) in &pages {
        let mut out = Vec::new();
        render_page(path, cmd, &all, &mut out)?;
        std::fs::write(dir.join(format!("{}.1", page_name(path))), out)?;
    }
    Ok(())
}

/// `cnictl`, `cnictl-add`, `cnictl-attachments-show`.
fn page_name(path: &str) -> String {
    std::iter::once("cnictl")
        .chain(path.split_whitespace())
        .collect::<Vec<_>>()
        .join("-")
}

fn render_page(
    path: &str,
    cmd: &Command,
    all: &[String],
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let name = page_name(path);
    let doc = cli::help::doc(path).expect("every command has exit codes and examples");
    let man = Man::new(cmd.clone().name(name.clone()))
        .title(name.to_uppercase())
        .section("1")
        .source(format!("cnictl {}", env!("CARGO_PKG_VERSION")))
        .manual("cnictl manual");
    man.render_title(w)?;
    man.render_name_section(w)?;

    let mut roff = Roff::default();
    roff.control("SH", ["SYNOPSIS"]);
    synopsis(&mut roff, path, cmd);
    roff.to_writer(w)?;

    man.render_description_section(w)?;
    let mut roff = Roff::default();
    if let Some(prose) = cmd.get_after_long_help() {
        for para in prose.to_string().split("\n\n") {
            roff.control("PP", []);
            roff.text([roman(para.replace('\n', " "))]);
        }
    }
    if let Some(fs) = cli::FORMATS
        .iter()
        .find(|(c, _)| *c == path)
        .map(|(_, f)| *f)
    {
        roff.control("PP", []);
        let names: Vec<&str> = fs.iter().map(|f| f.name()).collect();
        roff.text([roman(format!("Output formats (-o): {}.", names.join(", ")))]);
    }
    roff.to_writer(w)?;
    man.render_options_section(w)?;
    if cmd.get_subcommands().any(|s| !s.is_hide_set()) {
        man.render_subcommands_section(w)?;
    }

    let mut roff = Roff::default();
    roff.control("SH", ["EXIT STATUS"]);
    for (code, what) in doc.exit {
        tagged(&mut roff, vec![bold(code.to_string())], what);
    }
    roff.control("SH", ["ENVIRONMENT"]);
    let top = path.split_whitespace().next().unwrap_or("");
    for (var, commands, what) in ENVIRONMENT {
        if commands.is_empty() || commands.contains(&top) {
            tagged(&mut roff, vec![bold(*var)], what);
        }
    }
    roff.control("PP", []);
    roff.text([roman("A variable that is set but empty behaves as unset.")]);
    roff.control("SH", ["FILES"]);
    for (file, what) in FILES {
        tagged(&mut roff, vec![italic(*file)], what);
    }
    roff.control("SH", ["EXAMPLES"]);
    for (line, what) in &doc.examples {
        tagged(&mut roff, vec![bold(*line)], what);
    }
    roff.control("SH", ["SEE ALSO"]);
    let mut see: Vec<String> = all
        .iter()
        .filter(|p| **p != name)
        .map(|p| format!("{p}(1)"))
        .collect();
    see.push("ip-netns(8)".into());
    roff.text([roman(see.join(", "))]);
    roff.to_writer(w)
}

/// A `.TP` paragraph: the tag on its own line, the text indented below.
fn tagged(roff: &mut Roff, tag: Vec<Inline>, text: &str) {
    roff.control("TP", []);
    roff.text(tag);
    roff.text([roman(text)]);
}

/// `cnictl add [-i|--ifname IFNAME] ... NETWORK NETNS`: every option with its value name;
/// for a subcommand the global options as one placeholder (they have their own section).
fn synopsis(roff: &mut Roff, path: &str, cmd: &Command) {
    let mut line: Vec<Inline> = vec![bold(format!("cnictl {path}").trim_end().to_string())];
    let top = path.is_empty();
    for arg in cmd.get_arguments() {
        if arg.is_hide_set()
            || arg.is_positional()
            || (arg.is_global_set() && !top)
            || matches!(arg.get_id().as_str(), "help" | "version")
        {
            continue;
        }
        option(&mut line, arg);
    }
    if !top {
        line.push(roman(" [global options]"));
    }
    let mut positionals: Vec<&Arg> = cmd.get_positionals().filter(|a| !a.is_hide_set()).collect();
    positionals.sort_by_key(|a| a.get_index());
    for arg in positionals {
        let name = arg
            .get_value_names()
            .and_then(|n| n.first())
            .map(|n| n.to_string())
            .unwrap_or_else(|| arg.get_id().to_string().to_uppercase());
        let many = matches!(arg.get_action(), ArgAction::Append);
        let (l, r) = if arg.is_required_set() {
            ("", "")
        } else {
            ("[", "]")
        };
        line.push(roman(format!(" {l}")));
        line.push(italic(name));
        line.push(roman(format!("{}{r}", if many { "..." } else { "" })));
    }
    if cmd.get_subcommands().any(|s| !s.is_hide_set()) {
        let req = cmd.is_subcommand_required_set();
        line.push(roman(if req { " " } else { " [" }));
        line.push(italic("COMMAND"));
        line.push(roman(if req { "" } else { "]" }));
    }
    roff.text(line);
}

fn option(line: &mut Vec<Inline>, arg: &Arg) {
    let flag = match (arg.get_short(), arg.get_long()) {
        (Some(s), Some(l)) => format!("-{s}|--{l}"),
        (None, Some(l)) => format!("--{l}"),
        (Some(s), None) => format!("-{s}"),
        (None, None) => return,
    };
    let required = arg.is_required_set();
    line.push(roman(if required { " " } else { " [" }));
    line.push(bold(flag));
    if arg.get_action().takes_values() {
        if let Some(v) = arg.get_value_names().and_then(|n| n.first()) {
            line.push(roman(" "));
            line.push(italic(v.to_string()));
        }
    }
    if !required {
        line.push(roman("]"));
    }
    if matches!(arg.get_action(), ArgAction::Append | ArgAction::Count) {
        line.push(roman("..."));
    }
}
