//! `cnictl status [NETWORK]...`: is each network ready for ADDs? Every plugin and IPAM plugin
//! is looked up and probed with VERSION; STATUS is asked where the network and the plugin
//! support it.

use super::attach;
use super::metrics::{self, MetricsArgs};
use super::probe::{self, Prober};
use super::Settings;
use crate::exit_codes as exit;
use crate::render::{self, Output};
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

    #[command(flatten)]
    pub metrics: MetricsArgs,
}

const STATUS_HELP: &str = "\
STATUS is a CNI 1.1.0 verb: it is asked only of networks whose cniVersion is 1.1.0 or later,
and only of plugins that support the network's version. Other networks \"cannot report\"; a
plugin that does not support the version is shown with the newest version it supports.

-o npd prints one line for node-problem-detector's custom plugin monitor and exits 0 (every
network ready or unable to report), 1 (a network not ready, a config file that does not
load; with --strict, a network that cannot report) or 2 (the report could not be made).";

/// A config file that cannot be loaded: its path and why.
type Invalid = (String, String);

/// Every network of the config dir, in priority order; a name defined twice counts once (the
/// file a runtime would pick). Files that cannot be loaded are returned beside them: a
/// runtime that reads one first reports the node NotReady, so they count as not ready.
fn all_networks(s: &Settings) -> anyhow::Result<(Vec<NetworkConfigList>, Vec<Invalid>)> {
    attach::require_conf_dir(s)?;
    let files = config::scan_on(&s.conf_dir, &s.node_root)?;
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

/// What one `status` run found.
struct Report {
    statuses: Vec<cnictl::runtime::status::NetworkStatus>,
    invalid: Vec<Invalid>,
    ok: bool,
}

/// Asks every network; Err(code) when a signal cut the report short.
fn report(s: &Settings, a: &StatusArgs) -> anyhow::Result<Result<Report, i32>> {
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
        return Ok(Err(code));
    }
    let ok = invalid.is_empty()
        && statuses.iter().all(|n| match n.state {
            NetworkState::Ready => true,
            NetworkState::NotReady { .. } => false,
            NetworkState::CannotReport { .. } => !a.strict,
        });
    Ok(Ok(Report {
        statuses,
        invalid,
        ok,
    }))
}

/// Runs `status`.
pub fn run(s: &Settings, a: StatusArgs) -> anyhow::Result<i32> {
    if a.metrics.wanted(s)? {
        return metrics::run(s, &a.metrics, "status", || match report(s, &a)? {
            Ok(r) => {
                render::status::print_diagnostics(&s.printer, &r.statuses, &r.invalid, a.strict);
                let m = render::status::metrics(&r.statuses, &r.invalid);
                Ok((m, if r.ok { exit::OK } else { exit::FAILED }))
            }
            Err(code) => Ok((render::metrics::Metrics::new(), code)),
        });
    }
    if s.printer.output() == Some(Output::Npd) {
        return Ok(npd(s, &a));
    }
    let r = match report(s, &a)? {
        Ok(r) => r,
        Err(code) => return Ok(code),
    };
    render::status::print(&s.printer, &r.statuses, &r.invalid, r.ok, a.strict);
    Ok(if r.ok { exit::OK } else { exit::FAILED })
}

/// `-o npd`: one line on stdout and node-problem-detector's exit code (0 OK, 1 NonOK,
/// 2 Unknown). Errors still go to stderr in full.
fn npd(s: &Settings, a: &StatusArgs) -> i32 {
    match report(s, a) {
        Ok(Ok(r)) => {
            let (line, ok) = render::status::npd_line(&r.statuses, &r.invalid, a.strict);
            render::write_stdout(&format!("{line}\n"));
            if ok {
                exit::OK
            } else {
                exit::FAILED
            }
        }
        Ok(Err(_)) => {
            render::write_stdout("unknown: interrupted before the report was complete\n");
            exit::UNKNOWN
        }
        Err(e) => {
            let line = render::error::one_line(&e).replace(['\n', '\r'], " ");
            s.printer.report(&e);
            render::write_stdout(&format!("unknown: {line}\n"));
            exit::UNKNOWN
        }
    }
}
