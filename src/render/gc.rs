//! `cnictl gc`: the stale attachments and what happened to each (or would, with `--dry-run`),
//! the GC verb per network, as a table with notes on stderr, or as JSON.

use super::{error::plugin_json, print_json, write_stdout, Output, Printer};
use cnictl::cache::RecordState;
use cnictl::runtime::gc::{
    GcCall, GcEntry, GcOutcome, GcVerb, GcVerbSkip, KeepReason, NetnsState, NetworkPlan,
    StaleResult, ValidSet,
};
use cnictl::runtime::{PluginError, RuntimeError};
use serde_json::{json, Value};

fn netns_word(s: &NetnsState) -> &'static str {
    match s {
        NetnsState::Exists => "exists",
        NetnsState::Forbidden(_) => "plugins-own",
        NetnsState::Missing => "gone",
        NetnsState::NotANamespace(_) => "not-a-netns",
        NetnsState::Unknown(_) => "unknown",
        NetnsState::NotRecorded => "none",
        NetnsState::ReaderDependent(_) => "reader-dependent",
    }
}

fn keep_word(r: &KeepReason) -> &'static str {
    match r {
        KeepReason::Valid => "valid",
        KeepReason::Live => "live",
        KeepReason::NetnsUnknown => "netns-unknown",
        KeepReason::DisableGc => "disable-gc",
        KeepReason::NameMismatch(..) => "name-mismatch",
    }
}

fn valid_word(v: &ValidSet) -> &'static str {
    match v {
        ValidSet::Explicit(_) => "explicit",
        ValidSet::Live => "live",
        ValidSet::All => "all",
    }
}

fn action_word(r: Option<&StaleResult>, g: &GcEntry) -> &'static str {
    match r {
        None if g.netns.refusal(&g.entry.netns).is_some() => "would-refuse",
        None => "would-remove",
        Some(StaleResult::Removed(_)) => "removed",
        Some(StaleResult::Failed(_)) => "failed",
        Some(StaleResult::Refused(_)) => "refused",
        Some(StaleResult::NotRun) => "not-run",
    }
}

fn skip_text(s: &GcVerbSkip) -> String {
    match s {
        GcVerbSkip::DisableGc => "the network sets disableGC".into(),
        GcVerbSkip::Version(v) => format!(
            "cniVersion {} predates the GC verb (1.1.0)",
            if v.is_empty() { "\"\"" } else { v }
        ),
        GcVerbSkip::NotExplicit => {
            "the valid set was not given explicitly (--gc-verb sends it anyway)".into()
        }
        GcVerbSkip::NetworkGone => "the network is no longer in the config dir".into(),
    }
}

fn pairs_json(pairs: &[(String, String)]) -> Value {
    pairs
        .iter()
        .map(|(id, ifname)| json!({"containerID": id, "ifname": ifname}))
        .collect()
}

/// A DEL failure as JSON: the message, and each plugin's error when plugins failed.
fn runtime_error_json(e: &RuntimeError) -> Value {
    let mut v = json!({"msg": e.to_string()});
    match e {
        RuntimeError::DelFailed { errors, .. } => {
            v["errors"] = errors.iter().map(plugin_json).collect();
        }
        RuntimeError::PluginNotFound { plugin, .. } => v["plugin"] = json!(plugin),
        _ => {}
    }
    v
}

fn entry_json(g: &GcEntry) -> Value {
    json!({
        "containerId": g.entry.container_id,
        "ifname": g.entry.if_name,
        "netns": g.entry.netns,
        "netnsState": netns_word(&g.netns),
        "ips": g.ips,
        "addState": g.add_state.map(|s| s.as_str()),
    })
}

fn network_json(
    plan: &NetworkPlan,
    stale: Option<&[StaleResult]>,
    gc: &[(String, GcCall)],
) -> Value {
    let attachments: Vec<Value> = plan
        .stale
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let r = stale.and_then(|s| s.get(i));
            let mut v = entry_json(g);
            v["action"] = json!(action_word(r, g));
            match r {
                Some(StaleResult::Failed(e)) => v["error"] = runtime_error_json(e),
                Some(StaleResult::Refused(e)) => v["error"] = json!({"msg": e.to_string()}),
                Some(StaleResult::Removed(w)) if !w.is_empty() => v["warnings"] = json!(w),
                _ => {}
            }
            v
        })
        .collect();
    let kept: Vec<Value> = plan
        .kept
        .iter()
        .map(|(g, r)| {
            let mut v = entry_json(g);
            v["reason"] = json!(keep_word(r));
            v
        })
        .collect();
    let verb = match &plan.gc_verb {
        GcVerb::Send(valid) => json!({
            "send": true,
            "validAttachments": pairs_json(valid),
            "plugins": gc.iter().map(|(name, c)| {
                let mut v = json!({"plugin": name});
                match c {
                    GcCall::Ok => v["result"] = json!("ok"),
                    GcCall::Failed(e) => {
                        v["result"] = json!("failed");
                        v["error"] = plugin_json(e);
                    }
                    GcCall::NotFound(msg) => {
                        v["result"] = json!("not-found");
                        v["error"] = json!({"msg": msg});
                    }
                    GcCall::NotRun => v["result"] = json!("not-run"),
                }
                v
            }).collect::<Vec<_>>(),
        }),
        GcVerb::Skip(s) => json!({"send": false, "reason": skip_text(s)}),
    };
    json!({
        "network": plan.network,
        "config": if plan.current.is_some() { "current" } else { "cached" },
        "file": plan.current.as_ref().and_then(|l| l.source.as_ref()).map(|p| p.display().to_string()),
        "attachments": attachments,
        "kept": kept,
        "skipped": plan.skipped.iter().map(|s| json!({
            "file": s.path.to_string_lossy(),
            "reason": s.reason,
        })).collect::<Vec<_>>(),
        "gcVerb": verb,
    })
}

