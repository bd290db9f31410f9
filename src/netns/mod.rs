//! Network namespaces: name them, identify them, create and delete them the way `ip netns` does,
//! and run work inside one from a dedicated thread.
//!
//! This is the only module with `unsafe` code and the only one that touches namespaces or mounts.
//!
//! * [`resolve_netns_arg`], [`clean_path`] and [`default_container_id`] turn the NETNS argument
//!   into the path cnitool would have used and into cnitool's default container ID.
//! * [`netns_id`] checks that a path really is a network namespace (nsfs type ioctl, not only the
//!   filesystem magic) and returns its identity, so two spellings of one namespace compare equal
//!   and the namespace the plugins run in can be recognised and refused.
//! * [`create_named`] and [`delete_named`] behave like `ip netns add` and `ip netns delete`, so
//!   namespaces made by cnictl show up in `ip netns list` and work with `ip netns exec`.
//! * [`Guard`] holds the namespaces a container's network must never go into (the plugins',
//!   the node's, cnictl's own) and refuses them, and paths whose meaning depends on the reader,
//!   for every verb; [`ensure`] is the one way ADD gets its namespace.
//! * [`NetnsState`] is what a path recorded in the cache is now (`attachments`, `gc`).
//! * [`open_for_plugins`] opens and identifies `--host-netns` for the plugins of add, check,
//!   del, gc and status: each plugin's process enters it (`setns` in the child before it
//!   exec's, [`crate::invoke::spawn`]), so no thread of cnictl's changes namespace.
//! * [`NsThread`] is a thread that has `setns`ed into a network namespace (`setns` is per thread,
//!   what `ns.Do` does in containernetworking/plugins), for what must run inside one: netlink
//!   reads (`inspect`), conformance's tools and plugins; [`NsThread::spawner`] and
//!   [`NsThread::runner`] start processes from it.

mod guard;
mod named;
mod nsid;
mod path;
mod state;
mod thread;

#[cfg(test)]
mod root_tests;

use std::io;
use std::path::{Path, PathBuf};

pub use guard::{check_spelling, reader_dependent, Forbidden, Guard};
pub use named::{
    create_named, current_netns_id, delete_named, delete_path, netns_id, open_for_plugins,
};
pub use nsid::{named_nsids, named_nsids_in, nsid_of_path};
pub use path::{
    clean_path, default_container_id, is_bare_name, needs_cwd, resolve_netns_arg, validate_name,
};
pub use state::NetnsState;
pub use thread::{NsThread, SpawnFn, Spawner};

/// Identity of a namespace: `(st_dev, st_ino)` of its nsfs inode. Every path to one namespace
/// (`/var/run/netns/x`, `/run/netns/x`, `/proc/PID/ns/net`) has the same identity.
pub type NsId = (u64, u64);

/// Where named namespaces live (the directory iproute2 and cnitool use).
pub const NETNS_RUN_DIR: &str = "/var/run/netns";

/// Errors of namespace handling; each names the path or the namespace name.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NetnsError {
    /// A namespace name that `ip netns` would reject.
    #[error("invalid network namespace name {name:?}: {reason}")]
    InvalidName {
        /// The name as given.
        name: String,
        /// Why it is invalid.
        reason: &'static str,
    },
    /// Nothing exists at the path.
    #[error("network namespace {path:?} does not exist")]
    NotFound {
        /// The path looked at.
        path: PathBuf,
    },
    /// The path exists but is not a namespace file at all.
    #[error("{path:?} is not a network namespace: it is {what}")]
    NotANamespace {
        /// The path looked at.
        path: PathBuf,
        /// What it is instead, e.g. "a directory".
        what: &'static str,
    },
    /// The path is a namespace, but of another type (e.g. `/proc/self/ns/uts`).
    #[error("{path:?} is not a network namespace: it is a {kind} namespace")]
    WrongType {
        /// The path looked at.
        path: PathBuf,
        /// The namespace type found, e.g. "uts".
        kind: &'static str,
    },
    /// `create_named` found the file already there; the existing one is left alone.
    #[error("network namespace {path:?} already exists")]
    AlreadyExists {
        /// The namespace file.
        path: PathBuf,
    },
    /// The NETNS path is empty (it would otherwise mean the working directory).
    #[error("the network namespace path is empty: give a namespace name or a path")]
    Empty,
    /// The namespace is one a container's network must never be set up in.
    #[error("refusing network namespace {path:?}: it is {}; a container's network is never set up there", guard::describe_all(reasons))]
    Forbidden {
        /// The path as resolved.
        path: PathBuf,
        /// Every reason it is forbidden.
        reasons: Vec<Forbidden>,
    },
    /// The path means another namespace to each process that reads it, or vanishes with
    /// cnictl: plugins and the cache must not get it.
    #[error("refusing network namespace path {path:?}: {why}; plugins and the cache need a path that names the same namespace for every process and outlives cnictl: give the namespace a name (`ip netns attach NAME PID`) or bind-mount it under /var/run/netns")]
    ReaderDependent {
        /// The path as given.
        path: PathBuf,
        /// Why it depends on the reader.
        why: String,
    },
    /// A system call on the path failed.
    #[error("{action} {path:?}: {source}")]
    Io {
        /// What was being attempted, e.g. "cannot open network namespace".
        action: &'static str,
        /// The path it was attempted on.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// The thread of an [`NsThread`] has ended (it left its namespace or could not start).
    #[error("the thread inside network namespace {path:?} is no longer running")]
    ThreadGone {
        /// The namespace the thread had entered.
        path: PathBuf,
    },
    /// A closure given to [`NsThread::run`] panicked.
    #[error("a task inside network namespace {path:?} panicked: {message}")]
    Panicked {
        /// The namespace the thread had entered.
        path: PathBuf,
        /// The panic message, when it was a string.
        message: String,
    },
}

