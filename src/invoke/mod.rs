//! The CNI execution protocol: find a plugin binary, build its environment and stdin, run it
//! with a deadline, and decode its result or its error. Only this module starts processes.
//!
//! INTERFACE STUB — to be implemented.

use crate::config::PluginConfig;
use crate::types::error::CniError;
use serde_json::{Map, Value};
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
#[derive(Debug, Clone, Default)]
pub struct ExecOutput {
    /// stdout (capped; see `stdout_truncated`).
    pub stdout: Vec<u8>,
    /// stderr (capped).
    pub stderr: Vec<u8>,
    /// Exit code when it exited.
    pub exit_code: Option<i32>,
    /// Signal name (`SIGKILL`) when it was killed by a signal.
    pub signal: Option<String>,
    /// True when stdout exceeded the cap.
    pub stdout_truncated: bool,
    /// True when stderr exceeded the cap.
    pub stderr_truncated: bool,
    /// Wall time of the call.
    pub elapsed: Duration,
    /// True when the call was killed because of the timeout.
    pub timed_out: bool,
}

/// Why a plugin could not be run at all, or was stopped.
#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    /// Placeholder.
    #[error("exec error")]
    Placeholder,
    /// Interrupted by a signal.
    #[error("interrupted by signal {0}")]
    Interrupted(i32),
}

/// Runs plugin binaries. The seam for tests (a recording fake implements it).
pub trait Exec: Send + Sync {
    /// Runs `path` with `stdin` and exactly the environment `env`.
    fn exec(&self, path: &Path, stdin: &[u8], env: &[(OsString, OsString)], limits: &ExecLimits) -> Result<ExecOutput, ExecError>;
}

/// A plugin failure in libcni's terms plus what libcni drops.
#[derive(Debug, Clone, PartialEq)]
pub struct PluginFailure {
    /// The CNI error (parsed from stdout, or synthesised as libcni does).
    pub error: CniError,
    /// Exit code.
    pub exit_code: Option<i32>,
    /// Signal name.
    pub signal: Option<String>,
    /// The plugin's stderr (lossy UTF-8, with a truncation note when capped).
    pub stderr: String,
    /// True when the call timed out.
    pub timed_out: bool,
}

/// Finds `name` on `paths` (libcni `FindInPath`, stricter: `..` and separators refused).
pub fn find_in_path(_name: &str, _paths: &[PathBuf]) -> Result<PathBuf, CniError> {
    unimplemented!()
}

/// The plugin's env: parent env minus CAP_ARGS/NETCONFPATH (and old CNI_*), plus the six
/// CNI_* vars; a default PATH when the parent has none.
pub fn build_env(_parent: &[(OsString, OsString)], _command: Command, _args: &CniArgs) -> Vec<(OsString, OsString)> {
    unimplemented!()
}

/// The stdin for one plugin of a list, built as libcni's `buildOneConfig` does.
pub fn build_request(
    _plugin: &PluginConfig,
    _list_name: &str,
    _cni_version: &str,
    _prev_result: Option<&Value>,
    _capability_args: &Map<String, Value>,
) -> Vec<u8> {
    unimplemented!()
}

/// Turns a failed run into libcni's error plus stderr/exit/signal.
pub fn plugin_failure(_out: &ExecOutput) -> PluginFailure {
    unimplemented!()
}
