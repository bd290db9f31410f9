//! What libcni's results cache holds: `cnictl attachments`. Each `cniCacheV1` record (the
//! files containerd, CRI-O, cnitool and cnictl write) with whether its network namespace still
//! exists, and the addresses of its cached result; files libcni would skip are reported with
//! their reason.

use serde_json::Value;

use crate::cache::{Cache, CacheError, Skipped};

/// Whether an attachment's network namespace still exists (one home:
/// [`crate::netns::NetnsState`]).
pub use crate::netns::NetnsState;

/// The stable short word `attachments` prints for a state: `none`, `exists`, `gone`,
/// `not-netns`, `unknown`, and `reader-dependent` for a path such as `/proc/self/ns/net` that
/// names another namespace to each reader.
pub fn state_word(s: &NetnsState) -> &'static str {
    match s {
        NetnsState::NotRecorded => "none",
        NetnsState::Exists | NetnsState::Forbidden(_) => "exists",
        NetnsState::Missing => "gone",
        NetnsState::NotANamespace(_) => "not-netns",
        NetnsState::Unknown(_) => "unknown",
        NetnsState::ReaderDependent(_) => "reader-dependent",
    }
}

/// One cached attachment.
#[derive(Debug, Clone, PartialEq)]
pub struct AttachmentInfo {
    /// `networkName`.
    pub network: String,
    /// `containerId`.
    pub container_id: String,
    /// `ifName`.
    pub ifname: String,
    /// `netns` as recorded (may be empty).
    pub netns: String,
    /// Whether that namespace still exists.
    pub netns_state: NetnsState,
    /// The addresses of the cached result (CIDR notation), in result order.
    pub ips: Vec<String>,
    /// The cached result's cniVersion, if it has one.
    pub result_version: Option<String>,
}

/// The cache's attachments and the files passed over.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AttachmentList {
    /// The attachments, sorted by file name.
    pub attachments: Vec<AttachmentInfo>,
    /// Files that are not (readable) `cniCacheV1` records, with the reason.
    pub skipped: Vec<Skipped>,
}

/// Lists the cache's attachments, only those of `network` when given (skipped files are then
/// those whose name starts with `<network>-`). A missing cache directory has none.
pub fn list_attachments(
    cache: &Cache,
    network: Option<&str>,
) -> Result<AttachmentList, CacheError> {
    let scan = cache.scan_attachments(None)?;
    let mut out = AttachmentList::default();
    for e in scan.attachments {
        if network.is_some_and(|n| n != e.network_name) {
            continue;
        }
        let (ips, result_version) = match &e.result {
            Some(r) => (
                result_ips(r),
                r.get("cniVersion")
                    .and_then(|v| v.as_str())
                    .map(String::from),
            ),
            None => (Vec::new(), None),
        };
        out.attachments.push(AttachmentInfo {
            netns_state: netns_state(&e.netns),
            network: e.network_name,
            container_id: e.container_id,
            ifname: e.if_name,
            netns: e.netns,
            ips,
            result_version,
        });
    }
    out.skipped = scan
        .skipped
        .into_iter()
        .filter(|s| match network {
            None => true,
            Some(n) => s
                .path
                .file_name()
                .is_some_and(|f| f.to_string_lossy().starts_with(&format!("{n}-"))),
        })
        .collect();
    Ok(out)
}

/// Checks the recorded netns path; only opens it when it is a regular file (nsfs files are).
pub fn netns_state(netns: &str) -> NetnsState {
    NetnsState::of(netns, None)
}

/// The addresses of a result of any version: `ips[].address` (0.3.0 and later), or
/// `ip4.ip`/`ip6.ip` (0.1.0, 0.2.0). Entries that are not strings are left out.
pub fn result_ips(result: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(ips) = result.get("ips").and_then(Value::as_array) {
        out.extend(
            ips.iter()
                .filter_map(|ip| ip.get("address").and_then(Value::as_str))
                .map(String::from),
        );
    }
    for family in ["ip4", "ip6"] {
        if let Some(ip) = result
            .get(family)
            .and_then(|f| f.get("ip"))
            .and_then(Value::as_str)
        {
            out.push(ip.to_string());
        }
    }
    out
}
