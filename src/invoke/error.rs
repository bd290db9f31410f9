//! Errors of running a plugin: [`ExecError`] when it could not be run (or was stopped by an
//! interrupt), and [`PluginFailure`] when it ran and failed, in libcni's terms (`pluginErr`) plus
//! what libcni drops: the exit status, the signal, the stderr and whether it timed out.

use super::quote::{go_duration, quote_capped, MESSAGE_QUOTE_CAP};
use super::ExecOutput;
use crate::types::error::CniError;
use nix::sys::signal::Signal;
use std::path::PathBuf;

/// Why a plugin could not be run at all, or was stopped.
#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    /// The binary (or the interpreter of a script) does not exist (ENOENT).
    #[error("cannot run plugin {}: no such file or directory", .path.display())]
    NotFound {
        /// The binary.
        path: PathBuf,
    },
    /// The binary is not executable or a directory on the way is not searchable (EACCES).
    #[error("cannot run plugin {}: permission denied", .path.display())]
    PermissionDenied {
        /// The binary.
        path: PathBuf,
    },
    /// The binary stayed busy (being written: ETXTBSY) over every retry.
    #[error("cannot run plugin {}: text file busy (tried {attempts} times)", .path.display())]
    TextBusy {
        /// The binary.
        path: PathBuf,
        /// How many times starting it was tried.
        attempts: u32,
    },
    /// Any other failure to start the process.
    #[error("cannot run plugin {}: {source}", .path.display())]
    Spawn {
        /// The binary.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// Talking to the running plugin failed (pipes, poll, wait); the plugin was killed.
    #[error("i/o error while running plugin {}: {source}", .path.display())]
    Io {
        /// The binary.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The caller's interrupt flag was set (to this signal number): the plugin's process group
    /// was killed with SIGKILL.
    #[error("interrupted by {}", signal_name(*.0))]
    Interrupted(i32),
}

impl ExecError {
    /// The error as a CNI error object (code 0, as libcni reports a plugin that cannot start).
    pub fn to_cni_error(&self) -> CniError {
        CniError::new(0, self.to_string())
    }
}

/// A plugin failure in libcni's terms plus what libcni drops.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{error}")]
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
    /// True when the process never started (not found, not executable, text file busy): the
    /// plugin did nothing, so there is nothing of it to undo.
    pub not_started: bool,
}

/// The name of a signal number (`SIGKILL`), or `signal N` for one nix does not know.
pub fn signal_name(signal: i32) -> String {
    Signal::try_from(signal)
        .map(|s| s.as_str().to_string())
        .unwrap_or_else(|_| format!("signal {signal}"))
}

/// Go's description of a signal (`killed` for SIGKILL), as its `exec.ExitError` prints it.
fn go_signal_description(name: &str) -> String {
    let text = match name {
        "SIGHUP" => "hangup",
        "SIGINT" => "interrupt",
        "SIGQUIT" => "quit",
        "SIGILL" => "illegal instruction",
        "SIGTRAP" => "trace/breakpoint trap",
        "SIGABRT" => "aborted",
        "SIGBUS" => "bus error",
        "SIGFPE" => "floating point exception",
        "SIGKILL" => "killed",
        "SIGUSR1" => "user defined signal 1",
        "SIGSEGV" => "segmentation fault",
        "SIGUSR2" => "user defined signal 2",
        "SIGPIPE" => "broken pipe",
        "SIGALRM" => "alarm clock",
        "SIGTERM" => "terminated",
        "SIGXCPU" => "CPU time limit exceeded",
        "SIGXFSZ" => "file size limit exceeded",
        "SIGSYS" => "bad system call",
        other => return other.to_string(),
    };
    text.to_string()
}

/// How the process ended, in Go's words (`exit status 1`, `signal: killed`), plus the timeout.
pub(crate) fn status_text(out: &ExecOutput) -> String {
    let mut s = match (&out.signal, out.exit_code) {
        (Some(sig), _) => {
            let core = if out.core_dumped {
                " (core dumped)"
            } else {
                ""
            };
            format!("signal: {}{core}", go_signal_description(sig))
        }
        (None, Some(code)) => format!("exit status {code}"),
        (None, None) => "exit status unknown".to_string(),
    };
    if out.timed_out {
        match out.timeout {
            Some(t) => s.push_str(&format!(" (timed out after {})", go_duration(t))),
            None => s.push_str(" (timed out)"),
        }
    }
    s
}

