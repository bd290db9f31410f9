//! `cnictl validate` end to end through the binary: the three output formats (plain string
//! snapshots; the configs are written to a temp dir and named by a relative path, so no temp
//! path reaches the output), exit codes, stdin, the default path, the CNI path notice, and
//! VERSION probes run once per binary.

mod common;

use common::{cnictl_bin, Run};
use std::path::Path;
use std::process::{Command, Stdio};

/// Runs cnictl in `cwd` with a clean environment (plus `env`), feeding `stdin`.
fn cnictl(cwd: &Path, args: &[&str], env: &[(&str, &str)], stdin: &str) -> Run {
    let mut cmd = Command::new(cnictl_bin());
    cmd.current_dir(cwd)
        .env_clear()
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("run cnictl");
    use std::io::Write;
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    Run::from(child.wait_with_output().expect("wait for cnictl"))
}

/// A temp dir with `net.d/` holding `files`.
fn lab(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let p = dir.path().join("net.d").join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

const MYNET: &str = r#"{
  "cniVersion": "1.0.0",
  "name": "mynet",
  "plugins": [
    {"type": "portmap", "capabilities": {"portMappings": true}},
    {
      "type": "bridge",
      "bridge": "cni0",
      "isGatway": true,
      "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.22.0.0/16"}]]}
    }
  ]
}
"#;

const CLEAN: &str = r#"{"cniVersion": "1.0.0", "name": "lo", "plugins": [{"type": "loopback"}]}"#;

const HUMAN: &str = r#"net.d/10-mynet.conflist
  5:14  error    "portmap" is the first plugin of the chain, but it only works after a plugin that returns a result: ADD fails  [chained-only-first]
                 hint: put "portmap" after the plugin that creates the interface (bridge, ptp, macvlan, ...)
   9:7  warning  unknown key "isGatway": bridge does not read it  [unknown-key]
                 hint: did you mean "isGateway"?

1 error, 1 warning (2 files checked, directory mode)
"#;

#[test]
fn human_report_is_grouped_by_file_with_counts() {
    let dir = lab(&[("10-mynet.conflist", MYNET), ("20-lo.conflist", CLEAN)]);
    let r = cnictl(
        dir.path(),
        &["validate", "--static", "--color", "never", "net.d"],
        &[],
        "",
    );
    let r = r.expect(1, "validate with an error");
    assert_eq!(r.stdout, HUMAN);
    assert_eq!(r.stderr, "");
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let dir = lab(&[("10-mynet.conflist", MYNET)]);
    let r = cnictl(
        dir.path(),
        &["validate", "--static", "--color", "always", "net.d"],
        &[],
        "",
    );
    assert!(r.stdout.contains("\x1b["), "{}", r.stdout);
    // Piped and auto: no colour.
    let r = cnictl(dir.path(), &["validate", "--static", "net.d"], &[], "");
    assert!(!r.stdout.contains('\x1b'), "{}", r.stdout);
}

#[test]
fn json_report_has_diagnostics_and_summary() {
    let dir = lab(&[("10-mynet.conflist", MYNET), ("20-lo.conflist", CLEAN)]);
    let r = cnictl(
        dir.path(),
        &["validate", "--static", "-o", "json", "net.d"],
        &[],
        "",
    );
    let r = r.expect(1, "validate -o json");
    let want = serde_json::json!({
        "version": 1,
        "diagnostics": [
            {
                "file": "net.d/10-mynet.conflist", "line": 5, "column": 14,
                "severity": "error", "rule": "chained-only-first",
                "message": "\"portmap\" is the first plugin of the chain, but it only works after a plugin that returns a result: ADD fails",
                "hint": "put \"portmap\" after the plugin that creates the interface (bridge, ptp, macvlan, ...)"
            },
            {
                "file": "net.d/10-mynet.conflist", "line": 9, "column": 7,
                "severity": "warning", "rule": "unknown-key",
                "message": "unknown key \"isGatway\": bridge does not read it",
                "hint": "did you mean \"isGateway\"?"
            }
        ],
        "notices": [],
        "summary": {"files": 2, "errors": 1, "warnings": 1, "infos": 0, "mode": "directory"}
    });
    assert_eq!(r.json(), want);
    assert!(r.stdout.ends_with("}\n"));
}

