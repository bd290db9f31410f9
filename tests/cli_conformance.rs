//! `cnictl conformance` with the fake plugin: a chain that keeps the contract passes every
//! step (GC and STATUS at 1.1.0, which Debian's plugins do not speak); deliberately broken
//! plugins fail at the step that catches them, and the report names it; `-o junit` is JUnit
//! XML with one test case per step. The run makes network namespaces, so these need root
//! (and fail, not skip, without it: cnictl refuses to run).

mod common;

use common::fake::Sandbox;
use serde_json::{json, Value};

/// A config file outside the config dir (which stays empty).
fn conf_file(sb: &Sandbox, versions: &[&str], plugins: Value) -> String {
    let mut conf = json!({"name": "fakenet", "plugins": plugins});
    if versions.len() == 1 {
        conf["cniVersion"] = json!(versions[0]);
    } else {
        conf["cniVersion"] = json!(versions[0]);
        conf["cniVersions"] = json!(versions);
    }
    let p = sb.path("fakenet.conflist");
    std::fs::write(&p, conf.to_string()).unwrap();
    p.display().to_string()
}

/// p1's ADD prints an empty result (the runtime writes the config's cniVersion into it):
/// no interface and no address to look for in the container.
fn empty_add() -> Value {
    json!({"plugin": "p1", "command": "ADD", "action": "result", "result": {}})
}

fn run_json(sb: &Sandbox, args: &[&str], code: i32) -> Value {
    let mut all = vec!["conformance"];
    all.extend(args);
    all.extend(["-o", "json"]);
    let r = sb.run(&all).expect(code, "conformance");
    r.json()
}

/// (round version, step id) → (result, messages).
fn steps(v: &Value) -> Vec<(String, String, String, Vec<String>)> {
    let mut out = Vec::new();
    for round in v["rounds"].as_array().expect("rounds") {
        for s in round["steps"].as_array().expect("steps") {
            out.push((
                round["cniVersion"].as_str().unwrap().to_string(),
                s["id"].as_str().unwrap().to_string(),
                s["result"].as_str().unwrap().to_string(),
                s["messages"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|m| m.as_str().unwrap().to_string())
                    .collect(),
            ));
        }
    }
    out
}

fn result_of<'a>(
    all: &'a [(String, String, String, Vec<String>)],
    version: &str,
    id: &str,
) -> &'a (String, String, String, Vec<String>) {
    all.iter()
        .find(|s| s.0 == version && s.1 == id)
        .unwrap_or_else(|| panic!("no step {id} in round {version}: {all:?}"))
}

