//! The CNI execution protocol: find a plugin binary, build its environment and stdin, run it
//! with a deadline, and decode its result or its error. Only this module starts processes.
//!
//! The pieces, each in its own file, mirror libcni's `pkg/invoke`:
//! - [`find`]: `FindInPath`, stricter about names and empty path entries;
//! - [`env`](mod@env): the plugin environment (`Args.AsEnv`), with a default `PATH`;
//! - [`request`]: the stdin of one plugin (`buildOneConfig`, GC and STATUS requests), keeping the
//!   plugin's raw JSON verbatim (key order, unknown keys, exact numbers);
//! - [`spawn`]: starting the plugin process (vfork-style, entering its network namespace);
//! - [`exec`]: [`RawExec`], the real runner: own process group, non-blocking stdin, capped
//!   stdout/stderr, deadline and interrupt handling, no hang on pipes held by grandchildren;
//! - [`error`]: [`ExecError`] and [`plugin_failure`], libcni's `pluginErr` texts plus what
//!   libcni drops (exit status, signal, stderr, timeout);
//! - [`version`]: VERSION probing and decoding;
//! - [`fake`]: [`fake::RecordingExec`], a scripted [`Exec`] for tests of other modules.

pub mod env;
pub mod error;
pub mod exec;
pub mod fake;
pub mod find;
mod quote;
pub mod request;
pub mod spawn;
pub mod tool;
pub mod version;

pub use env::{build_env, join_cni_args, version_env, DEFAULT_PATH};
pub use error::{plugin_failure, signal_name, ExecError, PluginFailure};
pub use exec::{RawExec, SpawnJob, Spawner, DEFAULT_STDERR_CAP, DEFAULT_STDOUT_CAP};
pub use find::{find_in_path, find_in_path_on, find_plugin, find_plugin_on, FindError};
pub use request::{
    build_gc_request, build_request, build_status_request, runtime_config, version_request,
};
pub use tool::{run_tool, ToolOutput};
pub use version::{decode_version_info, probe_version, ProbeError, VersionCache};

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;
use std::time::Duration;

/// A CNI command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Command {
    /// ADD
    Add,
    /// DEL
    Del,
    /// CHECK
    Check,
    /// GC
    Gc,
    /// STATUS
    Status,
    /// VERSION
    Version,
}

impl Command {
    /// The `CNI_COMMAND` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Command::Add => "ADD",
            Command::Del => "DEL",
            Command::Check => "CHECK",
            Command::Gc => "GC",
            Command::Status => "STATUS",
            Command::Version => "VERSION",
        }
    }
}

impl std::fmt::Display for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The values of the six `CNI_*` variables for one call.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CniArgs {
    /// `CNI_CONTAINERID`
    pub container_id: String,
    /// `CNI_NETNS`
    pub netns: String,
    /// `CNI_IFNAME`
    pub ifname: String,
    /// `CNI_ARGS` pairs, joined `K=V;K2=V2`.
    pub args: Vec<(String, String)>,
    /// `CNI_PATH` directories.
    pub path: Vec<PathBuf>,
}

/// How one plugin call is bounded.
#[derive(Debug, Clone, Default)]
pub struct ExecLimits {
    /// Kill the plugin's process group after this long.
    pub timeout: Option<Duration>,
    /// Set to a signal number (SIGINT/SIGTERM) by the caller's signal handler: the running
    /// plugin's group is killed and the call returns [`ExecError::Interrupted`].
    pub interrupt: Option<Arc<AtomicUsize>>,
}

/// What a plugin process did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExecOutput {
    /// stdout (capped; see `stdout_truncated`).
    pub stdout: Vec<u8>,
    /// stderr (capped).
    pub stderr: Vec<u8>,
    /// Exit code when it exited.
    pub exit_code: Option<i32>,
    /// Signal name (`SIGKILL`) when it was killed by a signal.
    pub signal: Option<String>,
    /// True when the signal left a core dump.
    pub core_dumped: bool,
    /// True when stdout exceeded the cap.
    pub stdout_truncated: bool,
    /// True when stderr exceeded the cap.
    pub stderr_truncated: bool,
    /// Wall time of the call.
    pub elapsed: Duration,
    /// True when the call was killed because of the timeout.
    pub timed_out: bool,
    /// The timeout that applied to the call, if any.
    pub timeout: Option<Duration>,
}

impl ExecOutput {
    /// An output of a process that exited with `code` (for fakes and tests).
    pub fn exited(code: i32, stdout: impl Into<Vec<u8>>, stderr: impl Into<Vec<u8>>) -> Self {
        ExecOutput {
            stdout: stdout.into(),
            stderr: stderr.into(),
            exit_code: Some(code),
            ..Default::default()
        }
    }

    /// True when the plugin exited 0, was not stopped by the timeout and its stdout was not
    /// cut at the cap (a cut result is incomplete, never parsed).
    pub fn is_success(&self) -> bool {
        self.exit_code == Some(0) && !self.timed_out && !self.stdout_truncated
    }
}

/// Runs plugin binaries. The seam for tests (a recording fake implements it).
pub trait Exec: Send + Sync {
    /// Runs `path` with `stdin` and exactly the environment `env`.
    fn exec(
        &self,
        path: &Path,
        stdin: &[u8],
        env: &[(OsString, OsString)],
        limits: &ExecLimits,
    ) -> Result<ExecOutput, ExecError>;
}
