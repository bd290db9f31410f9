//! Starting a plugin process the way glibc's `posix_spawn` does (`clone` with `CLONE_VM |
//! CLONE_VFORK`, then `execve`), with the one step `posix_spawn` cannot take: entering the
//! network namespace the plugin runs in (`setns` in the child, which changes the child only).
//!
//! Why not `std::process::Command`: it rebuilds the whole environment into a map and then into
//! C strings for every plugin (about a quarter of an `add`'s instructions for a chain of three),
//! and it cannot enter a namespace without the fork path (`pre_exec`), so cnictl kept a thread
//! inside `--host-netns` and handed every spawn to it. Here the child gets exactly what
//! `Command` gave it (the environment given, stdin/stdout/stderr on pipes, its own process
//! group, SIGPIPE and every caught signal back to their defaults, an empty signal mask) and the
//! namespace, entered from a descriptor opened and identified beforehand.

use std::ffi::{c_char, c_int, c_void, CString, OsString};
use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::ExitStatus;
use std::sync::atomic::{AtomicI32, AtomicU64, Ordering};

/// The child's stack until `execve` (glibc's `posix_spawn` uses 32 KiB plus the arguments; the
/// child here runs a few system calls).
const CHILD_STACK: usize = 32 * 1024;
/// The signals cnictl has installed a handler for (bit `n` for signal `n`), noted by
/// [`note_caught`] before each handler is installed. Only these, and SIGPIPE, need resetting in
/// the child: `execve` resets every caught signal itself, and until then the child runs with
/// every signal blocked; the reset only closes the window between unblocking and `execve`.
static CAUGHT: AtomicU64 = AtomicU64::new(0);

/// Notes that a handler for `sig` is about to be installed: a spawned child sets it back to
/// the default before it unblocks signals (the handler lives in memory the child shares).
/// Every place that installs a handler calls this first.
pub fn note_caught(sig: c_int) {
    if (1..64).contains(&sig) {
        CAUGHT.fetch_or(1 << sig, Ordering::SeqCst);
    }
}

/// A started plugin: its pid, the parent's ends of its pipes, and its status once reaped.
#[derive(Debug)]
pub struct PluginChild {
    pid: libc::pid_t,
    /// The write end of the child's stdin.
    pub stdin: Option<File>,
    /// The read end of the child's stdout.
    pub stdout: Option<File>,
    /// The read end of the child's stderr.
    pub stderr: Option<File>,
    status: Option<ExitStatus>,
}

impl PluginChild {
    /// The child's pid (also its process group id).
    pub fn id(&self) -> u32 {
        self.pid.unsigned_abs()
    }

    /// Reaps the child if it has exited (`waitpid` with `WNOHANG`); the status is kept.
    pub fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        if let Some(status) = self.status {
            return Ok(Some(status));
        }
        let mut raw: c_int = 0;
        loop {
            // SAFETY: waitpid only writes the status int it is given.
            let r = unsafe { libc::waitpid(self.pid, &mut raw, libc::WNOHANG) };
            if r == 0 {
                return Ok(None);
            }
            if r < 0 {
                let e = io::Error::last_os_error();
                if e.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(e);
            }
            let status = ExitStatus::from_raw(raw);
            self.status = Some(status);
            return Ok(Some(status));
        }
    }
}

/// What the child reads (and, on failure, writes) in the memory it shares with the parent.
struct ChildArgs {
    path: *const c_char,
    argv: *const *const c_char,
    envp: *const *const c_char,
    /// The namespace to enter, or -1.
    netns: RawFd,
    /// The descriptors that become the child's 0, 1 and 2.
    stdio: [RawFd; 3],
    /// The errno of the step that failed (0: none; the child then exec'd).
    error: AtomicI32,
    /// Set when the step that failed was `setns`.
    in_setns: AtomicI32,
    /// The signals to set back to their default: SIGPIPE and those in [`CAUGHT`].
    reset: u64,
}