fn assert_no_namespace_left(token_hint: &str) {
    let out = std::process::Command::new("ip")
        .args(["netns", "list"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        !text.contains(token_hint),
        "a namespace of the run was left: {text}"
    );
}

#[test]
#[ignore = "needs root: conformance makes network namespaces"]
fn a_chain_that_keeps_the_contract_passes_every_step_of_every_version() {
    let sb = Sandbox::new(&["p1", "p2"]);
    sb.rules(json!([empty_add()]));
    let file = conf_file(
        &sb,
        &["1.0.0", "1.1.0"],
        json!([{"type": "p1"}, {"type": "p2"}]),
    );
    let v = run_json(&sb, &[&file], 0);
    let all = steps(&v);
    assert_eq!(all.len(), 24, "12 steps per version: {all:?}");
    for (version, id, result, messages) in &all {
        let want = if version == "1.0.0" && (id == "gc" || id == "status") {
            "skip"
        } else {
            "pass"
        };
        assert_eq!(result, want, "{version} {id}: {messages:?}");
    }
    assert_eq!(v["ok"], true);
    assert_eq!(v["network"], "fakenet");
    assert_eq!(v["hostNetnsMade"], true);
    let private = v["privateName"].as_str().unwrap().to_string();
    assert_no_namespace_left(private.trim_start_matches("cnictl-conformance-"));
    // GC went to both plugins with an empty valid set, STATUS too, at 1.1.0 only.
    let calls = sb.calls();
    let gc: Vec<&Value> = calls
        .iter()
        .filter(|c| c.command() == "GC")
        .map(|c| c.stdin())
        .collect();
    assert_eq!(gc.len(), 2, "{gc:?}");
    for stdin in &gc {
        assert_eq!(stdin["cni.dev/valid-attachments"], json!([]), "{stdin}");
        assert_eq!(stdin["cniVersion"], "1.1.0");
        assert_eq!(stdin["name"], private.as_str(), "the private name");
    }
    assert_eq!(calls.iter().filter(|c| c.command() == "STATUS").count(), 2);
    // Every plugin ran in one namespace, made for the run: never the test's (cnictl's) own.
    let own = std::fs::read_link("/proc/self/ns/net").unwrap();
    let spaces: std::collections::BTreeSet<&str> = calls
        .iter()
        .map(|c| c.0["netns"].as_str().expect("the fake logs its netns"))
        .collect();
    assert_eq!(spaces.len(), 1, "{spaces:?}");
    assert!(!spaces.contains(own.to_str().unwrap()), "{spaces:?}");
    // The steps ran in the spec's order: no CHECK after a DEL of the same interface.
    let order: Vec<String> = calls
        .iter()
        .filter(|c| c.plugin() == "p1" && c.stdin()["cniVersion"] == "1.0.0")
        .map(|c| {
            format!(
                "{} {}",
                c.command(),
                c.env("CNI_IFNAME").unwrap_or_default()
            )
        })
        .collect();
    assert_eq!(
        order,
        [
            "ADD eth0",
            "CHECK eth0",
            "ADD eth1",
            "CHECK eth0",
            "CHECK eth1",
            "DEL eth1",
            "DEL eth0",
            "DEL eth0",
            "ADD eth0",
            "DEL eth0",
            "ADD eth0",
            "DEL eth0"
        ],
        "p1's calls at 1.0.0"
    );
    // Nothing of the run is left in the machine's temp dir.
    let tmp: Vec<_> = std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .contains(private.trim_start_matches("cnictl-conformance-"))
        })
        .collect();
    assert!(tmp.is_empty(), "{tmp:?}");
}

#[test]
#[ignore = "needs root: conformance makes network namespaces"]
fn a_del_that_fails_the_second_time_fails_at_del_again() {
    let sb = Sandbox::new(&["p1"]);
    let marker = sb.path("deleted-once");
    sb.rules(json!([
        empty_add(),
        {"plugin": "p1", "command": "DEL", "ifname": "eth0", "when_file": marker,
         "action": "error", "code": 11, "msg": "no such attachment"},
        {"plugin": "p1", "command": "DEL", "ifname": "eth0",
         "sh": format!("touch {}", marker.display()), "action": "exit", "code": 0},
    ]));
    let file = conf_file(&sb, &["1.0.0"], json!([{"type": "p1"}]));
    let v = run_json(&sb, &[&file], 1);
    let all = steps(&v);
    let failed: Vec<&str> = all
        .iter()
        .filter(|s| s.2 == "fail")
        .map(|s| s.1.as_str())
        .collect();
    assert_eq!(failed, ["del-again"], "{all:?}");
    let (_, _, _, messages) = result_of(&all, "1.0.0", "del-again");
    assert!(
        messages[0].contains("idempotent") && messages[0].contains("no such attachment"),
        "{messages:?}"
    );
    // Without --keep-going the rest of the round is skipped, saying why.
    let (_, _, result, messages) = result_of(&all, "1.0.0", "del-netns-gone");
    assert_eq!(result, "skip");
    assert!(messages[0].contains("DEL eth0 again"), "{messages:?}");
}

