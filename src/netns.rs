//! Network namespaces: create, open, check, delete, and run work inside one from a dedicated
//! thread. The only module with `unsafe` code.
//!
//! INTERFACE STUB — to be implemented.

use std::path::{Path, PathBuf};

/// Errors of namespace handling; each names the path.
#[derive(Debug, thiserror::Error)]
pub enum NetnsError {
    /// Placeholder.
    #[error("netns error")]
    Placeholder,
}

/// Identity of a namespace file: (st_dev, st_ino).
pub type NsId = (u64, u64);

/// Where named namespaces live.
pub const NETNS_RUN_DIR: &str = "/var/run/netns";

/// A bare name means `/var/run/netns/NAME`; a path is made absolute against `cwd` and cleaned
/// lexically like Go's `filepath.Clean` (never canonicalised).
pub fn resolve_netns_arg(_arg: &str, _cwd: &Path) -> PathBuf {
    unimplemented!()
}

/// cnitool's container ID: `cnitool-` + hex of the first 10 bytes of SHA-512 of the path.
pub fn default_container_id(_netns_path: &Path) -> String {
    unimplemented!()
}

/// The (dev, ino) of `path` if it is a network namespace (nsfs type ioctl); errors otherwise.
pub fn netns_id(_path: &Path) -> Result<NsId, NetnsError> {
    unimplemented!()
}

/// Creates `/var/run/netns/NAME` like `ip netns add`. Errors if it already exists.
pub fn create_named(_name: &str) -> Result<PathBuf, NetnsError> {
    unimplemented!()
}

/// Unmounts and removes a named namespace.
pub fn delete_named(_name: &str) -> Result<(), NetnsError> {
    unimplemented!()
}

/// A dedicated thread that has entered a network namespace and runs closures there.
pub struct NsThread {}

impl NsThread {
    /// Starts a thread and `setns`es it into the namespace at `path`.
    pub fn enter(_path: &Path) -> Result<NsThread, NetnsError> {
        unimplemented!()
    }
    /// Runs `f` on that thread and returns its value.
    pub fn run<R: Send + 'static>(&self, _f: impl FnOnce() -> R + Send + 'static) -> R {
        unimplemented!()
    }
    /// The (dev, ino) of the namespace the thread is in.
    pub fn id(&self) -> NsId {
        unimplemented!()
    }
}
