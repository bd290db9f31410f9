//! DEL: the chain in reverse with the cached result and the runtime args recorded at ADD.

use super::{
    chain_json, convert_cached, fmt_args, list_from_record, Attachment, CallError, DelRequest,
    Outcome, Rollback, Runtime, RuntimeError,
};
use crate::cache::{CacheEntry, Cached, RawJson, Record, RecordState};
use crate::config::{self, NetworkConfigList};
use crate::invoke::Command;
use crate::types::version::Version;
use serde_json::Value;

impl<'a> Runtime<'a> {
    /// DEL of an attachment. `explicit_args`/`explicit_caps` replace the cached ones when given;
    /// `cached_config` deletes with the config the ADD used.
    pub fn del(
        &self,
        current: Option<&NetworkConfigList>,
        req: &DelRequest,
    ) -> Result<Outcome, RuntimeError> {
        let mut out = Outcome::default();
        let cached = self
            .cache
            .read(&req.network, &req.container_id, &req.ifname)?;
        let (entry, cached_result) = match &cached {
            Some(Cached::V1(e)) => (Some(e), e.result.clone()),
            Some(Cached::Legacy(v)) => (None, Some(v.clone())),
            Some(Cached::Corrupt(msg)) => {
                out.warnings.push(format!(
                    "{}: the cache entry is corrupt ({msg}); deleting without a prevResult",
                    self.entry_path(req)?.display()
                ));
                (None, None)
            }
            None => (None, None),
        };
        if let Some(w) = entry
            .and_then(|e| e.identity_mismatch_warning(&req.network, &req.container_id, &req.ifname))
        {
            out.warnings
                .push(format!("{}: {w}", self.entry_path(req)?.display()));
        }
        let record = self.own_record(req, entry, &mut out.warnings)?;
        // A record whose result is unusable: DEL runs without a prevResult (best effort, as for
        // a corrupt file). A failed ADD's record may hold no result on purpose.
        let failed_add = record
            .as_ref()
            .is_some_and(|r| r.state == RecordState::AddFailed);
        let cached_result = match entry.and_then(CacheEntry::result_defect) {
            Some(_) if failed_add && entry.is_some_and(|e| e.result.is_none()) => None,
            Some(defect) => {
                out.warnings.push(format!(
                    "{}: the cache entry is unusable ({defect}); deleting without a prevResult",
                    self.entry_path(req)?.display()
                ));
                None
            }
            None => cached_result,
        };
        // No usable libcni entry (an ADD killed before it settled left only its intent; a
        // corrupt or legacy file has no args): the record's args are the ones to use.
        let intent_entry = match (entry, &record) {
            (None, Some(r)) => Some(r.as_entry()),
            _ => None,
        };
        let entry = entry.or(intent_entry.as_ref());
        self.refuse_mismatch(entry, record.as_ref(), req, Command::Del, &mut out.warnings)?;
        // An ADD given a config file (cnictl's record names it) is never undone with a
        // network found by name elsewhere (gc's config-dir lookup): the recorded chain is
        // used instead. A list that is itself a named file was chosen by the caller.
        let recorded_file = record.as_ref().and_then(|r| r.file.clone());
        let current = match (current, &recorded_file) {
            (Some(l), Some(file)) if !l.named_file && !req.cached_config => {
                out.warnings.push(format!(
                    "the ADD of this attachment was given the config file {}; deleting with the chain recorded at ADD, not network \"{}\" of {}",
                    file.display(),
                    l.name,
                    l.source
                        .as_ref()
                        .map_or_else(|| "the config dir".to_string(), |p| p.display().to_string())
                ));
                None
            }
            (c, _) => c,
        };
        let list_owned;
        let list: &NetworkConfigList = match (req.cached_config, current) {
            (false, Some(l)) => {
                let changed = match (&record, entry) {
                    (Some(r), _) => r.chain != RawJson::from_value(&chain_json(l)),
                    (None, Some(e)) => e.config.as_deref().is_some_and(|b| b != l.bytes.as_slice()),
                    (None, None) => false,
                };
                if changed {
                    out.warnings.push(format!(
                        "the config of network \"{}\" changed since ADD; deleting with the current one (--cached-config uses the one ADD used)",
                        l.name
                    ));
                }
                l
            }
            _ => {
                list_owned = self.cached_chain(entry, record.as_ref(), current, req)?;
                &list_owned
            }
        };
        let att = self.effective_attachment(entry, req, &mut out.warnings);
        Self::validate_ids(&list.name, &att)?;
        self.guard_netns(&att)?;
        let version = Version::parse(&list.cni_version).map_err(|e| RuntimeError::Version {
            network: list.name.clone(),
            msg: format!("invalid cniVersion: {e}"),
        })?;
        let resolved = self.resolve(list)?;
        let prev = if version >= Version::V0_4_0 {
            match cached_result
                .as_ref()
                .map(|r| convert_cached(r, &list.cni_version))
            {
                Some(Ok(v)) => Some(v),
                Some(Err(msg)) => {
                    out.warnings.push(format!(
                        "{}: cached result unusable ({msg}); deleting without a prevResult",
                        self.entry_path(req)?.display()
                    ));
                    None
                }
                None => None,
            }
        } else {
            None
        };
        let mut errors = Vec::new();
        for (plugin, path) in list.plugins.iter().zip(&resolved.plugins).rev() {
            match self.call_in_chain(
                list,
                plugin,
                path,
                Command::Del,
                &att,
                prev.as_ref(),
                &self.limits,
                false,
            ) {
                Ok(_) => {}
                Err(CallError::Failed(e)) => errors.push(e),
                Err(CallError::Interrupted(signal)) => {
                    return Err(RuntimeError::interrupted(
                        signal,
                        plugin,
                        Command::Del,
                        Rollback::default(),
                    ))
                }
            }
        }
        if !errors.is_empty() {
            return Err(RuntimeError::DelFailed {
                errors,
                warnings: out.warnings,
            });
        }
        // Plugins ran: a cache failure from here on is not "nothing was run".
        let after_run = |error| RuntimeError::CacheAfterRun {
            what: format!(
                "DEL of network \"{}\" ran every plugin ({})",
                list.name,
                list.plugins
                    .iter()
                    .map(|p| p.plugin_type.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            error,
        };
        if cached.is_some() {
            self.cache
                .remove(&req.network, &req.container_id, &req.ifname)
                .map_err(after_run)?;
        }
        self.cache
            .remove_record(&req.network, &req.container_id, &req.ifname)
            .map_err(after_run)?;
        Ok(out)
    }

    /// The chain a DEL without the current config uses: the one cnictl recorded at ADD, or
    /// else the config libcni cached, unless that may lack plugins the ADD ran (a list has
    /// none inline, or its plugin subdirectory holds plugins libcni did not cache and the
    /// current config is not that very list). Never fewer plugins than the ADD ran.
    fn cached_chain(
        &self,
        entry: Option<&CacheEntry>,
        record: Option<&Record>,
        current: Option<&NetworkConfigList>,
        req: &DelRequest,
    ) -> Result<NetworkConfigList, RuntimeError> {
        let refuse = |msg: String| RuntimeError::CachedConfig {
            network: req.network.clone(),
            msg: format!("{msg}; nothing was run and the cache entry was kept"),
        };
        if let Some(r) = record {
            let list = list_from_record(r).map_err(|e| {
                refuse(format!(
                    "the chain cnictl recorded at ADD does not parse: {e}"
                ))
            })?;
            if list.plugins.is_empty() {
                return Err(refuse(
                    "the chain cnictl recorded at ADD has no plugins".into(),
                ));
            }
            return Ok(list);
        }
        let Some(bytes) = entry.and_then(|e| e.config.as_ref()) else {
            return Err(RuntimeError::CachedConfig {
                network: req.network.clone(),
                msg: if req.cached_config {
                    format!(
                        "no cached config for container \"{}\" and interface {}",
                        req.container_id, req.ifname
                    )
                } else {
                    "no config given and none cached".into()
                },
            });
        };
        let list = config::list_from_bytes(bytes)
            .map_err(|e| refuse(format!("the cached config does not parse: {e}")))?;
        if current.is_some_and(|c| c.bytes == *bytes) {
            // The same list is in the config dir: it has the subdirectory plugins too.
            return Ok(current.cloned().unwrap_or(list));
        }
        let subdir = self
            .conf_dir
            .as_ref()
            .filter(|_| !list.load_only_inlined_plugins)
            .map(|d| d.join(&list.name))
            .filter(|d| config::conf_files(d, &[".conf"]).is_ok_and(|files| !files.is_empty()));
        if let Some(dir) = subdir {
            return Err(refuse(format!(
                "the cached config holds only the plugins written in the list; the plugins of {} are not cached (libcni does not cache them) and the config dir holds another version of the network, so the chain the ADD ran is unknown",
                dir.display()
            )));
        }
        if list.plugins.is_empty() {
            return Err(refuse(
                "the cached config has no plugins (they came from the network's plugin subdirectory, which libcni does not cache)".into(),
            ));
        }
        Ok(list)
    }

    /// The attachment a DEL/CHECK uses: identity from the request, CNI_ARGS and capability
    /// args from the cache unless given explicitly (with a warning when they differ).
    pub(super) fn effective_attachment(
        &self,
        entry: Option<&CacheEntry>,
        req: &DelRequest,
        warnings: &mut Vec<String>,
    ) -> Attachment {
        let cached_args = entry.map(|e| e.cni_args.clone()).unwrap_or_default();
        let cached_caps = entry.map(|e| e.capability_args.clone()).unwrap_or_default();
        let args = match &req.explicit_args {
            Some(a) => {
                if entry.is_some() && *a != cached_args {
                    warnings.push(format!(
                        "CNI_ARGS differ from the ones cached at ADD ({}); using the ones given",
                        fmt_args(&cached_args)
                    ));
                }
                a.clone()
            }
            None => cached_args,
        };
        let caps = match &req.explicit_caps {
            Some(c) => {
                if entry.is_some() && *c != cached_caps {
                    warnings.push(format!(
                        "capability args differ from the ones cached at ADD ({}); using the ones given",
                        Value::Object(cached_caps.clone())
                    ));
                }
                c.clone()
            }
            None => cached_caps,
        };
        Attachment {
            container_id: req.container_id.clone(),
            netns: req.netns.clone(),
            ifname: req.ifname.clone(),
            args,
            capability_args: caps,
        }
    }
}
