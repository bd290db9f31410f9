//! [`RawExec`]: runs a plugin binary for real (libcni's `RawExec.ExecPlugin`, made safe).
//!
//! What it does beyond libcni:
//! - the plugin gets exactly the environment given, and its own process group, so a timeout or
//!   an interrupt kills the plugin *and* everything it started;
//! - stdin is written through a non-blocking pipe in the same `poll` loop that drains stdout and
//!   stderr, so a plugin that never reads its stdin cannot block cnictl, and a plugin that closes
//!   stdin early is not an error;
//! - stdout and stderr are capped ([`DEFAULT_STDOUT_CAP`], [`DEFAULT_STDERR_CAP`]): past the cap
//!   the output is still drained (so the plugin does not block) but thrown away;
//! - a deadline ([`ExecLimits::timeout`]) SIGKILLs the group;
//! - an interrupt flag ([`ExecLimits::interrupt`], set by the caller's signal handler) is checked
//!   every 50 ms; when set, the group is SIGKILLed at once (no SIGTERM grace: most plugins do not
//!   handle SIGTERM anyway, and the caller's rollback is the clean-up) and the call returns
//!   [`ExecError::Interrupted`];
//! - once the direct child has exited, output is drained for at most 200 ms more: a grandchild
//!   that keeps the pipes open (`sleep 100 &`) cannot make the call hang;
//! - ETXTBSY at start is retried 5 times, 150 ms apart, then reported as an error (libcni falls
//!   through to an empty success).

use super::error::{signal_name, ExecError};
use super::spawn::{spawn, PluginChild};
use super::{Exec, ExecLimits, ExecOutput};
use nix::errno::Errno;
use nix::fcntl::{fcntl, FcntlArg, OFlag};
use nix::poll::{poll, PollFd, PollFlags};
use nix::sys::signal::{killpg, Signal};
use nix::unistd::Pid;
use std::ffi::OsString;
use std::fs::File;
use std::io::{ErrorKind, Read, Write};
use std::os::fd::OwnedFd;
use std::os::fd::{AsFd, AsRawFd};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::ExitStatus;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Default cap on a plugin's stdout kept in memory: the cap on every input
/// ([`crate::safe_read::MAX_INPUT_BYTES`]). A result cut there is a failure that says so.
pub const DEFAULT_STDOUT_CAP: usize = crate::safe_read::MAX_INPUT_BYTES as usize;
/// Default cap on a plugin's stderr kept in memory (only shown, never parsed; the text says
/// where it was cut).
pub const DEFAULT_STDERR_CAP: usize = 1 << 20;

/// How often the interrupt flag and the child are checked while waiting.
const TICK: Duration = Duration::from_millis(50);
/// The wait step when no pipe is open any more but the child has not been reaped yet.
const SHORT_TICK: Duration = Duration::from_millis(5);
/// How long output is still drained after the direct child exited.
const DRAIN_GRACE: Duration = Duration::from_millis(200);
/// How long to wait for a SIGKILLed child to be reaped before giving up on it.
const REAP_LIMIT: Duration = Duration::from_secs(5);
/// Attempts at starting a binary that is busy (ETXTBSY), and the pause between them.
const TXTBSY_ATTEMPTS: u32 = 5;
const TXTBSY_PAUSE: Duration = Duration::from_millis(150);
/// Reads per stream per loop turn ([`SCRATCH_BYTES`] each), so a flood cannot starve the
/// deadline checks.
const READS_PER_TURN: usize = 256;
/// The read buffer, on the stack: a 64 KiB one on the heap cost a calloc, its zeroing and ~16
/// fresh page faults on every plugin call, for outputs that are nearly always a few hundred
/// bytes; it is zeroed on every call, so one page (a 16 KiB one was a third of the memset
/// work of an `add`).
const SCRATCH_BYTES: usize = 4 * 1024;

/// A job that spawns the plugin ([`super::spawn::spawn`]).
pub type SpawnJob = Box<dyn FnOnce() -> std::io::Result<PluginChild> + Send>;

/// Runs a [`SpawnJob`] somewhere else, e.g. on a thread that has entered the host network
/// namespace (the child inherits that thread's namespace), and returns the child.
pub type Spawner = Arc<dyn Fn(SpawnJob) -> std::io::Result<PluginChild> + Send + Sync>;

