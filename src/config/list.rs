//! Configuration lists (`.conflist`), single-plugin files (`.conf`/`.json`) wrapped into a
//! list, and plugin subdirectories: libcni's `NetworkConfFromBytes`, `NetworkConfFromFile`,
//! `NetworkPluginConfFromBytes`, `ConfListFromConf` and `NetworkPluginConfsFromFiles`.

use crate::noderoot::NodeRoot;
use serde_json::{Map, Value};
use std::path::Path;

use super::error::{go_type, json_kind, ConfigError, ListError, PluginError};
use super::files::conf_files;
use super::json::parse_verbatim;
use super::plugin::plugin_from_value;
use super::version_select;
use super::{NetworkConfigList, PluginConfig};
use crate::types::ident::validate_network_name;

/// Parses conflist bytes (libcni `NetworkConfFromBytes`). Plugins of a subdirectory are not
/// loaded (there is no file to find it from); a list without `plugins` has zero plugins here.
/// `bytes` of the result are the input; each plugin's `source` is empty.
pub fn list_from_bytes(bytes: &[u8]) -> Result<NetworkConfigList, ConfigError> {
    parse_list(bytes, Path::new("")).map_err(|error| ConfigError::List { file: None, error })
}

/// Parses a single-plugin config (`.conf`/`.json`) and wraps it into a list as libcni's
/// `ConfListFromConf` does: the list is `{"cniVersion": <its cniVersion or "">, "name": <its
/// name or "">, "plugins": [<the object>]}`, whose JSON becomes `bytes`. List-level keys of
/// the file (`disableCheck`, `cniVersions`, ...) are not carried over; the plugin's `raw` is
/// the object as written.
pub fn conf_from_bytes(bytes: &[u8]) -> Result<NetworkConfigList, ConfigError> {
    wrap_conf(bytes, Path::new("")).map_err(|error| ConfigError::Plugin { file: None, error })
}

/// Parses a single plugin object (libcni `NetworkPluginConfFromBytes`): `type` required.
pub fn plugin_from_bytes(bytes: &[u8]) -> Result<PluginConfig, ConfigError> {
    parse_plugin(bytes, Path::new("")).map_err(|error| ConfigError::Plugin { file: None, error })
}

/// Loads a conflist file (libcni `NetworkConfFromFile`): parses it, then, unless
/// `loadOnlyInlinedPlugins` is set, appends the plugins of `<dir of file>/<list name>/*.conf`
/// (sorted) after the inline ones. The list name must be a valid network name to be used as
/// that directory's name (libcni does not check, so `../x` escapes). Zero plugins in total is
/// an error.
pub fn list_from_file(path: &Path) -> Result<NetworkConfigList, ConfigError> {
    list_from_file_on(path, &NodeRoot::host())
}

/// [`list_from_file`] of a file of the node whose `/` is `root` (`--root`): the file and its
/// plugin subdirectory's files are read through `root` (see [`read_on`]); the subdirectory is
/// the one beside `path`, as for libcni, and `path` names the list.
pub fn list_from_file_on(path: &Path, root: &NodeRoot) -> Result<NetworkConfigList, ConfigError> {
    let bytes = read_on(path, root)?;
    list_from_file_bytes(&bytes, path, root)
}

