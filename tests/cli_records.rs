//! CLI tests of cnictl's own records beside libcni's cache (`<cache>/cnictl/records/`), with
//! the fake plugin (no root needed for most): plugin-subdirectory chains replayed by
//! `del --cached-config` and gc, a cached config without plugins refused, a failed rollback
//! cached as a failed ADD, `del` after cnictl was SIGKILLed mid-ADD, exit codes of cache
//! failures after plugins ran, and DEL/CHECK refused in another namespace than the ADD's.

mod common;

use common::fake::{tags, the_error, Sandbox, TestNetns};
use serde_json::{json, Value};

const NET: &str = "rec";
const ID: &str = "ctr-1";

/// `<name>-ctr-1-eth0`
fn file() -> String {
    format!("{NET}-{ID}-eth0")
}

fn record_file() -> String {
    file()
}

fn three() -> Value {
    json!([{"type": "p1"}, {"type": "p2"}, {"type": "p3", "capabilities": {"portMappings": true}}])
}

fn sandbox() -> Sandbox {
    let sb = Sandbox::new(&["p1", "p2", "p3"]);
    sb.conflist(NET, "1.0.0", three());
    sb.rules(json!([]));
    sb
}

fn verb<'a>(sb: &'a Sandbox, verb: &str) -> common::fake::Cnictl<'a> {
    sb.cnictl()
        .args(&[verb, NET, sb.ns(), "--container-id", ID])
}

fn assert_nothing_left(sb: &Sandbox) {
    assert_eq!(sb.cache_files(), Vec::<String>::new(), "results/ entries");
    assert_eq!(sb.records(), Vec::<String>::new(), "cnictl records");
    let tmp = sb.cache_dir().join("cnictl/tmp");
    let temps: Vec<_> = std::fs::read_dir(&tmp)
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(temps.is_empty(), "temp files left: {temps:?}");
}

#[test]
fn add_records_the_resolved_chain_and_temp_files_stay_out_of_results() {
    let sb = Sandbox::new(&["p1", "p2"]);
    let list = sb.conflist(NET, "1.0.0", json!([{"type": "p1"}]));
    std::fs::create_dir(sb.conf_dir().join(NET)).unwrap();
    std::fs::write(
        sb.conf_dir().join(NET).join("20-p2.conf"),
        r#"{"type": "p2"}"#,
    )
    .unwrap();
    sb.rules(json!([]));
    verb(&sb, "add").run().expect(0, "add");
    assert_eq!(sb.records(), [record_file()]);
    let r = sb.record(NET, ID, "eth0");
    assert_eq!(r["state"], json!("added"));
    assert_eq!(
        r["chain"]["plugins"],
        json!([{"type": "p1"}, {"type": "p2"}])
    );
    assert_eq!(r["source"], json!(list.to_string_lossy()));
    assert_eq!(r["pluginNs"]["path"], Value::Null, "no --host-netns");
    assert!(r["pluginNs"]["ino"].as_u64().is_some(), "{r}");
    // libcni's entry holds the list's bytes only, as libcni writes them
    let e = sb.cache_entry(NET, ID, "eth0");
    let config = base64_decode(e["config"].as_str().unwrap());
    assert_eq!(config, std::fs::read(&list).unwrap());
    // temp files of the atomic writes are made in cnictl/tmp, never in results/
    assert!(sb.cache_dir().join("cnictl/tmp").is_dir());
    assert_eq!(sb.cache_files(), [file()]);
}

fn base64_decode(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(s).unwrap()
}

