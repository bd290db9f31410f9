//! `cnictl gc NETWORK...`: delete the cached attachments nobody uses any more, then send the
//! GC verb. Refuses to guess which attachments are in use: the valid set is always given.

use super::attach::{self, PluginNs};
use super::Settings;
use crate::exit_codes as exit;
use crate::render;
use anyhow::{bail, Context};
use cnictl::cache::CacheError;
use cnictl::config::{ConfigError, NetworkConfigList};
use cnictl::runtime::gc::{parse_valid_list, parse_valid_pair, ValidSet};
use cnictl::safe_read::{self, Source};
use std::path::{Path, PathBuf};

/// Arguments of `gc`.
#[derive(Debug, clap::Args)]
#[command(after_long_help = GC_HELP)]
pub struct GcArgs {
    /// Networks whose stale attachments to collect
    #[arg(required = true, value_name = "NETWORK")]
    pub networks: Vec<String>,

    /// An attachment still in use, CONTAINER_ID:IFNAME (repeatable)
    #[arg(long, value_name = "ID:IFNAME")]
    pub valid: Vec<String>,

    /// Read the attachments still in use from FILE, or stdin with -: a JSON array of
    /// {"containerID": .., "ifname": ..} objects, or lines "ID IFNAME"
    #[arg(long, value_name = "FILE")]
    pub valid_from: Option<PathBuf>,

    /// Attachments whose network namespace still exists are in use (for attachments made by
    /// hand with cnictl or cnitool)
    #[arg(long, conflicts_with_all = ["valid", "valid_from", "all"])]
    pub live: bool,

    /// Nothing is in use: delete every cached attachment of the network, as `cnitool gc`
    /// does (needs --yes)
    #[arg(long, conflicts_with_all = ["valid", "valid_from"])]
    pub all: bool,

    /// Confirm --all
    #[arg(long, requires = "all")]
    pub yes: bool,

    /// With --live or --all, send the GC verb too: plugins free everything not in the set
    /// derived from the cache (which misses attachments being added right now)
    #[arg(long)]
    pub gc_verb: bool,

    /// Print what would be removed; change nothing and call no plugin
    #[arg(long)]
    pub dry_run: bool,
}

