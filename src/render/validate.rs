//! The three forms of a validate report: a readable report grouped by file (colour on a
//! terminal, counts at the end), JSON (schema in docs/rules.md), and GitHub Actions workflow
//! commands (one line per finding, with GitHub's escaping).

use super::Printer;
use cnictl::validate::control;
use cnictl::validate::{self, Report, Severity};
use colored::Colorize;
use serde_json::{json, Value};
use std::borrow::Cow;
use std::fmt::Write;
use std::path::{Path, PathBuf};

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

/// The `-o prometheus` metrics of a report (names documented in the README): findings by
/// severity (every severity, zeros included), by rule (rules with findings), files checked.
pub fn metrics(report: &Report) -> super::metrics::Metrics {
    let mut m = super::metrics::Metrics::new();
    for sev in [Severity::Error, Severity::Warning, Severity::Info] {
        let n = report
            .diagnostics
            .iter()
            .filter(|d| d.severity == sev)
            .count();
        m.set(
            "cnictl_validate_findings",
            "Findings of cnictl validate by severity (after --allow/--warn/--deny and config \
             files)",
            &[("severity", sev.as_str())],
            n as f64,
        );
    }
    for d in &report.diagnostics {
        m.add(
            "cnictl_validate_rule_findings",
            "Findings of cnictl validate by rule and severity (rules with findings only)",
            &[("rule", d.rule), ("severity", d.severity.as_str())],
            1.0,
        );
    }
    m.set(
        "cnictl_validate_files",
        "Config files cnictl validate checked",
        &[],
        report.files.len() as f64,
    );
    m
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
    let _ = writeln!(out, "{}", summary(report));
    out
}

/// docs/rules.md, built in for `--explain` and SARIF's rule help.
const RULES_DOC: &str = include_str!("../../docs/rules.md");

/// The section of docs/rules.md on rule `id`, without its heading.
pub fn explain_text(id: &str) -> Option<String> {
    let r = validate::rule(id)?;
    let heading = format!("### `{id}`");
    let start = RULES_DOC.find(&heading)? + heading.len();
    let rest = &RULES_DOC[start..];
    let end = rest
        .match_indices("\n#")
        .find(|(i, _)| rest[i + 1..].starts_with("## ") || rest[i + 1..].starts_with("### "))
        .map_or(rest.len(), |(i, _)| i);
    Some(format!(
        "{id} ({}, {}): {}\n\n{}\n",
        r.severity,
        r.family,
        r.summary,
        rest[..end].trim()
    ))
}

/// Where the report's files are, for the formats that name them relative to the repository
/// (SARIF, Code Quality): the process's directory and the repository root.
pub struct Base {
    /// The process's directory (relative file names start there).
    pub cwd: PathBuf,
    /// The repository root: the nearest directory from `cwd` upward holding `.git`, else
    /// `cwd`.
    pub root: PathBuf,
}

impl Base {
    /// The base of the process's directory `cwd`.
    pub fn new(cwd: PathBuf) -> Base {
        let root = cwd
            .ancestors()
            .find(|d| d.join(".git").exists())
            .unwrap_or(&cwd)
            .to_path_buf();
        Base { cwd, root }
    }

    /// `file` relative to the root (with `/`), or None for stdin or a file outside it (then
    /// the absolute path is the second element).
    fn relative(&self, file: &Path) -> (Option<String>, PathBuf) {
        let abs = control::absolute(&self.cwd, file);
        let rel = abs
            .strip_prefix(&self.root)
            .ok()
            .map(|r| r.to_string_lossy().into_owned());
        (rel, abs)
    }
}

fn is_stdin(file: &Path) -> bool {
    file.as_os_str() == "<stdin>"
}

