//! ADD: the chain in order with prevResult threaded, the cache written on success, and the
//! rollback (DEL of the whole chain in reverse) that libcni leaves to its callers.

use super::{
    chain_json, prev_for_del, AddOutcome, Attachment, CallError, PluginError, Resolved, Rollback,
    Runtime, RuntimeError,
};
use crate::cache::{CacheEntry, FailedAdd, RawJson, Record, RecordState, RECORD_VERSION};
use crate::config::NetworkConfigList;
use crate::invoke::{Command, ExecLimits, PluginFailure};
use crate::types::error::CniError;
use crate::types::result::{parse_plugin_result, CniResult};
use serde_json::Value;

impl<'a> Runtime<'a> {
    /// Fails when the cache already holds an attachment with this container ID and interface:
    /// of this network (a second ADD is forbidden), or of another one (the container's
    /// interface of that name is taken; the ADD would fail and its rollback DEL would remove
    /// the other network's healthy interface).
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
        if self
            .cache
            .read(network, &att.container_id, &att.ifname)?
            .is_some()
        {
            return Err(taken(network));
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
        if let Some(other) = self
            .cache
            .attachments(Some(&att.container_id))?
            .into_iter()
            .find(|e| e.if_name == att.ifname)
        {
            return Err(taken(&other.network_name));
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
        // The intent: what DEL and gc need if this process dies before the ADD is settled.
        let mut record = self.intent(list, att);
        self.cache.write_record(&record)?;
        let mut prev: Option<Value> = None;
        let mut typed: Option<CniResult> = None;
        for (plugin, path) in list.plugins.iter().zip(&resolved.plugins) {
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
                        },
                    ),
                },
                Err(CallError::Failed(e)) => e,
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
                        rollback,
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
                rollback,
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
                    rollback,
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
    fn settle_failed_add(
        &self,
        list: &NetworkConfigList,
        att: &Attachment,
        record: &mut Record,
        last: Option<&Value>,
        mut rb: Rollback,
        why: String,
    ) -> Rollback {
        let mut errors = Vec::new();
        let left = plugins_left(list, &rb);
        rb.left = left.clone();
        if !rb.skipped && rb.errors.is_empty() && left.is_empty() {
            if let Err(e) = self
                .cache
                .remove(&list.name, &att.container_id, &att.ifname)
            {
                errors.push(e.to_string());
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
        // Rollback must finish even after SIGINT: it runs with the timeout but without the
        // interrupt flag.
        let limits = ExecLimits {
            timeout: self.limits.timeout,
            interrupt: None,
        };
        for (plugin, path) in list.plugins.iter().zip(&resolved.plugins).rev() {
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
                Err(CallError::Failed(e)) => rb.errors.push(e),
                Err(CallError::Interrupted(_)) => {}
            }
        }
        rb
    }
}

/// The plugins, in chain order, whose rollback DEL did not succeed (failed, interrupted or not
/// run); all of them when rollback was skipped.
fn plugins_left(list: &NetworkConfigList, rb: &Rollback) -> Vec<String> {
    // Rollback runs in reverse chain order and lists the DELs that succeeded in that order.
    let mut deleted = rb.deleted.iter().peekable();
    let mut left: Vec<String> = Vec::new();
    for p in list.plugins.iter().rev() {
        if deleted.peek().is_some_and(|d| **d == p.plugin_type) {
            deleted.next();
        } else {
            left.push(p.plugin_type.clone());
        }
    }
    left.reverse();
    left
}
