//! Tests of [`RawExec`] against real processes. The "plugin" is `/bin/sh` with no argument, so
//! it reads its script from stdin (no script file is written: writing an executable while other
//! test threads fork is what causes ETXTBSY), or `/bin/cat`.

use super::*;
use crate::invoke::plugin_failure;
use std::sync::atomic::{AtomicUsize, Ordering};

const SH: &str = "/bin/sh";

fn env() -> Vec<(OsString, OsString)> {
    vec![("PATH".into(), "/usr/bin:/bin".into())]
}

fn sh(script: &str, limits: &ExecLimits) -> Result<ExecOutput, ExecError> {
    RawExec::new().exec(Path::new(SH), script.as_bytes(), &env(), limits)
}

fn timeout(secs: f64) -> ExecLimits {
    ExecLimits {
        timeout: Some(Duration::from_secs_f64(secs)),
        interrupt: None,
    }
}

/// True when process `pid` is gone (or a zombie nobody reaped yet).
fn gone(pid: &str) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit(')')
            .next()
            .is_some_and(|rest| rest.trim_start().starts_with('Z')),
    }
}

#[test]
fn exit_code_stdout_stderr_and_elapsed() {
    let out = sh("echo out; echo err >&2; exit 3\n", &ExecLimits::default()).unwrap();
    assert_eq!(out.stdout, b"out\n");
    assert_eq!(out.stderr, b"err\n");
    assert_eq!(out.exit_code, Some(3));
    assert_eq!(out.signal, None);
    assert!(!out.timed_out && !out.is_success());
    assert!(out.elapsed > Duration::ZERO);
    let msg = plugin_failure(&out).error.msg;
    assert!(
        msg.starts_with("netplugin failed but error parsing its diagnostic message \"out\\n\": "),
        "{msg}"
    );
}

#[test]
fn env_is_exactly_what_was_given() {
    let given: Vec<(OsString, OsString)> = vec![
        ("PATH".into(), "/usr/bin:/bin".into()),
        ("CNI_COMMAND".into(), "ADD".into()),
        ("WEIRD".into(), "a b=c;d".into()),
        ("EMPTY".into(), "".into()),
    ];
    // The shell's own initial environment, as the kernel handed it over.
    let out = RawExec::new()
        .exec(
            Path::new(SH),
            b"cat /proc/$$/environ\n",
            &given,
            &ExecLimits::default(),
        )
        .unwrap();
    assert!(out.is_success(), "{out:?}");
    let mut got: Vec<String> = out
        .stdout
        .split(|b| *b == 0)
        .filter(|s| !s.is_empty())
        .map(|s| String::from_utf8_lossy(s).into_owned())
        .collect();
    got.sort();
    let mut want: Vec<String> = given
        .iter()
        .map(|(k, v)| format!("{}={}", k.to_string_lossy(), v.to_string_lossy()))
        .collect();
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn signal_is_reported_by_name() {
    let out = sh("kill -SEGV $$\nsleep 5\n", &ExecLimits::default()).unwrap();
    assert_eq!(out.signal.as_deref(), Some("SIGSEGV"));
    assert_eq!(out.exit_code, None);
    assert!(plugin_failure(&out)
        .error
        .msg
        .starts_with("netplugin failed with no error message: signal: segmentation fault"));
}

#[test]
fn timeout_kills_the_whole_group() {
    let start = Instant::now();
    let out = sh("sleep 100 &\necho $!\nsleep 100\n", &timeout(1.0)).unwrap();
    let took = start.elapsed();
    assert!(took < Duration::from_millis(2500), "took {took:?}");
    assert!(took >= Duration::from_secs(1), "took {took:?}");
    assert!(out.timed_out);
    assert_eq!(out.signal.as_deref(), Some("SIGKILL"));
    assert_eq!(out.timeout, Some(Duration::from_secs(1)));
    let msg = plugin_failure(&out).error.msg;
    assert_eq!(
        msg,
        "netplugin failed with no error message: signal: killed (timed out after 1s)"
    );
    // The background sleep was in the group: it is dead too.
    let pid = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(!pid.is_empty());
    let until = Instant::now() + Duration::from_secs(2);
    while !gone(&pid) && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(gone(&pid), "grandchild {pid} survived");
}

#[test]
fn grandchild_holding_the_pipes_does_not_hang() {
    let start = Instant::now();
    let out = sh("sleep 3 &\necho done\n", &ExecLimits::default()).unwrap();
    assert!(
        start.elapsed() < Duration::from_millis(1500),
        "took {:?}",
        start.elapsed()
    );
    assert_eq!(out.stdout, b"done\n");
    assert_eq!(out.exit_code, Some(0));
    assert!(out.is_success());
}

#[test]
fn plugin_that_never_reads_a_large_stdin_does_not_block() {
    let mut script = b"exec sleep 1\n".to_vec();
    script.resize(1 << 20, b'#');
    let start = Instant::now();
    let out = RawExec::new()
        .exec(Path::new(SH), &script, &env(), &timeout(10.0))
        .unwrap();
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "took {:?}",
        start.elapsed()
    );
    assert!(out.is_success(), "{out:?}");
    // Closing stdin early is not an error either.
    let out = sh(
        &format!("exit 0\n{}", "#".repeat(1 << 20)),
        &ExecLimits::default(),
    )
    .unwrap();
    assert!(out.is_success());
}

