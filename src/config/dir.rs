//! The configuration directory: which files count (libcni `ConfFiles`), in which order they
//! are tried, and finding a network by name (libcni `LoadNetworkConf`, made more forgiving of
//! broken files that belong to other networks).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::error::{ConfigError, FoundNetwork};
use super::files::conf_files;
use super::json::{lenient_name, parse_verbatim};
use super::list::{conf_from_file, conf_from_file_on, list_from_file, list_from_file_on};
use super::{LoadOptions, LoadWarning, Loaded, NetworkConfigList};
use crate::noderoot::NodeRoot;

/// The two kinds of configuration file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A `.conflist`.
    List,
    /// A `.conf` or `.json` single-plugin file.
    Single,
}

/// One configuration file of a directory, read.
#[derive(Debug)]
pub struct ScannedFile {
    /// The file.
    pub path: PathBuf,
    /// Conflist or single-plugin file.
    pub kind: FileKind,
    /// The network it defines: the parsed name, or for a broken file the name a lenient read
    /// finds (None when none can be found).
    pub name: Option<String>,
    /// The network, or why the file does not load.
    pub result: Result<NetworkConfigList, ConfigError>,
}

/// The configuration files of `dir` in libcni's priority order: `.conflist` files sorted,
/// then `.conf` and `.json` files sorted together. A missing `dir` has none.
pub fn config_files(dir: &Path) -> Result<Vec<(PathBuf, FileKind)>, ConfigError> {
    match fs::metadata(dir) {
        Ok(m) if !m.is_dir() => {
            return Err(ConfigError::NotADirectory {
                dir: dir.to_path_buf(),
            })
        }
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(cause) => {
            return Err(ConfigError::ReadDir {
                dir: dir.to_path_buf(),
                cause,
            })
        }
    }
    let read_err = |cause| ConfigError::ReadDir {
        dir: dir.to_path_buf(),
        cause,
    };
    let lists = conf_files(dir, &[".conflist"]).map_err(read_err)?;
    let singles = conf_files(dir, &[".conf", ".json"]).map_err(read_err)?;
    let lists = lists.into_iter().map(|p| (p, FileKind::List));
    Ok(lists
        .chain(singles.into_iter().map(|p| (p, FileKind::Single)))
        .collect())
}

/// Reads one configuration file as its kind says.
pub fn read_file(path: &Path, kind: FileKind) -> ScannedFile {
    read_file_on(path, kind, &NodeRoot::host())
}

/// [`read_file`] of a file of the node whose `/` is `root` (`--root`): the file (and a list's
/// plugin subdirectory files) are followed through `root` before they are read, so a symlink to
/// an absolute path reads the node's file, not the one at that path here. The file keeps its
/// own name; one whose links cannot be followed (a loop) is unreadable.
pub fn read_file_on(path: &Path, kind: FileKind, root: &NodeRoot) -> ScannedFile {
    let result = match kind {
        FileKind::List => list_from_file_on(path, root),
        FileKind::Single => conf_from_file_on(path, root),
    };
    let name = match &result {
        Ok(list) => Some(list.name.clone()),
        Err(_) => recover_name(path, root),
    };
    ScannedFile {
        path: path.to_path_buf(),
        kind,
        name,
        result,
    }
}

/// Loads the network of one file the user named (a NETWORK argument that is a path, not a
/// name looked up in a config dir): a `.conflist` as a list, with the plugins of its
/// subdirectory beside it as for a file of the config dir; a `.conf` or `.json` wrapped into
/// a one-plugin list exactly as libcni wraps it. A file with another extension is read by
/// its content: a JSON object with a `plugins` key is a list, anything else a single plugin.
/// The list comes back with [`NetworkConfigList::named_file`] set.
pub fn load_path(path: &Path) -> Result<NetworkConfigList, ConfigError> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let kind = match ext {
        "conflist" => FileKind::List,
        "conf" | "json" => FileKind::Single,
        _ => {
            let bytes = crate::safe_read::read_file(path).map_err(|cause| ConfigError::Read {
                path: path.to_path_buf(),
                cause,
            })?;
            match parse_verbatim(&bytes) {
                Ok(serde_json::Value::Object(m)) if m.contains_key("plugins") => FileKind::List,
                _ => FileKind::Single,
            }
        }
    };
    let mut list = match kind {
        FileKind::List => list_from_file(path)?,
        FileKind::Single => conf_from_file(path)?,
    };
    list.named_file = true;
    Ok(list)
}

