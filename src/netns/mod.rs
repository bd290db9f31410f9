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
//! * [`NsThread`] is a thread that has `setns`ed into a network namespace (`setns` is per thread,
//!   what `ns.Do` does in containernetworking/plugins); its [`NsThread::spawner`] lets the
//!   invoke module start plugins inside that namespace.

mod named;
mod path;
mod thread;

#[cfg(test)]
mod root_tests;

use std::io;
use std::path::{Path, PathBuf};

pub use named::{create_named, current_netns_id, delete_named, delete_path, netns_id};
pub use path::{clean_path, default_container_id, is_bare_name, resolve_netns_arg, validate_name};
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
    /// The namespace is the one the plugins run in: acting on it would change the host.
    #[error("refusing network namespace {path:?}: it is the namespace the plugins run in")]
    IsPluginNamespace {
        /// The path as resolved.
        path: PathBuf,
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
            NetnsError::NotFound { path }
            | NetnsError::NotANamespace { path, .. }
            | NetnsError::WrongType { path, .. }
            | NetnsError::AlreadyExists { path }
            | NetnsError::IsPluginNamespace { path }
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
/// network namespace. The namespace the plugins run in (`plugin_ns`, from
/// [`current_netns_id`] or [`NsThread::id`] for `--host-netns`) is refused.
pub fn ensure(arg: &str, cwd: &Path, plugin_ns: NsId) -> Result<Ensured, NetnsError> {
    let path = resolve_netns_arg(arg, cwd);
    let mut created = false;
    let id = match netns_id(&path) {
        Ok(id) => id,
        Err(e) if e.is_not_found() && is_bare_name(arg) => match create_named(arg) {
            Ok(_) => {
                created = true;
                netns_id(&path)?
            }
            // Someone else created it in between: use theirs.
            Err(NetnsError::AlreadyExists { .. }) => netns_id(&path)?,
            Err(e) => return Err(e),
        },
        Err(e) => return Err(e),
    };
    // A namespace just created cannot be the plugins' one, so nothing to undo here.
    if id == plugin_ns {
        return Err(NetnsError::IsPluginNamespace { path });
    }
    Ok(Ensured { path, id, created })
}
