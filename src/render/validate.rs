//! The three forms of a validate report: a readable report grouped by file (colour on a
//! terminal, counts at the end), JSON (schema in docs/rules.md), and GitHub Actions workflow
//! commands (one line per finding, with GitHub's escaping).

use super::Printer;
use cnictl::validate::{Report, Severity};
use colored::Colorize;
use serde_json::{json, Value};
use std::borrow::Cow;
use std::fmt::Write;

/// Text for the terminal: control characters (of file names, mostly: a name may hold an
/// escape sequence or a newline) written as escapes, the way JSON writes them (`\n`, `\t`,
/// `\u001b`), so that a name can neither forge report lines nor drive the terminal.
pub fn printable(s: &str) -> Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The summary line: counts of errors, warnings, infos and files, and the mode that ran.
pub fn summary(report: &Report) -> String {
    let files = plural(report.files.len(), "file");
    let mode = if report.per_file {
        "per-file mode"
    } else {
        "directory mode"
    };
    if report.diagnostics.is_empty() {
        format!("{files} checked ({mode}): no errors, no warnings")
    } else {
        let infos = match report.infos() {
            0 => String::new(),
            n => format!(", {n} info"),
        };
        format!(
            "{}, {}{infos} ({files} checked, {mode})",
            plural(report.errors(), "error"),
            plural(report.warnings(), "warning")
        )
    }
}

/// The report for people: findings grouped by file, each `line:column  severity  message
/// [rule]` with its hint below, then the counts.
pub fn human(p: &Printer, report: &Report) -> String {
    let mut out = String::new();
    let width = report
        .diagnostics
        .iter()
        .map(|d| format!("{}:{}", d.line, d.column).len())
        .max()
        .unwrap_or(0);
    let mut current = None;
    for d in &report.diagnostics {
        if current != Some(&d.file) {
            if current.is_some() {
                out.push('\n');
            }
            let _ = writeln!(
                out,
                "{}",
                p.out_style(&printable(&d.file.display().to_string()), |s| s
                    .bold()
                    .underline())
            );
            current = Some(&d.file);
        }
        let pos = format!("{}:{}", d.line, d.column);
        let sev = format!("{:<7}", d.severity.as_str());
        let sev = match d.severity {
            Severity::Error => p.out_style(&sev, |s| s.red().bold()),
            Severity::Warning => p.out_style(&sev, |s| s.yellow().bold()),
            Severity::Info => p.out_style(&sev, |s| s.cyan().bold()),
        };
        let rule = p.out_style(&format!("[{}]", d.rule), |s| s.dimmed());
        let _ = writeln!(
            out,
            "  {pos:>width$}  {sev}  {}  {rule}",
            printable(&d.message)
        );
        if let Some(h) = &d.hint {
            let label = p.out_style("hint:", |s| s.green().bold());
            let _ = writeln!(out, "  {:width$}           {label} {}", "", printable(h));
        }
    }
    if !report.diagnostics.is_empty() {
        out.push('\n');
    }
    let line = summary(report);
    let line = if report.errors() > 0 {
        p.out_style(&line, |s| s.red().bold())
    } else if report.warnings() > 0 {
        p.out_style(&line, |s| s.yellow().bold())
    } else {
        p.out_style(&line, |s| s.green().bold())
    };
    let _ = writeln!(out, "{line}");
    out
}

/// The report as JSON (the schema is documented in docs/rules.md).
pub fn json(report: &Report) -> Value {
    json!({
        "version": 1,
        "diagnostics": report.diagnostics.iter().map(|d| json!({
            "file": d.file.display().to_string(),
            "line": d.line,
            "column": d.column,
            "severity": d.severity.as_str(),
            "rule": d.rule,
            "message": d.message,
            "hint": d.hint,
        })).collect::<Vec<_>>(),
        "notices": report.notices,
        "summary": {
            "files": report.files.len(),
            "errors": report.errors(),
            "warnings": report.warnings(),
            "infos": report.infos(),
            "mode": if report.per_file { "per-file" } else { "directory" },
        },
    })
}

/// Escapes the data (message) of a workflow command: `%`, CR and LF.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value of a workflow command: as data, plus `:` and `,`.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The report as GitHub Actions workflow commands, one line per finding, notices included.
pub fn github(report: &Report) -> String {
    let mut out = String::new();
    for n in &report.notices {
        let _ = writeln!(out, "::notice title=cnictl validate::{}", escape_data(n));
    }
    for d in &report.diagnostics {
        let mut message = d.message.clone();
        if let Some(h) = &d.hint {
            message.push_str("\nhint: ");
            message.push_str(h);
        }
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let _ = writeln!(
            out,
            "::{command} file={},line={},col={},title={}::{}",
            escape_property(&d.file.display().to_string()),
            d.line,
            d.column,
            escape_property(&format!("cnictl {}", d.rule)),
            escape_data(&message)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_for_the_terminal() {
        assert_eq!(printable("net.d/10-a.conflist"), "net.d/10-a.conflist");
        assert_eq!(
            printable("a\x1b[31mred\nb\tc\rd\u{7f}e\u{9b}f"),
            "a\\u001b[31mred\\nb\\tc\\rd\\u007fe\\u009bf"
        );
        assert_eq!(printable("café ✓"), "café ✓");
    }

    #[test]
    fn github_escaping() {
        assert_eq!(escape_data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
