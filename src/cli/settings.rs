//! The settings every command uses, resolved once from the global options and the
//! environment; commands never read the environment themselves.

use super::GlobalArgs;
use crate::render::{Printer, TermEnv};
use anyhow::{bail, Context};
use cnictl::cache::Cache;
use cnictl::invoke::ExecLimits;
use cnictl::netns;
use cnictl::noderoot::NodeRoot;
use cnictl::privilege::{self, Caps, UserPaths};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

/// The environment variables cnictl reads; each behaves as unset when set but empty.
const ENV_VARS: &[&str] = &[
    "NETCONFPATH",
    "CNI_PATH",
    "CNI_IFNAME",
    "CNI_ARGS",
    "CAP_ARGS",
    "CNICTL_ROOT",
];

/// Removes the variables cnictl reads when they are set but empty, so that they behave as
/// unset (clap would otherwise take the empty value). Runs first thing in `main`, while the
/// process has a single thread.
pub fn drop_empty_env() {
    for var in ENV_VARS {
        if std::env::var_os(var).is_some_and(|v| v.is_empty()) {
            std::env::remove_var(var);
        }
    }
}

/// The variables deciding colour and table width, read once.
fn term_env() -> TermEnv {
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    TermEnv {
        no_color: var("NO_COLOR").is_some(),
        clicolor_force: var("CLICOLOR_FORCE").is_some_and(|v| v != "0"),
        clicolor_off: var("CLICOLOR").is_some_and(|v| v == "0"),
        term_dumb: var("TERM").is_some_and(|v| v == "dumb"),
        columns: var("COLUMNS")
            .and_then(|v| v.trim().parse::<usize>().ok())
            .filter(|w| *w > 0),
    }
}

/// [`Settings::cwd_for`] with the directory kept in `cell` (read into it the first time).
fn cwd_in<'a>(cell: &'a std::sync::OnceLock<PathBuf>, arg: &str) -> anyhow::Result<&'a Path> {
    if !netns::needs_cwd(arg) {
        return Ok(Path::new(""));
    }
    if let Some(dir) = cell.get() {
        return Ok(dir);
    }
    let dir = working_dir()?;
    Ok(cell.get_or_init(|| dir))
}

/// The working directory as cnitool sees it (Go's `os.Getwd`): `$PWD` when it is absolute and
/// names the current directory, else the kernel's (symlink-free) answer. A relative NETNS is
/// made absolute against it, and its spelling is hashed into the default container ID, so
/// `cd /var/run/netns && cnictl add net ./x` must not turn into `/run/netns/x`.
fn working_dir() -> anyhow::Result<PathBuf> {
    use std::os::unix::fs::MetadataExt;
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let Some(pwd) = std::env::var_os("PWD").map(PathBuf::from) else {
        return Ok(cwd);
    };
    if !pwd.is_absolute() {
        return Ok(cwd);
    }
    match (std::fs::metadata(&pwd), std::fs::metadata(".")) {
        (Ok(p), Ok(d)) if p.dev() == d.dev() && p.ino() == d.ino() => Ok(pwd),
        _ => Ok(cwd),
    }
}

/// Everything a command needs besides its own arguments.
pub struct Settings {
    /// Where the node's `/` is (`--root`); every node path below is already resolved under it.
    pub node_root: NodeRoot,
    /// The config directory.
    pub conf_dir: PathBuf,
    /// The CNI path, empty entries dropped.
    pub cni_path: Vec<PathBuf>,
    /// The results cache.
    pub cache: Cache,
    /// The namespace plugins run in, when not cnictl's own.
    pub host_netns: Option<PathBuf>,
    /// The global options that differ from their defaults, as command-line words, so a printed
    /// follow-up command (e.g. the cleanup after `add --no-rollback`) targets the same setup.
    pub replay: Vec<String>,
    /// Where messages go, with colour decided.
    pub printer: Printer,
    /// Timeout and interrupt flag for every plugin call.
    pub limits: ExecLimits,
    /// -v count.
    pub verbose: u8,
    /// Skip broken config files.
    pub skip_broken: bool,
    /// The environment plugins inherit.
    pub parent_env: cnictl::runtime::ParentEnv,
    /// The working directory (relative netns paths are made absolute against it), read the
    /// first time a path needs it (see [`Settings::cwd_for`]).
    cwd: std::sync::OnceLock<PathBuf>,
    /// Set to SIGINT/SIGTERM by the signal handler (the first signal).
    pub interrupt: Arc<AtomicUsize>,
    /// Set to SIGINT/SIGTERM by a second signal: stops a rollback.
    pub rollback_stop: Arc<AtomicUsize>,
    /// True once the signal handlers are installed.
    signals_caught: AtomicBool,
}

