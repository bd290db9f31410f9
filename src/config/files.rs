//! Which files of a directory are configuration files (libcni `ConfFiles`): used for the
//! configuration directory and for a list's plugin subdirectory alike.

use std::fs;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// The files of `dir` whose extension (the text from the last dot of the name, dot included,
/// case-sensitive) is one of `exts` (written with their dot: `".conflist"`), sorted by path
/// in byte order. Not recursive; directory entries are skipped, but a symlink to a directory
/// is kept (it is not itself a directory entry of type directory). A missing `dir` has no
/// files; other errors are returned.
pub fn conf_files(dir: &Path, exts: &[&str]) -> io::Result<Vec<PathBuf>> {
    let entries = match fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            continue;
        }
        let name = entry.file_name();
        let bytes = name.as_bytes();
        let ext = bytes
            .iter()
            .rposition(|&b| b == b'.')
            .map_or(&b""[..], |i| &bytes[i..]);
        if exts.iter().any(|e| e.as_bytes() == ext) {
            out.push(dir.join(&name));
        }
    }
    out.sort_by(|a, b| a.as_os_str().as_bytes().cmp(b.as_os_str().as_bytes()));
    Ok(out)
}