const GC_HELP: &str = "\
Which attachments are still in use must be said explicitly: --valid/--valid-from (the list a
container runtime has), --live (the attachment's netns still exists), or --all --yes. Each
stale attachment is DELeted with the runtime args cached at ADD; then, for a network of
cniVersion 1.1.0 or later without disableGC, every plugin gets the GC verb with the valid
set (with --live or --all only when --gc-verb asks for it).

containerd and CRI-O do not take cnictl's lock: on a node with a running container runtime,
give gc that runtime's valid set (--valid-from), never --all.

Exit codes: 0 done, 1 a DEL or GC call failed (the rest was still done), 2 nothing was run
(no valid set, bad input, config unreadable, --live unsafe here), 77 needs root (no
CAP_SYS_ADMIN or CAP_NET_ADMIN: nothing was run), 130/143 interrupted.";

const NO_VALID_SET: &str = "gc needs to know which attachments are still in use, and will not guess: give --valid CONTAINER_ID:IFNAME or --valid-from FILE (the attachments a container runtime has), --live (attachments whose netns still exists), or --all --yes (delete every cached attachment of the network). Without one of them libcni's gc (and `cnitool gc`) deletes them all, containerd's and CRI-O's included; nothing was changed";

/// The valid set the flags describe, or why there is none.
fn valid_set(a: &GcArgs) -> anyhow::Result<ValidSet> {
    if a.live {
        return Ok(ValidSet::Live);
    }
    if a.all {
        if !a.yes {
            bail!(
                "--all deletes every cached attachment of {} (containerd's and CRI-O's too); confirm with --yes",
                a.networks.join(", ")
            );
        }
        return Ok(ValidSet::All);
    }
    if a.valid.is_empty() && a.valid_from.is_none() {
        bail!(NO_VALID_SET);
    }
    let mut set = Vec::new();
    for v in &a.valid {
        set.push(parse_valid_pair(v).context("--valid")?);
    }
    if let Some(path) = &a.valid_from {
        let (name, text) = read_input(path)?;
        set.extend(parse_valid_list(&text).with_context(|| format!("--valid-from {name}"))?);
    }
    Ok(ValidSet::Explicit(set))
}

/// Reads FILE, or stdin for `-`, capped like every input (a pipe or a device is read too:
/// `--valid-from <(crictl ...)` is one).
pub(super) fn read_input(path: &Path) -> anyhow::Result<(String, String)> {
    let (name, read) = if path == Path::new("-") {
        (
            "-".to_string(),
            safe_read::read_stream(std::io::stdin().lock(), Source::Stdin),
        )
    } else {
        (
            path.display().to_string(),
            safe_read::read_named_input(path),
        )
    };
    let bytes = read.map_err(|e| match e {
        safe_read::ReadError::TooLarge { .. } => {
            anyhow::anyhow!("--valid-from {name}: {}", e.reason())
        }
        _ => anyhow::anyhow!("--valid-from {name}: cannot read it: {}", e.reason()),
    })?;
    let text = String::from_utf8(bytes)
        .map_err(|_| anyhow::anyhow!("--valid-from {name}: cannot read it: not UTF-8 text"))?;
    Ok((if name == "-" { "(stdin)".into() } else { name }, text))
}

/// The network's current config, or None when the config dir no longer defines it.
fn current_config(s: &Settings, name: &str) -> anyhow::Result<Option<NetworkConfigList>> {
    match super::attach::load_named(s, name)? {
        Ok(loaded) => {
            for w in loaded.warnings {
                s.printer
                    .warning(&format!("{}: {} (skipped)", w.file.display(), w.message));
            }
            Ok(Some(loaded.list))
        }
        Err(ConfigError::NotFound { .. } | ConfigError::NoConfigsFound { .. }) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Runs `gc`.
pub fn run(s: &Settings, a: GcArgs) -> anyhow::Result<i32> {
    let valid = valid_set(&a)?;
    if a.gc_verb && matches!(valid, ValidSet::Explicit(_)) {
        s.printer.note(
            "--gc-verb changes nothing here: with an explicit valid set the GC verb is sent anyway",
        );
    }
    let mut networks: Vec<(String, Option<NetworkConfigList>)> = Vec::new();
    for name in &a.networks {
        if !networks.iter().any(|(n, _)| n == name) {
            networks.push((name.clone(), current_config(s, name)?));
        }
    }
    if networks.len() > 1 && matches!(valid, ValidSet::Explicit(_)) {
        s.printer.note(&format!(
            "the same valid set applies to each of {} networks: an attachment of one network that is \
             valid only under another interface name (eth1, ...) counts as stale",
            networks.len()
        ));
    }
    let ns = PluginNs::open(s)?;
    let exec = ns.exec();
    let observer = |c: &cnictl::runtime::CallRecord| render::print_call(&s.printer, s.verbose, c);
    let rt = attach::runtime(s, &ns, &exec, &observer);
    // The exclusive side of cnictl's cache lock: no cnictl add/del/check runs meanwhile. A dry
    // run changes nothing and takes no lock.
    let _lock = if a.dry_run {
        None
    } else {
        Some(match s.cache.try_lock_exclusive() {
            Err(CacheError::Busy { path }) => {
                s.printer.note(&format!(
                    "waiting for other cnictl processes to finish (lock {})",
                    path.display()
                ));
                s.cache.lock_exclusive()?
            }
            other => other?,
        })
    };
    let mut plans = Vec::new();
    for (name, current) in networks {
        let gone = current.is_none();
        let plan = rt.gc_plan(&name, current, &valid, a.gc_verb)?;
        if gone && plan.stale.is_empty() && plan.kept.is_empty() && plan.skipped.is_empty() {
            bail!(
                "network \"{name}\" is not in {} and the cache ({}) has no attachment of it",
                s.conf_dir.display(),
                s.cache.results_dir().display()
            );
        }
        plans.push(plan);
    }
    if a.dry_run {
        render::gc::print_plan(&s.printer, &plans, &valid);
        return Ok(exit::OK);
    }
    s.catch_signals()?;
    let out = rt.gc_run(plans);
    let failed = out.networks.iter().any(|n| n.has_failures());
    render::gc::print_outcome(&s.printer, &out, &valid, failed);
    Ok(match &out.interrupted {
        Some((sig, ..)) if *sig == libc::SIGINT => exit::SIGINT,
        Some((sig, ..)) if *sig == libc::SIGTERM => exit::SIGTERM,
        Some((sig, ..)) => 128 + sig,
        None if failed => exit::FAILED,
        None => exit::OK,
    })
}
