//! ADD: the chain in order with prevResult threaded, the cache written on success, and the
//! rollback (DEL of the whole chain in reverse) that libcni leaves to its callers.

use super::{
    prev_for_del, AddOutcome, Attachment, CallError, Incomplete, IncompleteDel, PluginError,
    Resolved, Rollback, Runtime, RuntimeError, DEFAULT_ROLLBACK_TIMEOUT,
};
use crate::cache::{CacheEntry, Cached};
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
                    if no_rollback {
                        self.keep_broken(list, att, prev.clone())?;
                    }
                    return Err(RuntimeError::interrupted(
                        signal,
                        plugin,
                        Command::Add,
                        rollback,
                    ));
                }
            };
            let rollback = self.rollback(list, resolved, att, prev.as_ref(), no_rollback);
            if no_rollback {
                self.keep_broken(list, att, prev.clone())?;
            }
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
            Ok(cache_path) => Ok(AddOutcome {
                result,
                typed,
                cache_path,
            }),
            Err(e) => {
                // libcni fails the ADD when the cache cannot be written; cnictl also undoes it,
                // since nothing would remember the attachment for a later DEL.
                let rollback = self.rollback(list, resolved, att, Some(&result), false);
                Err(RuntimeError::AddFailed {
                    error: PluginError {
                        plugin: "cache".into(),
                        plugin_name: None,
                        command: Command::Add,
                        failure: PluginFailure {
                            error: CniError::new(
                                0,
                                format!(
                                    "failed to set network \"{}\" cached result: {e}",
                                    list.name
                                ),
                            ),
                            exit_code: None,
                            signal: None,
                            stderr: String::new(),
                            timed_out: false,
                        },
                    },
                    rollback,
                    last_result: Some(result),
                })
            }
        }
    }

    fn keep_broken(
        &self,
        list: &NetworkConfigList,
        att: &Attachment,
        result: Option<Value>,
    ) -> Result<(), RuntimeError> {
        self.cache.write(&self.entry(list, att, result))?;
        Ok(())
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

#[cfg(test)]
mod tests;
