//! One cap for every input (no root, fake plugins): stdin, `--valid-from` (a file, `-`, a
//! device), config files, cache files and a plugin's stdout are read up to 16 MiB and refused
//! past it with an error that names the input and the cap, never read on until memory runs
//! out. Every run that could read without end is bounded twice: its address space (`prlimit
//! --as`, far below what an uncapped read of its input takes) and a wall-clock limit after
//! which it is killed and the test fails.

mod common;

use common::fake::{tags, the_error, Sandbox};
use common::Run;
use serde_json::{json, Value};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The cap (cnictl's `safe_read::MAX_INPUT_BYTES` and its plugin stdout cap).
const CAP: u64 = 16 << 20;
/// cnictl's cap on a plugin's stderr.
const STDERR_CAP: u64 = 1 << 20;
/// Address space for cnictl: room for a capped read (a 16 MiB buffer that may double), not
/// for an uncapped one of /dev/zero or of 100 MB.
const LIMIT_AS: &str = "--as=268435456";
/// Wall-clock limit of one bounded run.
const LIMIT_SECS: u64 = 60;

/// Where a bounded run's stdin comes from.
enum Input<'a> {
    /// This file (or device) opened as stdin.
    File(&'a Path),
    /// This file's bytes written into a pipe (ends when cnictl closes it).
    Pipe(&'a Path),
}

/// Runs cnictl with `args` under `prlimit --as` and a wall-clock limit, stdin from `input`,
/// the environment cleared; output collected through files (no pipe to fill).
fn bounded(args: &[&str], input: Input<'_>) -> Run {
    let out = tempfile::tempdir().unwrap();
    let mut cmd = Command::new("prlimit");
    cmd.arg(LIMIT_AS)
        .arg(common::cnictl_bin())
        .args(args)
        .env_clear()
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .current_dir(out.path())
        .stdout(File::create(out.path().join("stdout")).unwrap())
        .stderr(File::create(out.path().join("stderr")).unwrap());
    let mut feeder = None;
    match input {
        Input::File(p) => {
            cmd.stdin(File::open(p).unwrap());
        }
        Input::Pipe(_) => {
            cmd.stdin(Stdio::piped());
        }
    }
    let mut child = cmd.spawn().expect("run prlimit cnictl");
    if let Input::Pipe(p) = input {
        let mut src = File::open(p).unwrap();
        let mut sink = child.stdin.take().unwrap();
        // cnictl stops reading past the cap: the write then fails with EPIPE, which is fine.
        feeder = Some(std::thread::spawn(move || {
            let _ = std::io::copy(&mut src, &mut sink);
        }));
    }
    let start = Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if start.elapsed() > Duration::from_secs(LIMIT_SECS) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("cnictl {args:?} still ran after {LIMIT_SECS}s: killed");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    if let Some(f) = feeder {
        f.join().unwrap();
    }
    let read =
        |f: &str| String::from_utf8_lossy(&std::fs::read(out.path().join(f)).unwrap()).into_owned();
    Run {
        code: status.code().unwrap_or(-1),
        stdout: read("stdout"),
        stderr: read("stderr"),
    }
}

/// The findings of a `validate -o json` run as (rule, file, severity, message).
fn findings(v: &Value) -> Vec<(String, String, String, String)> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let s = |k: &str| d[k].as_str().unwrap().to_string();
            (s("rule"), s("file"), s("severity"), s("message"))
        })
        .collect()
}

#[test]
fn validate_stdin_from_dev_zero_ends_with_the_cap_finding() {
    let r = bounded(
        &["validate", "--static", "-o", "json", "-"],
        Input::File(Path::new("/dev/zero")),
    );
    let v = r.expect(1, "validate - < /dev/zero").json();
    assert_eq!(
        findings(&v),
        [(
            "unreadable-file".into(),
            "<stdin>".into(),
            "error".into(),
            "the input is larger than the 16 MiB cnictl reads of one input: it is not a network configuration".into()
        )],
        "{v:#}"
    );
}

