//! The networks of a config directory, each with its chain and a status: what `cnictl ls`
//! shows in its first table.
//!
//! Files come in libcni's priority order (`.conflist` files sorted, then `.conf` and `.json`
//! sorted together). Each file that parses has its plugin binaries (and IPAM binaries) looked
//! up on the CNI path and, when a [`VersionCache`] is given, probed with `VERSION` to see
//! whether they support the network's cniVersion (exact string membership, `""` meaning
//! `0.1.0`, as libcni's `ValidateNetworkList` compares). Each binary is probed at most once.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::config::{self, ConfigError, FileKind};
use crate::invoke::{find_plugin_on, FindError, VersionCache};
use crate::noderoot::NodeRoot;

/// Whether a binary is a chain plugin (`type`) or the IPAM plugin of one (`ipam.type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PluginRole {
    /// A plugin of the chain.
    Plugin,
    /// The IPAM plugin a chain plugin delegates to.
    Ipam,
}

impl PluginRole {
    /// `plugin` or `ipam`.
    pub fn as_str(self) -> &'static str {
        match self {
            PluginRole::Plugin => "plugin",
            PluginRole::Ipam => "ipam",
        }
    }
}

/// One binary a network needs, as found on the CNI path.
#[derive(Debug, Clone, PartialEq)]
pub struct PluginCheck {
    /// The binary's name (`bridge`, `host-local`).
    pub name: String,
    /// Chain plugin or IPAM plugin.
    pub role: PluginRole,
    /// Where it was found, or why not (libcni's `FindInPath` texts).
    pub found: Result<PathBuf, FindError>,
    /// The versions it supports, or why they are unknown; None when it was not probed (not
    /// found, or probing is off).
    pub versions: Option<Result<Vec<String>, String>>,
}

impl PluginCheck {
    /// Whether the binary supports `version` (`""` counts as `0.1.0`): None when unknown.
    pub fn supports(&self, version: &str) -> Option<bool> {
        let want = effective_version(version);
        match &self.versions {
            Some(Ok(v)) => Some(v.iter().any(|s| s == want)),
            _ => None,
        }
    }

    /// What libcni's `ValidateNetworkList` would say about this binary for `version`, when it
    /// would fail: its `FindInPath` error, the probe's error, or
    /// `plugin <type> does not support config version "<v>"`. None when it passes or when the
    /// versions were not probed.
    pub fn libcni_error(&self, version: &str) -> Option<String> {
        match (&self.found, &self.versions) {
            (Err(e), _) => Some(e.to_string()),
            (Ok(_), Some(Err(e))) => Some(e.clone()),
            (Ok(_), Some(Ok(_))) if self.supports(version) == Some(false) => Some(format!(
                "plugin {} does not support config version {:?}",
                self.name,
                effective_version(version)
            )),
            _ => None,
        }
    }
}

/// The version libcni checks plugins against: the list's cniVersion, `0.1.0` when empty.
pub fn effective_version(version: &str) -> &str {
    if version.is_empty() {
        "0.1.0"
    } else {
        version
    }
}

/// Something wrong with a file, most important first in [`NetworkEntry::problems`].
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// The file does not load; `reason` is the config module's error on one line.
    Invalid {
        /// Why.
        reason: String,
    },
    /// A lookup by name (`cnictl add NAME`) never reaches this file: an earlier file (in
    /// priority order) defines the same network, or is broken and its name cannot be read, so
    /// the search stops there.
    Shadowed {
        /// The file the lookup stops at.
        by: PathBuf,
        /// True when `by` is a broken file whose network name cannot be read.
        unreadable: bool,
    },
    /// A plugin or IPAM binary is not on the CNI path.
    PluginMissing {
        /// The binary.
        plugin: String,
        /// Chain plugin or IPAM.
        role: PluginRole,
        /// libcni's text (`failed to find plugin "x" in path [...]`).
        error: String,
    },
    /// A binary does not list the network's cniVersion among the versions it supports.
    VersionUnsupported {
        /// The binary.
        plugin: String,
        /// Chain plugin or IPAM.
        role: PluginRole,
        /// The version asked for (`0.1.0` for an empty cniVersion).
        version: String,
        /// What it supports.
        supported: Vec<String>,
    },
    /// Running the binary with VERSION failed.
    ProbeFailed {
        /// The binary.
        plugin: String,
        /// Chain plugin or IPAM.
        role: PluginRole,
        /// The error.
        error: String,
    },
}

