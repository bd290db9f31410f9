//! The `-v` timeline (one line per plugin call) and the `-vv` trace (stdin, CNI_* env and
//! stderr of each call), on stderr.

use super::Printer;
use cnictl::runtime::CallRecord;

/// Prints one call as it finishes.
pub fn print_call(p: &Printer, verbose: u8, c: &CallRecord) {
    if verbose == 0 {
        return;
    }
    let status = match &c.output {
        None => match c.interrupted {
            Some(sig) => format!("interrupted by {}", cnictl::invoke::signal_name(sig)),
            None => "not started".to_string(),
        },
        Some(o) if o.timed_out => "timed out".to_string(),
        Some(o) => match (&o.exit_code, &o.signal) {
            (Some(code), _) => format!("exit {code}"),
            (None, Some(sig)) => format!("killed by {sig}"),
            _ => "?".to_string(),
        },
    };
    let code = c.cni_code.map(|c| format!(" code {c}")).unwrap_or_default();
    let tag = if c.rollback { " (rollback)" } else { "" };
    p.trace(&format!(
        "{:<12} {:<6} {:>7.1} ms  {}{}{}",
        c.plugin,
        c.command.as_str(),
        c.elapsed().as_secs_f64() * 1000.0,
        status,
        code,
        tag
    ));
    if verbose < 2 {
        return;
    }
    p.trace(&format!("  path: {}", c.path.display()));
    for (k, v) in &c.cni_env {
        p.trace(&format!("  {k}={v}"));
    }
    p.trace(&format!("  stdin: {}", String::from_utf8_lossy(&c.stdin)));
    if let Some(o) = &c.output {
        if !o.stdout.is_empty() {
            p.trace(&format!(
                "  stdout: {}",
                String::from_utf8_lossy(&o.stdout).trim_end()
            ));
        }
        if !o.stderr.is_empty() {
            p.trace(&format!(
                "  stderr: {}",
                String::from_utf8_lossy(&o.stderr).trim_end()
            ));
        }
    }
}
