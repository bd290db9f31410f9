//! How errors are shown: one line on stderr, hints and details under it, exit codes, and the
//! JSON error object of `-o json`.

use crate::exit_codes as exit;
use cnictl::runtime::{PluginError, Rollback, RuntimeError};
use serde_json::{json, Value};

/// An operation that ran and failed (exit 1) for a reason outside the library's errors.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Failed(pub String);

fn runtime(e: &anyhow::Error) -> Option<&RuntimeError> {
    e.chain().find_map(|c| c.downcast_ref::<RuntimeError>())
}

/// The message on one line: the context chain joined with ": ".
pub fn one_line(e: &anyhow::Error) -> String {
    // Like `{:#}`, but a cause that its parent's message already quotes (errors that print
    // their source themselves) is not repeated.
    let mut msg = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if msg.contains(&text) {
            continue;
        }
        if !msg.is_empty() {
            msg.push_str(": ");
        }
        msg.push_str(&text);
    }
    msg
}

/// The exit code and the JSON error object for an error.
pub fn classify(e: &anyhow::Error) -> (i32, Value) {
    let msg = one_line(e);
    let Some(rt) = runtime(e) else {
        let code = if e.chain().any(|c| c.is::<Failed>()) {
            exit::FAILED
        } else if e.chain().any(|c| c.is::<cnictl::privilege::NeedsRoot>()) {
            exit::NEEDS_ROOT
        } else {
            exit::USAGE
        };
        return (code, base_json(&msg));
    };
    let code = match rt {
        RuntimeError::Interrupted { signal, .. } => match *signal {
            libc::SIGINT => exit::SIGINT,
            libc::SIGTERM => exit::SIGTERM,
            other => 128 + other,
        },
        // A second signal stopped the rollback of a failed ADD.
        RuntimeError::AddFailed { rollback, .. } if rollback.stopped_by.is_some() => {
            match rollback.stopped_by.unwrap_or_default() {
                libc::SIGINT => exit::SIGINT,
                libc::SIGTERM => exit::SIGTERM,
                other => 128 + other,
            }
        }
        r if r.nothing_ran() => exit::USAGE,
        _ => exit::FAILED,
    };
    let mut obj = base_json(&msg);
    match rt {
        RuntimeError::AddFailed {
            error, rollback, ..
        } => {
            plugin_fields(&mut obj, error);
            obj["rollback"] = rollback_json(rollback);
        }
        RuntimeError::CheckFailed(error) => plugin_fields(&mut obj, error),
        RuntimeError::AddCacheFailed { rollback, .. } => {
            obj["command"] = json!("ADD");
            obj["rollback"] = rollback_json(rollback);
        }
        RuntimeError::DelFailed { errors, .. } => {
            if let Some(first) = errors.first() {
                plugin_fields(&mut obj, first);
            }
            obj["msg"] = Value::String(msg.clone());
            obj["errors"] = errors.iter().map(plugin_json).collect();
        }
        RuntimeError::Interrupted {
            plugin,
            command,
            rollback,
            signal,
        } => {
            obj["plugin"] = json!(plugin);
            obj["command"] = json!(command);
            obj["signal"] = json!(signal_name(*signal));
            if *command == "ADD" {
                obj["rollback"] = rollback_json(rollback);
            }
        }
        RuntimeError::InvalidIdentifier { error, .. }
        | RuntimeError::PluginNotFound { error, .. } => {
            obj["code"] = json!(error.code);
            if !error.details.is_empty() {
                obj["details"] = json!(error.details);
            }
        }
        _ => {}
    }
    (code, obj)
}

/// The JSON error object with every field of design.md; those that do not apply are null.
fn base_json(msg: &str) -> Value {
    json!({
        "code": null,
        "msg": msg,
        "details": null,
        "plugin": null,
        "command": null,
        "exit": null,
        "signal": null,
        "stderr": null,
        "rollback": null,
    })
}

fn signal_name(sig: i32) -> String {
    nix::sys::signal::Signal::try_from(sig)
        .map(|s| s.as_str().to_string())
        .unwrap_or_else(|_| sig.to_string())
}

fn plugin_fields(obj: &mut Value, e: &PluginError) {
    let p = plugin_json(e);
    if let (Value::Object(o), Value::Object(p)) = (obj, p) {
        for (k, v) in p {
            if k != "msg" || o.get("msg").is_none() {
                o.insert(k, v);
            }
        }
        o.insert("msg".into(), json!(e.failure.error.msg));
    }
}