/// Turns a failed run into libcni's error plus stderr/exit/signal.
///
/// The message follows libcni's `pluginErr`: empty stdout and stderr give
/// `netplugin failed with no error message: exit status N`; empty stdout with stderr gives
/// `netplugin failed: "<stderr>": exit status N`; otherwise stdout is the CNI error object, or
/// `netplugin failed but error parsing its diagnostic message "<stdout>": <err>` (also for JSON
/// that is not an object, e.g. `[1]`, in Go's words). Stdout `null` counts as empty (Go decodes
/// it to an empty error, which libcni reports as an empty message).
/// Quoted output is capped at 4 KiB. A run stopped by the timeout never has its (partial) stdout
/// parsed, and its message ends with `(timed out after 5s)`. A stdout cut at the cap is never
/// parsed either: `output cut at N bytes, the most cnictl reads of a plugin's stdout: exit
/// status 0`, whatever the exit status.
pub fn plugin_failure(out: &ExecOutput) -> PluginFailure {
    let status = status_text(out);
    let error = if out.stdout_truncated {
        // Whatever the exit status, what was kept is a prefix: parsing it would only say
        // "unexpected end of JSON input".
        CniError::new(0, stdout_cut_text(out.stdout.len(), &status))
    } else if out.stdout.is_empty() || out.timed_out || out.stdout.trim_ascii() == b"null" {
        // `null` decodes to an empty error in Go (libcni then reports an empty message):
        // it says no more than no output at all.
        if out.stderr.is_empty() {
            CniError::new(
                0,
                format!("netplugin failed with no error message: {status}"),
            )
        } else {
            CniError::new(
                0,
                format!(
                    "netplugin failed: {}: {status}",
                    quote_capped(&out.stderr, MESSAGE_QUOTE_CAP)
                ),
            )
        }
    } else {
        parse_error_object(&out.stdout)
    };
    PluginFailure {
        error,
        exit_code: out.exit_code,
        signal: out.signal.clone(),
        stderr: stderr_text(out),
        timed_out: out.timed_out,
        not_started: false,
    }
}

/// The message for a stdout cut at the cap (`kept` bytes kept).
fn stdout_cut_text(kept: usize, status: &str) -> String {
    format!("output cut at {kept} bytes, the most cnictl reads of a plugin's stdout: {status}")
}

/// Parses a plugin's error JSON (stdout) as libcni does: fields as given, so `{}` is code 0 with
/// an empty message. Only an object is an error object: an array, string, number or boolean is
/// refused with Go's words (serde would read `[1]` as a struct's fields in order: code 1).
fn parse_error_object(stdout: &[u8]) -> CniError {
    let unparsable = |e: &dyn std::fmt::Display| {
        CniError::new(
            0,
            format!(
                "netplugin failed but error parsing its diagnostic message {}: {e}",
                quote_capped(stdout, MESSAGE_QUOTE_CAP)
            ),
        )
    };
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(stdout) {
        let kind = match v {
            serde_json::Value::Array(_) => Some("array"),
            serde_json::Value::String(_) => Some("string"),
            serde_json::Value::Number(_) => Some("number"),
            serde_json::Value::Bool(_) => Some("bool"),
            serde_json::Value::Object(_) | serde_json::Value::Null => None,
        };
        if let Some(kind) = kind {
            return unparsable(&format!(
                "json: cannot unmarshal {kind} into Go value of type types.Error"
            ));
        }
    }
    match serde_json::from_slice::<CniError>(stdout) {
        Ok(e) => e,
        Err(e) => unparsable(&e),
    }
}

