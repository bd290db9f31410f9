//! libcni's results cache (`<cache-dir>/results/<net>-<id>-<ifname>`, kind `cniCacheV1`) and
//! cnictl's own lock files under `<cache-dir>/cnictl/`. Only this module touches the cache dir.
//!
//! The file format is libcni's, so containerd, CRI-O and cnitool read what cnictl writes and
//! the other way round. cnictl is stricter than libcni where libcni is unsafe: every name is
//! validated before a path is built from it, writes are atomic (temp file, fsync, rename,
//! fsync of the directory) and symbolic links in `results/` are never followed.
//!
//! libcni has no locking; cnictl serialises itself with `flock` on files under
//! `<cache-dir>/cnictl/`: operations on one container take the shared side of a cache-wide
//! lock plus an exclusive per-container lock, and gc takes the exclusive side of the
//! cache-wide lock. Lock files are never removed (removing them would race with lockers).

use crate::types::error::CniError;
use crate::types::ident::{validate_container_id, validate_ifname, validate_network_name};
use nix::errno::Errno;
use nix::fcntl::{Flock, FlockArg};
use serde_json::{Map, Value};
use std::ffi::OsString;
use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{DirBuilderExt, FileTypeExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The `kind` of a current cache record.
pub const CACHE_KIND_V1: &str = "cniCacheV1";

/// libcni's default cache directory.
pub const DEFAULT_CACHE_DIR: &str = "/var/lib/cni";

/// The name prefix of cnictl's temporary files in `results/` (a leftover one means a write
/// was interrupted before its rename).
pub const TEMP_PREFIX: &str = ".cnictl-tmp-";

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
    /// `result` (omitted when None or an empty object)
    pub result: Option<Value>,
}

impl CacheEntry {
    /// The record's file bytes as [`Cache::write`] writes them; None when `result` is neither
    /// absent nor a JSON object.
    pub fn encode(&self) -> Option<Vec<u8>> {
        format::encode(self)
    }
}

/// What a cache file holds.
// Read once per call, never stored in bulk: boxing the record would only burden callers.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Cached {
    /// A `cniCacheV1` record.
    V1(CacheEntry),
    /// A pre-cniCacheV1 file: the bare result JSON (any JSON object whose `kind` is not
    /// `cniCacheV1`).
    Legacy(Value),
    /// Neither: not JSON, not an object, or a `cniCacheV1` record with a field of the wrong
    /// type. Holds the error text.
    Corrupt(String),
}

impl Cached {
    /// Classifies a cache file's bytes (what [`Cache::read`] does after reading the file).
    pub fn decode(bytes: &[u8]) -> Cached {
        format::decode(bytes)
    }

    /// The cached result JSON: a V1 record's `result`, or the whole legacy file.
    pub fn result(&self) -> Option<&Value> {
        match self {
            Cached::V1(e) => e.result.as_ref(),
            Cached::Legacy(v) => Some(v),
            Cached::Corrupt(_) => None,
        }
    }
}

/// Errors of the cache; each names the path or the names it was built from.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    /// One of the three names is empty (libcni's text).
    #[error(
        "cache file path requires network name ({network:?}), container ID ({container_id:?}), and interface name ({if_name:?})"
    )]
    MissingName {
        /// The network name.
        network: String,
        /// The container ID.
        container_id: String,
        /// The interface name.
        if_name: String,
    },
    /// A name fails libcni's identifier rules, so no path is built from it.
    #[error("cannot build cache path: {0}")]
    InvalidName(CniError),
    /// A directory that must exist is something else.
    #[error("{} is not a directory", path.display())]
    NotADirectory {
        /// The offending path.
        path: PathBuf,
    },
    /// A cache file is a symbolic link, FIFO, directory…; it is not followed or read.
    #[error("{} is not a regular file ({kind}); not reading it", path.display())]
    NotRegularFile {
        /// The offending path.
        path: PathBuf,
        /// What it is instead.
        kind: &'static str,
    },
    /// Creating a directory failed.
    #[error("creating directory {}: {err}", path.display())]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// The OS error.
        err: io::Error,
    },
    /// Reading a cache file failed.
    #[error("reading {}: {err}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The OS error.
        err: io::Error,
    },
    /// Writing a cache file failed.
    #[error("writing {}: {err}", path.display())]
    Write {
        /// The file (or its directory, when syncing it failed).
        path: PathBuf,
        /// The OS error.
        err: io::Error,
    },
    /// The entry's result is not a JSON object, so libcni could not read the file back.
    #[error("cache entry for {} has a result that is not a JSON object", path.display())]
    ResultNotObject {
        /// The file that would have been written.
        path: PathBuf,
    },
    /// Removing a cache file failed.
    #[error("removing {}: {err}", path.display())]
    Remove {
        /// The file.
        path: PathBuf,
        /// The OS error.
        err: io::Error,
    },
    /// Listing `results/` failed.
    #[error("listing {}: {err}", path.display())]
    List {
        /// The directory.
        path: PathBuf,
        /// The OS error.
        err: io::Error,
    },
    /// Opening or locking a lock file failed.
    #[error("locking {}: {err}", path.display())]
    Lock {
        /// The lock file.
        path: PathBuf,
        /// The OS error.
        err: io::Error,
    },
    /// A non-blocking lock attempt found the lock taken.
    #[error("{} is held by another cnictl process", path.display())]
    Busy {
        /// The lock file.
        path: PathBuf,
    },
}

