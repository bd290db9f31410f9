//! What libcni's results cache holds: `cnictl attachments`. Each `cniCacheV1` record (the
//! files containerd, CRI-O, cnitool and cnictl write) with whether its network namespace still
//! exists, and the addresses of its cached result; files libcni would skip are reported with
//! their reason.

use crate::cache::{Cache, CacheEntry, CacheError, Record, RecordState, Skipped};
use crate::types::result::addresses;

/// Whether an attachment's network namespace still exists (one home:
/// [`crate::netns::NetnsState`]).
pub use crate::netns::NetnsState;

/// The stable short word `attachments` prints for a state: `none`, `exists`, `gone`,
/// `not-a-netns`, `unknown`, and `reader-dependent` for a path such as `/proc/self/ns/net` that
/// names another namespace to each reader.
pub fn state_word(s: &NetnsState) -> &'static str {
    match s {
        NetnsState::NotRecorded => "none",
        NetnsState::Exists | NetnsState::Forbidden(_) => "exists",
        NetnsState::Missing => "gone",
        NetnsState::NotANamespace(_) => "not-a-netns",
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
    /// cnictl's record of the ADD, when it is not a plain attachment: `AddFailed` (the
    /// rollback left something), `Adding` (cnictl was killed mid-ADD: no entry in `results/`,
    /// only its intent record).
    pub add_state: Option<RecordState>,
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
    let records: Vec<Record> = cache
        .records()?
        .into_iter()
        .filter_map(|f| f.record.ok())
        .collect();
    let record_of = |e: &CacheEntry| {
        records.iter().find(|r| {
            r.network_name == e.network_name
                && r.container_id == e.container_id
                && r.if_name == e.if_name
        })
    };
    let mut entries: Vec<(CacheEntry, Option<RecordState>)> = Vec::new();
    for e in scan.attachments {
        let state = record_of(&e)
            .filter(|r| r.describes(&e) && r.state == RecordState::AddFailed)
            .map(|r| r.state);
        entries.push((e, state));
    }
    // Intents of ADDs whose cnictl was killed: no entry in results/, writer gone.
    for r in &records {
        if r.state == RecordState::Adding
            && !r.writer_alive()
            && matches!(
                cache.read(&r.network_name, &r.container_id, &r.if_name),
                Ok(None)
            )
        {
            entries.push((r.as_entry(), Some(RecordState::Adding)));
        }
    }
    for (e, add_state) in entries {
        if network.is_some_and(|n| n != e.network_name) {
            continue;
        }
        let (ips, result_version) = match &e.result {
            Some(r) => (
                addresses(r),
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
            add_state,
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
