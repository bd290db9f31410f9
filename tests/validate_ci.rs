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

#[test]
fn sarif_is_valid_against_the_2_1_0_schema() {
    // The schema is the one serde-sarif 0.8.0 ships (src/schema.json), copied here so the
    // test runs offline.
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join("sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let r = repo();
    let v = cnictl(
        r.path(),
        &["validate", "--static", "-o", "sarif", "net"],
        &[],
    )
    .expect(1, "sarif")
    .json();
    let errors: Vec<String> = validator.iter_errors(&v).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // A broken log is caught: the validator is not a no-op.
    let mut broken = v.clone();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&broken));

    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "cnictl");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), cnictl::validate::RULES.len());
    assert!(rules
        .iter()
        .all(|r| r["help"]["text"].as_str().unwrap().contains("```")));
    let root = format!("file://{}/", r.path().canonicalize().unwrap().display());
    assert_eq!(run["originalUriBaseIds"]["%SRCROOT%"]["uri"], root.as_str());
    let results = run["results"].as_array().unwrap();
    let got: BTreeSet<(String, String, String, i64, i64)> = results
        .iter()
        .map(|x| {
            let loc = &x["locations"][0]["physicalLocation"];
            assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
            let i = x["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[i]["id"], x["ruleId"]);
            (
                x["ruleId"].as_str().unwrap().into(),
                x["level"].as_str().unwrap().into(),
                loc["artifactLocation"]["uri"].as_str().unwrap().into(),
                loc["region"]["startLine"].as_i64().unwrap(),
                loc["region"]["startColumn"].as_i64().unwrap(),
            )
        })
        .collect();
    let want: BTreeSet<(String, String, String, i64, i64)> = [
        ("cni-version-old", "note", "net/10-east.conflist", 2, 17),
        (
            "duplicate-network",
            "warning",
            "net/20-west.conflist",
            3,
            11,
        ),
        ("unknown-key", "warning", "net/20-west.conflist", 8, 7),
        ("chained-only-first", "error", "net/30-broken.conf", 4, 11),
    ]
    .iter()
    .map(|(a, b, c, d, e)| (a.to_string(), b.to_string(), c.to_string(), *d, *e))
    .collect();
    assert_eq!(got, want);
    // Run from a subdirectory, the URIs stay relative to the repository root.
    let v = cnictl(
        r.path().join("net").as_path(),
        &["validate", "--static", "-o", "sarif", "20-west.conflist"],
        &[],
    )
    .expect(0, "sarif from a subdirectory")
    .json();
    assert_eq!(
        v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "net/20-west.conflist"
    );
}

#[test]
fn codeclimate_report_has_gitlabs_fields() {
    let r = repo();
    let v = cnictl(
        r.path(),
        &["validate", "--static", "-o", "codeclimate", "net"],
        &[],
    )
    .expect(1, "codeclimate")
    .json();
    let items = v.as_array().expect("an array");
    assert_eq!(items.len(), DIRECTORY.len());
    let mut prints = BTreeSet::new();
    for i in items {
        for key in ["description", "check_name", "fingerprint", "severity"] {
            assert!(i[key].is_string(), "{key} in {i}");
        }
        assert!(prints.insert(i["fingerprint"].as_str().unwrap().to_string()));
        assert!(["info", "minor", "major", "critical", "blocker"]
            .contains(&i["severity"].as_str().unwrap()));
        assert!(i["location"]["path"].as_str().unwrap().starts_with("net/"));
        assert!(
            i["location"]["positions"]["begin"]["line"]
                .as_u64()
                .unwrap()
                >= 1
        );
    }
    let sev = |rule: &str| {
        items
            .iter()
            .find(|i| i["check_name"] == rule)
            .map(|i| i["severity"].as_str().unwrap().to_string())
            .unwrap()
    };
    assert_eq!(sev("chained-only-first"), "critical");
    assert_eq!(sev("unknown-key"), "minor");
    assert_eq!(sev("cni-version-old"), "info");
}

