//! `cnictl plugins`: the binaries of the CNI path, as a table or JSON (shape in
//! docs/inventory.md).

use super::{Printer, State};
use cnictl::inventory::{DirState, PluginBinary, PluginScan};

/// What is wrong with each directory of the path that is not a plain readable directory, one
/// line each (for notes on stderr).
pub fn dir_notes(scan: &PluginScan) -> Vec<String> {
    scan.dirs
        .iter()
        .filter_map(|(d, state)| match state {
            DirState::Ok => None,
            DirState::Missing => Some(format!("CNI path directory {} does not exist", d.display())),
            DirState::Unreadable(e) => Some(format!(
                "CNI path directory {} cannot be listed: {e}",
                d.display()
            )),
            DirState::Repeated => Some(format!(
                "CNI path directory {} appears more than once; listed once",
                d.display()
            )),
        })
        .collect()
}
use serde_json::{json, Value};

fn note(b: &PluginBinary) -> String {
    let mut notes = Vec::new();
    if let Some(first) = &b.shadowed_by {
        notes.push(format!("shadowed by {}", first.display()));
    }
    if !b.executable {
        notes.push("not executable".to_string());
    }
    notes.join("; ")
}

/// The table: one row per binary; empty when there is none.
pub fn plugins_table(p: &Printer, scan: &PluginScan) -> String {
    let mut out = String::new();
    if !scan.plugins.is_empty() {
        let mut t = p.table(&["NAME", "DIR", "VERSIONS", "NOTE"]);
        t.shrink(&["DIR", "VERSIONS", "NOTE"]);
        for b in &scan.plugins {
            let versions = match &b.versions {
                Some(Ok(v)) => v.join(", "),
                Some(Err(e)) => p.state(&format!("error: {e}"), State::Bad),
                None => "-".to_string(),
            };
            t.add_row(vec![
                b.name.clone(),
                b.dir.display().to_string(),
                versions,
                note(b),
            ]);
        }
        out.push_str(&format!("{}\n", super::table_text(&t)));
    }
    out
}

/// The JSON document.
pub fn plugins_json(scan: &PluginScan, probed: bool) -> Value {
    let dirs: Vec<Value> = scan
        .dirs
        .iter()
        .map(|(d, state)| {
            let (s, err) = match state {
                DirState::Ok => ("ok", None),
                DirState::Missing => ("missing", None),
                DirState::Unreadable(e) => ("unreadable", Some(e.clone())),
                DirState::Repeated => ("repeated", None),
            };
            json!({"dir": d.to_string_lossy(), "state": s, "error": err})
        })
        .collect();
    let plugins: Vec<Value> = scan
        .plugins
        .iter()
        .map(|b| {
            let (versions, error) = match &b.versions {
                Some(Ok(v)) => (Some(v.clone()), None),
                Some(Err(e)) => (None, Some(e.clone())),
                None => (None, None),
            };
            json!({
                "name": b.name,
                "dir": b.dir.to_string_lossy(),
                "path": b.path.to_string_lossy(),
                "executable": b.executable,
                "shadowedBy": b.shadowed_by.as_ref().map(|p| p.to_string_lossy()),
                "supportedVersions": versions,
                "error": error,
            })
        })
        .collect();
    json!({"probed": probed, "dirs": dirs, "plugins": plugins})
}