/// A cache file that [`Cache::scan_attachments`] passed over, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The file.
    pub path: PathBuf,
    /// Why it is not listed.
    pub reason: String,
}

/// The attachments found in `results/`, and the files passed over.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AttachmentScan {
    /// The listed attachments, sorted by file name.
    pub attachments: Vec<CacheEntry>,
    /// Files that libcni would skip silently (plus cnictl's leftover temp files).
    pub skipped: Vec<Skipped>,
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
    // Released in order: the per-container lock before the cache-wide one.
    _locks: Vec<Flock<File>>,
    // The per-container lock file, removed while still locked so lock files do not pile up
    // (a waiter that locked the removed file sees that and locks the new one).
    remove: Option<PathBuf>,
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        if let Some(path) = self.remove.take() {
            let _ = fs::remove_file(path);
        }
    }
}

/// Makes temp file names unique within the process.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

impl Cache {
    /// A cache rooted at `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Cache { dir: dir.into() }
    }

    /// `<dir>/results`
    pub fn results_dir(&self) -> PathBuf {
        self.dir.join("results")
    }

    /// `<dir>/cnictl`: cnictl's own files (locks).
    pub fn cnictl_dir(&self) -> PathBuf {
        self.dir.join("cnictl")
    }

    /// `<dir>/results/<net>-<id>-<ifname>`, after validating all three.
    pub fn result_path(&self, net: &str, id: &str, ifname: &str) -> Result<PathBuf, CacheError> {
        if net.is_empty() || id.is_empty() || ifname.is_empty() {
            return Err(CacheError::MissingName {
                network: net.to_string(),
                container_id: id.to_string(),
                if_name: ifname.to_string(),
            });
        }
        validate_container_id(id).map_err(CacheError::InvalidName)?;
        validate_network_name(net).map_err(CacheError::InvalidName)?;
        validate_ifname(ifname).map_err(CacheError::InvalidName)?;
        Ok(self.results_dir().join(format!("{net}-{id}-{ifname}")))
    }

    /// Reads one entry; Ok(None) when the file does not exist. A symbolic link or other
    /// non-regular file is an error, never followed.
    pub fn read(&self, net: &str, id: &str, ifname: &str) -> Result<Option<Cached>, CacheError> {
        let path = self.result_path(net, id, ifname)?;
        Ok(read_regular(&path)?.map(|bytes| format::decode(&bytes)))
    }

    /// Writes atomically (0700 dirs, 0600 file, temp + fsync + rename, no symlink following).
    /// Keys of `capabilityArgs` and `result` are written sorted, as libcni does.
    pub fn write(&self, entry: &CacheEntry) -> Result<PathBuf, CacheError> {
        let path = self.result_path(&entry.network_name, &entry.container_id, &entry.if_name)?;
        let bytes = format::encode(entry)
            .ok_or_else(|| CacheError::ResultNotObject { path: path.clone() })?;
        let dir = self.results_dir();
        ensure_dir(&dir)?;
        write_atomic(&dir, &path, &bytes)?;
        Ok(path)
    }

    /// Removes one entry; missing is fine. A symbolic link is removed, not followed.
    pub fn remove(&self, net: &str, id: &str, ifname: &str) -> Result<(), CacheError> {
        let path = self.result_path(net, id, ifname)?;
        match fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(err) => Err(CacheError::Remove { path, err }),
        }
    }

    /// Every readable `cniCacheV1` entry (libcni `GetCachedAttachments` rules), sorted by file
    /// name; `None` or `Some("")` lists every container.
    pub fn attachments(&self, container_id: Option<&str>) -> Result<Vec<CacheEntry>, CacheError> {
        Ok(self.scan_attachments(container_id)?.attachments)
    }

    /// What [`Cache::attachments`] lists, plus the files it passed over and why. Files whose
    /// name does not contain `-<id>-` are not considered at all (libcni's pre-filter).
    pub fn scan_attachments(
        &self,
        container_id: Option<&str>,
    ) -> Result<AttachmentScan, CacheError> {
        let dir = self.results_dir();
        let mut names = match list_names(&dir) {
            Ok(names) => names,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(AttachmentScan::default()),
            Err(err) => return Err(CacheError::List { path: dir, err }),
        };
        names.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
        let filter = container_id.filter(|id| !id.is_empty());
        let mut scan = AttachmentScan::default();
        for name in names {
            if let Some(id) = filter {
                if !name_mentions(name.as_bytes(), id) {
                    continue;
                }
            }
            let path = dir.join(&name);
            let mut skip = |reason: String| {
                scan.skipped.push(Skipped {
                    path: path.clone(),
                    reason,
                })
            };
            if name.as_bytes().starts_with(TEMP_PREFIX.as_bytes()) {
                skip("cnictl temporary file (a write in progress or interrupted)".to_string());
                continue;
            }
            let bytes = match read_regular(&path) {
                Ok(Some(bytes)) => bytes,
                Ok(None) => {
                    skip("removed while listing".to_string());
                    continue;
                }
                Err(CacheError::NotRegularFile { kind, .. }) => {
                    skip(format!("not a regular file ({kind}); not followed"));
                    continue;
                }
                Err(e) => {
                    skip(match e {
                        CacheError::Read { err, .. } => format!("cannot read: {err}"),
                        other => other.to_string(),
                    });
                    continue;
                }
            };
            match format::decode(&bytes) {
                Cached::Corrupt(msg) => skip(format!("corrupt cache file: {msg}")),
                Cached::Legacy(_) => skip(format!(
                    "not a {CACHE_KIND_V1} record (legacy or foreign file)"
                )),
                Cached::V1(entry) => {
                    if filter.is_some_and(|id| entry.container_id != id) {
                        skip(format!(
                            "containerId {:?} does not match",
                            entry.container_id
                        ));
                    } else if entry.if_name.is_empty() || entry.network_name.is_empty() {
                        skip("empty ifName or networkName".to_string());
                    } else {
                        scan.attachments.push(entry);
                    }
                }
            }
        }
        Ok(scan)
    }

    /// Exclusive lock for one container plus the shared side of the cache-wide lock; blocks
    /// until both are free. Taking [`Cache::lock_exclusive`] while holding this deadlocks.
    pub fn lock_container(&self, id: &str) -> Result<LockGuard, CacheError> {
        self.container_lock(id, false)
    }

    /// Like [`Cache::lock_container`], but fails with [`CacheError::Busy`] instead of waiting.
    pub fn try_lock_container(&self, id: &str) -> Result<LockGuard, CacheError> {
        self.container_lock(id, true)
    }

    /// The exclusive side of the cache-wide lock (gc); blocks until no container lock is held.
    pub fn lock_exclusive(&self) -> Result<LockGuard, CacheError> {
        let global = lock_file(&self.global_lock_path(), FlockArg::LockExclusive)?;
        Ok(LockGuard {
            _locks: vec![global],
            remove: None,
        })
    }

    /// Like [`Cache::lock_exclusive`], but fails with [`CacheError::Busy`] instead of waiting.
    pub fn try_lock_exclusive(&self) -> Result<LockGuard, CacheError> {
        let global = lock_file(&self.global_lock_path(), FlockArg::LockExclusiveNonblock)?;
        Ok(LockGuard {
            _locks: vec![global],
            remove: None,
        })
    }

    /// `<dir>/cnictl/lock`
    fn global_lock_path(&self) -> PathBuf {
        self.cnictl_dir().join("lock")
    }

    fn container_lock(&self, id: &str, nonblocking: bool) -> Result<LockGuard, CacheError> {
        validate_container_id(id).map_err(CacheError::InvalidName)?;
        let (shared, exclusive) = if nonblocking {
            (
                FlockArg::LockSharedNonblock,
                FlockArg::LockExclusiveNonblock,
            )
        } else {
            (FlockArg::LockShared, FlockArg::LockExclusive)
        };
        let global = lock_file(&self.global_lock_path(), shared)?;
        let path = self.cnictl_dir().join("locks").join(format!("{id}.lock"));
        loop {
            let own = lock_file(&path, exclusive)?;
            // The holder before us may have removed the file after we opened it: only a lock on
            // the file that is at the path now counts.
            let held = own.metadata().map(|m| (m.dev(), m.ino())).ok();
            let current = fs::symlink_metadata(&path).map(|m| (m.dev(), m.ino())).ok();
            if held.is_some() && held == current {
                return Ok(LockGuard {
                    _locks: vec![own, global],
                    remove: Some(path),
                });
            }
        }
    }
}

