//! Which network each container runtime would use, and why: the rules of containerd (go-cni),
//! CRI-O (ocicni) and libcni's lookup by name (cnitool, and cnictl itself), applied to the
//! entries of [`super::scan_networks`].
//!
//! The rules, as read in the runtimes' sources:
//!
//! * **containerd** (`containerd/go-cni`, `opts.go` `loadFromConfDir`, `cni.go` `Load` and
//!   `Status`): the `.conf`, `.conflist` and `.json` files of the directory, sorted together by
//!   path; files are loaded in that order until `max_conf_num` networks are loaded (default
//!   1; 0 means all). A file among those that fails to load (a parse error, a `.conf` without
//!   `type`, a list without plugins) fails the whole load:
//!   `cni config load failed: failed to load CNI config list file F: ...: invalid cni config:
//!   failed to load cni config`, and the node reports `cni plugin not initialized`. No files:
//!   `no network config found in DIR`. The first loaded network is the default (`eth0`), the
//!   others get `eth1`, `eth2`, ... Plugins are not looked for at load time: a missing plugin
//!   shows only when a pod is set up.
//! * **CRI-O** (`cri-o/ocicni`, `pkg/ocicni/ocicni.go` `loadNetworks`, `syncNetworkConfig`,
//!   `getDefaultNetwork`): the same sorted list, but a file that fails to load, has no plugins,
//!   or fails libcni's `ValidateNetworkList` (each chain plugin found on the CNI path and
//!   supporting the network's cniVersion by its VERSION answer; IPAM plugins are not checked)
//!   is skipped with a log line. An empty network name becomes the file's base name. Among
//!   equal names the first file wins. The default is the configured default network
//!   (`cni_default_network`) when one is set, otherwise the network of the first file that
//!   remains; none gives `no CNI configuration file in DIR. Has your network provider started?`.
//! * **libcni / cnitool** (`containernetworking/cni`, `libcni/conf.go` `LoadNetworkConf`): no
//!   default; a network is looked up by name among the `.conflist` files (sorted) first, then
//!   among the `.conf`/`.json` files; any file that fails to load on the way aborts the lookup.

use std::collections::{HashMap, HashSet};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use super::networks::{NetworkEntry, PluginRole};
use crate::config::FileKind;

/// A network containerd loads.
#[derive(Debug, Clone, PartialEq)]
pub struct ContainerdNetwork {
    /// The network name.
    pub network: String,
    /// The file.
    pub file: PathBuf,
    /// The interface it is attached as (`eth0` for the default, then `eth1`, ...).
    pub ifname: String,
    /// Problems with its binaries that containerd does not check when loading, one line each;
    /// a pod setup would hit them.
    pub unchecked: Vec<String>,
}

/// What containerd's load comes to.
#[derive(Debug, Clone, PartialEq)]
pub enum ContainerdOutcome {
    /// The load succeeds; the first network is the default.
    Loaded {
        /// The networks loaded, in order (at least one).
        networks: Vec<ContainerdNetwork>,
    },
    /// The directory has no config files.
    NoConfig {
        /// containerd's error message.
        error: String,
    },
    /// A file among the first `max_conf_num` fails to load, which fails the whole load.
    Failed {
        /// The file.
        file: PathBuf,
        /// containerd's error message.
        error: String,
    },
}

/// containerd's view of the directory.
#[derive(Debug, Clone, PartialEq)]
pub struct ContainerdModel {
    /// `max_conf_num` (0: no limit).
    pub max_conf_num: usize,
    /// How many config files it sees.
    pub files: usize,
    /// What the load comes to.
    pub outcome: ContainerdOutcome,
}

impl ContainerdModel {
    /// The default network and its file, when the load succeeds.
    pub fn default_network(&self) -> Option<&ContainerdNetwork> {
        match &self.outcome {
            ContainerdOutcome::Loaded { networks } => networks.first(),
            _ => None,
        }
    }
}

/// The error containerd's node status carries when the load failed.
pub const CONTAINERD_NOT_INITIALIZED: &str = "cni plugin not initialized";

/// The entries in the order go-cni and ocicni read them: every config file sorted by path.
fn runtime_order(entries: &[NetworkEntry]) -> Vec<&NetworkEntry> {
    let mut v: Vec<&NetworkEntry> = entries.iter().collect();
    v.sort_by(|a, b| {
        a.path
            .as_os_str()
            .as_bytes()
            .cmp(b.path.as_os_str().as_bytes())
    });
    v
}

