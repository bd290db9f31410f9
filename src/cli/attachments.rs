//! `cnictl attachments [--network N]`: what libcni's cache holds, whether each namespace still
//! exists, and the addresses of each cached result.

use super::Settings;
use crate::render::{self, Output};
use anyhow::Context;
use cnictl::inventory;

/// Arguments of `attachments`.
#[derive(Debug, clap::Args)]
pub struct AttachmentsArgs {
    /// Only the attachments of this network
    #[arg(long, value_name = "NETWORK")]
    pub network: Option<String>,
}

/// Runs `attachments`.
pub fn run(s: &Settings, a: AttachmentsArgs) -> anyhow::Result<i32> {
    let list = inventory::list_attachments(&s.cache, a.network.as_deref())
        .with_context(|| format!("cannot list the cache {}", s.cache.dir.display()))?;
    for skipped in &list.skipped {
        s.printer.warning(&format!(
            "{}: {} (skipped)",
            skipped.path.display(),
            skipped.reason
        ));
    }
    match s.printer.format(Output::Table) {
        Output::Json => render::print_json(&render::attachments::attachments_json(&list)),
        Output::Table | Output::Wide | Output::Github => {
            if list.attachments.is_empty() {
                s.printer.note(&match &a.network {
                    Some(n) => format!(
                        "no attachments of network {n:?} in {}",
                        s.cache.results_dir().display()
                    ),
                    None => format!("no attachments in {}", s.cache.results_dir().display()),
                });
            }
            render::write_stdout(&render::attachments::attachments_table(&s.printer, &list));
        }
    }
    Ok(0)
}