/// Every configuration file of `dir`, in priority order, each with its network or its error:
/// what exists, for listings. A missing `dir` gives an empty list.
pub fn scan(dir: &Path) -> Result<Vec<ScannedFile>, ConfigError> {
    scan_on(dir, &NodeRoot::host())
}

/// [`scan`] of a directory of the node whose `/` is `root` (`--root`), `dir` already resolved
/// under it: each file is read through [`read_file_on`].
pub fn scan_on(dir: &Path, root: &NodeRoot) -> Result<Vec<ScannedFile>, ConfigError> {
    Ok(config_files(dir)?
        .into_iter()
        .map(|(p, k)| read_file_on(&p, k, root))
        .collect())
}

/// The network name a broken file meant to define: its top-level `name` string if it is a
/// JSON object, or what a lenient scan of broken JSON finds.
fn recover_name(path: &Path, root: &NodeRoot) -> Option<String> {
    let bytes = super::list::read_on(path, root).ok()?;
    match parse_verbatim(&bytes) {
        Ok(serde_json::Value::Object(m)) => {
            m.get("name").and_then(|n| n.as_str()).map(str::to_string)
        }
        Ok(_) => None,
        Err(_) => lenient_name(&super::json::go_lossy(&bytes)),
    }
}

/// Finds network `name` in `dir`: the first file, in priority order, that defines it. A
/// `.conflist` beats a `.conf` of the same name.
///
/// A broken file that sorts before the match stops the search (as in libcni) when it could
/// be the network asked for: when its name cannot be read, or is `name`. A broken file that
/// names another network is only a warning; with [`LoadOptions::skip_broken`] every broken
/// file is. Files after the match are not read.
///
/// Errors: [`ConfigError::NotADirectory`]; [`ConfigError::NoConfigsFound`] when `dir` is
/// missing or has no configuration files; [`ConfigError::NotFound`], listing the networks
/// that exist; the match's own error; [`ConfigError::Undecidable`] for a broken file of
/// unknown name.
pub fn load(dir: &Path, name: &str, opts: &LoadOptions) -> Result<Loaded, ConfigError> {
    load_on(dir, name, opts, &NodeRoot::host())
}

/// [`load`] from a config dir of the node whose `/` is `root` (`--root`), each file read
/// through [`read_file_on`].
pub fn load_on(
    dir: &Path,
    name: &str,
    opts: &LoadOptions,
    root: &NodeRoot,
) -> Result<Loaded, ConfigError> {
    let files = config_files(dir)?;
    if files.is_empty() {
        return Err(ConfigError::NoConfigsFound {
            dir: dir.to_path_buf(),
        });
    }
    let mut warnings = Vec::new();
    let mut networks = Vec::new();
    for (path, kind) in files {
        let scanned = read_file_on(&path, kind, root);
        match scanned.result {
            Ok(list) if list.name == name => return Ok(Loaded { list, warnings }),
            Ok(list) => networks.push(FoundNetwork {
                name: list.name,
                file: path,
            }),
            Err(error) => {
                let other_network = scanned.name.as_deref().is_some_and(|n| n != name);
                if other_network || opts.skip_broken {
                    warnings.push(LoadWarning {
                        file: path,
                        network: scanned.name,
                        message: error.to_string(),
                    });
                } else if scanned.name.is_some() {
                    return Err(error);
                } else {
                    return Err(ConfigError::Undecidable {
                        file: path,
                        wanted: name.to_string(),
                        cause: Box::new(error),
                    });
                }
            }
        }
    }
    Err(ConfigError::NotFound {
        dir: dir.to_path_buf(),
        name: name.to_string(),
        networks,
        skipped: warnings,
    })
}