/// containerd's default network for `dir`, whose entries are `entries`, loading at most
/// `max_conf_num` files (0: all).
pub fn containerd_default(
    dir: &Path,
    entries: &[NetworkEntry],
    max_conf_num: usize,
) -> ContainerdModel {
    let ordered = runtime_order(entries);
    let files = ordered.len();
    let model = |outcome| ContainerdModel {
        max_conf_num,
        files,
        outcome,
    };
    if ordered.is_empty() {
        return model(ContainerdOutcome::NoConfig {
            error: format!(
                "cni config load failed: no network config found in {}: {CONTAINERD_NOT_INITIALIZED}: failed to load cni config",
                dir.display()
            ),
        });
    }
    let mut networks = Vec::new();
    for e in ordered {
        if let Some(reason) = e.invalid_reason() {
            let what = match e.kind {
                FileKind::List => "CNI config list file",
                FileKind::Single => "CNI config file",
            };
            return model(ContainerdOutcome::Failed {
                file: e.path.clone(),
                error: format!(
                    "cni config load failed: failed to load {what} {}: {reason}: invalid cni config: failed to load cni config",
                    e.path.display()
                ),
            });
        }
        networks.push(ContainerdNetwork {
            network: e.name.clone().unwrap_or_default(),
            file: e.path.clone(),
            ifname: format!("eth{}", networks.len()),
            unchecked: e.plugin_problems().map(|p| p.message()).collect(),
        });
        if networks.len() == max_conf_num {
            break;
        }
    }
    model(ContainerdOutcome::Loaded { networks })
}

/// What CRI-O does with one file.
#[derive(Debug, Clone, PartialEq)]
pub enum CrioVerdict {
    /// Loaded as this network.
    Loaded {
        /// The network name (the file's base name when the config's name is empty).
        network: String,
    },
    /// Loaded and validated, but an earlier file has the same network name: ignored.
    Duplicate {
        /// The network name.
        network: String,
        /// The file that keeps the name.
        kept: PathBuf,
    },
    /// Skipped, with CRI-O's reason (libcni's texts where libcni produces them).
    Skipped {
        /// Why.
        reason: String,
        /// Whether it failed to load or failed libcni's plugin check.
        stage: SkipStage,
    },
}

/// Where CRI-O gave up on a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipStage {
    /// It does not load (parse error, no plugins).
    Load,
    /// It loads but fails libcni's `ValidateNetworkList`.
    Validate,
}

impl SkipStage {
    /// `load` or `validate`.
    pub fn as_str(self) -> &'static str {
        match self {
            SkipStage::Load => "load",
            SkipStage::Validate => "validate",
        }
    }
}

/// One file as CRI-O sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct CrioFile {
    /// The file.
    pub file: PathBuf,
    /// What CRI-O does with it.
    pub verdict: CrioVerdict,
}

/// CRI-O's default network.
#[derive(Debug, Clone, PartialEq)]
pub enum CrioOutcome {
    /// A default network exists.
    Default {
        /// The network.
        network: String,
        /// Its file.
        file: PathBuf,
        /// True when it is the configured default network, false when it is the first file's.
        configured: bool,
    },
    /// No default network: pods without an explicit network fail with `error`.
    NoDefault {
        /// CRI-O's error message.
        error: String,
    },
}

/// CRI-O's view of the directory.
#[derive(Debug, Clone, PartialEq)]
pub struct CrioModel {
    /// The configured default network name (`cni_default_network`), if any.
    pub configured_default: Option<String>,
    /// False when plugins were not probed: files whose plugins do not support the version were
    /// counted as passing libcni's check.
    pub versions_checked: bool,
    /// Every config file in CRI-O's order, with its verdict.
    pub files: Vec<CrioFile>,
    /// The default network.
    pub outcome: CrioOutcome,
}

/// CRI-O's default network for `dir`. `configured_default` models `cni_default_network`;
/// `versions_checked` says whether the entries' binaries were probed.
pub fn crio_default(
    dir: &Path,
    entries: &[NetworkEntry],
    configured_default: Option<&str>,
    versions_checked: bool,
) -> CrioModel {
    let mut files = Vec::new();
    let mut networks: HashMap<String, PathBuf> = HashMap::new();
    let mut first: Option<String> = None;
    for e in runtime_order(entries) {
        let verdict = crio_verdict(e, &networks);
        if let CrioVerdict::Loaded { network } = &verdict {
            networks.insert(network.clone(), e.path.clone());
        }
        if let CrioVerdict::Loaded { network } | CrioVerdict::Duplicate { network, .. } = &verdict {
            first.get_or_insert_with(|| network.clone());
        }
        files.push(CrioFile {
            file: e.path.clone(),
            verdict,
        });
    }
    let wanted = configured_default.map(str::to_string).or(first);
    let outcome = match wanted.and_then(|n| networks.get(&n).map(|f| (n, f.clone()))) {
        Some((network, file)) => CrioOutcome::Default {
            network,
            file,
            configured: configured_default.is_some(),
        },
        None => CrioOutcome::NoDefault {
            error: format!(
                "no CNI configuration file in {}. Has your network provider started?",
                dir.display()
            ),
        },
    };
    CrioModel {
        configured_default: configured_default.map(str::to_string),
        versions_checked,
        files,
        outcome,
    }
}

