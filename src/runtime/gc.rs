//! GC: remove the attachments the cache remembers but nobody uses any more, then let the
//! plugins free what is not in the valid set (libcni's `GCNetworkList`, made safe to run on a
//! live node).
//!
//! libcni DELs every cached attachment of the network that is not in the valid set, and when
//! it is given no set (what `cnitool gc` does) it DELs them all, containerd's and CRI-O's
//! included. Here the caller always states the valid set ([`ValidSet`]); the work is split
//! into a plan ([`Runtime::gc_plan`]: what is stale, what is kept and why, whether the GC verb
//! will be sent), which a dry run shows, and its execution ([`Runtime::gc_run`]): the stale
//! DELs, each with the runtime args cached at ADD (through [`Runtime::del`]), then the GC verb
//! on every plugin. Both are best effort: every failure is recorded and the rest goes on.
//!
//! The caller holds the exclusive side of the cache lock ([`crate::cache::Cache::lock_exclusive`])
//! around the plan and the run, so no cnictl ADD or DEL runs meanwhile.

use super::{CallError, DelRequest, PluginError, Runtime, RuntimeError};
use crate::cache::{CacheEntry, CacheError, Record, RecordState, Skipped};
use crate::config::{self, NetworkConfigList};
use crate::invoke::{self, CniArgs, Command};
use crate::netns::NetnsError;
use crate::types::ident::{validate_container_id, validate_ifname};
use crate::types::result::addresses;
use crate::types::version::Version;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Which attachments are still in use. There is deliberately no default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValidSet {
    /// The `(containerID, ifname)` pairs the caller says are valid (from a container runtime).
    Explicit(Vec<(String, String)>),
    /// Attachments whose netns is still a network namespace are valid.
    Live,
    /// Nothing is valid: every cached attachment of the network is stale.
    All,
}

/// The state of a cached attachment's netns (one home: [`crate::netns::NetnsState`]).
pub use crate::netns::NetnsState;

/// A cached attachment of the network, as gc sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct GcEntry {
    /// The cache record.
    pub entry: CacheEntry,
    /// Its netns, checked.
    pub netns: NetnsState,
    /// The addresses of its cached result.
    pub ips: Vec<String>,
    /// What cnictl's record says of its ADD: `AddFailed` for an ADD whose rollback left
    /// something, `Adding` for one whose cnictl was killed before it settled (no entry in
    /// `results/`, only the intent); None for a plain attachment.
    pub add_state: Option<RecordState>,
}

/// Why an attachment is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeepReason {
    /// It is in the valid set given.
    Valid,
    /// `--live`: its netns is a network namespace.
    Live,
    /// `--live`: its netns could not be checked, or none is recorded.
    NetnsUnknown,
    /// The network's config sets `disableGC` (the cached config, when the network is gone).
    DisableGc,
    /// Its `networkName`, `containerId` or `ifName` disagree with its file name (holds the
    /// file and the warning): a DEL by the fields would read another file, run without the
    /// cached args and leave this one behind. `cnictl del` with the file's names cleans it.
    NameMismatch(PathBuf, String),
}

/// Why the GC verb is not sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GcVerbSkip {
    /// The network's config sets `disableGC`.
    DisableGc,
    /// The network's cniVersion predates GC (or does not parse); holds it.
    Version(String),
    /// The valid set was derived (`--live`) or empty by request (`--all`), and the GC verb was
    /// not asked for: a set derived from the cache misses attachments being added right now.
    NotExplicit,
    /// The network is no longer in the config dir.
    NetworkGone,
}

/// Whether the GC verb goes to the plugins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GcVerb {
    /// Sent to every plugin with this `cni.dev/valid-attachments` list.
    Send(Vec<(String, String)>),
    /// Not sent.
    Skip(GcVerbSkip),
}

/// What gc will do to one network.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkPlan {
    /// The network name.
    pub network: String,
    /// The network's current config; None when it is no longer in the config dir (each stale
    /// attachment is then deleted with its cached config).
    pub current: Option<NetworkConfigList>,
    /// The attachments to DEL, in cache file order.
    pub stale: Vec<GcEntry>,
    /// The attachments kept, and why.
    pub kept: Vec<(GcEntry, KeepReason)>,
    /// The GC verb decision.
    pub gc_verb: GcVerb,
    /// Cache files of this network (by name, `<network>-...`) that could not be read as a
    /// `cniCacheV1` record (corrupt, not a regular file, legacy ...): gc neither deletes nor
    /// keeps what they may record, and says so (as `attachments` does).
    pub skipped: Vec<Skipped>,
}