impl Settings {
    /// The working directory when `arg` (a NETNS, or a file argument) is relative and needs it;
    /// else an empty path, which nothing joins to. Read from the kernel the first time (the
    /// `getcwd` and the look at `$PWD` are skipped by the absolute and bare-name arguments a
    /// runtime gives).
    pub fn cwd_for(&self, arg: &str) -> anyhow::Result<&Path> {
        cwd_in(&self.cwd, arg)
    }

    /// Resolves the global options.
    pub fn resolve(g: &GlobalArgs) -> anyhow::Result<Settings> {
        let printer = Printer::new(g.color, g.output, g.verbose, &term_env(), !g.no_headers);
        let paths = NodePaths::of_args(g)?;
        let cwd = std::sync::OnceLock::new();
        let host_netns = match g.host_netns.as_deref() {
            None => None,
            Some("") => bail!("--host-netns needs a namespace name or path"),
            // A namespace of the node: under --root, looked for there.
            Some(arg) => Some(
                paths
                    .root
                    .resolve(&netns::resolve_netns_arg(arg, cwd_in(&cwd, arg)?))?,
            ),
        };
        let interrupt = Arc::new(AtomicUsize::new(0));
        Ok(Settings {
            cache: Cache::of_node(paths.cache_dir, paths.root.clone()),
            node_root: paths.root,
            conf_dir: paths.conf_dir,
            cni_path: paths.cni_path,
            replay: replay_flags(g),
            host_netns,
            printer,
            limits: ExecLimits {
                timeout: g.timeout,
                interrupt: Some(interrupt.clone()),
            },
            verbose: g.verbose,
            skip_broken: g.skip_broken,
            parent_env: std::sync::Arc::new(std::env::vars_os().collect()),
            cwd,
            interrupt,
            rollback_stop: Arc::new(AtomicUsize::new(0)),
            signals_caught: AtomicBool::new(false),
        })
    }

    /// Routes SIGINT and SIGTERM to the interrupt flag, so a running plugin is stopped and the
    /// chain rolled back instead of cnictl dying half-way; a second signal also sets
    /// `rollback_stop`, which ends a rollback (killing its running DEL). Installed once.
    pub fn catch_signals(&self) -> anyhow::Result<()> {
        if self.signals_caught.swap(true, Ordering::SeqCst) {
            return Ok(());
        }
        // The handler itself records the signal (atomics only: async-signal-safe), with no
        // thread to start: the plugin loop looks at the flags at each of its ticks.
        for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
            let first = self.interrupt.clone();
            let second = self.rollback_stop.clone();
            let value = usize::try_from(sig).unwrap_or(usize::MAX);
            cnictl::invoke::spawn::note_caught(sig);
            // SAFETY: the action only does atomic compare-exchange and store, which are
            // async-signal-safe; it allocates, locks and prints nothing.
            unsafe {
                signal_hook::low_level::register(sig, move || {
                    if first
                        .compare_exchange(0, value, Ordering::SeqCst, Ordering::SeqCst)
                        .is_err()
                    {
                        second.store(value, Ordering::SeqCst);
                    }
                })
            }
            .context("cannot install the signal handlers")?;
        }
        Ok(())
    }
}

/// What decides where the node paths are: the options as given (flag, else variable), the
/// environment (for the user's directories), and whether the process lacks CAP_SYS_ADMIN.
/// Commands fill it from [`GlobalArgs`], completions from the line being completed: the same
/// [`NodePaths::resolve`] decides for both, so `__complete` offers what `ls` lists.
pub struct PathInputs<'a> {
    /// `--root` / `CNICTL_ROOT`.
    pub root: Option<&'a Path>,
    /// `--conf-dir` / `NETCONFPATH`.
    pub conf_dir: Option<&'a Path>,
    /// `--cache-dir`.
    pub cache_dir: Option<&'a Path>,
    /// `--cni-path` / `CNI_PATH` (or its default).
    pub cni_path: &'a str,
    /// Reads `HOME`, `XDG_CONFIG_HOME` and `XDG_CACHE_HOME`.
    pub env: &'a dyn Fn(&str) -> Option<OsString>,
    /// True when the process lacks CAP_SYS_ADMIN (the user's directories are then the
    /// defaults, unless `--root` is given).
    pub lacks_sys_admin: bool,
}

