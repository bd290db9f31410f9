//! The guard: which network namespaces a container's network must never be set up in, and
//! which spellings of a namespace path must never reach a plugin or the cache.
//!
//! Two checks, both made before any plugin runs, by every verb (add, check, del, and gc's
//! DELs of cached entries):
//!
//! * **Identity.** The namespace's nsfs identity `(dev, ino)` is compared with the plugins'
//!   namespace (`--host-netns`), the node's init namespace (PID 1's, when readable) and
//!   cnictl's own. Identity does not care how the path is spelled: bind mounts, symlinks,
//!   `/proc/PID/ns/net` and `/proc/PID/task/TID/ns/net` of a process in one of those namespaces
//!   all compare equal.
//! * **Spelling.** A plugin opens `CNI_NETNS` itself, in its own process, and the cache keeps
//!   the path for later DELs. A path whose meaning depends on who reads it (`/proc/self/...`,
//!   `/proc/thread-self/...`, `/dev/fd/...`, or a symlink leading there) names the plugin's
//!   own namespace to the plugin, whatever cnictl checked; a path into cnictl's own process
//!   (`/proc/<cnictl's pid>/...`, `/proc/<pid>/task/<tid>` or `/proc/<tid>` of one of its
//!   threads) vanishes when cnictl exits. Both are refused, with a hint to give the namespace a
//!   stable name. A relative path is resolved against the working directory by the caller
//!   (see [`super::resolve_netns_arg`]) before it gets here.
//!
//! `/proc/<pid>/ns/net` of *another* process is accepted: every reader sees the same namespace
//! through it for as long as that process lives (which is how runtimes without named
//! namespaces pass a container's namespace), unless its identity is a forbidden one. Once that
//! process is gone its PID may be reused; a later DEL of the cached path is then checked
//! again, so a PID reused by a process of a forbidden namespace is refused, not DELeted.

use std::fs;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::named::{current_netns_id, kernel_link_id, netns_id};
use super::path::clean_path;
use super::{NetnsError, NsId};

/// The namespace files of PID 1 and of the calling process.
const INIT_NET: &str = "/proc/1/ns/net";
const SELF_NET: &str = "/proc/self/ns/net";

/// Symlinks followed before giving up on a path (the kernel's own limit).
const MAX_SYMLINKS: usize = 40;

/// Why a network namespace is never a container's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forbidden {
    /// The namespace the plugins run in, entered with `--host-netns`.
    HostNetns,
    /// The node's own namespace: PID 1's.
    Init,
    /// cnictl's own namespace; `plugins` when the plugins run there too (no `--host-netns`).
    Own {
        /// True when no `--host-netns` was given.
        plugins: bool,
    },
}

impl Forbidden {
    /// What it is, for error messages.
    pub fn describe(self) -> &'static str {
        match self {
            Forbidden::HostNetns => "the plugins' namespace (--host-netns)",
            Forbidden::Init => "the node's own network namespace (init)",
            Forbidden::Own { plugins: true } => "cnictl's own (where the plugins run)",
            Forbidden::Own { plugins: false } => "cnictl's own",
        }
    }
}

/// The descriptions of `reasons`, joined with " and ".
pub(super) fn describe_all(reasons: &[Forbidden]) -> String {
    reasons
        .iter()
        .map(|r| r.describe())
        .collect::<Vec<_>>()
        .join(" and ")
}

/// The forbidden namespaces, identified once per command; see the module docs.
#[derive(Debug, Clone)]
pub struct Guard {
    forbidden: Vec<(NsId, Forbidden)>,
    /// The namespace of the thread that made the guard (None from [`Guard::from_parts`]).
    own: Option<NsId>,
    init_unknown: Option<String>,
    /// Paths whose spelling this guard has passed, with the identity found there once one was
    /// (and passed): a verb that checks its NETNS at several steps (the command, then the
    /// runtime) resolves it once. A path that was missing is looked at again.
    passed: Arc<Mutex<Vec<Passed>>>,
}

/// A path a [`Guard`] passed, with the identity found there once it was looked at.
type Passed = (PathBuf, Option<NsId>);

impl PartialEq for Guard {
    fn eq(&self, other: &Guard) -> bool {
        self.forbidden == other.forbidden && self.init_unknown == other.init_unknown
    }
}

impl Eq for Guard {}

