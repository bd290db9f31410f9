//! The errors of config loading. Texts keep libcni's wording (`error parsing configuration
//! list: no name`, `failed to parse plugin config 0: ...`) so messages can be compared with
//! libcni's, and every error that concerns a file or directory names it.

use crate::types::error::CniError;
use crate::types::version::VersionError;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use super::LoadWarning;

/// A JSON syntax error with its position (1-based line and column, as serde_json counts them:
/// the column counts bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonSyntax {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// serde_json's message without its " at line L column C" suffix.
    pub message: String,
}

impl JsonSyntax {
    /// Converts a serde_json error, moving the position out of the message.
    pub(crate) fn from_serde(e: &serde_json::Error) -> Self {
        let full = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        let message = full.strip_suffix(&suffix).unwrap_or(&full).to_string();
        JsonSyntax {
            line: e.line().max(1),
            // serde_json reports column 0 for an end of input right after a newline.
            column: e.column().max(1),
            message,
        }
    }
}

impl fmt::Display for JsonSyntax {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Why a configuration list (a conflist object) was rejected. Every text starts as libcni's
/// does; the position of a syntax error is printed by [`ConfigError`], before the text.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ListError {
    /// The bytes are not JSON.
    #[error("error parsing configuration list: {0}")]
    Syntax(JsonSyntax),
    /// The top level is JSON but not an object.
    #[error("error parsing configuration list: cannot unmarshal {0} into an object")]
    NotAnObject(&'static str),
    /// No `name` key.
    #[error("error parsing configuration list: no name")]
    NoName,
    /// `name` is not a string (Go type name of what it is).
    #[error("error parsing configuration list: invalid name type {0}")]
    NameType(&'static str),
    /// `cniVersion` is not a string.
    #[error("error parsing configuration list: invalid cniVersion type {0}")]
    CniVersionType(&'static str),
    /// `cniVersions` is not an array.
    #[error("error parsing configuration list: invalid type for cniVersions: {0}")]
    CniVersionsType(&'static str),
    /// An entry of `cniVersions` is not a string.
    #[error(
        "error parsing configuration list: invalid type for cniVersions index {index}: {found}"
    )]
    CniVersionsEntryType {
        /// Index in the array.
        index: usize,
        /// Go type name of the entry.
        found: &'static str,
    },
    /// An entry of `cniVersions` does not parse as a version.
    #[error("error parsing configuration list: invalid cniVersions entry {version} at index {index}: {cause}")]
    CniVersionsEntry {
        /// The entry.
        version: String,
        /// Index in the array.
        index: usize,
        /// Why it does not parse.
        cause: VersionError,
    },
    /// `cniVersion` does not parse (checked only when `cniVersions` is present).
    #[error("error parsing configuration list: invalid cniVersion {version}: {cause}")]
    CniVersion {
        /// The value.
        version: String,
        /// Why it does not parse.
        cause: VersionError,
    },
    /// A boolean flag holds neither a bool nor a string.
    #[error("error parsing configuration list: invalid type {found} for {key}")]
    FlagType {
        /// `disableCheck`, `disableGC` or `loadOnlyInlinedPlugins`.
        key: &'static str,
        /// Go type name of the value.
        found: &'static str,
    },
    /// A boolean flag holds a string other than true/false (any case); the value is lower-cased.
    #[error("error parsing configuration list: invalid value {value:?} for {key}")]
    FlagValue {
        /// The flag.
        key: &'static str,
        /// The lower-cased value.
        value: String,
    },
    /// `loadOnlyInlinedPlugins` is true but there is no `plugins` key.
    #[error(
        "error parsing configuration list: `loadOnlyInlinedPlugins` is true, and no 'plugins' key"
    )]
    OnlyInlinedWithoutPlugins,
    /// `plugins` is not an array.
    #[error("error parsing configuration list: invalid 'plugins' type {0}")]
    PluginsType(&'static str),
    /// `plugins` is `[]`.
    #[error("error parsing configuration list: no plugins in list")]
    NoPluginsInList,
    /// An element of `plugins` is not a valid plugin object.
    #[error("failed to parse plugin config {index}: {cause}")]
    Plugin {
        /// Index in `plugins`.
        index: usize,
        /// What is wrong with it.
        cause: PluginError,
    },
}

/// Why a plugin object (a `.conf`/`.json` file, an element of `plugins`, or a file of a plugin
/// subdirectory) was rejected.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PluginError {
    /// The bytes are not JSON.
    #[error("error parsing configuration: {0}")]
    Syntax(JsonSyntax),
    /// The value is JSON but not an object (JSON kind of what it is).
    #[error(
        "error parsing configuration: cannot unmarshal {0} into a plugin configuration object"
    )]
    NotAnObject(&'static str),
    /// A field libcni reads has the wrong JSON type.
    #[error("error parsing configuration: cannot unmarshal {found} into field {field} of type {expected}")]
    FieldType {
        /// Path of the field, such as `capabilities.portMappings` or `ipam.type`.
        field: String,
        /// JSON kind found.
        found: &'static str,
        /// Type expected.
        expected: &'static str,
    },
    /// `type` is missing or empty.
    #[error("error parsing configuration: missing 'type'{}", if *.looks_like_list { " (the object has a 'plugins' key: a configuration list needs the .conflist extension)" } else { "" })]
    MissingType {
        /// The object has a `plugins` key: probably a conflist under a `.conf` name.
        looks_like_list: bool,
    },
}

