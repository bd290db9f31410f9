//! Every rule of `cnictl validate` has a documented entry in docs/rules.md, a fixture that
//! triggers it (asserting rule, severity, file, line and column of every finding) and a
//! near-miss fixture that stays clean. Fixtures live in tests/fixtures/validate/<rule>/:
//! `bad/` and `good/` are config directories, `expect.json` lists the findings of `bad/` and,
//! for plugin rules, the fake plugins on the CNI path (answered by a recording fake, so no
//! binary runs).

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
            versions: None,
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
        versions: Some(&cache),
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

/// The rule ids and severities of docs/rules.md: each rule is a `### \`id\`` heading followed
/// by a line `Severity: **error**` or `Severity: **warning**`.
fn documented() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(root().join("docs/rules.md")).expect("docs/rules.md");
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(l) = lines.next() {
        if let Some(id) = l.strip_prefix("### `").and_then(|r| r.strip_suffix('`')) {
            let sev = lines
                .by_ref()
                .find(|l| !l.trim().is_empty())
                .and_then(|l| l.strip_prefix("Severity: **"))
                .and_then(|l| l.split("**").next())
                .unwrap_or_else(|| panic!("docs/rules.md: no severity line under {id}"));
            out.push((id.to_string(), sev.to_string()));
        }
    }
    out
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

/// Every file of the real-world corpus works in production, so `validate --static` must find
/// no error in it (warnings are allowed). The corpus lives beside the checkout.
#[test]
fn realworld_corpus_has_no_errors() {
    let dir = root().join("../shared/corpus/realworld");
    assert!(
        dir.is_dir(),
        "{} is missing: the real-world corpus must sit beside the checkout",
        dir.display()
    );
    let report = run(&dir, None);
    assert!(
        report.files.len() >= 30,
        "only {} files",
        report.files.len()
    );
    let errors: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == cnictl::validate::Severity::Error)
        .collect();
    assert!(
        errors.is_empty(),
        "errors in the real-world corpus:\n{}",
        describe(&report)
    );
}