impl Guard {
    /// Identifies the forbidden namespaces: cnictl's own (always), PID 1's (when it can be
    /// read; on some nodes `/proc/1/ns/net` is unreadable even to root, which leaves it
    /// unknown, see [`Guard::init_unknown`]), and `host_netns`, the identity of the namespace
    /// the plugins run in when it is not cnictl's own (from [`super::NsThread::id`]).
    ///
    /// Call it from a thread that has not `setns`ed (any thread but an [`super::NsThread`]'s).
    pub fn new(host_netns: Option<NsId>) -> Result<Guard, NetnsError> {
        let mut forbidden = Vec::new();
        if let Some(id) = host_netns {
            forbidden.push((id, Forbidden::HostNetns));
        }
        let own = Forbidden::Own {
            plugins: host_netns.is_none(),
        };
        // Identified through the kernel's own links, which need no check.
        let own_id = current_netns_id()?;
        forbidden.push((own_id, own));
        // The thread group leader's, should it differ from this thread's (only a thread other
        // than the main one can have entered another namespace).
        // SAFETY: getpid and gettid take no arguments and cannot fail.
        if unsafe { libc::getpid() != libc::gettid() } {
            if let Ok(id) = kernel_link_id(SELF_NET) {
                forbidden.push((id, own));
            }
        }
        let init_unknown = match kernel_link_id(INIT_NET) {
            Ok(id) => {
                forbidden.push((id, Forbidden::Init));
                None
            }
            Err(e) => Some(e.to_string()),
        };
        Ok(Guard {
            forbidden,
            own: Some(own_id),
            init_unknown,
            passed: Arc::default(),
        })
    }

    /// True when `id` is the network namespace of the thread that made this guard.
    pub fn is_own(&self, id: NsId) -> bool {
        self.own == Some(id)
    }

    /// A guard with exactly these forbidden namespaces (for tests and library callers that
    /// identified them themselves).
    pub fn from_parts(forbidden: Vec<(NsId, Forbidden)>) -> Guard {
        Guard {
            forbidden,
            own: None,
            init_unknown: None,
            passed: Arc::default(),
        }
    }

    /// Why the init namespace could not be identified, when it could not.
    pub fn init_unknown(&self) -> Option<&str> {
        self.init_unknown.as_deref()
    }

    /// Every reason `id` is forbidden (empty when it is not), each once, in a fixed order.
    pub fn forbidden(&self, id: NsId) -> Vec<Forbidden> {
        let mut out: Vec<Forbidden> = Vec::new();
        for (fid, why) in &self.forbidden {
            if *fid == id && !out.contains(why) {
                out.push(*why);
            }
        }
        out
    }

    /// Refuses an empty path and a reader-dependent spelling: [`check_spelling`] (once per
    /// path and guard).
    pub fn check_path(&self, path: &Path) -> Result<(), NetnsError> {
        if self.passed(path).is_some() {
            return Ok(());
        }
        check_spelling(path)?;
        self.note_spelled(path);
        Ok(())
    }

    /// Records that `path` passed [`check_spelling`] (a caller that checked it before this
    /// guard existed), so [`Guard::check_path`] does not resolve it again.
    pub fn note_spelled(&self, path: &Path) {
        if let Ok(mut passed) = self.passed.lock() {
            if !passed.iter().any(|(p, _)| p == path) {
                passed.push((path.to_path_buf(), None));
            }
        }
    }

    /// What this guard already knows of `path`: `Some(None)` when its spelling passed,
    /// `Some(Some(id))` when its identity was found and passed too.
    fn passed(&self, path: &Path) -> Option<Option<NsId>> {
        let passed = self.passed.lock().ok()?;
        passed.iter().find(|(p, _)| p == path).map(|(_, id)| *id)
    }

    /// Records the identity found at `path` once it passed [`Guard::check_id`].
    pub(super) fn note_passed(&self, path: &Path, id: NsId) {
        if let Ok(mut passed) = self.passed.lock() {
            match passed.iter_mut().find(|(p, _)| p == path) {
                Some(entry) => entry.1 = Some(id),
                None => passed.push((path.to_path_buf(), Some(id))),
            }
        }
    }

    /// Refuses `id` (the identity found at `path`) when it is a forbidden namespace.
    pub fn check_id(&self, path: &Path, id: NsId) -> Result<(), NetnsError> {
        let reasons = self.forbidden(id);
        if reasons.is_empty() {
            Ok(())
        } else {
            Err(NetnsError::Forbidden {
                path: path.to_path_buf(),
                reasons,
            })
        }
    }

