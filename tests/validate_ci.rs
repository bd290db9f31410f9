//! `cnictl validate` in CI: rule control (flags and config file), per-file vs directory mode,
//! `--explain` and `--list-rules`, and the CI output formats (SARIF, Code Quality, JUnit,
//! GitHub). The fixtures are under tests/fixtures/validate_ci/; each test copies them into a
//! temp dir holding a `.git` directory, so that config discovery stops there.

mod common;

use common::{cnictl_bin, Run};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/validate_ci")
}

/// A temp "repository": `.git/` and a copy of tests/fixtures/validate_ci/clusters as `net/`.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let net = dir.path().join("net");
    std::fs::create_dir(&net).unwrap();
    for e in std::fs::read_dir(fixtures().join("clusters")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), net.join(e.file_name())).unwrap();
    }
    dir
}

fn cnictl(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(cnictl_bin());
    cmd.current_dir(cwd)
        .env_clear()
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    Run::from(cmd.output().expect("run cnictl"))
}

type Finding = (String, String, String);

/// (rule, severity, file name) of every finding of a `-o json` report.
fn findings(v: &serde_json::Value) -> BTreeSet<Finding> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let file = d["file"].as_str().unwrap();
            (
                d["rule"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
                file.rsplit('/').next().unwrap().to_string(),
            )
        })
        .collect()
}

fn set(items: &[(&str, &str, &str)]) -> BTreeSet<Finding> {
    items
        .iter()
        .map(|(r, s, f)| (r.to_string(), s.to_string(), f.to_string()))
        .collect()
}

/// What the fixtures give as one directory, today's verdicts.
const DIRECTORY: &[(&str, &str, &str)] = &[
    ("cni-version-old", "info", "10-east.conflist"),
    ("duplicate-network", "warning", "20-west.conflist"),
    ("unknown-key", "warning", "20-west.conflist"),
    ("chained-only-first", "error", "30-broken.conf"),
];

#[test]
fn directory_mode_keeps_the_cross_file_rules_per_file_mode_drops_them() {
    let r = repo();
    let dir = cnictl(
        r.path(),
        &["validate", "--static", "-o", "json", "net"],
        &[],
    );
    let v = dir.expect(1, "directory").json();
    assert_eq!(findings(&v), set(DIRECTORY));
    assert_eq!(v["summary"]["mode"], "directory");
    // The files of the directory named one by one are one node's directory as well.
    let files = cnictl(
        r.path(),
        &[
            "validate",
            "--static",
            "-o",
            "json",
            "net/10-east.conflist",
            "net/20-west.conflist",
            "net/30-broken.conf",
        ],
        &[],
    );
    assert_eq!(findings(&files.expect(1, "files").json()), set(DIRECTORY));

    let per = cnictl(
        r.path(),
        &["validate", "--static", "--per-file", "-o", "json", "net"],
        &[],
    );
    let v = per.expect(1, "per-file").json();
    let want: Vec<_> = DIRECTORY
        .iter()
        .copied()
        .filter(|(rule, ..)| *rule != "duplicate-network")
        .collect();
    assert_eq!(findings(&v), set(&want));
    assert_eq!(v["summary"]["mode"], "per-file");
    let table = cnictl(
        r.path(),
        &["validate", "--static", "--per-file", "net"],
        &[],
    );
    assert!(table
        .expect(1, "per-file table")
        .stdout
        .ends_with("1 error, 1 warning, 1 info (3 files checked, per-file mode)\n"),);
}

#[test]
fn flags_allow_warn_and_deny_rules() {
    let r = repo();
    let run = |extra: &[&str], code: i32| {
        let mut args = vec!["validate", "--static", "-o", "json"];
        args.extend_from_slice(extra);
        args.push("net");
        findings(
            &cnictl(r.path(), &args, &[])
                .expect(code, &extra.join(" "))
                .json(),
        )
    };
    let got = run(
        &[
            "--allow",
            "chained-only-first",
            "--allow",
            "duplicate-network",
            "--deny",
            "cni-version-old",
            "--warn",
            "unknown-key",
        ],
        1,
    );
    assert_eq!(
        got,
        set(&[
            ("cni-version-old", "error", "10-east.conflist"),
            ("unknown-key", "warning", "20-west.conflist"),
        ])
    );
    // An error turned into a warning no longer fails the run, unless --deny-warnings.
    let args = [
        "--warn",
        "chained-only-first",
        "--allow",
        "duplicate-network",
        "--allow",
        "unknown-key",
    ];
    assert_eq!(
        run(&args, 0),
        set(&[
            ("cni-version-old", "info", "10-east.conflist"),
            ("chained-only-first", "warning", "30-broken.conf"),
        ])
    );
    let mut deny = args.to_vec();
    deny.push("--deny-warnings");
    run(&deny, 1);
}

#[test]
fn unknown_or_conflicting_rule_names_are_usage_errors() {
    let r = repo();
    for flag in ["--allow", "--warn", "--deny", "--explain"] {
        let out = cnictl(
            r.path(),
            &["validate", "--static", flag, "no-such-rule", "net"],
            &[],
        );
        let out = out.expect(2, flag);
        assert!(
            out.stderr.contains("unknown rule \"no-such-rule\""),
            "{}",
            out.stderr
        );
        assert_eq!(out.stdout, "");
    }
    let out = cnictl(
        r.path(),
        &[
            "validate",
            "--allow",
            "missing-name",
            "--deny",
            "missing-name",
            "net",
        ],
        &[],
    );
    assert!(out
        .expect(2, "one rule, two levels")
        .stderr
        .contains("rule missing-name is given to both --allow and --deny"));
}

