//! `--root DIR`: the node's filesystem seen under a directory, as a pod sees the node's `/`
//! mounted at `/host`. Every path that names something on the node (the config dir, the CNI
//! path, the cache, a netns path recorded in the cache, host-local's `dataDir`) is resolved
//! under DIR, following symlinks the way the node would: an absolute link target counts from
//! DIR (Debian's `/var/run -> /run` leads to `DIR/run`), and `..` never climbs above DIR.
//! `/proc` is the exception: it is not the node's files but the kernel's view of processes,
//! and stays the one cnictl sees (a pod with `hostPID` sees the node's processes there).

use std::collections::VecDeque;
use std::ffi::{OsStr, OsString};
use std::path::{Component, Path, PathBuf};

/// How many symlinks one resolution follows before giving up on following more (Linux's
/// limit for one path lookup).
const MAX_LINKS: usize = 40;

/// Where the node's `/` is: the real one, or a directory.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NodeRoot {
    dir: Option<PathBuf>,
}

impl NodeRoot {
    /// The node is the machine cnictl runs on: paths are used as they are.
    pub fn host() -> NodeRoot {
        NodeRoot { dir: None }
    }

    /// The node's `/` is `dir`.
    pub fn at(dir: impl Into<PathBuf>) -> NodeRoot {
        NodeRoot {
            dir: Some(dir.into()),
        }
    }

    /// The directory, or None for the machine's own `/`.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// Where the node's `path` is seen from here. A relative path counts from the node's `/`.
    /// Without a root directory, `path` itself.
    pub fn resolve(&self, path: &Path) -> PathBuf {
        match &self.dir {
            None => path.to_path_buf(),
            Some(root) => resolve_under(root, path),
        }
    }
}

fn components(path: &Path) -> impl Iterator<Item = OsString> + '_ {
    path.components().filter_map(|c| match c {
        Component::Normal(n) => Some(n.to_os_string()),
        Component::ParentDir => Some(OsString::from("..")),
        Component::RootDir | Component::CurDir | Component::Prefix(_) => None,
    })
}

fn join(base: &Path, parts: &[OsString]) -> PathBuf {
    let mut p = base.to_path_buf();
    p.extend(parts);
    p
}

/// Walks `path` one component at a time under `root`, reading each symlink met and going on
/// with its target: an absolute target restarts from `root`, `..` drops the last component and
/// stops at `root`. Components that do not exist are kept as written. Past [`MAX_LINKS`] links
/// no more are followed (the kernel then fails the lookup with ELOOP, never outside `root`).
fn resolve_under(root: &Path, path: &Path) -> PathBuf {
    let mut todo: VecDeque<OsString> = components(path).collect();
    let mut done: Vec<OsString> = Vec::new();
    let mut links = 0;
    let proc = OsStr::new("proc");
    while let Some(c) = todo.pop_front() {
        if c == ".." {
            done.pop();
            continue;
        }
        done.push(c);
        // Inside /proc the kernel resolves: nothing there is the node's file.
        if done.first().is_some_and(|f| f == proc) || links >= MAX_LINKS {
            continue;
        }
        let here = join(root, &done);
        let Ok(meta) = std::fs::symlink_metadata(&here) else {
            continue;
        };
        if !meta.file_type().is_symlink() {
            continue;
        }
        let Ok(target) = std::fs::read_link(&here) else {
            continue;
        };
        links += 1;
        done.pop();
        if target.is_absolute() {
            done.clear();
        }
        for c in components(&target).collect::<Vec<_>>().into_iter().rev() {
            todo.push_front(c);
        }
    }
    if done.first().is_some_and(|f| f == proc) {
        return join(Path::new("/"), &done);
    }
    join(root, &done)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::os::unix::fs::symlink;

    fn tree() -> tempfile::TempDir {
        let t = tempfile::tempdir().expect("tempdir");
        let r = t.path();
        fs::create_dir_all(r.join("run/netns")).expect("mkdir");
        fs::create_dir_all(r.join("var")).expect("mkdir");
        fs::create_dir_all(r.join("etc/cni/net.d")).expect("mkdir");
        // Debian's /var/run -> /run.
        symlink("/run", r.join("var/run")).expect("symlink");
        t
    }

    #[test]
    fn the_host_root_changes_nothing() {
        let p = Path::new("/var/run/../x/./y");
        assert_eq!(NodeRoot::host().resolve(p), p);
    }

    #[test]
    fn absolute_links_resolve_inside_the_root() {
        let t = tree();
        let r = t.path();
        let root = NodeRoot::at(r);
        assert_eq!(
            root.resolve(Path::new("/var/run/netns/x")),
            r.join("run/netns/x")
        );
        assert_eq!(
            root.resolve(Path::new("/etc/cni/net.d")),
            r.join("etc/cni/net.d")
        );
        // A relative link, and a chain of links.
        symlink("../etc", r.join("run/etc-link")).expect("symlink");
        symlink("/run/etc-link/cni", r.join("cni-abs")).expect("symlink");
        assert_eq!(
            root.resolve(Path::new("/cni-abs/net.d")),
            r.join("etc/cni/net.d")
        );
        // Missing components are kept as written.
        assert_eq!(
            root.resolve(Path::new("/opt/cni/bin")),
            r.join("opt/cni/bin")
        );
        // Relative paths count from the node's /.
        assert_eq!(root.resolve(Path::new("etc")), r.join("etc"));
    }

    #[test]
    fn nothing_escapes_the_root() {
        let t = tree();
        let r = t.path();
        let root = NodeRoot::at(r);
        // `..` stops at the root, in the path and in link targets.
        assert_eq!(
            root.resolve(Path::new("/../../etc/passwd")),
            r.join("etc/passwd")
        );
        symlink("../../../../../../etc", r.join("run/up")).expect("symlink");
        assert_eq!(root.resolve(Path::new("/run/up/x")), r.join("etc/x"));
        // An absolute link to / or to a path outside the tree stays inside it.
        symlink("/", r.join("slash")).expect("symlink");
        assert_eq!(root.resolve(Path::new("/slash/etc")), r.join("etc"));
        let outside = tempfile::tempdir().expect("tempdir");
        symlink(outside.path(), r.join("out")).expect("symlink");
        let got = root.resolve(&Path::new("/out").join("f"));
        assert!(
            got.starts_with(r),
            "{} escaped {}",
            got.display(),
            r.display()
        );
        assert_eq!(
            got,
            r.join(outside.path().strip_prefix("/").expect("abs"))
                .join("f")
        );
        // A loop is not followed forever, and stays inside.
        symlink("/loop-b", r.join("loop-a")).expect("symlink");
        symlink("/loop-a", r.join("loop-b")).expect("symlink");
        let got = root.resolve(Path::new("/loop-a/x"));
        assert!(got.starts_with(r), "{}", got.display());
    }

    #[test]
    fn proc_is_not_rerooted() {
        let t = tree();
        let r = t.path();
        let root = NodeRoot::at(r);
        assert_eq!(
            root.resolve(Path::new("/proc/1/ns/net")),
            Path::new("/proc/1/ns/net")
        );
        // A link in the tree into /proc leads to the real /proc as well.
        symlink("/proc/1/ns/net", r.join("run/netns/pid1")).expect("symlink");
        assert_eq!(
            root.resolve(Path::new("/var/run/netns/pid1")),
            Path::new("/proc/1/ns/net")
        );
        // `..` out of /proc comes back into the tree.
        assert_eq!(root.resolve(Path::new("/proc/../etc")), r.join("etc"));
    }
}
