//! Finding and parsing network configuration files, as libcni's `libcni/conf.go` does.
//!
//! INTERFACE STUB — to be implemented.

use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

/// One plugin of a chain. `raw` is the plugin object exactly as written (key order, unknown keys
/// and exact numbers kept), which is what request building injects into.
#[derive(Debug, Clone, PartialEq)]
pub struct PluginConfig {
    /// `type`: the plugin binary's name.
    pub plugin_type: String,
    /// The plugin object's own `name`, if any.
    pub name: Option<String>,
    /// `ipam.type`, if the plugin has an `ipam` object with a type.
    pub ipam_type: Option<String>,
    /// The capabilities declared true, in file order.
    pub capabilities: Vec<String>,
    /// The plugin object, verbatim.
    pub raw: Map<String, Value>,
    /// The file this plugin came from (the conflist, or a file of the plugin subdirectory).
    pub source: PathBuf,
}

/// A network configuration list (a `.conflist`, or a `.conf`/`.json` wrapped into one).
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkConfigList {
    /// The network name.
    pub name: String,
    /// The selected cniVersion (after `cniVersions` selection); may be `""`.
    pub cni_version: String,
    /// `disableCheck`.
    pub disable_check: bool,
    /// `disableGC`.
    pub disable_gc: bool,
    /// `loadOnlyInlinedPlugins`.
    pub load_only_inlined_plugins: bool,
    /// The chain, inline plugins first, then subdirectory plugins.
    pub plugins: Vec<PluginConfig>,
    /// The bytes libcni caches as `config`: the file's bytes for a conflist, the synthetic list
    /// JSON for a wrapped single-plugin file.
    pub bytes: Vec<u8>,
    /// The file the network was loaded from (None when parsed from bytes).
    pub source: Option<PathBuf>,
}

/// A problem that did not stop loading (a broken file of another network that sorted first).
#[derive(Debug, Clone, PartialEq)]
pub struct LoadWarning {
    /// The file concerned.
    pub file: PathBuf,
    /// What is wrong with it.
    pub message: String,
}

/// A loaded network and the warnings collected on the way.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The network.
    pub list: NetworkConfigList,
    /// Non-fatal problems.
    pub warnings: Vec<LoadWarning>,
}

/// Options for [`load`].
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Skip every broken file instead of failing on one that could be the wanted network.
    pub skip_broken: bool,
}

/// Errors of config loading; each names the file or directory.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// Placeholder.
    #[error("config error")]
    Placeholder,
}

/// Parses conflist bytes.
pub fn list_from_bytes(_bytes: &[u8]) -> Result<NetworkConfigList, ConfigError> {
    unimplemented!()
}

/// Finds network `name` in `dir` with libcni's priority (conflists first, then .conf/.json).
pub fn load(_dir: &Path, _name: &str, _opts: &LoadOptions) -> Result<Loaded, ConfigError> {
    unimplemented!()
}