/// A config of just over 100 MB (valid JSON, one bridge plugin padded by a long string).
fn write_big_config(path: &Path) -> u64 {
    let mut f = File::create(path).unwrap();
    f.write_all(br#"{"cniVersion":"1.0.0","name":"big","plugins":[{"type":"bridge","pad":""#)
        .unwrap();
    let chunk = vec![b'x'; 1 << 20];
    for _ in 0..100 {
        f.write_all(&chunk).unwrap();
    }
    f.write_all(br#""}]}"#).unwrap();
    f.sync_all().unwrap();
    f.metadata().unwrap().len()
}

#[test]
fn a_100_mb_config_is_refused_alike_piped_to_stdin_and_in_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    let net_d = dir.path().join("net.d");
    std::fs::create_dir(&net_d).unwrap();
    let big = net_d.join("10-big.conflist");
    let size = write_big_config(&big);
    assert!(size > 100 << 20);

    let in_dir = bounded(
        &[
            "validate",
            "--static",
            "-o",
            "json",
            net_d.to_str().unwrap(),
        ],
        Input::File(Path::new("/dev/null")),
    );
    let in_dir = in_dir.expect(1, "a 100 MB config in a directory").json();
    let piped = bounded(
        &["validate", "--static", "-o", "json", "-"],
        Input::Pipe(&big),
    );
    let piped = piped
        .expect(1, "a 100 MB config piped to validate -")
        .json();
    let tail =
        "larger than the 16 MiB cnictl reads of one input: it is not a network configuration";
    assert_eq!(
        findings(&in_dir),
        [(
            "unreadable-file".into(),
            big.display().to_string(),
            "error".into(),
            format!("the file is {size} bytes, {tail}")
        )],
        "{in_dir:#}"
    );
    assert_eq!(
        findings(&piped),
        [(
            "unreadable-file".into(),
            "<stdin>".into(),
            "error".into(),
            format!("the input is {tail}")
        )],
        "{piped:#}"
    );
    assert_eq!(in_dir["summary"]["errors"], 1);
    assert_eq!(piped["summary"]["errors"], 1);
    // The temp dir (and its 100 MB) goes now, not at the end of the test run.
    drop(dir);
}

#[test]
fn a_config_at_the_cap_is_still_read() {
    // Exactly the cap, piped: read whole, so its findings are about its content.
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("at-cap.conflist");
    let head = br#"{"cniVersion":"1.0.0","name":"atcap","plugins":[{"type":"bridge"}],"pad":""#;
    let tail = br#""}"#;
    let mut file = File::create(&f).unwrap();
    file.write_all(head).unwrap();
    let pad = CAP as usize - head.len() - tail.len();
    file.write_all(&vec![b'x'; pad]).unwrap();
    file.write_all(tail).unwrap();
    drop(file);
    assert_eq!(std::fs::metadata(&f).unwrap().len(), CAP);
    let r = bounded(
        &["validate", "--static", "-o", "json", "-"],
        Input::Pipe(&f),
    );
    let v: Value = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stderr));
    assert!(
        findings(&v)
            .iter()
            .all(|(rule, ..)| rule != "unreadable-file"),
        "{v:#}"
    );
}

fn gc_sandbox() -> Sandbox {
    let sb = Sandbox::new(&["p1"]);
    sb.conflist("n1", "1.0.0", json!([{"type": "p1"}]));
    sb
}

#[test]
fn gc_valid_from_dev_zero_is_refused_at_the_cap() {
    let sb = gc_sandbox();
    let r = sb
        .cnictl()
        .wrapped(&["prlimit", LIMIT_AS])
        .args(&["gc", "n1", "--valid-from", "/dev/zero"])
        .run();
    let r = r.expect(2, "gc --valid-from /dev/zero");
    assert_eq!(
        the_error(&r),
        "error: --valid-from /dev/zero: larger than the 16 MiB cnictl reads of one input"
    );
    assert!(sb.calls().is_empty(), "nothing may run");
}

#[test]
fn gc_valid_from_stdin_is_capped_too() {
    let sb = gc_sandbox();
    let conf_dir = sb.conf_dir().to_string_lossy().into_owned();
    let cni_path = sb.bin().to_string_lossy().into_owned();
    let cache_dir = sb.cache_dir().to_string_lossy().into_owned();
    let args = [
        "--conf-dir",
        &conf_dir,
        "--cni-path",
        &cni_path,
        "--cache-dir",
        &cache_dir,
        "gc",
        "n1",
        "--valid-from",
        "-",
    ];
    let r = bounded(&args, Input::File(Path::new("/dev/zero")));
    let r = r.expect(2, "gc --valid-from - < /dev/zero");
    assert_eq!(
        the_error(&r),
        "error: --valid-from -: larger than the 16 MiB cnictl reads of one input"
    );
    assert!(sb.calls().is_empty(), "nothing may run");
    assert!(sb.cache_files().is_empty());
}