/// The real plugin runner.
#[derive(Clone)]
pub struct RawExec {
    /// Where to spawn the child: `None` spawns from the calling thread.
    pub spawn_in: Option<Spawner>,
    /// The network namespace the child enters before it exec's (`setns` in the child); `None`
    /// leaves it in the spawning thread's.
    pub netns: Option<Arc<OwnedFd>>,
    /// Bytes of stdout kept; the rest is drained and dropped.
    pub stdout_cap: usize,
    /// Bytes of stderr kept; the rest is drained and dropped.
    pub stderr_cap: usize,
}

impl Default for RawExec {
    fn default() -> Self {
        RawExec {
            spawn_in: None,
            netns: None,
            stdout_cap: DEFAULT_STDOUT_CAP,
            stderr_cap: DEFAULT_STDERR_CAP,
        }
    }
}

impl std::fmt::Debug for RawExec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawExec")
            .field("spawn_in", &self.spawn_in.as_ref().map(|_| "<spawner>"))
            .field("netns", &self.netns)
            .field("stdout_cap", &self.stdout_cap)
            .field("stderr_cap", &self.stderr_cap)
            .finish()
    }
}

impl RawExec {
    /// A runner that spawns from the calling thread, with the default caps.
    pub fn new() -> Self {
        RawExec::default()
    }

    /// A runner that spawns through `spawner` (e.g. a thread in the host netns).
    pub fn with_spawner(spawner: Spawner) -> Self {
        RawExec {
            spawn_in: Some(spawner),
            ..RawExec::default()
        }
    }

    /// A runner whose plugins enter the network namespace open as `netns` (from the calling
    /// thread: no thread of cnictl's changes namespace).
    pub fn entering(netns: Arc<OwnedFd>) -> Self {
        RawExec {
            netns: Some(netns),
            ..RawExec::default()
        }
    }

    /// Starts the child, retrying while the binary is busy.
    fn spawn(
        &self,
        path: &Path,
        env: &[(OsString, OsString)],
        limits: &ExecLimits,
    ) -> Result<PluginChild, ExecError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let netns = self.netns.clone();
            let result = match &self.spawn_in {
                Some(spawner) => spawner(spawn_job(path.to_path_buf(), env.to_vec(), netns)),
                None => spawn(path, env, netns.as_deref().map(AsFd::as_fd)),
            };
            let err = match result {
                Ok(child) => return Ok(child),
                Err(e) => e,
            };
            let path = path.to_path_buf();
            match err.raw_os_error().map(Errno::from_raw) {
                Some(Errno::ETXTBSY) if attempt < TXTBSY_ATTEMPTS => {
                    if let Some(sig) = interrupted(limits) {
                        return Err(ExecError::Interrupted(sig));
                    }
                    std::thread::sleep(TXTBSY_PAUSE);
                }
                Some(Errno::ETXTBSY) => {
                    return Err(ExecError::TextBusy {
                        path,
                        attempts: attempt,
                    })
                }
                Some(Errno::ENOENT) => return Err(ExecError::NotFound { path }),
                Some(Errno::EACCES) => return Err(ExecError::PermissionDenied { path }),
                _ => return Err(ExecError::Spawn { path, source: err }),
            }
        }
    }
}

/// The job that spawns the plugin (exactly `env`, piped stdio, own process group) on whatever
/// thread runs the job.
fn spawn_job(
    path: PathBuf,
    env: Vec<(OsString, OsString)>,
    netns: Option<Arc<OwnedFd>>,
) -> SpawnJob {
    Box::new(move || spawn(&path, &env, netns.as_deref().map(AsFd::as_fd)))
}

/// The interrupt signal number, when the caller's flag is set.
fn interrupted(limits: &ExecLimits) -> Option<i32> {
    let sig = limits.interrupt.as_ref()?.load(Ordering::SeqCst);
    (sig != 0).then(|| i32::try_from(sig).unwrap_or(i32::MAX))
}