#[test]
#[ignore = "needs root: conformance makes network namespaces"]
fn an_add_result_with_an_interface_index_out_of_range_fails_at_add() {
    let sb = Sandbox::new(&["p1"]);
    sb.rules(json!([
        {"plugin": "p1", "command": "ADD", "action": "result", "result": {
            "interfaces": [{"name": "host-side"}],
            "ips": [{"address": "10.99.0.2/24", "gateway": "10.99.0.1", "interface": 4}]}},
    ]));
    let file = conf_file(&sb, &["1.0.0"], json!([{"type": "p1"}]));
    let r = sb
        .run(&["conformance", &file, "-o", "wide"])
        .expect(1, "conformance table");
    // The table names the step and the reason.
    assert!(
        r.stdout
            .lines()
            .any(|l| l.starts_with("1.0.0") && l.contains("ADD eth0") && l.contains("fail")),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.lines().any(|l| l.starts_with("1.0.0")
            && l.contains("ADD eth0")
            && l.ends_with("ips[0].interface 4 is out of range: the result has 1 interface(s)")),
        "{}",
        r.stdout
    );
    let v = run_json(&sb, &[&file], 1);
    let all = steps(&v);
    let failed: Vec<&str> = all
        .iter()
        .filter(|s| s.2 == "fail")
        .map(|s| s.1.as_str())
        .collect();
    assert_eq!(failed, ["add"], "{all:?}");
}

#[test]
#[ignore = "needs root: conformance makes network namespaces"]
fn a_plugin_that_leaves_a_link_behind_fails_at_del_and_gc_warns() {
    let sb = Sandbox::new(&["p1"]);
    // ADD of eth0 makes a veth pair in the plugins' namespace (where the plugin runs); no DEL
    // removes it.
    sb.rules(json!([
        {"plugin": "p1", "command": "ADD", "ifname": "eth0",
         "sh": "ip link add cnfleak0 type veth peer name cnfleak1 2>/dev/null",
         "action": "result", "result": {}},
        empty_add(),
    ]));
    let file = conf_file(&sb, &["1.1.0"], json!([{"type": "p1"}]));
    let v = run_json(&sb, &[&file, "--keep-going"], 1);
    let all = steps(&v);
    let failed: Vec<&str> = all
        .iter()
        .filter(|s| s.2 == "fail")
        .map(|s| s.1.as_str())
        .collect();
    assert_eq!(failed, ["del"], "{all:?}");
    let (_, _, _, messages) = result_of(&all, "1.1.0", "del");
    assert!(
        messages
            .iter()
            .any(|m| m == "left behind: host: link cnfleak0 (veth)")
            && messages
                .iter()
                .any(|m| m == "left behind: host: link cnfleak1 (veth)"),
        "{messages:?}"
    );
    // GC with an empty valid set should have cleaned up: a warning, not a failure.
    let (_, _, result, messages) = result_of(&all, "1.1.0", "gc");
    assert_eq!(result, "warn", "{messages:?}");
    assert!(
        messages
            .iter()
            .any(|m| m.contains("left after GC: host: link cnfleak0")),
        "{messages:?}"
    );
    assert_eq!(result_of(&all, "1.1.0", "status").2, "pass");
}

#[test]
#[ignore = "needs root: conformance makes network namespaces"]
fn a_failed_del_with_the_netns_gone_is_sent_again_by_the_clean_up() {
    let sb = Sandbox::new(&["p1"]);
    // The ADD of the second container (its ID ends in -gone) arms the marker; the first DEL
    // that finds it disarms it and fails, so only the step's own DEL fails.
    let marker = sb.path("gone-added");
    let arm = format!(
        "case \"$CNI_CONTAINERID\" in *-gone) touch {};; esac",
        marker.display()
    );
    sb.rules(json!([
        {"plugin": "p1", "command": "ADD", "sh": arm, "action": "result", "result": {}},
        {"plugin": "p1", "command": "DEL", "when_file": marker,
         "sh": format!("rm {}", marker.display()),
         "action": "error", "code": 11, "msg": "cannot delete now"},
    ]));
    let file = conf_file(&sb, &["1.0.0"], json!([{"type": "p1"}]));
    let v = run_json(&sb, &[&file], 1);
    let all = steps(&v);
    let (_, _, result, messages) = result_of(&all, "1.0.0", "del-netns-gone");
    assert_eq!(result, "fail", "{all:?}");
    assert!(messages[0].contains("cannot delete now"), "{messages:?}");
    let gone_dels: Vec<String> = sb
        .calls()
        .iter()
        .filter(|c| c.command() == "DEL")
        .filter_map(|c| c.env("CNI_CONTAINERID"))
        .filter(|id| id.ends_with("-gone"))
        .collect();
    assert_eq!(
        gone_dels.len(),
        2,
        "the step's DEL and the clean-up's: {gone_dels:?}"
    );
    assert_eq!(v["cleanup"], json!([]), "the clean-up's DEL succeeded: {v}");
    let private = v["privateName"].as_str().unwrap().to_string();
    assert_no_namespace_left(private.trim_start_matches("cnictl-conformance-"));
}

