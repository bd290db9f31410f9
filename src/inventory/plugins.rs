//! The plugin binaries of the CNI path and the spec versions each supports: `cnictl plugins`.
//!
//! Every regular file of every directory of the path is listed (symlinks followed, as
//! `FindInPath` follows them); a name that an earlier directory also holds is shadowed, since
//! lookups take the first. Executable files are probed with `VERSION` through a
//! [`VersionCache`], so each binary runs at most once.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use crate::invoke::VersionCache;
use crate::noderoot::NodeRoot;

/// What a directory of the CNI path is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DirState {
    /// A readable directory.
    Ok,
    /// Nothing there.
    Missing,
    /// Something that cannot be listed (not a directory, no permission); the error's text.
    Unreadable(String),
    /// The same directory appears earlier in the path; its binaries are listed there.
    Repeated,
}

/// One binary of the CNI path.
#[derive(Debug, Clone, PartialEq)]
pub struct PluginBinary {
    /// Its file name: the plugin type it answers to.
    pub name: String,
    /// The directory of the CNI path it is in.
    pub dir: PathBuf,
    /// Its path.
    pub path: PathBuf,
    /// Whether any execute bit is set.
    pub executable: bool,
    /// The binary a lookup of this name finds instead (an earlier directory's).
    pub shadowed_by: Option<PathBuf>,
    /// The versions it supports or why they are unknown; None when not probed (probing off,
    /// or not executable).
    pub versions: Option<Result<Vec<String>, String>>,
}

/// The CNI path, listed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PluginScan {
    /// Each directory of the path, in order, with its state.
    pub dirs: Vec<(PathBuf, DirState)>,
    /// The binaries, directory by directory in path order, sorted by name within each.
    pub plugins: Vec<PluginBinary>,
}

/// Lists the binaries of `cni_path`, probing the executable ones with `probe` when given.
/// `root` is the node the path is on (`--root`): each entry is followed through it, so a
/// symlinked binary is the node's file (what is probed), and a link to a file that exists
/// only outside the tree is not listed.
pub fn scan_plugins(
    cni_path: &[PathBuf],
    root: &NodeRoot,
    probe: Option<&VersionCache<'_>>,
) -> PluginScan {
    let mut scan = PluginScan::default();
    let mut first: HashMap<Vec<u8>, PathBuf> = HashMap::new();
    let mut listed: Vec<&PathBuf> = Vec::new();
    for dir in cni_path.iter().filter(|d| !d.as_os_str().is_empty()) {
        if listed.contains(&dir) {
            scan.dirs.push((dir.clone(), DirState::Repeated));
            continue;
        }
        listed.push(dir);
        let names = match list_files(dir, root) {
            Ok(names) => names,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                scan.dirs.push((dir.clone(), DirState::Missing));
                continue;
            }
            Err(e) => {
                scan.dirs
                    .push((dir.clone(), DirState::Unreadable(e.to_string())));
                continue;
            }
        };
        scan.dirs.push((dir.clone(), DirState::Ok));
        for (name, executable, target) in names {
            let path = dir.join(&name);
            let key = name.as_bytes().to_vec();
            let shadowed_by = first.get(&key).cloned();
            if shadowed_by.is_none() {
                first.insert(key, path.clone());
            }
            let versions = match probe {
                Some(cache) if executable => Some(cache.supported(&target)),
                _ => None,
            };
            scan.plugins.push(PluginBinary {
                name: name.to_string_lossy().into_owned(),
                dir: dir.clone(),
                path,
                executable,
                shadowed_by,
                versions,
            });
        }
    }
    scan
}

/// A file of a CNI path directory: its name, whether it is executable, the file it is.
type ListedFile = (std::ffi::OsString, bool, PathBuf);

/// The regular files of `dir` (after following symlinks, through `root`), sorted by name,
/// each with whether it is executable and the file it is (the path to run). Entries that
/// vanish or cannot be inspected are left out.
fn list_files(dir: &std::path::Path, root: &NodeRoot) -> io::Result<Vec<ListedFile>> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let Ok(target) = root.follow(&entry.path()) else {
            continue;
        };
        let Ok(meta) = fs::metadata(&target) else {
            continue;
        };
        if meta.is_file() {
            out.push((
                entry.file_name(),
                meta.permissions().mode() & 0o111 != 0,
                target,
            ));
        }
    }
    out.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    Ok(out)
}
