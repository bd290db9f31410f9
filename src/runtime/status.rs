//! STATUS: is a network ready for ADDs? What libcni's `GetStatusNetworkList` does, made to say
//! why when it cannot tell.
//!
//! libcni calls STATUS on each plugin in order, stops at the first error, and returns success
//! without calling anything when the network's cniVersion is older than 1.1.0. cnictl reports
//! every plugin and IPAM plugin of the chain: whether its binary is on the path, the spec
//! versions it supports (VERSION probe, once per binary), and the STATUS answer, which it asks
//! only when the network is 1.1.0 or newer and the plugin supports the network's version. A
//! plugin that does not is reported as such, never as "not ready", and a network older than
//! 1.1.0 "cannot report" instead of passing silently.

use super::{CallError, PluginError, Rollback, Runtime, RuntimeError};
use crate::config::NetworkConfigList;
use crate::invoke::{self, CniArgs, Command, VersionCache};
use crate::types::version::Version;
use std::path::PathBuf;

/// Why a plugin's STATUS was not asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusSkip {
    /// The network's cniVersion predates STATUS (or does not parse).
    NetworkVersion,
    /// The plugin's binary, or its IPAM plugin's, is not on the CNI path.
    Missing {
        /// The binary that is missing (the plugin's type or its IPAM type).
        binary: String,
    },
    /// The plugin does not list the network's cniVersion among its supported versions.
    Unsupported {
        /// The newest version it supports, when it lists any that parse.
        up_to: Option<String>,
    },
    /// The plugin's IPAM plugin does not support the network's cniVersion (the plugin would
    /// forward STATUS to it).
    IpamUnsupported {
        /// The IPAM plugin's type.
        ipam: String,
        /// The newest version the IPAM plugin supports.
        up_to: Option<String>,
    },
    /// An earlier plugin of the chain is not ready; libcni stops there.
    EarlierNotReady,
    /// An IPAM plugin: the runtime asks its main plugin, which forwards STATUS to it.
    Delegated {
        /// The main plugin's type.
        by: String,
    },
}

/// A plugin's STATUS answer, or why it was not asked.
#[derive(Debug, Clone, PartialEq)]
pub enum PluginStatus {
    /// STATUS exited 0: ready for ADDs.
    Ready,
    /// STATUS failed: the CNI error (code 50 "not available", 51 "not available, existing
    /// attachments may have limited connectivity", or any other), exit status and stderr.
    NotReady(PluginError),
    /// STATUS was not called.
    NotCalled(StatusSkip),
}

/// One row of the report: a plugin of the chain, or the IPAM plugin of the one before it.
#[derive(Debug, Clone, PartialEq)]
pub struct PluginReport {
    /// The plugin's `type` (or the IPAM plugin's `ipam.type`).
    pub plugin: String,
    /// For an IPAM plugin: the type of the plugin whose `ipam` it is.
    pub ipam_of: Option<String>,
    /// The binary, or why it was not found (libcni's text).
    pub path: Result<PathBuf, String>,
    /// The versions the binary supports, or why the probe failed; None when not found.
    pub versions: Option<Result<Vec<String>, String>>,
    /// The STATUS answer.
    pub status: PluginStatus,
}

/// What a network's plugins say about it, all together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetworkState {
    /// Every plugin answered STATUS with success.
    Ready,
    /// A plugin is missing or answered STATUS with an error.
    NotReady {
        /// Which plugin, and what it said.
        reason: String,
    },
    /// The network cannot report: its cniVersion predates STATUS, or a plugin does not
    /// support the network's version.
    CannotReport {
        /// Why.
        reason: String,
    },
}

/// The status of one network.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkStatus {
    /// The network name.
    pub network: String,
    /// Its cniVersion.
    pub cni_version: String,
    /// The file it was loaded from.
    pub source: Option<PathBuf>,
    /// One entry per plugin, each followed by its IPAM plugin when it has one.
    pub plugins: Vec<PluginReport>,
    /// The verdict.
    pub state: NetworkState,
}

/// The newest parseable version of a list, as written.
pub fn newest_version(versions: &[String]) -> Option<String> {
    versions
        .iter()
        .filter_map(|v| Version::parse(v).ok().map(|p| (p, v)))
        .max_by(|a, b| a.0.cmp(&b.0))
        .map(|(_, v)| v.clone())
}

/// True when a probe answer lists `version`. A failed probe counts as no: STATUS is asked only
/// of plugins known to support the network's version, and such a plugin "cannot report".
fn supports(versions: &Option<Result<Vec<String>, String>>, version: &str) -> bool {
    match versions {
        Some(Ok(v)) => v.iter().any(|s| s == version),
        Some(Err(_)) => false,
        None => true,
    }
}

fn up_to(versions: &Option<Result<Vec<String>, String>>) -> Option<String> {
    match versions {
        Some(Ok(v)) => newest_version(v),
        _ => None,
    }
}

