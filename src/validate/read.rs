//! Reading a config file without trusting what the name points at. A directory may hold a
//! FIFO, a device, a socket, a dangling symlink or a symlink loop under a config name, and a
//! path on the command line may be `/dev/zero`: reading such a thing blocks for ever or never
//! ends. Files are read through [`crate::safe_read`] (regular files only, never a blocking
//! open, at most [`MAX_INPUT_BYTES`]), stdin with the same cap; this module turns what could
//! not be read into a finding.
//!
//! What cannot be read is a finding on that file (`unreadable-file`), not the end of the
//! run: libcni and containerd fail to load such a file and CRI-O skips it, so it is a problem
//! of the configuration, and the other files still deserve their findings.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::diag::{Pos, Sink, UNREADABLE_FILE};
use crate::safe_read::{self, FileKind, ReadError, Source, MAX_INPUT_BYTES};

/// Why a file was not read.
#[derive(Debug)]
pub(crate) enum Unreadable {
    /// It is not a regular file (after following symlinks): what it is.
    NotRegular(FileKind),
    /// A symlink whose target does not exist: what it points to.
    Dangling(PathBuf),
    /// Larger than [`MAX_INPUT_BYTES`]: its size when known (a regular file), and whether
    /// it is stdin.
    TooLarge(Option<u64>, bool),
    /// The stat, the open or the read failed.
    Io(io::Error),
}

impl From<ReadError> for Unreadable {
    fn from(e: ReadError) -> Self {
        match e {
            ReadError::NotRegular { kind, .. } => Unreadable::NotRegular(kind),
            ReadError::TooLarge { size, input, .. } => {
                Unreadable::TooLarge(size, input == Source::Stdin)
            }
            ReadError::Io { err, .. } => Unreadable::Io(err),
        }
    }
}

impl Unreadable {
    /// The same reason, for a job made from a borrowed input.
    pub(crate) fn copy_of(e: &ReadError) -> Self {
        match e {
            ReadError::NotRegular { kind, .. } => Unreadable::NotRegular(*kind),
            ReadError::TooLarge { size, input, .. } => {
                Unreadable::TooLarge(*size, *input == Source::Stdin)
            }
            ReadError::Io { err, .. } => {
                Unreadable::Io(io::Error::new(err.kind(), err.to_string()))
            }
        }
    }
}

/// What a file kind is, for messages.
fn describe(kind: FileKind) -> String {
    match kind {
        FileKind::Fifo => "a FIFO (named pipe)".to_string(),
        FileKind::Other => "not a regular file".to_string(),
        other => other.describe(),
    }
}

/// Reads the regular file at `path` (symlinks followed), or says why not.
pub(crate) fn read_config(path: &Path) -> Result<Vec<u8>, Unreadable> {
    match safe_read::read_file(path) {
        Ok(bytes) => Ok(bytes),
        // The name exists (it was listed or stat'ed before) but its target does not.
        Err(e) if e.is_not_found() => Err(match fs::read_link(path) {
            Ok(target) => Unreadable::Dangling(target),
            Err(_) => Unreadable::from(e),
        }),
        Err(e) => Err(Unreadable::from(e)),
    }
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
        Unreadable::NotRegular(FileKind::Fifo) => (
            format!("this is {}, not a config file: a runtime that reads it blocks until something writes to it", describe(FileKind::Fifo)),
            "remove it from the config directory",
        ),
        Unreadable::NotRegular(FileKind::Directory) => (
            format!("this name leads to a directory, not a config file: {RUNTIMES}"),
            "remove the symlink, or point it at a config file",
        ),
        Unreadable::NotRegular(kind) => (
            format!("this is {}, not a config file: runtimes cannot load it as a network configuration", describe(*kind)),
            "only a regular file can be a config; to check generated text, pipe it to cnictl validate -",
        ),
        Unreadable::Dangling(target) => (
            format!(
                "this symlink points to {}, which does not exist: {RUNTIMES}",
                target.display()
            ),
            "remove the symlink, or restore its target",
        ),
        Unreadable::TooLarge(size, stdin) => (
            format!(
                "{} larger than the {} MiB cnictl reads of one input: it is not a network configuration",
                match size {
                    Some(n) => format!("the file is {n} bytes,"),
                    None if *stdin => "the input is".to_string(),
                    None => "the file is".to_string(),
                },
                MAX_INPUT_BYTES >> 20
            ),
            if *stdin {
                "a network configuration is far smaller: check what is piped in"
            } else {
                "remove it from the config directory"
            },
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
    use std::fs::File;
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
            Err(Unreadable::NotRegular(k)) => describe(k),
            Err(Unreadable::Dangling(t)) => format!("dangling {t:?}"),
            Err(Unreadable::Io(e)) => format!("io {}", io_phrase(&e)),
            Err(Unreadable::TooLarge(n, _)) => format!("large {n:?}"),
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
            .set_len(MAX_INPUT_BYTES + 1)
            .unwrap();
        assert!(matches!(
            read_config(&f),
            Err(Unreadable::TooLarge(Some(n), false)) if n == MAX_INPUT_BYTES + 1
        ));
        File::create(&f).unwrap().set_len(MAX_INPUT_BYTES).unwrap();
        assert_eq!(read_config(&f).unwrap().len() as u64, MAX_INPUT_BYTES);
    }

    #[test]
    fn stdin_over_the_cap_is_the_same_finding_as_a_file_over_it() {
        use crate::validate::{validate, Input, Options};
        let opts = Options {
            cni_path: Vec::new(),
            node_root: crate::noderoot::NodeRoot::host(),
            inputs_on_node: false,
            versions: None,
            per_file: false,
        };
        let read = safe_read::read_capped(io::repeat(b'{'), Source::Stdin, None, 100);
        assert!(matches!(read, Err(ReadError::TooLarge { .. })));
        let report = validate(&[Input::Stdin(read)], &opts).unwrap();
        let found: Vec<_> = report
            .diagnostics
            .iter()
            .map(|d| {
                (
                    d.rule,
                    d.file.clone(),
                    d.severity.as_str(),
                    d.message.as_str(),
                )
            })
            .collect();
        assert_eq!(
            found,
            [(
                "unreadable-file",
                PathBuf::from("<stdin>"),
                "error",
                "the input is larger than the 16 MiB cnictl reads of one input: it is not a network configuration"
            )]
        );
        assert_eq!(report.errors(), 1);

        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("big.conflist");
        File::create(&f)
            .unwrap()
            .set_len(MAX_INPUT_BYTES + 1)
            .unwrap();
        let report = validate(&[Input::Path(f.clone())], &opts).unwrap();
        let found: Vec<_> = report
            .diagnostics
            .iter()
            .map(|d| (d.rule, d.severity.as_str(), d.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [(
                "unreadable-file",
                "error",
                "the file is 16777217 bytes, larger than the 16 MiB cnictl reads of one input: it is not a network configuration"
            )]
        );
        assert_eq!(report.errors(), 1);
    }
}
