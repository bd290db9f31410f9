//! ADD, DEL, CHECK and rollback driven through the recording exec seam: every plugin call the
//! runtime makes is recorded (binary, stdin, env) and answered by a script, so the order of the
//! calls, what each plugin is told and what the cache holds afterwards are asserted exactly,
//! without a process, a namespace or a binary (the idea of youki's syscall test double).

use super::*;
use crate::cache::{CacheEntry, Cached};
use crate::config::list_from_bytes;
use crate::invoke::fake::{RecordedCall, RecordingExec};
use crate::invoke::{ExecError, ExecLimits, ExecOutput};
use serde_json::json;

// ---------------------------------------------------------------------------------------------
// The harness

/// What a scripted plugin does for one call.
enum Answer {
    /// Exit 0 printing this.
    Ok(&'static str),
    /// Exit 1 printing a CNI error with this code and message.
    Fail(u64, &'static str),
    /// Exit 0 printing something that is not a result.
    Garbage,
    /// The call was interrupted by this signal.
    Interrupted(i32),
}

type Script = fn(plugin: &str, command: &str) -> Answer;

/// A temp dir with two CNI directories (`bin1` holding p1 and p2, `bin2` holding p3), a cache
/// dir, and a recording exec answering from `script`.
struct Lab {
    dir: tempfile::TempDir,
    exec: RecordingExec,
}

impl Lab {
    fn new(script: Script) -> Lab {
        let dir = tempfile::tempdir().unwrap();
        for (sub, names) in [("bin1", &["p1", "p2"][..]), ("bin2", &["p3"][..])] {
            std::fs::create_dir(dir.path().join(sub)).unwrap();
            for n in names {
                std::fs::write(dir.path().join(sub).join(n), b"").unwrap();
            }
        }
        let exec = RecordingExec::new(move |c| {
            let cmd = c.command().unwrap_or("?").to_string();
            match script(&c.plugin(), &cmd) {
                Answer::Ok(s) => Ok(ExecOutput::exited(0, s, "")),
                Answer::Fail(code, msg) => Ok(ExecOutput::exited(
                    1,
                    json!({"cniVersion": "1.0.0", "code": code, "msg": msg}).to_string(),
                    format!("{} {cmd} stderr", c.plugin()),
                )),
                Answer::Garbage => Ok(ExecOutput::exited(0, "not json", "")),
                Answer::Interrupted(sig) => Err(ExecError::Interrupted(sig)),
            }
        });
        Lab { dir, exec }
    }

    fn bin(&self, n: u8) -> PathBuf {
        self.dir.path().join(format!("bin{n}"))
    }

    fn rt(&self) -> Runtime<'_> {
        Runtime {
            env_memo: Default::default(),
            exec: &self.exec,
            cni_path: vec![self.bin(1), self.bin(2)],
            cache: Cache::new(self.dir.path().join("cache")),
            // A stale CNI_* and the runtime-only CAP_ARGS must not reach plugins.
            parent_env: std::sync::Arc::new(vec![
                ("PATH".into(), "/usr/bin".into()),
                ("CNI_COMMAND".into(), "STALE".into()),
                ("CAP_ARGS".into(), "{}".into()),
                ("KEEP".into(), "1".into()),
            ]),
            limits: ExecLimits::default(),
            observer: None,
            plugin_ns: None,
            conf_dir: None,
            rollback_stop: None,
            guard: crate::netns::Guard::new(None).unwrap(),
        }
    }

    fn add(&self, list: &NetworkConfigList, no_rollback: bool) -> Result<AddOutcome, RuntimeError> {
        let rt = self.rt();
        let resolved = rt.resolve(list).unwrap();
        rt.add(list, &resolved, &attachment(), no_rollback)
    }

    /// `COMMAND plugin` of every call, in order, with `(rollback)` unknown to the exec: the
    /// observer is not used, so the list is exactly what reached the seam.
    fn log(&self) -> Vec<String> {
        self.exec
            .calls()
            .iter()
            .map(|c| format!("{} {}", c.command().unwrap_or("?"), c.plugin()))
            .collect()
    }

    /// The calls from index `from` on.
    fn calls_from(&self, from: usize) -> Vec<RecordedCall> {
        self.exec.calls().split_off(from)
    }

    fn entry_path(&self) -> PathBuf {
        self.rt().cache.result_path(NET, ID, "eth1").unwrap()
    }

    /// The names in `results/` (none when the directory does not exist).
    fn results(&self) -> Vec<String> {
        match std::fs::read_dir(self.rt().cache.results_dir()) {
            Ok(rd) => {
                let mut v: Vec<String> = rd
                    .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .collect();
                v.sort();
                v
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => panic!("{e}"),
        }
    }

    fn cached(&self) -> CacheEntry {
        match self.rt().cache.read(NET, ID, "eth1").unwrap() {
            Some(Cached::V1(e)) => e,
            other => panic!("expected a cniCacheV1 entry, got {other:?}"),
        }
    }
}

const NET: &str = "chain";
const ID: &str = "ctr-1";
const NETNS: &str = "/var/run/netns/ctr-1";

fn attachment() -> Attachment {
    Attachment {
        container_id: ID.into(),
        netns: NETNS.into(),
        ifname: "eth1".into(),
        args: vec![
            ("IgnoreUnknown".into(), "1".into()),
            ("K8S_POD_NAME".into(), "web".into()),
        ],
        capability_args: caps(json!({
            "portMappings": [{"hostPort": 8080, "containerPort": 80, "protocol": "tcp"}],
            "mac": "c2:11:22:33:44:55",
            "bandwidth": {"ingressRate": 1000}
        })),
    }
}

fn caps(v: Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap()
}

fn list(text: &str) -> NetworkConfigList {
    list_from_bytes(text.as_bytes()).unwrap()
}

/// The 3-plugin chain: p1 declares portMappings (and mac false) and carries keys no parser
/// knows with numbers beyond f64/u64; p2 declares mac and writes a runtimeConfig of its own
/// (replaced); p3 has a `name` and `cniVersion` of its own (overwritten) and declares a
/// capability nobody passes.
const CHAIN: &str = r#"{"cniVersion":"VERSION","name":"chain","plugins":[{"type":"p1","capabilities":{"portMappings":true,"mac":false},"big":18446744073709551616,"x-vendor":{"f":2.50,"huge":1e400}},{"type":"p2","capabilities":{"mac":true},"runtimeConfig":{"stale":1}},{"type":"p3","name":"own","cniVersion":"0.1.0","capabilities":{"ipRanges":true}}]}"#;

fn chain(version: &str) -> NetworkConfigList {
    list(&CHAIN.replace("VERSION", version))
}

// The ADD results of the three plugins in the list's version (1.0.0).
const R1: &str = r#"{"cniVersion":"1.0.0","interfaces":[{"name":"br0"}],"ips":[{"address":"10.1.0.2/24","gateway":"10.1.0.1"}]}"#;
const R2: &str = r#"{"cniVersion":"1.0.0","interfaces":[{"name":"br0"},{"name":"eth1","sandbox":"/var/run/netns/ctr-1"}],"ips":[{"address":"10.1.0.2/24","gateway":"10.1.0.1","interface":1}]}"#;
const R3: &str = r#"{"cniVersion":"1.0.0","interfaces":[{"name":"br0"},{"name":"eth1","sandbox":"/var/run/netns/ctr-1","mac":"c2:11:22:33:44:55"}],"ips":[{"address":"10.1.0.2/24","gateway":"10.1.0.1","interface":1}],"dns":{"nameservers":["10.1.0.1"]}}"#;

fn r(n: usize) -> &'static str {
    [R1, R2, R3][n - 1]
}

/// Every plugin succeeds: ADD prints its result, DEL and CHECK print nothing.
fn all_ok(plugin: &str, cmd: &str) -> Answer {
    match (cmd, plugin) {
        ("ADD", "p1") => Answer::Ok(R1),
        ("ADD", "p2") => Answer::Ok(R2),
        ("ADD", "p3") => Answer::Ok(R3),
        _ => Answer::Ok(""),
    }
}

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap()
}

fn stdin_str(c: &RecordedCall) -> String {
    String::from_utf8(c.stdin.clone()).unwrap()
}