/// A network found while searching, for the not-found message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundNetwork {
    /// The network name.
    pub name: String,
    /// The file defining it.
    pub file: PathBuf,
}

/// Errors of config loading; each names the file or directory it concerns. Each message is
/// complete on one line: the underlying cause (I/O error, version error) is part of the text
/// and kept in a `cause` field, not exposed as `source()`, so an error chain printer does not
/// repeat it.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A configuration list failed to parse.
    #[error("{}{error}", location(file.as_deref(), list_position(error)))]
    List {
        /// The file, when parsed from a file.
        file: Option<PathBuf>,
        /// What is wrong.
        error: ListError,
    },
    /// A plugin object (single-plugin file or plugin subdirectory file) failed to parse.
    #[error("{}{error}", location(file.as_deref(), plugin_position(error)))]
    Plugin {
        /// The file, when parsed from a file.
        file: Option<PathBuf>,
        /// What is wrong.
        error: PluginError,
    },
    /// A file could not be read.
    #[error("error reading {}: {}", path.display(), cause.reason())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why: not a regular file, larger than the cap, or the I/O error.
        cause: crate::safe_read::ReadError,
    },
    /// A plugin subdirectory could not be listed.
    #[error("failed to read plugin config files in {}: {cause}", path.display())]
    ReadPluginDir {
        /// The subdirectory.
        path: PathBuf,
        /// The I/O error.
        cause: io::Error,
    },
    /// The configuration directory could not be listed.
    #[error("failed to read configuration directory {}: {cause}", dir.display())]
    ReadDir {
        /// The directory.
        dir: PathBuf,
        /// The I/O error.
        cause: io::Error,
    },
    /// The configuration directory is a file (or something else that is not a directory).
    #[error("configuration directory {} is not a directory", dir.display())]
    NotADirectory {
        /// The path.
        dir: PathBuf,
    },
    /// A conflist that, with its plugin subdirectory, has no plugins.
    #[error("{}: no plugin configs found", file.display())]
    NoPluginConfigs {
        /// The conflist.
        file: PathBuf,
    },
    /// A conflist whose name cannot be used as the plugin subdirectory's name.
    #[error("{}: network name {name:?} cannot name a plugin subdirectory: {cause}", file.display())]
    BadNetworkName {
        /// The conflist.
        file: PathBuf,
        /// The name.
        name: String,
        /// What the network-name rule says.
        cause: CniError,
    },
    /// The directory holds no configuration files at all (or does not exist).
    #[error("no network configurations found in {}", dir.display())]
    NoConfigsFound {
        /// The directory searched.
        dir: PathBuf,
    },
    /// No configuration file defines the network.
    #[error("no network configuration named {name:?} in {}{}", dir.display(), not_found_detail(networks, skipped))]
    NotFound {
        /// The directory searched.
        dir: PathBuf,
        /// The network asked for.
        name: String,
        /// The networks that exist, in priority order.
        networks: Vec<FoundNetwork>,
        /// Broken files skipped on the way.
        skipped: Vec<LoadWarning>,
    },
    /// A broken file sorts before any match and its network name cannot be read, so it may
    /// be the network asked for: the search stops there.
    #[error("{cause} (cannot tell whether it defines network {wanted:?})")]
    Undecidable {
        /// The broken file.
        file: PathBuf,
        /// The network asked for.
        wanted: String,
        /// Why the file is broken.
        cause: Box<ConfigError>,
    },
}

