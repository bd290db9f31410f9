//! DEL: the chain in reverse with the cached result and the runtime args recorded at ADD.

use super::{
    convert_cached, fmt_args, Attachment, CallError, DelRequest, Outcome, Rollback, Runtime,
    RuntimeError,
};
use crate::cache::{CacheEntry, Cached};
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
                    "the cache entry is corrupt ({msg}); deleting without a prevResult"
                ));
                (None, None)
            }
            None => (None, None),
        };
        let cached_list = match entry.and_then(|e| e.config.as_ref()) {
            Some(bytes) => match config::list_from_bytes(bytes) {
                Ok(l) => Some(l),
                Err(e) => {
                    if req.cached_config {
                        return Err(RuntimeError::CachedConfig {
                            network: req.network.clone(),
                            msg: format!("the cached config does not parse: {e}"),
                        });
                    }
                    None
                }
            },
            None => None,
        };
        let list_owned;
        let list: &NetworkConfigList = if req.cached_config {
            match &cached_list {
                Some(l) => l,
                None => {
                    return Err(RuntimeError::CachedConfig {
                        network: req.network.clone(),
                        msg: format!(
                            "no cached config for container \"{}\" and interface {}",
                            req.container_id, req.ifname
                        ),
                    })
                }
            }
        } else {
            match current {
                Some(l) => {
                    if let Some(e) = entry {
                        if e.config.as_deref().is_some_and(|b| b != l.bytes.as_slice()) {
                            out.warnings.push(format!(
                                "the config of network \"{}\" changed since ADD; deleting with the current one (--cached-config uses the one ADD used)",
                                l.name
                            ));
                        }
                    }
                    l
                }
                None => match cached_list {
                    Some(l) => {
                        list_owned = l;
                        &list_owned
                    }
                    None => {
                        return Err(RuntimeError::CachedConfig {
                            network: req.network.clone(),
                            msg: "no config given and none cached".into(),
                        });
                    }
                },
            }
        };
        let att = self.effective_attachment(entry, req, &mut out.warnings);
        Self::validate_ids(&list.name, &att)?;
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
                        "cached result unusable ({msg}); deleting without a prevResult"
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
        if cached.is_some() {
            self.cache
                .remove(&req.network, &req.container_id, &req.ifname)?;
        }
        Ok(out)
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