impl NetnsError {
    /// True when the error only says that the path does not exist: DEL lets such a path pass
    /// through to the plugins (the spec asks DEL to succeed for missing resources).
    pub fn is_not_found(&self) -> bool {
        matches!(self, NetnsError::NotFound { .. })
    }

    /// The path or name the error is about.
    pub fn subject(&self) -> &Path {
        match self {
            NetnsError::InvalidName { name, .. } => Path::new(name.as_str()),
            NetnsError::Empty => Path::new(""),
            NetnsError::NotFound { path }
            | NetnsError::NotANamespace { path, .. }
            | NetnsError::WrongType { path, .. }
            | NetnsError::AlreadyExists { path }
            | NetnsError::Forbidden { path, .. }
            | NetnsError::ReaderDependent { path, .. }
            | NetnsError::Io { path, .. }
            | NetnsError::ThreadGone { path }
            | NetnsError::Panicked { path, .. } => path,
        }
    }

    fn io(action: &'static str, path: &Path, source: impl Into<io::Error>) -> NetnsError {
        NetnsError::Io {
            action,
            path: path.to_path_buf(),
            source: source.into(),
        }
    }
}

/// A network namespace ready for ADD: see [`ensure`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ensured {
    /// The resolved path (what plugins get as `CNI_NETNS` and what the container ID hashes).
    pub path: PathBuf,
    /// Its identity.
    pub id: NsId,
    /// True when [`ensure`] created it; a rollback should then remove it with [`delete_path`].
    pub created: bool,
}

/// Resolves the NETNS argument and makes sure it names a usable network namespace for ADD:
/// a bare name that does not exist yet is created like `ip netns add`; a path must already be a
/// network namespace. An empty argument, a reader-dependent spelling and a namespace the guard
/// forbids are refused (see [`Guard`]).
///
/// Two ADDs creating the same name at once both succeed with the one namespace: creation is
/// serialised by [`create_named`], and the one that finds the name taken waits (bounded) until
/// the namespace is mounted on it rather than taking the empty placeholder for it.
pub fn ensure(arg: &str, cwd: &Path, guard: &Guard) -> Result<Ensured, NetnsError> {
    if arg.is_empty() {
        return Err(NetnsError::Empty);
    }
    let path = resolve_netns_arg(arg, cwd);
    guard.check_path(&path)?;
    let mut created = false;
    let id = match netns_id(&path) {
        Ok(id) => id,
        Err(e) if is_bare_name(arg) && (e.is_not_found() || named::is_placeholder(&e)) => {
            match create_named(arg) {
                Ok(_) => {
                    created = true;
                    netns_id(&path)?
                }
                // Someone else created it in between: use theirs, once it is mounted.
                Err(NetnsError::AlreadyExists { .. }) => named::wait_mounted(&path)?,
                Err(e) => return Err(e),
            }
        }
        Err(e) => return Err(e),
    };
    if let Err(e) = guard.check_id(&path, id) {
        if created {
            // Cannot happen for a fresh namespace; never leave one behind if it did.
            let _ = delete_path(&path);
        }
        return Err(e);
    }
    guard.note_passed(&path, id);
    Ok(Ensured { path, id, created })
}