fn table_rows(p: &Printer, rows: &mut Vec<Vec<String>>) {
    if rows.is_empty() {
        return;
    }
    let mut t = p.table(&[
        "NETWORK",
        "CONTAINER ID",
        "IFNAME",
        "NETNS",
        "NETNS STATE",
        "IPS",
        "ACTION",
    ]);
    t.shrink(&["NETWORK", "CONTAINER ID", "NETNS", "IPS"]);
    for r in rows.drain(..) {
        t.add_row(r);
    }
    write_stdout(&format!("{}\n", super::table_text(&t)));
}

fn row(plan: &NetworkPlan, g: &GcEntry, action: &str) -> Vec<String> {
    vec![
        plan.network.clone(),
        g.entry.container_id.clone(),
        g.entry.if_name.clone(),
        if g.entry.netns.is_empty() {
            "-".into()
        } else {
            g.entry.netns.clone()
        },
        netns_word(&g.netns).into(),
        if g.ips.is_empty() {
            "-".into()
        } else {
            g.ips.join(",")
        },
        match g.add_state {
            Some(RecordState::AddFailed) => format!("{action} (failed ADD)"),
            Some(RecordState::Adding) => format!("{action} (interrupted ADD)"),
            _ => action.into(),
        },
    ]
}

/// Notes every network gets: its config source, what was kept, and the cache files that
/// could not be read (what they record is neither deleted nor kept).
fn network_notes(p: &Printer, plan: &NetworkPlan) {
    for s in &plan.skipped {
        p.warning(&format!(
            "network \"{}\": {}: {} (skipped: gc cannot tell what it records; inspect it, then `cnictl del` the attachment or remove the file)",
            plan.network,
            s.path.display(),
            s.reason
        ));
    }
    if plan.current.is_none() && !plan.stale.is_empty() {
        p.note(&format!(
            "network \"{}\" is no longer in the config dir: its stale attachments are deleted with the config cached at ADD",
            plan.network
        ));
    }
    if plan.current.as_ref().is_some_and(|l| l.disable_gc) {
        p.note(&format!(
            "network \"{}\" sets disableGC: nothing is collected",
            plan.network
        ));
    }
    if plan.stale.is_empty() {
        p.note(&format!(
            "network \"{}\": no stale attachments ({} kept)",
            plan.network,
            plan.kept.len()
        ));
    }
    for (g, r) in &plan.kept {
        match (&g.netns, r) {
            (NetnsState::Unknown(why), KeepReason::NetnsUnknown) => p.warning(&format!(
                "network \"{}\": kept {}/{}: cannot tell whether its netns exists ({why})",
                plan.network, g.entry.container_id, g.entry.if_name
            )),
            (NetnsState::ReaderDependent(why), KeepReason::NetnsUnknown) => p.warning(&format!(
                "network \"{}\": kept {}/{}: its netns {:?} proves nothing ({why}); \
                 remove it with `cnictl del` and the attachment's real namespace",
                plan.network, g.entry.container_id, g.entry.if_name, g.entry.netns
            )),
            (NetnsState::NotRecorded, KeepReason::NetnsUnknown) => p.warning(&format!(
                "network \"{}\": kept {}/{}: the cache records no netns for it",
                plan.network, g.entry.container_id, g.entry.if_name
            )),
            (_, KeepReason::NameMismatch(path, why)) => p.warning(&format!(
                "network \"{}\": kept {}/{}: {}: {why}; `cnictl del` with the names of the file cleans it up",
                plan.network,
                g.entry.container_id,
                g.entry.if_name,
                path.display()
            )),
            _ => {}
        }
    }
}

