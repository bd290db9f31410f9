//! The configuration directory: which files count (libcni `ConfFiles`), in which order they
//! are tried, and finding a network by name (libcni `LoadNetworkConf`, made more forgiving of
//! broken files that belong to other networks).

use std::ffi::{OsStr, OsString};
use std::fs;
use std::io::{self, Read};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::error::{ConfigError, FoundNetwork};
use super::json::{lenient_name, parse_verbatim};
use super::list::{
    conf_from_file, conf_from_file_bytes, is_one_path_component, list_from_file,
    list_from_file_bytes,
};
use super::probe::probe;
use super::{LoadOptions, LoadWarning, Loaded, NetworkConfigList};
use crate::noderoot::NodeRoot;
use crate::safe_read::MAX_INPUT_BYTES;

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
    Ok(Listing::read(dir)?
        .files
        .into_iter()
        .map(|f| (dir.join(&f.name), f.kind))
        .collect())
}

/// One configuration file of a listing.
struct Listed {
    /// Its name in the directory.
    name: OsString,
    kind: FileKind,
    /// The directory entry said it is a regular file (not a link).
    regular: bool,
}

/// What one read of a configuration directory found (libcni `ConfFiles`, for both kinds).
struct Listing {
    /// The configuration files, in priority order.
    files: Vec<Listed>,
    /// A hash of each entry's name (plugin subdirectories among them) with its ASCII letters
    /// in lower case, sorted: most names asked for are not there, which this tells without
    /// comparing names.
    hashes: Vec<u64>,
    /// The longest name the directory's file system takes.
    name_max: usize,
    /// The length of the directory's path.
    dir_len: usize,
}

/// The longest path the kernel resolves, its final NUL included.
const PATH_MAX: usize = libc::PATH_MAX as usize;

/// The longest file name most file systems take (`NAME_MAX`): assumed when `statfs` says
/// nothing.
const NAME_MAX: usize = 255;

impl Listing {
    /// A missing directory's.
    fn empty() -> Listing {
        Listing {
            files: Vec::new(),
            hashes: Vec::new(),
            name_max: NAME_MAX,
            dir_len: 0,
        }
    }

    /// Reads `dir` once. A missing `dir` has no files; one that is not a directory is
    /// [`ConfigError::NotADirectory`].
    fn read(dir: &Path) -> Result<Listing, ConfigError> {
        let read_err = |cause| ConfigError::ReadDir {
            dir: dir.to_path_buf(),
            cause,
        };
        // Opening it as a directory tells all: missing, not a directory, or unreadable.
        let entries = match fs::read_dir(dir) {
            Ok(rd) => rd,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Listing::empty()),
            Err(e) if e.raw_os_error() == Some(libc::ENOTDIR) => {
                return Err(ConfigError::NotADirectory {
                    dir: dir.to_path_buf(),
                })
            }
            Err(cause) => return Err(read_err(cause)),
        };
        let mut files = Vec::new();
        let mut hashes = Vec::new();
        for entry in entries {
            let entry = entry.map_err(read_err)?;
            let ty = entry.file_type().map_err(read_err)?;
            let name = entry.file_name();
            hashes.push(folded_hash(name.as_bytes()));
            if ty.is_dir() {
                continue;
            }
            let kind = match extension(name.as_bytes()) {
                b".conflist" => FileKind::List,
                b".conf" | b".json" => FileKind::Single,
                _ => continue,
            };
            files.push(Listed {
                name,
                kind,
                regular: ty.is_file(),
            });
        }
        // Lists first; within a kind, byte order of the names (the paths share `dir`).
        files.sort_by(|a, b| {
            let rank = |k| (k == FileKind::Single) as u8;
            (rank(a.kind), a.name.as_bytes()).cmp(&(rank(b.kind), b.name.as_bytes()))
        });
        hashes.sort_unstable();
        let name_max = nix::sys::statfs::statfs(dir)
            .ok()
            .and_then(|s| usize::try_from(s.maximum_name_length()).ok())
            .filter(|&n| n > 0)
            .unwrap_or(NAME_MAX);
        Ok(Listing {
            files,
            hashes,
            name_max,
            dir_len: dir.as_os_str().len(),
        })
    }

    /// False only when the directory certainly has no entry `name`, even on a file system
    /// that ignores case: no ASCII-folded name hashes the same, and `name` is ASCII (other
    /// letters may fold too). A wrong "may" only costs a full load.
    fn may_have(&self, name: &str) -> bool {
        !name.is_ascii()
            || self
                .hashes
                .binary_search(&folded_hash(name.as_bytes()))
                .is_ok()
    }

    /// True when `name` can name a plugin subdirectory of this directory that certainly does
    /// not exist, so that a conflist of that name loads no plugins from one. A name that is
    /// not one path component, or is longer than the file system's names or than a path may
    /// be, fails the full load instead (libcni joins it unchecked).
    fn certainly_no_subdir(&self, name: &str) -> bool {
        is_one_path_component(name)
            && name.len() <= self.name_max
            && self.dir_len + 1 + name.len() < PATH_MAX
            && !self.may_have(name)
    }
}

