//! A dedicated thread inside a network namespace.
//!
//! `setns` changes the namespace of the calling thread only, so work that must happen inside a
//! namespace (starting a plugin, which then inherits the namespace) runs on a thread of its own
//! that enters the namespace once and ends when the [`NsThread`] is dropped. The thread is never
//! handed back to a pool and never returns to the host namespace, so no other code can run in
//! the wrong namespace by accident.

use std::any::Any;
use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::Child;
use std::sync::mpsc;
use std::sync::Arc;
use std::thread::{JoinHandle, ThreadId};

use nix::sched::{setns, CloneFlags};

use super::named::{current_netns_id, open_netns};
use super::{NetnsError, NsId};

type Job = Box<dyn FnOnce() + Send>;

/// A deferred process start, run by a [`Spawner`] on the thread inside the namespace.
pub type SpawnFn = Box<dyn FnOnce() -> io::Result<Child> + Send>;

/// The hook the invoke module takes to start a plugin somewhere else: it calls the hook with a
/// closure that spawns the process, and gets the child back. See [`NsThread::spawner`].
pub type Spawner = Arc<dyn Fn(SpawnFn) -> io::Result<Child> + Send + Sync>;

/// A [`Spawner`] for jobs that return `T`: see [`NsThread::runner`].
pub type Runner<T> =
    Arc<dyn Fn(Box<dyn FnOnce() -> io::Result<T> + Send>) -> io::Result<T> + Send + Sync>;

/// A thread that has entered a network namespace and runs closures there.
///
/// Only the network namespace changes: the thread keeps the process's mount namespace, so
/// `/var/run/netns`, `/proc` and the plugin directories look the same as elsewhere in cnictl
/// (`/sys` still shows the devices of the namespace it was mounted in; plugins use netlink).
pub struct NsThread {
    path: PathBuf,
    id: NsId,
    thread: ThreadId,
    jobs: Option<mpsc::Sender<Job>>,
    handle: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for NsThread {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NsThread")
            .field("path", &self.path)
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl NsThread {
    /// Starts a thread and `setns`es it into the network namespace at `path`, after checking the
    /// path as [`super::netns_id`] does. Returns once the thread is inside the namespace.
    pub fn enter(path: &Path) -> Result<NsThread, NetnsError> {
        let (file, id) = open_netns(path)?;
        let (ready_tx, ready_rx) = mpsc::sync_channel::<Result<(), NetnsError>>(1);
        let (jobs_tx, jobs_rx) = mpsc::channel::<Job>();
        let owned = path.to_path_buf();
        let handle = std::thread::Builder::new()
            .name("cnictl-netns".into())
            .spawn(move || {
                let entered = setns(&file, CloneFlags::CLONE_NEWNET)
                    .map_err(|e| {
                        NetnsError::io("cannot enter (setns) network namespace", &owned, e)
                    })
                    .and_then(|()| check_inside(&owned, id));
                drop(file);
                let inside = entered.is_ok();
                let _ = ready_tx.send(entered);
                if !inside {
                    return;
                }
                while let Ok(job) = jobs_rx.recv() {
                    job();
                    // A job that moved the thread to another namespace ends it: later jobs
                    // would otherwise run in the wrong place.
                    if check_inside(&owned, id).is_err() {
                        break;
                    }
                }
            })
            .map_err(|e| NetnsError::io("cannot start a thread to enter", path, e))?;
        let thread = handle.thread().id();
        match ready_rx.recv() {
            Ok(Ok(())) => Ok(NsThread {
                path: path.to_path_buf(),
                id,
                thread,
                jobs: Some(jobs_tx),
                handle: Some(handle),
            }),
            Ok(Err(e)) => {
                let _ = handle.join();
                Err(e)
            }
            Err(_) => {
                let _ = handle.join();
                Err(NetnsError::ThreadGone {
                    path: path.to_path_buf(),
                })
            }
        }
    }

    /// Runs `f` on the thread inside the namespace and waits for its value. A panic in `f` is
    /// caught and returned as [`NetnsError::Panicked`] (the thread stays usable); if the thread
    /// has ended, [`NetnsError::ThreadGone`]. Called from a closure already running on this
    /// thread, `f` runs directly.
    pub fn run<R, F>(&self, f: F) -> Result<R, NetnsError>
    where
        R: Send + 'static,
        F: FnOnce() -> R + Send + 'static,
    {
        if std::thread::current().id() == self.thread {
            return catch_unwind(AssertUnwindSafe(f)).map_err(|p| self.panicked(p));
        }
        let gone = || NetnsError::ThreadGone {
            path: self.path.clone(),
        };
        let (result_tx, result_rx) = mpsc::sync_channel(1);
        let job: Job = Box::new(move || {
            let _ = result_tx.send(catch_unwind(AssertUnwindSafe(f)));
        });
        self.jobs
            .as_ref()
            .ok_or_else(gone)?
            .send(job)
            .map_err(|_| gone())?;
        match result_rx.recv() {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(payload)) => Err(self.panicked(payload)),
            Err(_) => Err(gone()),
        }
    }

    /// The identity of the namespace the thread entered.
    pub fn id(&self) -> NsId {
        self.id
    }

    /// The path the namespace was entered from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A [`Spawner`] that starts processes from this thread, so they inherit its network
    /// namespace (and nothing else changes for them). The spawner keeps the thread alive.
    ///
    /// A child's `PR_SET_PDEATHSIG`, if set, fires when *this thread* ends (when the last
    /// handle to the `NsThread` is dropped), not when cnictl exits.
    pub fn spawner(self: &Arc<Self>) -> Spawner {
        self.runner()
    }

    /// Like [`NsThread::spawner`], for a job that returns any kind of started process (the
    /// plugin runner's own, [`crate::invoke::spawn::PluginChild`]).
    pub fn runner<T: Send + 'static>(self: &Arc<Self>) -> Runner<T> {
        let this = Arc::clone(self);
        Arc::new(move |job: Box<dyn FnOnce() -> io::Result<T> + Send>| {
            this.run(job).map_err(io::Error::other)?
        })
    }