#[test]
#[ignore = "needs root: conformance makes network namespaces"]
fn only_the_bridge_the_config_names_is_kept_another_new_bridge_fails_del() {
    let sb = Sandbox::new(&["bridge"]);
    // A plugin of type bridge naming cnfbrmine makes it, and another bridge too.
    sb.rules(json!([
        {"plugin": "bridge", "command": "ADD", "ifname": "eth0",
         "sh": "ip link add cnfbrmine type bridge 2>/dev/null; ip link add cnfbrother type bridge 2>/dev/null; true",
         "action": "result", "result": {}},
        {"plugin": "bridge", "command": "ADD", "action": "result", "result": {}},
    ]));
    let file = conf_file(
        &sb,
        &["1.0.0"],
        json!([{"type": "bridge", "bridge": "cnfbrmine"}]),
    );
    let v = run_json(&sb, &[&file], 1);
    let all = steps(&v);
    let failed: Vec<&str> = all
        .iter()
        .filter(|s| s.2 == "fail")
        .map(|s| s.1.as_str())
        .collect();
    assert_eq!(failed, ["del"], "{all:?}");
    let (_, _, _, messages) = result_of(&all, "1.0.0", "del");
    assert!(
        messages
            .iter()
            .any(|m| m == "left behind: host: link cnfbrother (bridge)"),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("kept: host: bridge cnfbrmine ")),
        "{messages:?}"
    );
    assert!(
        !messages
            .iter()
            .any(|m| m.contains("left behind: host: link cnfbrmine")),
        "{messages:?}"
    );
}

/// Unmounts what the test mounted in the run's temp dir under `dir` (the sandbox's), then
/// removes what the run could not; also when an assertion fails.
struct Unmount(std::path::PathBuf);

impl Drop for Unmount {
    fn drop(&mut self) {
        let _ = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "umount -l {0}/cnictl-conformance-*/cache 2>/dev/null; rm -rf {0}/cnictl-conformance-*",
                self.0.display()
            ))
            .status();
    }
}