/// What happened to one stale attachment.
// One per stale attachment of one run, never stored in bulk: boxing the error would only
// burden the callers that match on it.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum StaleResult {
    /// DEL succeeded and the cache entry is gone; warnings of the DEL (config changed ...).
    Removed(Vec<String>),
    /// DEL failed; the cache entry is kept for a retry.
    Failed(RuntimeError),
    /// Not deleted: its netns is one the guard forbids (the plugins', the node's, cnictl's
    /// own) or a reader-dependent path (`/proc/self/...`); no plugin ran. The guard's error.
    Refused(NetnsError),
    /// Not attempted: gc was interrupted before.
    NotRun,
}

/// What happened to one plugin's GC call.
#[derive(Debug, Clone, PartialEq)]
pub enum GcCall {
    /// The plugin exited 0.
    Ok,
    /// The plugin failed.
    Failed(PluginError),
    /// The binary is not on the CNI path (libcni's text).
    NotFound(String),
    /// Not attempted: gc was interrupted before.
    NotRun,
}

/// The outcome of gc on one network.
#[derive(Debug)]
pub struct NetworkOutcome {
    /// The plan it carried out.
    pub plan: NetworkPlan,
    /// One result per stale attachment, in plan order.
    pub stale: Vec<StaleResult>,
    /// One result per plugin of the GC verb, in chain order (empty when not sent).
    pub gc: Vec<(String, GcCall)>,
}

impl NetworkOutcome {
    /// True when a DEL or GC call failed (or was refused).
    pub fn has_failures(&self) -> bool {
        self.stale
            .iter()
            .any(|r| matches!(r, StaleResult::Failed(_) | StaleResult::Refused(_)))
            || self
                .gc
                .iter()
                .any(|(_, c)| matches!(c, GcCall::Failed(_) | GcCall::NotFound(_)))
    }
}

