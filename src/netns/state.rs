//! The state of a network namespace path recorded in a cache entry, as `attachments` and `gc`
//! show it (each with its own words; see their renderers).

use std::path::Path;

use super::guard::{reader_dependent, Forbidden, Guard};
use super::named::netns_id;
use super::NetnsError;
use crate::noderoot::NodeRoot;

/// The state of a recorded netns path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetnsState {
    /// The record has no netns.
    NotRecorded,
    /// A network namespace is at the path (and it is not a forbidden one).
    Exists,
    /// A network namespace is at the path, and the guard forbids it (the plugins' namespace,
    /// the node's, cnictl's own): it exists, but nothing is ever run for it.
    Forbidden(Vec<Forbidden>),
    /// Nothing is at the path any more.
    Missing,
    /// Something is there, but not a network namespace (an unmounted placeholder file, a
    /// directory, another namespace type); says what it is.
    NotANamespace(String),
    /// The path could not be checked (relative path, permission); why.
    Unknown(String),
    /// The path means another namespace to each reader, or vanished with the process that
    /// wrote it (`/proc/self/ns/net` ...): what it shows cnictl proves nothing, and plugins
    /// must never get it. Says why.
    ReaderDependent(String),
}

impl NetnsState {
    /// Checks a recorded path. With a guard, a forbidden namespace is [`NetnsState::Forbidden`];
    /// without one (when only showing the cache), it [`NetnsState::Exists`].
    pub fn of(recorded: &str, guard: Option<&Guard>) -> NetnsState {
        NetnsState::of_on(recorded, guard, &NodeRoot::host())
    }

    /// [`NetnsState::of`] for a path recorded on the node whose `/` is `root` (`--root`): the
    /// path is looked for under it (`/proc` excepted, see [`NodeRoot`]).
    pub fn of_on(recorded: &str, guard: Option<&Guard>, root: &NodeRoot) -> NetnsState {
        if recorded.is_empty() {
            return NetnsState::NotRecorded;
        }
        let path = Path::new(recorded);
        if !path.is_absolute() {
            // cnictl and cnitool cache absolute paths; a relative one would be checked against
            // whatever directory cnictl runs in, which proves nothing about the attachment.
            return NetnsState::Unknown(format!("{recorded:?} is not an absolute path"));
        }
        if let Some(why) = reader_dependent(path) {
            return NetnsState::ReaderDependent(why);
        }
        let here = match root.resolve(path) {
            Ok(p) => p,
            Err(e) => return NetnsState::Unknown(e.to_string()),
        };
        match netns_id(&here) {
            Ok(id) => match guard.map(|g| g.forbidden(id)) {
                Some(reasons) if !reasons.is_empty() => NetnsState::Forbidden(reasons),
                _ => NetnsState::Exists,
            },
            Err(e) if e.is_not_found() => NetnsState::Missing,
            Err(NetnsError::NotANamespace { what, .. }) => {
                NetnsState::NotANamespace(what.to_string())
            }
            Err(NetnsError::WrongType { kind, .. }) => {
                NetnsState::NotANamespace(format!("a {kind} namespace"))
            }
            Err(e) => NetnsState::Unknown(e.to_string()),
        }
    }

    /// True when a network namespace is there (a forbidden one included), false when nothing
    /// is, None when that cannot be told.
    pub fn exists(&self) -> Option<bool> {
        match self {
            NetnsState::Exists | NetnsState::Forbidden(_) => Some(true),
            NetnsState::Missing => Some(false),
            // A file that is there but is no namespace is what a container with a private
            // bind mount of /run/netns sees for every namespace created after it started
            // (an empty placeholder): it proves nothing, so `gc --live` keeps such entries.
            NetnsState::NotANamespace(_)
            | NetnsState::Unknown(_)
            | NetnsState::NotRecorded
            | NetnsState::ReaderDependent(_) => None,
        }
    }

    /// Why no plugin may be run for an entry in this state (gc's DELs): the guard's error for
    /// `recorded`, or None when plugins may run.
    pub fn refusal(&self, recorded: &str) -> Option<NetnsError> {
        match self {
            NetnsState::Forbidden(reasons) => Some(NetnsError::Forbidden {
                path: recorded.into(),
                reasons: reasons.clone(),
            }),
            NetnsState::ReaderDependent(why) => Some(NetnsError::ReaderDependent {
                path: recorded.into(),
                why: why.clone(),
            }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::File;

    #[test]
    fn states_of_recorded_paths() {
        let d = tempfile::tempdir().expect("tempdir");
        assert_eq!(NetnsState::of("", None), NetnsState::NotRecorded);
        assert!(matches!(
            NetnsState::of("var/run/netns/x", None),
            NetnsState::Unknown(m) if m.contains("not an absolute path")
        ));
        assert_eq!(
            NetnsState::of(&d.path().join("gone").to_string_lossy(), None),
            NetnsState::Missing
        );
        let file = d.path().join("empty");
        File::create(&file).expect("create");
        assert!(matches!(
            NetnsState::of(&file.to_string_lossy(), None),
            NetnsState::NotANamespace(w) if w.contains("empty file")
        ));
        // The parent's (the test runner's): another process, readable.
        let uts = format!("/proc/{}/ns/uts", nix::unistd::getppid());
        assert_eq!(
            NetnsState::of(&uts, None),
            NetnsState::NotANamespace("a uts namespace".into())
        );
        for p in ["/proc/self/ns/net", "/proc/thread-self/ns/net"] {
            let st = NetnsState::of(p, None);
            assert!(matches!(&st, NetnsState::ReaderDependent(_)), "{p}: {st:?}");
            assert_eq!(st.exists(), None);
            assert!(matches!(
                st.refusal(p),
                Some(NetnsError::ReaderDependent { .. })
            ));
        }
    }

    #[test]
    fn a_forbidden_namespace_exists_and_is_refused() {
        let own = super::super::current_netns_id().expect("own");
        let guard = Guard::from_parts(vec![(own, Forbidden::HostNetns)]);
        let mut child = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .expect("spawn sleep");
        let p = format!("/proc/{}/ns/net", child.id());
        let with = NetnsState::of(&p, Some(&guard));
        let without = NetnsState::of(&p, None);
        let _ = child.kill();
        let _ = child.wait();
        assert_eq!(with, NetnsState::Forbidden(vec![Forbidden::HostNetns]));
        assert_eq!(with.exists(), Some(true));
        let e = with.refusal(&p).expect("refused");
        assert!(e.to_string().contains("--host-netns"), "{e}");
        assert_eq!(without, NetnsState::Exists);
        assert!(without.refusal(&p).is_none());
    }
}