impl Exec for RawExec {
    fn exec(
        &self,
        path: &Path,
        stdin: &[u8],
        env: &[(OsString, OsString)],
        limits: &ExecLimits,
    ) -> Result<ExecOutput, ExecError> {
        let start = Instant::now();
        if let Some(sig) = interrupted(limits) {
            return Err(ExecError::Interrupted(sig));
        }
        let mut child = self.spawn(path, env, limits)?;
        let mut run = Run::new(&mut child, self, limits, start);
        let result = run.drive(stdin);
        let reaped = run.status.is_some();
        drop(run);
        match result {
            Ok(mut out) => {
                out.elapsed = start.elapsed();
                Ok(out)
            }
            Err(Stop::Interrupted(sig)) => {
                kill_group(&child);
                let _ = reap_bounded(&mut child, REAP_LIMIT);
                Err(ExecError::Interrupted(sig))
            }
            Err(Stop::Io(source)) => {
                if !reaped {
                    kill_group(&child);
                    let _ = reap_bounded(&mut child, REAP_LIMIT);
                }
                Err(ExecError::Io {
                    path: path.to_path_buf(),
                    source,
                })
            }
        }
    }
}

/// SIGKILLs the child's process group (its pgid is its pid). Only called before the child is
/// reaped, so the group id cannot have been reused.
fn kill_group(child: &PluginChild) {
    if let Ok(pid) = i32::try_from(child.id()) {
        let _ = killpg(Pid::from_raw(pid), Signal::SIGKILL);
    }
}

/// Waits up to `limit` for the child to be reaped.
fn reap_bounded(child: &mut PluginChild, limit: Duration) -> Option<ExitStatus> {
    let until = Instant::now() + limit;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < until => std::thread::sleep(SHORT_TICK),
            _ => return None,
        }
    }
}

/// A pidfd of a child not yet reaped (so its pid cannot have been reused); None when the
/// kernel has no pidfd_open.
fn pidfd_open(pid: u32) -> Option<std::os::fd::OwnedFd> {
    use std::os::fd::FromRawFd;
    let pid = libc::pid_t::try_from(pid).ok()?;
    // SAFETY: pidfd_open takes a pid and flags and returns a new descriptor or -1.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    let fd = i32::try_from(fd).ok().filter(|fd| *fd >= 0)?;
    // SAFETY: the descriptor was just returned by the kernel and is owned by no one else.
    Some(unsafe { std::os::fd::OwnedFd::from_raw_fd(fd) })
}

/// Makes cnictl's end of a pipe from [`super::spawn::spawn`] non-blocking. Such an end has no
/// other status flag set (the pipe is made with only O_CLOEXEC, a descriptor flag), so the
/// flags are set without reading them first.
fn set_nonblocking(fd: &impl AsFd) -> std::io::Result<()> {
    fcntl(fd.as_fd().as_raw_fd(), FcntlArg::F_SETFL(OFlag::O_NONBLOCK))?;
    Ok(())
}

/// Why the loop stopped early.
enum Stop {
    Interrupted(i32),
    Io(std::io::Error),
}

impl From<std::io::Error> for Stop {
    fn from(e: std::io::Error) -> Self {
        Stop::Io(e)
    }
}

impl From<Errno> for Stop {
    fn from(e: Errno) -> Self {
        Stop::Io(e.into())
    }
}

/// A capped output buffer.
struct Capture {
    buf: Vec<u8>,
    cap: usize,
    truncated: bool,
}

impl Capture {
    fn new(cap: usize) -> Self {
        Capture {
            buf: Vec::new(),
            cap,
            truncated: false,
        }
    }

    fn push(&mut self, data: &[u8]) {
        let room = self.cap.saturating_sub(self.buf.len());
        let take = room.min(data.len());
        self.buf
            .extend_from_slice(data.get(..take).unwrap_or_default());
        if take < data.len() {
            self.truncated = true;
        }
    }
}

/// One running plugin: its pipes, its captures and the state of the deadline.
struct Run<'a> {
    child: &'a mut PluginChild,
    limits: &'a ExecLimits,
    stdin: Option<File>,
    stdout: Option<File>,
    stderr: Option<File>,
    out: Capture,
    err: Capture,
    deadline: Option<Instant>,
    /// Set once the direct child has been reaped.
    status: Option<ExitStatus>,
    /// A pidfd of the child (Linux 5.3+), polled with the pipes so its exit wakes the loop at
    /// once; without it (older kernels) an exit with the pipes already closed is seen by the
    /// short tick.
    pidfd: Option<std::os::fd::OwnedFd>,
    /// Set when the last poll found the pidfd readable (the child may have exited): only then
    /// is the child waited for while a pidfd watches it.
    maybe_exited: bool,
}

