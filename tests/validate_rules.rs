//! Every rule of `cnictl validate` has a documented entry in docs/rules.md with an example, a
//! fixture that triggers it (asserting rule, severity, file, line and column of every
//! finding) and a near-miss fixture that stays clean. Fixtures live in
//! tests/fixtures/validate/<rule>/: `bad/` and `good/` are config directories, `expect.json`
//! lists the findings of `bad/` and, for plugin rules, the fake plugins on the CNI path
//! (answered by a recording fake, so no binary runs). What git cannot hold (a FIFO, a socket,
//! a device) is made at run time by `unreadable_files_git_cannot_hold`.

use cnictl::invoke::fake::RecordingExec;
use cnictl::invoke::{ExecLimits, ExecOutput, VersionCache};
use cnictl::validate::{validate, Input, Options, Report, RULES};
use serde_json::Value;
use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn fixtures() -> PathBuf {
    root().join("tests/fixtures/validate")
}

/// (rule, severity, file relative to the fixture dir, line, column)
type Finding = (String, String, String, usize, usize);

/// Validates `dir` statically, or with fake plugins described by `plugins` (name → {versions,
/// mode, garbage}).
fn run(dir: &Path, plugins: Option<&Value>) -> Report {
    let input = [Input::Path(dir.to_path_buf())];
    let Some(plugins) = plugins else {
        let opts = Options {
            cni_path: Vec::new(),
            node_root: cnictl::noderoot::NodeRoot::host(),
            inputs_on_node: false,
            versions: None,
            per_file: false,
        };
        return validate(&input, &opts).expect("validate runs");
    };
    let bin = tempfile::tempdir().unwrap();
    let spec = plugins.as_object().cloned().unwrap_or_default();
    for (name, p) in &spec {
        let path = bin.path().join(name);
        std::fs::write(&path, "not run: answered by a recording fake\n").unwrap();
        let mode = u32::from_str_radix(p["mode"].as_str().unwrap_or("755"), 8).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    let exec = RecordingExec::new(move |call| {
        let p = &spec[&call.plugin()];
        if p["garbage"].as_bool() == Some(true) {
            return Ok(ExecOutput::exited(0, "this is not JSON", ""));
        }
        let answer = serde_json::json!({"cniVersion": "1.1.0", "supportedVersions": p["versions"]});
        Ok(ExecOutput::exited(0, answer.to_string(), ""))
    });
    let cache = VersionCache::new(&exec, Vec::new(), ExecLimits::default());
    let opts = Options {
        cni_path: vec![bin.path().to_path_buf()],
        node_root: cnictl::noderoot::NodeRoot::host(),
        inputs_on_node: false,
        versions: Some(&cache),
        per_file: false,
    };
    let report = validate(&input, &opts).expect("validate runs");
    // Each binary is probed at most once, however many networks use it.
    let mut probed: Vec<PathBuf> = exec.calls().into_iter().map(|c| c.path).collect();
    let n = probed.len();
    probed.dedup();
    assert_eq!(n, probed.len(), "a binary was probed twice");
    report
}

fn findings(dir: &Path, report: &Report) -> BTreeSet<Finding> {
    report
        .diagnostics
        .iter()
        .map(|d| {
            let file = d
                .file
                .strip_prefix(dir)
                .unwrap_or(&d.file)
                .display()
                .to_string();
            (
                d.rule.to_string(),
                d.severity.to_string(),
                file,
                d.line,
                d.column,
            )
        })
        .collect()
}

fn describe(report: &Report) -> String {
    report
        .diagnostics
        .iter()
        .map(|d| {
            format!(
                "  {}:{}:{} {} [{}] {}\n",
                d.file.display(),
                d.line,
                d.column,
                d.severity,
                d.rule,
                d.message
            )
        })
        .collect()
}

/// A rule's section of docs/rules.md.
struct Section {
    id: String,
    severity: String,
    /// The section's text after the severity line, up to the next heading.
    body: String,
}

/// The rule sections of docs/rules.md: each rule is a `### \`id\`` heading followed by a
/// line `Severity: **error**` or `Severity: **warning**`.
fn sections() -> Vec<Section> {
    let text = std::fs::read_to_string(root().join("docs/rules.md")).expect("docs/rules.md");
    let mut out: Vec<Section> = Vec::new();
    let mut lines = text.lines();
    let mut in_rule = false;
    while let Some(l) = lines.next() {
        if let Some(id) = l.strip_prefix("### `").and_then(|r| r.strip_suffix('`')) {
            let sev = lines
                .by_ref()
                .find(|l| !l.trim().is_empty())
                .and_then(|l| l.strip_prefix("Severity: **"))
                .and_then(|l| l.split("**").next())
                .unwrap_or_else(|| panic!("docs/rules.md: no severity line under {id}"));
            out.push(Section {
                id: id.to_string(),
                severity: sev.to_string(),
                body: String::new(),
            });
            in_rule = true;
        } else if l.starts_with('#') && !l.starts_with("#!") {
            // Any other heading ends the rule's section (code blocks hold no `#` lines).
            in_rule = false;
        } else if in_rule {
            let body = &mut out.last_mut().unwrap().body;
            body.push_str(l);
            body.push('\n');
        }
    }
    out
}

fn documented() -> Vec<(String, String)> {
    sections().into_iter().map(|s| (s.id, s.severity)).collect()
}

/// True when `body` holds a fenced code block with something in it.
fn has_example(body: &str) -> bool {
    let mut parts = body.split("```").skip(1).step_by(2);
    parts.any(|block| {
        // The block's first line is its language tag.
        block.lines().skip(1).any(|l| !l.trim().is_empty())
    })
}

#[test]
fn every_documented_rule_has_an_example() {
    let missing: Vec<String> = sections()
        .into_iter()
        .filter(|s| !has_example(&s.body))
        .map(|s| s.id)
        .collect();
    assert!(
        missing.is_empty(),
        "docs/rules.md: no example (a fenced code block) for {missing:?}"
    );
    // The check itself: a section without a block, or with an empty one, has no example.
    assert!(!has_example("Text only.\n"));
    assert!(!has_example("```json\n```\n"));
    assert!(has_example("Text.\n\n```json\n{}\n```\n"));
}

#[test]
fn docs_list_exactly_the_rules_with_their_severities() {
    let docs = documented();
    let lib: Vec<(String, String)> = RULES
        .iter()
        .map(|r| (r.id.to_string(), r.severity.to_string()))
        .collect();
    assert_eq!(docs, lib, "docs/rules.md and the rule table differ");
}

#[test]
fn every_documented_rule_has_a_trigger_and_a_near_miss() {
    let docs = documented();
    assert!(docs.len() >= 40, "only {} rules documented", docs.len());
    let mut failures = Vec::new();
    for (id, severity) in &docs {
        let dir = fixtures().join(id);
        let expect: Value = match std::fs::read(dir.join("expect.json")) {
            Ok(b) => serde_json::from_slice(&b).unwrap_or_else(|e| panic!("{id}/expect.json: {e}")),
            Err(_) => {
                failures.push(format!(
                    "{id}: no fixture (tests/fixtures/validate/{id}/expect.json)"
                ));
                continue;
            }
        };
        let want: BTreeSet<Finding> = expect["expect"]
            .as_array()
            .unwrap_or_else(|| panic!("{id}: expect.json has no \"expect\" list"))
            .iter()
            .map(|e| {
                (
                    e["rule"].as_str().unwrap().to_string(),
                    e["severity"].as_str().unwrap().to_string(),
                    e["file"].as_str().unwrap().to_string(),
                    e["line"].as_u64().unwrap() as usize,
                    e["column"].as_u64().unwrap() as usize,
                )
            })
            .collect();
        assert!(
            want.iter().any(|w| &w.0 == id && &w.1 == severity),
            "{id}: the fixture expects no {severity} of its own rule"
        );
        let bad = dir.join("bad");
        let report = run(&bad, expect["plugins"].get("bad"));
        let got = findings(&bad, &report);
        if got != want {
            failures.push(format!(
                "{id}: bad/ gave\n{}  expected {want:?}",
                describe(&report)
            ));
        }
        let good = dir.join("good");
        let report = run(&good, expect["plugins"].get("good"));
        if !report.diagnostics.is_empty() {
            failures.push(format!("{id}: good/ is not clean:\n{}", describe(&report)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A FIFO, a socket, a device and an oversized file named like configs: each is a finding on
/// its file, nothing is opened that could block, and the other files are still checked. Runs
/// on a thread with a deadline, so that a hang fails the test instead of stalling it.
#[test]
fn unreadable_files_git_cannot_hold() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    let status = std::process::Command::new("mkfifo")
        .arg(p("20-pipe.conflist"))
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo failed");
    let _socket = std::os::unix::net::UnixListener::bind(p("30-socket.conf")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", p("40-zero.conflist")).unwrap();
    std::fs::File::create(p("50-huge.json"))
        .unwrap()
        .set_len(16 * 1024 * 1024 + 1)
        .unwrap();
    std::fs::write(
        p("10-net.conflist"),
        r#"{"cniVersion": "0.3.1", "name": "net", "plugins": [{"type": "loopback"}]}"#,
    )
    .unwrap();
    let path = dir.path().to_path_buf();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(run(&path, None));
    });
    let report = rx
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("validate did not finish within 60s: it blocked on a file");
    let got = findings(dir.path(), &report);
    let want: BTreeSet<Finding> = [
        ("cni-version-old", "info", "10-net.conflist", 1, 16),
        ("unreadable-file", "error", "20-pipe.conflist", 1, 1),
        ("unreadable-file", "error", "40-zero.conflist", 1, 1),
        ("unreadable-file", "error", "30-socket.conf", 1, 1),
        ("unreadable-file", "error", "50-huge.json", 1, 1),
    ]
    .into_iter()
    .map(|(r, s, f, l, c)| (r.into(), s.into(), f.into(), l, c))
    .collect();
    assert_eq!(got, want, "{}", describe(&report));
    let message = |file: &str| {
        report
            .diagnostics
            .iter()
            .find(|d| d.file.ends_with(file))
            .map(|d| d.message.clone())
            .unwrap_or_default()
    };
    assert!(message("20-pipe.conflist").contains("FIFO"));
    assert!(message("30-socket.conf").contains("socket"));
    assert!(message("40-zero.conflist").contains("character device"));
    assert!(message("50-huge.json").contains("16 MiB"));
}

#[test]
fn no_fixture_without_a_documented_rule() {
    let docs: BTreeSet<String> = documented().into_iter().map(|d| d.0).collect();
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            docs.contains(&name),
            "fixture {name} has no rule in docs/rules.md"
        );
    }
}

/// Every real-world-shaped fixture follows a configuration that works in production, so
/// `validate --static` must find no error in it (warnings are allowed). CI checks the full
/// sourced corpus (`../shared/corpus`) in a step of its own (`.ci/run`).
#[test]
fn realworld_fixtures_have_no_errors() {
    let dir = root().join("tests/fixtures/realworld");
    let on_disk = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name() != "README.md")
        .count();
    assert!(on_disk >= 20, "only {on_disk} files in {}", dir.display());
    let report = run(&dir, None);
    assert_eq!(report.files.len(), on_disk, "{}", describe(&report));
    let errors: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == cnictl::validate::Severity::Error)
        .collect();
    assert!(
        errors.is_empty(),
        "errors in the real-world fixtures:\n{}",
        describe(&report)
    );
}
