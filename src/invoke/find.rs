//! Finding a plugin binary on the CNI path, as libcni's `FindInPath` does, but stricter: names
//! with `\` or a `..` component are refused as well as `/`, and empty path entries are dropped
//! instead of meaning "the current directory".

use super::quote::quote_str;
use crate::noderoot::NodeRoot;
use crate::types::error::CniError;
use std::path::{Path, PathBuf};

/// Why a plugin binary was not found. The texts are libcni's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FindError {
    /// The plugin name is empty.
    #[error("no plugin name provided")]
    NoName,
    /// The plugin name contains a path separator or is `..`.
    #[error("invalid plugin name: {0}")]
    InvalidName(String),
    /// The path list is empty (or has only empty entries).
    #[error("no paths provided")]
    NoPaths,
    /// No directory of the path holds a regular file of that name.
    #[error("failed to find plugin {} in path [{}]", quote_str(.name), join_dirs(.searched))]
    NotFound {
        /// The plugin name.
        name: String,
        /// The directories searched, in order.
        searched: Vec<PathBuf>,
    },
}

impl From<FindError> for CniError {
    fn from(e: FindError) -> Self {
        CniError::new(0, e.to_string())
    }
}

fn join_dirs(dirs: &[PathBuf]) -> String {
    dirs.iter()
        .map(|d| d.display().to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Checks a plugin name: non-empty, no `/` or `\`, not `..` (so no `..` component at all).
fn check_name(name: &str) -> Result<(), FindError> {
    if name.is_empty() {
        return Err(FindError::NoName);
    }
    if name.contains(['/', '\\']) || name == ".." || name.contains('\0') {
        return Err(FindError::InvalidName(name.to_string()));
    }
    Ok(())
}

/// Finds `name` on `paths` and keeps the list of directories searched in the error.
///
/// The first directory holding a regular file called `name` wins (the check follows symlinks,
/// directories are skipped, the executable bit is not checked: running it reports that).
pub fn find_plugin(name: &str, paths: &[PathBuf]) -> Result<PathBuf, FindError> {
    find_plugin_on(name, paths, &NodeRoot::host())
}

/// [`find_plugin`] on the node whose `/` is `root` (`--root`), `paths` already resolved under
/// it: each candidate is resolved again through `root`, so a binary that is a symlink (Debian's
/// `/opt/cni/bin/bridge -> /usr/lib/cni/bridge`) leads to the node's file, and the path
/// returned, the one to run, holds no link for the kernel to follow out of the tree. A link to
/// a file that exists only outside the tree finds nothing there.
pub fn find_plugin_on(
    name: &str,
    paths: &[PathBuf],
    root: &NodeRoot,
) -> Result<PathBuf, FindError> {
    check_name(name)?;
    let searched: Vec<PathBuf> = paths
        .iter()
        .filter(|p| !p.as_os_str().is_empty())
        .cloned()
        .collect();
    if searched.is_empty() {
        return Err(FindError::NoPaths);
    }
    for dir in &searched {
        let Ok(candidate) = root.follow(&dir.join(name)) else {
            continue;
        };
        if is_regular_file(&candidate) {
            return Ok(candidate);
        }
    }
    Err(FindError::NotFound {
        name: name.to_string(),
        searched,
    })
}

fn is_regular_file(path: &Path) -> bool {
    std::fs::metadata(path)
        .map(|m| m.is_file())
        .unwrap_or(false)
}

/// Finds `name` on `paths` (libcni `FindInPath`, stricter: `..` and separators refused).
pub fn find_in_path(name: &str, paths: &[PathBuf]) -> Result<PathBuf, CniError> {
    find_plugin(name, paths).map_err(CniError::from)
}

/// [`find_in_path`] on the node whose `/` is `root` (see [`find_plugin_on`]).
pub fn find_in_path_on(
    name: &str,
    paths: &[PathBuf],
    root: &NodeRoot,
) -> Result<PathBuf, CniError> {
    find_plugin_on(name, paths, root).map_err(CniError::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn msg(name: &str, paths: &[PathBuf]) -> String {
        find_in_path(name, paths).unwrap_err().msg
    }

    #[test]
    fn refuses_bad_names_and_paths() {
        let p = vec![PathBuf::from("/nonexistent")];
        assert_eq!(msg("", &p), "no plugin name provided");
        assert_eq!(
            msg("../pluginname", &p),
            "invalid plugin name: ../pluginname"
        );
        assert_eq!(msg("a/b", &p), "invalid plugin name: a/b");
        assert_eq!(msg("a\\b", &p), "invalid plugin name: a\\b");
        assert_eq!(msg("..", &p), "invalid plugin name: ..");
        assert_eq!(msg("x", &[]), "no paths provided");
        assert_eq!(
            msg("x", &[PathBuf::new(), PathBuf::new()]),
            "no paths provided"
        );
        // The name is checked before the paths, as libcni does.
        assert_eq!(msg("", &[]), "no plugin name provided");
    }

    #[test]
    fn reports_dirs_searched() {
        let paths = vec![
            PathBuf::from("/empty"),
            PathBuf::new(),
            PathBuf::from("/other dir"),
        ];
        assert_eq!(
            msg("x", &paths[..1]),
            "failed to find plugin \"x\" in path [/empty]"
        );
        match find_plugin("x", &paths) {
            Err(FindError::NotFound { name, searched }) => {
                assert_eq!(name, "x");
                assert_eq!(
                    searched,
                    vec![PathBuf::from("/empty"), PathBuf::from("/other dir")]
                );
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn first_dir_with_a_regular_file_wins() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let c = tempfile::tempdir().unwrap();
        // In a: a directory of that name (skipped). In b: a symlink to a file. In c: a file.
        fs::create_dir(a.path().join("plug")).unwrap();
        fs::write(c.path().join("plug"), b"").unwrap();
        std::os::unix::fs::symlink(c.path().join("plug"), b.path().join("plug")).unwrap();
        let dirs = vec![
            a.path().to_path_buf(),
            b.path().to_path_buf(),
            c.path().to_path_buf(),
        ];
        assert_eq!(find_in_path("plug", &dirs).unwrap(), b.path().join("plug"));
        assert_eq!(
            find_in_path("plug", &dirs[2..]).unwrap(),
            c.path().join("plug")
        );
        // A dangling symlink is not a file.
        std::os::unix::fs::symlink("/nonexistent/x", a.path().join("dangling")).unwrap();
        assert!(find_in_path("dangling", &dirs[..1]).is_err());
    }
}