/// True when `name` contains `-<id>-` past its first byte and before its end (libcni's cheap
/// pre-filter; only the first occurrence counts, as in Go's `strings.Index`).
fn name_mentions(name: &[u8], id: &str) -> bool {
    let part = format!("-{id}-");
    let part = part.as_bytes();
    match name.windows(part.len()).position(|w| w == part) {
        Some(pos) => pos > 0 && pos + part.len() < name.len(),
        None => false,
    }
}

fn list_names(dir: &Path) -> io::Result<Vec<OsString>> {
    fs::read_dir(dir)?
        .map(|e| e.map(|e| e.file_name()))
        .collect()
}

/// Reads a regular file without following a final symbolic link and without blocking on a
/// FIFO. `Ok(None)` when it does not exist.
fn read_regular(path: &Path) -> Result<Option<Vec<u8>>, CacheError> {
    let opened = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(path);
    let mut file = match opened {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
            return Err(CacheError::NotRegularFile {
                path: path.to_path_buf(),
                kind: "symbolic link",
            })
        }
        Err(err) => {
            return Err(CacheError::Read {
                path: path.to_path_buf(),
                err,
            })
        }
    };
    let read_err = |err| CacheError::Read {
        path: path.to_path_buf(),
        err,
    };
    let file_type = file.metadata().map_err(read_err)?.file_type();
    if !file_type.is_file() {
        let kind = if file_type.is_dir() {
            "directory"
        } else if file_type.is_fifo() {
            "fifo"
        } else if file_type.is_socket() {
            "socket"
        } else {
            "device"
        };
        return Err(CacheError::NotRegularFile {
            path: path.to_path_buf(),
            kind,
        });
    }
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).map_err(read_err)?;
    Ok(Some(bytes))
}

