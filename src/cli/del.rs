//! `cnictl del NETWORK NETNS`: run the chain's DEL with the cached result and runtime args,
//! drop the cache entry, and optionally remove the namespace.

use super::args::AttachmentArgs;
use super::attach::{self, PluginNs, Target};
use super::Settings;
use crate::render::{self, error::Failed};
use anyhow::bail;
use cnictl::netns;

/// Arguments of `del`.
#[derive(Debug, clap::Args)]
pub struct DelArgs {
    #[command(flatten)]
    pub target: AttachmentArgs,

    /// Delete with the config the ADD used (from the cache) instead of the current one
    #[arg(long)]
    pub cached_config: bool,

    /// Remove the named network namespace after a successful DEL
    #[arg(long)]
    pub rm_netns: bool,

    /// Delete even when the plugins' namespace (--host-netns) or NETNS differs from the ones the
    /// ADD recorded (the ones given are used); with --rm-netns, remove the namespace even if
    /// other cache entries still use it
    #[arg(long)]
    pub force: bool,
}

/// Runs `del`.
pub fn run(s: &Settings, a: DelArgs) -> anyhow::Result<i32> {
    let mut t = Target::resolve(s, &a.target)?;
    if a.rm_netns && t.netns_name.is_none() {
        bail!(
            "--rm-netns removes named namespaces only (NETNS given as a name, not the path {})",
            t.netns.display()
        );
    }
    let list = if a.cached_config {
        // Only to tell whether the cached config is this very list (with the plugins of its
        // subdirectory); a network that does not load is no error here.
        match &t.file_list {
            Some(l) => Some(l.clone()),
            None => cnictl::config::load(
                &s.conf_dir,
                &t.network,
                &cnictl::config::LoadOptions { skip_broken: true },
            )
            .ok()
            .map(|l| l.list),
        }
    } else {
        match attach::attached_network(s, &t) {
            Ok(Ok(l)) => Some(l),
            Ok(Err((file, why))) => {
                // The ADD was given a config file that is gone or changed: the chain cnictl
                // recorded at ADD is used, never a network of the same name elsewhere.
                s.printer.warning(&format!(
                    "network \"{}\" of this attachment was added from the config file {}, which cannot be used now ({why}); deleting with the chain recorded at ADD",
                    t.network,
                    file.display()
                ));
                None
            }
            Err(e) => {
                // The network may have been removed from the config dir since ADD: the cache
                // still has the config ADD used.
                let cached = s
                    .cache
                    .read(&t.network, &t.container_id, &t.ifname)
                    .ok()
                    .flatten()
                    .is_some();
                let recorded = s
                    .cache
                    .read_record(&t.network, &t.container_id, &t.ifname)
                    .ok()
                    .flatten()
                    .is_some();
                if cached || recorded {
                    return Err(e.context(format!(
                        "cannot load network \"{}\" (the cache holds its attachment: `--cached-config` deletes with the config ADD used)",
                        t.network
                    )));
                }
                return Err(e);
            }
        }
    };
    let ns = PluginNs::open_for(s, &t)?;
    // DEL tolerates a namespace that is already gone, but never a forbidden one.
    let id = ns.guard.existing_or_gone(&t.netns)?;
    attach::find_other_spelling(s, &mut t, id)?;
    let exec = ns.exec();
    let observer = |c: &cnictl::runtime::CallRecord| render::print_call(&s.printer, s.verbose, c);
    let rt = attach::runtime(s, &ns, &exec, &observer);
    let lock = attach::lock_container(s, &t.container_id)?;
    s.catch_signals()?;
    let req = t.request(&a.target, a.cached_config, a.force)?;
    let out = rt.del(list.as_ref(), &req)?;
    for w in &out.warnings {
        s.printer.warning(w);
    }
    drop(lock);
    if a.rm_netns {
        let name = t.netns_name.clone().unwrap_or_default();
        if id.is_none() {
            s.printer.note(&format!(
                "netns \"{name}\" does not exist; nothing to remove"
            ));
            success_json(s, &t, false);
            return Ok(0);
        }
        let users = attach::netns_users(s, id)?;
        if !users.is_empty() && !a.force {
            return Err(Failed(format!(
                "DEL succeeded, but netns \"{name}\" was kept: other cache entries still use it ({}); --force removes it anyway",
                users.join(", ")
            ))
            .into());
        }
        netns::delete_named(&name).map_err(|e| {
            Failed(format!(
                "DEL succeeded, but removing netns \"{name}\" failed: {e}"
            ))
        })?;
        if s.verbose > 0 {
            s.printer
                .note(&format!("removed netns {}", t.netns.display()));
        }
        success_json(s, &t, true);
        return Ok(0);
    }
    success_json(s, &t, false);
    Ok(0)
}

/// With `-o json`, the success object (docs/schemas/del.v1.json).
fn success_json(s: &Settings, t: &attach::Target, netns_removed: bool) {
    if s.printer.wants_json() {
        render::print_json(&serde_json::json!({
            "command": "del",
            "ok": true,
            "network": t.network,
            "containerId": t.container_id,
            "ifname": t.ifname,
            "netns": t.netns.to_string_lossy(),
            "netnsRemoved": netns_removed,
        }));
    }
}
