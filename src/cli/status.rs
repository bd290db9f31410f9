//! `cnictl status [NETWORK]...`: is each network ready for ADDs? Every plugin and IPAM plugin
//! is looked up and probed with VERSION; STATUS is asked where the network and the plugin
//! support it.

use super::attach;
use super::probe::{self, Prober};
use super::Settings;
use crate::exit_codes as exit;
use crate::render;
use anyhow::bail;
use cnictl::config::{self, NetworkConfigList};
use cnictl::runtime::status::NetworkState;

/// Arguments of `status`.
#[derive(Debug, clap::Args)]
#[command(after_long_help = STATUS_HELP)]
pub struct StatusArgs {
    /// Networks to report on, or config files (an argument with a `/`, e.g.
    /// ./my.conflist) [default: every network in the config directory]
    #[arg(value_name = "NETWORK")]
    pub networks: Vec<String>,

    /// Count a network that cannot report (cniVersion before 1.1.0, or a plugin without the
    /// network's version) as not ready
    #[arg(long)]
    pub strict: bool,
}

const STATUS_HELP: &str = "\
STATUS is a CNI 1.1.0 verb: it is asked only of networks whose cniVersion is 1.1.0 or later,
and only of plugins that support the network's version. Other networks \"cannot report\"; a
plugin that does not support the version is shown with the newest version it supports.

Exit codes: 0 every network asked about is ready or cannot report, 1 a network is not ready
(with --strict: or cannot report), 2 nothing was run (config not found or unreadable),
130/143 interrupted.";

/// A config file that cannot be loaded: its path and why.
type Invalid = (String, String);

/// Every network of the config dir, in priority order; a name defined twice counts once (the
/// file a runtime would pick). Files that cannot be loaded are returned beside them: a
/// runtime that reads one first reports the node NotReady, so they count as not ready.
fn all_networks(s: &Settings) -> anyhow::Result<(Vec<NetworkConfigList>, Vec<Invalid>)> {
    attach::require_conf_dir(s)?;
    let files = config::scan(&s.conf_dir)?;
    if files.is_empty() {
        bail!(
            "no network configurations found in {}",
            s.conf_dir.display()
        );
    }
    let mut lists: Vec<NetworkConfigList> = Vec::new();
    let mut broken = Vec::new();
    for f in files {
        match f.result {
            Ok(list) => {
                if let Some(first) = lists.iter().find(|l| l.name == list.name) {
                    if s.verbose > 0 {
                        s.printer.note(&format!(
                            "{}: network \"{}\" is also defined by {}, which takes priority",
                            f.path.display(),
                            list.name,
                            first
                                .source
                                .as_ref()
                                .map(|p| p.display().to_string())
                                .unwrap_or_default()
                        ));
                    }
                } else {
                    lists.push(list);
                }
            }
            Err(e) => broken.push((f.path.display().to_string(), e.to_string())),
        }
    }
    if lists.is_empty() {
        for (file, error) in &broken {
            s.printer.warning(&format!("{file}: {error}"));
        }
        bail!(
            "none of the {} configuration file(s) in {} loads",
            broken.len(),
            s.conf_dir.display()
        );
    }
    Ok((lists, broken))
}

/// Runs `status`.
pub fn run(s: &Settings, a: StatusArgs) -> anyhow::Result<i32> {
    let (lists, invalid) = if a.networks.is_empty() {
        all_networks(s)?
    } else {
        let mut names: Vec<&String> = Vec::new();
        for n in &a.networks {
            if !names.contains(&n) {
                names.push(n);
            }
        }
        let lists = names
            .into_iter()
            .map(|n| attach::load_network(s, n))
            .collect::<anyhow::Result<Vec<_>>>()?;
        (lists, Vec::new())
    };
    let prober = Prober::open(s)?;
    let observer = |c: &cnictl::runtime::CallRecord| render::print_call(&s.printer, s.verbose, c);
    let mut rt = attach::runtime(s, &prober.ns, &prober.exec, &observer);
    // STATUS calls are bounded like the probes.
    rt.limits = prober.limits.clone();
    let versions = prober.versions(s);
    let mut statuses = Vec::with_capacity(lists.len());
    for list in &lists {
        statuses.push(rt.status(list, &versions)?);
        if s.interrupt.load(std::sync::atomic::Ordering::SeqCst) != 0 {
            break;
        }
    }
    // A probe killed by the signal reads as a failed probe: the report would look complete.
    if let Some(code) = probe::interrupted(s, "the status report is incomplete") {
        return Ok(code);
    }
    let ok = invalid.is_empty()
        && statuses.iter().all(|n| match n.state {
            NetworkState::Ready => true,
            NetworkState::NotReady { .. } => false,
            NetworkState::CannotReport { .. } => !a.strict,
        });
    render::status::print(&s.printer, &statuses, &invalid, ok, a.strict);
    Ok(if ok { exit::OK } else { exit::FAILED })
}