/// The plugin's stderr as text, with a note when it was capped.
pub(crate) fn stderr_text(out: &ExecOutput) -> String {
    let mut s = String::from_utf8_lossy(&out.stderr).into_owned();
    if out.stderr_truncated {
        if !s.is_empty() && !s.ends_with('\n') {
            s.push('\n');
        }
        s.push_str(&format!(
            "[cnictl: stderr truncated after {} bytes]",
            out.stderr.len()
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn msg(out: &ExecOutput) -> String {
        plugin_failure(out).error.to_string()
    }

    #[test]
    fn libcni_texts() {
        // Digest cases 31 and 32.
        let out = ExecOutput::exited(1, r#"{"code":999,"msg":"plugin error: banana"}"#, "");
        let f = plugin_failure(&out);
        assert_eq!(f.error, CniError::new(999, "plugin error: banana"));
        assert_eq!(f.exit_code, Some(1));
        assert_eq!(
            msg(&ExecOutput::exited(1, "", "some stderr message")),
            "netplugin failed: \"some stderr message\": exit status 1"
        );
        assert_eq!(
            msg(&ExecOutput::exited(1, "", "")),
            "netplugin failed with no error message: exit status 1"
        );
        let killed = ExecOutput {
            signal: Some("SIGKILL".into()),
            ..Default::default()
        };
        assert_eq!(
            msg(&killed),
            "netplugin failed with no error message: signal: killed"
        );
        // `{}` gives code 0 and an empty message; details are kept.
        assert_eq!(
            plugin_failure(&ExecOutput::exited(1, "{}", "x")).error,
            CniError::default()
        );
        let e = plugin_failure(&ExecOutput::exited(
            1,
            r#"{"code":7,"msg":"m","details":"d","cniVersion":"1.0.0"}"#,
            "",
        ));
        assert_eq!(e.error, CniError::with_details(7, "m", "d"));
    }

    #[test]
    fn only_an_object_is_an_error_object() {
        // serde would read `[1]` as the struct's fields in order (code 1, no message).
        for (stdout, kind) in [
            ("[1]", "array"),
            ("[1, \"m\"]", "array"),
            ("\"boom\"", "string"),
            ("7\n", "number"),
            ("true", "bool"),
        ] {
            let f = plugin_failure(&ExecOutput::exited(1, stdout, ""));
            assert_eq!(f.error.code, 0, "{stdout}");
            assert_eq!(
                f.error.msg,
                format!(
                    "netplugin failed but error parsing its diagnostic message {}: json: cannot unmarshal {kind} into Go value of type types.Error",
                    quote_capped(stdout.as_bytes(), MESSAGE_QUOTE_CAP)
                )
            );
        }
    }

    #[test]
    fn null_is_no_error_message() {
        // Go decodes `null` to an empty error; cnictl says what that means, with the status.
        assert_eq!(
            msg(&ExecOutput::exited(1, "null", "")),
            "netplugin failed with no error message: exit status 1"
        );
        assert_eq!(
            msg(&ExecOutput::exited(3, " null\n", "")),
            "netplugin failed with no error message: exit status 3"
        );
        assert_eq!(
            msg(&ExecOutput::exited(1, "null", "oops")),
            "netplugin failed: \"oops\": exit status 1"
        );
    }

    #[test]
    fn unparseable_stdout_is_quoted_and_capped() {
        let f = plugin_failure(&ExecOutput::exited(2, "not json\n", "err"));
        assert!(
            f.error.msg.starts_with(
                "netplugin failed but error parsing its diagnostic message \"not json\\n\": "
            ),
            "{}",
            f.error.msg
        );
        assert_eq!(f.error.code, 0);
        assert_eq!(f.stderr, "err");
        let big = vec![b'y'; 100_000];
        let f = plugin_failure(&ExecOutput::exited(2, big, ""));
        assert!(f.error.msg.len() < 1_000, "{}", f.error.msg.len());
        assert!(f
            .error
            .msg
            .contains("(truncated, 512 of 100000 bytes shown)"));
    }

    #[test]
    fn a_stdout_cut_at_the_cap_says_so_and_is_never_parsed() {
        for (code, status) in [(0, "exit status 0"), (1, "exit status 1")] {
            let out = ExecOutput {
                stdout_truncated: true,
                ..ExecOutput::exited(code, vec![b'{'; 64], "")
            };
            assert!(!out.is_success());
            let f = plugin_failure(&out);
            assert_eq!(
                f.error,
                CniError::new(
                    0,
                    format!("output cut at 64 bytes, the most cnictl reads of a plugin's stdout: {status}")
                )
            );
            assert_eq!(f.exit_code, Some(code));
        }
        // The cap of stdout is the cap of every input.
        assert_eq!(
            crate::invoke::DEFAULT_STDOUT_CAP as u64,
            crate::safe_read::MAX_INPUT_BYTES
        );
    }

    #[test]
    fn timeout_signal_and_truncation_are_reported() {
        let out = ExecOutput {
            stdout: b"{\"partial".to_vec(),
            signal: Some("SIGKILL".into()),
            timed_out: true,
            timeout: Some(Duration::from_secs(5)),
            ..Default::default()
        };
        let f = plugin_failure(&out);
        assert_eq!(
            f.error.msg,
            "netplugin failed with no error message: signal: killed (timed out after 5s)"
        );
        assert!(f.timed_out);
        assert_eq!(f.signal.as_deref(), Some("SIGKILL"));
        let out = ExecOutput {
            signal: Some("SIGSEGV".into()),
            core_dumped: true,
            stderr: b"boom".to_vec(),
            stderr_truncated: true,
            ..Default::default()
        };
        let f = plugin_failure(&out);
        assert_eq!(
            f.error.msg,
            "netplugin failed: \"boom\": signal: segmentation fault (core dumped)"
        );
        assert_eq!(f.stderr, "boom\n[cnictl: stderr truncated after 4 bytes]");
        assert_eq!(signal_name(9), "SIGKILL");
        assert_eq!(
            ExecError::Interrupted(2).to_string(),
            "interrupted by SIGINT"
        );
    }
}
