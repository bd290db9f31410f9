//! Namespace files: identify a network namespace by path, and create or delete named ones the
//! way `ip netns add` / `ip netns delete` do, so iproute2 and cnictl see the same namespaces.

use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::fs::{DirBuilderExt, FileTypeExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::fcntl::{Flock, FlockArg, OFlag};
use nix::mount::{mount, umount2, MntFlags, MsFlags};
use nix::sched::{unshare, CloneFlags};
use nix::sys::stat::Mode;
use nix::sys::statfs::{fstatfs, NSFS_MAGIC};

use super::path::validate_name;
use super::{NetnsError, NsId, NETNS_RUN_DIR};

/// `CLONE_NEWTIME`, missing from libc's constants on some targets.
const CLONE_NEWTIME: libc::c_int = 0x80;

/// The calling thread's own network namespace file.
const THREAD_SELF_NET: &str = "/proc/thread-self/ns/net";

/// Identity of the network namespace at `path`, after checking it really is one: the path must
/// exist, be an nsfs file, and the `NS_GET_NSTYPE` ioctl must say `CLONE_NEWNET`. A missing path
/// gives [`NetnsError::NotFound`] (see [`NetnsError::is_not_found`]); a file that is no
/// namespace at all (a regular file, a directory, or the empty placeholder under
/// `/var/run/netns` of a namespace that is not mounted) gives [`NetnsError::NotANamespace`];
/// another namespace type gives [`NetnsError::WrongType`].
pub fn netns_id(path: &Path) -> Result<NsId, NetnsError> {
    open_netns(path).map(|(_, id)| id)
}

/// Identity of the network namespace of the calling thread, i.e. the one plugins run in when
/// there is no `--host-netns`. Call it from a thread that has not `setns`ed (any thread except
/// an [`super::NsThread`]'s).
pub fn current_netns_id() -> Result<NsId, NetnsError> {
    kernel_link_id(THREAD_SELF_NET)
}

/// The identity of the namespace a kernel link of `/proc` (`/proc/PID/ns/net`,
/// `/proc/thread-self/ns/net`) leads to: `stat` through it reaches the namespace's nsfs file,
/// so it needs none of the checks [`netns_id`] makes of a path given by the user.
pub(super) fn kernel_link_id(link: &str) -> Result<NsId, NetnsError> {
    let meta = fs::metadata(link).map_err(|e| missing_or(e, "cannot inspect", Path::new(link)))?;
    Ok((meta.dev(), meta.ino()))
}

/// Opens `path` as a network namespace for plugins to enter (`setns` in each plugin's process,
/// before it exec's): the descriptor, checked as [`netns_id`] checks the path, and the identity
/// of the namespace it is. Only that namespace can be entered through it, whatever happens to
/// the path afterwards.
pub fn open_for_plugins(path: &Path) -> Result<(std::os::fd::OwnedFd, NsId), NetnsError> {
    open_netns(path).map(|(file, id)| (file.into(), id))
}

/// Opens `path` as a network namespace, returning the open file (usable with `setns`) and its
/// identity.
pub(super) fn open_netns(path: &Path) -> Result<(File, NsId), NetnsError> {
    // Look before opening: a FIFO or a device must not be opened (it could block or act), and
    // every nsfs file is a regular file.
    let meta = fs::metadata(path).map_err(|e| missing_or(e, "cannot inspect", path))?;
    if !meta.is_file() {
        return Err(not_a_namespace(path, describe(&meta)));
    }
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_CLOEXEC | libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(|e| missing_or(e, "cannot open network namespace", path))?;
    let fs = fstatfs(&file).map_err(|e| NetnsError::io("cannot inspect", path, e))?;
    if fs.filesystem_type() != NSFS_MAGIC {
        let meta = file
            .metadata()
            .map_err(|e| NetnsError::io("cannot inspect", path, e))?;
        return Err(not_a_namespace(path, describe(&meta)));
    }
    let kind = ns_type(&file).map_err(|e| {
        NetnsError::io(
            "cannot query the namespace type (NS_GET_NSTYPE) of",
            path,
            e,
        )
    })?;
    if kind != libc::CLONE_NEWNET {
        return Err(NetnsError::WrongType {
            path: path.to_path_buf(),
            kind: type_name(kind),
        });
    }
    let meta = file
        .metadata()
        .map_err(|e| NetnsError::io("cannot inspect", path, e))?;
    Ok((file, (meta.dev(), meta.ino())))
}

/// The `CLONE_NEW*` type of the namespace open as `file` (which must be on nsfs).
fn ns_type(file: &File) -> io::Result<libc::c_int> {
    // SAFETY: NS_GET_NSTYPE takes no argument and only returns an int; the descriptor is open
    // for the duration of the call because `file` is borrowed, and the caller has checked the
    // file is on nsfs, so the request cannot reach another driver's ioctl handler.
    let ret = unsafe { libc::ioctl(file.as_raw_fd(), libc::NS_GET_NSTYPE) };
    if ret < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret)
    }
}