#[test]
#[ignore = "needs root: conformance makes network namespaces"]
fn what_the_clean_up_cannot_remove_fails_the_run_in_json_junit_and_exit_code() {
    let sb = Sandbox::new(&["p1"]);
    // The run's temp dir goes under the sandbox; the last step mounts a tmpfs on its cache
    // dir, so removing the temp dir at the end fails (busy) after every step passed.
    let tmp = sb.path("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let _unmount = Unmount(tmp.clone());
    let busy = format!(
        "mount -t tmpfs cnfbusy {}/cnictl-conformance-*/cache",
        tmp.display()
    );
    sb.rules(json!([
        empty_add(),
        {"plugin": "p1", "command": "STATUS", "sh": busy, "action": "exit", "code": 0},
    ]));
    let file = conf_file(&sb, &["1.1.0"], json!([{"type": "p1"}]));
    let tmp_env = tmp.display().to_string();
    let r = sb
        .cnictl()
        .args(&["conformance", &file, "-o", "json"])
        .env("TMPDIR", &tmp_env)
        .run()
        .expect(1, "conformance with a busy temp dir");
    let v = r.json();
    assert!(
        steps(&v).iter().all(|s| s.2 == "pass"),
        "every step passed: {v}"
    );
    assert_eq!(v["ok"], false, "{v}");
    let cleanup = v["cleanup"].as_array().expect("cleanup");
    assert_eq!(cleanup.len(), 1, "{v}");
    assert!(
        cleanup[0]
            .as_str()
            .unwrap()
            .starts_with("could not remove ")
            && cleanup[0].as_str().unwrap().contains("cnictl-conformance-"),
        "{v}"
    );
    assert!(
        r.stderr.contains("clean-up: could not remove"),
        "{}",
        r.stderr
    );
    drop(_unmount);
    let _unmount = Unmount(tmp.clone());
    // -o junit: a failing clean-up case after the round's suite.
    let r = sb
        .cnictl()
        .args(&["conformance", &file, "-o", "junit"])
        .env("TMPDIR", &tmp_env)
        .run()
        .expect(1, "conformance -o junit with a busy temp dir");
    let at = r
        .stdout
        .find("<testcase name=\"clean-up\"")
        .unwrap_or_else(|| panic!("no clean-up case:\n{}", r.stdout));
    assert!(
        r.stdout[at..].contains("<failure") && r.stdout[at..].contains("could not remove"),
        "{}",
        r.stdout
    );
}

#[test]
#[ignore = "needs root: conformance makes network namespaces"]
fn step_messages_name_the_users_network_not_the_private_one() {
    let sb = Sandbox::new(&["p1"]);
    sb.rules(json!([empty_add()]));
    let file = conf_file(
        &sb,
        &["1.0.0"],
        json!([{"type": "p1"}, {"type": "nosuchplug"}]),
    );
    let v = run_json(&sb, &[&file], 1);
    let all = steps(&v);
    let (_, _, result, messages) = result_of(&all, "1.0.0", "add");
    assert_eq!(result, "fail", "{all:?}");
    assert!(
        messages[0].contains("network \"fakenet\"") && messages[0].contains("nosuchplug"),
        "{messages:?}"
    );
    let private = v["privateName"].as_str().unwrap();
    assert!(private.starts_with("cnictl-conformance-"), "{v}");
    for (_, id, _, messages) in &all {
        for m in messages {
            assert!(!m.contains(private), "{id}: {m}");
        }
    }
    // The table's header says what the run ran as, once.
    let r = sb
        .run(&["conformance", &file, "-o", "wide"])
        .expect(1, "conformance table");
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(all.contains("network \"fakenet\": "), "{all}");
    assert_eq!(
        all.matches("ran as \"cnictl-conformance-").count(),
        1,
        "{all}"
    );
}

#[test]
#[ignore = "needs root: conformance makes network namespaces"]
fn a_plugin_not_ready_fails_the_status_step() {
    let sb = Sandbox::new(&["p1"]);
    sb.rules(json!([
        empty_add(),
        {"plugin": "p1", "command": "STATUS", "action": "error", "code": 50,
         "msg": "no addresses left"},
    ]));
    let file = conf_file(&sb, &["1.1.0"], json!([{"type": "p1"}]));
    let v = run_json(&sb, &[&file], 1);
    let all = steps(&v);
    let (_, _, result, messages) = result_of(&all, "1.1.0", "status");
    assert_eq!(result, "fail");
    assert!(messages[0].contains("no addresses left"), "{messages:?}");
    assert_eq!(v["summary"]["failed"], 1, "{v}");
}

#[test]
#[ignore = "needs root: conformance makes network namespaces"]
fn a_container_interface_without_sandbox_is_a_warning() {
    let sb = Sandbox::new(&["p1"]);
    // The plugin really makes the interface in the container (a veth pair whose both ends
    // stay there), with the address its result claims, but leaves `sandbox` out.
    let add = "nsenter --net=$CNI_NETNS sh -c 'ip link add $CNI_IFNAME type veth peer name p$CNI_IFNAME && ip addr add 10.98.0.2/24 dev $CNI_IFNAME && ip link set $CNI_IFNAME up'";
    let del = "nsenter --net=$CNI_NETNS ip link del $CNI_IFNAME 2>/dev/null; true";
    sb.rules(json!([
        {"plugin": "p1", "command": "ADD", "ifname": "eth0", "sh": add, "action": "result",
         "result": {"interfaces": [{"name": "eth0"}],
                    "ips": [{"address": "10.98.0.2/24", "interface": 0}]}},
        {"plugin": "p1", "command": "ADD", "ifname": "eth1", "sh": add, "action": "result",
         "result": {"interfaces": [{"name": "eth1", "sandbox": "/elsewhere"}]}},
        {"plugin": "p1", "command": "DEL", "sh": del, "action": "exit", "code": 0},
    ]));
    let file = conf_file(&sb, &["1.0.0"], json!([{"type": "p1"}]));
    let v = run_json(&sb, &[&file], 0);
    let all = steps(&v);
    let (_, _, result, messages) = result_of(&all, "1.0.0", "add");
    assert_eq!(result, "warn", "{messages:?}");
    assert!(
        messages[0].contains("interfaces[0] (eth0) has no sandbox"),
        "{messages:?}"
    );
    let (_, _, result, messages) = result_of(&all, "1.0.0", "add-eth1");
    assert_eq!(result, "warn", "{messages:?}");
    assert!(messages[0].contains("sandbox /elsewhere"), "{messages:?}");
    assert_eq!(v["summary"]["failed"], 0);
}

#[test]
#[ignore = "needs root: conformance makes network namespaces"]
fn junit_output_is_junit_xml_with_one_testcase_per_step() {
    use quick_xml::events::Event;
    let sb = Sandbox::new(&["p1"]);
    sb.rules(json!([
        empty_add(),
        {"plugin": "p1", "command": "STATUS", "action": "error", "code": 50, "msg": "busy"},
    ]));
    let file = conf_file(&sb, &["1.0.0", "1.1.0"], json!([{"type": "p1"}]));
    let r = sb
        .run(&["conformance", &file, "-o", "junit"])
        .expect(1, "junit");
    let mut reader = quick_xml::Reader::from_str(&r.stdout);
    let mut suites = Vec::new();
    let mut cases: Vec<(String, Vec<String>)> = Vec::new();
    let mut classnames = std::collections::BTreeSet::new();
    let mut open_case: Option<usize> = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) if e.name().as_ref() == b"testsuite" => {
                suites.push(attr(&e, "name"));
            }
            Ok(Event::Start(e)) if e.name().as_ref() == b"testcase" => {
                cases.push((attr(&e, "name"), Vec::new()));
                classnames.insert(attr(&e, "classname"));
                open_case = Some(cases.len() - 1);
            }
            Ok(Event::Empty(e)) if e.name().as_ref() == b"testcase" => {
                cases.push((attr(&e, "name"), Vec::new()));
                classnames.insert(attr(&e, "classname"));
            }
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                if let Some(i) = open_case {
                    cases[i]
                        .1
                        .push(String::from_utf8_lossy(e.name().as_ref()).into_owned());
                }
            }
            Ok(Event::End(e)) if e.name().as_ref() == b"testcase" => open_case = None,
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("not XML: {e}\n{}", r.stdout),
        }
    }
    assert_eq!(
        suites,
        [
            "cnictl conformance fakenet 1.0.0",
            "cnictl conformance fakenet 1.1.0"
        ]
    );
    assert_eq!(cases.len(), 24, "{cases:?}");
    // No dot inside the version: JUnit tools split a classname at its dots.
    assert_eq!(
        classnames.into_iter().collect::<Vec<_>>(),
        ["cnictl.conformance.v1_0_0", "cnictl.conformance.v1_1_0"]
    );
    let names: Vec<&str> = cases[..12].iter().map(|c| c.0.as_str()).collect();
    assert_eq!(
        names,
        [
            "ADD eth0",
            "CHECK eth0",
            "ADD eth1",
            "CHECK eth0, eth1",
            "DEL eth1",
            "DEL eth0",
            "DEL eth0 again",
            "DEL, netns gone",
            "ADD eth0 again",
            "DEL eth0, final",
            "GC, empty valid set",
            "STATUS"
        ]
    );
    // 1.0.0: GC and STATUS skipped; 1.1.0: STATUS failed.
    assert_eq!(cases[10].1, ["skipped"]);
    assert_eq!(cases[11].1, ["skipped"]);
    assert_eq!(cases[23].1, ["failure"]);
    assert!(cases[12].1.is_empty(), "{cases:?}");
    assert!(r.stdout.contains("failures=\"1\""), "{}", r.stdout);
}