/// FNV-1a of a name with its ASCII letters in lower case ([`Listing::may_have`]).
fn folded_hash(name: &[u8]) -> u64 {
    name.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The text from the last dot of a file name, dot included (libcni's `filepath.Ext`).
fn extension(name: &[u8]) -> &[u8] {
    name.iter()
        .rposition(|&b| b == b'.')
        .map_or(&b""[..], |i| &name[i..])
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
    match super::list::read_on(path, root) {
        Ok(bytes) => judge(path, kind, root, &bytes),
        Err(error) => ScannedFile {
            path: path.to_path_buf(),
            kind,
            name: None,
            result: Err(error),
        },
    }
}

/// [`read_file_on`] of the bytes of `path`, already read.
fn judge(path: &Path, kind: FileKind, root: &NodeRoot, bytes: &[u8]) -> ScannedFile {
    let result = match kind {
        FileKind::List => list_from_file_bytes(bytes, path, root),
        FileKind::Single => conf_from_file_bytes(bytes, path),
    };
    let name = match &result {
        Ok(list) => Some(list.name.clone()),
        Err(_) => recover_name(bytes),
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
fn recover_name(bytes: &[u8]) -> Option<String> {
    match parse_verbatim(bytes) {
        Ok(serde_json::Value::Object(m)) => {
            m.get("name").and_then(|n| n.as_str()).map(str::to_string)
        }
        Ok(_) => None,
        Err(_) => lenient_name(&super::json::go_lossy(bytes)),
    }
}

/// Finds network `name` in `dir`: the first file, in priority order, that defines it. A
/// `.conflist` beats a `.conf` of the same name.
///
/// A broken file that sorts before the match stops the search (as in libcni) when it could
/// be the network asked for: when its name cannot be read, or is `name`. A broken file that
/// names another network is only a warning; with [`LoadOptions::skip_broken`] every broken
/// file is. Files after the match are not loaded (with many files, one a thread had started
/// on may have been read).
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
///
/// Each file before the match is first read straight from the directory and given to
/// [`probe`]: a file it vouches for names another network and is passed over without being
/// built; any other file is loaded the full way, whose verdict counts. With many files the
/// work is shared by a few threads, the outcome taken in priority order as before.
pub fn load_on(
    dir: &Path,
    name: &str,
    opts: &LoadOptions,
    root: &NodeRoot,
) -> Result<Loaded, ConfigError> {
    let listing = Listing::read(dir)?;
    if listing.files.is_empty() {
        return Err(ConfigError::NoConfigsFound {
            dir: dir.to_path_buf(),
        });
    }
    // The directory's descriptor, to open its files by name; without it every file takes the
    // full way.
    let dir_fd = fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_DIRECTORY)
        .open(dir)
        .ok();
    let steps = in_order_until(listing.files.len(), |i, buf| {
        let file = &listing.files[i];
        // Read by name when the directory says it is a regular file; else (a link, or any
        // failure) the full way, through `root`.
        let read = file.regular
            && dir_fd
                .as_ref()
                .is_some_and(|fd| read_at(fd, &file.name, buf).is_some());
        if read {
            if let Some(other) = pass_over(&listing, file, name, buf) {
                return (Step::Other(other.to_string()), false);
            }
        }
        let path = dir.join(&file.name);
        let scanned = if read {
            judge(&path, file.kind, root, buf)
        } else {
            read_file_on(&path, file.kind, root)
        };
        let step = match scanned.result {
            Ok(list) if list.name == name => Step::Found(Box::new(list)),
            Ok(list) => Step::Other(list.name),
            Err(error) => {
                let other_network = scanned.name.as_deref().is_some_and(|n| n != name);
                if other_network || opts.skip_broken {
                    Step::Skipped(Box::new(LoadWarning {
                        file: path,
                        network: scanned.name,
                        message: error.to_string(),
                    }))
                } else if scanned.name.is_some() {
                    Step::Stop(Box::new(error))
                } else {
                    Step::Stop(Box::new(ConfigError::Undecidable {
                        file: path,
                        wanted: name.to_string(),
                        cause: Box::new(error),
                    }))
                }
            }
        };
        let ends = matches!(step, Step::Found(_) | Step::Stop(_));
        (step, ends)
    });
    let mut warnings = Vec::new();
    let mut networks = Vec::new();
    for (step, file) in steps.into_iter().zip(&listing.files) {
        match step {
            Step::Found(list) => {
                return Ok(Loaded {
                    list: *list,
                    warnings,
                })
            }
            Step::Stop(error) => return Err(*error),
            Step::Other(name) => networks.push(FoundNetwork {
                name,
                file: dir.join(&file.name),
            }),
            Step::Skipped(warning) => warnings.push(*warning),
        }
    }
    Err(ConfigError::NotFound {
        dir: dir.to_path_buf(),
        name: name.to_string(),
        networks,
        skipped: warnings,
    })
}

/// What a lookup made of one file.
/// (Boxed but for the common case: thousands are held at once.)
enum Step {
    /// The network asked for.
    Found(Box<NetworkConfigList>),
    /// A good file of another network: its name.
    Other(String),
    /// A broken file passed over.
    Skipped(Box<LoadWarning>),
    /// A broken file that ends the lookup.
    Stop(Box<ConfigError>),
}

/// The network of `file`, whose bytes are `buf`, when [`probe`] vouches that it loads and it
/// is not `wanted` (the match is always loaded the full way).
fn pass_over<'b>(listing: &Listing, file: &Listed, wanted: &str, buf: &'b [u8]) -> Option<&'b str> {
    let probed = probe(buf, file.kind)?;
    if probed.name == wanted {
        return None;
    }
    // A conflist also loads the plugins of the subdirectory named after it: only its
    // certain absence is vouched for here.
    if !probed.inline_only && !listing.certainly_no_subdir(probed.name) {
        return None;
    }
    Some(probed.name)
}

/// Reads the regular file `name` of the directory open as `dir_fd` into `buf`, as
/// [`crate::safe_read::read_file`] would read it but by name (no path walk, no link
/// followed); `None` on any failure, which the full load then reports. The directory entry
/// said it is a regular file: that is the look before opening (a device must not be opened)
/// that `safe_read` takes with a `stat`; swapping the file for a device between the two needs
/// write access to the config dir, as it does between `safe_read`'s `stat` and `open`.
fn read_at(dir_fd: &fs::File, name: &OsStr, buf: &mut Vec<u8>) -> Option<()> {
    use nix::fcntl::{openat, OFlag};
    use std::os::fd::{AsRawFd, FromRawFd};
    let flags = OFlag::O_RDONLY
        | OFlag::O_NONBLOCK
        | OFlag::O_NOCTTY
        | OFlag::O_NOFOLLOW
        | OFlag::O_CLOEXEC;
    let fd = openat(
        Some(dir_fd.as_raw_fd()),
        name,
        flags,
        nix::sys::stat::Mode::empty(),
    )
    .ok()?;
    // SAFETY: openat has just returned `fd`, open and owned by nothing else.
    let file = unsafe { fs::File::from_raw_fd(fd) };
    let meta = file.metadata().ok()?;
    if !meta.is_file() || meta.len() > MAX_INPUT_BYTES {
        return None;
    }
    // One read of one byte more than the file's size: getting exactly its size back is its
    // end (a regular file's read is short only there), so no second read is needed to see
    // it. Anything else (it grew or shrank meanwhile) is read on to the end.
    let size = meta.len() as usize;
    buf.clear();
    buf.resize(size + 1, 0);
    let n = (&file).read(buf).ok()?;
    buf.truncate(n);
    if n != size {
        (&file)
            .take(MAX_INPUT_BYTES + 1 - n as u64)
            .read_to_end(buf)
            .ok()?;
    }
    (buf.len() as u64 <= MAX_INPUT_BYTES).then_some(())
}

/// Below this many files a lookup uses one thread.
const PARALLEL_FROM: usize = 64;

/// At most this many threads share a lookup.
const MAX_THREADS: usize = 4;

/// Runs `work` on the indexes `0..n` in order until one returns true (it ends the run), and
/// gives back the results up to and including that one, in order. With many indexes a few
/// threads share them: each takes the next index not yet taken and stops once an index at or
/// before it has ended the run, so every index up to the first that ends it is done, and
/// what was done past it is dropped. `work` gets a buffer of its thread's to reuse.
fn in_order_until<T: Send>(
    n: usize,
    work: impl Fn(usize, &mut Vec<u8>) -> (T, bool) + Sync,
) -> Vec<T> {
    let threads = if n < PARALLEL_FROM {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |p| p.get().min(MAX_THREADS))
    };
    if threads == 1 {
        let mut buf = Vec::new();
        let mut out = Vec::new();
        for i in 0..n {
            let (t, ends) = work(i, &mut buf);
            out.push(t);
            if ends {
                break;
            }
        }
        return out;
    }
    let next = AtomicUsize::new(0);
    let end = AtomicUsize::new(usize::MAX);
    let run = |helper: bool| {
        if helper {
            crate::safe_read::own_descriptor_table();
        }
        let mut buf = Vec::new();
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= n || i > end.load(Ordering::Relaxed) {
                return done;
            }
            let (t, ends) = work(i, &mut buf);
            if ends {
                end.fetch_min(i, Ordering::Relaxed);
            }
            done.push((i, t));
        }
    };
    let mut done = std::thread::scope(|scope| {
        // A thread that cannot be made leaves its share to the others.
        let helpers: Vec<_> = (1..threads)
            .filter_map(|_| {
                std::thread::Builder::new()
                    .spawn_scoped(scope, || run(true))
                    .ok()
            })
            .collect();
        let mut done = run(false);
        for h in helpers {
            match h.join() {
                Ok(more) => done.extend(more),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        done
    });
    done.sort_unstable_by_key(|(i, _)| *i);
    let end = end.into_inner();
    done.into_iter()
        .take_while(|(i, _)| *i <= end)
        .map(|(_, t)| t)
        .collect()
}