/// A plugin failure as JSON: the CNI error fields plus plugin, command, exit, signal, stderr.
pub fn plugin_json(e: &PluginError) -> Value {
    let mut v = json!({
        "code": e.failure.error.code,
        "msg": e.failure.error.msg,
        "plugin": e.plugin,
        "command": e.command.as_str(),
        "exit": e.failure.exit_code,
        "signal": e.failure.signal,
        "stderr": e.failure.stderr,
    });
    if !e.failure.error.details.is_empty() {
        v["details"] = json!(e.failure.error.details);
    }
    if e.failure.timed_out {
        v["timedOut"] = json!(true);
    }
    v
}

fn rollback_json(r: &Rollback) -> Value {
    json!({
        "skipped": r.skipped,
        "deleted": r.deleted,
        "errors": r.errors.iter().map(plugin_json).collect::<Vec<_>>(),
        "left": r.left,
        "cached": r.cached.as_ref().map(|p| p.to_string_lossy()),
        "cacheError": r.cache_error,
        "incomplete": r.incomplete.iter().map(|i| json!({
            "plugin": i.plugin,
            "index": i.index,
            "reason": i.reason.as_str(),
        })).collect::<Vec<_>>(),
        "stoppedBy": r.stopped_by.map(signal_name),
    })
}

const INSTALL_HINT: &str = "install the reference plugins (apt-get install containernetworking-plugins puts them in /usr/lib/cni) or point --cni-path / CNI_PATH at the plugin directory";

/// Warnings that belong to the failure (printed before the error line).
pub fn warnings(e: &anyhow::Error) -> Vec<String> {
    match runtime(e) {
        Some(RuntimeError::DelFailed { warnings, .. }) => warnings.clone(),
        _ => Vec::new(),
    }
}

/// Hints printed under the error.
pub fn hints(e: &anyhow::Error) -> Vec<String> {
    let mut out = Vec::new();
    match runtime(e) {
        // Only for a plugin that is missing: an invalid name ("../x") is not fixed by installing.
        Some(RuntimeError::PluginNotFound { error, .. })
            if error.msg.starts_with("failed to find plugin") =>
        {
            out.push(INSTALL_HINT.into())
        }
        Some(RuntimeError::AddFailed { rollback, .. }) | Some(RuntimeError::Interrupted { rollback, .. }) if rollback.skipped => {
            out.push("--no-rollback kept the partial attachment; `cnictl del` with the same arguments cleans it up".into())
        }
        _ => {}
    }
    // inspect (and --host-netns of a read-only command) entering a namespace without the
    // capability: say which one it needs.
    let setns_denied = e.chain().any(|c| {
        matches!(
            c.downcast_ref::<cnictl::netns::NetnsError>(),
            Some(cnictl::netns::NetnsError::Io { action, source, .. })
                if action.contains("setns")
                    && source.kind() == std::io::ErrorKind::PermissionDenied
        )
    });
    if setns_denied {
        out.push("entering another network namespace needs CAP_SYS_ADMIN: run as root".into());
    }
    out
}

/// Detail lines printed under the error (plugin stderr, rollback).
pub fn details(e: &anyhow::Error, full: bool) -> Vec<String> {
    let mut out = Vec::new();
    let stderr_lines = |out: &mut Vec<String>, pe: &PluginError| {
        let f = &pe.failure;
        let how = match (f.exit_code, &f.signal) {
            _ if f.timed_out => Some("was killed after the timeout".to_string()),
            (Some(code), _) => Some(format!("exited with status {code}")),
            (None, Some(sig)) => Some(format!("was killed by {sig}")),
            _ => None,
        };
        if let Some(how) = how {
            out.push(format!(
                "plugin \"{}\" ({}) {how}",
                pe.plugin,
                pe.command.as_str()
            ));
        }
        let s = pe.failure.stderr.trim_end();
        if !s.is_empty() {
            let (tail, cut) = if full { (s, 0) } else { stderr_tail(s) };
            if cut > 0 {
                out.push(format!(
                    "stderr of plugin \"{}\" (last lines; {cut} bytes before them not shown, -vv shows all):",
                    pe.plugin
                ));
            } else {
                out.push(format!("stderr of plugin \"{}\":", pe.plugin));
            }
            out.extend(tail.lines().map(|l| format!("  {l}")));
        }
    };
    match runtime(e) {
        Some(RuntimeError::AddFailed {
            error, rollback, ..
        }) => {
            stderr_lines(&mut out, error);
            rollback_lines(&mut out, rollback);
        }
        Some(RuntimeError::Interrupted { rollback, .. })
        | Some(RuntimeError::AddCacheFailed { rollback, .. }) => rollback_lines(&mut out, rollback),
        Some(RuntimeError::CheckFailed(error)) => stderr_lines(&mut out, error),
        Some(RuntimeError::DelFailed { errors, .. }) => {
            for pe in errors {
                stderr_lines(&mut out, pe);
            }
            out.push("the cache entry was kept so that a retry has the prevResult".into());
        }
        _ => {}
    }
    out
}