fn attr(e: &quick_xml::events::BytesStart<'_>, name: &str) -> String {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name.as_bytes())
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
        .unwrap_or_default()
}

#[test]
fn a_bad_version_or_an_unknown_network_runs_nothing() {
    let sb = Sandbox::new(&["p1"]);
    let file = conf_file(&sb, &["1.0.0"], json!([{"type": "p1"}]));
    let r = sb
        .run(&["conformance", &file, "--versions", "9.9.9"])
        .expect(2, "bad version");
    assert!(
        common::fake::the_error(&r).contains("\"9.9.9\""),
        "{}",
        r.stderr
    );
    assert!(sb.calls().is_empty());
    sb.conflist("other", "1.0.0", json!([{"type": "p1"}]));
    let r = sb
        .run(&["conformance", "no-such-net"])
        .expect(2, "unknown network");
    assert!(common::fake::the_error(&r).contains("no-such-net"));
}

#[test]
#[ignore = "needs root: conformance makes network namespaces"]
fn an_interrupted_run_removes_its_namespaces_and_exits_130() {
    let sb = Sandbox::new(&["p1"]);
    sb.rules(json!([{"plugin": "p1", "command": "ADD", "action": "sleep", "secs": 60}]));
    let file = conf_file(&sb, &["1.0.0"], json!([{"type": "p1"}]));
    let running = sb
        .cnictl()
        .args(&["conformance", &file, "-o", "json"])
        .spawn();
    let add = sb.wait_for_call("ADD", |c| c.command() == "ADD");
    let netns = add.env("CNI_NETNS").expect("CNI_NETNS");
    assert!(std::path::Path::new(&netns).exists());
    nix::sys::signal::kill(running.pid(), nix::sys::signal::Signal::SIGINT).unwrap();
    let r = running.wait().expect(130, "interrupted");
    let v = r.json();
    assert_eq!(v["interrupted"], "SIGINT", "{v}");
    assert_eq!(v["rounds"][0]["steps"][0]["result"], "fail");
    assert_eq!(v["rounds"][0]["steps"][1]["result"], "skip");
    assert!(!std::path::Path::new(&netns).exists(), "{netns} is left");
    let token = v["privateName"]
        .as_str()
        .unwrap()
        .trim_start_matches("cnictl-conformance-")
        .to_string();
    assert_no_namespace_left(&token);
}