/// The `prevResult` a call got (None when absent).
fn prev(c: &RecordedCall) -> Option<Value> {
    c.stdin_json().unwrap().get("prevResult").cloned()
}

/// The `runtimeConfig` a call got (None when absent).
fn runtime_config(c: &RecordedCall) -> Option<Value> {
    c.stdin_json().unwrap().get("runtimeConfig").cloned()
}

/// The six CNI_* variables of a call, in order.
fn cni_env(c: &RecordedCall) -> Vec<(String, String)> {
    c.env
        .iter()
        .filter(|(k, _)| k.to_string_lossy().starts_with("CNI_"))
        .map(|(k, v)| {
            (
                k.to_string_lossy().into_owned(),
                v.to_string_lossy().into_owned(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The CNI_* env every chain call of [`attachment`] gets for `command`.
fn expected_env(lab: &Lab, command: &str, args: &str) -> Vec<(String, String)> {
    let path = format!("{}:{}", lab.bin(1).display(), lab.bin(2).display());
    pairs(&[
        ("CNI_COMMAND", command),
        ("CNI_CONTAINERID", ID),
        ("CNI_NETNS", NETNS),
        ("CNI_IFNAME", "eth1"),
        ("CNI_ARGS", args),
        ("CNI_PATH", &path),
    ])
}

const ARGS: &str = "IgnoreUnknown=1;K8S_POD_NAME=web";

fn del_req() -> DelRequest {
    DelRequest {
        network: NET.into(),
        container_id: ID.into(),
        netns: NETNS.into(),
        ifname: "eth1".into(),
        ..DelRequest::default()
    }
}

// ---------------------------------------------------------------------------------------------
// ADD

#[test]
fn add_runs_the_chain_in_order_with_exact_stdin_env_and_cache_entry() {
    let lab = Lab::new(all_ok);
    let l = chain("1.0.0");
    let out = lab.add(&l, false).unwrap();

    assert_eq!(lab.log(), ["ADD p1", "ADD p2", "ADD p3"]);
    let calls = lab.exec.calls();
    assert_eq!(calls[0].path, lab.bin(1).join("p1"));
    assert_eq!(calls[1].path, lab.bin(1).join("p2"));
    assert_eq!(calls[2].path, lab.bin(2).join("p3"));

    // The whole environment: parent order kept, stale CNI_* and CAP_ARGS dropped, the six
    // CNI_* variables last.
    for c in &calls {
        let env: Vec<(String, String)> = c
            .env
            .iter()
            .map(|(k, v)| {
                (
                    k.to_string_lossy().into_owned(),
                    v.to_string_lossy().into_owned(),
                )
            })
            .collect();
        let mut want = pairs(&[("PATH", "/usr/bin"), ("KEEP", "1")]);
        want.extend(expected_env(&lab, "ADD", ARGS));
        assert_eq!(env, want, "{}", c.plugin());
    }

    // Exact stdin bytes: each plugin object as written (key order, unknown keys, exact
    // numbers), name and cniVersion set in place, prevResult the previous plugin's result as
    // printed, runtimeConfig only with the declared capabilities that have an argument.
    assert_eq!(
        stdin_str(&calls[0]),
        r#"{"type":"p1","capabilities":{"portMappings":true,"mac":false},"big":18446744073709551616,"x-vendor":{"f":2.50,"huge":1e400},"name":"chain","cniVersion":"1.0.0","runtimeConfig":{"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]}}"#
    );
    assert_eq!(
        stdin_str(&calls[1]),
        format!(
            r#"{{"type":"p2","capabilities":{{"mac":true}},"runtimeConfig":{{"mac":"c2:11:22:33:44:55"}},"name":"chain","cniVersion":"1.0.0","prevResult":{R1}}}"#
        )
    );
    assert_eq!(
        stdin_str(&calls[2]),
        format!(
            r#"{{"type":"p3","name":"chain","cniVersion":"1.0.0","capabilities":{{"ipRanges":true}},"prevResult":{R2}}}"#
        )
    );

    // The outcome is the last plugin's result as printed.
    assert_eq!(serde_json::to_string(&out.result).unwrap(), R3);
    assert_eq!(out.typed.version(), "1.0.0");
    assert_eq!(out.cache_path, lab.entry_path());

    // The cache file, byte for byte: libcni's field order, config = the list's bytes in
    // base64, capability args and result with sorted keys.
    use base64::Engine;
    let config_b64 = base64::engine::general_purpose::STANDARD.encode(&l.bytes);
    assert_eq!(l.bytes, CHAIN.replace("VERSION", "1.0.0").as_bytes());
    let bytes = std::fs::read(lab.entry_path()).unwrap();
    assert_eq!(
        String::from_utf8(bytes).unwrap(),
        format!(
            concat!(
                r#"{{"kind":"cniCacheV1","containerId":"ctr-1","config":"{}","ifName":"eth1","#,
                r#""networkName":"chain","netns":"/var/run/netns/ctr-1","#,
                r#""cniArgs":[["IgnoreUnknown","1"],["K8S_POD_NAME","web"]],"#,
                r#""capabilityArgs":{{"bandwidth":{{"ingressRate":1000}},"mac":"c2:11:22:33:44:55","portMappings":[{{"containerPort":80,"hostPort":8080,"protocol":"tcp"}}]}},"#,
                r#""result":{{"cniVersion":"1.0.0","dns":{{"nameservers":["10.1.0.1"]}},"#,
                r#""interfaces":[{{"name":"br0"}},{{"mac":"c2:11:22:33:44:55","name":"eth1","sandbox":"/var/run/netns/ctr-1"}}],"#,
                r#""ips":[{{"address":"10.1.0.2/24","gateway":"10.1.0.1","interface":1}}]}}}}"#
            ),
            config_b64
        )
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(lab.entry_path()).unwrap().permissions();
    assert_eq!(mode.mode() & 0o777, 0o600);
    assert_eq!(lab.results(), ["chain-ctr-1-eth1"]);
}

#[test]
fn add_of_an_attachment_already_cached_is_refused_before_any_plugin_runs() {
    let lab = Lab::new(all_ok);
    let l = chain("1.0.0");
    lab.add(&l, false).unwrap();
    let n = lab.exec.calls().len();
    let rt = lab.rt();
    let err = rt.refuse_existing(NET, &attachment()).unwrap_err();
    assert!(
        matches!(&err, RuntimeError::AlreadyAttached { network, path, .. }
            if network == NET && *path == lab.entry_path()),
        "{err:?}"
    );
    assert!(err.nothing_ran());
    assert_eq!(lab.exec.calls().len(), n);
}

/// Each plugin k in 1..=3 fails ADD: plugins 1..=k ran ADD, then the whole chain is DELeted in
/// reverse, every DEL with the last good result (plugin k-1's, none for k = 1), with the
/// attachment's args and capability args; nothing is cached.
#[test]
fn add_failing_at_each_plugin_rolls_back_the_whole_chain_in_reverse() {
    fn fail_at_1(p: &str, c: &str) -> Answer {
        fail_at(1, p, c)
    }
    fn fail_at_2(p: &str, c: &str) -> Answer {
        fail_at(2, p, c)
    }
    fn fail_at_3(p: &str, c: &str) -> Answer {
        fail_at(3, p, c)
    }
    fn fail_at(k: usize, p: &str, c: &str) -> Answer {
        if c == "ADD" && p == format!("p{k}") {
            Answer::Fail(7, "boom")
        } else {
            all_ok(p, c)
        }
    }
    let scripts: [Script; 3] = [fail_at_1, fail_at_2, fail_at_3];
    for (i, script) in scripts.into_iter().enumerate() {
        let k = i + 1;
        let lab = Lab::new(script);
        let l = chain("1.0.0");
        let err = lab.add(&l, false).unwrap_err();

        let mut want: Vec<String> = (1..=k).map(|n| format!("ADD p{n}")).collect();
        want.extend(["DEL p3", "DEL p2", "DEL p1"].map(String::from));
        assert_eq!(lab.log(), want, "failing at p{k}");

        let last = (k > 1).then(|| json(r(k - 1)));
        for del in lab.calls_from(k) {
            assert_eq!(prev(&del), last, "DEL {} after p{k} failed", del.plugin());
            assert_eq!(cni_env(&del), expected_env(&lab, "DEL", ARGS));
        }
        // The rollback DELs carry the same runtimeConfig as the ADDs.
        let dels = lab.calls_from(k);
        assert_eq!(runtime_config(&dels[0]), None, "p3");
        assert_eq!(
            runtime_config(&dels[1]),
            Some(json!({"mac": "c2:11:22:33:44:55"}))
        );
        assert_eq!(
            runtime_config(&dels[2]).unwrap()["portMappings"][0]["hostPort"],
            json!(8080)
        );

        match err {
            RuntimeError::AddFailed {
                error,
                rollback,
                last_result,
            } => {
                assert_eq!(error.plugin, format!("p{k}"));
                assert_eq!(error.command, Command::Add);
                assert_eq!(error.failure.error.code, 7);
                assert_eq!(error.failure.error.msg, "boom");
                assert_eq!(error.failure.exit_code, Some(1));
                assert_eq!(error.failure.stderr, format!("p{k} ADD stderr"));
                assert_eq!(rollback.deleted, ["p3", "p2", "p1"]);
                assert!(rollback.errors.is_empty());
                assert!(!rollback.skipped);
                assert_eq!(last_result, last);
            }
            other => panic!("p{k}: {other:?}"),
        }
        assert_eq!(lab.results(), Vec::<String>::new(), "p{k}");
    }
}

#[test]
fn a_failing_rollback_del_does_not_stop_the_others_and_is_reported() {
    let lab = Lab::new(|p, c| match (c, p) {
        ("ADD", "p3") => Answer::Fail(11, "no route"),
        ("DEL", "p2") => Answer::Fail(11, "busy"),
        _ => all_ok(p, c),
    });
    let err = lab.add(&chain("1.0.0"), false).unwrap_err();
    assert_eq!(
        lab.log(),
        ["ADD p1", "ADD p2", "ADD p3", "DEL p3", "DEL p2", "DEL p1"]
    );
    let RuntimeError::AddFailed {
        error, rollback, ..
    } = err
    else {
        panic!("{err:?}")
    };
    assert_eq!(error.plugin, "p3");
    assert_eq!(rollback.deleted, ["p3", "p1"]);
    assert_eq!(rollback.errors.len(), 1);
    assert_eq!(rollback.errors[0].plugin, "p2");
    assert_eq!(rollback.errors[0].command, Command::Del);
    assert_eq!(rollback.errors[0].failure.error.msg, "busy");
    // Every rollback DEL got p2's result, the last good one.
    for del in lab.calls_from(3) {
        assert_eq!(prev(&del), Some(json(R2)), "{}", del.plugin());
    }
}

#[test]
fn an_invalid_result_is_a_failure_of_that_plugin_and_is_rolled_back() {
    let lab = Lab::new(|p, c| match (c, p) {
        ("ADD", "p2") => Answer::Garbage,
        _ => all_ok(p, c),
    });
    let err = lab.add(&chain("1.0.0"), false).unwrap_err();
    assert_eq!(
        lab.log(),
        ["ADD p1", "ADD p2", "DEL p3", "DEL p2", "DEL p1"]
    );
    let RuntimeError::AddFailed {
        error, rollback, ..
    } = err
    else {
        panic!("{err:?}")
    };
    assert_eq!(error.plugin, "p2");
    assert!(
        error
            .failure
            .error
            .msg
            .starts_with("plugin printed an invalid result: "),
        "{}",
        error.failure.error.msg
    );
    assert_eq!(rollback.deleted, ["p3", "p2", "p1"]);
    assert_eq!(lab.results(), Vec::<String>::new());
}

#[test]
fn add_interrupted_rolls_back_and_names_the_plugin_and_signal() {
    let lab = Lab::new(|p, c| match (c, p) {
        ("ADD", "p2") => Answer::Interrupted(2),
        _ => all_ok(p, c),
    });
    let err = lab.add(&chain("1.0.0"), false).unwrap_err();
    assert_eq!(
        lab.log(),
        ["ADD p1", "ADD p2", "DEL p3", "DEL p2", "DEL p1"]
    );
    for del in lab.calls_from(2) {
        assert_eq!(prev(&del), Some(json(R1)));
    }
    match &err {
        RuntimeError::Interrupted {
            signal,
            plugin,
            command,
            rollback,
        } => {
            assert_eq!(*signal, 2);
            assert_eq!(plugin, "p2");
            assert_eq!(*command, "ADD");
            assert_eq!(rollback.deleted, ["p3", "p2", "p1"]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "interrupted by SIGINT while running plugin \"p2\" (ADD)"
    );
    assert_eq!(lab.results(), Vec::<String>::new());
}

#[test]
fn no_rollback_runs_no_del_and_caches_the_last_good_result() {
    let lab = Lab::new(|p, c| match (c, p) {
        ("ADD", "p3") => Answer::Fail(7, "boom"),
        _ => all_ok(p, c),
    });
    let l = chain("1.0.0");
    let err = lab.add(&l, true).unwrap_err();
    assert_eq!(lab.log(), ["ADD p1", "ADD p2", "ADD p3"]);
    let RuntimeError::AddFailed {
        rollback,
        last_result,
        ..
    } = err
    else {
        panic!("{err:?}")
    };
    assert!(rollback.skipped);
    assert!(rollback.deleted.is_empty() && rollback.errors.is_empty());
    assert_eq!(last_result, Some(json(R2)));
    // The entry is the one a successful ADD would write, with p2's result.
    let e = lab.cached();
    assert_eq!(e.result, Some(json(R2)));
    assert_eq!(e.config.as_deref(), Some(l.bytes.as_slice()));
    assert_eq!(e.cni_args, attachment().args);
    assert_eq!(e.capability_args, attachment().capability_args);
    assert_eq!(e.netns, NETNS);

    // The later `del` cleans up with that result and the cached arguments.
    let n = lab.exec.calls().len();
    lab.rt().del(Some(&l), &del_req()).unwrap();
    assert_eq!(lab.log()[n..], ["DEL p3", "DEL p2", "DEL p1"]);
    for d in lab.calls_from(n) {
        assert_eq!(prev(&d), Some(json(R2)));
        assert_eq!(cni_env(&d), expected_env(&lab, "DEL", ARGS));
    }
    assert_eq!(lab.results(), Vec::<String>::new());
}

#[test]
fn no_rollback_failing_at_the_first_plugin_caches_an_entry_without_result() {
    let lab = Lab::new(|p, c| match (c, p) {
        ("ADD", "p1") => Answer::Fail(7, "boom"),
        _ => all_ok(p, c),
    });
    lab.add(&chain("1.0.0"), true).unwrap_err();
    assert_eq!(lab.log(), ["ADD p1"]);
    assert_eq!(lab.cached().result, None);
    let text = std::fs::read_to_string(lab.entry_path()).unwrap();
    assert!(!text.contains("\"result\""), "{text}");
}

// ---------------------------------------------------------------------------------------------
// DEL

#[test]
fn del_runs_the_chain_in_reverse_with_the_cached_result_args_and_caps() {
    let lab = Lab::new(all_ok);
    let l = chain("1.0.0");
    lab.add(&l, false).unwrap();
    let n = lab.exec.calls().len();
    let out = lab.rt().del(Some(&l), &del_req()).unwrap();
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    assert_eq!(lab.log()[n..], ["DEL p3", "DEL p2", "DEL p1"]);
    let dels = lab.calls_from(n);
    for d in &dels {
        assert_eq!(prev(d), Some(json(R3)), "{}", d.plugin());
        assert_eq!(cni_env(d), expected_env(&lab, "DEL", ARGS));
    }
    assert_eq!(runtime_config(&dels[0]), None);
    assert_eq!(
        runtime_config(&dels[1]),
        Some(json!({"mac": "c2:11:22:33:44:55"}))
    );
    assert_eq!(
        runtime_config(&dels[2]),
        Some(json!({"portMappings": [{"hostPort": 8080, "containerPort": 80, "protocol": "tcp"}]}))
    );
    // The DEL stdin is the ADD stdin with the final result as prevResult; the capability
    // args come back from the cache, where they are stored with sorted keys (as libcni's Go
    // maps marshal them).
    assert_eq!(
        stdin_str(&dels[2]),
        format!(
            r#"{{"type":"p1","capabilities":{{"portMappings":true,"mac":false}},"big":18446744073709551616,"x-vendor":{{"f":2.50,"huge":1e400}},"name":"chain","cniVersion":"1.0.0","prevResult":{},"runtimeConfig":{{"portMappings":[{{"containerPort":80,"hostPort":8080,"protocol":"tcp"}}]}}}}"#,
            serde_json::to_string(&prev(&dels[2]).unwrap()).unwrap()
        )
    );
    assert_eq!(lab.results(), Vec::<String>::new());
}

#[test]
fn del_with_explicit_args_and_caps_uses_them_and_warns() {
    let lab = Lab::new(all_ok);
    let l = chain("1.0.0");
    lab.add(&l, false).unwrap();
    let n = lab.exec.calls().len();
    let req = DelRequest {
        explicit_args: Some(pairs(&[("K8S_POD_NAME", "other")])),
        explicit_caps: Some(caps(json!({"mac": "02:00:00:00:00:01"}))),
        ..del_req()
    };
    let out = lab.rt().del(Some(&l), &req).unwrap();
    assert_eq!(out.warnings.len(), 2, "{:?}", out.warnings);
    assert_eq!(
        out.warnings[0],
        format!("CNI_ARGS differ from the ones cached at ADD ({ARGS}); using the ones given")
    );
    assert!(
        out.warnings[1].starts_with("capability args differ from the ones cached at ADD ("),
        "{}",
        out.warnings[1]
    );
    let dels = lab.calls_from(n);
    assert_eq!(dels.len(), 3);
    for d in &dels {
        assert_eq!(
            cni_env(d),
            expected_env(&lab, "DEL", "K8S_POD_NAME=other"),
            "{}",
            d.plugin()
        );
    }
    // p1 declares portMappings, which was not given: no runtimeConfig at all.
    assert_eq!(runtime_config(&dels[2]), None);
    assert_eq!(
        runtime_config(&dels[1]),
        Some(json!({"mac": "02:00:00:00:00:01"}))
    );
}

#[test]
fn del_without_a_cache_entry_runs_every_plugin_without_prev_result_or_args() {
    let lab = Lab::new(all_ok);
    let l = chain("1.0.0");
    let out = lab.rt().del(Some(&l), &del_req()).unwrap();
    assert!(out.warnings.is_empty());
    assert_eq!(lab.log(), ["DEL p3", "DEL p2", "DEL p1"]);
    let dels = lab.exec.calls();
    for d in &dels {
        assert_eq!(prev(d), None);
        assert_eq!(cni_env(d), expected_env(&lab, "DEL", ""));
    }
    // No capability args: nothing injected, and a runtimeConfig written in the plugin's own
    // config (p2's) stays as written, as libcni's injectRuntimeConfig leaves it.
    assert_eq!(runtime_config(&dels[0]), None);
    assert_eq!(runtime_config(&dels[1]), Some(json!({"stale": 1})));
    assert_eq!(runtime_config(&dels[2]), None);
    assert_eq!(lab.results(), Vec::<String>::new());
}

#[test]
fn del_is_best_effort_collects_the_failure_and_keeps_the_entry() {
    let lab = Lab::new(|p, c| match (c, p) {
        ("DEL", "p2") => Answer::Fail(11, "busy"),
        _ => all_ok(p, c),
    });
    let l = chain("1.0.0");
    lab.add(&l, false).unwrap();
    let before = std::fs::read(lab.entry_path()).unwrap();
    let n = lab.exec.calls().len();
    let err = lab.rt().del(Some(&l), &del_req()).unwrap_err();
    assert_eq!(lab.log()[n..], ["DEL p3", "DEL p2", "DEL p1"]);
    match &err {
        RuntimeError::DelFailed { errors, warnings } => {
            assert_eq!(errors.len(), 1);
            assert_eq!(errors[0].plugin, "p2");
            assert_eq!(errors[0].command, Command::Del);
            assert_eq!(errors[0].failure.error.code, 11);
            assert!(warnings.is_empty());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "plugin \"p2\" failed (DEL): busy [CNI code 11]"
    );
    assert!(!err.nothing_ran());
    assert_eq!(std::fs::read(lab.entry_path()).unwrap(), before);
}

#[test]
fn del_with_two_failures_reports_both_in_run_order() {
    let lab = Lab::new(|p, c| match (c, p) {
        ("DEL", "p1") => Answer::Fail(11, "one"),
        ("DEL", "p3") => Answer::Fail(11, "three"),
        _ => all_ok(p, c),
    });
    let l = chain("1.0.0");
    let err = lab.rt().del(Some(&l), &del_req()).unwrap_err();
    assert_eq!(lab.log(), ["DEL p3", "DEL p2", "DEL p1"]);
    assert_eq!(
        err.to_string(),
        "plugin \"p3\" (name \"own\") failed (DEL): three [CNI code 11]; plugin \"p1\" failed (DEL): one [CNI code 11]"
    );
}

#[test]
fn del_with_a_changed_config_warns_and_cached_config_replays_the_add_one() {
    let lab = Lab::new(all_ok);
    let old = chain("1.0.0");
    lab.add(&old, false).unwrap();
    // The network now has two plugins only.
    let new =
        list(r#"{"cniVersion":"1.0.0","name":"chain","plugins":[{"type":"p1"},{"type":"p2"}]}"#);

    // --cached-config: the three plugins ADD ran.
    let n = lab.exec.calls().len();
    let req = DelRequest {
        cached_config: true,
        ..del_req()
    };
    lab.rt().del(Some(&new), &req).unwrap();
    assert_eq!(lab.log()[n..], ["DEL p3", "DEL p2", "DEL p1"]);

    // Without it: the current config, and a warning saying so.
    lab.add(&old, false).unwrap();
    let n = lab.exec.calls().len();
    let out = lab.rt().del(Some(&new), &del_req()).unwrap();
    assert_eq!(lab.log()[n..], ["DEL p2", "DEL p1"]);
    assert_eq!(
        out.warnings,
        ["the config of network \"chain\" changed since ADD; deleting with the current one (--cached-config uses the one ADD used)"]
    );

    // No config at all: the cached one.
    lab.add(&old, false).unwrap();
    let n = lab.exec.calls().len();
    lab.rt().del(None, &del_req()).unwrap();
    assert_eq!(lab.log()[n..], ["DEL p3", "DEL p2", "DEL p1"]);

    // --cached-config with nothing cached is refused before anything runs.
    let n = lab.exec.calls().len();
    let err = lab.rt().del(Some(&new), &req).unwrap_err();
    assert!(matches!(err, RuntimeError::CachedConfig { .. }), "{err:?}");
    assert!(err.nothing_ran());
    assert_eq!(lab.exec.calls().len(), n);
}

/// An answer valid in every version of the 0.3.x/0.4.0 family.
const R040: &str = r#"{"cniVersion":"0.4.0","interfaces":[{"name":"eth1"}],"ips":[{"version":"4","address":"10.1.0.2/24","interface":0}]}"#;

fn answer_040(p: &str, c: &str) -> Answer {
    match c {
        "ADD" => Answer::Ok(R040),
        _ => all_ok(p, c),
    }
}

#[test]
fn del_sends_prev_result_from_0_4_0_on_and_none_before() {
    for (v, sent) in [("0.3.0", false), ("0.3.1", false), ("0.4.0", true)] {
        let lab = Lab::new(answer_040);
        let l = chain(v);
        lab.add(&l, false).unwrap();
        let n = lab.exec.calls().len();
        lab.rt().del(Some(&l), &del_req()).unwrap();
        assert_eq!(lab.log()[n..], ["DEL p3", "DEL p2", "DEL p1"], "{v}");
        // The cached 0.4.0 result, converted to the list's version (re-encoded as libcni
        // does: a 0.x result always has `"dns":{}`).
        let want = sent.then(|| json(&R040.replace("0.4.0", v).replace("]}", "],\"dns\":{}}")));
        for d in lab.calls_from(n) {
            assert_eq!(prev(&d), want, "{v} {}", d.plugin());
            assert_eq!(d.stdin_json().unwrap()["cniVersion"], v);
        }
    }
}

#[test]
fn rollback_sends_prev_result_from_0_4_0_on_and_none_before() {
    fn fail_p3(p: &str, c: &str) -> Answer {
        match (c, p) {
            ("ADD", "p3") => Answer::Fail(7, "boom"),
            _ => answer_040(p, c),
        }
    }
    for (v, sent) in [("0.3.1", false), ("0.4.0", true)] {
        let lab = Lab::new(fail_p3);
        lab.add(&chain(v), false).unwrap_err();
        assert_eq!(
            lab.log(),
            ["ADD p1", "ADD p2", "ADD p3", "DEL p3", "DEL p2", "DEL p1"],
            "{v}"
        );
        let want = sent.then(|| json(&R040.replace("]}", "],\"dns\":{}}")));
        for d in lab.calls_from(3) {
            assert_eq!(prev(&d), want, "{v} {}", d.plugin());
        }
    }
}

#[test]
fn add_whose_cache_write_fails_is_rolled_back_with_the_final_result() {
    let lab = Lab::new(all_ok);
    // `results` is a file, so the entry cannot be written (root ignores permissions).
    let cache = lab.dir.path().join("cache");
    std::fs::create_dir(&cache).unwrap();
    std::fs::write(cache.join("results"), b"").unwrap();
    let err = lab.add(&chain("1.0.0"), false).unwrap_err();
    assert_eq!(
        lab.log(),
        ["ADD p1", "ADD p2", "ADD p3", "DEL p3", "DEL p2", "DEL p1"]
    );
    for d in lab.calls_from(3) {
        assert_eq!(prev(&d), Some(json(R3)), "{}", d.plugin());
    }
    // Plugins ran: this is not "nothing was run".
    assert!(!err.nothing_ran(), "{err:?}");
}

// ---------------------------------------------------------------------------------------------
// CHECK

#[test]
fn check_runs_the_chain_in_order_with_the_cached_result_and_args() {
    let lab = Lab::new(all_ok);
    let l = chain("1.0.0");
    lab.add(&l, false).unwrap();
    let n = lab.exec.calls().len();
    let out = lab.rt().check(&l, &del_req()).unwrap();
    assert!(!out.skipped);
    assert!(out.warnings.is_empty());
    assert_eq!(lab.log()[n..], ["CHECK p1", "CHECK p2", "CHECK p3"]);
    let checks = lab.calls_from(n);
    for c in &checks {
        assert_eq!(prev(c), Some(json(R3)), "{}", c.plugin());
        assert_eq!(cni_env(c), expected_env(&lab, "CHECK", ARGS));
    }
    assert_eq!(
        runtime_config(&checks[1]),
        Some(json!({"mac": "c2:11:22:33:44:55"}))
    );
    // CHECK leaves the entry alone.
    assert_eq!(lab.results(), ["chain-ctr-1-eth1"]);
}

#[test]
fn check_stops_at_the_first_failing_plugin() {
    let lab = Lab::new(|p, c| match (c, p) {
        ("CHECK", "p2") => Answer::Fail(4, "wrong address"),
        _ => all_ok(p, c),
    });
    let l = chain("1.0.0");
    lab.add(&l, false).unwrap();
    let n = lab.exec.calls().len();
    let err = lab.rt().check(&l, &del_req()).unwrap_err();
    assert_eq!(lab.log()[n..], ["CHECK p1", "CHECK p2"]);
    match &err {
        RuntimeError::CheckFailed(e) => {
            assert_eq!(e.plugin, "p2");
            assert_eq!(e.command, Command::Check);
            assert_eq!(e.failure.error.code, 4);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(lab.results(), ["chain-ctr-1-eth1"]);
}

#[test]
fn check_honours_disable_check() {
    let lab = Lab::new(all_ok);
    let l = chain("1.0.0");
    lab.add(&l, false).unwrap();
    let n = lab.exec.calls().len();
    let disabled = list(&CHAIN.replace("VERSION", "1.0.0").replace(
        r#""name":"chain","#,
        r#""name":"chain","disableCheck":true,"#,
    ));
    assert!(disabled.disable_check);
    let out = lab.rt().check(&disabled, &del_req()).unwrap();
    assert!(out.skipped);
    assert_eq!(lab.exec.calls().len(), n);
}

#[test]
fn check_is_refused_below_0_4_0_before_anything_runs() {
    for v in ["0.1.0", "0.2.0", "0.3.0", "0.3.1"] {
        let lab = Lab::new(all_ok);
        let l = chain(v);
        lab.add(&l, false).unwrap();
        let n = lab.exec.calls().len();
        let err = lab.rt().check(&l, &del_req()).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "network \"chain\": configuration version \"{v}\" does not support the CHECK command"
            )
        );
        assert!(err.nothing_ran());
        assert_eq!(lab.exec.calls().len(), n, "{v}");
    }
    // 0.4.0 is the first version with CHECK.
    let lab = Lab::new(|p, c| match c {
        "ADD" => {
            Answer::Ok(r#"{"cniVersion":"0.4.0","ips":[{"version":"4","address":"10.1.0.2/24"}]}"#)
        }
        _ => all_ok(p, c),
    });
    let l = chain("0.4.0");
    lab.add(&l, false).unwrap();
    lab.rt().check(&l, &del_req()).unwrap();
    assert_eq!(lab.log()[3..], ["CHECK p1", "CHECK p2", "CHECK p3"]);
}

#[test]
fn check_without_a_cache_entry_or_with_a_corrupt_one_runs_nothing() {
    let lab = Lab::new(all_ok);
    let l = chain("1.0.0");
    let err = lab.rt().check(&l, &del_req()).unwrap_err();
    assert!(
        matches!(&err, RuntimeError::NotAttached { network, container_id, ifname }
            if network == NET && container_id == ID && ifname == "eth1"),
        "{err:?}"
    );
    assert!(err.nothing_ran());

    lab.add(&l, false).unwrap();
    std::fs::write(lab.entry_path(), b"{\"kind\":\"cniCacheV1\",").unwrap();
    let n = lab.exec.calls().len();
    let err = lab.rt().check(&l, &del_req()).unwrap_err();
    assert!(
        matches!(&err, RuntimeError::BadCache { path, .. } if *path == lab.entry_path()),
        "{err:?}"
    );
    assert_eq!(lab.exec.calls().len(), n);
}

// ---------------------------------------------------------------------------------------------
// Result versions across the chain

const OLD_020: &str = r#"{"cniVersion":"0.2.0","ip4":{"ip":"10.1.0.2/24","gateway":"10.1.0.1","routes":[{"dst":"0.0.0.0/0"}]},"dns":{"nameservers":["10.1.0.1"]}}"#;
const OLD_031: &str = r#"{"cniVersion":"0.3.1","interfaces":[{"name":"eth1","sandbox":"/var/run/netns/ctr-1"}],"ips":[{"version":"4","address":"10.1.0.2/24","gateway":"10.1.0.1","interface":0}],"routes":[{"dst":"0.0.0.0/0"}],"dns":{"nameservers":["10.1.0.1"]}}"#;
/// A result without a cniVersion: the list's version is put in front.
const NO_VERSION: &str = r#"{"interfaces":[{"name":"eth1","sandbox":"/var/run/netns/ctr-1"}],"ips":[{"address":"10.1.0.2/24","gateway":"10.1.0.1","interface":0}],"routes":[{"dst":"0.0.0.0/0"}],"dns":{"nameservers":["10.1.0.1"]}}"#;

/// The 1.0.0 form of [`OLD_031`] (and of [`NO_VERSION`]).
fn as_100() -> Value {
    json!({"cniVersion": "1.0.0",
        "interfaces": [{"name": "eth1", "sandbox": "/var/run/netns/ctr-1"}],
        "ips": [{"address": "10.1.0.2/24", "gateway": "10.1.0.1", "interface": 0}],
        "routes": [{"dst": "0.0.0.0/0"}],
        "dns": {"nameservers": ["10.1.0.1"]}})
}

#[test]
fn add_threads_each_result_in_the_version_its_plugin_printed() {
    // As libcni: prevResult is the previous plugin's result in its own version; only a
    // missing cniVersion is filled in (with the list's). The results are ones libcni's
    // re-encoding leaves as they are (a non-empty dns, no unknown keys), so this holds whether
    // the result is threaded as printed (cnictl) or parsed and re-encoded (libcni).
    let lab = Lab::new(|p, c| match (c, p) {
        ("ADD", "p1") => Answer::Ok(OLD_020),
        ("ADD", "p2") => Answer::Ok(OLD_031),
        ("ADD", "p3") => Answer::Ok(NO_VERSION),
        _ => all_ok(p, c),
    });
    let l = chain("1.0.0");
    let out = lab.add(&l, false).unwrap();
    let calls = lab.exec.calls();
    assert_eq!(prev(&calls[0]), None);
    assert_eq!(prev(&calls[1]), Some(json(OLD_020)));
    assert_eq!(prev(&calls[2]), Some(json(OLD_031)));
    assert_eq!(
        serde_json::to_string(&out.result).unwrap(),
        format!("{{\"cniVersion\":\"1.0.0\",{}", &NO_VERSION[1..])
    );
    assert_eq!(out.typed.version(), "1.0.0");
    assert_eq!(lab.cached().result, Some(as_100()));
}

#[test]
fn del_and_check_convert_an_older_cached_result_to_the_list_version() {
    let lab = Lab::new(|p, c| match c {
        "ADD" => Answer::Ok(OLD_031),
        _ => all_ok(p, c),
    });
    let l = chain("1.0.0");
    lab.add(&l, false).unwrap();
    assert_eq!(lab.cached().result, Some(json(OLD_031)));
    let n = lab.exec.calls().len();
    lab.rt().check(&l, &del_req()).unwrap();
    lab.rt().del(Some(&l), &del_req()).unwrap();
    assert_eq!(
        lab.log()[n..],
        ["CHECK p1", "CHECK p2", "CHECK p3", "DEL p3", "DEL p2", "DEL p1"]
    );
    for c in lab.calls_from(n) {
        assert_eq!(
            prev(&c),
            Some(as_100()),
            "{} {}",
            c.command().unwrap(),
            c.plugin()
        );
    }
}

#[test]
fn a_0_2_0_cached_result_reaches_del_as_1_0_0() {
    let lab = Lab::new(|p, c| match c {
        "ADD" => Answer::Ok(OLD_020),
        _ => all_ok(p, c),
    });
    let l = chain("1.0.0");
    lab.add(&l, false).unwrap();
    let n = lab.exec.calls().len();
    lab.rt().del(Some(&l), &del_req()).unwrap();
    let want = json!({"cniVersion": "1.0.0",
        "ips": [{"address": "10.1.0.2/24", "gateway": "10.1.0.1"}],
        "routes": [{"dst": "0.0.0.0/0"}],
        "dns": {"nameservers": ["10.1.0.1"]}});
    for d in lab.calls_from(n) {
        assert_eq!(prev(&d), Some(want.clone()), "{}", d.plugin());
    }
}

#[test]
fn rollback_dels_get_the_last_good_result_in_the_list_version() {
    let lab = Lab::new(|p, c| match (c, p) {
        ("ADD", "p1") => Answer::Ok(OLD_031),
        ("ADD", "p2") => Answer::Fail(7, "boom"),
        _ => all_ok(p, c),
    });
    lab.add(&chain("1.0.0"), false).unwrap_err();
    assert_eq!(
        lab.log(),
        ["ADD p1", "ADD p2", "DEL p3", "DEL p2", "DEL p1"]
    );
    for d in lab.calls_from(2) {
        assert_eq!(prev(&d), Some(as_100()), "{}", d.plugin());
    }
}

#[test]
fn a_cached_result_that_cannot_be_converted_is_a_del_warning_and_a_check_error() {
    let lab = Lab::new(all_ok);
    let l = chain("1.0.0");
    lab.add(&l, false).unwrap();
    // A cached result whose ips are not a list: it does not parse as any version.
    let mut e = lab.cached();
    e.result = Some(json!({"cniVersion": "1.0.0", "ips": 5}));
    lab.rt().cache.write(&e).unwrap();

    let n = lab.exec.calls().len();
    let err = lab.rt().check(&l, &del_req()).unwrap_err();
    assert!(matches!(err, RuntimeError::BadCache { .. }), "{err:?}");
    assert_eq!(lab.exec.calls().len(), n);

    let out = lab.rt().del(Some(&l), &del_req()).unwrap();
    assert_eq!(out.warnings.len(), 1);
    assert!(
        out.warnings[0].contains(&format!(
            "{}: the cache entry is unusable (result: failed to parse 1.0.0 result: ips: expected an array, got number",
            lab.rt().cache.result_path("chain", "ctr-1", "eth1").unwrap().display()
        )),
        "{}",
        out.warnings[0]
    );
    assert!(out.warnings[0].ends_with("); deleting without a prevResult"));
    assert_eq!(lab.log()[n..], ["DEL p3", "DEL p2", "DEL p1"]);
    for d in lab.calls_from(n) {
        assert_eq!(prev(&d), None);
    }
    assert_eq!(lab.results(), Vec::<String>::new());
}

// ---------------------------------------------------------------------------------------------
// What the observer sees, interruptions of DEL, and entries libcni may have left

#[test]
fn the_observer_sees_every_call_with_its_outcome_and_the_rollback_flag() {
    let lab = Lab::new(|p, c| match (c, p) {
        ("ADD", "p2") => Answer::Fail(7, "boom"),
        ("DEL", "p1") => Answer::Fail(11, "busy"),
        _ => all_ok(p, c),
    });
    let seen = std::sync::Mutex::new(Vec::new());
    let observer = |r: &CallRecord| {
        seen.lock().unwrap().push(format!(
            "{} {} ok={} rollback={} code={:?}",
            r.command.as_str(),
            r.plugin,
            r.ok,
            r.rollback,
            r.cni_code
        ));
    };
    let rt = Runtime {
        env_memo: Default::default(),
        observer: Some(&observer),
        ..lab.rt()
    };
    let l = chain("1.0.0");
    let resolved = rt.resolve(&l).unwrap();
    rt.add(&l, &resolved, &attachment(), false).unwrap_err();
    assert_eq!(
        *seen.lock().unwrap(),
        [
            "ADD p1 ok=true rollback=false code=None",
            "ADD p2 ok=false rollback=false code=Some(7)",
            "DEL p3 ok=true rollback=true code=None",
            "DEL p2 ok=true rollback=true code=None",
            "DEL p1 ok=false rollback=true code=Some(11)",
        ]
    );
}

#[test]
fn del_interrupted_stops_there_and_keeps_the_entry() {
    let lab = Lab::new(|p, c| match (c, p) {
        ("DEL", "p2") => Answer::Interrupted(15),
        _ => all_ok(p, c),
    });
    let l = chain("1.0.0");
    lab.add(&l, false).unwrap();
    let n = lab.exec.calls().len();
    let err = lab.rt().del(Some(&l), &del_req()).unwrap_err();
    assert_eq!(lab.log()[n..], ["DEL p3", "DEL p2"]);
    assert_eq!(
        err.to_string(),
        "interrupted by SIGTERM while running plugin \"p2\" (DEL)"
    );
    assert_eq!(lab.results(), ["chain-ctr-1-eth1"]);
}

#[test]
fn del_twice_the_second_runs_without_prev_result_or_cached_args() {
    let lab = Lab::new(all_ok);
    let l = chain("1.0.0");
    lab.add(&l, false).unwrap();
    lab.rt().del(Some(&l), &del_req()).unwrap();
    let n = lab.exec.calls().len();
    lab.rt().del(Some(&l), &del_req()).unwrap();
    assert_eq!(lab.log()[n..], ["DEL p3", "DEL p2", "DEL p1"]);
    for d in lab.calls_from(n) {
        assert_eq!(prev(&d), None);
        assert_eq!(cni_env(&d), expected_env(&lab, "DEL", ""));
    }
}

/// A pre-cniCacheV1 file: the bare result JSON, as old libcni wrote it.
fn write_legacy(lab: &Lab, result: &str) {
    std::fs::create_dir_all(lab.rt().cache.results_dir()).unwrap();
    std::fs::write(lab.entry_path(), result).unwrap();
}

#[test]
fn a_legacy_entry_gives_del_and_check_its_result_and_no_args() {
    let lab = Lab::new(all_ok);
    let l = chain("1.0.0");
    write_legacy(&lab, OLD_031);
    lab.rt().check(&l, &del_req()).unwrap();
    lab.rt().del(Some(&l), &del_req()).unwrap();
    assert_eq!(
        lab.log(),
        ["CHECK p1", "CHECK p2", "CHECK p3", "DEL p3", "DEL p2", "DEL p1"]
    );
    for c in lab.exec.calls() {
        let p = prev(&c).unwrap();
        assert_eq!(p, as_100(), "{} {}", c.command().unwrap(), c.plugin());
        assert!(p.get("kind").is_none() && p.get("config").is_none());
        assert_eq!(cni_env(&c)[4], pairs(&[("CNI_ARGS", "")])[0]);
    }
    assert_eq!(lab.results(), Vec::<String>::new());
}

#[test]
fn a_corrupt_entry_is_deleted_without_prev_result_and_removed_after() {
    let lab = Lab::new(all_ok);
    let l = chain("1.0.0");
    write_legacy(&lab, "adfadsfasdfasfdsafaf");
    let out = lab.rt().del(Some(&l), &del_req()).unwrap();
    assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
    assert!(
        out.warnings[0].contains(&format!(
            "{}: the cache entry is corrupt (",
            lab.rt()
                .cache
                .result_path("chain", "ctr-1", "eth1")
                .unwrap()
                .display()
        )),
        "{}",
        out.warnings[0]
    );
    assert!(out.warnings[0].ends_with("); deleting without a prevResult"));
    assert_eq!(lab.log(), ["DEL p3", "DEL p2", "DEL p1"]);
    for d in lab.exec.calls() {
        assert_eq!(prev(&d), None);
    }
    assert_eq!(lab.results(), Vec::<String>::new());
}

#[test]
fn nothing_runs_when_a_binary_is_missing_or_an_identifier_is_invalid() {
    let lab = Lab::new(all_ok);
    std::fs::remove_file(lab.bin(2).join("p3")).unwrap();
    let l = chain("1.0.0");
    let err = lab.rt().resolve(&l).unwrap_err();
    match &err {
        RuntimeError::PluginNotFound {
            network,
            plugin,
            searched,
            ipam_of,
            ..
        } => {
            assert_eq!(network, NET);
            assert_eq!(plugin, "p3");
            assert_eq!(
                *searched,
                format!("{}:{}", lab.bin(1).display(), lab.bin(2).display())
            );
            assert_eq!(*ipam_of, None);
        }
        other => panic!("{other:?}"),
    }
    assert!(err.nothing_ran());
    // DEL resolves the chain before its first DEL.
    let err = lab.rt().del(Some(&l), &del_req()).unwrap_err();
    assert!(
        matches!(err, RuntimeError::PluginNotFound { .. }),
        "{err:?}"
    );
    assert!(lab.exec.calls().is_empty());
    // An IPAM plugin is looked up too, and named with the plugin that uses it.
    let ipam = list(
        r#"{"cniVersion":"1.0.0","name":"chain","plugins":[{"type":"p1","ipam":{"type":"host-local"}}]}"#,
    );
    let err = lab.rt().resolve(&ipam).unwrap_err();
    assert!(
        matches!(&err, RuntimeError::PluginNotFound { plugin, ipam_of: Some(of), .. }
            if plugin == "host-local" && of == "p1"),
        "{err:?}"
    );

    let lab = Lab::new(all_ok);
    let l = chain("1.0.0");
    let rt = lab.rt();
    let resolved = rt.resolve(&l).unwrap();
    let bad = Attachment {
        ifname: "eth/1".into(),
        ..attachment()
    };
    let err = rt.add(&l, &resolved, &bad, false).unwrap_err();
    assert!(
        matches!(&err, RuntimeError::InvalidIdentifier { what: "interface name", value, .. } if value == "eth/1"),
        "{err:?}"
    );
    assert!(err.nothing_ran());
    assert!(lab.exec.calls().is_empty());
    assert_eq!(lab.results(), Vec::<String>::new());
}

#[test]
fn a_prev_result_written_in_the_config_passes_through_only_where_none_is_injected() {
    // libcni: a config-supplied prevResult reaches the first ADD plugin and every DEL that has
    // no cached result; an injected one replaces it.
    let lab = Lab::new(all_ok);
    let l = list(
        r#"{"cniVersion":"1.0.0","name":"chain","plugins":[{"type":"p1","prevResult":{"written":1}},{"type":"p2","prevResult":{"written":2}}]}"#,
    );
    lab.add(&l, false).unwrap();
    let calls = lab.exec.calls();
    assert_eq!(prev(&calls[0]), Some(json!({"written": 1})));
    assert_eq!(prev(&calls[1]), Some(json(R1)));
    lab.rt().del(Some(&l), &del_req()).unwrap();
    lab.rt().del(Some(&l), &del_req()).unwrap();
    assert_eq!(
        lab.log(),
        ["ADD p1", "ADD p2", "DEL p2", "DEL p1", "DEL p2", "DEL p1"]
    );
    let calls = lab.exec.calls();
    // First DEL: the cached result (p2's) replaces both.
    assert_eq!(prev(&calls[2]), Some(json(R2)));
    assert_eq!(prev(&calls[3]), Some(json(R2)));
    // Second DEL, no cache: each plugin's own.
    assert_eq!(prev(&calls[4]), Some(json!({"written": 2})));
    assert_eq!(prev(&calls[5]), Some(json!({"written": 1})));
}

// ---------------------------------------------------------------------------------------------
// Cache entries libcni could not (or would silently not) use, and identity mismatches.

/// The settled entry of a successful ADD as JSON, changed by `edit`, written over the file.
fn rewrite_entry(lab: &Lab, edit: impl FnOnce(&mut Map<String, Value>)) {
    let mut v: Value = serde_json::from_slice(&std::fs::read(lab.entry_path()).unwrap()).unwrap();
    edit(v.as_object_mut().unwrap());
    std::fs::write(lab.entry_path(), serde_json::to_vec(&v).unwrap()).unwrap();
}

#[test]
fn check_refuses_a_record_without_a_usable_result_or_config_and_runs_nothing() {
    type Edit = fn(&mut Map<String, Value>);
    let cases: [(Edit, &str); 5] = [
        (|m| drop(m.remove("result")), "it holds no result"),
        (
            |m| drop(m.insert("result".into(), json!({"ips": "x"}))),
            "result: it names no cniVersion",
        ),
        (
            |m| drop(m.insert("result".into(), json!({"cniVersion": "1.0.0", "ips": "x"}))),
            "result: failed to parse 1.0.0 result: ips: expected an array, got string",
        ),
        (|m| drop(m.remove("config")), "it holds no config"),
        (
            |m| drop(m.insert("kind".into(), json!("cniCacheV2"))),
            "unknown kind \"cniCacheV2\" (cnictl reads cniCacheV1 records and legacy results)",
        ),
    ];
    for (edit, want) in cases {
        let lab = Lab::new(all_ok);
        let l = chain("1.0.0");
        lab.add(&l, false).unwrap();
        rewrite_entry(&lab, edit);
        let n = lab.exec.calls().len();
        let err = lab.rt().check(&l, &del_req()).unwrap_err();
        match &err {
            RuntimeError::BadCache { path, msg, .. } => {
                assert_eq!(path, &lab.entry_path());
                assert_eq!(msg, want);
            }
            other => panic!("{want}: {other:?}"),
        }
        assert_eq!(lab.exec.calls().len(), n, "{want}: no plugin runs");
    }
}

#[test]
fn del_of_a_record_with_an_unusable_result_keeps_its_args_and_sends_no_prev_result() {
    let lab = Lab::new(all_ok);
    let l = chain("1.0.0");
    lab.add(&l, false).unwrap();
    rewrite_entry(&lab, |m| {
        m.insert("result".into(), json!({"ips": "x"}));
    });
    let n = lab.exec.calls().len();
    let out = lab.rt().del(Some(&l), &del_req()).unwrap();
    assert_eq!(
        out.warnings,
        [format!(
            "{}: the cache entry is unusable (result: it names no cniVersion); deleting without a prevResult",
            lab.entry_path().display()
        )]
    );
    assert_eq!(lab.log()[n..], ["DEL p3", "DEL p2", "DEL p1"]);
    for d in lab.calls_from(n) {
        assert_eq!(prev(&d), None, "{}", d.plugin());
        assert!(
            cni_env(&d).contains(&("CNI_ARGS".into(), "IgnoreUnknown=1;K8S_POD_NAME=web".into())),
            "the cached CNI_ARGS are kept: {:?}",
            cni_env(&d)
        );
    }
    let p1 = lab.calls_from(n).pop().unwrap();
    assert!(runtime_config(&p1).unwrap().get("portMappings").is_some());
    assert!(lab.results().is_empty());
}

#[test]
fn del_of_a_record_without_config_uses_its_result_silently() {
    let lab = Lab::new(all_ok);
    let l = chain("1.0.0");
    lab.add(&l, false).unwrap();
    rewrite_entry(&lab, |m| {
        m.remove("config");
    });
    // As another runtime's entry: no record of cnictl's to compare the config with.
    lab.rt().cache.remove_record(NET, ID, "eth1").unwrap();
    let n = lab.exec.calls().len();
    let out = lab.rt().del(Some(&l), &del_req()).unwrap();
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    for d in lab.calls_from(n) {
        assert_eq!(prev(&d).unwrap()["cniVersion"], "1.0.0", "{}", d.plugin());
    }
}

#[test]
fn identity_fields_that_disagree_with_the_file_name_are_a_warning_and_the_request_wins() {
    for (field, value) in [
        ("networkName", "other"),
        ("containerId", "ctr-2"),
        ("ifName", "eth9"),
    ] {
        let lab = Lab::new(all_ok);
        let l = chain("1.0.0");
        lab.add(&l, false).unwrap();
        rewrite_entry(&lab, |m| {
            m.insert(field.into(), json!(value));
        });
        let want = format!(
            "{}: the cache entry's {field} \"{value}\" disagrees with its file name (libcni finds it by the file name for CHECK and DEL, but lists and garbage-collects it by its fields)",
            lab.entry_path().display()
        );
        let n = lab.exec.calls().len();
        let out = lab.rt().check(&l, &del_req()).unwrap();
        assert!(out.warnings.contains(&want), "{field}: {:?}", out.warnings);
        assert_eq!(lab.log()[n..], ["CHECK p1", "CHECK p2", "CHECK p3"]);
        let out = lab.rt().del(Some(&l), &del_req()).unwrap();
        assert!(out.warnings.contains(&want), "{field}: {:?}", out.warnings);
        // The identity of the request (the file name) reaches the plugins, as in libcni.
        for d in lab.calls_from(n) {
            let env = cni_env(&d);
            assert!(
                env.contains(&("CNI_CONTAINERID".into(), ID.into())),
                "{env:?}"
            );
            assert!(
                env.contains(&("CNI_IFNAME".into(), "eth1".into())),
                "{env:?}"
            );
        }
        assert!(
            lab.results().is_empty(),
            "{field}: the file read is the one removed"
        );
    }
}

// The guard: part of the runtime, asked by ADD, DEL and CHECK before any plugin runs

/// Every file under `dir` (none when it does not exist), relative to it.
fn files_under(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in rd {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(
                files_under(&p)
                    .into_iter()
                    .map(|f| format!("{}/{f}", p.file_name().unwrap().to_string_lossy())),
            );
        } else {
            out.push(p.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    out
}

/// A real network namespace file this test can stat without root (its parent's), and a guard
/// that forbids exactly that namespace as the plugins' one. No plugin ever runs: the exec
/// only records.
fn forbidden_ns() -> (String, crate::netns::Guard) {
    let path = format!("/proc/{}/ns/net", std::os::unix::process::parent_id());
    let id = crate::netns::netns_id(std::path::Path::new(&path)).unwrap();
    let guard = crate::netns::Guard::from_parts(vec![(id, crate::netns::Forbidden::HostNetns)]);
    (path, guard)
}

#[test]
fn add_refuses_forbidden_and_reader_dependent_netns_before_anything() {
    let lab = Lab::new(|_, _| Answer::Ok(R1));
    let (forbidden, guard) = forbidden_ns();
    let l = chain("1.0.0");
    for netns in [
        forbidden.as_str(),
        "/proc/self/ns/net",
        "/proc/thread-self/ns/net",
    ] {
        let mut rt = lab.rt();
        rt.guard = guard.clone();
        let resolved = rt.resolve(&l).unwrap();
        let att = Attachment {
            netns: netns.into(),
            ..attachment()
        };
        let err = rt.add(&l, &resolved, &att, false).unwrap_err();
        match &err {
            RuntimeError::Netns(crate::netns::NetnsError::Forbidden { reasons, .. }) => {
                assert_eq!(netns, forbidden);
                assert_eq!(reasons, &[crate::netns::Forbidden::HostNetns]);
            }
            RuntimeError::Netns(crate::netns::NetnsError::ReaderDependent { .. }) => {
                assert_ne!(netns, forbidden);
            }
            other => panic!("{netns}: expected a guard refusal, got {other:?}"),
        }
        assert!(err.nothing_ran(), "{err}");
        assert!(lab.exec.calls().is_empty(), "{netns}: {:?}", lab.log());
        assert_eq!(
            files_under(&lab.dir.path().join("cache")),
            Vec::<String>::new(),
            "{netns}: no entry, no record"
        );
    }
}

#[test]
fn del_and_check_refuse_forbidden_and_reader_dependent_netns_and_keep_the_entry() {
    let lab = Lab::new(|_, _| Answer::Ok(R1));
    let (forbidden, guard) = forbidden_ns();
    let l = chain("1.0.0");
    for netns in [forbidden.as_str(), "/proc/self/ns/net"] {
        // The forbidden namespace: an entry naming it, as another runtime (or an older
        // cnictl) may have written it; the ADD runs under a guard that forbids nothing, with
        // the recording exec. A reader-dependent spelling no guard lets through: the entry
        // names NETNS, and the request names the spelling with --force (else the netns
        // mismatch would refuse it first).
        let mut open = lab.rt();
        open.guard = crate::netns::Guard::from_parts(Vec::new());
        let reader_dependent = netns != forbidden;
        let att = Attachment {
            netns: if reader_dependent { NETNS } else { netns }.into(),
            ..attachment()
        };
        open.add(&l, &open.resolve(&l).unwrap(), &att, false)
            .unwrap();
        let files = files_under(&lab.dir.path().join("cache"));
        assert!(!files.is_empty());
        let n = lab.exec.calls().len();

        let mut rt = lab.rt();
        rt.guard = guard.clone();
        let req = DelRequest {
            netns: netns.into(),
            force: reader_dependent,
            ..del_req()
        };
        for (verb, res) in [
            ("DEL", rt.del(Some(&l), &req)),
            ("CHECK", rt.check(&l, &req)),
        ] {
            let err = res.unwrap_err();
            assert!(
                matches!(
                    err,
                    RuntimeError::Netns(
                        crate::netns::NetnsError::Forbidden { .. }
                            | crate::netns::NetnsError::ReaderDependent { .. }
                    )
                ),
                "{verb} {netns}: {err:?}"
            );
            assert!(err.nothing_ran(), "{err}");
            assert_eq!(lab.exec.calls().len(), n, "{verb} {netns}: {:?}", lab.log());
            assert_eq!(
                files_under(&lab.dir.path().join("cache")),
                files,
                "{verb} {netns}: the entry and record are kept"
            );
        }
        // With --force too: the guard is not a mismatch check.
        let forced = DelRequest {
            force: true,
            ..req.clone()
        };
        assert!(matches!(
            rt.del(Some(&l), &forced),
            Err(RuntimeError::Netns(_))
        ));
        assert_eq!(lab.exec.calls().len(), n);
        // Clean up for the next spelling, through the open guard.
        let cleanup = DelRequest {
            netns: att.netns.clone(),
            ..del_req()
        };
        open.del(Some(&l), &cleanup).unwrap();
        assert_eq!(lab.results(), Vec::<String>::new());
    }
}

#[test]
fn del_of_a_missing_netns_passes_the_guard() {
    let lab = Lab::new(|_, _| Answer::Ok(R1));
    let (_, guard) = forbidden_ns();
    let l = chain("1.0.0");
    lab.add(&l, false).unwrap();
    let n = lab.exec.calls().len();
    let mut rt = lab.rt();
    rt.guard = guard;
    // NETNS does not exist: nothing there can be a forbidden namespace.
    assert!(!std::path::Path::new(NETNS).exists());
    rt.del(Some(&l), &del_req()).unwrap();
    assert_eq!(lab.log()[n..], ["DEL p3", "DEL p2", "DEL p1"]);
    assert_eq!(lab.results(), Vec::<String>::new());
}