#[test]
fn large_stdin_and_stdout_flow_concurrently() {
    // cat echoes while we write: a writer that did not drain at the same time would deadlock.
    let input: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    let out = RawExec::new()
        .exec(Path::new("/bin/cat"), &input, &env(), &timeout(20.0))
        .unwrap();
    assert!(out.is_success());
    assert_eq!(out.stdout.len(), input.len());
    assert!(out.stdout == input);
}

#[test]
fn flood_is_capped_but_drained() {
    let exec = RawExec {
        stdout_cap: 1 << 20,
        stderr_cap: 1000,
        ..RawExec::new()
    };
    let script =
        b"head -c 30000000 /dev/zero; head -c 5000 /dev/zero | tr '\\0' e >&2; echo tail\n";
    let out = exec
        .exec(Path::new(SH), script, &env(), &timeout(30.0))
        .unwrap();
    assert_eq!(out.exit_code, Some(0));
    assert_eq!(out.stdout.len(), 1 << 20);
    assert!(out.stdout_truncated);
    assert!(!out.is_success(), "a cut stdout is not a success");
    assert_eq!(out.stderr, vec![b'e'; 1000]);
    assert!(out.stderr_truncated);
    let f = plugin_failure(&out);
    assert!(f
        .stderr
        .ends_with("[cnictl: stderr truncated after 1000 bytes]"));
}

#[test]
fn interrupt_kills_and_reports_the_signal() {
    let flag = Arc::new(AtomicUsize::new(0));
    let limits = ExecLimits {
        timeout: None,
        interrupt: Some(flag.clone()),
    };
    let setter = {
        let flag = flag.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            flag.store(libc::SIGINT as usize, Ordering::SeqCst);
        })
    };
    let start = Instant::now();
    let err = sh("sleep 100\n", &limits).unwrap_err();
    let _ = setter.join();
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "took {:?}",
        start.elapsed()
    );
    assert!(matches!(err, ExecError::Interrupted(2)), "{err:?}");
    // Already set: nothing is started.
    assert!(matches!(
        sh("exit 0\n", &limits),
        Err(ExecError::Interrupted(2))
    ));
}

#[test]
fn spawn_errors_name_the_path() {
    let err = RawExec::new()
        .exec(
            Path::new("/nonexistent/plugin"),
            b"",
            &env(),
            &ExecLimits::default(),
        )
        .unwrap_err();
    assert!(matches!(err, ExecError::NotFound { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "cannot run plugin /nonexistent/plugin: no such file or directory"
    );

    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("not-executable");
    std::fs::write(&plain, b"#!/bin/sh\n").unwrap();
    let err = RawExec::new()
        .exec(&plain, b"", &env(), &ExecLimits::default())
        .unwrap_err();
    assert!(matches!(err, ExecError::PermissionDenied { .. }), "{err:?}");
    assert!(err.to_string().contains(&plain.display().to_string()));
}

#[test]
fn busy_binary_is_retried_then_reported() {
    use std::os::unix::fs::OpenOptionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("busy");
    // Keep the file open for writing while starting it: ETXTBSY.
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o755)
        .open(&path)
        .unwrap();
    f.write_all(b"#!/bin/sh\nexit 0\n").unwrap();
    f.flush().unwrap();
    let start = Instant::now();
    match RawExec::new().exec(&path, b"", &env(), &ExecLimits::default()) {
        Err(ExecError::TextBusy { attempts, .. }) => {
            assert_eq!(attempts, TXTBSY_ATTEMPTS);
            assert!(start.elapsed() >= TXTBSY_PAUSE * (TXTBSY_ATTEMPTS - 1));
        }
        other => panic!("expected text file busy, got {other:?}"),
    }
    drop(f);
}

#[test]
fn spawner_hook_runs_the_spawn() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let spawner: Spawner = Arc::new(move |job: SpawnJob| {
        counter.fetch_add(1, Ordering::SeqCst);
        std::thread::spawn(job)
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("spawn thread panicked")))
    });
    let out = RawExec::with_spawner(spawner)
        .exec(Path::new(SH), b"echo hi\n", &env(), &ExecLimits::default())
        .unwrap();
    assert_eq!(out.stdout, b"hi\n");
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