/// True when this process is known to lack CAP_SYS_ADMIN.
pub fn lacks_sys_admin() -> bool {
    Caps::current().is_some_and(|c| !c.has(privilege::CAP_SYS_ADMIN))
}

/// The node paths every command reads, resolved once: the flag or variable when given, else
/// the user's directory when cnictl runs without CAP_SYS_ADMIN (and not with `--root`) and
/// that directory exists, else the system default; all of them under `--root` when given.
pub struct NodePaths {
    /// Where the node's `/` is.
    pub root: NodeRoot,
    /// The config directory.
    pub conf_dir: PathBuf,
    /// The CNI path.
    pub cni_path: Vec<PathBuf>,
    /// The cache directory.
    pub cache_dir: PathBuf,
}

impl NodePaths {
    fn of_args(g: &GlobalArgs) -> anyhow::Result<NodePaths> {
        NodePaths::resolve(&PathInputs {
            root: g.root.as_deref(),
            conf_dir: g.conf_dir.as_deref(),
            cache_dir: g.cache_dir.as_deref(),
            cni_path: &g.cni_path,
            env: &|k| std::env::var_os(k),
            lacks_sys_admin: lacks_sys_admin(),
        })
    }

    /// Resolves the paths from `i`.
    pub fn resolve(i: &PathInputs<'_>) -> anyhow::Result<NodePaths> {
        let root = match i.root {
            None => NodeRoot::host(),
            Some(d) if d.as_os_str().is_empty() => bail!("--root needs a directory"),
            Some(d) if !d.is_dir() => {
                bail!("--root {}: no such directory", d.display())
            }
            Some(d) => NodeRoot::at(d),
        };
        // With --root, a path names a file of the node: it must say where from its `/`.
        let node_path = |flag: &str, p: &Path| -> anyhow::Result<PathBuf> {
            if root.dir().is_some() && !p.is_absolute() {
                bail!(
                    "{flag} {}: with --root, give the absolute path on the node",
                    p.display()
                );
            }
            Ok(root.resolve(p)?)
        };
        let user = if root.dir().is_none() && i.lacks_sys_admin {
            privilege::user_paths(
                (i.env)("HOME").as_deref(),
                (i.env)("XDG_CONFIG_HOME").as_deref(),
                (i.env)("XDG_CACHE_HOME").as_deref(),
            )
        } else {
            UserPaths::default()
        };
        let pick = |given: Option<&Path>,
                    flag: &str,
                    user: Option<PathBuf>,
                    default: &str|
         -> anyhow::Result<PathBuf> {
            match given {
                Some(d) => node_path(flag, d),
                None => match user.filter(|d| d.is_dir()) {
                    Some(d) => Ok(d),
                    None => node_path(flag, Path::new(default)),
                },
            }
        };
        let conf_dir = pick(
            i.conf_dir,
            "--conf-dir",
            user.conf_dir,
            super::DEFAULT_CONF_DIR,
        )?;
        let cache_dir = pick(
            i.cache_dir,
            "--cache-dir",
            user.cache_dir,
            super::DEFAULT_CACHE_DIR,
        )?;
        let cni_path = i
            .cni_path
            .split(':')
            .filter(|s| !s.is_empty())
            .map(|d| node_path("--cni-path", Path::new(d)))
            .collect::<anyhow::Result<Vec<PathBuf>>>()?;
        Ok(NodePaths {
            root,
            conf_dir,
            cni_path,
            cache_dir,
        })
    }
}

/// The global options of `g` that differ from their defaults.
fn replay_flags(g: &GlobalArgs) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(d) = g
        .conf_dir
        .as_ref()
        .filter(|d| *d != Path::new(super::DEFAULT_CONF_DIR))
    {
        out.extend(["--conf-dir".to_string(), d.display().to_string()]);
    }
    if g.cni_path != super::DEFAULT_CNI_PATH {
        out.extend(["--cni-path".to_string(), g.cni_path.clone()]);
    }
    if let Some(d) = g
        .cache_dir
        .as_ref()
        .filter(|d| *d != Path::new(super::DEFAULT_CACHE_DIR))
    {
        out.extend(["--cache-dir".to_string(), d.display().to_string()]);
    }
    if let Some(h) = &g.host_netns {
        out.extend(["--host-netns".to_string(), h.clone()]);
    }
    out
}

/// Quotes a word for a POSIX shell when it needs it.
pub fn shell_word(w: &str) -> String {
    if !w.is_empty()
        && w.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:=,@%+".contains(&b))
    {
        w.to_string()
    } else {
        format!("'{}'", w.replace('\'', "'\\''"))
    }
}