#[test]
fn del_cached_config_and_gc_of_a_gone_network_run_the_subdirectory_plugins_too() {
    let sb = Sandbox::new(&["p1", "p2"]);
    let list = sb.conflist(NET, "1.0.0", json!([{"type": "p1"}]));
    let sub = sb.conf_dir().join(NET);
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(sub.join("20-p2.conf"), r#"{"type": "p2"}"#).unwrap();
    sb.rules(json!([]));
    verb(&sb, "add").run().expect(0, "add");
    verb(&sb, "add")
        .args(&["-i", "eth1"])
        .run()
        .expect(0, "add eth1");
    assert_eq!(
        tags(&sb.take_calls()),
        ["p1 ADD", "p2 ADD", "p1 ADD", "p2 ADD"]
    );
    // the network leaves the config dir, subdirectory and all
    std::fs::remove_file(&list).unwrap();
    std::fs::remove_dir_all(&sub).unwrap();

    verb(&sb, "del")
        .arg("--cached-config")
        .run()
        .expect(0, "del --cached-config");
    assert_eq!(
        tags(&sb.take_calls()),
        ["p2 DEL", "p1 DEL"],
        "every DEL ran"
    );
    assert_eq!(sb.cache_files(), [format!("{NET}-{ID}-eth1")]);

    sb.cnictl()
        .args(&["gc", NET, "--all", "--yes"])
        .run()
        .expect(0, "gc of the gone network");
    assert_eq!(
        tags(&sb.take_calls()),
        ["p2 DEL", "p1 DEL"],
        "gc ran every DEL"
    );
    assert_nothing_left(&sb);
}

/// A libcni entry (as containerd writes it) of a list whose plugins all came from the
/// subdirectory: its cached config has none.
fn foreign_entry(sb: &Sandbox, config: &Value) {
    use base64::Engine;
    let entry = json!({
        "kind": "cniCacheV1", "containerId": ID, "ifName": "eth0", "networkName": NET,
        "netns": sb.ns(),
        "config": base64::engine::general_purpose::STANDARD.encode(config.to_string()),
        "result": {"cniVersion": "1.0.0", "ips": [{"address": "10.1.0.2/24"}]},
    });
    let dir = sb.cache_dir().join("results");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(file()), entry.to_string()).unwrap();
}

#[test]
fn a_cached_config_with_no_plugins_is_refused_and_the_entry_kept() {
    let sb = Sandbox::new(&["p1"]);
    foreign_entry(&sb, &json!({"cniVersion": "1.0.0", "name": NET}));
    let before = std::fs::read(sb.cache_dir().join("results").join(file())).unwrap();
    let r = verb(&sb, "del").arg("--cached-config").run();
    let r = r.expect(2, "del --cached-config");
    assert!(sb.calls().is_empty(), "no plugin ran");
    let line = the_error(&r);
    assert!(
        line.contains("has no plugins") && line.contains("kept"),
        "{line}"
    );
    assert_eq!(
        std::fs::read(sb.cache_dir().join("results").join(file())).unwrap(),
        before,
        "entry kept"
    );
    // gc of the network (gone from the config dir) refuses it the same way
    let r = sb.cnictl().args(&["gc", NET, "--all", "--yes"]).run();
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(sb.calls().is_empty(), "no plugin ran");
    assert!(r.stderr.contains("has no plugins"), "{}", r.stderr);
    assert_eq!(sb.cache_files(), [file()]);
}