impl<'a> Runtime<'a> {
    /// STATUS of a network: every plugin and IPAM plugin found and probed with VERSION (through
    /// `versions`, so each binary is probed once per run), then STATUS on the chain in order
    /// when the network is 1.1.0 or newer, skipping plugins that do not support its version
    /// and stopping at the first one that is not ready. Fails only when interrupted.
    pub fn status(
        &self,
        list: &NetworkConfigList,
        versions: &VersionCache<'_>,
    ) -> Result<NetworkStatus, RuntimeError> {
        let network_version = Version::parse(&list.cni_version);
        let can_ask = matches!(network_version, Ok(v) if v >= Version::V1_1_0);
        let args = CniArgs {
            path: self.cni_path.clone(),
            ..CniArgs::default()
        };
        let mut rows = Vec::new();
        let mut not_ready: Option<String> = None;
        let mut cannot_report: Option<String> = None;
        for plugin in &list.plugins {
            let main = self.probe_row(&plugin.plugin_type, None, versions);
            let ipam = plugin
                .ipam_type
                .as_deref()
                .filter(|t| !t.is_empty())
                .map(|t| self.probe_row(t, Some(&plugin.plugin_type), versions));
            let missing = match (&main.path, &ipam) {
                (Err(_), _) => Some(main.plugin.clone()),
                (_, Some(r)) if r.path.is_err() => Some(r.plugin.clone()),
                _ => None,
            };
            let status = if not_ready.is_some() {
                PluginStatus::NotCalled(StatusSkip::EarlierNotReady)
            } else if let Some(binary) = missing {
                not_ready = Some(format!(
                    "plugin \"{binary}\" is not on the CNI path{}",
                    if binary == main.plugin {
                        String::new()
                    } else {
                        format!(" (IPAM plugin of \"{}\")", main.plugin)
                    }
                ));
                PluginStatus::NotCalled(StatusSkip::Missing { binary })
            } else if !can_ask {
                PluginStatus::NotCalled(StatusSkip::NetworkVersion)
            } else if !supports(&main.versions, &list.cni_version) {
                let up_to = up_to(&main.versions);
                cannot_report.get_or_insert_with(|| {
                    format!(
                        "plugin \"{}\" {}",
                        main.plugin,
                        describe_unsupported(&main.versions, up_to.as_deref(), &list.cni_version)
                    )
                });
                PluginStatus::NotCalled(StatusSkip::Unsupported { up_to })
            } else if let Some(r) = ipam
                .as_ref()
                .filter(|r| !supports(&r.versions, &list.cni_version))
            {
                let up_to = up_to(&r.versions);
                cannot_report.get_or_insert_with(|| {
                    format!(
                        "IPAM plugin \"{}\" of \"{}\" {}",
                        r.plugin,
                        main.plugin,
                        describe_unsupported(&r.versions, up_to.as_deref(), &list.cni_version)
                    )
                });
                PluginStatus::NotCalled(StatusSkip::IpamUnsupported {
                    ipam: r.plugin.clone(),
                    up_to,
                })
            } else {
                let path = main.path.clone().unwrap_or_default();
                let stdin = invoke::build_status_request(plugin, &list.name, &list.cni_version);
                match self.call(
                    plugin,
                    &path,
                    Command::Status,
                    &args,
                    stdin,
                    &self.limits,
                    false,
                ) {
                    Ok(_) => PluginStatus::Ready,
                    Err(CallError::Failed(error)) => {
                        not_ready = Some(error.to_string());
                        PluginStatus::NotReady(error)
                    }
                    Err(CallError::Interrupted(signal)) => {
                        return Err(RuntimeError::interrupted(
                            signal,
                            plugin,
                            Command::Status,
                            Rollback::default(),
                        ))
                    }
                }
            };
            rows.push(PluginReport { status, ..main });
            if let Some(mut r) = ipam {
                r.status = PluginStatus::NotCalled(StatusSkip::Delegated {
                    by: plugin.plugin_type.clone(),
                });
                rows.push(r);
            }
        }
        let state = if let Some(reason) = not_ready {
            NetworkState::NotReady { reason }
        } else if !can_ask {
            NetworkState::CannotReport {
                reason: match network_version {
                    Err(e) => format!("invalid cniVersion {:?}: {e}", list.cni_version),
                    Ok(_) => format!(
                        "STATUS not supported by cniVersion {}",
                        shown_version(&list.cni_version)
                    ),
                },
            }
        } else if let Some(reason) = cannot_report {
            NetworkState::CannotReport { reason }
        } else {
            NetworkState::Ready
        };
        Ok(NetworkStatus {
            network: list.name.clone(),
            cni_version: list.cni_version.clone(),
            source: list.source.clone(),
            plugins: rows,
            state,
        })
    }

    /// Finds and probes one binary; the status is filled in by the caller.
    fn probe_row(
        &self,
        name: &str,
        ipam_of: Option<&str>,
        versions: &VersionCache<'_>,
    ) -> PluginReport {
        let path = invoke::find_in_path_on(name, &self.cni_path, &self.cache.node_root)
            .map_err(|e| e.to_string());
        let probed = path.as_ref().ok().map(|p| versions.supported(p));
        PluginReport {
            plugin: name.to_string(),
            ipam_of: ipam_of.map(str::to_string),
            path,
            versions: probed,
            status: PluginStatus::NotCalled(StatusSkip::NetworkVersion),
        }
    }
}

/// `""` is shown as libcni reads it.
fn shown_version(v: &str) -> String {
    if v.is_empty() {
        "\"\" (read as 0.1.0)".to_string()
    } else {
        v.to_string()
    }
}

fn describe_unsupported(
    versions: &Option<Result<Vec<String>, String>>,
    up_to: Option<&str>,
    version: &str,
) -> String {
    if let Some(Err(e)) = versions {
        return format!("could not be asked which versions it supports (VERSION failed: {e})");
    }
    match up_to {
        Some(u) => format!("supports up to {u}, not cniVersion {version}"),
        None => format!("does not support cniVersion {version}"),
    }
}

#[cfg(test)]
mod tests;
