//! `cnictl attachments`: the cache's attachments, as a table or JSON (shape in
//! docs/inventory.md).

use super::{Printer, State};
use cnictl::cache::RecordState;
use cnictl::inventory::{state_word, AttachmentList, NetnsState};
use serde_json::{json, Value};

fn state_text(s: &NetnsState) -> String {
    match s {
        NetnsState::NotRecorded => "-".to_string(),
        NetnsState::Exists | NetnsState::Forbidden(_) => "exists".to_string(),
        NetnsState::Missing => "gone".to_string(),
        NetnsState::NotANamespace(what) => format!("not a netns: {what}"),
        NetnsState::Unknown(e) => format!("unknown: {e}"),
        NetnsState::ReaderDependent(why) => format!("reader-dependent: {why}"),
    }
}

/// The table: one row per attachment; empty when there is none.
pub fn attachments_table(p: &Printer, list: &AttachmentList) -> String {
    if list.attachments.is_empty() {
        return String::new();
    }
    let mut t = p.table(&["NETWORK", "CONTAINER", "IFNAME", "NETNS", "STATE", "IPS"]);
    t.shrink(&["NETWORK", "CONTAINER", "NETNS", "STATE", "IPS"]);
    for a in &list.attachments {
        let state = state_text(&a.netns_state);
        let state = match a.netns_state {
            NetnsState::Exists => p.state(&state, State::Good),
            NetnsState::NotRecorded => state,
            _ => p.state(&state, State::Warn),
        };
        let state = match a.add_state {
            Some(RecordState::AddFailed) => {
                format!("{state}, {}", p.state("failed ADD", State::Bad))
            }
            Some(RecordState::Adding) => {
                format!("{state}, {}", p.state("interrupted ADD", State::Bad))
            }
            _ => state,
        };
        t.add_row(vec![
            a.network.clone(),
            a.container_id.clone(),
            a.ifname.clone(),
            if a.netns.is_empty() {
                "-".to_string()
            } else {
                a.netns.clone()
            },
            state,
            if a.ips.is_empty() {
                "-".to_string()
            } else {
                a.ips.join(",")
            },
        ]);
    }
    format!("{}\n", super::table_text(&t))
}

/// The JSON document.
pub fn attachments_json(list: &AttachmentList) -> Value {
    let attachments: Vec<Value> = list
        .attachments
        .iter()
        .map(|a| {
            let detail = match &a.netns_state {
                NetnsState::NotANamespace(w)
                | NetnsState::Unknown(w)
                | NetnsState::ReaderDependent(w) => Some(w.clone()),
                _ => None,
            };
            json!({
                "network": a.network,
                "containerId": a.container_id,
                "ifname": a.ifname,
                "netns": a.netns,
                "netnsState": state_word(&a.netns_state),
                "netnsDetail": detail,
                "ips": a.ips,
                "resultVersion": a.result_version,
                "addState": a.add_state.map(|s| s.as_str()),
            })
        })
        .collect();
    let skipped: Vec<Value> = list
        .skipped
        .iter()
        .map(|s| json!({"file": s.path.to_string_lossy(), "reason": s.reason}))
        .collect();
    json!({"attachments": attachments, "skipped": skipped})
}
