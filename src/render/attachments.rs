//! `cnictl attachments`: the cache's attachments, as a table or JSON (shape in
//! docs/inventory.md).

use super::metrics::Metrics;
use super::{Printer, State};
use cnictl::cache::{Cached, Record, RecordState};
use cnictl::inventory::{state_word, AttachmentInfo, AttachmentList, NetnsState, StaleReason};
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;
use std::path::Path;

/// The capability args in a few words: port mappings as `HOST:CONTAINER/PROTO` (with the host
/// IP when set), other capabilities by name.
pub fn capabilities_text(caps: &Map<String, Value>) -> String {
    let mut parts = Vec::new();
    for (k, v) in caps {
        match (k.as_str(), v) {
            ("portMappings", Value::Array(ms)) => {
                for m in ms {
                    let f = |key: &str| match m.get(key) {
                        Some(Value::String(s)) => s.clone(),
                        Some(Value::Null) | None => String::new(),
                        Some(x) => x.to_string(),
                    };
                    let host = match f("hostIP").as_str() {
                        "" => f("hostPort"),
                        ip => format!("{ip}:{}", f("hostPort")),
                    };
                    let proto = match f("protocol").as_str() {
                        "" => "tcp".to_string(),
                        p => p.to_lowercase(),
                    };
                    parts.push(format!("{host}:{}/{proto}", f("containerPort")));
                }
            }
            _ => parts.push(k.clone()),
        }
    }
    if parts.is_empty() {
        "-".to_string()
    } else {
        parts.join(",")
    }
}

fn stale_words(a: &AttachmentInfo, configured: &BTreeSet<String>) -> Vec<&'static str> {
    a.stale_reasons(Some(configured))
        .into_iter()
        .map(|r| r.as_str())
        .collect()
}

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

/// Every netns state word, so each network's states are all present (zeros included).
const STATE_WORDS: [&NetnsState; 6] = [
    &NetnsState::NotRecorded,
    &NetnsState::Exists,
    &NetnsState::Missing,
    &NetnsState::NotANamespace(String::new()),
    &NetnsState::Unknown(String::new()),
    &NetnsState::ReaderDependent(String::new()),
];

const STALE_REASONS: [StaleReason; 4] = [
    StaleReason::NetnsGone,
    StaleReason::AddFailed,
    StaleReason::AddInterrupted,
    StaleReason::NotConfigured,
];

/// The `-o prometheus` metrics of a listing (names documented in the README). Each network
/// configured or in the cache (or only `network`, when given) gets every state and reason,
/// zeros included, so a count falling to 0 is seen as 0.
pub fn metrics(
    list: &AttachmentList,
    configured: &BTreeSet<String>,
    network: Option<&str>,
) -> Metrics {
    const ATTACHMENTS: &str = "cnictl_attachments";
    const ATTACHMENTS_HELP: &str =
        "Attachments in libcni's results cache (and cnictl's records of \
        failed or interrupted ADDs) by network and by whether their network namespace exists \
        (state: exists, gone, none, not-a-netns, unknown, reader-dependent)";
    const PROBLEMS: &str = "cnictl_attachment_problems";
    const PROBLEMS_HELP: &str = "Problem attachments by reason (netns-gone, add-failed, \
        add-interrupted, not-configured); one attachment may count under several reasons";
    let mut m = Metrics::new();
    let networks: BTreeSet<&str> = match network {
        Some(n) => BTreeSet::from([n]),
        None => configured
            .iter()
            .map(String::as_str)
            .chain(list.attachments.iter().map(|a| a.network.as_str()))
            .collect(),
    };
    for n in &networks {
        for s in STATE_WORDS {
            m.add(
                ATTACHMENTS,
                ATTACHMENTS_HELP,
                &[("network", n), ("state", state_word(s))],
                0.0,
            );
        }
        for r in STALE_REASONS {
            m.add(
                PROBLEMS,
                PROBLEMS_HELP,
                &[("network", n), ("reason", r.as_str())],
                0.0,
            );
        }
    }
    for a in &list.attachments {
        m.add(
            ATTACHMENTS,
            ATTACHMENTS_HELP,
            &[
                ("network", &a.network),
                ("state", state_word(&a.netns_state)),
            ],
            1.0,
        );
        for r in a.stale_reasons(Some(configured)) {
            m.add(
                PROBLEMS,
                PROBLEMS_HELP,
                &[("network", &a.network), ("reason", r.as_str())],
                1.0,
            );
        }
    }
    m.set(
        "cnictl_cache_skipped_files",
        "Files in the cache's results directory that are not readable cache entries (corrupt, \
         empty, not cniCacheV1)",
        &[],
        list.skipped.len() as f64,
    );
    m
}

/// The table: one row per attachment; empty when there is none.
pub fn attachments_table(
    p: &Printer,
    list: &AttachmentList,
    configured: &BTreeSet<String>,
) -> String {
    if list.attachments.is_empty() {
        return String::new();
    }
    let mut t = p.table(&[
        "NETWORK",
        "CONTAINER",
        "IFNAME",
        "NETNS",
        "STATE",
        "IPS",
        "CAPS",
    ]);
    t.shrink(&["NETWORK", "CONTAINER", "NETNS", "STATE", "IPS", "CAPS"]);
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
        let state = if configured.contains(&a.network) {
            state
        } else {
            format!("{state}, {}", p.state("not configured", State::Warn))
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
            capabilities_text(&a.capability_args),
        ]);
    }
    format!("{}\n", super::table_text(&t))
}

