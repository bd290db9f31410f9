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
    /// The capability args passed at ADD (`portMappings`, `bandwidth`, ...).
    pub capability_args: serde_json::Map<String, serde_json::Value>,
}

/// Why an attachment is a problem entry (`attachments --stale`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaleReason {
    /// The recorded netns no longer exists, or is no network namespace.
    NetnsGone,
    /// cnictl's record says the ADD failed and its rollback left something.
    AddFailed,
    /// cnictl's record says the ADD was interrupted (its cnictl was killed).
    AddInterrupted,
    /// The config dir no longer defines the network.
    NotConfigured,
}

impl StaleReason {
    /// The stable word (`netns-gone`, `add-failed`, `add-interrupted`, `not-configured`).
    pub fn as_str(self) -> &'static str {
        match self {
            StaleReason::NetnsGone => "netns-gone",
            StaleReason::AddFailed => "add-failed",
            StaleReason::AddInterrupted => "add-interrupted",
            StaleReason::NotConfigured => "not-configured",
        }
    }
}

impl AttachmentInfo {
    /// Why this attachment is a problem entry; empty when it is not. `configured` holds the
    /// network names the config dir defines (None: not checked).
    pub fn stale_reasons(
        &self,
        configured: Option<&std::collections::BTreeSet<String>>,
    ) -> Vec<StaleReason> {
        let mut out = Vec::new();
        if matches!(
            self.netns_state,
            NetnsState::Missing | NetnsState::NotANamespace(_)
        ) {
            out.push(StaleReason::NetnsGone);
        }
        match self.add_state {
            Some(RecordState::AddFailed) => out.push(StaleReason::AddFailed),
            Some(RecordState::Adding) => out.push(StaleReason::AddInterrupted),
            _ => {}
        }
        if configured.is_some_and(|c| !c.contains(&self.network)) {
            out.push(StaleReason::NotConfigured);
        }
        out
    }
}

/// The cache's attachments and the files passed over.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AttachmentList {
    /// The attachments, sorted by file name.
    pub attachments: Vec<AttachmentInfo>,
    /// Files that are not (readable) `cniCacheV1` records, with the reason.
    pub skipped: Vec<Skipped>,
    /// Listed attachments whose file has a problem (identity fields that disagree with the
    /// file name, a result that does not decode, no result or config), with the reason.
    pub warnings: Vec<Skipped>,
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
    for (index, e) in scan.attachments.into_iter().enumerate() {
        let state = record_of(&e)
            .filter(|r| r.describes(&e) && r.state == RecordState::AddFailed)
            .map(|r| r.state);
        if network.is_none_or(|n| n == e.network_name) {
            out.warnings.extend(
                scan.suspects
                    .iter()
                    .filter(|s| s.index == index)
                    // A failed ADD's record holds the last good result, or none: it is
                    // marked as such already.
                    .filter(|s| !(s.defect && state.is_some()))
                    .map(|s| Skipped {
                        path: s.path.clone(),
                        reason: s.reason.clone(),
                    }),
            );
        }
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
            netns_state: cache.netns_state(&e.netns),
            network: e.network_name,
            container_id: e.container_id,
            ifname: e.if_name,
            netns: e.netns,
            ips,
            result_version,
            add_state,
            capability_args: e.capability_args,
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