fn type_name(kind: libc::c_int) -> &'static str {
    match kind {
        libc::CLONE_NEWNET => "net",
        libc::CLONE_NEWUTS => "uts",
        libc::CLONE_NEWIPC => "ipc",
        libc::CLONE_NEWPID => "pid",
        libc::CLONE_NEWNS => "mnt",
        libc::CLONE_NEWUSER => "user",
        libc::CLONE_NEWCGROUP => "cgroup",
        CLONE_NEWTIME => "time",
        _ => "unknown",
    }
}

fn describe(meta: &fs::Metadata) -> &'static str {
    let ft = meta.file_type();
    if ft.is_dir() {
        "a directory"
    } else if ft.is_file() && meta.len() == 0 {
        "an empty file (no namespace is mounted on it)"
    } else if ft.is_file() {
        "a regular file"
    } else if ft.is_fifo() {
        "a named pipe"
    } else if ft.is_socket() {
        "a socket"
    } else if ft.is_block_device() || ft.is_char_device() {
        "a device"
    } else {
        "not a namespace file"
    }
}

fn not_a_namespace(path: &Path, what: &'static str) -> NetnsError {
    NetnsError::NotANamespace {
        path: path.to_path_buf(),
        what,
    }
}

fn missing_or(e: io::Error, action: &'static str, path: &Path) -> NetnsError {
    if e.kind() == io::ErrorKind::NotFound {
        NetnsError::NotFound {
            path: path.to_path_buf(),
        }
    } else {
        NetnsError::io(action, path, e)
    }
}