fn crio_verdict(e: &NetworkEntry, networks: &HashMap<String, PathBuf>) -> CrioVerdict {
    if let Some(reason) = e.invalid_reason() {
        return CrioVerdict::Skipped {
            reason: reason.to_string(),
            stage: SkipStage::Load,
        };
    }
    if e.chain.is_empty() {
        return CrioVerdict::Skipped {
            reason: "the config list has no networks".to_string(),
            stage: SkipStage::Load,
        };
    }
    let version = e.cni_version.as_deref().unwrap_or("");
    let errors: Vec<String> = e
        .checks
        .iter()
        .filter(|c| c.role == PluginRole::Plugin)
        .filter_map(|c| c.libcni_error(version))
        .collect();
    if !errors.is_empty() {
        return CrioVerdict::Skipped {
            reason: format!("libcni's ValidateNetworkList: [{}]", errors.join(" ")),
            stage: SkipStage::Validate,
        };
    }
    let mut network = e.name.clone().unwrap_or_default();
    if network.is_empty() {
        network = e
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
    }
    match networks.get(&network) {
        Some(kept) => CrioVerdict::Duplicate {
            network,
            kept: kept.clone(),
        },
        None => CrioVerdict::Loaded { network },
    }
}

/// libcni's lookup of one network name.
#[derive(Debug, Clone, PartialEq)]
pub struct Lookup {
    /// The name looked up.
    pub network: String,
    /// The file it resolves to, or the file that aborts the lookup and its error.
    pub outcome: Result<PathBuf, (PathBuf, String)>,
}

/// For each network name the directory mentions (in priority order of first mention), what
/// libcni's `LoadNetworkConf` (cnitool) resolves it to: `.conflist` files first, then
/// `.conf`/`.json`; the first file that fails to load on the way aborts the lookup. Linear in
/// the number of files.
pub fn libcni_lookups(entries: &[NetworkEntry]) -> Vec<Lookup> {
    let (lists, singles): (Vec<&NetworkEntry>, Vec<&NetworkEntry>) =
        entries.iter().partition(|e| e.kind == FileKind::List);
    let lists = Pass::new(&lists);
    let singles_pass = Pass::new(&singles);
    let mut names = Vec::new();
    let mut seen = HashSet::new();
    for e in entries {
        if let Some(n) = &e.name {
            if seen.insert(n.as_str()) {
                names.push(n.clone());
            }
        }
    }
    names
        .into_iter()
        .map(|network| {
            let outcome = lists
                .find(&network)
                .or_else(|| singles_pass.find(&network))
                .unwrap_or_else(|| {
                    // Every name comes from some file, and a broken file aborts the lookup at
                    // itself at the latest, so this is not reached; answer honestly anyway.
                    Err((
                        PathBuf::new(),
                        format!("no net configuration with name {network:?}"),
                    ))
                });
            Lookup { network, outcome }
        })
        .collect()
}

/// One of libcni's two passes (conflists, then single-plugin files), indexed.
struct Pass<'a> {
    /// The first file that does not load, and its error.
    first_broken: Option<(usize, &'a NetworkEntry)>,
    /// The first loading file of each name.
    first_of: HashMap<&'a str, (usize, &'a NetworkEntry)>,
}

impl<'a> Pass<'a> {
    fn new(files: &[&'a NetworkEntry]) -> Self {
        let mut first_broken = None;
        let mut first_of = HashMap::new();
        for (i, e) in files.iter().copied().enumerate() {
            if !e.loads() {
                first_broken.get_or_insert((i, e));
            } else if let Some(n) = &e.name {
                first_of.entry(n.as_str()).or_insert((i, e));
            }
        }
        Pass {
            first_broken,
            first_of,
        }
    }

    /// Some(Ok) at the first match, Some(Err) at a broken file before it (or anywhere, when
    /// nothing matches), None when neither occurs.
    fn find(&self, name: &str) -> Option<Result<PathBuf, (PathBuf, String)>> {
        let hit = self.first_of.get(name);
        match (hit, self.first_broken) {
            (Some(&(i, e)), broken) if broken.is_none_or(|(j, _)| j > i) => {
                Some(Ok(e.path.clone()))
            }
            (_, Some((_, b))) => Some(Err((
                b.path.clone(),
                b.invalid_reason().unwrap_or_default().to_string(),
            ))),
            (_, None) => None,
        }
    }
}