#[test]
fn config_file_is_found_upward_and_overrides_per_path() {
    let r = repo();
    std::fs::write(
        r.path().join("cnictl.toml"),
        r#"
[validate]
allow = ["cni-version-old"]
deny = ["unknown-key"]

[[validate.overrides]]
paths = ["net/30-*.conf"]
warn = ["chained-only-first"]
"#,
    )
    .unwrap();
    let v = cnictl(
        r.path().join("net").as_path(),
        &["validate", "--static", "-o", "json", "."],
        &[],
    )
    .expect(1, "config")
    .json();
    let want = set(&[
        ("duplicate-network", "warning", "20-west.conflist"),
        ("unknown-key", "error", "20-west.conflist"),
        ("chained-only-first", "warning", "30-broken.conf"),
    ]);
    assert_eq!(findings(&v), want);
    // The command line wins over the file.
    let v = cnictl(
        r.path(),
        &[
            "validate",
            "--static",
            "-o",
            "json",
            "--allow",
            "unknown-key",
            "net",
        ],
        &[],
    )
    .expect(0, "flag over file")
    .json();
    assert!(!findings(&v).iter().any(|f| f.0 == "unknown-key"));
    // --no-config: today's verdicts.
    let v = cnictl(
        r.path(),
        &["validate", "--static", "--no-config", "-o", "json", "net"],
        &[],
    )
    .expect(1, "no config")
    .json();
    assert_eq!(findings(&v), set(DIRECTORY));
    // --config names another file, for every file checked.
    std::fs::write(
        r.path().join("other.toml"),
        "[validate]\nallow = [\"duplicate-network\", \"unknown-key\", \"chained-only-first\"]\n",
    )
    .unwrap();
    let v = cnictl(
        r.path(),
        &[
            "validate",
            "--static",
            "--config",
            "other.toml",
            "-o",
            "json",
            "net",
        ],
        &[],
    )
    .expect(0, "--config")
    .json();
    assert_eq!(
        findings(&v),
        set(&[("cni-version-old", "info", "10-east.conflist")])
    );
    // A config file above the repository root is not used.
    let outer = tempfile::tempdir().unwrap();
    std::fs::write(
        outer.path().join("cnictl.toml"),
        "[validate]\nallow = [\"chained-only-first\"]\n",
    )
    .unwrap();
    let inner = outer.path().join("repo");
    std::fs::create_dir_all(inner.join(".git")).unwrap();
    std::fs::copy(
        fixtures().join("clusters/30-broken.conf"),
        inner.join("30-broken.conf"),
    )
    .unwrap();
    cnictl(&inner, &["validate", "--static", "30-broken.conf"], &[]).expect(1, "stops at .git");
    std::fs::remove_dir(inner.join(".git")).unwrap();
    cnictl(&inner, &["validate", "--static", "30-broken.conf"], &[]).expect(0, "found above");
}

#[test]
fn bad_config_files_are_usage_errors_naming_the_file() {
    let r = repo();
    for (text, want) in [
        (
            "[validate]\nallow = [\"no-such-rule\"]\n",
            "unknown rule \"no-such-rule\"",
        ),
        ("[validate]\nalow = []\n", "alow"),
        ("[validate\n", "cnictl.toml"),
        ("[[validate.overrides]]\npaths = [\"[\"]\n", "bad path glob"),
    ] {
        std::fs::write(r.path().join(".cnictl.toml"), text).unwrap();
        let out = cnictl(r.path(), &["validate", "--static", "net"], &[]).expect(2, text);
        assert!(out.stderr.contains(want), "{text}: {}", out.stderr);
        assert!(out.stderr.contains(".cnictl.toml"), "{}", out.stderr);
    }
    let out = cnictl(r.path(), &["validate", "--config", "nope.toml", "net"], &[]);
    assert!(out
        .expect(2, "missing --config")
        .stderr
        .contains("nope.toml"));
}

#[test]
fn explain_prints_every_rule_and_list_rules_lists_them() {
    let dir = tempfile::tempdir().unwrap();
    let list = cnictl(dir.path(), &["validate", "--list-rules"], &[]).expect(0, "list");
    let ids: Vec<&str> = list
        .stdout
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    let want: Vec<&str> = cnictl::validate::RULES.iter().map(|r| r.id).collect();
    assert_eq!(ids, want);
    for r in cnictl::validate::RULES {
        let out = cnictl(dir.path(), &["validate", "--explain", r.id], &[]).expect(0, r.id);
        let first = format!("{} ({}, {}): {}\n", r.id, r.severity, r.family, r.summary);
        assert!(out.stdout.starts_with(&first), "{}", out.stdout);
        // The rule's own section (with its example), not the next rule's.
        assert!(
            out.stdout.contains("```"),
            "{}: no example\n{}",
            r.id,
            out.stdout
        );
        assert!(!out.stdout.contains("\n### "), "{}", out.stdout);
        assert!(!out.stdout.contains("\n## "), "{}", out.stdout);
    }
}
