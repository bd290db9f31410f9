//! `cnictl ls`: the networks of the config directory with their status, then the network each
//! runtime (containerd, CRI-O, libcni/cnitool) would use and why.

use super::probe::with_prober;
use super::Settings;
use crate::render::{self, ls::LsReport, Output};
use anyhow::Context;
use cnictl::inventory::{self, ScanOptions};
use std::path::PathBuf;

/// Arguments of `ls`.
#[derive(Debug, clap::Args)]
pub struct LsArgs {
    /// Do not run plugins with VERSION (their presence on the CNI path is still checked)
    #[arg(long)]
    pub no_probe: bool,

    /// containerd's max_conf_num: how many config files it loads (0: all)
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub max_conf_num: usize,

    /// CRI-O's configured default network (cni_default_network) [default: the first file that
    /// loads and passes libcni's plugin check]
    #[arg(long, value_name = "NAME")]
    pub default_network: Option<String>,
}

/// Says once when no directory of the CNI path exists.
pub fn note_missing_cni_path(s: &Settings) {
    if !s.cni_path.iter().any(|d| d.is_dir()) {
        let dirs: Vec<String> = s.cni_path.iter().map(|d| d.display().to_string()).collect();
        s.printer.note(&format!(
            "no directory of the CNI path exists ({}): every plugin counts as missing",
            if dirs.is_empty() {
                "the path is empty".to_string()
            } else {
                dirs.join(":")
            }
        ));
    }
}

/// Runs `ls`.
pub fn run(s: &Settings, a: LsArgs) -> anyhow::Result<i32> {
    // A directory that is not there is a wrong path, not a node without networks: said as
    // status and validate say it (exit 2), rather than listed as empty.
    super::attach::require_conf_dir(s)?;
    note_missing_cni_path(s);
    let (entries, interrupted) =
        with_prober(s, !a.no_probe, "the listing is incomplete", |cache| {
            inventory::scan_networks(
                &s.conf_dir,
                &ScanOptions {
                    cni_path: &s.cni_path,
                    node_root: &s.node_root,
                    probe: cache,
                    skip_broken: s.skip_broken,
                },
            )
        })?;
    let entries = entries.with_context(|| format!("cannot list {}", s.conf_dir.display()))?;
    if let Some(code) = interrupted {
        return Ok(code);
    }
    let containerd = inventory::containerd_default(&s.conf_dir, &entries, a.max_conf_num);
    let crio = inventory::crio_default(
        &s.conf_dir,
        &entries,
        a.default_network.as_deref(),
        !a.no_probe,
    );
    let lookups = inventory::libcni_lookups(&entries);
    let cni_path: Vec<PathBuf> = s.cni_path.clone();
    let report = LsReport {
        conf_dir: &s.conf_dir,
        cni_path: &cni_path,
        probed: !a.no_probe,
        entries: &entries,
        containerd: &containerd,
        crio: &crio,
        lookups: &lookups,
    };
    match s.printer.format(Output::Table) {
        Output::Json => render::print_json(&render::ls::ls_json(&report)),
        _ => {
            if entries.is_empty() {
                s.printer.note(&format!(
                    "no network configuration files (.conflist, .conf, .json) in {}",
                    s.conf_dir.display()
                ));
            }
            render::write_stdout(&render::ls::ls_table(&s.printer, &report));
        }
    }
    Ok(0)
}