/// The outcome of a gc run.
#[derive(Debug)]
pub struct GcOutcome {
    /// Per network, in the order given.
    pub networks: Vec<NetworkOutcome>,
    /// Set when a signal stopped the run: the signal, the plugin and the command running.
    pub interrupted: Option<(i32, String, &'static str)>,
}

/// Errors that stop gc before anything runs.
#[derive(Debug, thiserror::Error)]
pub enum GcError {
    /// `--live` cannot be trusted here: cache entries point into a netns directory that is
    /// missing or empty.
    #[error("refusing --live for network \"{network}\": its cache entries point into {}, which is {} here, so every attachment would look stale (is cnictl running in a container without the host's {}?); give the valid set with --valid or --valid-from instead", dir.display(), if *missing { "missing" } else { "empty" }, dir.display())]
    LiveUnsafe {
        /// The network.
        network: String,
        /// The netns directory.
        dir: PathBuf,
        /// True when it is missing, false when empty.
        missing: bool,
    },
    /// The cache could not be listed.
    #[error(transparent)]
    Cache(#[from] CacheError),
}

/// A bad valid-set entry (`--valid` or a line or element of `--valid-from`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{location}: {msg}")]
pub struct ValidSetError {
    /// Where: `line 3`, `element 2`, or the value given.
    pub location: String,
    /// What is wrong.
    pub msg: String,
}

fn bad(location: impl Into<String>, msg: impl Into<String>) -> ValidSetError {
    ValidSetError {
        location: location.into(),
        msg: msg.into(),
    }
}

/// Checks one pair with libcni's identifier rules.
fn check_pair(location: &str, id: &str, ifname: &str) -> Result<(String, String), ValidSetError> {
    validate_container_id(id)
        .map_err(|e| bad(location, format!("container ID {id:?}: {}", e.msg)))?;
    validate_ifname(ifname).map_err(|e| bad(location, format!("ifname {ifname:?}: {}", e.msg)))?;
    Ok((id.to_string(), ifname.to_string()))
}

/// Parses `ID:IFNAME` (neither part can contain `:`).
pub fn parse_valid_pair(s: &str) -> Result<(String, String), ValidSetError> {
    let Some((id, ifname)) = s.split_once(':') else {
        return Err(bad(format!("{s:?}"), "expected CONTAINER_ID:IFNAME"));
    };
    check_pair(&format!("{s:?}"), id, ifname)
}

/// Parses a valid-set list: a JSON array of `{"containerID": .., "ifname": ..}` objects, or
/// lines of `ID IFNAME` (blank lines and lines starting with `#` ignored). An input with
/// nothing in it at all is an error (an empty pipe would otherwise mean "nothing is valid");
/// `[]` says so explicitly.
pub fn parse_valid_list(text: &str) -> Result<Vec<(String, String)>, ValidSetError> {
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Err(bad(
            "input",
            "empty; write [] if no attachment is valid (or use --all --yes)",
        ));
    }
    if trimmed.starts_with('[') {
        let v: Value = serde_json::from_str(text)
            .map_err(|e| bad(format!("line {}", e.line()), format!("invalid JSON: {e}")))?;
        let Value::Array(items) = v else {
            return Err(bad("input", "expected a JSON array"));
        };
        return items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let location = format!("element {i}");
                let field = |key: &str| match item.get(key) {
                    Some(Value::String(s)) => Ok(s.as_str()),
                    _ => Err(bad(
                        &location,
                        format!(
                            "expected an object with string fields \"containerID\" and \"ifname\", got {item}"
                        ),
                    )),
                };
                check_pair(&location, field("containerID")?, field("ifname")?)
            })
            .collect();
    }
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let location = format!("line {}", n + 1);
        let fields: Vec<&str> = line.split_whitespace().collect();
        match fields.as_slice() {
            [id, ifname] => out.push(check_pair(&location, id, ifname)?),
            _ => {
                return Err(bad(
                    location,
                    format!("expected \"CONTAINER_ID IFNAME\", got {line:?}"),
                ))
            }
        }
    }
    if out.is_empty() {
        return Err(bad(
            "input",
            "no attachments listed; write [] if none is valid (or use --all --yes)",
        ));
    }
    Ok(out)
}

/// True when the cached config of an entry sets `disableGC`.
fn cached_disable_gc(entry: &CacheEntry) -> bool {
    entry
        .config
        .as_deref()
        .and_then(|b| config::list_from_bytes(b).ok())
        .is_some_and(|l| l.disable_gc)
}

/// For `--live`: the netns directory of a path that is not under `/proc` and is missing or
/// empty, and whether it is missing.
fn unusable_netns_dir(netns: &str) -> Option<(PathBuf, bool)> {
    let path = Path::new(netns);
    if netns.is_empty() || path.starts_with("/proc") {
        return None;
    }
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty())?;
    match std::fs::read_dir(dir) {
        Ok(mut rd) => rd.next().is_none().then(|| (dir.to_path_buf(), false)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some((dir.to_path_buf(), true)),
        // Unreadable: the per-entry check reports "cannot tell" and keeps the attachment.
        Err(_) => None,
    }
}

