//! Finding and parsing network configuration files, as libcni's `libcni/conf.go` does.
//!
//! A network is a configuration list: a `.conflist` file, or a deprecated single-plugin
//! `.conf`/`.json` file wrapped into a one-plugin list. [`load`] finds one by name in a
//! directory with libcni's priority; [`scan`] reads every file, for listings. Each plugin's
//! JSON is kept verbatim ([`PluginConfig::raw`]: key order, unknown keys, numbers exactly as
//! written) because request building injects into it and plugins must get what was written.
//!
//! Where cnictl departs from libcni:
//! * a broken file that names another network does not stop the search ([`load`]);
//! * the network name is checked before it becomes the plugin subdirectory's name;
//! * plugin objects keep their key order and number texts (libcni re-marshals them sorted,
//!   through float64);
//! * the keys of plugin objects match case-sensitively (Go accepts `"Type"` for `type`);
//! * numbers outside float64's range (`1e400`) are accepted (Go rejects them).

use serde_json::{Map, Value};
use std::fmt;
use std::path::PathBuf;

mod dir;
mod error;
mod files;
mod gojson;
pub(crate) mod json;
mod list;
mod plugin;
mod probe;
#[cfg(test)]
mod tests;
mod version_select;

pub use dir::{
    config_files, load, load_on, load_path, read_file, read_file_on, scan, scan_on, FileKind,
    ScannedFile,
};
pub use error::{ConfigError, FoundNetwork, JsonSyntax, ListError, PluginError};
pub use files::conf_files;
pub use list::{
    conf_from_bytes, conf_from_file, list_from_bytes, list_from_file, plugin_from_bytes,
    plugin_from_file,
};

/// The config-directory lookup's quick look at one file's bytes (see `probe.rs`): `Some` with
/// the network's name and whether a conflist reads no plugin subdirectory only when the full
/// parse of `bytes` as `kind` certainly succeeds with that name; `None` when it cannot tell.
/// Public for the fuzz checks, which hold it to that promise.
#[doc(hidden)]
pub fn probe_name(bytes: &[u8], kind: FileKind) -> Option<(String, bool)> {
    probe::probe(bytes, kind).map(|p| (p.name.to_string(), p.inline_only))
}

/// One plugin of a chain. `raw` is the plugin object exactly as written (key order, unknown keys
/// and exact numbers kept), which is what request building injects into.
#[derive(Debug, Clone, PartialEq)]
pub struct PluginConfig {
    /// `type`: the plugin binary's name.
    pub plugin_type: String,
    /// The plugin object's own `name`, if any.
    pub name: Option<String>,
    /// `ipam.type`, if the plugin has an `ipam` object with a non-empty type.
    pub ipam_type: Option<String>,
    /// The capabilities declared true, in file order (false ones are left out; `raw` keeps
    /// them).
    pub capabilities: Vec<String>,
    /// The plugin object, verbatim.
    pub raw: Map<String, Value>,
    /// The file this plugin came from (the conflist, or a file of the plugin subdirectory);
    /// empty when parsed from bytes.
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
    /// True when the file was named by the user ([`load_path`]: a NETWORK argument that is a
    /// path) instead of found by name in a config dir.
    pub named_file: bool,
}

/// A problem that did not stop loading (a broken file of another network that sorted first).
#[derive(Debug, Clone, PartialEq)]
pub struct LoadWarning {
    /// The file concerned.
    pub file: PathBuf,
    /// The network the file seems to define, when its name could be read.
    pub network: Option<String>,
    /// What is wrong with it (the error's text, which names the file).
    pub message: String,
}

impl fmt::Display for LoadWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.network {
            Some(n) => write!(f, "{} (skipped; it defines network {n:?})", self.message),
            None => write!(f, "{} (skipped)", self.message),
        }
    }
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
