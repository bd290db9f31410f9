//! ADD: the chain in order with prevResult threaded, the cache written on success, and the
//! rollback (DEL of the whole chain in reverse) that libcni leaves to its callers.

use super::{
    chain_json, prev_for_del, AddOutcome, Attachment, CallError, Incomplete, IncompleteDel,
    PluginError, Resolved, Rollback, Runtime, RuntimeError, DEFAULT_ROLLBACK_TIMEOUT,
};
use crate::cache::{
    CacheEntry, CacheError, Cached, FailedAdd, RawJson, Record, RecordState, RECORD_VERSION,
};
use crate::config::NetworkConfigList;
use crate::invoke::{Command, ExecLimits, PluginFailure};
use crate::types::error::CniError;
use crate::types::result::{parse_plugin_result, CniResult};
use serde_json::Value;
use std::sync::atomic::Ordering;

impl<'a> Runtime<'a> {
    /// Fails when the cache already holds an attachment with this container ID and interface:
    /// of this network (a second ADD is forbidden), or of another one (the container's
    /// interface of that name is taken; the ADD would fail and its rollback DEL would remove
    /// the other network's healthy interface). An entry for this container ID and interface
    /// that cannot be read (corrupt, not a regular file, not a `cniCacheV1` record) may record
    /// such an attachment: it is a reason to refuse too, never to look away.
    pub fn refuse_existing(&self, network: &str, att: &Attachment) -> Result<(), RuntimeError> {
        let taken = |net: &str| RuntimeError::AlreadyAttached {
            network: net.to_string(),
            container_id: att.container_id.clone(),
            ifname: att.ifname.clone(),
            path: self
                .cache
                .result_path(net, &att.container_id, &att.ifname)
                .unwrap_or_default(),
        };
        let unreadable = |path: std::path::PathBuf, reason: String| RuntimeError::UnreadableEntry {
            path,
            reason,
            container_id: att.container_id.clone(),
            ifname: att.ifname.clone(),
        };
        match self.cache.read(network, &att.container_id, &att.ifname)? {
            None => {}
            Some(Cached::Corrupt(msg)) => {
                let path = self
                    .cache
                    .result_path(network, &att.container_id, &att.ifname)?;
                return Err(unreadable(path, format!("corrupt cache file: {msg}")));
            }
            Some(_) => return Err(taken(network)),
        }
        // A record without an entry: an ADD that was killed before it settled (its intent
        // holds the args DEL needs; a new ADD would overwrite them). A record of a settled
        // ADD whose entry another runtime's DEL removed is stale and overwritten.
        if self
            .cache
            .read_record(network, &att.container_id, &att.ifname)?
            .is_some_and(|r| r.state != RecordState::Added)
        {
            return Err(RuntimeError::AlreadyAttached {
                network: network.to_string(),
                container_id: att.container_id.clone(),
                ifname: att.ifname.clone(),
                path: self
                    .cache
                    .record_path(network, &att.container_id, &att.ifname)
                    .unwrap_or_default(),
            });
        }
        let scan = self.cache.scan_attachments(Some(&att.container_id))?;
        if let Some(other) = scan.attachments.iter().find(|e| e.if_name == att.ifname) {
            return Err(taken(&other.network_name));
        }
        // A file passed over whose name is `<network>-<id>-<ifname>` for some network: its
        // content cannot say which interface it holds, its name can.
        let suffix = format!("-{}-{}", att.container_id, att.ifname);
        let in_the_way = scan.skipped.into_iter().find(|s| {
            let name = s
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            name.len() > suffix.len()
                && name.ends_with(&suffix)
                && !name.starts_with(crate::cache::TEMP_PREFIX)
                && !s.reason.starts_with("containerId ")
                && s.reason != "removed while listing"
        });
        if let Some(s) = in_the_way {
            return Err(unreadable(s.path, s.reason));
        }
        Ok(())
    }

