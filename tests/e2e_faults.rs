//! Fault scenarios end to end: the reference bridge (host-local) and portmap plugins in a
//! test-owned host namespace, with the fake plugin (examples/fake_plugin.rs) as the third,
//! failing link of the chain. Every scenario asserts that the error names the plugin and that
//! nothing is left: no container namespace cnictl created, no veth in the host namespace, no
//! IP reservation in host-local's dataDir, no cache entry, no iptables rule naming the
//! container or its host port. They need root (`--include-ignored`).
//!
//! Scenarios covered elsewhere, not repeated here: a real third plugin (tuning) failing
//! (e2e.rs `failed_add_leaves_nothing_behind`), fake-only hung plugins and their children,
//! rollback timeouts and SIGINT/SIGTERM rollback (cli_chain.rs), 100 MB outputs under a memory
//! limit (cli_bad_input.rs), SIGKILL of cnictl mid-ADD followed by `del` (e2e_records.rs).

mod common;

use common::{Lab, Run};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const PORT: u16 = 18181;

fn portmap_cap() -> String {
    format!(r#"portMappings=[{{"hostPort":{PORT},"containerPort":80,"protocol":"tcp"}}]"#)
}

/// bridge (host-local) → portmap → `third` (the fake plugin), with these fake rules.
fn lab_with(net: &str, subnet: &str, ip_masq: bool, rules: Value) -> Lab {
    let lab = Lab::new();
    lab.fake_plugins(&["faulty"], rules);
    lab.write_conf(
        "10-f.conflist",
        &json!({
            "cniVersion": "1.0.0",
            "name": net,
            "plugins": [
                {"type": "bridge", "bridge": lab.bridge(), "isGateway": true, "ipMasq": ip_masq,
                 "ipam": {"type": "host-local", "dataDir": lab.ipam_dir(),
                          "ranges": [[{"subnet": subnet}]]}},
                {"type": "portmap", "capabilities": {"portMappings": true}},
                {"type": "faulty"}
            ]
        }),
    );
    lab
}

/// The files of cnictl's own records (`<cache>/cnictl/records`).
fn records(lab: &Lab) -> Vec<String> {
    let Ok(rd) = std::fs::read_dir(lab.cache_dir().join("cnictl/records")) else {
        return Vec::new();
    };
    rd.filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

fn container_id(lab: &Lab) -> String {
    format!("fault-{}", lab.token)
}

/// Asserts that nothing of an attachment is left in the lab.
fn assert_nothing_left(lab: &Lab, net: &str, ctr: Option<&str>) {
    if let Some(ctr) = ctr {
        assert!(
            !Lab::netns_exists(ctr),
            "the container namespace {ctr} was left"
        );
    }
    assert_eq!(
        lab.host_veths().trim(),
        "",
        "veth left in the host namespace"
    );
    assert_eq!(
        lab.reservations(net),
        Vec::<String>::new(),
        "IP reservation left"
    );
    assert_eq!(lab.cache_files(), Vec::<String>::new(), "cache entry left");
    assert_eq!(records(lab), Vec::<String>::new(), "cnictl record left");
    let nat = lab.nat_rules();
    assert!(
        !nat.contains(&format!("--dport {PORT}")),
        "portmap DNAT rule left:\n{nat}"
    );
    assert!(
        !nat.contains(&container_id(lab)),
        "a rule naming the container was left:\n{nat}"
    );
    let filter = common::run(
        "ip",
        &["netns", "exec", &lab.host, "iptables-save", "-t", "filter"],
    )
    .stdout;
    assert!(
        !filter.contains(&container_id(lab)),
        "a filter rule naming the container was left:\n{filter}"
    );
}

/// `add` (with port mappings) into a namespace cnictl creates; the third plugin misbehaves
/// as `rule` says. Asserts exit 1, an error naming the plugin, a rollback, and nothing left.
fn failing_third(rule: Value, extra: &[&str], want: &[&str]) -> Run {
    let mut rule = rule;
    rule["plugin"] = json!("faulty");
    rule["command"] = json!("ADD");
    let lab = lab_with("faults", "10.244.1.0/24", true, json!([rule]));
    let ctr = lab.container("f");
    let id = container_id(&lab);
    let cap = portmap_cap();
    let mut args = vec!["add", "faults", &ctr, "--container-id", &id, "--cap", &cap];
    args.extend_from_slice(extra);
    let r = lab
        .cnictl(&args)
        .expect(1, "add with a failing third plugin");
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert!(
        r.stderr.contains("plugin \"faulty\" failed (ADD)"),
        "the error must name the plugin: {}",
        r.stderr
    );
    for w in want {
        assert!(r.stderr.contains(w), "{w:?} missing in: {}", r.stderr);
    }
    assert!(r.stderr.contains("rolled back"), "{}", r.stderr);
    assert_nothing_left(&lab, "faults", Some(&ctr));
    r
}

#[test]
#[ignore = "needs root, network namespaces and the reference plugins"]
fn third_plugin_crashes_with_sigsegv() {
    failing_third(
        json!({"action": "signal", "signal": "SEGV"}),
        &[],
        &["SIGSEGV"],
    );
}

#[test]
#[ignore = "needs root, network namespaces and the reference plugins"]
fn third_plugin_is_killed_by_a_signal() {
    failing_third(
        json!({"action": "signal", "signal": "KILL"}),
        &[],
        &["signal: killed"],
    );
    failing_third(
        json!({"action": "signal", "signal": "TERM"}),
        &[],
        &["SIGTERM"],
    );
}

#[test]
#[ignore = "needs root, network namespaces and the reference plugins"]
fn third_plugin_prints_garbage() {
    failing_third(
        json!({"action": "garbage", "exit": 0}),
        &[],
        &["invalid result"],
    );
}

#[test]
#[ignore = "needs root, network namespaces and the reference plugins"]
fn third_plugin_prints_100_mb() {
    let r = failing_third(
        json!({"action": "flood", "bytes": 104_857_600, "stream": "stdout", "exit": 0}),
        &[],
        &[],
    );
    assert!(
        r.stderr.len() < 64 * 1024,
        "stderr of {} bytes",
        r.stderr.len()
    );
}

#[test]
#[ignore = "needs root, network namespaces and the reference plugins"]
fn third_plugin_fails_with_an_error_object() {
    failing_third(
        json!({"action": "error", "code": 11, "msg": "fake failure", "details": "third"}),
        &[],
        &["fake failure"],
    );
}

#[test]
#[ignore = "needs root, network namespaces and the reference plugins"]
fn third_plugin_hangs_past_the_timeout() {
    let start = Instant::now();
    failing_third(
        json!({"action": "sleep", "secs": 300}),
        &["--timeout", "3s"],
        &["timed out after 3s"],
    );
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "took {:?}",
        start.elapsed()
    );
}

/// A successful add (the fake third plugin passes its prevResult on), with port mappings.
fn healthy_add(lab: &Lab, net: &str, ctr: &str) -> Value {
    let id = container_id(lab);
    let cap = portmap_cap();
    let r = lab
        .cnictl(&["add", net, ctr, "--container-id", &id, "--cap", &cap])
        .expect(0, "add");
    assert_eq!(lab.reservations(net).len(), 1, "one reservation");
    assert_eq!(lab.cache_files().len(), 1, "one cache entry");
    let nat = lab.nat_rules();
    assert!(nat.contains(&format!("--dport {PORT}")), "{nat}");
    assert!(
        nat.contains(&id),
        "the rules name the container ID (what assert_nothing_left relies on):\n{nat}"
    );
    r.json()
}

#[test]
#[ignore = "needs root, network namespaces and the reference plugins"]
fn netns_deleted_between_add_and_del() {
    // Debian's bridge 1.1.1 skips its masquerade teardown when the netns is gone (it reads the
    // container's address from inside it): ipMasq false keeps that known leak out of the test.
    let lab = lab_with("gone", "10.244.2.0/24", false, json!([]));
    let ctr = lab.container("g");
    healthy_add(&lab, "gone", &ctr);
    common::run("ip", &["netns", "delete", &ctr]).expect(0, "ip netns delete");
    let id = container_id(&lab);
    let r = lab
        .cnictl(&["del", "gone", &ctr, "--container-id", &id])
        .expect(0, "del of an attachment whose netns is gone");
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert_nothing_left(&lab, "gone", Some(&ctr));
}

fn corrupt_entry_then_del(truncate_to: Option<usize>) {
    let lab = lab_with("corrupt", "10.244.3.0/24", true, json!([]));
    let ctr = lab.container("c");
    healthy_add(&lab, "corrupt", &ctr);
    let entry = lab.cache_dir().join("results").join(&lab.cache_files()[0]);
    let bytes = std::fs::read(&entry).unwrap();
    let keep = truncate_to.unwrap_or(0).min(bytes.len());
    std::fs::write(&entry, &bytes[..keep]).unwrap();
    // the cached capability args are lost with the entry: the caller gives them again
    let id = container_id(&lab);
    let cap = portmap_cap();
    let r = lab
        .cnictl(&[
            "del",
            "corrupt",
            &ctr,
            "--container-id",
            &id,
            "--cap",
            &cap,
            "--rm-netns",
        ])
        .expect(0, "del over a corrupt cache entry");
    assert!(
        r.stderr.contains("the cache entry is corrupt")
            && r.stderr.contains("deleting without a prevResult"),
        "{}",
        r.stderr
    );
    assert_nothing_left(&lab, "corrupt", Some(&ctr));
}

#[test]
#[ignore = "needs root, network namespaces and the reference plugins"]
fn empty_cache_entry_then_del() {
    corrupt_entry_then_del(None);
}

#[test]
#[ignore = "needs root, network namespaces and the reference plugins"]
fn truncated_cache_entry_then_del() {
    corrupt_entry_then_del(Some(40));
}

#[test]
#[ignore = "needs root, network namespaces and the reference plugins"]
fn unwritable_cache_dir_is_refused_before_any_plugin_runs() {
    // root ignores permission bits: a file where a directory must be
    for (what, make) in [
        ("the cache dir", "cache"),
        ("its results dir", "cache/results"),
    ] {
        let lab = lab_with("nocache", "10.244.4.0/24", true, json!([]));
        let log = lab.fake_plugins(&["faulty"], json!([]));
        let p = lab.dir.path().join(make);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, "not a directory").unwrap();
        let ctr = lab.container("u");
        let id = container_id(&lab);
        let cap = portmap_cap();
        let r = lab
            .cnictl(&["add", "nocache", &ctr, "--container-id", &id, "--cap", &cap])
            .expect(2, what);
        assert!(
            r.stderr.contains("Not a directory") && r.stderr.contains(make),
            "{what}: {}",
            r.stderr
        );
        assert!(
            !log.exists() || std::fs::read_to_string(&log).unwrap().is_empty(),
            "{what}: a plugin ran"
        );
        std::fs::remove_file(&p).unwrap();
        assert_nothing_left(&lab, "nocache", Some(&ctr));
    }
}

