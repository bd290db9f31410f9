//! `cnictl attachments [--network N] [--stale]`: what libcni's cache holds, whether each
//! namespace still exists, the addresses and capability args of each cached result; and
//! `cnictl attachments show NETWORK CONTAINER_ID [IFNAME]`: one whole entry.

use super::metrics::{self, MetricsArgs};
use super::Settings;
use crate::exit_codes as exit;
use crate::render::{self, Output};
use anyhow::{bail, Context};
use cnictl::cache::Cached;
use cnictl::config;
use cnictl::inventory::{self, NetnsState};
use std::collections::BTreeSet;

/// Arguments of `attachments`.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct AttachmentsArgs {
    #[command(subcommand)]
    pub command: Option<AttachmentsCommand>,

    /// Only the attachments of this network
    #[arg(long, value_name = "NETWORK")]
    pub network: Option<String>,

    /// Only problem entries: netns gone, failed or interrupted ADD (cnictl's records), network
    /// no longer configured, and the files that are not readable entries (corrupt, empty)
    #[arg(long)]
    pub stale: bool,

    #[command(flatten)]
    pub metrics: MetricsArgs,
}

/// Subcommands of `attachments`.
#[derive(Debug, clap::Subcommand)]
pub enum AttachmentsCommand {
    /// Print one whole cache entry: runtime args, capability args, the decoded config, the
    /// result
    Show(ShowArgs),
}

/// Arguments of `attachments show`.
#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// The network
    pub network: String,
    /// The container ID
    pub container_id: String,
    /// The interface name (needed only when the container has several on the network)
    pub ifname: Option<String>,
}

/// The network names the config dir defines (broken files whose name can be read count).
fn configured(s: &Settings) -> anyhow::Result<BTreeSet<String>> {
    Ok(config::scan_on(&s.conf_dir, &s.node_root)?
        .into_iter()
        .filter_map(|f| f.name)
        .collect())
}

/// The listing `attachments` shows (the cache read, --stale applied), warnings printed.
fn listing(
    s: &Settings,
    a: &AttachmentsArgs,
) -> anyhow::Result<(inventory::AttachmentList, BTreeSet<String>)> {
    let mut list = inventory::list_attachments(&s.cache, a.network.as_deref())
        .with_context(|| format!("cannot list the cache {}", s.cache.dir.display()))?;
    let configured = configured(s)?;
    if a.stale {
        list.attachments
            .retain(|x| !x.stale_reasons(Some(&configured)).is_empty());
    }
    for skipped in &list.skipped {
        s.printer.warning(&format!(
            "{}: {} (skipped)",
            skipped.path.display(),
            skipped.reason
        ));
    }
    for w in &list.warnings {
        s.printer
            .warning(&format!("{}: {}", w.path.display(), w.reason));
    }
    Ok((list, configured))
}

/// Runs `attachments`.
pub fn run(s: &Settings, a: AttachmentsArgs) -> anyhow::Result<i32> {
    if let Some(AttachmentsCommand::Show(sh)) = a.command {
        if s.printer.output() == Some(Output::Prometheus) {
            bail!("attachments show does not print -o prometheus; attachments does");
        }
        return show(s, sh);
    }
    if a.metrics.wanted(s)? {
        return metrics::run(s, &a.metrics, "attachments", || {
            let (list, configured) = listing(s, &a)?;
            let m = render::attachments::metrics(&list, &configured, a.network.as_deref());
            Ok((m, exit::OK))
        });
    }
    let (list, configured) = listing(s, &a)?;
    match s.printer.format(Output::Table) {
        Output::Json => {
            render::print_json(&render::attachments::attachments_json(&list, &configured))
        }
        _ => {
            if list.attachments.is_empty() {
                let what = if a.stale {
                    "problem entries"
                } else {
                    "attachments"
                };
                s.printer.note(&match &a.network {
                    Some(n) => format!(
                        "no {what} of network {n:?} in {}",
                        s.cache.results_dir().display()
                    ),
                    None => format!("no {what} in {}", s.cache.results_dir().display()),
                });
            }
            render::write_stdout(&render::attachments::attachments_table(
                &s.printer,
                &list,
                &configured,
            ));
            if a.stale && !list.skipped.is_empty() {
                render::write_stdout(&format!(
                    "\n{}",
                    render::attachments::skipped_table(&s.printer, &list)
                ));
            }
        }
    }
    Ok(exit::OK)
}

/// Runs `attachments show`.
fn show(s: &Settings, a: ShowArgs) -> anyhow::Result<i32> {
    let ifname = match a.ifname {
        Some(i) => i,
        None => {
            let all = s
                .cache
                .attachments(Some(&a.container_id))
                .with_context(|| format!("cannot list the cache {}", s.cache.dir.display()))?;
            let names: Vec<String> = all
                .into_iter()
                .filter(|e| e.network_name == a.network && e.container_id == a.container_id)
                .map(|e| e.if_name)
                .collect();
            match names.as_slice() {
                [one] => one.clone(),
                [] => bail!(
                    "the cache ({}) has no attachment of container {:?} to network {:?}",
                    s.cache.results_dir().display(),
                    a.container_id,
                    a.network
                ),
                _ => bail!(
                    "container {:?} has {} attachments to network {:?} ({}): name the interface",
                    a.container_id,
                    names.len(),
                    a.network,
                    names.join(", ")
                ),
            }
        }
    };
    let path = s.cache.result_path(&a.network, &a.container_id, &ifname)?;
    let cached = s.cache.read(&a.network, &a.container_id, &ifname)?;
    let record = s
        .cache
        .read_record(&a.network, &a.container_id, &ifname)
        .ok()
        .flatten();
    let Some(cached) = cached else {
        bail!(
            "the cache has no entry {} (network {:?}, container {:?}, ifname {:?})",
            path.display(),
            a.network,
            a.container_id,
            ifname
        );
    };
    let netns_state = match &cached {
        Cached::V1(e) => s.cache.netns_state(&e.netns),
        _ => NetnsState::NotRecorded,
    };
    let configured = configured(s)?.contains(&a.network);
    let entry = render::attachments::ShownEntry {
        network: &a.network,
        container_id: &a.container_id,
        ifname: &ifname,
        file: &path,
        cached: &cached,
        netns_state: &netns_state,
        record: record.as_ref(),
        configured,
    };
    match s.printer.format(Output::Table) {
        Output::Json => render::print_json(&render::attachments::show_json(&entry)),
        _ => render::write_stdout(&render::attachments::show_text(&s.printer, &entry)),
    }
    Ok(exit::OK)
}