    /// ADD: runs the chain in order threading prevResult, writes the cache; on failure rolls
    /// the chain back (DEL of every plugin in reverse) unless `no_rollback`, in which case the
    /// cache entry is written with the last successful result so `cnictl del` can clean up.
    pub fn add(
        &self,
        list: &NetworkConfigList,
        resolved: &Resolved,
        att: &Attachment,
        no_rollback: bool,
    ) -> Result<AddOutcome, RuntimeError> {
        Self::validate_ids(&list.name, att)?;
        self.guard_netns(att)?;
        // The intent: what DEL and gc need if this process dies before the ADD is settled.
        let mut record = self.intent(list, att);
        self.cache.write_record(&record)?;
        let mut prev: Option<Value> = None;
        let mut typed: Option<CniResult> = None;
        for (index, (plugin, path)) in list.plugins.iter().zip(&resolved.plugins).enumerate() {
            // The plugins whose ADD process started (and so may have set something up).
            let mut started = index + 1;
            let call = self.call_in_chain(
                list,
                plugin,
                path,
                Command::Add,
                att,
                prev.as_ref(),
                &self.limits,
                false,
            );
            let error = match call {
                Ok(out) => match parse_plugin_result(&out.stdout, &list.cni_version) {
                    Ok((value, t)) => {
                        prev = Some(value);
                        typed = Some(t);
                        continue;
                    }
                    Err(e) => PluginError::new(
                        plugin,
                        Command::Add,
                        PluginFailure {
                            error: CniError::new(
                                0,
                                format!("plugin printed an invalid result: {e}"),
                            ),
                            exit_code: out.exit_code,
                            signal: out.signal.clone(),
                            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
                            timed_out: false,
                            not_started: false,
                        },
                    ),
                },
                Err(CallError::Failed(e)) => {
                    if e.failure.not_started {
                        started = index;
                    }
                    e
                }
                Err(CallError::Interrupted(signal)) => {
                    let rollback = self.rollback(list, resolved, att, prev.as_ref(), no_rollback);
                    let why = format!(
                        "interrupted by {} while running plugin \"{}\"",
                        crate::invoke::signal_name(signal),
                        plugin.plugin_type
                    );
                    let rollback = self.settle_failed_add(
                        list,
                        att,
                        &mut record,
                        prev.as_ref(),
                        (rollback, started),
                        why,
                    );
                    return Err(RuntimeError::interrupted(
                        signal,
                        plugin,
                        Command::Add,
                        rollback,
                    ));
                }
            };
            let rollback = self.rollback(list, resolved, att, prev.as_ref(), no_rollback);
            let rollback = self.settle_failed_add(
                list,
                att,
                &mut record,
                prev.as_ref(),
                (rollback, started),
                error.to_string(),
            );
            return Err(RuntimeError::AddFailed {
                error,
                rollback,
                last_result: prev,
            });
        }
        let (result, typed) = match (prev, typed) {
            (Some(r), Some(t)) => (r, t),
            // A list always has at least one plugin; an empty chain is a config error upstream.
            _ => {
                return Err(RuntimeError::Version {
                    network: list.name.clone(),
                    msg: "the network has no plugins".into(),
                });
            }
        };
        let entry = self.entry(list, att, Some(result.clone()));
        match self.cache.write(&entry) {
            Ok(cache_path) => {
                let mut warnings = Vec::new();
                record.state = RecordState::Added;
                record.updated = crate::cache::now();
                if let Err(e) = self.cache.write_record(&record) {
                    warnings.push(format!(
                        "the ADD succeeded and is cached, but cnictl's own record could not be updated ({e}); `cnictl del` without --cached-config still works"
                    ));
                }
                Ok(AddOutcome {
                    result,
                    typed,
                    cache_path,
                    warnings,
                })
            }
            Err(error) => {
                // libcni fails the ADD when the cache cannot be written; cnictl also undoes it,
                // since nothing would remember the attachment for a later DEL.
                let rollback = self.rollback(list, resolved, att, Some(&result), no_rollback);
                let rollback = self.settle_failed_add(
                    list,
                    att,
                    &mut record,
                    Some(&result),
                    (rollback, list.plugins.len()),
                    format!("the cache entry could not be written: {error}"),
                );
                Err(RuntimeError::AddCacheFailed {
                    network: list.name.clone(),
                    error,
                    rollback,
                })
            }
        }
    }

    /// The intent record of an ADD about to run.
    pub(super) fn intent(&self, list: &NetworkConfigList, att: &Attachment) -> Record {
        let pid = std::process::id();
        let now = crate::cache::now();
        Record {
            version: RECORD_VERSION,
            state: RecordState::Adding,
            network_name: list.name.clone(),
            container_id: att.container_id.clone(),
            if_name: att.ifname.clone(),
            netns: att.netns.clone(),
            cni_args: att.args.clone(),
            capability_args: att.capability_args.clone(),
            config: Record::encode_config(&list.bytes),
            chain: RawJson::from_value(&chain_json(list)),
            source: list.source.clone(),
            file: list.source.clone().filter(|_| list.named_file),
            plugin_ns: self.plugin_ns.clone(),
            pid,
            pid_start: crate::cache::process_start(pid),
            started: now,
            updated: now,
            failed: None,
        }
    }

