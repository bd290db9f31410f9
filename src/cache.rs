//! libcni's results cache (`<cache-dir>/results/<net>-<id>-<ifname>`, kind `cniCacheV1`) and
//! cnictl's own lock files under `<cache-dir>/cnictl/`. Only this module touches the cache dir.
//!
//! The file format is libcni's, so containerd, CRI-O and cnitool read what cnictl writes and
//! the other way round. cnictl is stricter than libcni where libcni is unsafe: every name is
//! validated before a path is built from it, writes are atomic (temp file, fsync, rename,
//! fsync of the directory) and symbolic links in `results/` are never followed.
//!
//! libcni has no locking; cnictl serialises itself with open file description locks (`fcntl`
//! `F_OFD_SETLK`) on bytes of one file, `<cache-dir>/cnictl/lock`: operations on one container
//! take byte 0 shared (the cache-wide lock) and the container's own byte exclusively, and gc
//! takes byte 0 exclusively. One file for every lock: no lock file is made or removed per
//! container, and a lock goes with the descriptor that holds it, also when the process dies.

use crate::netns::NetnsState;
use crate::noderoot::NodeRoot;
use crate::safe_read::{self, FileKind, ReadError};
use crate::types::error::CniError;
use crate::types::ident::{validate_container_id, validate_ifname, validate_network_name};
use crate::types::result::CniResult;
use serde_json::{Map, Value};
use std::ffi::OsString;
use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io::{self, Write};
use std::os::fd::AsRawFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
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

impl CacheEntry {
    /// Why this record cannot serve as the base of a CHECK, or None. Every record libcni or
    /// cnictl writes after a successful ADD holds the list's config and a result that decodes
    /// as a CNI result; libcni decodes a missing result as an empty one, and fails on one that
    /// does not decode (`"ips": "x"`).
    pub fn defect(&self) -> Option<String> {
        if let Some(d) = self.result_defect() {
            return Some(d);
        }
        if self.config.is_none() {
            return Some("it holds no config".to_string());
        }
        None
    }

    /// Why this record's result cannot be a prevResult, or None: there is none, it names no
    /// `cniVersion` (libcni and cnictl write the config's version into every result they
    /// cache; libcni would read it as 0.1.0 and drop every later field, so `"ips": "x"`
    /// became an empty prevResult), or it does not decode as a result of its version.
    pub fn result_defect(&self) -> Option<String> {
        let Some(result) = &self.result else {
            return Some("it holds no result".to_string());
        };
        match result.get("cniVersion") {
            Some(Value::String(v)) if !v.is_empty() => {}
            _ => return Some("result: it names no cniVersion".to_string()),
        }
        CniResult::from_value(result)
            .err()
            .map(|e| format!("result: {e}"))
    }