/// Starts `path` with exactly `env`, piped stdin, stdout and stderr, in a process group of its
/// own, inside the network namespace `netns` when given (else cnictl's). An error is the errno
/// of the step that failed (`ENOENT`, `EACCES`, `ETXTBSY` from `execve`; `EPERM` from `setns`).
pub fn spawn(
    path: &Path,
    env: &[(OsString, OsString)],
    netns: Option<BorrowedFd<'_>>,
) -> io::Result<PluginChild> {
    let nul = || {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "nul byte found in provided data",
        )
    };
    let program = CString::new(path.as_os_str().as_bytes()).map_err(|_| nul())?;
    // Every `KEY=VALUE\0` in one buffer, then the pointers into it: two allocations, not one
    // per variable.
    let mut block: Vec<u8> =
        Vec::with_capacity(env.iter().map(|(k, v)| k.len() + v.len() + 2).sum());
    let mut starts: Vec<usize> = Vec::with_capacity(env.len());
    for (k, v) in env {
        if k.as_bytes().contains(&0) || v.as_bytes().contains(&0) {
            return Err(nul());
        }
        starts.push(block.len());
        block.extend_from_slice(k.as_bytes());
        block.push(b'=');
        block.extend_from_slice(v.as_bytes());
        block.push(0);
    }
    let mut envp: Vec<*const c_char> = starts
        .iter()
        .map(|&at| block.as_ptr().wrapping_add(at).cast::<c_char>())
        .collect();
    envp.push(std::ptr::null());
    let argv: [*const c_char; 2] = [program.as_ptr(), std::ptr::null()];

    let (stdin_r, stdin_w) = pipe()?;
    let (stdout_r, stdout_w) = pipe()?;
    let (stderr_r, stderr_w) = pipe()?;
    let args = ChildArgs {
        path: program.as_ptr(),
        argv: argv.as_ptr(),
        envp: envp.as_ptr(),
        netns: netns.map_or(-1, |fd| fd.as_raw_fd()),
        stdio: [
            stdin_r.as_raw_fd(),
            stdout_w.as_raw_fd(),
            stderr_w.as_raw_fd(),
        ],
        error: AtomicI32::new(0),
        in_setns: AtomicI32::new(0),
        reset: CAUGHT.load(Ordering::SeqCst) | (1 << libc::SIGPIPE),
    };
    let mut stack: Vec<u8> = Vec::with_capacity(CHILD_STACK);
    // The stack grows down from its end, 16-byte aligned.
    let top = stack.as_mut_ptr().wrapping_add(CHILD_STACK);
    let top = top.wrapping_sub(top as usize % 16);

    // Every signal is blocked while the child shares cnictl's memory: no handler of cnictl's
    // may run on the child's stack. The child unblocks them once their handlers are reset.
    // SAFETY: sigset_t is plain data, filled by sigfillset/pthread_sigmask.
    let mut all: libc::sigset_t = unsafe { std::mem::zeroed() };
    let mut old: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: both sets are valid for writes; pthread_sigmask changes this thread's mask only.
    unsafe {
        libc::sigfillset(&mut all);
        libc::pthread_sigmask(libc::SIG_SETMASK, &all, &mut old);
    }
    // SAFETY: CLONE_VFORK suspends this thread until the child has exec'd or exited, so
    // `args`, the strings it points to and `stack` outlive every use the child makes of them;
    // the child only makes system calls (see `child_main`).
    let pid = unsafe {
        libc::clone(
            child_main,
            top.cast::<c_void>(),
            libc::CLONE_VM | libc::CLONE_VFORK | libc::SIGCHLD,
            std::ptr::from_ref(&args).cast_mut().cast::<c_void>(),
        )
    };
    let clone_error = io::Error::last_os_error();
    // SAFETY: restores this thread's mask saved above.
    unsafe {
        libc::pthread_sigmask(libc::SIG_SETMASK, &old, std::ptr::null_mut());
    }
    drop(stack);
    // The child's ends: closed here (the child has its own copies, or has gone).
    drop((stdin_r, stdout_w, stderr_w));
    if pid < 0 {
        return Err(clone_error);
    }
    let failed = args.error.load(Ordering::SeqCst);
    if failed != 0 {
        // The child exited (127) without exec'ing: reap it, report why.
        let mut raw: c_int = 0;
        // SAFETY: waitpid only writes the status int it is given.
        while unsafe { libc::waitpid(pid, &mut raw, 0) } < 0
            && io::Error::last_os_error().kind() == io::ErrorKind::Interrupted
        {}
        let e = io::Error::from_raw_os_error(failed);
        if args.in_setns.load(Ordering::SeqCst) != 0 {
            return Err(io::Error::new(
                e.kind(),
                format!("cannot enter the plugins' network namespace (setns): {e}"),
            ));
        }
        return Err(e);
    }
    Ok(PluginChild {
        pid,
        stdin: Some(File::from(stdin_w)),
        stdout: Some(File::from(stdout_r)),
        stderr: Some(File::from(stderr_r)),
        status: None,
    })
}