#[test]
#[ignore = "needs root: conformance makes network namespaces"]
fn disable_check_skips_the_check_steps_and_calls_no_check() {
    let sb = Sandbox::new(&["p1"]);
    sb.rules(json!([empty_add()]));
    let p = sb.path("nocheck.conflist");
    let conf = json!({"cniVersion": "1.0.0", "name": "nocheck", "disableCheck": true,
        "plugins": [{"type": "p1"}]});
    std::fs::write(&p, conf.to_string()).unwrap();
    let v = run_json(&sb, &[p.to_str().unwrap()], 0);
    let all = steps(&v);
    for id in ["check", "check-both"] {
        let (_, _, result, messages) = result_of(&all, "1.0.0", id);
        assert_eq!(result, "skip", "{id}");
        assert!(messages[0].contains("disableCheck"), "{messages:?}");
    }
    assert!(!sb.calls().iter().any(|c| c.command() == "CHECK"));
}

#[test]
#[ignore = "needs root: conformance makes network namespaces"]
fn the_table_fits_80_columns_and_wide_gives_the_messages_whole() {
    let sb = Sandbox::new(&["p1"]);
    sb.rules(json!([
        // A result of another version than the config's: a long message.
        {"plugin": "p1", "command": "ADD", "ifname": "eth0", "action": "result",
         "result": {"cniVersion": "0.4.0"}},
        empty_add(),
    ]));
    let file = conf_file(&sb, &["1.0.0"], json!([{"type": "p1"}]));
    let run = |extra: &[&str]| {
        let mut args = vec!["conformance", file.as_str(), "--keep-going"];
        args.extend(extra);
        sb.cnictl()
            .args(&args)
            .env("COLUMNS", "80")
            .run()
            .expect(1, "conformance")
    };
    // The words of a line, timings masked (two runs take different times).
    let words = |l: &str| {
        l.split_whitespace()
            .map(|w| {
                if w.parse::<f64>().is_ok() && w.contains('.') {
                    "#"
                } else {
                    w
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let table = run(&[]).stdout;
    let wide = run(&["-o", "wide"]).stdout;
    assert!(
        wide.lines().any(|l| l.chars().count() > 80),
        "the fixture must be wider than 80 columns:\n{wide}"
    );
    assert_eq!(
        table.lines().count(),
        wide.lines().count(),
        "{table}\n---\n{wide}"
    );
    for (t, w) in table.lines().zip(wide.lines()) {
        assert!(t.chars().count() <= 80, "a line too long:\n{t}");
        match words(t).strip_suffix('…') {
            Some(start) => assert!(
                words(w).starts_with(start),
                "{t:?} is not the start of {w:?}"
            ),
            None => assert_eq!(words(t), words(w)),
        }
    }
    assert!(
        wide.contains("the result's cniVersion is \"0.4.0\"; the config asked for \"1.0.0\""),
        "{wide}"
    );
    // --no-headers drops the two header lines only.
    let bare = run(&["--no-headers"]).stdout;
    assert_eq!(bare.lines().count() + 2, table.lines().count(), "{bare}");
    assert!(!bare.contains("VERSION"));
}

#[test]
#[ignore = "needs root: conformance makes network namespaces"]
fn a_del_of_eth1_that_removes_eth0_fails_at_del_eth1() {
    let sb = Sandbox::new(&["p1"]);
    // Each ADD makes its interface in the container (a veth pair, both ends there); the DEL
    // of eth1 deletes eth0 too.
    let add = "nsenter --net=$CNI_NETNS ip link add $CNI_IFNAME type veth peer name p$CNI_IFNAME";
    sb.rules(json!([
        {"plugin": "p1", "command": "ADD", "sh": add, "action": "result", "result": {}},
        {"plugin": "p1", "command": "DEL", "ifname": "eth1", "action": "exit", "code": 0,
         "sh": "nsenter --net=$CNI_NETNS sh -c 'ip link del eth1; ip link del eth0' 2>/dev/null; true"},
        {"plugin": "p1", "command": "DEL", "action": "exit", "code": 0,
         "sh": "nsenter --net=$CNI_NETNS ip link del $CNI_IFNAME 2>/dev/null; true"},
    ]));
    let file = conf_file(&sb, &["1.0.0"], json!([{"type": "p1"}]));
    let v = run_json(&sb, &[&file], 1);
    let all = steps(&v);
    let failed: Vec<&str> = all
        .iter()
        .filter(|s| s.2 == "fail")
        .map(|s| s.1.as_str())
        .collect();
    assert_eq!(failed, ["del-eth1"], "{all:?}");
    let (_, _, _, messages) = result_of(&all, "1.0.0", "del-eth1");
    assert!(
        messages.iter().any(|m| m
            .starts_with("removed what another interface's ADD set up: container cnictl-conf-")
            && m.ends_with("-a: link eth0")),
        "{messages:?}"
    );
}