    /// The identity fields (`networkName`, `containerId`, `ifName`) that disagree with the
    /// file name the record was read from (`<network>-<id>-<ifname>`), empty when they agree.
    /// libcni finds a record by its file name for CHECK and DEL but lists attachments (and
    /// garbage-collects them) by these fields.
    pub fn mismatched_names(&self, file_name: &str) -> Vec<&'static str> {
        if file_name
            == format!(
                "{}-{}-{}",
                self.network_name, self.container_id, self.if_name
            )
        {
            return Vec::new();
        }
        let mut fields = Vec::new();
        if !file_name.starts_with(&format!("{}-", self.network_name)) {
            fields.push("networkName");
        }
        let id_part = format!("-{}-", self.container_id);
        if !file_name.contains(&id_part) || file_name.starts_with(&id_part[1..]) {
            fields.push("containerId");
        }
        if !file_name.ends_with(&format!("-{}", self.if_name)) {
            fields.push("ifName");
        }
        if fields.is_empty() {
            // Each part is found, but not as this split of the name (names containing `-`).
            fields.push("containerId");
        }
        fields
    }

    /// A warning naming the identity fields that disagree with `file`'s name (see
    /// [`CacheEntry::mismatched_names`]); None when they agree. The caller names the file.
    pub fn name_mismatch_warning(&self, file: &Path) -> Option<String> {
        let name = file.file_name()?.to_string_lossy();
        self.mismatch_text(&self.mismatched_names(&name))
    }

    /// Like [`CacheEntry::name_mismatch_warning`] for the record read as `<net>-<id>-<ifname>`
    /// (CHECK and DEL know the three names, so each field is compared exactly).
    pub fn identity_mismatch_warning(&self, net: &str, id: &str, ifname: &str) -> Option<String> {
        let mut fields = Vec::new();
        if self.network_name != net {
            fields.push("networkName");
        }
        if self.container_id != id {
            fields.push("containerId");
        }
        if self.if_name != ifname {
            fields.push("ifName");
        }
        self.mismatch_text(&fields)
    }

    fn mismatch_text(&self, fields: &[&str]) -> Option<String> {
        if fields.is_empty() {
            return None;
        }
        let values = fields
            .iter()
            .map(|f| {
                let v = match *f {
                    "networkName" => &self.network_name,
                    "containerId" => &self.container_id,
                    _ => &self.if_name,
                };
                format!("{f} {v:?}")
            })
            .collect::<Vec<_>>()
            .join(", ");
        Some(format!(
            "the cache entry's {values} disagree{} with its file name (libcni finds it by the file name for CHECK and DEL, but lists and garbage-collects it by its fields)",
            if fields.len() == 1 { "s" } else { "" }
        ))
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
    /// A cache file is larger than cnictl reads of any input; it was not read whole.
    #[error("{0}")]
    TooLarge(ReadError),
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
    /// The file was renamed into place, but syncing its directory failed: the new file is
    /// there (a later crash may lose it).
    #[error("writing {}: the file is in place, but syncing {} failed: {err}", file.display(), path.display())]
    SyncDir {
        /// The directory.
        path: PathBuf,
        /// The file written.
        file: PathBuf,
        /// The OS error.
        err: io::Error,
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
    /// cnictl's own record of an attachment cannot be read.
    #[error("cnictl's record {} is unreadable: {msg}", path.display())]
    CorruptRecord {
        /// The record file.
        path: PathBuf,
        /// Why.
        msg: String,
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

/// A listed attachment whose file has a problem: its identity fields disagree with its file
/// name, or it cannot serve as the base of a CHECK ([`CacheEntry::defect`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suspect {
    /// The index of the attachment in [`AttachmentScan::attachments`].
    pub index: usize,
    /// The file.
    pub path: PathBuf,
    /// What is wrong (without the path).
    pub reason: String,
    /// True for a [`CacheEntry::defect`] (a record of a failed ADD may lack a result on
    /// purpose), false for a name mismatch.
    pub defect: bool,
}

/// The attachments found in `results/`, and the files passed over.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AttachmentScan {
    /// The listed attachments, sorted by file name.
    pub attachments: Vec<CacheEntry>,
    /// Files that libcni would skip silently (plus cnictl's leftover temp files).
    pub skipped: Vec<Skipped>,
    /// Listed attachments whose file has a problem.
    pub suspects: Vec<Suspect>,
}

/// The cache rooted at a directory (default `/var/lib/cni`).
#[derive(Debug, Clone)]
pub struct Cache {
    /// The cache root.
    pub dir: PathBuf,
    /// The node the cache's recorded paths (each entry's netns) belong to: with `--root`, a
    /// recorded `/var/run/netns/x` is looked for under that root.
    pub node_root: NodeRoot,
}

/// A held lock; released on drop (closing the descriptor releases every lock it holds).
#[derive(Debug)]
pub struct LockGuard {
    _file: File,
}

/// Makes temp file names unique within the process.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

impl Cache {
    /// A cache rooted at `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Cache {
            dir: dir.into(),
            node_root: NodeRoot::host(),
        }
    }

    /// The cache of the node whose `/` is `root`; `dir` is where the cache is seen from here.
    pub fn of_node(dir: impl Into<PathBuf>, root: NodeRoot) -> Self {
        Cache {
            dir: dir.into(),
            node_root: root,
        }
    }

    /// The state of an entry's recorded netns path, looked for on the cache's node.
    pub fn netns_state(&self, recorded: &str) -> NetnsState {
        NetnsState::of_on(recorded, None, &self.node_root)
    }

    /// `<dir>/results`
    pub fn results_dir(&self) -> PathBuf {
        self.dir.join("results")
    }

    /// `<dir>/cnictl`: cnictl's own files (locks, records, temp files).
    pub fn cnictl_dir(&self) -> PathBuf {
        self.dir.join("cnictl")
    }

    /// `<dir>/cnictl/tmp`: temp files of atomic writes, where libcni never looks (a leftover
    /// one in `results/` would be listed as an attachment by libcni after a crash).
    pub fn temp_dir(&self) -> PathBuf {
        self.cnictl_dir().join("tmp")
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

    /// Whether an entry is there, without reading it: what [`Cache::read`] would find, short of
    /// its content (a file that is not a regular one is the same error).
    pub fn has_entry(&self, net: &str, id: &str, ifname: &str) -> Result<bool, CacheError> {
        let path = self.result_path(net, id, ifname)?;
        match fs::symlink_metadata(&path) {
            Ok(m) => match FileKind::of(m.file_type()) {
                None => Ok(true),
                Some(kind) => Err(CacheError::NotRegularFile {
                    path,
                    kind: kind.noun(),
                }),
            },
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(err) => Err(CacheError::Read { path, err }),
        }
    }

    /// Writes atomically (0700 dirs, 0600 file, temp + fsync + rename, no symlink following).
    /// Keys of `capabilityArgs` and `result` are written sorted, as libcni does.
    pub fn write(&self, entry: &CacheEntry) -> Result<PathBuf, CacheError> {
        let path = self.result_path(&entry.network_name, &entry.container_id, &entry.if_name)?;
        let bytes = format::encode(entry)
            .ok_or_else(|| CacheError::ResultNotObject { path: path.clone() })?;
        let dir = self.results_dir();
        self.write_atomic(&dir, &path, &bytes)?;
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
                        CacheError::TooLarge(e) => format!("corrupt cache file: {}", e.reason()),
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
                        let index = scan.attachments.len();
                        if let Some(reason) = entry.name_mismatch_warning(&path) {
                            scan.suspects.push(Suspect {
                                index,
                                path: path.clone(),
                                reason,
                                defect: false,
                            });
                        }
                        if let Some(defect) = entry.defect() {
                            scan.suspects.push(Suspect {
                                index,
                                path: path.clone(),
                                reason: format!("corrupt cache entry: {defect}"),
                                defect: true,
                            });
                        }
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
        self.cache_wide_lock(true, true)
    }

    /// Like [`Cache::lock_exclusive`], but fails with [`CacheError::Busy`] instead of waiting.
    pub fn try_lock_exclusive(&self) -> Result<LockGuard, CacheError> {
        self.cache_wide_lock(true, false)
    }

    /// `<dir>/cnictl/lock`
    fn global_lock_path(&self) -> PathBuf {
        self.cnictl_dir().join("lock")
    }

    /// Byte 0 of the lock file, shared or exclusive, waiting for it or not.
    fn cache_wide_lock(&self, exclusive: bool, wait: bool) -> Result<LockGuard, CacheError> {
        let path = self.global_lock_path();
        let file = open_lock_file(&path)?;
        lock_byte(&file, &path, 0, exclusive, wait)?;
        Ok(LockGuard { _file: file })
    }

    fn container_lock(&self, id: &str, nonblocking: bool) -> Result<LockGuard, CacheError> {
        validate_container_id(id).map_err(CacheError::InvalidName)?;
        // The shared side of the cache-wide lock, then the container's byte on the same file.
        let guard = self.cache_wide_lock(false, !nonblocking)?;
        let path = self.global_lock_path();
        lock_byte(&guard._file, &path, container_byte(id), true, !nonblocking)?;
        Ok(guard)
    }
}