/// Creates `dir` (and its parents) with mode 0700 unless it exists; something other than a
/// directory there is an error naming it.
fn ensure_dir(dir: &Path) -> Result<(), CacheError> {
    match fs::metadata(dir) {
        Ok(m) if m.is_dir() => return Ok(()),
        Ok(_) => {
            return Err(CacheError::NotADirectory {
                path: dir.to_path_buf(),
            })
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(err) => {
            return Err(CacheError::CreateDir {
                path: dir.to_path_buf(),
                err,
            })
        }
    }
    match DirBuilder::new().recursive(true).mode(0o700).create(dir) {
        Ok(()) => Ok(()),
        Err(err) => match fs::metadata(dir) {
            Ok(m) if !m.is_dir() => Err(CacheError::NotADirectory {
                path: dir.to_path_buf(),
            }),
            _ => Err(CacheError::CreateDir {
                path: dir.to_path_buf(),
                err,
            }),
        },
    }
}

/// Writes `bytes` to a fresh temp file in `dir` (O_EXCL|O_NOFOLLOW, 0600), syncs it, renames
/// it over `path` (replacing a symbolic link there rather than following it) and syncs `dir`.
fn write_atomic(dir: &Path, path: &Path, bytes: &[u8]) -> Result<(), CacheError> {
    let write_err = |p: &Path, err| CacheError::Write {
        path: p.to_path_buf(),
        err,
    };
    let (tmp, mut file) = loop {
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!("{TEMP_PREFIX}{}-{n}", std::process::id()));
        let opened = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(&tmp);
        match opened {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(err) => return Err(write_err(path, err)),
        }
    };
    let filled = file
        .write_all(bytes)
        .and_then(|()| file.set_permissions(fs::Permissions::from_mode(0o600)))
        .and_then(|()| file.sync_all());
    drop(file);
    if let Err(err) = filled.and_then(|()| fs::rename(&tmp, path)) {
        let _ = fs::remove_file(&tmp);
        return Err(write_err(path, err));
    }
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|err| write_err(dir, err))
}

/// Opens (creating it, 0600, and its directory, 0700) and flocks a lock file.
fn lock_file(path: &Path, arg: FlockArg) -> Result<Flock<File>, CacheError> {
    if let Some(parent) = path.parent() {
        ensure_dir(parent)?;
    }
    let lock_err = |err| CacheError::Lock {
        path: path.to_path_buf(),
        err,
    };
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(path)
        .map_err(lock_err)?;
    Flock::lock(file, arg).map_err(|(_, errno)| match errno {
        Errno::EWOULDBLOCK => CacheError::Busy {
            path: path.to_path_buf(),
        },
        other => lock_err(io::Error::from(other)),
    })
}

mod format;
#[cfg(test)]
mod tests;
