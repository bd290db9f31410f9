//! CLI tests (no root) of issue 7's runtime holes, with the fake plugin only: a corrupt cache
//! entry in the way of an ADD, a rollback that hangs and a second signal, VERSION probes that
//! hang (status, validate), CHECK with disableCheck over a corrupt entry, long container IDs,
//! and configs with invalid UTF-8.

mod common;

use common::fake::{the_error, wait_group_gone, Call, Sandbox};
use serde_json::json;
use std::time::{Duration, Instant};

const ID: &str = "ctr-7";

/// Kills the process group of every logged call still alive (the test's own plugins only:
/// each pgid comes from the fake plugin's log), so a failing test leaves nothing running.
struct Reaper<'a>(&'a Sandbox);

impl Drop for Reaper<'_> {
    fn drop(&mut self) {
        for c in self.0.calls() {
            let pid = nix::unistd::Pid::from_raw(c.pid());
            if !common::fake::live_group_members(c.pid()).is_empty() {
                let _ = nix::sys::signal::killpg(pid, nix::sys::signal::Signal::SIGKILL);
            }
        }
    }
}

// ---- hole 4: an unreadable entry in the way of an ADD ----

#[test]
fn corrupt_entry_of_another_network_with_the_same_id_and_ifname_refuses_add() {
    let sb = Sandbox::new(&["pa", "pb"]);
    sb.conflist("neta", "1.0.0", json!([{"type": "pa"}]));
    sb.conflist("netb", "1.0.0", json!([{"type": "pb"}]));
    sb.run(&["add", "neta", sb.ns(), "--container-id", ID, "-i", "eth0"])
        .expect(0, "add neta");
    let a = sb.cache_file("neta", ID, "eth0");
    let bytes = std::fs::read(&a).expect("neta's entry");
    std::fs::write(&a, &bytes[..bytes.len() / 2]).expect("truncate neta's entry");
    sb.take_calls();
    let r = sb
        .run(&["add", "netb", sb.ns(), "--container-id", ID, "-i", "eth0"])
        .expect(2, "add netb over a corrupt neta entry");
    let line = the_error(&r);
    assert!(
        line.contains(&a.display().to_string()) && line.contains("eth0"),
        "{line}"
    );
    assert!(sb.take_calls().is_empty(), "a plugin ran");
    assert_eq!(sb.cache_files(), [format!("neta-{ID}-eth0")]);
    // another interface name is not in the way
    sb.run(&["add", "netb", sb.ns(), "--container-id", ID, "-i", "eth1"])
        .expect(0, "add netb on eth1");
}

#[test]
fn corrupt_entry_of_the_same_network_refuses_add_naming_the_file() {
    let sb = Sandbox::new(&["pa"]);
    sb.conflist("neta", "1.0.0", json!([{"type": "pa"}]));
    let a = sb.cache_file("neta", ID, "eth0");
    std::fs::create_dir_all(a.parent().unwrap()).unwrap();
    std::fs::write(&a, "{\"kind\":\"cniCacheV1\",").unwrap();
    let r = sb
        .run(&["add", "neta", sb.ns(), "--container-id", ID, "-i", "eth0"])
        .expect(2, "add over a corrupt own entry");
    let line = the_error(&r);
    assert!(
        line.contains(&a.display().to_string()) && line.contains("cannot be read"),
        "{line}"
    );
    assert!(sb.take_calls().is_empty(), "a plugin ran");
}

// ---- hole 7: a rollback that hangs, and a second signal ----

fn chain(sb: &Sandbox) {
    sb.conflist(
        "chain",
        "1.0.0",
        json!([{"type": "p1"}, {"type": "p2"}, {"type": "p3"}]),
    );
}

/// The `cnictl ... del ...` words printed after "clean up with: ".
fn cleanup_words(stderr: &str) -> Vec<String> {
    let line = stderr
        .lines()
        .find(|l| l.contains("clean up with: "))
        .unwrap_or_else(|| panic!("no clean-up command in:\n{stderr}"));
    let cmd = line.split("clean up with: ").nth(1).unwrap_or_default();
    cmd.split_whitespace().map(str::to_string).collect()
}