impl Problem {
    /// A stable short name: `invalid`, `shadowed`, `plugin-missing`, `version-unsupported`,
    /// `probe-failed`.
    pub fn kind(&self) -> &'static str {
        match self {
            Problem::Invalid { .. } => "invalid",
            Problem::Shadowed { .. } => "shadowed",
            Problem::PluginMissing { .. } => "plugin-missing",
            Problem::VersionUnsupported { .. } => "version-unsupported",
            Problem::ProbeFailed { .. } => "probe-failed",
        }
    }

    fn rank(&self) -> u8 {
        match self {
            Problem::Invalid { .. } => 0,
            Problem::Shadowed { .. } => 1,
            Problem::PluginMissing { .. } => 2,
            Problem::VersionUnsupported { .. } => 3,
            Problem::ProbeFailed { .. } => 4,
        }
    }

    /// The problem on one line, without the file's name.
    pub fn message(&self) -> String {
        let role = |r: &PluginRole| match r {
            PluginRole::Plugin => "plugin",
            PluginRole::Ipam => "IPAM plugin",
        };
        match self {
            Problem::Invalid { reason } => reason.clone(),
            Problem::Shadowed {
                by,
                unreadable: false,
            } => format!("{} defines the same network first", display_name(by)),
            Problem::Shadowed {
                by,
                unreadable: true,
            } => format!(
                "a lookup by name stops at {}: it is broken and its network name cannot be read",
                display_name(by)
            ),
            Problem::PluginMissing {
                plugin, role: r, ..
            } => {
                format!("{} {plugin:?} is not on the CNI path", role(r))
            }
            Problem::VersionUnsupported {
                plugin,
                role: r,
                version,
                supported,
            } => format!(
                "{} {plugin:?} does not support cniVersion {version:?} (it supports {})",
                role(r),
                supported.join(", ")
            ),
            Problem::ProbeFailed {
                plugin,
                role: r,
                error,
            } => format!("{} {plugin:?}: VERSION failed: {error}", role(r)),
        }
    }
}

fn display_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
}

/// One config file of the directory.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkEntry {
    /// The file.
    pub path: PathBuf,
    /// Conflist or single-plugin file.
    pub kind: FileKind,
    /// The network name: parsed, or what a lenient read of a broken file finds.
    pub name: Option<String>,
    /// The selected cniVersion (after `cniVersions`), when the file loads.
    pub cni_version: Option<String>,
    /// The chain's plugin types with their IPAM types, when the file loads.
    pub chain: Vec<(String, Option<String>)>,
    /// The binaries the chain needs, in chain order (each plugin, then its IPAM plugin).
    pub checks: Vec<PluginCheck>,
    /// Everything wrong with the file, most important first; empty means ok.
    pub problems: Vec<Problem>,
}

impl NetworkEntry {
    /// True when the file loads.
    pub fn loads(&self) -> bool {
        self.cni_version.is_some()
    }

    /// The load error, when the file does not load.
    pub fn invalid_reason(&self) -> Option<&str> {
        self.problems.iter().find_map(|p| match p {
            Problem::Invalid { reason } => Some(reason.as_str()),
            _ => None,
        })
    }

    /// The most important problem, or None when the file is ok.
    pub fn status(&self) -> Option<&Problem> {
        self.problems.first()
    }

    /// The problems about binaries (missing, unsupported version, failed probe).
    pub fn plugin_problems(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| p.rank() >= 2)
    }

    /// The chain written as `bridge(host-local) → portmap`.
    pub fn chain_text(&self) -> String {
        self.chain
            .iter()
            .map(|(t, ipam)| match ipam {
                Some(i) => format!("{t}({i})"),
                None => t.clone(),
            })
            .collect::<Vec<_>>()
            .join(" → ")
    }
}

/// Inputs of [`scan_networks`].
pub struct ScanOptions<'a> {
    /// The CNI path.
    pub cni_path: &'a [PathBuf],
    /// The node the paths are on (`--root`): binaries are looked up through it.
    pub node_root: &'a NodeRoot,
    /// Probes binaries with VERSION when given; without it, only presence is checked.
    pub probe: Option<&'a VersionCache<'a>>,
    /// Model `--skip-broken` for shadowing: broken files claim no name and stop no lookup.
    pub skip_broken: bool,
}