impl<'a> Runtime<'a> {
    /// Plans gc of `network`: its cache entries split into stale and kept, and the GC verb
    /// decision. `current` is the network's config, None when it is no longer in the config
    /// dir. `gc_verb` asks for the GC verb with a derived set (`--live`, `--all`).
    /// The runtime's guard holds the namespaces no plugin may be run for (the plugins', the
    /// node's, cnictl's own): an entry whose netns is one of them, or a reader-dependent path, is
    /// planned but never DELeted. Nothing is run or changed.
    pub fn gc_plan(
        &self,
        network: &str,
        current: Option<NetworkConfigList>,
        valid: &ValidSet,
        gc_verb: bool,
    ) -> Result<NetworkPlan, GcError> {
        let scan = self.cache.scan_attachments(None)?;
        let prefix = format!("{network}-");
        let skipped: Vec<Skipped> = scan
            .skipped
            .into_iter()
            .filter(|s| {
                s.path
                    .file_name()
                    .is_some_and(|f| f.to_string_lossy().starts_with(&prefix))
            })
            .collect();
        let mut entries: Vec<(CacheEntry, Option<RecordState>)> = Vec::new();
        let mut mismatched = Vec::new();
        for (index, e) in scan.attachments.into_iter().enumerate() {
            if e.network_name != network {
                continue;
            }
            if let Some(s) = scan.suspects.iter().find(|s| s.index == index && !s.defect) {
                mismatched.push((e.clone(), s.path.clone(), s.reason.clone()));
            }
            let state = self
                .cache
                .read_record(network, &e.container_id, &e.if_name)
                .ok()
                .flatten()
                .filter(|r| r.describes(&e) && r.state == RecordState::AddFailed)
                .map(|r| r.state);
            entries.push((e, state));
        }
        entries.extend(
            self.leftover_intents(network)?
                .into_iter()
                .map(|r| (r.as_entry(), Some(RecordState::Adding))),
        );
        if *valid == ValidSet::Live {
            if let Some((dir, missing)) = entries
                .iter()
                .find_map(|(e, _)| unusable_netns_dir(&e.netns))
            {
                return Err(GcError::LiveUnsafe {
                    network: network.to_string(),
                    dir,
                    missing,
                });
            }
        }
        let disabled = current.as_ref().is_some_and(|l| l.disable_gc);
        let mut stale = Vec::new();
        let mut kept = Vec::new();
        for (entry, add_state) in entries {
            let g = GcEntry {
                netns: NetnsState::of(&entry.netns, Some(&self.guard)),
                ips: entry.result.as_ref().map(addresses).unwrap_or_default(),
                entry,
                add_state,
            };
            let mismatch = mismatched
                .iter()
                .find(|(e, _, _)| *e == g.entry)
                .map(|(_, path, why)| KeepReason::NameMismatch(path.clone(), why.clone()));
            let keep = if disabled || (current.is_none() && cached_disable_gc(&g.entry)) {
                Some(KeepReason::DisableGc)
            } else if mismatch.is_some() {
                mismatch
            } else {
                match valid {
                    ValidSet::Explicit(set) => set
                        .iter()
                        .any(|(id, ifname)| {
                            *id == g.entry.container_id && *ifname == g.entry.if_name
                        })
                        .then_some(KeepReason::Valid),
                    ValidSet::Live => match g.netns.exists() {
                        Some(true) => Some(KeepReason::Live),
                        Some(false) => None,
                        None => Some(KeepReason::NetnsUnknown),
                    },
                    ValidSet::All => None,
                }
            };
            match keep {
                Some(reason) => kept.push((g, reason)),
                None => stale.push(g),
            }
        }
        let gc_verb = match &current {
            None => GcVerb::Skip(GcVerbSkip::NetworkGone),
            Some(l) if l.disable_gc => GcVerb::Skip(GcVerbSkip::DisableGc),
            Some(l) if !matches!(Version::parse(&l.cni_version), Ok(v) if v >= Version::V1_1_0) => {
                GcVerb::Skip(GcVerbSkip::Version(l.cni_version.clone()))
            }
            Some(_) => match valid {
                ValidSet::Explicit(set) => {
                    let mut list: Vec<(String, String)> = Vec::new();
                    for pair in set {
                        if !list.contains(pair) {
                            list.push(pair.clone());
                        }
                    }
                    GcVerb::Send(list)
                }
                _ if !gc_verb => GcVerb::Skip(GcVerbSkip::NotExplicit),
                _ => GcVerb::Send(
                    kept.iter()
                        .map(|(g, _)| (g.entry.container_id.clone(), g.entry.if_name.clone()))
                        .collect(),
                ),
            },
        };
        Ok(NetworkPlan {
            network: network.to_string(),
            current,
            stale,
            kept,
            gc_verb,
            skipped,
        })
    }

    /// The intents of `network` whose ADD was killed before it settled: records in state
    /// `adding` with no entry in `results/`, whose writer is gone.
    pub fn leftover_intents(&self, network: &str) -> Result<Vec<Record>, CacheError> {
        let mut out = Vec::new();
        for f in self.cache.records()? {
            let Ok(r) = f.record else { continue };
            if r.network_name != network || r.state != RecordState::Adding || r.writer_alive() {
                continue;
            }
            if self
                .cache
                .read(&r.network_name, &r.container_id, &r.if_name)?
                .is_none()
            {
                out.push(r);
            }
        }
        Ok(out)
    }