/// The JSON document.
pub fn attachments_json(list: &AttachmentList, configured: &BTreeSet<String>) -> Value {
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
                "capabilityArgs": a.capability_args,
                "problems": stale_words(a, configured),
            })
        })
        .collect();
    let skipped: Vec<Value> = list
        .skipped
        .iter()
        .map(|s| json!({"file": s.path.to_string_lossy(), "reason": s.reason}))
        .collect();
    let warnings: Vec<Value> = list
        .warnings
        .iter()
        .map(|s| json!({"file": s.path.to_string_lossy(), "reason": s.reason}))
        .collect();
    json!({"attachments": attachments, "skipped": skipped, "warnings": warnings})
}

/// One cache entry, for `attachments show`.
pub struct ShownEntry<'a> {
    /// The network.
    pub network: &'a str,
    /// The container ID.
    pub container_id: &'a str,
    /// The interface.
    pub ifname: &'a str,
    /// The cache file.
    pub file: &'a Path,
    /// What it holds.
    pub cached: &'a Cached,
    /// Its netns, checked.
    pub netns_state: &'a NetnsState,
    /// cnictl's record of the attachment, if any.
    pub record: Option<&'a Record>,
    /// Whether the config dir still defines the network.
    pub configured: bool,
}

/// The cached config decoded: its JSON, or its text when it is not JSON.
fn config_value(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned()))
}

/// The JSON document of `attachments show` (docs/schemas/attachments-show.v1.json).
pub fn show_json(e: &ShownEntry) -> Value {
    let (kind, netns, cni_args, caps, config, result, corrupt) = match e.cached {
        Cached::V1(c) => (
            "v1",
            Some(c.netns.clone()),
            c.cni_args
                .iter()
                .map(|(k, v)| json!({"name": k, "value": v}))
                .collect::<Vec<_>>(),
            Value::Object(c.capability_args.clone()),
            c.config.as_deref().map(config_value),
            c.result.clone(),
            None,
        ),
        Cached::Legacy(v) => (
            "legacy",
            None,
            vec![],
            json!({}),
            None,
            Some(v.clone()),
            None,
        ),
        Cached::Corrupt(why) => (
            "corrupt",
            None,
            vec![],
            json!({}),
            None,
            None,
            Some(why.clone()),
        ),
    };
    json!({
        "network": e.network,
        "containerId": e.container_id,
        "ifname": e.ifname,
        "file": e.file.to_string_lossy(),
        "kind": kind,
        "corruption": corrupt,
        "netns": netns,
        "netnsState": state_word(e.netns_state),
        "networkConfigured": e.configured,
        "addState": e.record.map(|r| r.state.as_str()),
        "cniArgs": cni_args,
        "capabilityArgs": caps,
        "config": config,
        "result": result,
    })
}

/// The text view of `attachments show`: labelled fields, then the JSON parts indented.
pub fn show_text(p: &Printer, e: &ShownEntry) -> String {
    let v = show_json(e);
    let mut fields = p.fields();
    let mut field = |k: &str, val: String| {
        fields.add_row(vec![format!("{:<16}", format!("{k}:")), val]);
    };
    field("network", e.network.to_string());
    field("container", e.container_id.to_string());
    field("ifname", e.ifname.to_string());
    field("file", e.file.display().to_string());
    if let Cached::Corrupt(why) = e.cached {
        field("entry", p.state(&format!("corrupt: {why}"), State::Bad));
        return fields.render();
    }
    if let Cached::Legacy(_) = e.cached {
        field(
            "entry",
            "legacy (a bare result, no runtime args)".to_string(),
        );
    }
    if let Some(ns) = v["netns"].as_str() {
        let state = state_word(e.netns_state);
        let state = match e.netns_state {
            NetnsState::Exists => p.state(state, State::Good),
            _ => p.state(state, State::Warn),
        };
        // the state on a line of its own: a long path may be cut, the state never
        field("netns", if ns.is_empty() { "-" } else { ns }.to_string());
        field("netns state", state);
    }
    if !e.configured {
        field(
            "network config",
            p.state("no longer in the config dir", State::Warn),
        );
    }
    if let Some(r) = e.record {
        field("add state", r.state.as_str().to_string());
    }
    let args: Vec<String> = v["cniArgs"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| {
            format!(
                "{}={}",
                a["name"].as_str().unwrap_or(""),
                a["value"].as_str().unwrap_or("")
            )
        })
        .collect();
    field(
        "cni args",
        if args.is_empty() {
            "-".into()
        } else {
            args.join(";")
        },
    );
    let mut out = fields.render();
    let field = |out: &mut String, k: &str, val: String| {
        out.push_str(&format!("{:<18}{val}\n", format!("{k}:")));
    };
    let block = |out: &mut String, title: &str, val: &Value| {
        out.push_str(&format!("{title}:\n"));
        let text = serde_json::to_string_pretty(val).unwrap_or_default();
        for line in text.lines() {
            out.push_str(&format!("  {line}\n"));
        }
    };
    if v["capabilityArgs"]
        .as_object()
        .is_some_and(|m| !m.is_empty())
    {
        block(&mut out, "capability args", &v["capabilityArgs"]);
    } else {
        field(&mut out, "capability args", "-".into());
    }
    match &v["config"] {
        Value::Null => field(&mut out, "config", "-".into()),
        c => block(&mut out, "config", c),
    }
    match &v["result"] {
        Value::Null => field(&mut out, "result", "-".into()),
        r => block(&mut out, "result", r),
    }
    out
}

/// The files of the cache that are not readable entries, as a table (`--stale`).
pub fn skipped_table(p: &Printer, list: &AttachmentList) -> String {
    if list.skipped.is_empty() {
        return String::new();
    }
    let mut t = p.table(&["FILE", "PROBLEM"]);
    for s in &list.skipped {
        t.add_row(vec![s.path.display().to_string(), s.reason.clone()]);
    }
    format!("{}\n", super::table_text(&t))
}