#[test]
fn a_foreign_entry_whose_subdirectory_plugins_are_unknown_is_refused() {
    let sb = Sandbox::new(&["p1", "p2"]);
    // the config dir holds another version of the list, with a subdirectory plugin
    sb.conflist(NET, "1.0.0", json!([{"type": "p1", "changed": true}]));
    let sub = sb.conf_dir().join(NET);
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(sub.join("20-p2.conf"), r#"{"type": "p2"}"#).unwrap();
    foreign_entry(
        &sb,
        &json!({"cniVersion": "1.0.0", "name": NET, "plugins": [{"type": "p1"}]}),
    );
    let r = verb(&sb, "del")
        .arg("--cached-config")
        .run()
        .expect(2, "del");
    assert!(sb.calls().is_empty(), "no plugin ran");
    assert!(
        the_error(&r).contains("chain the ADD ran is unknown"),
        "{}",
        r.stderr
    );
    assert_eq!(sb.cache_files(), [file()]);
}

#[test]
fn a_failed_rollback_is_cached_as_a_failed_add_that_del_cleans_up() {
    let sb = sandbox();
    sb.rules(json!([
        {"plugin": "p3", "command": "ADD", "action": "error", "code": 7, "msg": "boom"},
        {"plugin": "p1", "command": "DEL", "action": "error", "code": 11, "msg": "stuck"}
    ]));
    let r = verb(&sb, "add")
        .args(&[
            "--cap",
            r#"portMappings=[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]"#,
        ])
        .run()
        .expect(1, "add");
    assert!(the_error(&r).contains("boom"), "{}", r.stderr);
    assert!(r.stderr.contains("rollback: plugin \"p1\""), "{}", r.stderr);
    assert!(r.stderr.contains("cached as a failed ADD"), "{}", r.stderr);
    assert!(r.stderr.contains("not undone: p1"), "{}", r.stderr);
    assert!(r.stderr.contains("clean up with: cnictl"), "{}", r.stderr);
    assert_eq!(sb.cache_files(), [file()], "a libcni entry for libcni's GC");
    let rec = sb.record(NET, ID, "eth0");
    assert_eq!(rec["state"], json!("add-failed"));
    assert_eq!(rec["failed"]["left"], json!(["p1"]));
    // p1 and p2 succeeded: the entry carries p2's result and the caps
    let entry = sb.cache_entry(NET, ID, "eth0");
    assert!(entry["result"]["ips"].is_array(), "{entry}");
    assert!(
        entry["capabilityArgs"]["portMappings"].is_array(),
        "{entry}"
    );
    sb.take_calls();

    let a = sb.cnictl().args(&["attachments", "-o", "json"]).run();
    let a = a.expect(0, "attachments");
    assert_eq!(a.json()["attachments"][0]["addState"], json!("add-failed"));
    let t = sb
        .cnictl()
        .args(&["attachments", "-o", "wide"])
        .run()
        .expect(0, "attachments");
    assert!(t.stdout.contains("failed ADD"), "{}", t.stdout);
    // CHECK of a failed ADD is refused
    let c = verb(&sb, "check").run().expect(2, "check");
    assert!(the_error(&c).contains("failed ADD"), "{}", c.stderr);

    sb.rules(json!([]));
    verb(&sb, "del").run().expect(0, "del");
    let calls = sb.take_calls();
    assert_eq!(tags(&calls), ["p3 DEL", "p2 DEL", "p1 DEL"]);
    assert!(
        calls[0].stdin()["runtimeConfig"]["portMappings"].is_array(),
        "the cached caps reach p3's DEL"
    );
    assert_nothing_left(&sb);
}

#[test]
fn del_after_cnictl_was_killed_mid_add_runs_the_dels_with_the_cached_caps() {
    use nix::sys::signal::{kill, Signal};
    let sb = sandbox();
    sb.rules(json!([{"plugin": "p3", "command": "ADD", "action": "sleep", "secs": 60}]));
    let caps = r#"portMappings=[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]"#;
    let running = verb(&sb, "add")
        .args(&["--cap", caps, "--arg", "K=V"])
        .spawn();
    let p3 = sb.wait_for_call("p3 ADD", |c| c.tag() == "p3 ADD");
    kill(running.pid(), Signal::SIGKILL).unwrap();
    let r = running.wait();
    assert_eq!(r.code, -1, "killed");
    // the plugin cnictl was running is ours to stop, by its pid
    let _ = kill(nix::unistd::Pid::from_raw(p3.pid()), Signal::SIGKILL);
    sb.take_calls();

    // no libcni entry; cnictl's intent says what ran
    assert_eq!(sb.cache_files(), Vec::<String>::new());
    assert_eq!(sb.record(NET, ID, "eth0")["state"], json!("adding"));
    let a = sb.cnictl().args(&["attachments", "-o", "json"]).run();
    assert_eq!(
        a.expect(0, "attachments").json()["attachments"][0]["addState"],
        json!("adding")
    );
    // a new ADD is refused: it would overwrite what DEL needs
    let again = verb(&sb, "add").run().expect(2, "second add");
    assert!(
        the_error(&again).contains("delete that attachment first"),
        "{}",
        again.stderr
    );
    assert!(sb.take_calls().is_empty());

    verb(&sb, "del").run().expect(0, "del");
    let calls = sb.take_calls();
    assert_eq!(tags(&calls), ["p3 DEL", "p2 DEL", "p1 DEL"]);
    assert_eq!(
        calls[0].stdin()["runtimeConfig"]["portMappings"][0]["hostPort"],
        json!(8080),
        "portMappings cached at ADD reach p3's DEL"
    );
    assert!(calls
        .iter()
        .all(|c| c.env("CNI_ARGS").as_deref() == Some("K=V")));
    assert_nothing_left(&sb);
}

#[test]
fn gc_collects_the_intent_of_a_killed_add() {
    use nix::sys::signal::{kill, Signal};
    let sb = sandbox();
    sb.rules(json!([{"plugin": "p2", "command": "ADD", "action": "sleep", "secs": 60}]));
    let running = verb(&sb, "add").spawn();
    let p2 = sb.wait_for_call("p2 ADD", |c| c.tag() == "p2 ADD");
    kill(running.pid(), Signal::SIGKILL).unwrap();
    running.wait();
    let _ = kill(nix::unistd::Pid::from_raw(p2.pid()), Signal::SIGKILL);
    sb.take_calls();
    sb.rules(json!([]));
    let plan = sb
        .cnictl()
        .args(&["gc", NET, "--all", "--yes", "--dry-run", "-o", "wide"])
        .run()
        .expect(0, "gc --dry-run");
    assert!(plan.stdout.contains("interrupted ADD"), "{}", plan.stdout);
    assert!(sb.take_calls().is_empty(), "a dry run runs nothing");
    let r = sb.cnictl().args(&["gc", NET, "--all", "--yes"]).run();
    r.expect(0, "gc");
    assert_eq!(tags(&sb.take_calls()), ["p3 DEL", "p2 DEL", "p1 DEL"]);
    assert_nothing_left(&sb);
}

#[test]
fn a_cache_failure_after_del_ran_is_exit_1_naming_the_file() {
    let sb = sandbox();
    verb(&sb, "add").run().expect(0, "add");
    sb.take_calls();
    let entry = sb.cache_dir().join("results").join(file());
    // during p1's DEL (the last), the entry becomes a non-empty directory: its removal fails
    let sh = format!(
        "rm -f '{0}' && mkdir '{0}' && touch '{0}/x'",
        entry.display()
    );
    sb.rules(json!([{"plugin": "p1", "command": "DEL", "action": "exit", "code": 0, "sh": sh}]));
    let r = verb(&sb, "del").run().expect(1, "del");
    assert_eq!(tags(&sb.take_calls()), ["p3 DEL", "p2 DEL", "p1 DEL"]);
    let line = the_error(&r);
    assert!(
        line.contains("ran every plugin") && line.contains(&entry.display().to_string()),
        "{line}"
    );
    std::fs::remove_dir_all(&entry).unwrap();
}

#[test]
fn add_whose_cache_write_fails_is_exit_1_rolled_back_and_names_the_file() {
    let sb = sandbox();
    let results = sb.cache_dir().join("results");
    // the last plugin puts a file where results/ must be
    let sh = format!("touch '{}'", results.display());
    sb.rules(
        json!([{"plugin": "p3", "command": "ADD", "sh": sh, "action": "result",
                     "result": {"cniVersion": "1.0.0", "ips": [{"address": "10.1.0.2/24"}]}}]),
    );
    let r = verb(&sb, "add").run().expect(1, "add");
    let line = the_error(&r);
    assert!(
        line.contains("cache entry could not be written")
            && line.contains(&results.display().to_string())
            && !line.contains("plugin \"cache\""),
        "{line}"
    );
    assert!(
        r.stderr.contains("rolled back: DEL p3, p2, p1"),
        "{}",
        r.stderr
    );
    assert_eq!(
        tags(&sb.take_calls()),
        ["p1 ADD", "p2 ADD", "p3 ADD", "p3 DEL", "p2 DEL", "p1 DEL"]
    );
    assert_eq!(
        sb.records(),
        Vec::<String>::new(),
        "a complete rollback leaves no record"
    );
    std::fs::remove_file(&results).unwrap();
}

#[test]
fn no_rollback_with_a_failing_cache_write_keeps_the_plugin_error_and_exits_1() {
    let sb = sandbox();
    let results = sb.cache_dir().join("results");
    let sh = format!("touch '{}'", results.display());
    sb.rules(
        json!([{"plugin": "p3", "command": "ADD", "sh": sh, "action": "error",
                     "code": 7, "msg": "boom"}]),
    );
    let r = verb(&sb, "add").arg("--no-rollback").run().expect(1, "add");
    assert!(
        the_error(&r).contains("boom"),
        "the plugin error is kept: {}",
        r.stderr
    );
    assert!(
        r.stderr.contains("cache: ") && r.stderr.contains(&results.display().to_string()),
        "the cache failure is reported: {}",
        r.stderr
    );
    assert_eq!(
        tags(&sb.take_calls()),
        ["p1 ADD", "p2 ADD", "p3 ADD"],
        "no rollback"
    );
    // the record (beside results/) still says what is left, so del can clean up
    assert_eq!(sb.record(NET, ID, "eth0")["state"], json!("add-failed"));
    std::fs::remove_file(&results).unwrap();
    sb.rules(json!([]));
    verb(&sb, "del").run().expect(0, "del");
    assert_eq!(tags(&sb.take_calls()), ["p3 DEL", "p2 DEL", "p1 DEL"]);
    assert_nothing_left(&sb);
}

#[test]
fn del_and_check_in_another_plugin_namespace_than_add_are_refused_unless_forced() {
    let sb = sandbox();
    let host = TestNetns::new();
    verb(&sb, "add")
        .args(&["--host-netns", host.path()])
        .run()
        .expect(0, "add");
    sb.take_calls();
    let rec = sb.record(NET, ID, "eth0");
    assert_eq!(rec["pluginNs"]["path"], json!(host.path()));

    for v in ["del", "check"] {
        let r = verb(&sb, v).run().expect(2, v);
        let line = the_error(&r);
        assert!(
            line.contains(&format!("--host-netns {}", host.path())) && line.contains("--force"),
            "{line}"
        );
        assert!(sb.take_calls().is_empty(), "{v}: nothing ran");
    }
    verb(&sb, "check")
        .args(&["--host-netns", host.path()])
        .run()
        .expect(0, "check in the add's namespace");
    assert_eq!(sb.take_calls().len(), 3);
    let r = verb(&sb, "check")
        .arg("--force")
        .run()
        .expect(0, "check --force");
    assert!(
        r.stderr.contains("running anyway (--force)"),
        "{}",
        r.stderr
    );
    sb.take_calls();
    verb(&sb, "del")
        .args(&["--host-netns", host.path()])
        .run()
        .expect(0, "del in the add's namespace");
    assert_eq!(tags(&sb.take_calls()), ["p3 DEL", "p2 DEL", "p1 DEL"]);
    assert_nothing_left(&sb);
}

#[test]
fn del_with_container_id_and_another_netns_is_refused_unless_forced() {
    let sb = sandbox();
    verb(&sb, "add").run().expect(0, "add");
    sb.take_calls();
    let other = TestNetns::new();
    let other_verb = |v: &str| {
        sb.cnictl()
            .args(&[v, NET, other.path(), "--container-id", ID])
    };
    for v in ["check", "del"] {
        let r = other_verb(v).run().expect(2, v);
        let line = the_error(&r);
        assert!(
            line.contains(sb.ns()) && line.contains(other.path()) && line.contains("--force"),
            "{line}"
        );
        assert!(sb.take_calls().is_empty(), "{v}: nothing ran");
    }
    assert_eq!(sb.cache_files(), [file()]);
    other_verb("del")
        .arg("--force")
        .run()
        .expect(0, "del --force");
    let calls = sb.take_calls();
    assert_eq!(tags(&calls), ["p3 DEL", "p2 DEL", "p1 DEL"]);
    assert!(
        calls
            .iter()
            .all(|c| c.env("CNI_NETNS").as_deref() == Some(other.path())),
        "--force uses the typed netns"
    );
    assert_nothing_left(&sb);
}
