//! `--root DIR`: the node's filesystem seen under a directory, as a pod sees the node's `/`
//! mounted at `/host`. Every path that names something on the node (the config dir, the CNI
//! path, the cache, a netns path recorded in the cache, host-local's `dataDir`) is resolved
//! under DIR, following symlinks the way the node would: an absolute link target counts from
//! DIR (Debian's `/var/run -> /run` leads to `DIR/run`), and `..` never climbs above DIR.
//! `/proc` is the exception: it is not the node's files but the kernel's view of processes,
//! and stays the one cnictl sees (a pod with `hostPID` sees the node's processes there).

use std::collections::VecDeque;
use std::ffi::{OsStr, OsString};
use std::io;
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
    /// Without a root directory, `path` itself. Fails (as the kernel does, with ELOOP) when
    /// more than [`MAX_LINKS`] symlinks would have to be followed: the rest of the path is
    /// never handed on unresolved, where the kernel would follow its links out of DIR.
    pub fn resolve(&self, path: &Path) -> io::Result<PathBuf> {
        match &self.dir {
            None => Ok(path.to_path_buf()),
            Some(root) => resolve_under(root, path),
        }
    }

    /// Resolves again a path already seen from here (one [`NodeRoot::resolve`] gave, joined
    /// with a file name read from a directory): the links in it are followed within DIR, so
    /// what is opened or run is the node's file, never one a link target names outside DIR.
    /// A path outside DIR (`/proc/...`), or any path without a root directory, is returned as
    /// it is.
    pub fn follow(&self, seen: &Path) -> io::Result<PathBuf> {
        match &self.dir {
            Some(root) => match seen.strip_prefix(root) {
                Ok(rest) => resolve_under(root, rest),
                Err(_) => Ok(seen.to_path_buf()),
            },
            None => Ok(seen.to_path_buf()),
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
/// stops at `root`. Components that do not exist are kept as written. Meeting a link after
/// [`MAX_LINKS`] have been followed is an error, as it is for the kernel (ELOOP).
fn resolve_under(root: &Path, path: &Path) -> io::Result<PathBuf> {
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
        if done.first().is_some_and(|f| f == proc) {
            continue;
        }
        let here = join(root, &done);
        let Ok(meta) = std::fs::symlink_metadata(&here) else {
            continue;
        };
        if !meta.file_type().is_symlink() {
            continue;
        }
        if links >= MAX_LINKS {
            return Err(io::Error::new(
                io::Error::from_raw_os_error(libc::ELOOP).kind(),
                format!(
                    "{} (under {}): too many levels of symbolic links (more than {MAX_LINKS})",
                    path.display(),
                    root.display()
                ),
            ));
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
        return Ok(join(Path::new("/"), &done));
    }
    Ok(join(root, &done))
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
        assert_eq!(NodeRoot::host().resolve(p).expect("resolve"), p);
    }

    #[test]
    fn absolute_links_resolve_inside_the_root() {
        let t = tree();
        let r = t.path();
        let root = NodeRoot::at(r);
        assert_eq!(
            root.resolve(Path::new("/var/run/netns/x"))
                .expect("resolve"),
            r.join("run/netns/x")
        );
        assert_eq!(
            root.resolve(Path::new("/etc/cni/net.d")).expect("resolve"),
            r.join("etc/cni/net.d")
        );
        // A relative link, and a chain of links.
        symlink("../etc", r.join("run/etc-link")).expect("symlink");
        symlink("/run/etc-link/cni", r.join("cni-abs")).expect("symlink");
        assert_eq!(
            root.resolve(Path::new("/cni-abs/net.d")).expect("resolve"),
            r.join("etc/cni/net.d")
        );
        // Missing components are kept as written.
        assert_eq!(
            root.resolve(Path::new("/opt/cni/bin")).expect("resolve"),
            r.join("opt/cni/bin")
        );
        // Relative paths count from the node's /.
        assert_eq!(
            root.resolve(Path::new("etc")).expect("resolve"),
            r.join("etc")
        );
    }

    #[test]
    fn nothing_escapes_the_root() {
        let t = tree();
        let r = t.path();
        let root = NodeRoot::at(r);
        // `..` stops at the root, in the path and in link targets.
        assert_eq!(
            root.resolve(Path::new("/../../etc/passwd"))
                .expect("resolve"),
            r.join("etc/passwd")
        );
        symlink("../../../../../../etc", r.join("run/up")).expect("symlink");
        assert_eq!(
            root.resolve(Path::new("/run/up/x")).expect("resolve"),
            r.join("etc/x")
        );
        // An absolute link to / or to a path outside the tree stays inside it.
        symlink("/", r.join("slash")).expect("symlink");
        assert_eq!(
            root.resolve(Path::new("/slash/etc")).expect("resolve"),
            r.join("etc")
        );
        let outside = tempfile::tempdir().expect("tempdir");
        symlink(outside.path(), r.join("out")).expect("symlink");
        let got = root.resolve(&Path::new("/out").join("f")).expect("resolve");
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
    }

    #[test]
    fn too_many_links_is_an_error_not_a_path() {
        let t = tree();
        let r = t.path();
        let root = NodeRoot::at(r);
        // A loop is not followed forever: the lookup fails as the kernel's does.
        symlink("/loop-b", r.join("loop-a")).expect("symlink");
        symlink("/loop-a", r.join("loop-b")).expect("symlink");
        let err = root
            .resolve(Path::new("/loop-a/x"))
            .expect_err("a link loop resolved to a path");
        assert_eq!(
            err.kind(),
            std::io::Error::from_raw_os_error(libc::ELOOP).kind()
        );
        // A chain of exactly MAX_LINKS links still resolves; one more does not, even when the
        // link after the limit points outside the tree (it must not be handed on unfollowed).
        fs::create_dir_all(r.join("end")).expect("mkdir");
        let outside = tempfile::tempdir().expect("tempdir");
        for i in 0..MAX_LINKS {
            let next = if i + 1 == MAX_LINKS {
                "/end".to_string()
            } else {
                format!("/c{}", i + 1)
            };
            symlink(&next, r.join(format!("c{i}"))).expect("symlink");
        }
        assert_eq!(
            root.resolve(Path::new("/c0/f")).expect("40 links"),
            r.join("end/f")
        );
        symlink("/c0", r.join("one-more")).expect("symlink");
        assert!(root.resolve(Path::new("/one-more/f")).is_err());
        symlink(outside.path(), r.join("end/out")).expect("symlink");
        assert!(root.resolve(Path::new("/c0/out/f")).is_err());
    }

    #[test]
    fn follow_resolves_a_path_already_under_the_root() {
        let t = tree();
        let r = t.path();
        let root = NodeRoot::at(r);
        symlink("/usr/lib/cni/bridge", r.join("run/bridge")).expect("symlink");
        assert_eq!(
            root.follow(&r.join("run/bridge")).expect("follow"),
            r.join("usr/lib/cni/bridge")
        );
        assert_eq!(
            root.follow(Path::new("/proc/1/ns/net")).expect("follow"),
            Path::new("/proc/1/ns/net")
        );
        assert_eq!(
            NodeRoot::host()
                .follow(&r.join("run/bridge"))
                .expect("follow"),
            r.join("run/bridge")
        );
    }

    #[test]
    fn proc_is_not_rerooted() {
        let t = tree();
        let r = t.path();
        let root = NodeRoot::at(r);
        assert_eq!(
            root.resolve(Path::new("/proc/1/ns/net")).expect("resolve"),
            Path::new("/proc/1/ns/net")
        );
        // A link in the tree into /proc leads to the real /proc as well.
        symlink("/proc/1/ns/net", r.join("run/netns/pid1")).expect("symlink");
        assert_eq!(
            root.resolve(Path::new("/var/run/netns/pid1"))
                .expect("resolve"),
            Path::new("/proc/1/ns/net")
        );
        // `..` out of /proc comes back into the tree.
        assert_eq!(
            root.resolve(Path::new("/proc/../etc")).expect("resolve"),
            r.join("etc")
        );
    }
}