/// A pipe whose two ends are close-on-exec.
fn pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds: [c_int; 2] = [-1, -1];
    // SAFETY: pipe2 writes two descriptors into the array it is given.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: both descriptors were just returned by the kernel and are owned by no one else.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// The child, between `clone` and `execve`: it shares cnictl's memory and the parent thread
/// is suspended, so it allocates nothing, takes no lock, cannot panic, and only makes system
/// calls; a failed step leaves its errno in `ChildArgs::error` and exits with 127.
extern "C" fn child_main(arg: *mut c_void) -> c_int {
    // SAFETY: `arg` is the `ChildArgs` the parent keeps alive until this child exec's or exits.
    let a = unsafe { &*arg.cast::<ChildArgs>() };
    let fail = || -> c_int {
        let errno = io::Error::last_os_error()
            .raw_os_error()
            .unwrap_or(libc::EINVAL);
        a.error.store(
            if errno == 0 { libc::EINVAL } else { errno },
            Ordering::SeqCst,
        );
        // SAFETY: _exit ends this child at once (no atexit handlers, no stdio flush).
        unsafe { libc::_exit(127) }
    };
    // SAFETY (this block): plain system calls on descriptors and data the parent prepared.
    unsafe {
        if a.netns >= 0 && libc::setns(a.netns, libc::CLONE_NEWNET) != 0 {
            a.in_setns.store(1, Ordering::SeqCst);
            return fail();
        }
        if libc::setpgid(0, 0) != 0 {
            return fail();
        }
        for (target, &fd) in (0..).zip(a.stdio.iter()) {
            // dup2 onto itself would keep close-on-exec: clear it instead.
            let ok = if fd == target {
                libc::fcntl(fd, libc::F_SETFD, 0) == 0
            } else {
                libc::dup2(fd, target) == target
            };
            if !ok {
                return fail();
            }
        }
        // Signals cnictl catches (its handlers are in this shared memory) and SIGPIPE (which
        // cnictl ignores) go back to their defaults; other ignored ones stay ignored, as with
        // posix_spawn. One call per signal noted, not a query of all 64.
        let mut dfl: libc::sigaction = std::mem::zeroed();
        dfl.sa_sigaction = libc::SIG_DFL;
        let mut bits = a.reset;
        while bits != 0 {
            let sig = c_int::try_from(bits.trailing_zeros()).unwrap_or(0);
            bits &= bits - 1;
            libc::sigaction(sig, &dfl, std::ptr::null_mut());
        }
        let mut none: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut none);
        libc::sigprocmask(libc::SIG_SETMASK, &none, std::ptr::null_mut());
        libc::execve(a.path, a.argv, a.envp);
    }
    fail()
}