/// (name, failure message, failure text) of every test case of a JUnit document, checking
/// the counts of the document against the cases.
fn junit_cases(xml: &str) -> Vec<(String, Option<String>, String)> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut cases: Vec<(String, Option<String>, String)> = Vec::new();
    let mut declared = (0, 0);
    let mut in_failure = false;
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => {
                let attr = |name: &str| {
                    e.try_get_attribute(name).unwrap().map(|a| {
                        a.normalized_value(quick_xml::XmlVersion::Explicit1_0)
                            .unwrap()
                            .into_owned()
                    })
                };
                match e.name().as_ref() {
                    b"testsuite" => {
                        declared = (
                            attr("tests").unwrap().parse().unwrap(),
                            attr("failures").unwrap().parse().unwrap(),
                        )
                    }
                    b"testcase" => cases.push((attr("name").unwrap(), None, String::new())),
                    b"failure" => {
                        cases.last_mut().unwrap().1 = attr("message");
                        in_failure = true;
                    }
                    _ => {}
                }
            }
            Event::Text(t) if in_failure => {
                cases.last_mut().unwrap().2 += &t.decode().unwrap();
            }
            Event::GeneralRef(r) if in_failure => {
                let name = r.decode().unwrap();
                cases.last_mut().unwrap().2 += match name.as_ref() {
                    "quot" => "\"",
                    "lt" => "<",
                    "gt" => ">",
                    "amp" => "&",
                    "apos" => "'",
                    other => panic!("entity {other}"),
                };
            }
            Event::End(e) if e.name().as_ref() == b"failure" => in_failure = false,
            _ => {}
        }
    }
    let failures = cases.iter().filter(|c| c.1.is_some()).count();
    assert_eq!(declared, (cases.len(), failures), "{xml}");
    cases
}

#[test]
fn junit_has_a_case_per_file_and_fails_on_errors_or_denied_warnings() {
    let r = repo();
    let xml = cnictl(
        r.path(),
        &["validate", "--static", "-o", "junit", "net"],
        &[],
    )
    .expect(1, "junit")
    .stdout;
    let cases = junit_cases(&xml);
    let names: Vec<&str> = cases.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(
        names,
        [
            "net/10-east.conflist",
            "net/20-west.conflist",
            "net/30-broken.conf"
        ]
    );
    assert_eq!(cases[0].1, None);
    assert_eq!(
        cases[1].1, None,
        "warnings do not fail without --deny-warnings"
    );
    assert_eq!(cases[2].1.as_deref(), Some("1 error"));
    assert!(
        cases[2].2.contains("[chained-only-first]"),
        "{}",
        cases[2].2
    );
    assert!(cases[2].2.contains("\"portmap\""), "{}", cases[2].2);

    let xml = cnictl(
        r.path(),
        &[
            "validate",
            "--static",
            "--deny-warnings",
            "-o",
            "junit",
            "net",
        ],
        &[],
    )
    .expect(1, "junit --deny-warnings")
    .stdout;
    let cases = junit_cases(&xml);
    assert_eq!(cases[0].1, None, "an info never fails");
    assert_eq!(cases[1].1.as_deref(), Some("2 warnings"));
    assert!(cases[1].2.contains("[duplicate-network]") && cases[1].2.contains("[unknown-key]"));
}

