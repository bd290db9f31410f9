//! CHECK: the version gate, `disableCheck`, and the chain in order against the cached result.

use super::{convert_cached, CallError, DelRequest, Outcome, Rollback, Runtime, RuntimeError};
use crate::cache::{Cached, RecordState};
use crate::config::NetworkConfigList;
use crate::invoke::Command;
use crate::types::version::Version;

impl<'a> Runtime<'a> {
    /// CHECK: version gate, `disableCheck` (before the cache is read, as in libcni), cached
    /// result required, plugins in order.
    pub fn check(
        &self,
        list: &NetworkConfigList,
        req: &DelRequest,
    ) -> Result<Outcome, RuntimeError> {
        let mut out = Outcome::default();
        let version = Version::parse(&list.cni_version).map_err(|e| RuntimeError::Version {
            network: list.name.clone(),
            msg: format!("invalid cniVersion: {e}"),
        })?;
        if version < Version::V0_4_0 {
            return Err(RuntimeError::Version {
                network: list.name.clone(),
                msg: format!(
                    "configuration version \"{}\" does not support the CHECK command",
                    list.cni_version
                ),
            });
        }
        // libcni returns success here, before it reads the cache: a missing or corrupt entry
        // does not matter to a network that disables CHECK.
        if list.disable_check {
            out.skipped = true;
            return Ok(out);
        }
        let cached = self
            .cache
            .read(&req.network, &req.container_id, &req.ifname)?;
        let (entry, result) = match &cached {
            Some(Cached::V1(e)) => (Some(e), e.result.clone()),
            Some(Cached::Legacy(v)) => (None, Some(v.clone())),
            Some(Cached::Corrupt(msg)) => {
                return Err(RuntimeError::BadCache {
                    network: list.name.clone(),
                    path: self
                        .cache
                        .result_path(&req.network, &req.container_id, &req.ifname)?,
                    msg: msg.clone(),
                });
            }
            None => {
                return Err(RuntimeError::NotAttached {
                    network: list.name.clone(),
                    container_id: req.container_id.clone(),
                    ifname: req.ifname.clone(),
                })
            }
        };
        let record = self.own_record(req, entry, &mut out.warnings)?;
        if let Some(r) = record
            .as_ref()
            .filter(|r| r.state == RecordState::AddFailed)
        {
            return Err(RuntimeError::BadCache {
                network: list.name.clone(),
                path: self
                    .cache
                    .result_path(&req.network, &req.container_id, &req.ifname)?,
                msg: format!(
                    "it records a failed ADD ({}), not an attachment to check; `cnictl del` cleans it up",
                    r.failed.as_ref().map(|f| f.error.as_str()).unwrap_or("no detail")
                ),
            });
        }
        self.check_entry(&list.name, req, entry, &mut out.warnings)?;
        self.refuse_mismatch(
            entry,
            record.as_ref(),
            req,
            Command::Check,
            &mut out.warnings,
        )?;
        let att = self.effective_attachment(entry, req, &mut out.warnings);
        Self::validate_ids(&list.name, &att)?;
        self.guard_netns(&att)?;
        let resolved = self.resolve(list)?;
        let prev = match result
            .as_ref()
            .map(|r| convert_cached(r, &list.cni_version))
        {
            Some(Ok(v)) => Some(v),
            Some(Err(msg)) => {
                return Err(RuntimeError::BadCache {
                    network: list.name.clone(),
                    path: self
                        .cache
                        .result_path(&req.network, &req.container_id, &req.ifname)?,
                    msg,
                })
            }
            None => None,
        };
        for (plugin, path) in list.plugins.iter().zip(&resolved.plugins) {
            match self.call_in_chain(
                list,
                plugin,
                path,
                Command::Check,
                &att,
                prev.as_ref(),
                &self.limits,
                false,
            ) {
                Ok(_) => {}
                Err(CallError::Failed(e)) => return Err(RuntimeError::CheckFailed(e)),
                Err(CallError::Interrupted(signal)) => {
                    return Err(RuntimeError::interrupted(
                        signal,
                        plugin,
                        Command::Check,
                        Rollback::default(),
                    ))
                }
            }
        }
        Ok(out)
    }
}
