//! The one way cnictl reads an input: config files, stdin, `--valid-from`, cache files. Every
//! read is capped at [`MAX_INPUT_BYTES`] (the same cap bounds a plugin's stdout, see
//! [`crate::invoke::DEFAULT_STDOUT_CAP`]): at most one byte more than the cap is ever read, so
//! `/dev/zero` or a 100 MB pipe ends with [`ReadError::TooLarge`] at once instead of filling
//! memory.
//!
//! Where a file is expected (a config in a directory, a cache entry), only a regular file is
//! read: the type is checked with `stat` before the open, so a device is never opened, and
//! again with `fstat` on the descriptor, in case the name was swapped in between; the open never
//! blocks (a FIFO without a writer) and never takes a controlling terminal. What the user names
//! explicitly as a stream (`--valid-from FILE`, which may be a pipe of the shell's `<(...)` or
//! a device, and stdin) is read as it is, but capped the same way.

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// The most cnictl reads of one input (16 MiB): a config file, stdin, a `--valid-from` list, a
/// cache file, a plugin's stdout. go-cni reads at most 2 MiB of a config.
pub const MAX_INPUT_BYTES: u64 = 16 << 20;

/// What was read: a file or stdin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A file, as named.
    File(PathBuf),
    /// The standard input.
    Stdin,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::File(p) => write!(f, "{}", p.display()),
            Source::Stdin => f.write_str("stdin"),
        }
    }
}

/// What a name leads to when it is not a regular file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A directory.
    Directory,
    /// A FIFO (named pipe).
    Fifo,
    /// A Unix socket.
    Socket,
    /// A character device (`/dev/zero`).
    CharDevice,
    /// A block device.
    BlockDevice,
    /// A symbolic link (only where links are not followed).
    Symlink,
    /// Anything else that is not a regular file.
    Other,
}

impl FileKind {
    /// The kind of `t`, or None for a regular file.
    pub fn of(t: fs::FileType) -> Option<FileKind> {
        let kind = if t.is_file() {
            return None;
        } else if t.is_dir() {
            FileKind::Directory
        } else if t.is_fifo() {
            FileKind::Fifo
        } else if t.is_socket() {
            FileKind::Socket
        } else if t.is_char_device() {
            FileKind::CharDevice
        } else if t.is_block_device() {
            FileKind::BlockDevice
        } else if t.is_symlink() {
            FileKind::Symlink
        } else {
            FileKind::Other
        };
        Some(kind)
    }

    /// The bare noun: `directory`, `FIFO`, `character device`...
    pub fn noun(self) -> &'static str {
        match self {
            FileKind::Directory => "directory",
            FileKind::Fifo => "FIFO",
            FileKind::Socket => "socket",
            FileKind::CharDevice => "character device",
            FileKind::BlockDevice => "block device",
            FileKind::Symlink => "symbolic link",
            FileKind::Other => "special file",
        }
    }

    /// The noun with its article: `a directory`, `a FIFO`...
    pub fn describe(self) -> String {
        format!("a {}", self.noun())
    }
}

/// Why an input was not read; each names what was read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// A file was expected and the name leads to something else; it was not read (and, when
    /// seen before the open, not opened).
    #[error("{} is not a regular file ({})", path.display(), kind.describe())]
    NotRegular {
        /// The name.
        path: PathBuf,
        /// What it is.
        kind: FileKind,
    },
    /// More than the cap: at most the cap and one byte were read, or nothing when the file's
    /// size already said so.
    #[error("{input} is {}", too_large(*size, *cap))]
    TooLarge {
        /// What was read.
        input: Source,
        /// The size, when known without reading (a regular file).
        size: Option<u64>,
        /// The cap ([`MAX_INPUT_BYTES`]).
        cap: u64,
    },
    /// The stat, the open or the read failed.
    #[error("cannot read {input}: {err}")]
    Io {
        /// What was read.
        input: Source,
        /// The OS error.
        #[source]
        err: io::Error,
    },
}

fn too_large(size: Option<u64>, cap: u64) -> String {
    let cap = if cap.is_multiple_of(1 << 20) {
        format!("{} MiB", cap >> 20)
    } else {
        format!("{cap} bytes")
    };
    match size {
        Some(n) => format!("{n} bytes, larger than the {cap} cnictl reads of one input"),
        None => format!("larger than the {cap} cnictl reads of one input"),
    }
}

impl ReadError {
    /// What went wrong without naming the input, for messages that name it themselves
    /// (`error reading FILE: not a regular file (a FIFO)`).
    pub fn reason(&self) -> String {
        match self {
            ReadError::NotRegular { kind, .. } => {
                format!("not a regular file ({})", kind.describe())
            }
            ReadError::TooLarge { size, cap, .. } => too_large(*size, *cap),
            ReadError::Io { err, .. } => err.to_string(),
        }
    }

    /// True when the name does not exist (or, followed, leads nowhere).
    pub fn is_not_found(&self) -> bool {
        matches!(self, ReadError::Io { err, .. } if err.kind() == io::ErrorKind::NotFound)
    }
}

