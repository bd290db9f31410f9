//! Tests of config loading: libcni's edge cases (digest section 10, cases 1–24 that concern
//! loading), cnictl's handling of broken files, and the real-world corpus.

use std::fs;
use std::path::{Path, PathBuf};

mod dir;
mod list;
mod load;
mod realworld;

/// Writes `text` to `dir/name` (creating parent directories) and returns the path.
fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(&p, text).unwrap();
    p
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}