impl<'a> Run<'a> {
    fn new(
        child: &'a mut PluginChild,
        exec: &RawExec,
        limits: &'a ExecLimits,
        start: Instant,
    ) -> Self {
        let stdin = child.stdin.take();
        let stdout = child.stdout.take();
        let stderr = child.stderr.take();
        let pidfd = pidfd_open(child.id());
        Run {
            child,
            limits,
            stdin,
            stdout,
            stderr,
            out: Capture::new(exec.stdout_cap),
            err: Capture::new(exec.stderr_cap),
            deadline: limits.timeout.map(|t| start + t),
            status: None,
            pidfd,
            maybe_exited: false,
        }
    }

    fn drive(&mut self, input: &[u8]) -> Result<ExecOutput, Stop> {
        if let Some(s) = &self.stdin {
            set_nonblocking(s)?;
        }
        if let Some(s) = &self.stdout {
            set_nonblocking(s)?;
        }
        if let Some(s) = &self.stderr {
            set_nonblocking(s)?;
        }
        let mut written = 0usize;
        // The empty pipe takes a config of up to 64 KiB at once: written before the first
        // wait, not after a poll that can only say it may be.
        if let Some(stdin) = &mut self.stdin {
            if write_some(stdin, input, &mut written) {
                self.stdin = None;
            }
        }
        // When the child exited (or was killed): the start of the drain grace.
        let mut ended_at: Option<Instant> = None;
        let mut killed_at: Option<Instant> = None;
        let mut timed_out = false;
        let mut scratch = [0u8; SCRATCH_BYTES];
        // Consecutive waits with no pipe open: the child is probably exiting, look often at
        // first, then settle to the normal tick.
        let mut idle_waits = 0u32;
        loop {
            if self.status.is_none() {
                if let Some(sig) = interrupted(self.limits) {
                    return Err(Stop::Interrupted(sig));
                }
                // With a pidfd the poll says when the child may have exited; without one (or
                // once it is killed) every turn looks.
                let look = self.pidfd.is_none() || self.maybe_exited || timed_out;
                if let Some(st) = look.then(|| self.child.try_wait()).transpose()?.flatten() {
                    self.status = Some(st);
                    // Readable for good now: polling it would spin.
                    self.pidfd = None;
                    let now = Instant::now();
                    // After a kill the grace already runs from the kill.
                    ended_at.get_or_insert(now);
                    self.stdin = None;
                }
            }
            let now = Instant::now();
            if self.status.is_none() && !timed_out && self.deadline.is_some_and(|d| now >= d) {
                kill_group(self.child);
                timed_out = true;
                killed_at = Some(now);
                ended_at = Some(now);
                self.stdin = None;
            }
            if ended_at.is_some_and(|t| now >= t + DRAIN_GRACE) {
                // Whoever still holds the pipes (a grandchild) is not waited for.
                self.stdout = None;
                self.stderr = None;
            }
            let outputs_open = self.stdout.is_some() || self.stderr.is_some();
            if self.status.is_some() {
                if !outputs_open {
                    break;
                }
            } else if killed_at.is_some_and(|t| now >= t + REAP_LIMIT) {
                // A SIGKILLed child that does not die (stuck in the kernel): stop waiting for it.
                break;
            }

            let idle = !outputs_open && self.stdin.is_none();
            idle_waits = if idle {
                idle_waits.saturating_add(1)
            } else {
                0
            };
            let mut wait = if idle && idle_waits < 20 && self.pidfd.is_none() {
                SHORT_TICK
            } else {
                TICK
            };
            if let Some(d) = self.deadline.filter(|_| !timed_out) {
                wait = wait.min(d.saturating_duration_since(now));
            }
            if let Some(t) = ended_at.filter(|_| outputs_open) {
                wait = wait.min((t + DRAIN_GRACE).saturating_duration_since(now));
            }
            let ready = self.wait_for_io(wait)?;

            if let Some(stdin) = self.stdin.as_mut().filter(|_| ready.stdin) {
                if write_some(stdin, input, &mut written) {
                    self.stdin = None;
                }
            }
            if let Some(r) = self.stdout.as_mut().filter(|_| ready.stdout) {
                if read_some(r, &mut self.out, &mut scratch) {
                    self.stdout = None;
                }
            }
            if let Some(r) = self.stderr.as_mut().filter(|_| ready.stderr) {
                if read_some(r, &mut self.err, &mut scratch) {
                    self.stderr = None;
                }
            }
        }
        // Close our ends: a grandchild still writing gets EPIPE instead of blocking us.
        self.stdin = None;
        self.stdout = None;
        self.stderr = None;
        let mut out = ExecOutput {
            stdout: std::mem::take(&mut self.out.buf),
            stderr: std::mem::take(&mut self.err.buf),
            stdout_truncated: self.out.truncated,
            stderr_truncated: self.err.truncated,
            timed_out,
            timeout: self.limits.timeout,
            ..Default::default()
        };
        if let Some(st) = self.status {
            out.exit_code = st.code();
            out.signal = st.signal().map(signal_name);
            out.core_dumped = st.core_dumped();
        } else if timed_out {
            out.signal = Some(signal_name(libc::SIGKILL));
        }
        Ok(out)
    }

