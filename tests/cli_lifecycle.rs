//! CLI tests of the attachment lifecycle (no root, fake plugins): a second ADD refused before
//! anything runs, CHECK without a cache entry, DEL twice, DEL with a corrupt cache, DEL past a
//! failing plugin, CHECK's version gate and `disableCheck`.

mod common;

use common::fake::{tags, the_error, Sandbox};
use serde_json::{json, Value};

const NET: &str = "life";

fn three() -> Value {
    json!([{"type": "p1"}, {"type": "p2"}, {"type": "p3"}])
}

/// p1's result (p2 and p3 echo their prevResult). Its DNS is not empty: a 1.x result with
/// empty DNS loses the key when the cached result is re-encoded for DEL, as in libcni.
fn result() -> Value {
    json!({"cniVersion": "1.0.0",
           "interfaces": [{"name": "eth0", "mac": "0a:00:00:00:01:01"}],
           "ips": [{"address": "10.7.0.2/24", "gateway": "10.7.0.1", "interface": 0}],
           "dns": {"nameservers": ["10.7.0.53"]}})
}

fn result_rule() -> Value {
    json!({"plugin": "p1", "command": "ADD", "action": "result", "result": result()})
}

fn sandbox(version: &str) -> Sandbox {
    let sb = Sandbox::new(&["p1", "p2", "p3"]);
    sb.conflist(NET, version, three());
    sb.rules(json!([result_rule()]));
    sb
}

#[test]
fn second_add_of_the_same_attachment_is_refused_before_any_plugin_runs() {
    let sb = sandbox("1.0.0");
    let ns = sb.ns().to_string();
    sb.run(&["add", NET, &ns]).expect(0, "first add");
    assert_eq!(sb.take_calls().len(), 3);
    let id = common::fake::cnitool_id(&ns);
    let file = sb.cache_file(NET, &id, "eth0");
    let before = std::fs::read(&file).expect("cache entry");

    let r = sb.run(&["add", NET, &ns]).expect(2, "second add");
    assert_eq!(
        tags(&sb.take_calls()),
        Vec::<String>::new(),
        "no plugin ran"
    );
    let line = the_error(&r);
    assert!(
        line.contains("already attached") && line.contains(&id) && line.contains("eth0"),
        "{line}"
    );
    assert_eq!(r.stdout, "");
    assert_eq!(
        std::fs::read(&file).unwrap(),
        before,
        "the first entry is untouched"
    );
    // another interface of the same container is a different attachment
    sb.run(&["add", NET, &ns, "-i", "eth1"])
        .expect(0, "add eth1");
    assert_eq!(
        sb.cache_files(),
        [format!("{NET}-{id}-eth0"), format!("{NET}-{id}-eth1")]
    );
}

#[test]
fn check_without_a_cache_entry_is_an_error_with_a_hint_and_runs_nothing() {
    let sb = sandbox("1.0.0");
    let r = sb
        .run(&["check", NET, sb.ns(), "--container-id", "never-added"])
        .expect(2, "check");
    assert_eq!(sb.calls().len(), 0, "no plugin ran");
    let line = the_error(&r);
    assert!(
        line.contains("no cached attachment")
            && line.contains("\"never-added\"")
            && line.contains("only allowed after ADD")
            && line.contains("cnictl attachments"),
        "{line}"
    );
}

#[test]
fn del_twice_succeeds_and_the_second_has_no_prev_result() {
    let sb = sandbox("1.0.0");
    let ns = sb.ns().to_string();
    let added = sb.run(&["add", NET, &ns]).expect(0, "add").json();
    assert_eq!(added, result());
    sb.take_calls();
    let first = sb.run(&["del", NET, &ns]).expect(0, "first del");
    assert_eq!((first.stdout.as_str(), first.stderr.as_str()), ("", ""));
    let calls = sb.take_calls();
    assert_eq!(tags(&calls), ["p3 DEL", "p2 DEL", "p1 DEL"]);
    assert!(calls.iter().all(|c| c.stdin()["prevResult"] == added));
    assert_eq!(sb.cache_files(), Vec::<String>::new());

    let second = sb.run(&["del", NET, &ns]).expect(0, "second del");
    assert_eq!((second.stdout.as_str(), second.stderr.as_str()), ("", ""));
    let calls = sb.take_calls();
    assert_eq!(tags(&calls), ["p3 DEL", "p2 DEL", "p1 DEL"]);
    assert!(
        calls.iter().all(|c| c.stdin().get("prevResult").is_none()),
        "no cache, no prevResult"
    );
}