/// The fake plugin's logged calls, as "PLUGIN COMMAND".
fn logged(log: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            format!(
                "{} {}",
                v["plugin"].as_str().unwrap(),
                v["command"].as_str().unwrap()
            )
        })
        .collect()
}

fn interrupted_add(signal: nix::sys::signal::Signal, want_code: i32) {
    let lab = lab_with("intr", "10.244.5.0/24", true, json!([]));
    let log = lab.fake_plugins(
        &["faulty"],
        json!([{"plugin": "faulty", "command": "ADD", "action": "sleep", "secs": 300}]),
    );
    let ctr = lab.container("i");
    let id = container_id(&lab);
    let cap = portmap_cap();
    let mut child = lab
        .command(
            &["add", "intr", &ctr, "--container-id", &id, "--cap", &cap],
            &[],
        )
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start cnictl");
    let until = Instant::now() + Duration::from_secs(60);
    while !logged(&log).contains(&"faulty ADD".to_string()) {
        assert!(Instant::now() < until, "the third plugin never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    // bridge and portmap have done their work: the interruption must undo it
    assert_eq!(lab.reservations("intr").len(), 1);
    assert!(lab.nat_rules().contains(&format!("--dport {PORT}")));
    let pid = nix::unistd::Pid::from_raw(child.id() as i32);
    nix::sys::signal::kill(pid, signal).expect("signal cnictl");
    let until = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if Instant::now() > until {
            let _ = child.kill();
            panic!("cnictl did not stop within 60s of {signal}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(status.code(), Some(want_code), "{stderr}");
    assert!(
        stderr.contains("faulty"),
        "the error must name the plugin: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_nothing_left(&lab, "intr", Some(&ctr));
}

#[test]
#[ignore = "needs root, network namespaces and the reference plugins"]
fn sigint_during_add_leaves_nothing() {
    interrupted_add(nix::sys::signal::Signal::SIGINT, 130);
}

#[test]
#[ignore = "needs root, network namespaces and the reference plugins"]
fn sigterm_during_add_leaves_nothing() {
    interrupted_add(nix::sys::signal::Signal::SIGTERM, 143);
}

/// The third plugin is a copy of the fake plugin held open for writing while cnictl starts it.
#[test]
#[ignore = "needs root, network namespaces and the reference plugins"]
fn plugin_binary_busy_for_writing() {
    let lab = lab_with("busy", "10.244.6.0/24", true, json!([]));
    let busy = lab.dir.path().join("bin").join("busy");
    std::fs::copy(common::fake::fake_plugin(), &busy).unwrap();
    let mut conf: Value =
        serde_json::from_slice(&std::fs::read(lab.conf_dir().join("10-f.conflist")).unwrap())
            .unwrap();
    conf["plugins"][2]["type"] = json!("busy");
    lab.write_conf("10-f.conflist", &conf);
    let id = container_id(&lab);
    let cap = portmap_cap();

    // busy all along: every retry fails, the chain is rolled back, the error names the binary
    let writer = std::fs::OpenOptions::new().write(true).open(&busy).unwrap();
    let ctr = lab.container("b");
    let r = lab
        .cnictl(&["add", "busy", &ctr, "--container-id", &id, "--cap", &cap])
        .expect(1, "add with a busy plugin binary");
    assert!(
        r.stderr.contains("plugin \"busy\"") && r.stderr.contains("text file busy"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("rolled back"), "{}", r.stderr);
    assert_nothing_left(&lab, "busy", Some(&ctr));

    // busy for a moment (an upgrade finishing): the retry succeeds
    let ctr2 = lab.container("b2");
    let child = lab
        .command(
            &["add", "busy", &ctr2, "--container-id", &id, "--cap", &cap],
            &[],
        )
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let writer2 = std::fs::OpenOptions::new().write(true).open(&busy).unwrap();
    drop(writer);
    std::thread::sleep(Duration::from_millis(250));
    drop(writer2);
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    lab.cnictl(&["del", "busy", &ctr2, "--container-id", &id, "--rm-netns"])
        .expect(0, "del");
    assert_nothing_left(&lab, "busy", Some(&ctr2));
}

/// `add` and `del` of one attachment at once, several times: whichever runs first, the end
/// state is whole — an attachment with its entry, address, veth and rule, or nothing at all —
/// and a final `del` leaves nothing.
#[test]
#[ignore = "needs root, network namespaces and the reference plugins"]
fn concurrent_add_and_del_of_one_attachment() {
    let lab = lab_with("race", "10.244.7.0/24", true, json!([]));
    let id = container_id(&lab);
    let cap = portmap_cap();
    let mut attached_rounds = 0;
    for round in 0..6 {
        let ctr = lab.container(&format!("r{round}"));
        // the namespace exists first, so that del has one to name
        common::run("ip", &["netns", "add", &ctr]).expect(0, "ip netns add");
        let spawn = |args: &[&str]| {
            lab.command(args, &[])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let add_args = ["add", "race", &ctr, "--container-id", &id, "--cap", &cap];
        let del_args = ["del", "race", &ctr, "--container-id", &id];
        // even rounds start the add first, odd rounds the del, 0 to 40 ms apart
        let gap = Duration::from_millis(20 * (round as u64 / 2));
        let (add, del) = if round % 2 == 0 {
            let add = spawn(&add_args);
            std::thread::sleep(gap);
            (add, spawn(&del_args))
        } else {
            let del = spawn(&del_args);
            std::thread::sleep(gap);
            (spawn(&add_args), del)
        };
        let add = add.wait_with_output().unwrap();
        let del = del.wait_with_output().unwrap();
        let show = |o: &std::process::Output| String::from_utf8_lossy(&o.stderr).into_owned();
        assert_eq!(
            add.status.code(),
            Some(0),
            "round {round} add: {}",
            show(&add)
        );
        assert_eq!(
            del.status.code(),
            Some(0),
            "round {round} del: {}",
            show(&del)
        );
        let attached = !lab.cache_files().is_empty();
        let nat = lab.nat_rules();
        let whole = (
            lab.cache_files().len(),
            lab.reservations("race").len(),
            lab.host_veths().lines().count(),
            nat.contains(&format!("--dport {PORT}")),
        );
        if attached {
            attached_rounds += 1;
            assert_eq!(
                whole,
                (1, 1, 1, true),
                "round {round}: a partial attachment"
            );
        } else {
            assert_eq!(whole, (0, 0, 0, false), "round {round}: leftovers:\n{nat}");
        }
        lab.cnictl(&["del", "race", &ctr, "--container-id", &id, "--rm-netns"])
            .expect(0, "final del");
        assert_nothing_left(&lab, "race", Some(&ctr));
    }
    eprintln!("concurrent add/del: the del ran first in {attached_rounds} of 6 rounds");
}

/// The words of the `cnictl del ...` command a stopped or failed rollback prints.
fn cleanup_words(stderr: &str) -> Vec<String> {
    let line = stderr
        .lines()
        .find(|l| l.contains("clean up with: "))
        .unwrap_or_else(|| panic!("no clean-up command in:\n{stderr}"));
    let cmd = line.split("clean up with: ").nth(1).unwrap_or_default();
    cmd.split_whitespace().map(str::to_string).collect()
}

/// Runs a command cnictl printed, as an operator would paste it (CNI_PATH and the fake
/// plugin's script in the environment; every other flag from the printed words).
fn run_printed(lab: &Lab, words: &[String]) -> Run {
    assert_eq!(words[0], "cnictl", "{words:?}");
    let mut cmd = std::process::Command::new(common::cnictl_bin());
    cmd.env_clear()
        .env(
            "PATH",
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        )
        .env("CNI_PATH", lab.cni_path())
        .env("FAKE_PLUGIN_SCRIPT", lab.dir.path().join("script.json"))
        .args(&words[1..]);
    Run::from(cmd.output().expect("run the printed command"))
}

/// The pids of the fake plugin's logged calls `tag` ("PLUGIN COMMAND").
fn logged_pids(log: &std::path::Path, tag: &str) -> Vec<i32> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| format!("{} {}", v["plugin"], v["command"]).replace('"', "") == tag)
        .filter_map(|v| v["pid"].as_i64().map(|p| p as i32))
        .collect()
}

/// The third plugin's ADD fails and its rollback DEL hangs: `first` arrives during the
/// rollback (which goes on), `second` stops it. cnictl exits `want`, keeps a failed-ADD
/// record (libcni entry and cnictl's marker), names what is left, and the `cnictl del` it
/// prints removes everything bridge and portmap set up.
fn second_signal_stops_a_hung_rollback(
    first: nix::sys::signal::Signal,
    second: nix::sys::signal::Signal,
    want: i32,
) {
    let lab = lab_with("hungdel", "10.244.7.0/24", true, json!([]));
    let log = lab.fake_plugins(
        &["faulty"],
        json!([
            {"plugin": "faulty", "command": "ADD", "action": "error", "code": 7, "msg": "boom"},
            {"plugin": "faulty", "command": "DEL", "action": "sleep", "secs": 300}
        ]),
    );
    let ctr = lab.container("h");
    let id = container_id(&lab);
    let cap = portmap_cap();
    let mut child = lab
        .command(
            &["add", "hungdel", &ctr, "--container-id", &id, "--cap", &cap],
            &[],
        )
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start cnictl");
    let pid = nix::unistd::Pid::from_raw(child.id() as i32);
    let until = Instant::now() + Duration::from_secs(60);
    while logged_pids(&log, "faulty DEL").is_empty() {
        if Instant::now() > until {
            let _ = child.kill();
            panic!("the rollback DEL never started");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    nix::sys::signal::kill(pid, first).expect("signal cnictl");
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        child.try_wait().unwrap().is_none(),
        "cnictl stopped at the first {first}, before its rollback ended"
    );
    nix::sys::signal::kill(pid, second).expect("signal cnictl");
    let sent = Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if sent.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("cnictl did not stop within 30s of a second {second}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    // the hung DEL was cnictl's to stop; should it have survived, the test stops it (its own)
    let survivors: Vec<i32> = logged_pids(&log, "faulty DEL")
        .into_iter()
        .filter(|p| nix::sys::signal::kill(nix::unistd::Pid::from_raw(*p), None).is_ok())
        .collect();
    for p in &survivors {
        let _ = nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(*p),
            nix::sys::signal::Signal::SIGKILL,
        );
    }
    assert_eq!(status.code(), Some(want), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        survivors.is_empty(),
        "the hung rollback DEL survived cnictl: {survivors:?}"
    );
    assert!(
        stderr.contains("faulty"),
        "the error must name the plugin: {stderr}"
    );
    assert!(stderr.contains("left behind"), "{stderr}");
    // bridge and portmap were never rolled back: their work is there, and recorded
    assert_eq!(lab.reservations("hungdel").len(), 1, "{stderr}");
    assert!(lab.nat_rules().contains(&format!("--dport {PORT}")));
    assert_eq!(lab.cache_files().len(), 1, "the failed-ADD entry: {stderr}");
    assert!(!records(&lab).is_empty(), "no cnictl record: {stderr}");
    // the printed command cleans up (the plugin healed: its DEL now succeeds)
    lab.fake_plugins(&["faulty"], json!([]));
    let words = cleanup_words(&stderr);
    assert!(words.iter().any(|w| w == "del"), "{words:?}");
    run_printed(&lab, &words).expect(0, "the printed clean-up command");
    if Lab::netns_exists(&ctr) {
        common::run("ip", &["netns", "delete", &ctr]).expect(0, "ip netns delete");
    }
    assert_nothing_left(&lab, "hungdel", Some(&ctr));
}

#[test]
#[ignore = "needs root, network namespaces and the reference plugins"]
fn second_sigint_stops_a_hung_rollback_del() {
    use nix::sys::signal::Signal::SIGINT;
    second_signal_stops_a_hung_rollback(SIGINT, SIGINT, 130);
}

#[test]
#[ignore = "needs root, network namespaces and the reference plugins"]
fn second_sigterm_stops_a_hung_rollback_del() {
    use nix::sys::signal::Signal::SIGTERM;
    second_signal_stops_a_hung_rollback(SIGTERM, SIGTERM, 143);
}

#[test]
#[ignore = "needs root, network namespaces and the reference plugins"]
fn failed_rollback_del_is_recorded_and_del_cleans_up() {
    let lab = lab_with(
        "faildel",
        "10.244.8.0/24",
        true,
        json!([
            {"plugin": "faulty", "command": "ADD", "action": "error", "code": 7, "msg": "boom"},
            {"plugin": "faulty", "command": "DEL", "action": "error", "code": 11, "msg": "del broke"}
        ]),
    );
    let ctr = lab.container("d");
    let id = container_id(&lab);
    let cap = portmap_cap();
    let r = lab
        .cnictl(&["add", "faildel", &ctr, "--container-id", &id, "--cap", &cap])
        .expect(1, "add whose rollback DEL fails");
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert!(
        r.stderr.contains("plugin \"faulty\" failed (ADD)"),
        "the error must name the plugin: {}",
        r.stderr
    );
    assert!(r.stderr.contains("del broke"), "{}", r.stderr);
    // recorded as a failed ADD, in libcni's results/ and cnictl's records
    assert_eq!(lab.cache_files().len(), 1, "{}", r.stderr);
    assert!(!records(&lab).is_empty(), "{}", r.stderr);
    let att = lab
        .cnictl(&["attachments", "-o", "json"])
        .expect(0, "attachments");
    let list = att.json()["attachments"].clone();
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    assert_eq!(list[0]["containerId"], json!(id), "{list}");
    assert_eq!(list[0]["addState"], json!("add-failed"), "{list}");
    // the plugin healed: del (without --cap: the record has it) leaves nothing
    lab.fake_plugins(&["faulty"], json!([]));
    lab.cnictl(&["del", "faildel", &ctr, "--container-id", &id, "--rm-netns"])
        .expect(0, "del of a failed ADD");
    assert_nothing_left(&lab, "faildel", Some(&ctr));
}

/// A fake rule's shell command that swaps `<cache>/results` for a regular file (root ignores
/// permission bits), keeping the directory aside.
fn break_results(lab: &Lab) -> String {
    let r = lab.cache_dir().join("results");
    let r = r.display();
    format!("mkdir -p {r} && mv {r} {r}.aside && printf x > {r}")
}

/// Puts `<cache>/results` back after `break_results`.
fn mend_results(lab: &Lab) {
    let r = lab.cache_dir().join("results");
    std::fs::remove_file(&r).expect("the file break_results left");
    std::fs::rename(r.with_extension("aside"), &r).expect("results/ back");
}

fn results_unwritable_after_add(no_rollback: bool) {
    let lab = Lab::new();
    let result = json!({"cniVersion": "1.0.0"});
    let rules = json!([{"plugin": "faulty", "command": "ADD", "sh": break_results(&lab),
                        "action": "result", "result": result}]);
    lab.fake_plugins(&["faulty"], rules);
    lab.write_conf(
        "10-f.conflist",
        &json!({"cniVersion": "1.0.0", "name": "nores", "plugins": [
            {"type": "bridge", "bridge": lab.bridge(), "isGateway": true, "ipMasq": true,
             "ipam": {"type": "host-local", "dataDir": lab.ipam_dir(),
                      "ranges": [[{"subnet": "10.244.9.0/24"}]]}},
            {"type": "portmap", "capabilities": {"portMappings": true}},
            {"type": "faulty"}
        ]}),
    );
    let ctr = lab.container("w");
    let id = container_id(&lab);
    let cap = portmap_cap();
    let mut args = vec!["add", "nores", &ctr, "--container-id", &id, "--cap", &cap];
    if no_rollback {
        args.push("--no-rollback");
    }
    let r = lab
        .cnictl(&args)
        .expect(1, "add whose cache write fails after the plugins ran");
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert!(
        !r.stderr.contains("plugin \"cache\""),
        "a cache failure is not a plugin's: {}",
        r.stderr
    );
    assert!(r.stderr.contains("results"), "names the file: {}", r.stderr);
    lab.fake_plugins(&["faulty"], json!([]));
    mend_results(&lab);
    if no_rollback {
        // nothing undone: the attachment is there, and the record says how to delete it
        assert_eq!(lab.reservations("nores").len(), 1, "{}", r.stderr);
        assert!(lab.nat_rules().contains(&format!("--dport {PORT}")));
        assert!(!records(&lab).is_empty(), "no record: {}", r.stderr);
        // the note does not claim a cache entry that could not be written
        assert!(!r.stderr.contains("cached as a failed ADD"), "{}", r.stderr);
        assert!(
            r.stderr.contains("cnictl's own record keeps"),
            "{}",
            r.stderr
        );
        lab.cnictl(&["del", "nores", &ctr, "--container-id", &id, "--rm-netns"])
            .expect(0, "del after a --no-rollback add whose cache write failed");
    } else {
        assert!(r.stderr.contains("rolled back"), "{}", r.stderr);
        // no report of removing an entry that was never written
        assert!(!r.stderr.contains("cache: removing"), "{}", r.stderr);
    }
    assert_nothing_left(&lab, "nores", Some(&ctr));
}

#[test]
#[ignore = "needs root, network namespaces and the reference plugins"]
fn results_unwritable_after_the_plugins_ran_is_rolled_back() {
    results_unwritable_after_add(false);
}

#[test]
#[ignore = "needs root, network namespaces and the reference plugins"]
fn results_unwritable_after_the_plugins_ran_with_no_rollback_keeps_the_record() {
    results_unwritable_after_add(true);
}

#[test]
#[ignore = "needs root, network namespaces and the reference plugins"]
fn del_with_unwritable_results_exits_1() {
    let lab = lab_with("delro", "10.244.10.0/24", true, json!([]));
    let ctr = lab.container("r");
    healthy_add(&lab, "delro", &ctr);
    let id = container_id(&lab);
    lab.fake_plugins(
        &["faulty"],
        json!([{"plugin": "faulty", "command": "DEL", "sh": break_results(&lab),
                "action": "raw", "stdout": "", "exit": 0}]),
    );
    let r = lab
        .cnictl(&["del", "delro", &ctr, "--container-id", &id])
        .expect(1, "del whose cache entry cannot be removed");
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert!(r.stderr.contains("results"), "names the file: {}", r.stderr);
    // the DELs ran: the IP and the rules are gone
    assert!(lab.reservations("delro").is_empty(), "{}", r.stderr);
    assert!(!lab.nat_rules().contains(&format!("--dport {PORT}")));
    lab.fake_plugins(&["faulty"], json!([]));
    mend_results(&lab);
    lab.cnictl(&["del", "delro", &ctr, "--container-id", &id, "--rm-netns"])
        .expect(0, "del again");
    assert_nothing_left(&lab, "delro", Some(&ctr));
}