/// Percent-encodes a path for a URI: everything but unreserved characters and `/`.
fn uri_path(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn message_with_hint(d: &validate::Diagnostic) -> String {
    match &d.hint {
        Some(h) => format!("{}\nhint: {h}", d.message),
        None => d.message.clone(),
    }
}

/// The report as SARIF 2.1.0, for GitHub code scanning: every rule with its help, results
/// with their level, the file relative to the repository root (`%SRCROOT%`) and the region.
pub fn sarif(report: &Report, base: &Base) -> Value {
    use serde_sarif::sarif as s;
    let level = |sev: Severity| match sev {
        Severity::Error => s::ResultLevel::Error,
        Severity::Warning => s::ResultLevel::Warning,
        Severity::Info => s::ResultLevel::Note,
    };
    let rules: Vec<s::ReportingDescriptor> = validate::RULES
        .iter()
        .map(|r| {
            let help = explain_text(r.id).unwrap_or_else(|| r.summary.to_string());
            s::ReportingDescriptor::builder()
                .id(r.id)
                .name(r.id)
                .short_description(
                    s::MultiformatMessageString::builder()
                        .text(r.summary)
                        .build(),
                )
                .help(
                    s::MultiformatMessageString::builder()
                        .text(help.clone())
                        .markdown(help)
                        .build(),
                )
                .default_configuration(
                    s::ReportingConfiguration::builder()
                        .level(json!(level(r.severity)))
                        .build(),
                )
                .properties(
                    s::PropertyBag::builder()
                        .tags(vec![r.family.to_string()])
                        .build(),
                )
                .build()
        })
        .collect();
    let results: Vec<s::Result> = report
        .diagnostics
        .iter()
        .map(|d| {
            let index = validate::RULES.iter().position(|r| r.id == d.rule);
            let mut locations = Vec::new();
            if !is_stdin(&d.file) {
                let artifact = match base.relative(&d.file) {
                    (Some(rel), _) => s::ArtifactLocation::builder()
                        .uri(uri_path(&rel))
                        .uri_base_id("%SRCROOT%")
                        .build(),
                    (None, abs) => s::ArtifactLocation::builder()
                        .uri(format!("file://{}", uri_path(&abs.to_string_lossy())))
                        .build(),
                };
                let region = s::Region::builder()
                    .start_line(d.line as i64)
                    .start_column(d.column as i64)
                    .build();
                locations.push(
                    s::Location::builder()
                        .physical_location(
                            s::PhysicalLocation::builder()
                                .artifact_location(artifact)
                                .region(region)
                                .build(),
                        )
                        .build(),
                );
            }
            let b = s::Result::builder()
                .rule_id(d.rule)
                .level(level(d.severity))
                .message(s::Message::builder().text(message_with_hint(d)).build())
                .locations(locations);
            match index {
                Some(i) => b.rule_index(i as i64).build(),
                None => b.build(),
            }
        })
        .collect();
    let root_uri = format!(
        "file://{}/",
        uri_path(base.root.to_string_lossy().trim_end_matches('/'))
    );
    let mut bases = std::collections::BTreeMap::new();
    bases.insert(
        "%SRCROOT%".to_string(),
        s::ArtifactLocation::builder().uri(root_uri).build(),
    );
    let run = s::Run::builder()
        .tool(
            s::Tool::builder()
                .driver(
                    s::ToolComponent::builder()
                        .name("cnictl")
                        .version(env!("CARGO_PKG_VERSION"))
                        .rules(rules)
                        .build(),
                )
                .build(),
        )
        .results(results)
        .original_uri_base_ids(bases)
        .column_kind(json!("unicodeCodePoints"))
        .build();
    let log = s::Sarif::builder()
        .schema(s::SCHEMA_URL)
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build();
    serde_json::to_value(log).unwrap_or(Value::Null)
}

/// The report as GitLab's Code Quality report (a JSON array of issues in Code Climate's
/// format): description, check_name, fingerprint, severity and location.
pub fn codeclimate(report: &Report, base: &Base) -> Value {
    use sha2::{Digest, Sha256};
    let items: Vec<Value> = report
        .diagnostics
        .iter()
        .map(|d| {
            let path = if is_stdin(&d.file) {
                "<stdin>".to_string()
            } else {
                match base.relative(&d.file) {
                    (Some(rel), _) => rel,
                    (None, abs) => abs.to_string_lossy().into_owned(),
                }
            };
            let mut h = Sha256::new();
            for part in [
                d.rule,
                &path,
                &d.line.to_string(),
                &d.column.to_string(),
                &d.message,
            ] {
                h.update(part.as_bytes());
                h.update([0]);
            }
            let fingerprint: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
            json!({
                "type": "issue",
                "description": message_with_hint(d),
                "check_name": d.rule,
                "categories": ["Bug Risk"],
                "fingerprint": fingerprint,
                "severity": match d.severity {
                    Severity::Error => "critical",
                    Severity::Warning => "minor",
                    Severity::Info => "info",
                },
                "location": {
                    "path": path,
                    "positions": { "begin": { "line": d.line, "column": d.column } },
                },
            })
        })
        .collect();
    Value::Array(items)
}

/// The report as JUnit XML: one suite, a case per file checked, failing with one `<failure>`
/// listing its errors (and its warnings under `--deny-warnings`); the findings that do not
/// fail it go to `<system-out>`.
pub fn junit(report: &Report, deny_warnings: bool) -> std::io::Result<String> {
    use super::junit::{write, Case, Failure, Suite};
    let line = |d: &validate::Diagnostic| {
        let mut s = format!(
            "{}:{}: {}: {} [{}]\n",
            d.line, d.column, d.severity, d.message, d.rule
        );
        if let Some(h) = &d.hint {
            let _ = writeln!(s, "  hint: {h}");
        }
        s
    };
    // Findings by file, so that each case takes its own without scanning all of them.
    let mut by_file: std::collections::HashMap<&Path, Vec<&validate::Diagnostic>> =
        std::collections::HashMap::new();
    for d in &report.diagnostics {
        by_file.entry(d.file.as_path()).or_default().push(d);
    }
    let cases = report
        .files
        .iter()
        .map(|f| {
            let fails = |d: &&validate::Diagnostic| {
                d.severity == Severity::Error || (deny_warnings && d.severity == Severity::Warning)
            };
            let mine = by_file.get(f.as_path()).map_or(&[][..], Vec::as_slice);
            let failing: Vec<_> = mine.iter().copied().filter(fails).collect();
            let passing: Vec<_> = mine.iter().copied().filter(|d| !fails(d)).collect();
            let failure = (!failing.is_empty()).then(|| {
                let errors = failing
                    .iter()
                    .filter(|d| d.severity == Severity::Error)
                    .count();
                let warnings = failing.len() - errors;
                let mut parts = Vec::new();
                if errors > 0 {
                    parts.push(plural(errors, "error"));
                }
                if warnings > 0 {
                    parts.push(plural(warnings, "warning"));
                }
                Failure {
                    message: parts.join(", "),
                    kind: if errors > 0 { "error" } else { "warning" }.to_string(),
                    text: failing.iter().map(|d| line(d)).collect(),
                }
            });
            Case {
                name: f.display().to_string(),
                classname: "cnictl.validate".to_string(),
                failure,
                system_out: (!passing.is_empty())
                    .then(|| passing.iter().map(|d| line(d)).collect()),
                ..Case::default()
            }
        })
        .collect();
    write(&[Suite {
        name: "cnictl validate".to_string(),
        cases,
    }])
}

/// A Markdown summary for `$GITHUB_STEP_SUMMARY`: the counts, then a table of findings.
pub fn markdown(report: &Report) -> String {
    let cell = |s: &str| printable(s).replace('|', "\\|").replace('`', "'");
    let mut out = format!("### cnictl validate\n\n{}\n", summary(report));
    if !report.diagnostics.is_empty() {
        out.push_str("\n| file | line | severity | rule | message |\n|---|---|---|---|---|\n");
        for d in &report.diagnostics {
            let _ = writeln!(
                out,
                "| `{}` | {}:{} | {} | `{}` | {} |",
                cell(&d.file.display().to_string()),
                d.line,
                d.column,
                d.severity,
                d.rule,
                cell(&d.message)
            );
        }
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