/// Creates the named network namespace `/var/run/netns/NAME` like `ip netns add NAME`: the
/// directory is created (0755) and made a shared mount point (so an unmount in one mount
/// namespace reaches all), an empty file is created exclusively, and a new network namespace,
/// made by `unshare` on a dedicated short-lived thread, is bind-mounted onto it. An existing
/// name gives [`NetnsError::AlreadyExists`] and is left untouched; on any other failure the file
/// is removed again. Concurrent calls (in this process or other cnictl processes) are
/// serialised by an exclusive lock on the directory held until the namespace is mounted, so
/// the loser of a race for one name finds a mounted namespace, never a bare placeholder. The loopback device stays down (the loopback plugin brings it up).
///
/// If the process runs in a private mount namespace (e.g. under `ip netns exec`), the mount is
/// made there and is invisible outside it.
pub fn create_named(name: &str) -> Result<PathBuf, NetnsError> {
    validate_name(name)?;
    let dir = Path::new(NETNS_RUN_DIR);
    let path = dir.join(name);
    DirBuilder::new()
        .recursive(true)
        .mode(0o755)
        .create(dir)
        .map_err(|e| NetnsError::io("cannot create directory", dir, e))?;
    make_shared_mount_point(dir)?;
    // Serialise cnictl's creators: a second one waits here until the first has mounted its
    // namespace (or removed its placeholder after a failure), so it never finds a placeholder
    // that is about to be mounted. Released when the lock is dropped, also on a panic.
    let dir_file = File::open(dir).map_err(|e| NetnsError::io("cannot open directory", dir, e))?;
    let _creating = Flock::lock(dir_file, FlockArg::LockExclusive)
        .map_err(|(_, e)| NetnsError::io("cannot lock directory", dir, e))?;

    match nix::fcntl::open(
        &path,
        OFlag::O_RDONLY | OFlag::O_CREAT | OFlag::O_EXCL | OFlag::O_CLOEXEC,
        Mode::empty(),
    ) {
        Ok(fd) => {
            // Only the file is needed; a failed close of a fresh read-only descriptor loses nothing.
            let _ = nix::unistd::close(fd);
        }
        Err(Errno::EEXIST) => return Err(NetnsError::AlreadyExists { path }),
        Err(e) => return Err(NetnsError::io("cannot create namespace file", &path, e)),
    }
    let placeholder = Placeholder { path, keep: false };
    mount_new_netns(&placeholder.path)?;
    // Check the result the way every user of it will.
    netns_id(&placeholder.path)?;
    Ok(placeholder.keep())
}

/// How long [`wait_mounted`] waits for another creator's mount.
const MOUNT_WAIT: Duration = Duration::from_secs(3);

/// True when the error says the path is an empty regular file: the placeholder `ip netns add`
/// (and [`create_named`]) creates before mounting a namespace on it.
pub(super) fn is_placeholder(e: &NetnsError) -> bool {
    matches!(
        e,
        NetnsError::NotANamespace { path, .. } if is_empty_file(path)
    )
}

/// The identity of the named namespace at `path` that another process is creating: while it is
/// still the empty placeholder, waits (up to a few seconds) for the namespace to be mounted on
/// it. cnictl's own creators hold the directory lock of [`create_named`] until they are done,
/// so taking it once first is enough for them; the wait covers `ip netns add`, which does not
/// hold it. A placeholder still empty after the wait is reported as what it is.
pub(super) fn wait_mounted(path: &Path) -> Result<NsId, NetnsError> {
    if let Some(dir) = path.parent() {
        if let Ok(f) = File::open(dir) {
            // Wait for cnictl creators; without the lock, the bounded wait below still applies.
            drop(Flock::lock(f, FlockArg::LockShared).ok());
        }
    }
    let deadline = Instant::now() + MOUNT_WAIT;
    loop {
        match netns_id(path) {
            Err(e) if is_placeholder(&e) && Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(10));
            }
            other => return other,
        }
    }
}

/// Removes the namespace file created by [`create_named`] unless told to keep it.
struct Placeholder {
    path: PathBuf,
    keep: bool,
}

impl Placeholder {
    fn keep(mut self) -> PathBuf {
        self.keep = true;
        std::mem::take(&mut self.path)
    }
}

