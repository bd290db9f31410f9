//! Naming the namespaces a link's peer lives in: the kernel gives an nsid (`IFLA_LINK_NETNSID`),
//! meaningful only inside the namespace that reports it; `RTM_GETNSID` on each file under
//! `/var/run/netns`, asked from that same namespace, turns it into a name.

use std::fs::File;
use std::path::{Path, PathBuf};

use super::NETNS_RUN_DIR;
use crate::netlink;

/// The named namespaces (under [`NETNS_RUN_DIR`]) and the nsid each has in the namespace of the
/// calling thread; those without an nsid there, or that cannot be opened, are left out.
/// Run it on an [`super::NsThread`] inside the namespace whose nsids are to be named.
pub fn named_nsids() -> Vec<(String, PathBuf, i32)> {
    named_nsids_in(Path::new(NETNS_RUN_DIR))
}

/// [`named_nsids`] for the named namespaces of another directory (the node's under `--root`).
pub fn named_nsids_in(dir: &Path) -> Vec<(String, PathBuf, i32)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for e in entries.flatten() {
        let path = e.path();
        let Some(name) = path
            .file_name()
            .and_then(|n| n.to_str())
            .map(str::to_string)
        else {
            continue;
        };
        // Only real namespace files (an unmounted placeholder is an empty regular file).
        if super::netns_id(&path).is_err() {
            continue;
        }
        let Ok(file) = File::open(&path) else {
            continue;
        };
        use std::os::fd::AsFd;
        if let Ok(Some(id)) = netlink::nsid_of(file.as_fd()) {
            out.push((name, path, id));
        }
    }
    out.sort();
    out
}

/// The nsid the calling thread's namespace gives the namespace at `path`, if any.
pub fn nsid_of_path(path: &Path) -> Option<i32> {
    super::netns_id(path).ok()?;
    let file = File::open(path).ok()?;
    use std::os::fd::AsFd;
    netlink::nsid_of(file.as_fd()).ok().flatten()
}
