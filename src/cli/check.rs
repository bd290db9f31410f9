//! `cnictl check NETWORK NETNS`: run the chain's CHECK against the cached result. Silent on
//! success unless -v.

use super::args::AttachmentArgs;
use super::attach::{self, PluginNs, Target};
use super::Settings;
use crate::render;
use anyhow::bail;

/// Arguments of `check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub target: AttachmentArgs,

    /// Check even when the plugins' namespace (--host-netns) or NETNS differs from the ones the
    /// ADD recorded (the ones given are used)
    #[arg(long)]
    pub force: bool,
}

/// Runs `check`.
pub fn run(s: &Settings, args: CheckArgs) -> anyhow::Result<i32> {
    let a = args.target;
    let mut t = Target::resolve(s, &a)?;
    let list = match attach::attached_network(s, &t)? {
        Ok(l) => l,
        Err((file, why)) => bail!(
            "network \"{}\" of this attachment was added from the config file {}, which cannot be used now ({why}); CHECK does not fall back to the config dir: give the file as NETWORK",
            t.network,
            file.display()
        ),
    };
    let ns = PluginNs::open_for(s, &t)?;
    let id = ns.guard.existing(&t.netns)?;
    attach::find_other_spelling(s, &mut t, Some(id))?;
    let exec = ns.exec();
    let observer = |c: &cnictl::runtime::CallRecord| render::print_call(&s.printer, s.verbose, c);
    let rt = attach::runtime(s, &ns, &exec, &observer);
    let _lock = attach::lock_container(s, &t.container_id)?;
    s.catch_signals()?;
    let req = t.request(&a, false, args.force)?;
    let out = rt.check(&list, &req)?;
    for w in &out.warnings {
        s.printer.warning(w);
    }
    if out.skipped {
        s.printer.note(&format!(
            "network \"{}\" sets disableCheck: no plugin was called",
            list.name
        ));
    } else if s.verbose > 0 {
        s.printer.note(&format!(
            "network \"{}\" on {}: CHECK passed",
            list.name,
            t.netns.display()
        ));
    }
    if s.printer.wants_json() {
        crate::render::print_json(&serde_json::json!({
            "command": "check",
            "ok": true,
            "network": list.name,
            "containerId": t.container_id,
            "ifname": t.ifname,
            "netns": t.netns.to_string_lossy(),
            "skipped": out.skipped,
        }));
    }
    Ok(0)
}
