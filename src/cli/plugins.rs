//! `cnictl plugins`: the binaries of the CNI path and the spec versions each supports.

use super::probe::with_prober;
use super::Settings;
use crate::render::{self, Output};
use cnictl::inventory;

/// Arguments of `plugins`.
#[derive(Debug, clap::Args)]
pub struct PluginsArgs {
    /// List the binaries without running them with VERSION
    #[arg(long)]
    pub no_probe: bool,
}

/// Runs `plugins`.
pub fn run(s: &Settings, a: PluginsArgs) -> anyhow::Result<i32> {
    let (scan, interrupted) = with_prober(s, !a.no_probe, "the listing is incomplete", |cache| {
        inventory::scan_plugins(&s.cni_path, &s.node_root, cache)
    })?;
    if let Some(code) = interrupted {
        return Ok(code);
    }
    for n in render::plugins::dir_notes(&scan) {
        s.printer.note(&n);
    }
    if scan.plugins.is_empty() {
        s.printer.note("no plugin binaries on the CNI path");
    }
    match s.printer.format(Output::Table) {
        Output::Json => render::print_json(&render::plugins::plugins_json(&scan, !a.no_probe)),
        _ => {
            render::write_stdout(&render::plugins::plugins_table(&s.printer, &scan));
        }
    }
    Ok(0)
}