    /// After a failed ADD and its rollback: when the rollback undid every plugin, nothing is
    /// left (no cache entry, even one whose write failed after its rename; no record). Else
    /// (a DEL failed or did not run, or `--no-rollback`) the attachment is cached with the
    /// last good result (a `cniCacheV1` entry libcni's GC sees) and the record marks it a
    /// failed ADD with the plugins left; failures to do so are kept in the rollback report.
    /// `started` counts the plugins, from the first, whose ADD process started: a plugin that
    /// never ran (not found, text file busy) and those after it have nothing to undo.
    fn settle_failed_add(
        &self,
        list: &NetworkConfigList,
        att: &Attachment,
        record: &mut Record,
        last: Option<&Value>,
        (mut rb, started): (Rollback, usize),
        why: String,
    ) -> Rollback {
        let mut errors = Vec::new();
        let left = plugins_left(list, &rb, started);
        rb.left = left.clone();
        if left.is_empty() {
            match self
                .cache
                .remove(&list.name, &att.container_id, &att.ifname)
            {
                // `results` is not a directory (the reason the write failed): no entry there.
                Err(CacheError::Remove { err, .. })
                    if err.raw_os_error() == Some(libc::ENOTDIR) => {}
                Err(e) => errors.push(e.to_string()),
                Ok(()) => {}
            }
            if let Err(e) = self
                .cache
                .remove_record(&list.name, &att.container_id, &att.ifname)
            {
                errors.push(e.to_string());
            }
        } else {
            record.state = RecordState::AddFailed;
            record.updated = crate::cache::now();
            record.failed = Some(FailedAdd {
                error: why,
                left,
                no_rollback: rb.skipped,
            });
            match self.cache.write(&self.entry(list, att, last.cloned())) {
                Ok(path) => rb.cached = Some(path),
                Err(e) => errors.push(e.to_string()),
            }
            if let Err(e) = self.cache.write_record(record) {
                errors.push(e.to_string());
            }
        }
        if !errors.is_empty() {
            rb.cache_error = Some(errors.join("; "));
        }
        rb
    }

    fn entry(
        &self,
        list: &NetworkConfigList,
        att: &Attachment,
        result: Option<Value>,
    ) -> CacheEntry {
        CacheEntry {
            container_id: att.container_id.clone(),
            config: Some(list.bytes.clone()),
            if_name: att.ifname.clone(),
            network_name: list.name.clone(),
            netns: att.netns.clone(),
            cni_args: att.args.clone(),
            capability_args: att.capability_args.clone(),
            result,
        }
    }

    /// DEL of every plugin in reverse, past errors, with prevResult = the last good result.
    fn rollback(
        &self,
        list: &NetworkConfigList,
        resolved: &Resolved,
        att: &Attachment,
        last: Option<&Value>,
        skip: bool,
    ) -> Rollback {
        let mut rb = Rollback {
            skipped: skip,
            ..Rollback::default()
        };
        if skip {
            return rb;
        }
        let prev = last.and_then(|v| prev_for_del(v, &list.cni_version));
        // Rollback must finish even after the SIGINT that may have started it, but not hang:
        // each DEL is bounded by the timeout (a default when none is given), and a second
        // signal (`rollback_stop`) kills the running DEL and ends the rollback.
        let limits = ExecLimits {
            timeout: Some(self.limits.timeout.unwrap_or(DEFAULT_ROLLBACK_TIMEOUT)),
            interrupt: self.rollback_stop.clone(),
        };
        let stop_signal = || {
            let sig = self.rollback_stop.as_ref()?.load(Ordering::SeqCst);
            (sig != 0).then(|| i32::try_from(sig).unwrap_or(i32::MAX))
        };
        let chain = list.plugins.iter().zip(&resolved.plugins).enumerate();
        for (index, (plugin, path)) in chain.rev() {
            let incomplete = |reason| IncompleteDel {
                plugin: plugin.plugin_type.clone(),
                index,
                reason,
            };
            if rb.stopped_by.is_none() {
                rb.stopped_by = stop_signal();
            }
            if rb.stopped_by.is_some() {
                rb.incomplete.push(incomplete(Incomplete::NotStarted));
                continue;
            }
            match self.call_in_chain(
                list,
                plugin,
                path,
                Command::Del,
                att,
                prev.as_ref(),
                &limits,
                true,
            ) {
                Ok(_) => rb.deleted.push(plugin.plugin_type.clone()),
                Err(CallError::Failed(e)) => {
                    rb.incomplete.push(incomplete(if e.failure.timed_out {
                        Incomplete::TimedOut
                    } else {
                        Incomplete::Failed
                    }));
                    rb.errors.push(e);
                }
                Err(CallError::Interrupted(sig)) => {
                    rb.stopped_by = Some(sig);
                    rb.incomplete.push(incomplete(Incomplete::Stopped));
                }
            }
        }
        rb
    }
}

/// What a failed ADD left, in chain order: of the plugins whose ADD started (the first
/// `started`), those whose rollback DEL did not complete (failed, timed out, stopped, not
/// run); all of them when the rollback was skipped.
fn plugins_left(list: &NetworkConfigList, rb: &Rollback, started: usize) -> Vec<String> {
    list.plugins
        .iter()
        .enumerate()
        .take(started)
        .filter(|(i, _)| rb.skipped || rb.incomplete.iter().any(|d| d.index == *i))
        .map(|(_, p)| p.plugin_type.clone())
        .collect()
}

#[cfg(test)]
mod tests;
