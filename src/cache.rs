//! libcni's results cache (`<cache-dir>/results/<net>-<id>-<ifname>`, kind `cniCacheV1`) and
//! cnictl's own lock files under `<cache-dir>/cnictl/`. Only this module touches the cache dir.
//!
//! INTERFACE STUB — to be implemented.

use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

/// One `cniCacheV1` record.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CacheEntry {
    /// `containerId`
    pub container_id: String,
    /// `config`: the network config bytes (base64 in the file); None = `null`.
    pub config: Option<Vec<u8>>,
    /// `ifName`
    pub if_name: String,
    /// `networkName`
    pub network_name: String,
    /// `netns` (omitted when empty)
    pub netns: String,
    /// `cniArgs` (omitted when empty)
    pub cni_args: Vec<(String, String)>,
    /// `capabilityArgs` (omitted when empty)
    pub capability_args: Map<String, Value>,
    /// `result` (omitted when None)
    pub result: Option<Value>,
}

/// What a cache file holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Cached {
    /// A `cniCacheV1` record.
    V1(CacheEntry),
    /// A pre-cniCacheV1 file: the bare result JSON.
    Legacy(Value),
    /// Neither: the parse error text.
    Corrupt(String),
}

/// Errors of the cache; each names the path.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    /// Placeholder.
    #[error("cache error")]
    Placeholder,
}

/// The cache rooted at a directory (default `/var/lib/cni`).
#[derive(Debug, Clone)]
pub struct Cache {
    /// The cache root.
    pub dir: PathBuf,
}

/// A held lock; released on drop.
#[derive(Debug)]
pub struct LockGuard {
    _files: Vec<std::fs::File>,
}

impl Cache {
    /// A cache rooted at `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Cache { dir: dir.into() }
    }
    /// `<dir>/results/<net>-<id>-<ifname>`, after validating all three.
    pub fn result_path(&self, _net: &str, _id: &str, _ifname: &str) -> Result<PathBuf, CacheError> {
        unimplemented!()
    }
    /// Reads one entry; Ok(None) when the file does not exist.
    pub fn read(&self, _net: &str, _id: &str, _ifname: &str) -> Result<Option<Cached>, CacheError> {
        unimplemented!()
    }
    /// Writes atomically (0700 dirs, 0600 file, temp + fsync + rename, no symlink following).
    pub fn write(&self, _entry: &CacheEntry) -> Result<PathBuf, CacheError> {
        unimplemented!()
    }
    /// Removes one entry; missing is fine.
    pub fn remove(&self, _net: &str, _id: &str, _ifname: &str) -> Result<(), CacheError> {
        unimplemented!()
    }
    /// Every readable `cniCacheV1` entry (libcni `GetCachedAttachments` rules), sorted by file name.
    pub fn attachments(&self, _container_id: Option<&str>) -> Result<Vec<CacheEntry>, CacheError> {
        unimplemented!()
    }
    /// Exclusive lock for one container plus the shared side of the cache-wide lock.
    pub fn lock_container(&self, _id: &str) -> Result<LockGuard, CacheError> {
        unimplemented!()
    }
    /// The exclusive side of the cache-wide lock (gc).
    pub fn lock_exclusive(&self) -> Result<LockGuard, CacheError> {
        unimplemented!()
    }
}

#[allow(dead_code)]
fn _unused(_p: &Path) {}