    /// For ADD and CHECK: `path` must be a network namespace, spelled the same for every reader,
    /// and not a forbidden one. Returns its identity. A path this guard already passed (in an
    /// earlier step of the same command) is not looked at again.
    pub fn existing(&self, path: &Path) -> Result<NsId, NetnsError> {
        if let Some(Some(id)) = self.passed(path) {
            self.check_id(path, id)?;
            return Ok(id);
        }
        self.check_path(path)?;
        let id = netns_id(path)?;
        self.check_id(path, id)?;
        self.note_passed(path, id);
        Ok(id)
    }

    /// For DEL: as [`Guard::existing`], but a path where nothing exists is fine (the spec asks
    /// DEL to succeed for resources that are gone): `None`.
    pub fn existing_or_gone(&self, path: &Path) -> Result<Option<NsId>, NetnsError> {
        match self.existing(path) {
            Ok(id) => Ok(Some(id)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// Refuses an empty path and a reader-dependent spelling (see [`reader_dependent`]). Needs no
/// [`Guard`]: callers check the spelling before anything else is done.
pub fn check_spelling(path: &Path) -> Result<(), NetnsError> {
    if path.as_os_str().is_empty() {
        return Err(NetnsError::Empty);
    }
    match reader_dependent(path) {
        Some(why) => Err(NetnsError::ReaderDependent {
            path: path.to_path_buf(),
            why,
        }),
        None => Ok(()),
    }
}

/// Why `path` means something different to each process that reads it, or stops meaning
/// anything when cnictl exits; None when it does not. `path` should be absolute and clean (as
/// [`super::resolve_netns_arg`] makes it); a relative path depends on the reader's working
/// directory and is refused too. Symlinks on the way are followed (without opening the final
/// namespace file), so a link to `/proc/self/ns/net` is refused like the path itself.
pub fn reader_dependent(path: &Path) -> Option<String> {
    let text = path.to_string_lossy();
    if !path.is_absolute() {
        return Some(format!(
            "the relative path {text:?} depends on the working directory of whoever reads it"
        ));
    }
    let mut current = PathBuf::from(clean_path(&text));
    for _ in 0..MAX_SYMLINKS {
        if let Some(why) = lexical(&current) {
            return Some(if current == path {
                why
            } else {
                format!("it leads to {}: {why}", current.display())
            });
        }
        // The directories on the way, with their symlinks resolved (missing: nothing to
        // follow, the caller finds the path missing).
        let (Some(parent), Some(name)) = (current.parent(), current.file_name()) else {
            return None;
        };
        let Ok(real_parent) = fs::canonicalize(parent) else {
            return None;
        };
        let real = real_parent.join(name);
        if let Some(why) = lexical(&real) {
            return Some(format!("it leads to {}: {why}", real.display()));
        }
        // The links in /proc/PID/{ns,fd,task/TID/ns} are the kernel's own ("net:[4026...]"),
        // not paths: nothing to follow there.
        if in_proc_pid(&real) {
            return None;
        }
        match fs::symlink_metadata(&real) {
            Ok(m) if m.file_type().is_symlink() => {}
            _ => return None,
        }
        let target = fs::read_link(&real).ok()?;
        let next = real_parent.join(target);
        current = PathBuf::from(clean_path(&next.to_string_lossy()));
    }
    Some(format!(
        "it leads through more than {MAX_SYMLINKS} symlinks"
    ))
}

/// The lexical rule on an absolute, clean path.
fn lexical(path: &Path) -> Option<String> {
    let parts: Vec<String> = path
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    match parts.as_slice() {
        ["proc", "self", ..] => Some(
            "/proc/self is whichever process reads it: a plugin would find its own namespace there"
                .into(),
        ),
        ["proc", "thread-self", ..] => Some(
            "/proc/thread-self is whichever thread reads it: a plugin would find its own namespace there"
                .into(),
        ),
        ["dev", "fd" | "stdin" | "stdout" | "stderr", ..] => Some(format!(
            "/dev/{} is an open file of whichever process reads it",
            parts[1]
        )),
        ["proc", pid, rest @ ..] => {
            let pid: u32 = pid.parse().ok()?;
            if pid == std::process::id() {
                return Some(format!(
                    "/proc/{pid} is cnictl itself, which is gone when cnictl exits"
                ));
            }
            if is_own_thread(pid) {
                return Some(format!(
                    "/proc/{pid} is a thread of cnictl, which is gone when cnictl exits"
                ));
            }
            if let ["task", tid, ..] = rest {
                let tid: u32 = tid.parse().ok()?;
                if tid == std::process::id() || is_own_thread(tid) {
                    return Some(format!(
                        "/proc/{pid}/task/{tid} is a thread of cnictl, which is gone when cnictl exits"
                    ));
                }
            }
            None
        }
        _ => None,
    }
}

/// True when `tid` is a thread of this process.
fn is_own_thread(tid: u32) -> bool {
    Path::new(&format!("/proc/{}/task/{tid}", std::process::id())).exists()
}

/// True for `/proc/<digits>/...`.
fn in_proc_pid(path: &Path) -> bool {
    let mut c = path.components();
    matches!(
        (c.next(), c.next(), c.next()),
        (Some(Component::RootDir), Some(Component::Normal(p)), Some(Component::Normal(n)))
            if p == "proc" && n.to_str().is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Within one command a path is resolved once; its identity is still checked each time,
    /// and another guard (another command) resolves it afresh.
    #[test]
    fn a_passed_path_is_not_resolved_again_but_still_checked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gone");
        let guard = Guard::from_parts(vec![((1, 2), Forbidden::Init)]);
        guard.note_passed(&path, (3, 4));
        assert_eq!(guard.existing(&path).unwrap(), (3, 4));
        assert_eq!(guard.existing_or_gone(&path).unwrap(), Some((3, 4)));
        guard.note_passed(&path, (1, 2));
        match guard.existing(&path) {
            Err(NetnsError::Forbidden { reasons, .. }) => {
                assert_eq!(reasons, vec![Forbidden::Init])
            }
            other => panic!("{other:?}"),
        }
        let fresh = Guard::from_parts(Vec::new());
        assert!(fresh.existing(&path).unwrap_err().is_not_found());
        // A spelling passed without an identity is looked up (and found missing).
        fresh.note_spelled(&path);
        assert_eq!(fresh.existing_or_gone(&path).unwrap(), None);
        // A reader-dependent spelling is refused by a guard that has not passed it.
        assert!(fresh.check_path(Path::new("/proc/self/ns/net")).is_err());
    }

    fn why(p: &str) -> Option<String> {
        reader_dependent(Path::new(p))
    }

    #[test]
    fn reader_dependent_spellings_are_found() {
        let pid = std::process::id();
        let tid = nix::unistd::gettid();
        for (path, part) in [
            (
                "/proc/self/ns/net".to_string(),
                "/proc/self is whichever process",
            ),
            ("/proc/self".to_string(), "/proc/self"),
            (
                "/proc/thread-self/ns/net".to_string(),
                "/proc/thread-self is whichever thread",
            ),
            (format!("/proc/self/task/{tid}/ns/net"), "/proc/self"),
            (
                format!("/proc/{pid}/ns/net"),
                &format!("/proc/{pid} is cnictl itself"),
            ),
            (format!("/proc/{pid}/task/{tid}/ns/net"), "cnictl itself"),
            (format!("/proc/{tid}/ns/net"), "cnictl"),
            ("/dev/fd/3".to_string(), "/dev/fd is an open file"),
            ("/dev/stdin".to_string(), "/dev/stdin"),
            ("relative/x".to_string(), "working directory"),
        ] {
            let got = why(&path).unwrap_or_else(|| panic!("{path} not refused"));
            assert!(got.contains(part), "{path}: {got}");
        }
    }

    #[test]
    fn another_process_and_named_paths_are_fine() {
        // PID 1 is never cnictl (nor this test); another process's path is stable while it lives.
        assert_eq!(why("/proc/1/ns/net"), None);
        assert_eq!(why("/proc/1/task/1/ns/net"), None);
        assert_eq!(why("/var/run/netns/x"), None);
        assert_eq!(why("/run/netns/x"), None);
        assert_eq!(why("/nonexistent/dir/x"), None);
        assert_eq!(why("/proc/selfish/ns/net"), None);
    }

    #[test]
    fn symlinks_to_reader_dependent_paths_are_followed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let link = dir.path().join("ns");
        std::os::unix::fs::symlink("/proc/self/ns/net", &link).expect("symlink");
        let got = why(&link.to_string_lossy()).expect("link to /proc/self refused");
        assert!(got.contains("leads to /proc/self/ns/net"), "{got}");
        // A link to a directory on the way.
        let dirlink = dir.path().join("me");
        std::os::unix::fs::symlink("/proc/thread-self", &dirlink).expect("symlink");
        let got = why(&dirlink.join("ns/net").to_string_lossy()).expect("refused");
        assert!(got.contains("cnictl"), "{got}");
        // A relative link, two hops.
        let hop = dir.path().join("hop");
        std::os::unix::fs::symlink("ns", &hop).expect("symlink");
        assert!(why(&hop.to_string_lossy()).is_some());
        // A loop ends.
        let a = dir.path().join("a");
        let b = dir.path().join("b");
        std::os::unix::fs::symlink(&b, &a).expect("symlink");
        std::os::unix::fs::symlink(&a, &b).expect("symlink");
        assert!(why(&a.to_string_lossy()).is_some_and(|w| w.contains("symlinks")));
        // A link to a stable path is fine.
        let ok = dir.path().join("ok");
        std::os::unix::fs::symlink("/var/run/netns/x", &ok).expect("symlink");
        assert_eq!(why(&ok.to_string_lossy()), None);
    }

    #[test]
    fn guard_identifies_own_namespace_under_every_spelling() {
        let guard = Guard::new(None).expect("guard");
        let own = current_netns_id().expect("own");
        assert_eq!(guard.forbidden(own)[0], Forbidden::Own { plugins: true });
        // A process of this namespace other than this one: its /proc path is a legit spelling,
        // but the identity is refused.
        let mut child = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .expect("spawn sleep");
        let p = PathBuf::from(format!("/proc/{}/ns/net", child.id()));
        let res = guard.existing(&p);
        let task = PathBuf::from(format!("/proc/{0}/task/{0}/ns/net", child.id()));
        let res_task = guard.existing(&task);
        let _ = child.kill();
        let _ = child.wait();
        match res {
            Err(NetnsError::Forbidden { path, reasons }) => {
                assert_eq!(path, p);
                assert!(reasons.contains(&Forbidden::Own { plugins: true }));
            }
            other => panic!("expected Forbidden, got {other:?}"),
        }
        let e = res_task.unwrap_err();
        assert!(e.to_string().contains("cnictl's own"), "{e}");
        // A symlink to it too (the identity is what counts).
        let dir = tempfile::tempdir().expect("tempdir");
        let link = dir.path().join("link");
        std::os::unix::fs::symlink("/proc/1/ns/net", &link).expect("symlink");
        if let Ok(init) = netns_id(Path::new("/proc/1/ns/net")) {
            assert!(!guard.forbidden(init).is_empty(), "init is forbidden");
            assert!(matches!(
                guard.existing(&link),
                Err(NetnsError::Forbidden { .. })
            ));
        } else {
            assert!(guard.init_unknown().is_some());
        }
    }

    #[test]
    fn guard_refuses_empty_and_reader_dependent_paths_before_looking() {
        let guard = Guard::from_parts(Vec::new());
        assert!(matches!(
            guard.existing(Path::new("")),
            Err(NetnsError::Empty)
        ));
        match guard.existing_or_gone(Path::new("/proc/self/ns/net")) {
            Err(e @ NetnsError::ReaderDependent { .. }) => {
                let text = e.to_string();
                assert!(text.contains("ip netns attach NAME PID"), "{text}");
                assert!(text.contains("/var/run/netns"), "{text}");
                assert!(text.contains("\"/proc/self/ns/net\""), "{text}");
            }
            other => panic!("expected ReaderDependent, got {other:?}"),
        }
        let dir = tempfile::tempdir().expect("tempdir");
        assert_eq!(
            guard
                .existing_or_gone(&dir.path().join("gone"))
                .expect("gone is fine for DEL"),
            None
        );
    }

    #[test]
    fn forbidden_reasons_are_named() {
        let id = (1, 2);
        let guard = Guard::from_parts(vec![
            (id, Forbidden::HostNetns),
            (id, Forbidden::Init),
            ((1, 3), Forbidden::Own { plugins: false }),
            (id, Forbidden::Init),
        ]);
        let e = guard.check_id(Path::new("/x"), id).unwrap_err();
        assert_eq!(
            e.to_string(),
            "refusing network namespace \"/x\": it is the plugins' namespace (--host-netns) and \
             the node's own network namespace (init); a container's network is never set up there"
        );
        assert!(guard.check_id(Path::new("/x"), (9, 9)).is_ok());
    }
}