#[test]
fn gc_valid_from_a_pipe_is_read() {
    // A FIFO (what the shell's `<(...)` gives) is a stream the user named: read, not refused.
    let sb = gc_sandbox();
    let fifo = sb.path("valid.fifo");
    let status = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(status.success());
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, "[]\n").unwrap())
    };
    let r = sb
        .run(&["gc", "n1", "--valid-from", fifo.to_str().unwrap()])
        .expect(0, "gc --valid-from FIFO");
    writer.join().unwrap();
    assert!(!r.stderr.contains("error"), "{}", r.stderr);
}

#[test]
fn an_oversized_cache_file_is_reported_by_attachments_and_the_rest_listed() {
    let sb = Sandbox::new(&["p1"]);
    sb.conflist("n1", "1.0.0", json!([{"type": "p1"}]));
    sb.run(&["add", "--container-id", "c1", "n1", sb.ns()])
        .expect(0, "add c1");
    sb.run(&["add", "--container-id", "c2", "n1", sb.ns(), "-i", "eth1"])
        .expect(0, "add c2");
    let big: PathBuf = sb.cache_file("n1", "c2", "eth1");
    // Sparse: a file of cap + 1 bytes that takes no disk.
    File::options()
        .write(true)
        .open(&big)
        .unwrap()
        .set_len(CAP + 1)
        .unwrap();
    let r = sb
        .cnictl()
        .wrapped(&["prlimit", LIMIT_AS])
        .args(&["-o", "json", "attachments"])
        .run()
        .expect(0, "attachments");
    let v = r.json();
    let ids: Vec<&str> = v["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["containerId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["c1"], "{v:#}");
    let reason = format!(
        "corrupt cache file: {} bytes, larger than the 16 MiB cnictl reads of one input",
        CAP + 1
    );
    assert_eq!(
        v["skipped"],
        json!([{"file": big.to_string_lossy(), "reason": reason}]),
        "{v:#}"
    );
    assert!(
        r.stderr
            .contains(&format!("warning: {}: {reason} (skipped)", big.display())),
        "{}",
        r.stderr
    );
}

/// A 3-plugin chain whose second plugin's ADD floods `stream` with `bytes` bytes and exits
/// `exit`: the add fails (exit 1), the chain is rolled back, nothing is cached.
fn flooding_p2(bytes: u64, stream: &str, exit: i32) -> (Run, String) {
    let sb = Sandbox::new(&["p1", "p2", "p3"]);
    sb.conflist(
        "n1",
        "1.0.0",
        json!([{"type": "p1"}, {"type": "p2"}, {"type": "p3"}]),
    );
    sb.rules(json!([{"plugin": "p2", "command": "ADD", "action": "flood",
        "bytes": bytes, "stream": stream, "exit": exit}]));
    let r = sb
        .cnictl()
        .wrapped(&["prlimit", LIMIT_AS])
        .args(&["add", "n1", sb.ns()])
        .run()
        .expect(1, "add with a flooding p2");
    assert_eq!(r.stdout, "");
    assert_eq!(
        tags(&sb.take_calls()),
        ["p1 ADD", "p2 ADD", "p3 DEL", "p2 DEL", "p1 DEL"]
    );
    assert!(sb.cache_files().is_empty(), "no cache entry");
    let line = the_error(&r);
    (r, line)
}

#[test]
fn plugin_stdout_one_byte_over_the_cap_is_cut_and_says_so() {
    for exit in [0, 1] {
        let (_, line) = flooding_p2(CAP + 1, "stdout", exit);
        assert_eq!(
            line,
            format!("error: plugin \"p2\" failed (ADD): output cut at {CAP} bytes, the most cnictl reads of a plugin's stdout: exit status {exit}")
        );
        assert!(!line.contains("unexpected end of JSON input"), "{line}");
    }
}

#[test]
fn plugin_stderr_keeps_its_own_smaller_cap_and_note() {
    let (r, line) = flooding_p2(STDERR_CAP + 1, "stderr", 1);
    assert!(
        line.starts_with("error: plugin \"p2\" failed (ADD): netplugin failed: "),
        "{line}"
    );
    assert!(!line.contains("output cut"), "{line}");
    assert!(
        r.stderr.contains(&format!(
            "[cnictl: stderr truncated after {STDERR_CAP} bytes]"
        )),
        "no truncation note"
    );
}