#[test]
fn github_commands_are_escaped() {
    // A file name with ':' and ',' (escaped in the file property) and a message with '%' and
    // a hint on a second line (escaped in the data).
    let dir = lab(&[
        ("10-mynet.conflist", MYNET),
        (
            "30-a:b,c.conflist",
            r#"{"cniVersion": "1.0.0", "name": "50%", "plugins": [{"type": "loopback"}]}"#,
        ),
    ]);
    let r = cnictl(
        dir.path(),
        &["validate", "--static", "-o", "github", "net.d"],
        &[],
        "",
    );
    let r = r.expect(1, "validate -o github");
    let want = concat!(
        "::error file=net.d/10-mynet.conflist,line=5,col=14,title=cnictl chained-only-first::\"portmap\" is the first plugin of the chain, but it only works after a plugin that returns a result: ADD fails%0Ahint: put \"portmap\" after the plugin that creates the interface (bridge, ptp, macvlan, ...)\n",
        "::warning file=net.d/10-mynet.conflist,line=9,col=7,title=cnictl unknown-key::unknown key \"isGatway\": bridge does not read it%0Ahint: did you mean \"isGateway\"?\n",
        "::error file=net.d/30-a%3Ab%2Cc.conflist,line=1,col=33,title=cnictl invalid-name::network name \"50%25\" has characters libcni rejects on ADD%0Ahint: use letters, digits, '_', '.' and '-', starting with a letter or digit\n",
        "2 errors, 1 warning (2 files checked, directory mode)\n",
    );
    assert_eq!(r.stdout, want);
}

