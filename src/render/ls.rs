//! `cnictl ls`: the networks of the config directory, then which network each runtime uses and
//! why; as two tables or one JSON document (its shape is documented in docs/inventory.md).

use super::{Printer, State};
use cnictl::config::FileKind;
use cnictl::inventory::{
    ContainerdModel, ContainerdOutcome, CrioModel, CrioOutcome, CrioVerdict, Lookup, NetworkEntry,
    PluginCheck, Problem, SkipStage,
};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// Everything `ls` shows.
pub struct LsReport<'a> {
    /// The config directory.
    pub conf_dir: &'a Path,
    /// The CNI path.
    pub cni_path: &'a [PathBuf],
    /// Whether binaries were probed with VERSION.
    pub probed: bool,
    /// The files, in libcni's priority order.
    pub entries: &'a [NetworkEntry],
    /// containerd's view.
    pub containerd: &'a ContainerdModel,
    /// CRI-O's view.
    pub crio: &'a CrioModel,
    /// libcni's lookups by name.
    pub lookups: &'a [Lookup],
}

fn name_of(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
}

/// The STATUS cell: the main problem (with the others of its kind, for missing plugins and
/// unsupported versions), and how many more there are.
fn status_text(e: &NetworkEntry) -> String {
    let Some(main) = e.status() else {
        return "ok".to_string();
    };
    let same: Vec<&Problem> = e
        .problems
        .iter()
        .filter(|p| p.kind() == main.kind())
        .collect();
    let names = |ps: &[&Problem]| {
        ps.iter()
            .filter_map(|p| match p {
                Problem::PluginMissing { plugin, .. }
                | Problem::VersionUnsupported { plugin, .. } => Some(plugin.as_str()),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (text, shown) = match main {
        Problem::Invalid { reason } => (format!("invalid: {reason}"), 1),
        Problem::Shadowed {
            by,
            unreadable: false,
        } => (format!("shadowed by {}", name_of(by)), 1),
        Problem::Shadowed {
            by,
            unreadable: true,
        } => (
            format!(
                "shadowed by {} (broken, its network name unreadable)",
                name_of(by)
            ),
            1,
        ),
        Problem::PluginMissing { .. } => (format!("plugin missing: {}", names(&same)), same.len()),
        Problem::VersionUnsupported {
            plugin,
            version,
            supported,
            ..
        } if same.len() == 1 => (
            format!(
                "version unsupported: {plugin} lacks {version} (has {})",
                supported.join(", ")
            ),
            1,
        ),
        Problem::VersionUnsupported { version, .. } => (
            format!("version unsupported: {} lack {version}", names(&same)),
            same.len(),
        ),
        Problem::ProbeFailed { plugin, error, .. } => {
            (format!("probe failed: {plugin}: {error}"), 1)
        }
    };
    let more = e.problems.len() - shown;
    if more > 0 {
        format!("{text} (+{more} more)")
    } else {
        text
    }
}

/// The two tables (only the runtimes' when the directory has no config files).
pub fn ls_table(p: &Printer, r: &LsReport<'_>) -> String {
    let mut out = String::new();
    if !r.entries.is_empty() {
        let mut t = p.table(&["FILE", "NETWORK", "CNIVERSION", "CHAIN", "STATUS"]);
        t.shrink(&["FILE", "NETWORK", "CHAIN", "STATUS"]);
        for e in r.entries {
            let status = status_text(e);
            let status = match e.status() {
                None => p.state(&status, State::Good),
                Some(Problem::Invalid { .. }) => p.state(&status, State::Bad),
                Some(_) => p.state(&status, State::Warn),
            };
            t.add_row(vec![
                name_of(&e.path),
                e.name.clone().unwrap_or_else(|| "-".into()),
                match e.cni_version.as_deref() {
                    None => "-".to_string(),
                    Some("") => "(none)".to_string(),
                    Some(v) => v.to_string(),
                },
                if e.chain.is_empty() {
                    "-".to_string()
                } else {
                    e.chain_text()
                },
                status,
            ]);
        }
        out.push_str(&format!("{}\n", super::table_text(&t)));
    }
    let mut t = p.table(&["RUNTIME", "NETWORK", "FILE", "WHY"]);
    t.shrink(&["NETWORK", "FILE", "WHY"]);
    containerd_rows(&mut t, r.containerd);
    crio_row(&mut t, r.crio);
    for l in r.lookups {
        let (file, why) = match &l.outcome {
            Ok(f) => (
                name_of(f),
                "lookup by name: .conflist files first, then .conf/.json".to_string(),
            ),
            Err((f, _)) => (
                "-".to_string(),
                format!(
                    "lookup by name fails at {}, which does not load (libcni stops at any broken file on the way)",
                    name_of(f)
                ),
            ),
        };
        t.add_row(vec![
            "libcni/cnitool".to_string(),
            l.network.clone(),
            file,
            why,
        ]);
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(&format!("{}\n", super::table_text(&t)));
    out
}

fn containerd_rows(t: &mut super::Table, m: &ContainerdModel) {
    let limit = match m.max_conf_num {
        0 => "max_conf_num 0: every file".to_string(),
        n => format!("max_conf_num {n}"),
    };
    match &m.outcome {
        ContainerdOutcome::Loaded { networks } => {
            for (i, n) in networks.iter().enumerate() {
                let mut why = if i == 0 && m.files == 1 {
                    format!("default ({}): the only config file", n.ifname)
                } else if i == 0 {
                    format!(
                        "default ({}): first of {} config files (.conf, .conflist, .json sorted by name; {limit})",
                        n.ifname, m.files
                    )
                } else {
                    format!("also attached, as {} ({limit})", n.ifname)
                };
                if !n.unchecked.is_empty() {
                    why.push_str(&format!(
                        "; not checked at load, pod setup may fail: {}",
                        n.unchecked.join("; ")
                    ));
                }
                t.add_row(vec![
                    "containerd".to_string(),
                    n.network.clone(),
                    name_of(&n.file),
                    why,
                ]);
            }
        }
        ContainerdOutcome::Failed { file, error } => {
            t.add_row(vec![
                "containerd".to_string(),
                "-".to_string(),
                name_of(file),
                format!(
                    "load fails ({limit}), node NotReady (cni plugin not initialized): {error}"
                ),
            ]);
        }
        ContainerdOutcome::NoConfig { error } => {
            t.add_row(vec![
                "containerd".to_string(),
                "-".to_string(),
                "-".to_string(),
                format!("node NotReady: {error}"),
            ]);
        }
    }
}

fn crio_skips(m: &CrioModel, before: Option<&Path>) -> Vec<String> {
    let mut out = Vec::new();
    for f in &m.files {
        if Some(f.file.as_path()) == before {
            break;
        }
        if let CrioVerdict::Skipped { reason, stage } = &f.verdict {
            let reason = match stage {
                SkipStage::Load => "does not load",
                SkipStage::Validate => reason.as_str(),
            };
            out.push(format!("{} ({reason})", name_of(&f.file)));
        }
    }
    out
}

fn crio_row(t: &mut super::Table, m: &CrioModel) {
    let unprobed = if m.versions_checked {
        ""
    } else {
        " (plugin versions not probed)"
    };
    match &m.outcome {
        CrioOutcome::Default {
            network,
            file,
            configured,
        } => {
            let mut why = if *configured {
                format!("default: the configured default network (--default-network){unprobed}")
            } else {
                format!("default: first file that loads and passes libcni's plugin check{unprobed}")
            };
            let skipped = crio_skips(m, (!configured).then_some(file.as_path()));
            if !skipped.is_empty() {
                why.push_str(&format!("; skipped: {}", skipped.join(", ")));
            }
            t.add_row(vec![
                "CRI-O".to_string(),
                network.clone(),
                name_of(file),
                why,
            ]);
        }
        CrioOutcome::NoDefault { error } => {
            let mut why = match &m.configured_default {
                Some(n) => format!(
                    "no default: the configured default network {n:?} is not loaded{unprobed}; pods fail with: {error}"
                ),
                None => format!("no default: no file loads and passes libcni's plugin check{unprobed}; pods fail with: {error}"),
            };
            let skipped = crio_skips(m, None);
            if !skipped.is_empty() {
                why.push_str(&format!("; skipped: {}", skipped.join(", ")));
            }
            t.add_row(vec!["CRI-O".to_string(), "-".into(), "-".into(), why]);
        }
    }
}

fn path_json(p: &Path) -> Value {
    json!(p.to_string_lossy())
}

fn check_json(c: &PluginCheck) -> Value {
    let (versions, error) = match (&c.found, &c.versions) {
        (Err(e), _) => (None, Some(e.to_string())),
        (Ok(_), Some(Ok(v))) => (Some(v.clone()), None),
        (Ok(_), Some(Err(e))) => (None, Some(e.clone())),
        (Ok(_), None) => (None, None),
    };
    json!({
        "name": c.name,
        "role": c.role.as_str(),
        "path": c.found.as_ref().ok().map(|p| path_json(p)),
        "supportedVersions": versions,
        "error": error,
    })
}

fn problem_json(pr: &Problem) -> Value {
    let mut v = json!({"kind": pr.kind(), "message": pr.message()});
    match pr {
        Problem::Shadowed { by, unreadable } => {
            v["by"] = path_json(by);
            v["unreadableName"] = json!(unreadable);
        }
        Problem::PluginMissing {
            plugin,
            role,
            error,
        } => {
            v["plugin"] = json!(plugin);
            v["role"] = json!(role.as_str());
            v["error"] = json!(error);
        }
        Problem::VersionUnsupported {
            plugin,
            role,
            version,
            supported,
        } => {
            v["plugin"] = json!(plugin);
            v["role"] = json!(role.as_str());
            v["version"] = json!(version);
            v["supportedVersions"] = json!(supported);
        }
        Problem::ProbeFailed {
            plugin,
            role,
            error,
        } => {
            v["plugin"] = json!(plugin);
            v["role"] = json!(role.as_str());
            v["error"] = json!(error);
        }
        Problem::Invalid { .. } => {}
    }
    v
}

fn entry_json(e: &NetworkEntry) -> Value {
    json!({
        "file": path_json(&e.path),
        "kind": match e.kind { FileKind::List => "conflist", FileKind::Single => "conf" },
        "network": e.name,
        "cniVersion": e.cni_version,
        "chain": e.chain.iter().map(|(t, ipam)| json!({"type": t, "ipam": ipam})).collect::<Vec<_>>(),
        "status": e.status().map_or("ok", Problem::kind),
        "problems": e.problems.iter().map(problem_json).collect::<Vec<_>>(),
        "plugins": e.checks.iter().map(check_json).collect::<Vec<_>>(),
    })
}

fn containerd_json(m: &ContainerdModel) -> Value {
    let mut v = json!({
        "maxConfNum": m.max_conf_num,
        "files": m.files,
        "default": null,
        "networks": [],
        "file": null,
        "error": null,
    });
    match &m.outcome {
        ContainerdOutcome::Loaded { networks } => {
            v["outcome"] = json!("loaded");
            v["default"] = networks.first().map_or(
                Value::Null,
                |n| json!({"network": n.network, "file": path_json(&n.file)}),
            );
            v["networks"] = networks
                .iter()
                .map(|n| {
                    json!({
                        "network": n.network,
                        "file": path_json(&n.file),
                        "ifname": n.ifname,
                        "unchecked": n.unchecked,
                    })
                })
                .collect();
        }
        ContainerdOutcome::Failed { file, error } => {
            v["outcome"] = json!("load-failed");
            v["file"] = path_json(file);
            v["error"] = json!(error);
        }
        ContainerdOutcome::NoConfig { error } => {
            v["outcome"] = json!("no-config");
            v["error"] = json!(error);
        }
    }
    v
}

fn crio_json(m: &CrioModel) -> Value {
    let files: Vec<Value> = m
        .files
        .iter()
        .map(|f| match &f.verdict {
            CrioVerdict::Loaded { network } => json!({
                "file": path_json(&f.file), "verdict": "loaded", "network": network,
                "keptFile": null, "stage": null, "reason": null,
            }),
            CrioVerdict::Duplicate { network, kept } => json!({
                "file": path_json(&f.file), "verdict": "duplicate", "network": network,
                "keptFile": path_json(kept), "stage": null, "reason": null,
            }),
            CrioVerdict::Skipped { reason, stage } => json!({
                "file": path_json(&f.file), "verdict": "skipped", "network": null,
                "keptFile": null, "stage": stage.as_str(), "reason": reason,
            }),
        })
        .collect();
    let mut v = json!({
        "configuredDefault": m.configured_default,
        "versionsChecked": m.versions_checked,
        "files": files,
        "default": null,
        "error": null,
    });
    match &m.outcome {
        CrioOutcome::Default {
            network,
            file,
            configured,
        } => {
            v["outcome"] = json!("default");
            v["default"] =
                json!({"network": network, "file": path_json(file), "configured": configured});
        }
        CrioOutcome::NoDefault { error } => {
            v["outcome"] = json!("no-default");
            v["error"] = json!(error);
        }
    }
    v
}

fn lookup_json(l: &Lookup) -> Value {
    match &l.outcome {
        Ok(f) => json!({"network": l.network, "file": path_json(f), "error": null}),
        Err((f, e)) => json!({
            "network": l.network, "file": null,
            "error": {"file": path_json(f), "message": e},
        }),
    }
}

/// The JSON document.
pub fn ls_json(r: &LsReport<'_>) -> Value {
    json!({
        "confDir": path_json(r.conf_dir),
        "cniPath": r.cni_path.iter().map(|p| path_json(p)).collect::<Vec<_>>(),
        "probed": r.probed,
        "networks": r.entries.iter().map(entry_json).collect::<Vec<_>>(),
        "runtimes": {
            "containerd": containerd_json(r.containerd),
            "crio": crio_json(r.crio),
            "libcni": {"lookups": r.lookups.iter().map(lookup_json).collect::<Vec<_>>()},
        },
    })
}