#[test]
fn github_output_closes_with_the_summary_and_fills_the_step_summary() {
    let r = repo();
    let summary = r.path().join("step-summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let out = cnictl(
        r.path(),
        &["validate", "--static", "-o", "github", "net"],
        &[("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())],
    )
    .expect(1, "github");
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(lines[0].starts_with("::notice file=net/10-east.conflist,line=2,col=17,"));
    assert_eq!(
        *lines.last().unwrap(),
        "1 error, 2 warnings, 1 info (3 files checked, directory mode)"
    );
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(
        md.starts_with("earlier step\n### cnictl validate\n"),
        "{md}"
    );
    assert!(
        md.contains("| `net/30-broken.conf` | 4:11 | error | `chained-only-first` |"),
        "{md}"
    );
    // Other commands refuse the validate-only formats.
    for o in ["github", "sarif", "codeclimate", "junit"] {
        let out = cnictl(r.path(), &["-o", o, "ls"], &[]).expect(2, o);
        assert!(
            out.stderr.contains(&format!(
                "ls does not print -o {o}; it accepts: table, wide, json"
            )),
            "{}",
            out.stderr
        );
    }
}

/// (rule, message, hint) of the findings of `file` in a `-o json` report.
fn messages(v: &serde_json::Value, file: &str) -> Vec<(String, String, String)> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"].as_str().unwrap().ends_with(file))
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
                d["hint"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn hints_say_what_the_plugin_concerned_reads() {
    let dir = tempfile::tempdir().unwrap();
    let bin = tempfile::tempdir().unwrap();
    for b in ["ptp", "host-local", "bandwidth"] {
        let p = bin.path().join(b);
        std::fs::write(&p, "#!/bin/sh\necho '{\"cniVersion\":\"1.0.0\",\"supportedVersions\":[\"0.3.1\",\"0.4.0\",\"1.0.0\"]}'\n").unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let hints = fixtures().join("hints");
    let v = cnictl(
        dir.path(),
        &[
            "--cni-path",
            bin.path().to_str().unwrap(),
            "validate",
            "--no-config",
            "--per-file",
            "-o",
            "json",
            hints.to_str().unwrap(),
        ],
        &[],
    )
    .expect(1, "hints")
    .json();

    // portmap's key is "snat" (default true): noSnat means "snat": false, not "snat".
    // (portmap is left off the CNI path, for the hint of plugin-not-found below.)
    let static_only = |file: &str| -> Vec<_> {
        messages(&v, file)
            .into_iter()
            .filter(|m| m.0 != "plugin-not-found")
            .collect()
    };
    let m = static_only("10-nosnat.conflist");
    assert_eq!(m.len(), 1, "{m:?}");
    assert_eq!(m[0].0, "unknown-key");
    assert!(m[0].2.contains("\"snat\": false"), "{}", m[0].2);
    assert!(!m[0].2.contains("did you mean"), "{}", m[0].2);

    // A static runtimeConfig on a plugin without capabilities is passed through unchanged.
    let m = static_only("20-static-runtimeconfig.conflist");
    assert_eq!(m.len(), 1, "{m:?}");
    assert_eq!(m[0].0, "reserved-key");
    assert!(
        m[0].1.contains(
            "declares no capabilities, so libcni passes the written one through unchanged"
        ),
        "{}",
        m[0].1
    );

    // flannel is not in Debian's reference plugins package; portmap is.
    let m = messages(&v, "30-flannel.conflist");
    let hint = |t: &str| {
        m.iter()
            .find(|x| x.0 == "plugin-not-found" && x.1.contains(&format!("\"{t}\"")))
            .map(|x| x.2.clone())
            .unwrap_or_else(|| panic!("no plugin-not-found for {t}: {m:?}"))
    };
    assert!(!hint("flannel").contains("containernetworking-plugins"));
    assert!(hint("flannel").contains("not a reference plugin"));
    assert!(hint("portmap").contains("containernetworking-plugins"));
}

#[test]
fn the_pre_commit_hook_checks_each_file_on_its_own_with_a_locked_build() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let hooks = std::fs::read_to_string(root.join(".pre-commit-hooks.yaml")).unwrap();
    let entry = hooks
        .lines()
        .find_map(|l| l.trim().strip_prefix("entry: "))
        .expect("an entry");
    let script = std::fs::read_to_string(root.join(entry)).unwrap();
    assert!(script.contains("cargo build --locked"), "{script}");
    assert!(
        script.contains("validate --static --per-file \"$@\""),
        "{script}"
    );
    let files = hooks
        .lines()
        .find_map(|l| l.trim().strip_prefix("files: "))
        .expect("a files pattern");
    assert!(
        !files.contains("\\.json$'") && files.contains("conflist"),
        "{files}"
    );
}