fn signal(pid: nix::unistd::Pid, sig: nix::sys::signal::Signal) {
    nix::sys::signal::kill(pid, sig).expect("signal cnictl");
}

/// A rollback DEL (p2) hangs; `first` is sent, then `second`: cnictl must stop the rollback,
/// kill the hung DEL, report what is left with the `cnictl del` that cleans it, and exit
/// `want`. `add_hangs`: the first signal interrupts a hanging ADD of p2 (which starts the
/// rollback); otherwise p3's ADD fails and the first signal arrives during the rollback.
fn second_signal_stops_rollback(
    add_hangs: bool,
    first: nix::sys::signal::Signal,
    second: nix::sys::signal::Signal,
    want: i32,
) {
    let sb = Sandbox::new(&["p1", "p2", "p3"]);
    let _reaper = Reaper(&sb);
    chain(&sb);
    let add_rule = if add_hangs {
        json!({"plugin": "p2", "command": "ADD", "action": "sleep", "secs": 120})
    } else {
        json!({"plugin": "p3", "command": "ADD", "action": "error", "code": 7, "msg": "boom"})
    };
    sb.rules(json!([
        add_rule,
        {"plugin": "p2", "command": "DEL", "action": "sleep", "secs": 120}
    ]));
    let running = sb
        .cnictl()
        .args(&["-o", "json", "add", "chain", sb.ns(), "--container-id", ID])
        .spawn();
    if add_hangs {
        sb.wait_for_call("p2 ADD", |c| c.tag() == "p2 ADD");
        signal(running.pid(), first);
        sb.wait_for_call("p2 DEL", |c| c.tag() == "p2 DEL");
    } else {
        sb.wait_for_call("p2 DEL", |c| c.tag() == "p2 DEL");
        signal(running.pid(), first);
    }
    // the rollback goes on through the first signal
    std::thread::sleep(Duration::from_millis(500));
    let mut running = running;
    assert!(
        running.child.try_wait().expect("cnictl's state").is_none(),
        "cnictl stopped at the first signal, before its rollback ended"
    );
    let del = sb
        .calls()
        .into_iter()
        .find(|c| c.tag() == "p2 DEL")
        .expect("p2 DEL logged");
    signal(running.pid(), second);
    let sent = Instant::now();
    let r = running.wait();
    assert!(
        sent.elapsed() < Duration::from_secs(5),
        "took {:?} after the second signal",
        sent.elapsed()
    );
    let r = r.expect(want, "add with a rollback stopped by a second signal");
    let left = wait_group_gone(del.pid(), Duration::from_secs(5));
    assert!(left.is_empty(), "the hung rollback DEL survived: {left:?}");
    let calls: Vec<String> = sb.calls().iter().map(Call::tag).collect();
    assert!(!calls.contains(&"p1 DEL".to_string()), "{calls:?}");
    // what is left, in JSON and on stderr
    let j = r.json();
    let incomplete: Vec<(String, String)> = j["rollback"]["incomplete"]
        .as_array()
        .unwrap_or_else(|| panic!("no rollback.incomplete: {j}"))
        .iter()
        .map(|i| {
            (
                i["plugin"].as_str().unwrap_or_default().to_string(),
                i["reason"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let want = [("p2", "stopped"), ("p1", "not started")];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(p, r)| (p.to_string(), r.to_string()))
        .collect();
    assert_eq!(incomplete, want, "{j}");
    assert_eq!(j["rollback"]["deleted"], json!(["p3"]), "{j}");
    assert_eq!(
        j["rollback"]["stoppedBy"],
        json!(format!("{second:?}")),
        "{j}"
    );
    assert!(r.stderr.contains("left behind"), "{}", r.stderr);
    // the printed command cleans up: every DEL runs
    let words = cleanup_words(&r.stderr);
    assert_eq!(words[0], "cnictl");
    assert!(words.iter().any(|w| w == "del"), "{words:?}");
    sb.rules(json!([]));
    sb.take_calls();
    let refs: Vec<&str> = words[1..].iter().map(String::as_str).collect();
    sb.cnictl()
        .without_dirs()
        .args(&refs)
        .run()
        .expect(0, "the printed clean-up command");
    let dels: Vec<String> = sb.take_calls().iter().map(Call::tag).collect();
    assert_eq!(dels, ["p3 DEL", "p2 DEL", "p1 DEL"]);
}

#[test]
fn second_sigint_stops_a_hung_rollback_of_a_failed_add() {
    use nix::sys::signal::Signal::SIGINT;
    second_signal_stops_rollback(false, SIGINT, SIGINT, 130);
}

#[test]
fn second_sigterm_stops_a_hung_rollback_of_an_interrupted_add() {
    use nix::sys::signal::Signal::SIGTERM;
    second_signal_stops_rollback(true, SIGTERM, SIGTERM, 143);
}

// ---- hole 8: one probe path for status and validate ----

/// A network whose plugin hangs on VERSION (and records its pid in the call log).
fn hanging_version(sb: &Sandbox) {
    sb.conflist("slow", "1.1.0", json!([{"type": "hang"}]));
    sb.rules(json!([
        {"plugin": "hang", "command": "VERSION", "action": "sleep", "secs": 120}
    ]));
}

#[test]
fn status_bounds_a_hung_version_probe() {
    let sb = Sandbox::new(&["hang"]);
    let _reaper = Reaper(&sb);
    hanging_version(&sb);
    let started = Instant::now();
    let r = sb.run(&["--timeout", "1s", "status", "slow"]);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    let probe = sb.wait_for_call("VERSION", |c| c.command() == "VERSION");
    let left = wait_group_gone(probe.pid(), Duration::from_secs(5));
    assert!(left.is_empty(), "the probe survived: {left:?}");
    // the plugin could not be asked: the network cannot report, and says why
    let r = r.expect(0, "status with a hung VERSION");
    assert!(r.stdout.contains("VERSION failed"), "{}", r.stdout);
    assert!(r.stderr.contains("timed out after 1s"), "{}", r.stderr);
}

#[test]
fn status_has_a_default_probe_timeout() {
    // Without --timeout the probe is bounded too (10s): status ends, the probe is killed.
    let sb = Sandbox::new(&["hang"]);
    let _reaper = Reaper(&sb);
    hanging_version(&sb);
    let started = Instant::now();
    let r = sb.run(&["status", "slow", "-o", "json"]);
    let took = started.elapsed();
    assert!(took < Duration::from_secs(40), "took {took:?}");
    assert!(took >= Duration::from_secs(9), "took {took:?}");
    let r = r.expect(0, "status with a hung VERSION and no --timeout");
    assert!(r.stdout.contains("timed out after 10s"), "{}", r.stdout);
}

fn interrupted_probe(args: &[&str], sig: nix::sys::signal::Signal, want: i32) {
    let sb = Sandbox::new(&["hang"]);
    let _reaper = Reaper(&sb);
    hanging_version(&sb);
    let conf = sb.conf_dir().join("10-slow.conflist");
    let conf = conf.to_string_lossy().into_owned();
    let args: Vec<&str> = args
        .iter()
        .map(|a| if *a == "CONF" { conf.as_str() } else { a })
        .collect();
    let running = sb.cnictl().args(&args).spawn();
    let probe = sb.wait_for_call("VERSION", |c| c.command() == "VERSION");
    signal(running.pid(), sig);
    let sent = Instant::now();
    let r = running.wait();
    assert!(
        sent.elapsed() < Duration::from_secs(5),
        "took {:?} after the signal",
        sent.elapsed()
    );
    let r = r.expect(want, &format!("{args:?} interrupted"));
    assert!(r.stderr.contains("interrupted by"), "{}", r.stderr);
    let left = wait_group_gone(probe.pid(), Duration::from_secs(5));
    assert!(left.is_empty(), "the VERSION probe survived: {left:?}");
}

#[test]
fn status_interrupted_during_a_version_probe_exits_130() {
    interrupted_probe(&["status", "slow"], nix::sys::signal::Signal::SIGINT, 130);
}

#[test]
fn status_terminated_during_a_version_probe_exits_143() {
    interrupted_probe(&["status"], nix::sys::signal::Signal::SIGTERM, 143);
}

#[test]
fn validate_interrupted_during_a_version_probe_exits_130_and_kills_the_probe() {
    interrupted_probe(&["validate", "CONF"], nix::sys::signal::Signal::SIGINT, 130);
}

#[test]
fn validate_terminated_during_a_version_probe_exits_143() {
    interrupted_probe(&["validate"], nix::sys::signal::Signal::SIGTERM, 143);
}

// ---- item 10: CHECK honours disableCheck before reading the cache (as libcni does) ----

#[test]
fn check_with_disable_check_succeeds_over_a_corrupt_or_missing_entry() {
    let sb = Sandbox::new(&["pa"]);
    sb.write_conf(
        "10-nocheck.conflist",
        &json!({"cniVersion": "1.0.0", "name": "nocheck", "disableCheck": true,
                "plugins": [{"type": "pa"}]})
        .to_string(),
    );
    // no entry at all
    let r = sb
        .run(&["check", "nocheck", sb.ns(), "--container-id", ID])
        .expect(0, "check with disableCheck and no entry");
    assert!(r.stderr.contains("disableCheck"), "{}", r.stderr);
    // a corrupt entry
    let p = sb.cache_file("nocheck", ID, "eth0");
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, "{not json").unwrap();
    sb.run(&["check", "nocheck", sb.ns(), "--container-id", ID])
        .expect(0, "check with disableCheck and a corrupt entry");
    assert!(sb.take_calls().is_empty(), "a plugin ran");
}

// ---- item 10: gc reports the cache entries it cannot read ----

#[test]
fn gc_reports_corrupt_entries_in_table_and_json() {
    let sb = Sandbox::new(&["pa"]);
    sb.conflist("neta", "1.0.0", json!([{"type": "pa"}]));
    sb.run(&["add", "neta", sb.ns(), "--container-id", "ok-1"])
        .expect(0, "add");
    let bad = sb.cache_file("neta", "bad-1", "eth0");
    std::fs::write(&bad, "{\"kind\":\"cniCacheV1\",\"containerId\":").unwrap();
    let bad_s = bad.display().to_string();
    // dry run, table: a warning names the file
    let r = sb
        .run(&["gc", "neta", "--valid", "ok-1:eth0", "--dry-run"])
        .expect(0, "gc --dry-run");
    assert!(
        r.stderr.contains(&bad_s) && r.stderr.contains("corrupt"),
        "{}",
        r.stderr
    );
    // a run, JSON: the file in the network's "skipped", and it is still there
    let r = sb
        .run(&["gc", "neta", "--valid", "ok-1:eth0", "-o", "json"])
        .expect(0, "gc -o json");
    let j = r.json();
    let skipped = &j["networks"][0]["skipped"];
    assert_eq!(skipped[0]["file"], json!(bad_s), "{j}");
    assert!(
        skipped[0]["reason"]
            .as_str()
            .is_some_and(|s| s.contains("corrupt")),
        "{j}"
    );
    assert!(r.stderr.contains(&bad_s), "{}", r.stderr);
    assert!(bad.exists());
}

// ---- item 10: container ID length: cnictl's own rule from NAME_MAX ----

#[test]
fn a_container_id_too_long_for_the_cache_file_name_is_refused_before_anything_runs() {
    let sb = Sandbox::new(&["pa"]);
    sb.conflist("n", "1.0.0", json!([{"type": "pa"}]));
    let long = "c".repeat(300);
    for verb in ["add", "check", "del"] {
        let r = sb
            .run(&[verb, "n", sb.ns(), "--container-id", &long, "-i", "e"])
            .expect(2, &format!("{verb} with a 300-byte container ID"));
        let line = the_error(&r);
        assert!(
            line.contains("NAME_MAX")
                && line.contains("255")
                && !line.contains("File name too long"),
            "{line}"
        );
    }
    assert!(sb.take_calls().is_empty(), "a plugin ran");
    assert!(sb.cache_files().is_empty());

    // the longest ID that fits: "n-" + 251 + "-e" is 255 bytes (its lock file name
    // "<id>.lock" would not be: cnictl shortens that one); one more is refused
    let fits = "f".repeat(251);
    sb.run(&["add", "n", sb.ns(), "--container-id", &fits, "-i", "e"])
        .expect(0, "add with a 251-byte container ID");
    assert_eq!(sb.cache_files(), [format!("n-{fits}-e")]);
    sb.run(&["del", "n", sb.ns(), "--container-id", &fits, "-i", "e"])
        .expect(0, "del with a 251-byte container ID");
    assert!(sb.cache_files().is_empty());
    let over = "o".repeat(252);
    sb.run(&["add", "n", sb.ns(), "--container-id", &over, "-i", "e"])
        .expect(2, "add with a 252-byte container ID");
}

// ---- item 10: invalid UTF-8 in a config is read as Go reads it (U+FFFD) ----

#[test]
fn invalid_utf8_in_a_config_reads_as_u_fffd_like_libcni() {
    use base64::Engine;
    let sb = Sandbox::new(&["pa"]);
    // a name with a bad byte, and a good network whose plugin has one in a string field
    let odd = b"{\"cniVersion\":\"1.1.0\",\"name\":\"od\xffd\",\"plugins\":[{\"type\":\"pa\"}]}";
    std::fs::write(sb.conf_dir().join("10-odd.conflist"), odd).unwrap();
    let good =
        b"{\"cniVersion\":\"1.0.0\",\"name\":\"good\",\"plugins\":[{\"type\":\"pa\",\"note\":\"caf\xe9\"}]}";
    std::fs::write(sb.conf_dir().join("20-good.conflist"), good).unwrap();

    // ls lists both, the odd one under its U+FFFD name
    let r = sb.run(&["ls", "-o", "json"]).expect(0, "ls");
    let text = r.stdout.clone();
    assert!(
        text.contains("od\u{FFFD}d") && text.contains("\"good\""),
        "{text}"
    );
    // a lookup by that name finds it
    let r = sb
        .run(&["status", "od\u{FFFD}d", "-o", "json"])
        .expect(0, "status of the U+FFFD name");
    assert!(r.stdout.contains("od\u{FFFD}d"), "{}", r.stdout);

    // ADD of the good one: the plugin gets U+FFFD, the cache keeps the file's bytes
    sb.take_calls();
    sb.run(&["add", "good", sb.ns(), "--container-id", ID])
        .expect(0, "add of a config with invalid UTF-8 in a string");
    let calls = sb.take_calls();
    assert_eq!(calls[0].stdin()["note"], json!("caf\u{FFFD}"));
    let entry = sb.cache_entry("good", ID, "eth0");
    let cached = base64::engine::general_purpose::STANDARD
        .decode(entry["config"].as_str().unwrap())
        .unwrap();
    assert_eq!(cached, good);
    let r = sb
        .run(&["del", "good", sb.ns(), "--container-id", ID, "-v"])
        .expect(0, "del");
    assert!(!r.stderr.contains("changed since ADD"), "{}", r.stderr);
}

#[test]
fn one_signal_during_the_rollback_of_a_failed_add_lets_it_finish_then_exits_130() {
    // p2's rollback DEL hangs and is killed at --timeout; the SIGINT that arrived meanwhile
    // does not stop the rollback (p1's DEL still runs), but the exit code says it came.
    let sb = Sandbox::new(&["p1", "p2", "p3"]);
    let _reaper = Reaper(&sb);
    chain(&sb);
    sb.rules(json!([
        {"plugin": "p3", "command": "ADD", "action": "error", "code": 7, "msg": "boom"},
        {"plugin": "p2", "command": "DEL", "action": "sleep", "secs": 120}
    ]));
    let running = sb
        .cnictl()
        .args(&[
            "--timeout",
            "2s",
            "add",
            "chain",
            sb.ns(),
            "--container-id",
            ID,
        ])
        .spawn();
    sb.wait_for_call("p2 DEL", |c| c.tag() == "p2 DEL");
    signal(running.pid(), nix::sys::signal::Signal::SIGINT);
    let r = running
        .wait()
        .expect(130, "add interrupted once during its rollback");
    let calls: Vec<String> = sb.calls().iter().map(Call::tag).collect();
    assert_eq!(
        calls,
        ["p1 ADD", "p2 ADD", "p3 ADD", "p3 DEL", "p2 DEL", "p1 DEL"]
    );
    let line = the_error(&r);
    assert!(line.contains("plugin \"p3\" failed (ADD)"), "{line}");
    assert!(r.stderr.contains("p2 (timed out)"), "{}", r.stderr);
    assert!(r.stderr.contains("interrupted by SIGINT"), "{}", r.stderr);
}