    fn panicked(&self, payload: Box<dyn Any + Send>) -> NetnsError {
        let message = if let Some(s) = payload.downcast_ref::<&str>() {
            (*s).to_string()
        } else if let Some(s) = payload.downcast_ref::<String>() {
            s.clone()
        } else {
            "(no message)".to_string()
        };
        NetnsError::Panicked {
            path: self.path.clone(),
            message,
        }
    }
}

impl Drop for NsThread {
    fn drop(&mut self) {
        // Closing the channel ends the thread's loop; the thread then exits.
        self.jobs = None;
        if let Some(handle) = self.handle.take() {
            // A thread cannot join itself (the last handle dropped inside a job): it ends on its
            // own once the job returns.
            if handle.thread().id() != std::thread::current().id() {
                let _ = handle.join();
            }
        }
    }
}

/// Checks that the calling thread is in the namespace `id`.
fn check_inside(path: &Path, id: NsId) -> Result<(), NetnsError> {
    match current_netns_id() {
        Ok(now) if now == id => Ok(()),
        Ok(_) => Err(NetnsError::io(
            "thread is not inside network namespace",
            path,
            io::Error::other("namespace changed"),
        )),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Entering a namespace needs CAP_SYS_ADMIN even for the process's own one; the tests that do
    // are in `root_tests`. These fail before `setns`.
    #[test]
    fn enter_refuses_what_is_no_network_namespace() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(NsThread::enter(&dir.path().join("missing"))
            .unwrap_err()
            .is_not_found());
        assert!(matches!(
            NsThread::enter(Path::new("/proc/self/ns/uts")),
            Err(NetnsError::WrongType { .. })
        ));
        assert!(matches!(
            NsThread::enter(dir.path()),
            Err(NetnsError::NotANamespace { .. })
        ));
    }
}