impl ConfigError {
    /// The file or directory the error is about, when there is one.
    pub fn path(&self) -> Option<&Path> {
        match self {
            ConfigError::List { file, .. } | ConfigError::Plugin { file, .. } => file.as_deref(),
            ConfigError::Read { path, .. } | ConfigError::ReadPluginDir { path, .. } => Some(path),
            ConfigError::ReadDir { dir, .. }
            | ConfigError::NotADirectory { dir }
            | ConfigError::NoConfigsFound { dir }
            | ConfigError::NotFound { dir, .. } => Some(dir),
            ConfigError::NoPluginConfigs { file }
            | ConfigError::BadNetworkName { file, .. }
            | ConfigError::Undecidable { file, .. } => Some(file),
        }
    }

    /// The (line, column) of a JSON syntax error.
    pub fn position(&self) -> Option<(usize, usize)> {
        match self {
            ConfigError::List { error, .. } => list_position(error),
            ConfigError::Plugin { error, .. } => plugin_position(error),
            ConfigError::Undecidable { cause, .. } => cause.position(),
            _ => None,
        }
    }

    /// Attaches a file name to a parse error of bytes (for example `<stdin>`); other errors
    /// are returned unchanged.
    pub fn in_file(self, path: impl Into<PathBuf>) -> Self {
        match self {
            ConfigError::List { file: None, error } => ConfigError::List {
                file: Some(path.into()),
                error,
            },
            ConfigError::Plugin { file: None, error } => ConfigError::Plugin {
                file: Some(path.into()),
                error,
            },
            other => other,
        }
    }
}

fn list_position(e: &ListError) -> Option<(usize, usize)> {
    match e {
        ListError::Syntax(s) => Some((s.line, s.column)),
        _ => None,
    }
}

fn plugin_position(e: &PluginError) -> Option<(usize, usize)> {
    match e {
        PluginError::Syntax(s) => Some((s.line, s.column)),
        _ => None,
    }
}

/// `file:line:col: `, `file: `, or, for bytes, `line L column C: ` / nothing.
fn location(file: Option<&Path>, pos: Option<(usize, usize)>) -> String {
    match (file, pos) {
        (Some(f), Some((l, c))) => format!("{}:{l}:{c}: ", f.display()),
        (Some(f), None) => format!("{}: ", f.display()),
        (None, Some((l, c))) => format!("line {l} column {c}: "),
        (None, None) => String::new(),
    }
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
}

/// A not-found message names at most this many networks (and as many broken files): a
/// directory of thousands would make a message nobody reads.
const NOT_FOUND_NAMED: usize = 20;

fn not_found_detail(networks: &[FoundNetwork], skipped: &[LoadWarning]) -> String {
    let mut out = String::new();
    if networks.is_empty() {
        out.push_str(" (no network there loads)");
    } else {
        let list = some_of(networks, |n| {
            format!("{:?} in {}", n.name, file_name(&n.file))
        });
        out.push_str(&format!(" (networks there: {list})"));
    }
    if !skipped.is_empty() {
        let list = some_of(skipped, |w| match &w.network {
            Some(n) => format!("{} (network {n:?})", file_name(&w.file)),
            None => file_name(&w.file),
        });
        out.push_str(&format!("; broken files skipped: {list}"));
    }
    out
}

/// The first [`NOT_FOUND_NAMED`] items, joined, and how many more there are.
fn some_of<T>(items: &[T], show: impl Fn(&T) -> String) -> String {
    let shown: Vec<String> = items.iter().take(NOT_FOUND_NAMED).map(show).collect();
    let mut out = shown.join(", ");
    if items.len() > NOT_FOUND_NAMED {
        let more = items.len() - NOT_FOUND_NAMED;
        out.push_str(&format!(" and {more} more; 'cnictl ls' lists them all"));
    }
    out
}

/// Go's `%T` of a value decoded into `interface{}`, which libcni prints in its messages.
pub(crate) fn go_type(v: &serde_json::Value) -> &'static str {
    use serde_json::Value::*;
    match v {
        Null => "<nil>",
        Bool(_) => "bool",
        Number(_) => "float64",
        String(_) => "string",
        Array(_) => "[]interface {}",
        Object(_) => "map[string]interface {}",
    }
}

/// The JSON kind of a value, as Go's unmarshal errors name it.
pub(crate) fn json_kind(v: &serde_json::Value) -> &'static str {
    use serde_json::Value::*;
    match v {
        Null => "null",
        Bool(_) => "bool",
        Number(_) => "number",
        String(_) => "string",
        Array(_) => "array",
        Object(_) => "object",
    }
}
