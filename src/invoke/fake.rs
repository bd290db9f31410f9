//! [`RecordingExec`]: an [`Exec`] that runs nothing, records every call and answers from a
//! closure. For unit tests of the modules that drive plugins (libcni's `invoke/fakes` idea).

use super::{Exec, ExecError, ExecLimits, ExecOutput};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// One recorded call.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedCall {
    /// The binary that would have run.
    pub path: PathBuf,
    /// Its stdin.
    pub stdin: Vec<u8>,
    /// Its whole environment.
    pub env: Vec<(OsString, OsString)>,
}

impl RecordedCall {
    /// The value of an env variable, when present and UTF-8.
    pub fn env_var(&self, key: &str) -> Option<&str> {
        self.env
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| v.to_str())
    }

    /// `CNI_COMMAND`.
    pub fn command(&self) -> Option<&str> {
        self.env_var("CNI_COMMAND")
    }

    /// The binary's file name (the plugin type).
    pub fn plugin(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// stdin parsed as JSON, when it is JSON.
    pub fn stdin_json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.stdin).ok()
    }
}

type Responder = Box<dyn Fn(&RecordedCall) -> Result<ExecOutput, ExecError> + Send + Sync>;

/// Records calls and answers each with `respond(call)`.
pub struct RecordingExec {
    calls: Mutex<Vec<RecordedCall>>,
    respond: Responder,
}

impl std::fmt::Debug for RecordingExec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordingExec")
            .field("calls", &self.calls())
            .finish_non_exhaustive()
    }
}

impl RecordingExec {
    /// A fake answering every call with `respond`.
    pub fn new(
        respond: impl Fn(&RecordedCall) -> Result<ExecOutput, ExecError> + Send + Sync + 'static,
    ) -> Self {
        RecordingExec {
            calls: Mutex::new(Vec::new()),
            respond: Box::new(respond),
        }
    }

    /// A fake whose plugins all exit 0 silently.
    pub fn succeeding() -> Self {
        RecordingExec::new(|_| Ok(ExecOutput::exited(0, "", "")))
    }

    /// The calls so far, in order.
    pub fn calls(&self) -> Vec<RecordedCall> {
        self.calls.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Exec for RecordingExec {
    fn exec(
        &self,
        path: &Path,
        stdin: &[u8],
        env: &[(OsString, OsString)],
        _limits: &ExecLimits,
    ) -> Result<ExecOutput, ExecError> {
        let call = RecordedCall {
            path: path.to_path_buf(),
            stdin: stdin.to_vec(),
            env: env.to_vec(),
        };
        let answer = (self.respond)(&call);
        self.calls
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(call);
        answer
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::invoke::{build_env, CniArgs, Command};

    #[test]
    fn records_and_answers() {
        let exec = RecordingExec::new(|call| match call.command() {
            Some("ADD") => Ok(ExecOutput::exited(0, r#"{"cniVersion":"1.1.0"}"#, "")),
            _ => Ok(ExecOutput::exited(0, "", "")),
        });
        let env = build_env(&[], Command::Add, &CniArgs::default());
        let out = exec
            .exec(
                Path::new("/opt/cni/bin/bridge"),
                b"{\"a\":1}",
                &env,
                &ExecLimits::default(),
            )
            .unwrap();
        assert!(out.is_success());
        assert_eq!(out.stdout, br#"{"cniVersion":"1.1.0"}"#);
        let calls = exec.calls();
        assert_eq!(calls[0].plugin(), "bridge");
        assert_eq!(calls[0].stdin_json(), Some(serde_json::json!({"a":1})));
        assert!(RecordingExec::succeeding()
            .exec(Path::new("/x"), b"", &[], &ExecLimits::default())
            .unwrap()
            .is_success());
    }
}