/// The end of a plugin's stderr: at most 20 lines and 2 KiB, cut at a line start; and how
/// many bytes come before it.
fn stderr_tail(s: &str) -> (&str, usize) {
    const MAX_LINES: usize = 20;
    const MAX_BYTES: usize = 2048;
    let mut start = s.len().saturating_sub(MAX_BYTES);
    while !s.is_char_boundary(start) {
        start += 1;
    }
    if start > 0 {
        // begin at the next full line when there is one
        if let Some(nl) = s[start..].find('\n') {
            if start + nl + 1 < s.len() {
                start += nl + 1;
            }
        }
    }
    let tail = &s[start..];
    let lines: Vec<usize> = tail.match_indices('\n').map(|(i, _)| i).collect();
    if lines.len() >= MAX_LINES {
        start += lines[lines.len() - MAX_LINES] + 1;
    }
    (&s[start..], start)
}

fn rollback_lines(out: &mut Vec<String>, r: &Rollback) {
    if !r.skipped {
        if !r.deleted.is_empty() {
            out.push(format!("rolled back: DEL {}", r.deleted.join(", ")));
        }
        for pe in &r.errors {
            out.push(format!("rollback: {pe}"));
        }
    }
    if !r.skipped && !r.left.is_empty() {
        out.push(format!("not undone: {}", r.left.join(", ")));
    }
    if let Some(p) = &r.cached {
        out.push(format!(
            "what is left is cached as a failed ADD in {} (`cnictl attachments` lists it, `cnictl del` cleans it up)",
            p.display()
        ));
    }
    if let Some(e) = &r.cache_error {
        out.push(format!("cache: {e}"));
    }
    if let Some(sig) = r.stopped_by {
        out.push(format!("rollback stopped by {}", signal_name(sig)));
    }
    if !r.incomplete.is_empty() {
        let left: Vec<String> = r
            .incomplete
            .iter()
            .map(|i| format!("{} ({})", i.plugin, i.reason.as_str()))
            .collect();
        out.push(format!(
            "left behind: what the ADD of these plugins set up (their rollback DEL did not complete): {}",
            left.join(", ")
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cause_already_in_the_message_is_not_repeated() {
        let io = std::io::Error::from_raw_os_error(13);
        let e = anyhow::Error::new(cnictl::netns::NetnsError::Io {
            action: "cannot inspect",
            path: "/x".into(),
            source: io,
        })
        .context("NETNS must be an existing network namespace");
        let line = one_line(&e);
        assert_eq!(line.matches("os error 13").count(), 1, "{line}");
        assert!(
            line.starts_with("NETNS must be an existing network namespace: cannot inspect"),
            "{line}"
        );
    }

    #[test]
    fn stderr_tail_keeps_the_last_lines() {
        let short = "a\nb\n";
        assert_eq!(stderr_tail(short), (short, 0));
        // (callers pass the stderr with its trailing newline trimmed)
        let long: String = (0..100).map(|i| format!("line {i}\n")).collect();
        let long = long.trim_end();
        let (tail, cut) = stderr_tail(long);
        assert_eq!(tail.lines().count(), 20);
        assert!(tail.starts_with("line 80\n"), "{tail}");
        assert_eq!(cut + tail.len(), long.len());
        let flood = "x".repeat(100_000);
        let (tail, cut) = stderr_tail(&flood);
        assert!(tail.len() <= 2048 && cut >= 97_000);
    }
}