/// [`list_from_file_on`] of the bytes of `path`, already read.
pub(super) fn list_from_file_bytes(
    bytes: &[u8],
    path: &Path,
    root: &NodeRoot,
) -> Result<NetworkConfigList, ConfigError> {
    let mut list = parse_list(bytes, path).map_err(|error| ConfigError::List {
        file: Some(path.to_path_buf()),
        error,
    })?;
    list.source = Some(path.to_path_buf());
    if !list.load_only_inlined_plugins {
        // libcni joins the name to the directory unchecked. A name that is not one safe path
        // component ("", ".", "..", anything with "/") would make another directory the
        // plugin directory: refused. Other names that break the network-name rule (e.g.
        // "x y") load as in libcni; only ADD refuses them.
        if !is_one_path_component(&list.name) {
            let cause = validate_network_name(&list.name)
                .err()
                .unwrap_or_else(|| crate::CniError::new(7, "not a single path component"));
            return Err(ConfigError::BadNetworkName {
                file: path.to_path_buf(),
                name: list.name.clone(),
                cause,
            });
        }
        let sub = path.parent().unwrap_or(Path::new("")).join(&list.name);
        list.plugins.extend(subdir_plugins(&sub, root)?);
    }
    if list.plugins.is_empty() {
        return Err(ConfigError::NoPluginConfigs {
            file: path.to_path_buf(),
        });
    }
    Ok(list)
}

/// Loads a single-plugin file (`.conf`/`.json`) wrapped into a list, as [`conf_from_bytes`].
/// No plugin subdirectory is read for it (libcni reads none).
pub fn conf_from_file(path: &Path) -> Result<NetworkConfigList, ConfigError> {
    conf_from_file_on(path, &NodeRoot::host())
}

/// [`conf_from_file`] of a file of the node whose `/` is `root` (see [`read_on`]).
pub fn conf_from_file_on(path: &Path, root: &NodeRoot) -> Result<NetworkConfigList, ConfigError> {
    let bytes = read_on(path, root)?;
    conf_from_file_bytes(&bytes, path)
}

/// [`conf_from_file_on`] of the bytes of `path`, already read.
pub(super) fn conf_from_file_bytes(
    bytes: &[u8],
    path: &Path,
) -> Result<NetworkConfigList, ConfigError> {
    let mut list = wrap_conf(bytes, path).map_err(|error| ConfigError::Plugin {
        file: Some(path.to_path_buf()),
        error,
    })?;
    list.source = Some(path.to_path_buf());
    Ok(list)
}

/// Loads a plugin object from a file (libcni `ConfFromFile`).
pub fn plugin_from_file(path: &Path) -> Result<PluginConfig, ConfigError> {
    plugin_from_file_on(path, &NodeRoot::host())
}

fn plugin_from_file_on(path: &Path, root: &NodeRoot) -> Result<PluginConfig, ConfigError> {
    let bytes = read_on(path, root)?;
    parse_plugin(&bytes, path).map_err(|error| ConfigError::Plugin {
        file: Some(path.to_path_buf()),
        error,
    })
}

/// Reads `path`, a file of the node whose `/` is `root`: followed through `root` first, so a
/// symlink to an absolute path reads the node's file, not the one at that path here. Errors
/// name `path`; one whose links cannot be followed (a loop) is a read error.
pub(crate) fn read_on(path: &Path, root: &NodeRoot) -> Result<Vec<u8>, ConfigError> {
    let err = |cause| ConfigError::Read {
        path: path.to_path_buf(),
        cause,
    };
    let target = root.follow(path).map_err(|e| {
        err(crate::safe_read::ReadError::Io {
            input: crate::safe_read::Source::File(path.to_path_buf()),
            err: e,
        })
    })?;
    crate::safe_read::read_file(&target).map_err(err)
}

/// The plugins of a plugin subdirectory: `*.conf` only, sorted, each a plugin object. A
/// missing directory has none; any other problem is an error.
fn subdir_plugins(dir: &Path, root: &NodeRoot) -> Result<Vec<PluginConfig>, ConfigError> {
    let files = conf_files(dir, &[".conf"]).map_err(|cause| ConfigError::ReadPluginDir {
        path: dir.to_path_buf(),
        cause,
    })?;
    files.iter().map(|f| plugin_from_file_on(f, root)).collect()
}

fn parse_plugin(bytes: &[u8], source: &Path) -> Result<PluginConfig, PluginError> {
    let v = parse_verbatim(bytes).map_err(PluginError::Syntax)?;
    plugin_from_value(v, source.to_path_buf())
}