/// The fake plugin example, driven through `RawExec`. Needs the example binary:
/// `cargo build --example fake_plugin && cargo test --lib -- --ignored fake_plugin`.
#[test]
#[ignore = "needs `cargo build --example fake_plugin` first"]
fn fake_plugin_through_raw_exec() {
    use crate::invoke::{build_env, CniArgs, Command};
    // target/<profile>/deps/cnictl-<hash> → target/<profile>/examples/fake_plugin
    let me = std::env::current_exe().unwrap();
    let fake = me
        .parent()
        .and_then(Path::parent)
        .unwrap()
        .join("examples/fake_plugin");
    assert!(
        fake.is_file(),
        "{} missing: build the example first",
        fake.display()
    );
    let dir = tempfile::tempdir().unwrap();
    // Hard links: no file is open for writing when it runs (no ETXTBSY).
    for name in ["flood", "holder", "plain"] {
        std::fs::hard_link(&fake, dir.path().join(name)).unwrap();
    }
    let log = dir.path().join("log.jsonl");
    let script = dir.path().join("script.json");
    let rules = serde_json::json!({"log": log, "rules": [
        {"plugin": "flood", "action": "flood", "bytes": 104_857_600},
        {"plugin": "holder", "action": "sleep_child", "secs": 5},
    ]});
    std::fs::write(&script, rules.to_string()).unwrap();
    let parent: Vec<(OsString, OsString)> = vec![
        ("FAKE_PLUGIN_SCRIPT".into(), script.clone().into()),
        ("CAP_ARGS".into(), "{}".into()),
    ];
    let args = CniArgs {
        container_id: "c1".into(),
        netns: "/var/run/netns/x".into(),
        ifname: "eth9".into(),
        ..Default::default()
    };
    let env = build_env(&parent, Command::Add, &args);
    let limits = timeout(30.0);

    let out = RawExec::new()
        .exec(&dir.path().join("flood"), b"{}", &env, &limits)
        .unwrap();
    assert_eq!(out.exit_code, Some(0));
    assert_eq!(out.stdout.len(), DEFAULT_STDOUT_CAP);
    assert!(out.stdout_truncated);
    // A result cut at the cap is incomplete: never a success, whatever the exit status.
    assert!(!out.is_success());
    assert_eq!(
        crate::invoke::plugin_failure(&out).error.msg,
        format!(
            "output cut at {DEFAULT_STDOUT_CAP} bytes, the most cnictl reads of a plugin's stdout: exit status 0"
        )
    );

    let start = Instant::now();
    let out = RawExec::new()
        .exec(&dir.path().join("holder"), b"{}", &env, &limits)
        .unwrap();
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "took {:?}",
        start.elapsed()
    );
    assert!(out.is_success());

    let out = RawExec::new()
        .exec(
            &dir.path().join("plain"),
            br#"{"cniVersion":"1.0.0"}"#,
            &env,
            &limits,
        )
        .unwrap();
    let result: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(result["interfaces"][0]["name"], "eth9");

    let lines = std::fs::read_to_string(&log).unwrap();
    let records: Vec<serde_json::Value> = lines
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 3);
    assert_eq!(records[2]["plugin"], "plain");
    assert_eq!(records[2]["env"]["CNI_IFNAME"], "eth9");
    assert_eq!(records[2]["has_cap_args"], false);
    assert_eq!(records[2]["path"], crate::invoke::DEFAULT_PATH);
}

/// The plugin starts with no signal blocked and SIGPIPE at its default (the test process, like
/// cnictl, ignores SIGPIPE: a plugin inheriting that would not die writing to a closed pipe).
#[test]
fn plugin_starts_with_default_sigpipe_and_empty_mask() {
    let out = sh(
        "grep -E '^Sig(Blk|Ign):' /proc/self/status\n",
        &ExecLimits::default(),
    )
    .unwrap();
    assert!(out.is_success(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mask = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| u64::from_str_radix(v.trim(), 16).ok())
            .unwrap_or_else(|| panic!("no {name} in {text}"))
    };
    assert_eq!(mask("SigBlk:"), 0, "{text}");
    let sigpipe_bit = 1u64 << (libc::SIGPIPE - 1);
    assert_eq!(mask("SigIgn:") & sigpipe_bit, 0, "SIGPIPE ignored: {text}");
}

/// A binary that cannot be started is reported with the errno of `execve`, the child reaped.
#[test]
fn spawn_reports_the_exec_errno() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing");
    let err = crate::invoke::spawn::spawn(&missing, &env(), None).unwrap_err();
    assert_eq!(err.raw_os_error(), Some(libc::ENOENT), "{err}");
    let not_exec = dir.path().join("data");
    std::fs::write(&not_exec, "x").unwrap();
    let err = crate::invoke::spawn::spawn(&not_exec, &env(), None).unwrap_err();
    assert_eq!(err.raw_os_error(), Some(libc::EACCES), "{err}");
}

/// A variable with a NUL byte cannot be passed to `execve`: refused before anything starts.
#[test]
fn spawn_refuses_a_nul_in_the_environment() {
    let env: Vec<(OsString, OsString)> = vec![("A".into(), "b\0c".into())];
    let err = crate::invoke::spawn::spawn(Path::new(SH), &env, None).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput, "{err}");
}