/// A load error on one line, without the file's own name in front (the caller shows the file):
/// `line 3 column 5: error parsing configuration list: ...`, `no plugin configs found`.
pub fn error_reason(err: &ConfigError, file: &Path) -> String {
    let text = match (err, err.position()) {
        (ConfigError::List { error, .. }, Some((l, c))) if err.path() == Some(file) => {
            format!("line {l} column {c}: {error}")
        }
        (ConfigError::Plugin { error, .. }, Some((l, c))) if err.path() == Some(file) => {
            format!("line {l} column {c}: {error}")
        }
        _ => {
            let full = err.to_string();
            let prefix = format!("{}: ", file.display());
            match full.strip_prefix(&prefix) {
                Some(rest) => rest.to_string(),
                None => full,
            }
        }
    };
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every config file of `dir` in libcni's priority order, with its status. A missing `dir`
/// has none; a directory that cannot be read is an error.
pub fn scan_networks(dir: &Path, opts: &ScanOptions<'_>) -> Result<Vec<NetworkEntry>, ConfigError> {
    let scanned = config::scan_on(dir, opts.node_root)?;
    let mut entries = Vec::with_capacity(scanned.len());
    for file in scanned {
        let mut entry = NetworkEntry {
            path: file.path.clone(),
            kind: file.kind,
            name: file.name.clone(),
            cni_version: None,
            chain: Vec::new(),
            checks: Vec::new(),
            problems: Vec::new(),
        };
        match &file.result {
            Err(e) => entry.problems.push(Problem::Invalid {
                reason: error_reason(e, &file.path),
            }),
            Ok(list) => {
                entry.cni_version = Some(list.cni_version.clone());
                for p in &list.plugins {
                    entry
                        .chain
                        .push((p.plugin_type.clone(), p.ipam_type.clone()));
                    entry
                        .checks
                        .push(check(&p.plugin_type, PluginRole::Plugin, opts));
                    if let Some(ipam) = &p.ipam_type {
                        entry.checks.push(check(ipam, PluginRole::Ipam, opts));
                    }
                }
                entry.problems = plugin_problems(&entry.checks, &list.cni_version);
            }
        }
        entries.push(entry);
    }
    mark_shadowed(&mut entries, opts.skip_broken);
    for e in &mut entries {
        e.problems.sort_by_key(Problem::rank);
    }
    Ok(entries)
}

fn check(name: &str, role: PluginRole, opts: &ScanOptions<'_>) -> PluginCheck {
    let found = find_plugin_on(name, opts.cni_path, opts.node_root);
    let versions = match (&found, opts.probe) {
        (Ok(path), Some(cache)) => Some(cache.supported(path)),
        _ => None,
    };
    PluginCheck {
        name: name.to_string(),
        role,
        found,
        versions,
    }
}

/// The problems of a chain's binaries, each binary reported once.
fn plugin_problems(checks: &[PluginCheck], version: &str) -> Vec<Problem> {
    // A set, not a list: a chain of thousands of plugins must not cost their square.
    let mut seen: std::collections::HashSet<(&str, PluginRole)> = Default::default();
    let mut out = Vec::new();
    for c in checks {
        if !seen.insert((c.name.as_str(), c.role)) {
            continue;
        }
        let problem = match (&c.found, &c.versions) {
            (Err(e), _) => Some(Problem::PluginMissing {
                plugin: c.name.clone(),
                role: c.role,
                error: e.to_string(),
            }),
            (Ok(_), Some(Err(error))) => Some(Problem::ProbeFailed {
                plugin: c.name.clone(),
                role: c.role,
                error: error.clone(),
            }),
            (Ok(_), Some(Ok(supported))) if c.supports(version) == Some(false) => {
                Some(Problem::VersionUnsupported {
                    plugin: c.name.clone(),
                    role: c.role,
                    version: effective_version(version).to_string(),
                    supported: supported.clone(),
                })
            }
            _ => None,
        };
        out.extend(problem);
    }
    out
}

/// Marks the files a lookup by name never reaches, following [`config::load`]: the first file
/// (in priority order) that defines a name, loading or broken, is the one a lookup stops at; a
/// broken file whose name cannot be read stops every lookup that gets that far. With
/// `skip_broken`, broken files are passed over instead.
fn mark_shadowed(entries: &mut [NetworkEntry], skip_broken: bool) {
    let mut claimed: HashMap<String, PathBuf> = HashMap::new();
    let mut blocker: Option<PathBuf> = None;
    for e in entries.iter_mut() {
        let broken = !e.loads();
        if broken && skip_broken {
            continue;
        }
        let Some(name) = e.name.clone() else {
            if blocker.is_none() {
                blocker = Some(e.path.clone());
            }
            continue;
        };
        if let Some(first) = claimed.get(&name) {
            e.problems.push(Problem::Shadowed {
                by: first.clone(),
                unreadable: false,
            });
        } else if let Some(b) = &blocker {
            e.problems.push(Problem::Shadowed {
                by: b.clone(),
                unreadable: true,
            });
        } else {
            claimed.insert(name, e.path.clone());
        }
    }
}