impl Drop for Placeholder {
    fn drop(&mut self) {
        if !self.keep {
            // Best effort: the file is ours (created with O_EXCL), so unmounting whatever was
            // mounted on it and removing it cannot affect anyone else's namespace.
            let _ = umount2(&self.path, MntFlags::MNT_DETACH);
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// Makes `dir` a mount point with shared propagation, as iproute2 does: try `--make-rshared`;
/// if the kernel says EINVAL it is not a mount point yet, so bind-mount it onto itself once and
/// try again. A lock on the directory keeps concurrent creators from stacking bind mounts.
fn make_shared_mount_point(dir: &Path) -> Result<(), NetnsError> {
    let dir_file = File::open(dir).map_err(|e| NetnsError::io("cannot open directory", dir, e))?;
    // Like iproute2, go on without the lock if it cannot be had.
    let _lock = Flock::lock(dir_file, FlockArg::LockExclusive).ok();
    let mut bound = false;
    loop {
        match mount(
            None::<&str>,
            dir,
            None::<&str>,
            MsFlags::MS_SHARED | MsFlags::MS_REC,
            None::<&str>,
        ) {
            Ok(()) => return Ok(()),
            Err(Errno::EINVAL) if !bound => {
                mount(
                    Some(dir),
                    dir,
                    None::<&str>,
                    MsFlags::MS_BIND | MsFlags::MS_REC,
                    None::<&str>,
                )
                .map_err(|e| NetnsError::io("cannot bind-mount onto itself", dir, e))?;
                bound = true;
            }
            Err(e) => {
                return Err(NetnsError::io(
                    "cannot make a shared mount point of",
                    dir,
                    e,
                ))
            }
        }
    }
}

/// On a new thread that ends right after: unshare into a new network namespace and bind-mount
/// it onto `target`. The thread's namespace change dies with the thread; the mount keeps the
/// namespace alive. The thread shares the process's mount namespace, so the mount is the
/// process's.
pub(super) fn mount_new_netns(target: &Path) -> Result<(), NetnsError> {
    let owned: PathBuf = target.to_path_buf();
    let worker = std::thread::Builder::new()
        .name("cnictl-netns-add".into())
        .spawn(move || -> Result<(), NetnsError> {
            unshare(CloneFlags::CLONE_NEWNET).map_err(|e| {
                NetnsError::io("cannot create a network namespace (unshare) for", &owned, e)
            })?;
            mount(
                Some(THREAD_SELF_NET),
                &owned,
                None::<&str>,
                MsFlags::MS_BIND,
                None::<&str>,
            )
            .map_err(|e| {
                NetnsError::io(
                    "cannot bind-mount the new network namespace onto",
                    &owned,
                    e,
                )
            })
        })
        .map_err(|e| NetnsError::io("cannot start a thread to create", target, e))?;
    match worker.join() {
        Ok(result) => result,
        Err(_) => Err(NetnsError::ThreadGone {
            path: target.to_path_buf(),
        }),
    }
}

/// Removes the named namespace `/var/run/netns/NAME` like `ip netns delete NAME`; see
/// [`delete_path`].
pub fn delete_named(name: &str) -> Result<(), NetnsError> {
    validate_name(name)?;
    delete_path(&Path::new(NETNS_RUN_DIR).join(name))
}

/// Unmounts (lazily, `MNT_DETACH`) and removes a namespace file. The namespace itself lives on
/// while a process or a mount still holds it. A missing path gives [`NetnsError::NotFound`], so
/// callers can decide whether that is fine. Only a network namespace or the empty placeholder
/// left by an interrupted `ip netns add` is removed; any other file is refused and left alone.
pub fn delete_path(path: &Path) -> Result<(), NetnsError> {
    let mounted = match netns_id(path) {
        Ok(_) => true,
        Err(NetnsError::NotANamespace { .. }) if is_empty_file(path) => false,
        Err(e) => return Err(e),
    };
    if mounted {
        unmount(path)?;
    }
    fs::remove_file(path).map_err(|e| missing_or(e, "cannot remove network namespace file", path))
}

fn unmount(path: &Path) -> Result<(), NetnsError> {
    match umount2(path, MntFlags::MNT_DETACH) {
        // EINVAL: not a mount point (an empty placeholder, or a namespace mounted elsewhere).
        Ok(()) | Err(Errno::EINVAL) => {}
        Err(Errno::ENOENT) => {
            return Err(NetnsError::NotFound {
                path: path.to_path_buf(),
            })
        }
        Err(e) => return Err(NetnsError::io("cannot unmount network namespace", path, e)),
    }
    Ok(())
}

fn is_empty_file(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && m.len() == 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn netns_id_of_own_namespace() {
        let own = netns_id(Path::new("/proc/self/ns/net")).expect("/proc/self/ns/net");
        assert_eq!(current_netns_id().expect("current"), own);
        let by_task = PathBuf::from(format!("/proc/self/task/{}/ns/net", nix::unistd::gettid()));
        assert_eq!(netns_id(&by_task).expect("task path"), own);
    }

    #[test]
    fn netns_id_rejects_other_namespace_types() {
        for (path, kind) in [("/proc/self/ns/uts", "uts"), ("/proc/self/ns/ipc", "ipc")] {
            let err = netns_id(Path::new(path)).unwrap_err();
            match &err {
                NetnsError::WrongType { path: p, kind: k } => {
                    assert_eq!(p, Path::new(path));
                    assert_eq!(*k, kind);
                }
                other => panic!("{path}: expected WrongType, got {other:?}"),
            }
            assert_eq!(
                err.to_string(),
                format!("\"{path}\" is not a network namespace: it is a {kind} namespace")
            );
        }
    }

    #[test]
    fn netns_id_rejects_files_that_are_no_namespace() {
        let dir = tempfile::tempdir().expect("tempdir");
        let empty = dir.path().join("empty");
        File::create(&empty).expect("create");
        let full = dir.path().join("full");
        File::create(&full)
            .and_then(|mut f| f.write_all(b"x"))
            .expect("write");
        let cases = [
            (
                empty.clone(),
                "an empty file (no namespace is mounted on it)",
            ),
            (full.clone(), "a regular file"),
            (dir.path().to_path_buf(), "a directory"),
            (PathBuf::from("/dev/null"), "a device"),
            (
                PathBuf::from("/proc/self/status"),
                "an empty file (no namespace is mounted on it)",
            ),
        ];
        for (path, what) in cases {
            match netns_id(&path) {
                Err(NetnsError::NotANamespace { path: p, what: w }) => {
                    assert_eq!(p, path);
                    assert_eq!(w, what, "{}", path.display());
                }
                other => panic!("{}: expected NotANamespace, got {other:?}", path.display()),
            }
        }
    }

    #[test]
    fn netns_id_missing_path_is_not_found() {
        let dir = tempfile::tempdir().expect("tempdir");
        let missing = dir.path().join("missing");
        let err = netns_id(&missing).unwrap_err();
        assert!(err.is_not_found(), "{err:?}");
        assert_eq!(err.subject(), missing);
        assert!(err.to_string().contains("does not exist"), "{err}");
    }

    #[test]
    fn invalid_names_are_refused_before_touching_anything() {
        for name in ["", ".", "..", "a/b", "../etc"] {
            assert!(matches!(
                create_named(name),
                Err(NetnsError::InvalidName { .. })
            ));
            assert!(matches!(
                delete_named(name),
                Err(NetnsError::InvalidName { .. })
            ));
        }
    }

    #[test]
    fn delete_path_refuses_files_that_are_no_namespace() {
        let dir = tempfile::tempdir().expect("tempdir");
        let full = dir.path().join("full");
        File::create(&full)
            .and_then(|mut f| f.write_all(b"data"))
            .expect("write");
        assert!(matches!(
            delete_path(&full),
            Err(NetnsError::NotANamespace { .. })
        ));
        assert!(full.exists(), "a non-namespace file must be left alone");
        assert!(matches!(
            delete_path(dir.path()),
            Err(NetnsError::NotANamespace { .. })
        ));
        assert!(matches!(
            delete_path(Path::new("/proc/self/ns/uts")),
            Err(NetnsError::WrongType { .. })
        ));
        assert!(delete_path(&dir.path().join("missing"))
            .unwrap_err()
            .is_not_found());
    }

    #[test]
    fn delete_path_removes_an_empty_placeholder() {
        // What an interrupted `ip netns add` (or one run under `ip netns exec`) leaves behind.
        let dir = tempfile::tempdir().expect("tempdir");
        let empty = dir.path().join("left-over");
        File::create(&empty).expect("create");
        delete_path(&empty).expect("delete placeholder");
        assert!(!empty.exists());
    }
}