#[test]
fn del_with_a_corrupt_cache_entry_warns_deletes_and_removes_it() {
    let sb = sandbox("1.0.0");
    let ns = sb.ns().to_string();
    sb.run(&["add", NET, &ns, "--arg", "A=1"]).expect(0, "add");
    sb.take_calls();
    let file = sb.cache_file(NET, &common::fake::cnitool_id(&ns), "eth0");
    std::fs::write(&file, "adfadsfasdfasfdsafaf").unwrap();

    let r = sb.run(&["del", NET, &ns]).expect(0, "del");
    assert!(
        r.stderr.starts_with("warning:") && r.stderr.contains("corrupt"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    let calls = sb.take_calls();
    assert_eq!(tags(&calls), ["p3 DEL", "p2 DEL", "p1 DEL"]);
    for c in &calls {
        assert!(c.stdin().get("prevResult").is_none(), "{}", c.tag());
        assert_eq!(
            c.env("CNI_ARGS").as_deref(),
            Some("A=1"),
            "the args survive in cnictl's record"
        );
    }
    assert!(!file.exists(), "the corrupt entry is removed");
    assert_eq!(sb.records(), Vec::<String>::new(), "and the record");
}

#[test]
fn del_runs_every_plugin_past_a_failing_one_and_keeps_the_cache_entry() {
    let sb = sandbox("1.0.0");
    let ns = sb.ns().to_string();
    let added = sb.run(&["add", NET, &ns]).expect(0, "add").json();
    sb.take_calls();
    let file = sb.cache_file(NET, &common::fake::cnitool_id(&ns), "eth0");
    let before = std::fs::read(&file).unwrap();

    sb.rules(
        json!([{"plugin": "p2", "command": "DEL", "action": "error", "code": 11,
                     "msg": "try again", "stderr": "p2 is busy\n"}, result_rule()]),
    );
    let r = sb
        .run(&["del", NET, &ns])
        .expect(1, "del with a failing p2");
    assert_eq!(tags(&sb.take_calls()), ["p3 DEL", "p2 DEL", "p1 DEL"]);
    let line = the_error(&r);
    assert!(
        line.contains("plugin \"p2\" failed (DEL)") && line.contains("try again"),
        "{line}"
    );
    assert!(r.stderr.contains("p2 is busy"), "{}", r.stderr);
    assert_eq!(std::fs::read(&file).unwrap(), before, "cache entry kept");

    // a retry still has the prevResult, and succeeds
    sb.rules(json!([result_rule()]));
    sb.run(&["del", NET, &ns]).expect(0, "retry");
    let calls = sb.take_calls();
    assert_eq!(tags(&calls), ["p3 DEL", "p2 DEL", "p1 DEL"]);
    assert!(calls.iter().all(|c| c.stdin()["prevResult"] == added));
    assert!(!file.exists());
}

#[test]
fn check_is_refused_below_0_4_0_without_calling_a_plugin() {
    let sb = Sandbox::new(&["p1", "p2", "p3"]);
    sb.conflist("old", "0.3.1", three());
    // disableCheck does not change that (libcni gates on the version first)
    sb.write_conf(
        "20-olddis.conflist",
        &json!({"cniVersion": "0.3.1", "name": "olddis", "disableCheck": true, "plugins": three()})
            .to_string(),
    );
    let ns = sb.ns().to_string();
    for net in ["old", "olddis"] {
        sb.run(&["add", net, &ns]).expect(0, "add");
        sb.take_calls();
        let r = sb.run(&["check", net, &ns]).expect(2, "check");
        assert_eq!(sb.take_calls().len(), 0, "no plugin ran");
        let line = the_error(&r);
        assert!(
            line.contains(&format!("network \"{net}\""))
                && line
                    .contains("configuration version \"0.3.1\" does not support the CHECK command"),
            "{line}"
        );
        // below 0.4.0, DEL sends no prevResult even though the cache has one
        sb.run(&["del", net, &ns]).expect(0, "del");
        let calls = sb.take_calls();
        assert_eq!(tags(&calls), ["p3 DEL", "p2 DEL", "p1 DEL"]);
        assert!(calls.iter().all(|c| c.stdin().get("prevResult").is_none()));
    }
}

#[test]
fn disable_check_succeeds_without_calling_a_plugin() {
    let sb = Sandbox::new(&["p1", "p2", "p3"]);
    sb.write_conf(
        "10-dis.conflist",
        &json!({"cniVersion": "1.0.0", "name": "dis", "disableCheck": "true", "plugins": three()})
            .to_string(),
    );
    let ns = sb.ns().to_string();
    sb.run(&["add", "dis", &ns]).expect(0, "add");
    sb.take_calls();
    let r = sb.run(&["check", "dis", &ns]).expect(0, "check");
    assert_eq!(sb.take_calls().len(), 0, "no plugin ran");
    assert_eq!(r.stdout, "");
    assert!(!r.stderr.contains("error"), "{}", r.stderr);
    // the same network without disableCheck does call them
    sb.write_conf(
        "10-dis.conflist",
        &json!({"cniVersion": "1.0.0", "name": "dis", "plugins": three()}).to_string(),
    );
    sb.run(&["check", "dis", &ns]).expect(0, "check");
    assert_eq!(tags(&sb.take_calls()), ["p1 CHECK", "p2 CHECK", "p3 CHECK"]);
}

#[test]
fn a_failing_del_still_prints_the_warnings_that_explain_it() {
    let sb = sandbox("1.0.0");
    let ns = sb.ns().to_string();
    sb.run(&["add", NET, &ns, "--arg", "A=1"]).expect(0, "add");
    // the config changes after ADD (p3 gets a new key) and a DEL is given other CNI_ARGS
    sb.conflist(
        NET,
        "1.0.0",
        json!([{"type": "p1"}, {"type": "p2"}, {"type": "p3", "x": 1}]),
    );
    sb.rules(json!([{"plugin": "p2", "command": "DEL", "action": "error", "code": 11, "msg": "try again"}, result_rule()]));
    let r = sb
        .run(&["del", NET, &ns, "--arg", "A=2"])
        .expect(1, "del with a failing p2");
    assert!(
        r.stderr
            .contains("warning: the config of network \"life\" changed since ADD"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("warning: CNI_ARGS differ from the ones cached at ADD"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("plugin \"p2\" failed (DEL)"),
        "{}",
        r.stderr
    );
}

#[test]
fn absolute_arguments_need_no_working_directory() {
    // A runtime may run cnictl from a directory that is gone: with NETNS and every path
    // absolute, nothing depends on it. A relative NETNS does, and says so.
    let sb = sandbox("1.0.0");
    let ns = sb.ns().to_string();
    let gone = sb.path("gone");
    let dir = gone.to_string_lossy().into_owned();
    let from_gone = [
        "sh",
        "-c",
        r#"cd "$0" && rmdir "$0" && exec "$@""#,
        dir.as_str(),
    ];
    let run = |args: &[&str]| {
        std::fs::create_dir(&gone).expect("the directory to leave");
        sb.cnictl().wrapped(&from_gone).args(args).run()
    };
    run(&["add", NET, &ns]).expect(0, "add from a removed directory");
    assert_eq!(sb.take_calls().len(), 3);
    run(&["del", NET, &ns]).expect(0, "del from a removed directory");
    assert_eq!(sb.take_calls().len(), 3);
    let r = run(&["add", NET, "relative/ns"]);
    assert_ne!(r.code, 0, "{}", r.stderr);
    assert!(
        the_error(&r).contains("cannot read the current directory"),
        "{}",
        r.stderr
    );
    assert_eq!(
        tags(&sb.take_calls()),
        Vec::<String>::new(),
        "no plugin ran"
    );
}