#[test]
fn exit_codes() {
    let clean = lab(&[("20-lo.conflist", CLEAN)]);
    let r = cnictl(clean.path(), &["validate", "--static", "net.d"], &[], "");
    assert_eq!(
        r.expect(0, "clean").stdout,
        "1 file checked (directory mode): no errors, no warnings\n"
    );

    // cni-version-old is an info: --deny-warnings ignores it.
    let old = CLEAN.replace("1.0.0", "0.3.1");
    let info = lab(&[("20-lo.conflist", &old)]);
    let r = cnictl(
        info.path(),
        &["validate", "--static", "--deny-warnings", "net.d"],
        &[],
        "",
    );
    let r = r.expect(0, "an info with --deny-warnings");
    assert!(
        r.stdout
            .ends_with("0 errors, 0 warnings, 1 info (1 file checked, directory mode)\n"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("  info     "), "{}", r.stdout);

    let typo = CLEAN.replace(r#""type": "loopback""#, r#""type": "loopback", "mtuu": 1"#);
    let warn = lab(&[("20-lo.conflist", &typo)]);
    cnictl(warn.path(), &["validate", "--static", "net.d"], &[], "").expect(0, "warnings only");
    cnictl(
        warn.path(),
        &["validate", "--static", "--deny-warnings", "net.d"],
        &[],
        "",
    )
    .expect(1, "warnings with --deny-warnings");

    let r = cnictl(
        clean.path(),
        &["validate", "--static", "no-such-dir"],
        &[],
        "",
    );
    let r = r.expect(2, "a path that does not exist");
    assert_eq!(r.stdout, "");
    assert!(
        r.stderr.contains("no-such-dir: no such file or directory"),
        "{}",
        r.stderr
    );

    // Unreadable: a file where a directory is expected (root reads anything else).
    let r = cnictl(
        clean.path(),
        &["validate", "--static", "net.d/20-lo.conflist/x"],
        &[],
        "",
    );
    let r = r.expect(2, "a path under a file");
    assert!(
        r.stderr.contains("cannot read net.d/20-lo.conflist/x"),
        "{}",
        r.stderr
    );

    let r = cnictl(
        clean.path(),
        &["-o", "github", "check", "net", "ns"],
        &[],
        "",
    );
    let r = r.expect(2, "-o github on another command");
    assert!(
        r.stderr
            .contains("check does not print -o github; it accepts: table, json"),
        "{}",
        r.stderr
    );

    let r = cnictl(clean.path(), &["validate", "-", "-"], &[], "{}");
    assert!(r.expect(2, "stdin twice").stderr.contains("only once"));
}

#[test]
fn a_file_named_twice_is_checked_once() {
    let dir = lab(&[("10-mynet.conflist", MYNET), ("20-lo.conflist", CLEAN)]);
    let args = [
        "validate",
        "--static",
        "-o",
        "json",
        "net.d",
        "net.d/10-mynet.conflist",
        "net.d",
    ];
    let v = cnictl(dir.path(), &args, &[], "").expect(1, "twice").json();
    assert_eq!(v["summary"]["errors"], 1, "{v:#}");
    assert_eq!(v["summary"]["files"], 2, "{v:#}");
}

#[test]
fn stdin_is_checked_by_its_content() {
    let dir = tempfile::tempdir().unwrap();
    let r = cnictl(
        dir.path(),
        &["validate", "--static", "-o", "json", "-"],
        &[],
        MYNET,
    );
    let v = r.expect(1, "stdin").json();
    assert_eq!(v["diagnostics"][0]["file"], "<stdin>");
    assert_eq!(v["diagnostics"][0]["rule"], "chained-only-first");
    // A single-plugin object on stdin is read as one.
    let single = r#"{"cniVersion": "1.0.0", "name": "n", "type": "ptp"}"#;
    let r = cnictl(
        dir.path(),
        &["validate", "--static", "-o", "json", "-"],
        &[],
        single,
    );
    assert_eq!(
        r.expect(1, "stdin single").json()["diagnostics"][0]["rule"],
        "required-key"
    );
}

#[test]
fn default_path_is_the_config_dir() {
    let dir = lab(&[("10-mynet.conflist", MYNET)]);
    let r = cnictl(
        dir.path(),
        &["validate", "--static", "-o", "json"],
        &[("NETCONFPATH", "net.d")],
        "",
    );
    assert_eq!(r.expect(1, "NETCONFPATH").json()["summary"]["files"], 1);
    let r = cnictl(
        dir.path(),
        &["--conf-dir", "net.d", "validate", "--static", "-o", "json"],
        &[],
        "",
    );
    assert_eq!(r.expect(1, "--conf-dir").json()["summary"]["errors"], 1);
    // The default /etc/cni/net.d is never read in tests: a missing dir is an error (exit 2).
    let r = cnictl(dir.path(), &["--conf-dir", "missing", "validate"], &[], "");
    r.expect(2, "missing config dir");
}

#[test]
fn one_notice_when_no_cni_path_dir_exists() {
    let files: Vec<(String, String)> = (0..3)
        .map(|i| {
            (
                format!("{i}0-n.conflist"),
                CLEAN.replace("\"lo\"", &format!("\"n{i}\"")),
            )
        })
        .collect();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let dir = lab(&refs);
    let r = cnictl(
        dir.path(),
        &[
            "--cni-path",
            "/nonexistent-a:/nonexistent-b",
            "validate",
            "net.d",
        ],
        &[],
        "",
    );
    let r = r.expect(0, "no CNI path");
    assert_eq!(
        r.stderr,
        "note: no directory of the CNI path exists (/nonexistent-a:/nonexistent-b): plugin binaries and versions were not checked\n"
    );
    let r = cnictl(
        dir.path(),
        &[
            "--cni-path",
            "/nonexistent-a",
            "validate",
            "-o",
            "json",
            "net.d",
        ],
        &[],
        "",
    );
    assert_eq!(
        r.expect(0, "json").json()["notices"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn version_probes_run_once_per_binary() {
    let dir = lab(&[]);
    std::fs::create_dir(dir.path().join("net.d")).unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let log = dir.path().join("probes.log");
    let script = format!(
        "#!/bin/sh\necho \"$CNI_COMMAND\" >> {}\necho '{{\"cniVersion\":\"1.0.0\",\"supportedVersions\":[\"0.4.0\",\"1.0.0\"]}}'\n",
        log.display()
    );
    // Written and made executable before anything runs it.
    std::fs::write(bin.join("fakecni"), script).unwrap();
    std::fs::set_permissions(
        bin.join("fakecni"),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    for i in 0..3 {
        let text = format!(
            r#"{{"cniVersion": "1.0.0", "name": "n{i}", "plugins": [{{"type": "fakecni"}}]}}"#
        );
        std::fs::write(dir.path().join(format!("net.d/{i}0-n.conflist")), text).unwrap();
    }
    std::fs::write(
        dir.path().join("net.d/90-new.conflist"),
        r#"{"cniVersion": "1.1.0", "name": "new", "plugins": [{"type": "fakecni"}, {"type": "missing-one"}]}"#,
    )
    .unwrap();
    let r = cnictl(
        dir.path(),
        &["--cni-path", "bin", "validate", "-o", "json", "net.d"],
        &[],
        "",
    );
    let v = r.expect(1, "probes").json();
    assert_eq!(std::fs::read_to_string(&log).unwrap(), "VERSION\n");
    let d = v["diagnostics"].as_array().unwrap();
    assert_eq!(d.len(), 2, "{v:#}");
    assert_eq!(d[0]["rule"], "plugin-version-unsupported");
    assert_eq!(d[0]["file"], "net.d/90-new.conflist");
    let msg = d[0]["message"].as_str().unwrap();
    assert!(
        msg.contains("\"1.1.0\"") && msg.contains("it supports 0.4.0, 1.0.0"),
        "{msg}"
    );
    assert_eq!(d[1]["rule"], "plugin-not-found");
    assert!(d[1]["message"]
        .as_str()
        .unwrap()
        .contains("\"missing-one\""));
    // --static runs nothing.
    cnictl(
        dir.path(),
        &["--cni-path", "bin", "validate", "--static", "net.d"],
        &[],
        "",
    )
    .expect(0, "static");
    assert_eq!(std::fs::read_to_string(&log).unwrap(), "VERSION\n");
}

#[test]
fn help_lists_the_exit_codes_and_how_to_read_a_rule() {
    let dir = tempfile::tempdir().unwrap();
    let r = cnictl(dir.path(), &["validate", "--help"], &[], "").expect(0, "help");
    assert!(r.stdout.contains("--deny-warnings") && r.stdout.contains("--static"));
    assert!(r.stdout.contains("--explain RULE"), "{}", r.stdout);
    assert!(r.stdout.contains("2    could not run"), "{}", r.stdout);
}

/// Runs cnictl in `cwd` like `cnictl`, but kills it and fails the test when it has not
/// finished within `secs` (a hang must fail the test, not stall the suite).
fn cnictl_within(cwd: &Path, args: &[&str], secs: u64) -> Run {
    let mut child = Command::new(cnictl_bin())
        .current_dir(cwd)
        .env_clear()
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run cnictl");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    loop {
        if child.try_wait().expect("wait for cnictl").is_some() {
            return Run::from(child.wait_with_output().expect("collect output"));
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let out = child.wait_with_output().expect("collect output");
            panic!(
                "cnictl {args:?} still ran after {secs}s; killed. stdout:\n{}",
                String::from_utf8_lossy(&out.stdout)
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

fn rules_and_files(v: &serde_json::Value) -> Vec<(String, String)> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_fifo_in_a_scanned_directory_is_a_finding_not_a_hang() {
    let dir = lab(&[("10-mynet.conflist", MYNET), ("30-lo.conflist", CLEAN)]);
    let status = Command::new("mkfifo")
        .arg(dir.path().join("net.d/20-pipe.conflist"))
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    let r = cnictl_within(
        dir.path(),
        &["validate", "--static", "-o", "json", "net.d"],
        30,
    );
    let v = r.expect(1, "a FIFO in the directory").json();
    assert_eq!(
        rules_and_files(&v),
        [
            (
                "chained-only-first".into(),
                "net.d/10-mynet.conflist".into()
            ),
            ("unknown-key".into(), "net.d/10-mynet.conflist".into()),
            ("unreadable-file".into(), "net.d/20-pipe.conflist".into()),
        ],
        "{v:#}"
    );
    assert_eq!(v["summary"]["files"], 3, "{v:#}");
}

#[test]
fn dev_zero_on_the_command_line_is_a_finding_not_a_read() {
    let dir = tempfile::tempdir().unwrap();
    let r = cnictl_within(
        dir.path(),
        &["validate", "--static", "-o", "json", "/dev/zero"],
        30,
    );
    let v = r.expect(1, "/dev/zero").json();
    assert_eq!(
        rules_and_files(&v),
        [("unreadable-file".into(), "/dev/zero".into())],
        "{v:#}"
    );
    let msg = v["diagnostics"][0]["message"].as_str().unwrap();
    assert!(msg.contains("character device"), "{msg}");
}

#[test]
fn one_bad_entry_does_not_lose_the_other_files_findings() {
    let dir = lab(&[("10-mynet.conflist", MYNET)]);
    let d = dir.path().join("net.d");
    std::os::unix::fs::symlink("gone.conflist", d.join("20-dangling.conflist")).unwrap();
    std::os::unix::fs::symlink("30-loop.conflist", d.join("30-loop.conflist")).unwrap();
    std::fs::create_dir(dir.path().join("elsewhere")).unwrap();
    std::os::unix::fs::symlink("../elsewhere", d.join("40-dir.conflist")).unwrap();
    // A real directory named like a config is skipped, as runtimes skip it.
    std::fs::create_dir(d.join("50-real-dir.conflist")).unwrap();
    let r = cnictl_within(
        dir.path(),
        &["validate", "--static", "-o", "json", "net.d"],
        30,
    );
    let v = r.expect(1, "broken entries").json();
    assert_eq!(
        rules_and_files(&v),
        [
            (
                "chained-only-first".into(),
                "net.d/10-mynet.conflist".into()
            ),
            ("unknown-key".into(), "net.d/10-mynet.conflist".into()),
            (
                "unreadable-file".into(),
                "net.d/20-dangling.conflist".into()
            ),
            ("unreadable-file".into(), "net.d/30-loop.conflist".into()),
            ("unreadable-file".into(), "net.d/40-dir.conflist".into()),
        ],
        "{v:#}"
    );
    // Named on the command line, a dangling symlink is a path that does not exist: exit 2.
    let r = cnictl_within(
        dir.path(),
        &["validate", "--static", "net.d/20-dangling.conflist"],
        30,
    );
    let r = r.expect(2, "a dangling symlink named on the command line");
    assert!(
        r.stderr
            .contains("net.d/20-dangling.conflist: no such file or directory"),
        "{}",
        r.stderr
    );
    // A symlink loop named there exists, but cannot be read: a finding.
    let r = cnictl_within(
        dir.path(),
        &[
            "validate",
            "--static",
            "-o",
            "json",
            "net.d/30-loop.conflist",
        ],
        30,
    );
    let v = r
        .expect(1, "a symlink loop named on the command line")
        .json();
    assert_eq!(
        rules_and_files(&v),
        [("unreadable-file".into(), "net.d/30-loop.conflist".into())]
    );
}

#[test]
fn the_table_escapes_control_characters_of_file_names() {
    let name = "10-a\x1b[31mred\nb.conflist";
    let dir = lab(&[(name, &CLEAN.replace("1.0.0", "0.3.1"))]);
    let r = cnictl(
        dir.path(),
        &["validate", "--static", "--color", "never", "net.d"],
        &[],
        "",
    );
    let r = r.expect(0, "warnings only");
    assert!(!r.stdout.contains('\x1b'), "{:?}", r.stdout);
    assert!(
        r.stdout
            .starts_with("net.d/10-a\\u001b[31mred\\nb.conflist\n  1:16  info"),
        "{:?}",
        r.stdout
    );
    // JSON escapes the name as JSON does; GitHub's workflow commands escape the newline.
    let r = cnictl(
        dir.path(),
        &["validate", "--static", "-o", "json", "net.d"],
        &[],
        "",
    );
    assert_eq!(
        r.expect(0, "json").json()["diagnostics"][0]["file"],
        format!("net.d/{name}")
    );
    let r = cnictl(
        dir.path(),
        &["validate", "--static", "-o", "github", "net.d"],
        &[],
        "",
    );
    let r = r.expect(0, "github");
    assert!(
        r.stdout.starts_with("::notice file=net.d/10-a")
            && r.stdout.contains("red%0Ab.conflist,line=1,col=16,"),
        "{:?}",
        r.stdout
    );
}

#[test]
fn hints_for_a_missing_version_and_a_missing_comma() {
    let dir = lab(&[
        (
            "10-noversion.conflist",
            r#"{"name": "a", "plugins": [{"type": "loopback"}]}"#,
        ),
        (
            "20-typo.conflist",
            "{\n  \"cniVerison\": \"1.0.0\",\n  \"name\": \"b\",\n  \"plugin\": [{\"type\": \"loopback\"}]\n}\n",
        ),
        (
            "30-comma.conflist",
            r#"{"cniVersion": "1.0.0" "name": "c", "plugins": [{"type": "loopback"}]}"#,
        ),
    ]);
    let r = cnictl(
        dir.path(),
        &["validate", "--static", "-o", "json", "net.d"],
        &[],
        "",
    );
    let v = r.expect(1, "hints").json();
    let got: Vec<(String, String, u64, u64, String)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches("net.d/")
                    .to_string(),
                d["rule"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["hint"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let want: Vec<(String, String, u64, u64, String)> = [
        (
            "10-noversion.conflist",
            "cni-version-missing",
            1,
            1,
            "add \"cniVersion\": \"1.0.0\" (or the version your plugins support)",
        ),
        (
            "20-typo.conflist",
            "no-plugins",
            1,
            1,
            "\"plugin\" (line 4, column 3) looks like a misspelling of \"plugins\"",
        ),
        (
            "20-typo.conflist",
            "cni-version-missing",
            1,
            1,
            "\"cniVerison\" (line 2, column 3) looks like a misspelling of \"cniVersion\"",
        ),
        (
            "20-typo.conflist",
            "unknown-key",
            2,
            3,
            "did you mean \"cniVersion\"?",
        ),
        (
            "20-typo.conflist",
            "unknown-key",
            4,
            3,
            "did you mean \"plugins\"?",
        ),
        (
            "30-comma.conflist",
            "json-syntax",
            1,
            24,
            "a comma is probably missing just before this point",
        ),
    ]
    .into_iter()
    .map(|(f, r, l, c, h)| (f.to_string(), r.to_string(), l, c, h.to_string()))
    .collect();
    assert_eq!(got, want, "{v:#}");
}