    /// Removes records of settled ADDs of `network` whose libcni entry is gone (another
    /// runtime's DEL removed it): they describe nothing any more. Best effort: the caller
    /// holds the exclusive lock, so no ADD of cnictl's is in progress.
    fn drop_inert_records(&self, network: &str) {
        let Ok(files) = self.cache.records() else {
            return;
        };
        for f in files {
            let Ok(r) = f.record else { continue };
            if r.network_name == network
                && r.state == RecordState::Added
                && matches!(
                    self.cache
                        .read(&r.network_name, &r.container_id, &r.if_name),
                    Ok(None)
                )
            {
                let _ = self
                    .cache
                    .remove_record(&r.network_name, &r.container_id, &r.if_name);
            }
        }
    }

    /// Carries out plans: for each network, DEL of every stale attachment (with its cached
    /// runtime args, and the current config or, for a network that is gone, its cached one),
    /// then the GC verb on every plugin when the plan says so. Continues past failures and
    /// records each; a signal stops the run (what was not attempted is marked so).
    pub fn gc_run(&self, plans: Vec<NetworkPlan>) -> GcOutcome {
        let mut outcome = GcOutcome {
            networks: Vec::new(),
            interrupted: None,
        };
        for plan in plans {
            let mut stale = Vec::new();
            for g in &plan.stale {
                if outcome.interrupted.is_some() {
                    stale.push(StaleResult::NotRun);
                    continue;
                }
                if let Some(refusal) = g.netns.refusal(&g.entry.netns) {
                    stale.push(StaleResult::Refused(refusal));
                    continue;
                }
                let req = DelRequest {
                    network: plan.network.clone(),
                    container_id: g.entry.container_id.clone(),
                    netns: g.entry.netns.clone(),
                    ifname: g.entry.if_name.clone(),
                    explicit_args: None,
                    explicit_caps: None,
                    cached_config: false,
                    force: false,
                };
                let res = self.del(plan.current.as_ref(), &req);
                if let Err(RuntimeError::Interrupted {
                    signal,
                    plugin,
                    command,
                    ..
                }) = &res
                {
                    outcome.interrupted = Some((*signal, plugin.clone(), command));
                }
                stale.push(match res {
                    Ok(out) => StaleResult::Removed(out.warnings),
                    Err(e) => StaleResult::Failed(e),
                });
            }
            let gc = match (&plan.gc_verb, &plan.current) {
                (GcVerb::Send(valid), Some(list)) => self.gc_verb(list, valid, &mut outcome),
                _ => Vec::new(),
            };
            if outcome.interrupted.is_none() {
                self.drop_inert_records(&plan.network);
            }
            outcome.networks.push(NetworkOutcome { plan, stale, gc });
        }
        outcome
    }

    /// The GC verb on every plugin of `list`, in order, past failures.
    fn gc_verb(
        &self,
        list: &NetworkConfigList,
        valid: &[(String, String)],
        outcome: &mut GcOutcome,
    ) -> Vec<(String, GcCall)> {
        let args = CniArgs {
            path: self.cni_path.clone(),
            ..CniArgs::default()
        };
        let mut calls = Vec::new();
        for plugin in &list.plugins {
            let name = plugin.plugin_type.clone();
            if outcome.interrupted.is_some() {
                calls.push((name, GcCall::NotRun));
                continue;
            }
            let path = match invoke::find_in_path_on(&name, &self.cni_path, &self.cache.node_root) {
                Ok(p) => p,
                Err(e) => {
                    calls.push((name, GcCall::NotFound(e.to_string())));
                    continue;
                }
            };
            let stdin =
                invoke::build_gc_request(plugin, &list.name, &list.cni_version, Some(valid));
            let result = match self.call(
                plugin,
                &path,
                Command::Gc,
                &args,
                stdin,
                &self.limits,
                false,
            ) {
                Ok(_) => GcCall::Ok,
                Err(CallError::Failed(e)) => GcCall::Failed(e),
                Err(CallError::Interrupted(signal)) => {
                    outcome.interrupted = Some((signal, name.clone(), "GC"));
                    GcCall::NotRun
                }
            };
            calls.push((name, result));
        }
        calls
    }
}

#[cfg(test)]
mod tests;