    /// Waits until a pipe is ready or `wait` has passed; says which pipes to serve (those the
    /// poll reported, with an error or a hang-up too; all of them when it was interrupted).
    fn wait_for_io(&mut self, wait: Duration) -> Result<Ready, Stop> {
        let mut fds: Vec<PollFd> = Vec::with_capacity(4);
        if let Some(p) = &self.pidfd {
            fds.push(PollFd::new(p.as_fd(), PollFlags::POLLIN));
        }
        // Where each pipe sits in `fds`.
        let mut at = [None; 3];
        for (slot, (pipe, events)) in at.iter_mut().zip([
            (self.stdin.as_ref(), PollFlags::POLLOUT),
            (self.stdout.as_ref(), PollFlags::POLLIN),
            (self.stderr.as_ref(), PollFlags::POLLIN),
        ]) {
            if let Some(f) = pipe {
                *slot = Some(fds.len());
                fds.push(PollFd::new(f.as_fd(), events));
            }
        }
        // Round up so a sub-millisecond remainder does not become a busy loop.
        let mut ms = wait.as_millis();
        if ms == 0 && !wait.is_zero() {
            ms = 1;
        }
        let ms = u16::try_from(ms).unwrap_or(u16::MAX);
        let polled = poll(&mut fds, ms);
        // Whether the descriptor at `slot` has anything to say (every one, after an error).
        let all = polled.is_err();
        let fired = |slot: Option<usize>| {
            all || slot
                .and_then(|i| fds.get(i))
                .and_then(|f| f.revents())
                .is_some_and(|r| !r.is_empty())
        };
        // The pidfd is the first descriptor when there is one.
        self.maybe_exited = self.pidfd.is_some() && fired(Some(0));
        let [stdin, stdout, stderr] = at;
        let ready = Ready {
            stdin: fired(stdin),
            stdout: fired(stdout),
            stderr: fired(stderr),
        };
        match polled {
            Ok(_) | Err(Errno::EINTR) => Ok(ready),
            Err(e) => Err(e.into()),
        }
    }
}

/// The pipes a wait found ready.
struct Ready {
    stdin: bool,
    stdout: bool,
    stderr: bool,
}

/// Writes what the pipe takes. True when stdin is done: all written, or the plugin closed it
/// (EPIPE: not an error, the plugin may not need all of its input), or it failed.
fn write_some(stdin: &mut File, input: &[u8], written: &mut usize) -> bool {
    loop {
        let rest = input.get(*written..).unwrap_or_default();
        if rest.is_empty() {
            return true;
        }
        match stdin.write(rest) {
            Ok(0) => return true,
            Ok(n) => *written += n,
            Err(e) if e.kind() == ErrorKind::WouldBlock => return false,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return true,
        }
    }
}

/// Reads what is available into `capture`. True at end of file (or on a read error).
fn read_some(r: &mut impl Read, capture: &mut Capture, scratch: &mut [u8]) -> bool {
    for _ in 0..READS_PER_TURN {
        match r.read(scratch) {
            Ok(0) => return true,
            Ok(n) => capture.push(scratch.get(..n).unwrap_or_default()),
            Err(e) if e.kind() == ErrorKind::WouldBlock => return false,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return true,
        }
    }
    false
}

#[cfg(test)]
#[path = "exec_tests.rs"]
mod tests;