/// The byte of the lock file that stands for container `id`: past byte 0, from a 64-bit FNV-1a
/// hash of the ID, so two IDs share a byte only by a 1-in-2^62 chance (and would then only
/// wait for each other).
fn container_byte(id: &str) -> i64 {
    let hash = id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    1 + i64::try_from(hash >> 2).unwrap_or(0)
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
/// FIFO, capped like every input ([`crate::safe_read`]). `Ok(None)` when it does not exist.
fn read_regular(path: &Path) -> Result<Option<Vec<u8>>, CacheError> {
    match safe_read::read_file_nofollow(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(ReadError::NotRegular { kind, .. }) => Err(CacheError::NotRegularFile {
            path: path.to_path_buf(),
            kind: kind.noun(),
        }),
        Err(e @ ReadError::TooLarge { .. }) => Err(CacheError::TooLarge(e)),
        Err(ReadError::Io { err, .. }) => Err(CacheError::Read {
            path: path.to_path_buf(),
            err,
        }),
    }
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

impl Cache {
    /// Writes `bytes` to a fresh temp file in [`Cache::temp_dir`] (O_EXCL|O_NOFOLLOW, 0600),
    /// syncs it, renames it over `path` in `dir` (replacing a symbolic link there rather than
    /// following it) and syncs `dir`. When `dir` is on another filesystem than the temp dir
    /// (a bind mount), the temp file is made in `dir` itself.
    ///
    /// `dir` and the temp dir exist on every write but the first: they are made (0700), or
    /// refused when something else is in the way, only when the write finds one missing.
    fn write_atomic(&self, dir: &Path, path: &Path, bytes: &[u8]) -> Result<(), CacheError> {
        match self.write_atomic_in_place(dir, path, bytes) {
            Err(CacheError::Write { err, .. }) if missing_dir(&err) => {
                ensure_dir(dir)?;
                ensure_dir(&self.temp_dir())?;
                self.write_atomic_in_place(dir, path, bytes)
            }
            other => other,
        }
    }

    /// [`Cache::write_atomic`] with both directories in place.
    fn write_atomic_in_place(
        &self,
        dir: &Path,
        path: &Path,
        bytes: &[u8],
    ) -> Result<(), CacheError> {
        let tmp_dir = self.temp_dir();
        match write_via(&tmp_dir, path, bytes) {
            Err(Renamed::CrossDevice) => match write_via(dir, path, bytes) {
                Ok(()) => {}
                Err(Renamed::CrossDevice) => {
                    return Err(CacheError::Write {
                        path: path.to_path_buf(),
                        err: io::Error::from_raw_os_error(libc::EXDEV),
                    })
                }
                Err(Renamed::Failed(e)) => return Err(e),
            },
            Err(Renamed::Failed(e)) => return Err(e),
            Ok(()) => {}
        }
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|err| CacheError::SyncDir {
                path: dir.to_path_buf(),
                file: path.to_path_buf(),
                err,
            })
    }
}

/// Why [`write_via`] did not put the file in place.
enum Renamed {
    /// The temp dir is on another filesystem.
    CrossDevice,
    /// Any other failure (the temp file is removed).
    Failed(CacheError),
}

fn write_via(tmp_dir: &Path, path: &Path, bytes: &[u8]) -> Result<(), Renamed> {
    let write_err = |err| {
        Renamed::Failed(CacheError::Write {
            path: path.to_path_buf(),
            err,
        })
    };
    let (tmp, mut file) = loop {
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = tmp_dir.join(format!("{TEMP_PREFIX}{}-{n}", std::process::id()));
        let opened = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(&tmp);
        match opened {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(err) => return Err(write_err(err)),
        }
    };
    let filled = file
        .write_all(bytes)
        .and_then(|()| file.set_permissions(fs::Permissions::from_mode(0o600)))
        .and_then(|()| file.sync_all());
    drop(file);
    if let Err(err) = filled.and_then(|()| fs::rename(&tmp, path)) {
        let _ = fs::remove_file(&tmp);
        if err.raw_os_error() == Some(libc::EXDEV) {
            return Err(Renamed::CrossDevice);
        }
        return Err(write_err(err));
    }
    Ok(())
}

/// Opens (creating it, 0600, and its directory, 0700) the lock file.
fn open_lock_file(path: &Path) -> Result<File, CacheError> {
    let open = || {
        OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(path)
    };
    // The directory exists on every run but the first: it is made (or refused, when something
    // else is in the way) only when the open says it is missing.
    match open() {
        Err(e) if missing_dir(&e) => {
            if let Some(parent) = path.parent() {
                ensure_dir(parent)?;
            }
            open()
        }
        other => other,
    }
    .map_err(|err| CacheError::Lock {
        path: path.to_path_buf(),
        err,
    })
}

/// Locks byte `at` of `file` (an open file description lock: it belongs to this descriptor,
/// not to the process, so two guards of one process exclude each other too). Not waiting, a
/// byte held by another is [`CacheError::Busy`].
fn lock_byte(
    file: &File,
    path: &Path,
    at: i64,
    exclusive: bool,
    wait: bool,
) -> Result<(), CacheError> {
    // SAFETY: flock is plain data; every field F_OFD_SETLK reads is set below (l_pid must be 0).
    let mut range: libc::flock = unsafe { std::mem::zeroed() };
    range.l_type = if exclusive {
        libc::F_WRLCK
    } else {
        libc::F_RDLCK
    } as libc::c_short;
    range.l_whence = libc::SEEK_SET as libc::c_short;
    range.l_start = at;
    range.l_len = 1;
    let cmd = if wait {
        libc::F_OFD_SETLKW
    } else {
        libc::F_OFD_SETLK
    };
    loop {
        // SAFETY: fcntl reads the flock it is given; the descriptor is open.
        if unsafe { libc::fcntl(file.as_raw_fd(), cmd, &range) } == 0 {
            return Ok(());
        }
        let err = io::Error::last_os_error();
        match err.raw_os_error() {
            Some(libc::EINTR) => continue,
            Some(libc::EAGAIN) | Some(libc::EACCES) if !wait => {
                return Err(CacheError::Busy {
                    path: path.to_path_buf(),
                })
            }
            _ => {
                return Err(CacheError::Lock {
                    path: path.to_path_buf(),
                    err,
                })
            }
        }
    }
}

/// True for the errors of a path whose directory is missing or is not a directory.
fn missing_dir(e: &io::Error) -> bool {
    matches!(e.raw_os_error(), Some(libc::ENOENT) | Some(libc::ENOTDIR))
}

mod format;
mod record;
pub use record::{
    now, process_start, FailedAdd, PluginNsRecord, RawJson, Record, RecordFile, RecordState,
    RECORD_VERSION,
};
#[cfg(test)]
mod tests;