/// Reads the regular file at `path`, symbolic links followed (config files). Anything else is
/// [`ReadError::NotRegular`] and is not opened.
pub fn read_file(path: &Path) -> Result<Vec<u8>, ReadError> {
    read_regular(path, true, MAX_INPUT_BYTES)
}

/// Reads the regular file at `path` without following a final symbolic link (cache files, in a
/// directory others can write to): a link is [`ReadError::NotRegular`] of kind
/// [`FileKind::Symlink`].
pub fn read_file_nofollow(path: &Path) -> Result<Vec<u8>, ReadError> {
    read_regular(path, false, MAX_INPUT_BYTES)
}

/// Reads whatever `path` names except a directory (symbolic links followed): a regular file, a
/// pipe (`<(...)`, `/dev/stdin`) or a device, capped. For a file the user names explicitly as
/// an input stream (`--valid-from FILE`); the open may wait for a FIFO's writer, as any reader
/// of a named pipe does.
pub fn read_named_input(path: &Path) -> Result<Vec<u8>, ReadError> {
    let input = || Source::File(path.to_path_buf());
    let io_err = |err| ReadError::Io {
        input: input(),
        err,
    };
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOCTTY)
        .open(path)
        .map_err(io_err)?;
    let meta = file.metadata().map_err(io_err)?;
    if meta.is_dir() {
        return Err(ReadError::NotRegular {
            path: path.to_path_buf(),
            kind: FileKind::Directory,
        });
    }
    let known = meta.is_file().then_some(meta.len());
    read_capped(file, input(), known, MAX_INPUT_BYTES)
}

/// Reads a stream (stdin) to its end, capped.
pub fn read_stream(reader: impl Read, input: Source) -> Result<Vec<u8>, ReadError> {
    read_capped(reader, input, None, MAX_INPUT_BYTES)
}

/// [`read_file`] and [`read_file_nofollow`] with the cap given (tests use a small one).
pub(crate) fn read_regular(path: &Path, follow: bool, cap: u64) -> Result<Vec<u8>, ReadError> {
    let input = || Source::File(path.to_path_buf());
    let io_err = |err| ReadError::Io {
        input: input(),
        err,
    };
    let not_regular = |kind| ReadError::NotRegular {
        path: path.to_path_buf(),
        kind,
    };
    // Look before opening: a device must not be opened at all (opening some acts).
    let meta = if follow {
        fs::metadata(path)
    } else {
        fs::symlink_metadata(path)
    }
    .map_err(io_err)?;
    if let Some(kind) = FileKind::of(meta.file_type()) {
        return Err(not_regular(kind));
    }
    if meta.len() > cap {
        return Err(ReadError::TooLarge {
            input: input(),
            size: Some(meta.len()),
            cap,
        });
    }
    // Rust opens every file with O_CLOEXEC. O_NONBLOCK keeps the open from waiting for a
    // writer should a FIFO have replaced the file since the look.
    let mut flags = libc::O_NONBLOCK | libc::O_NOCTTY;
    if !follow {
        flags |= libc::O_NOFOLLOW;
    }
    let file: File = match OpenOptions::new().read(true).custom_flags(flags).open(path) {
        Ok(f) => f,
        Err(e) if !follow && e.raw_os_error() == Some(libc::ELOOP) => {
            return Err(not_regular(FileKind::Symlink))
        }
        Err(e) => return Err(io_err(e)),
    };
    let meta = file.metadata().map_err(io_err)?;
    if let Some(kind) = FileKind::of(meta.file_type()) {
        return Err(not_regular(kind));
    }
    read_capped(file, input(), Some(meta.len()), cap)
}

/// Gives the calling thread a descriptor table of its own (a copy of the process's): for a
/// thread that opens and closes many files while others do too, which otherwise contend for
/// the one shared table on every open and close. The thread must close what it opens (its
/// table goes with it) and use no descriptor another thread opens later. Best effort: on
/// failure the thread keeps sharing.
pub(crate) fn own_descriptor_table() {
    let _ = nix::sched::unshare(nix::sched::CloneFlags::CLONE_FILES);
}

/// Reads at most `cap + 1` bytes of `reader`; more than `cap` is [`ReadError::TooLarge`].
/// `known` is the size a `stat` gave, when it is a regular file's.
pub(crate) fn read_capped(
    reader: impl Read,
    input: Source,
    known: Option<u64>,
    cap: u64,
) -> Result<Vec<u8>, ReadError> {
    if let Some(n) = known.filter(|&n| n > cap) {
        return Err(ReadError::TooLarge {
            input,
            size: Some(n),
            cap,
        });
    }
    let start = usize::try_from(known.unwrap_or(0).min(cap)).unwrap_or(0);
    let mut bytes = Vec::with_capacity(start);
    if let Err(err) = reader.take(cap.saturating_add(1)).read_to_end(&mut bytes) {
        return Err(ReadError::Io { input, err });
    }
    if bytes.len() as u64 > cap {
        // A file that grew while it was read says nothing true about its size any more.
        return Err(ReadError::TooLarge {
            input,
            size: None,
            cap,
        });
    }
    Ok(bytes)
}

#[cfg(test)]
#[path = "safe_read_tests.rs"]
mod tests;