fn wrap_conf(bytes: &[u8], source: &Path) -> Result<NetworkConfigList, PluginError> {
    let plugin = parse_plugin(bytes, source)?;
    let cni_version = match plugin.raw.get("cniVersion") {
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    };
    let name = plugin.name.clone().unwrap_or_default();
    // libcni decodes the file into a map and marshals the synthetic list from maps: keys
    // sorted at every depth, numbers through float64, Go's string escapes. These bytes are the
    // cached `config`, so they must be exactly libcni's (see `gojson`).
    let mut synthetic = Map::new();
    synthetic.insert("cniVersion".into(), Value::String(cni_version.clone()));
    synthetic.insert("name".into(), Value::String(name.clone()));
    synthetic.insert(
        "plugins".into(),
        Value::Array(vec![Value::Object(plugin.raw.clone())]),
    );
    let list_bytes = super::gojson::marshal(&Value::Object(synthetic));
    Ok(NetworkConfigList {
        name,
        cni_version,
        disable_check: false,
        disable_gc: false,
        load_only_inlined_plugins: false,
        plugins: vec![plugin],
        bytes: list_bytes,
        source: None,
        named_file: false,
    })
}

/// Reads a boolean list flag: a bool, or the string true/false in any case.
fn flag(top: &Map<String, Value>, key: &'static str) -> Result<bool, ListError> {
    match top.get(key) {
        None => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(Value::String(s)) => match s.to_lowercase().as_str() {
            "true" => Ok(true),
            "false" => Ok(false),
            other => Err(ListError::FlagValue {
                key,
                value: other.to_string(),
            }),
        },
        Some(other) => Err(ListError::FlagType {
            key,
            found: go_type(other),
        }),
    }
}

/// The list rules of libcni's `NetworkConfFromBytes`, in its order. `source` becomes each
/// inline plugin's `source`.
fn parse_list(bytes: &[u8], source: &Path) -> Result<NetworkConfigList, ListError> {
    let mut top = match parse_verbatim(bytes).map_err(ListError::Syntax)? {
        Value::Object(m) => m,
        other => return Err(ListError::NotAnObject(json_kind(&other))),
    };
    let name = match top.get("name") {
        None => return Err(ListError::NoName),
        Some(Value::String(s)) => s.clone(),
        Some(other) => return Err(ListError::NameType(go_type(other))),
    };
    let mut cni_version = match top.get("cniVersion") {
        None => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => return Err(ListError::CniVersionType(go_type(other))),
    };
    if let Some(versions) = top.get("cniVersions") {
        cni_version = version_select::select(&cni_version, versions)?;
    }
    let disable_check = flag(&top, "disableCheck")?;
    let disable_gc = flag(&top, "disableGC")?;
    let load_only_inlined_plugins = flag(&top, "loadOnlyInlinedPlugins")?;
    let mut list = NetworkConfigList {
        name,
        cni_version,
        disable_check,
        disable_gc,
        load_only_inlined_plugins,
        plugins: Vec::new(),
        bytes: bytes.to_vec(),
        source: None,
        named_file: false,
    };
    let elements = match top.remove("plugins") {
        None if load_only_inlined_plugins => return Err(ListError::OnlyInlinedWithoutPlugins),
        None => return Ok(list),
        Some(Value::Array(a)) => a,
        Some(other) => return Err(ListError::PluginsType(go_type(&other))),
    };
    if elements.is_empty() {
        return Err(ListError::NoPluginsInList);
    }
    for (index, element) in elements.into_iter().enumerate() {
        let plugin = plugin_from_value(element, source.to_path_buf())
            .map_err(|cause| ListError::Plugin { index, cause })?;
        list.plugins.push(plugin);
    }
    Ok(list)
}

/// True when `name` names exactly one entry of a directory.
pub(super) fn is_one_path_component(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\0'])
}
