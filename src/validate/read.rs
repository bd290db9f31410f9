//! Reading a config file without trusting what the name points at. A directory may hold a
//! FIFO, a device, a socket, a dangling symlink or a symlink loop under a config name, and a
//! path on the command line may be `/dev/zero`: reading such a thing blocks for ever or never
//! ends. So only a regular file is opened (checked with `stat` before the open, so that no
//! device is opened at all, and with `fstat` on the open descriptor, in case the name was
//! swapped in between), the open never blocks and never takes a controlling terminal, and at
//! most [`MAX_CONFIG_BYTES`] are read.
//!
//! What cannot be read is a finding on that file (`unreadable-file`), not the end of the
//! run: libcni and containerd fail to load such a file and CRI-O skips it, so it is a problem
//! of the configuration, and the other files still deserve their findings.

use std::fs::{self, File, FileType, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use super::diag::{Pos, Sink, UNREADABLE_FILE};

/// The most cnictl reads of one config file (16 MiB); a larger file is a finding.
pub(crate) const MAX_CONFIG_BYTES: u64 = 16 * 1024 * 1024;

/// Why a file was not read.
#[derive(Debug)]
pub(crate) enum Unreadable {
    /// It is not a regular file (after following symlinks): what it is.
    NotRegular(&'static str),
    /// A symlink whose target does not exist: what it points to.
    Dangling(PathBuf),
    /// Larger than [`MAX_CONFIG_BYTES`]: its size.
    TooLarge(u64),
    /// The stat, the open or the read failed.
    Io(io::Error),
}

/// What a file type is, for messages.
fn describe(t: FileType) -> &'static str {
    if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a FIFO (named pipe)"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    }
}

/// Reads the regular file at `path` (symlinks followed), or says why not.
pub(crate) fn read_config(path: &Path) -> Result<Vec<u8>, Unreadable> {
    let meta = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            // The name exists (it was listed or stat'ed before) but its target does not.
            return Err(match fs::read_link(path) {
                Ok(target) => Unreadable::Dangling(target),
                Err(_) => Unreadable::Io(e),
            });
        }
        Err(e) => return Err(Unreadable::Io(e)),
    };
    if !meta.is_file() {
        return Err(Unreadable::NotRegular(describe(meta.file_type())));
    }
    if meta.len() > MAX_CONFIG_BYTES {
        return Err(Unreadable::TooLarge(meta.len()));
    }
    // Rust opens every file with O_CLOEXEC. O_NONBLOCK keeps the open from waiting for a
    // writer should a FIFO have replaced the file since the stat.
    let file: File = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(Unreadable::Io)?;
    let meta = file.metadata().map_err(Unreadable::Io)?;
    if !meta.is_file() {
        return Err(Unreadable::NotRegular(describe(meta.file_type())));
    }
    let mut bytes = Vec::with_capacity(meta.len().min(MAX_CONFIG_BYTES) as usize);
    file.take(MAX_CONFIG_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(Unreadable::Io)?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return Err(Unreadable::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

/// An I/O error as a lower-case phrase without the "(os error N)" suffix.
fn io_phrase(e: &io::Error) -> String {
    let full = e.to_string();
    let text = match e.raw_os_error() {
        Some(code) => full
            .strip_suffix(&format!(" (os error {code})"))
            .unwrap_or(&full)
            .to_string(),
        None => full,
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => text,
    }
}

/// Why runtimes cannot use such a file, for the end of messages.
const RUNTIMES: &str = "libcni and containerd fail to load it, CRI-O skips it";

/// Reports why `display` (the file as findings name it) was not read.
pub(crate) fn report(display: &Path, why: &Unreadable, sink: &mut Sink) {
    let (message, hint) = match why {
        Unreadable::NotRegular(kind) if kind.starts_with("a FIFO") => (
            format!("this is {kind}, not a config file: a runtime that reads it blocks until something writes to it"),
            "remove it from the config directory",
        ),
        Unreadable::NotRegular("a directory") => (
            format!("this name leads to a directory, not a config file: {RUNTIMES}"),
            "remove the symlink, or point it at a config file",
        ),
        Unreadable::NotRegular(kind) => (
            format!("this is {kind}, not a config file: runtimes cannot load it as a network configuration"),
            "only a regular file can be a config; to check generated text, pipe it to cnictl validate -",
        ),
        Unreadable::Dangling(target) => (
            format!(
                "this symlink points to {}, which does not exist: {RUNTIMES}",
                target.display()
            ),
            "remove the symlink, or restore its target",
        ),
        Unreadable::TooLarge(size) => (
            format!(
                "the file is {size} bytes, more than the {} MiB cnictl reads of a config: it is not a network configuration",
                MAX_CONFIG_BYTES / (1024 * 1024)
            ),
            "remove it from the config directory",
        ),
        Unreadable::Io(e) => (
            format!("cannot read this file ({}): {RUNTIMES}", io_phrase(e)),
            "fix the file's permissions or symlink, or remove it",
        ),
    };
    let at = Pos {
        file: display.to_path_buf(),
        line: 1,
        column: 1,
    };
    sink.emit_at(&UNREADABLE_FILE, &at, message, Some(hint.to_string()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn regular_files_and_symlinks_to_them_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.conflist");
        fs::write(&f, b"{}").unwrap();
        let l = dir.path().join("b.conflist");
        symlink(&f, &l).unwrap();
        assert_eq!(read_config(&f).unwrap(), b"{}");
        assert_eq!(read_config(&l).unwrap(), b"{}");
    }

    #[test]
    fn what_is_not_a_regular_file_is_not_opened() {
        let dir = tempfile::tempdir().unwrap();
        let p = |n: &str| dir.path().join(n);
        // A FIFO without a writer: opening it for reading would block, reading it too.
        let status = std::process::Command::new("mkfifo")
            .arg(p("fifo.conflist"))
            .status()
            .expect("mkfifo runs");
        assert!(status.success());
        let _sock = std::os::unix::net::UnixListener::bind(p("sock.conflist")).unwrap();
        symlink("/dev/zero", p("zero.conflist")).unwrap();
        symlink("missing.conflist", p("dangling.conflist")).unwrap();
        symlink("loop.conflist", p("loop.conflist")).unwrap();
        symlink(dir.path(), p("dir.conflist")).unwrap();
        let kind = |n: &str| match read_config(&p(n)) {
            Err(Unreadable::NotRegular(k)) => k.to_string(),
            Err(Unreadable::Dangling(t)) => format!("dangling {t:?}"),
            Err(Unreadable::Io(e)) => format!("io {}", io_phrase(&e)),
            Err(Unreadable::TooLarge(n)) => format!("large {n}"),
            Ok(b) => format!("read {} bytes", b.len()),
        };
        assert_eq!(kind("fifo.conflist"), "a FIFO (named pipe)");
        assert_eq!(kind("sock.conflist"), "a socket");
        assert_eq!(kind("zero.conflist"), "a character device");
        assert_eq!(kind("dangling.conflist"), "dangling \"missing.conflist\"");
        assert_eq!(
            kind("loop.conflist"),
            "io too many levels of symbolic links"
        );
        assert_eq!(kind("dir.conflist"), "a directory");
    }

    #[test]
    fn large_files_are_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("big.conflist");
        // Sparse: no 16 MiB written to disk.
        File::create(&f)
            .unwrap()
            .set_len(MAX_CONFIG_BYTES + 1)
            .unwrap();
        assert!(matches!(
            read_config(&f),
            Err(Unreadable::TooLarge(n)) if n == MAX_CONFIG_BYTES + 1
        ));
        File::create(&f).unwrap().set_len(MAX_CONFIG_BYTES).unwrap();
        assert_eq!(read_config(&f).unwrap().len() as u64, MAX_CONFIG_BYTES);
    }
}