/// Prints the plan of a dry run.
pub fn print_plan(p: &Printer, plans: &[NetworkPlan], valid: &ValidSet) {
    if p.format(Output::Table) == Output::Json {
        print_json(&json!({
            "dryRun": true,
            "validSet": valid_word(valid),
            "networks": plans.iter().map(|pl| network_json(pl, None, &[])).collect::<Vec<_>>(),
        }));
    } else {
        let mut rows = Vec::new();
        for plan in plans {
            for g in &plan.stale {
                rows.push(row(plan, g, action_word(None, g)));
            }
        }
        table_rows(p, &mut rows);
    }
    for plan in plans {
        network_notes(p, plan);
        match &plan.gc_verb {
            GcVerb::Send(valid) => p.note(&format!(
                "network \"{}\": would send GC to {} with {} valid attachment(s)",
                plan.network,
                plugin_names(plan),
                valid.len()
            )),
            GcVerb::Skip(s) => p.note(&format!(
                "network \"{}\": the GC verb would not be sent: {}",
                plan.network,
                skip_text(s)
            )),
        }
    }
    p.note("dry run: nothing was changed and no plugin was called");
}

fn plugin_names(plan: &NetworkPlan) -> String {
    plan.current
        .as_ref()
        .map(|l| {
            l.plugins
                .iter()
                .map(|p| p.plugin_type.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

/// A failed plugin's stderr, indented under its error.
fn stderr_lines(pe: &PluginError) {
    let s = pe.failure.stderr.trim_end();
    if !s.is_empty() {
        eprintln!("  stderr of plugin \"{}\":", pe.plugin);
        for l in s.lines() {
            eprintln!("    {l}");
        }
    }
}

/// Prints the outcome of a run.
pub fn print_outcome(p: &Printer, out: &GcOutcome, valid: &ValidSet, failed: bool) {
    if p.format(Output::Table) == Output::Json {
        print_json(&json!({
            "dryRun": false,
            "validSet": valid_word(valid),
            "networks": out.networks.iter().map(|n| network_json(&n.plan, Some(&n.stale), &n.gc)).collect::<Vec<_>>(),
            "interrupted": out.interrupted.as_ref().map(|(sig, plugin, command)| json!({
                "signal": cnictl::invoke::error::signal_name(*sig), "plugin": plugin, "command": command,
            })),
            "failed": failed,
        }));
    } else {
        let mut rows = Vec::new();
        for n in &out.networks {
            for (g, r) in n.plan.stale.iter().zip(&n.stale) {
                rows.push(row(&n.plan, g, action_word(Some(r), g)));
            }
        }
        table_rows(p, &mut rows);
    }
    for n in &out.networks {
        let plan = &n.plan;
        network_notes(p, plan);
        for (g, r) in plan.stale.iter().zip(&n.stale) {
            let who = format!(
                "network \"{}\": {}/{}",
                plan.network, g.entry.container_id, g.entry.if_name
            );
            match r {
                StaleResult::Removed(warnings) => {
                    for w in warnings {
                        p.warning(&format!("{who}: {w}"));
                    }
                }
                StaleResult::Failed(e) => {
                    p.error(&format!("{who}: DEL failed: {e}"));
                    if let RuntimeError::DelFailed { errors, .. } = e {
                        for pe in errors {
                            stderr_lines(pe);
                        }
                        eprintln!("  the cache entry was kept so that a retry has the prevResult");
                    }
                }
                StaleResult::Refused(e) => {
                    p.error(&format!("{who}: not deleted, no plugin was run: {e}"))
                }
                StaleResult::NotRun => {}
            }
        }
        match &plan.gc_verb {
            GcVerb::Send(valid) => {
                let ok: Vec<&str> =
                    n.gc.iter()
                        .filter(|(_, c)| *c == GcCall::Ok)
                        .map(|(name, _)| name.as_str())
                        .collect();
                if !ok.is_empty() {
                    p.note(&format!(
                        "network \"{}\": GC sent to {} with {} valid attachment(s)",
                        plan.network,
                        ok.join(", "),
                        valid.len()
                    ));
                }
                for (name, c) in &n.gc {
                    match c {
                        GcCall::Failed(e) => {
                            p.error(&format!("network \"{}\": {e}", plan.network));
                            stderr_lines(e);
                        }
                        GcCall::NotFound(msg) => p.error(&format!(
                            "network \"{}\": GC of plugin \"{name}\" not sent: {msg}",
                            plan.network
                        )),
                        GcCall::Ok | GcCall::NotRun => {}
                    }
                }
            }
            GcVerb::Skip(s) => {
                if plan.current.as_ref().is_some_and(|l| l.disable_gc) {
                    continue;
                }
                p.note(&format!(
                    "network \"{}\": GC verb not sent: {}",
                    plan.network,
                    skip_text(s)
                ))
            }
        }
    }
}
