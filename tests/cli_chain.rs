//! CLI tests of the chain (no root): the exact stdin and env each plugin of a 3-plugin chain
//! gets on ADD, CHECK and DEL, verbatim pass-through of the config, rollback of a failed ADD,
//! timeouts, and SIGINT/SIGTERM during ADD. cnictl runs against the fake plugin
//! (examples/fake_plugin.rs) installed as p1, p2 and p3, with every directory a temp dir and
//! the environment cleared.

mod common;

use common::fake::{tags, the_error, wait_group_gone, with, Call, Sandbox, PATH};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

const NET: &str = "chain";
const ID: &str = "ctr-1";
const IFNAME: &str = "net1";

const PORTMAPS: &str = r#"[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]"#;
const BANDWIDTH: &str = r#"{"ingressRate":1000,"ingressBurst":2000}"#;
const MAC: &str = "c2:11:22:33:44:55";
const IP_RANGES: &str = r#"[[{"subnet":"10.9.0.0/16"}]]"#;

/// p1 declares portMappings (and mac: false), p2 nothing, p3 mac and bandwidth (ipRanges:
/// false) and writes a runtimeConfig of its own, which the supplied capabilities replace.
fn chain_plugins() -> Value {
    json!([
        {"type": "p1", "capabilities": {"portMappings": true, "mac": false}, "p1key": "one"},
        {"type": "p2", "mtu": 1400, "nested": {"list": [1, 2, 3]}},
        {"type": "p3", "capabilities": {"mac": true, "bandwidth": true, "ipRanges": false},
         "runtimeConfig": {"written": "in the config"}}
    ])
}

/// A distinct result for plugin `n` in `version`.
fn result(version: &str, n: u8, netns: &str) -> Value {
    let mut ip = json!({"address": format!("10.{n}.0.2/24"), "gateway": format!("10.{n}.0.1"), "interface": 1});
    if version.starts_with("0.") {
        ip["version"] = json!("4");
    }
    json!({
        "cniVersion": version,
        "interfaces": [
            {"name": format!("host{n}"), "mac": format!("0a:00:00:00:00:0{n}")},
            {"name": IFNAME, "mac": format!("0a:00:00:00:01:0{n}"), "sandbox": netns}
        ],
        "ips": [ip],
        "routes": [{"dst": "0.0.0.0/0", "gw": format!("10.{n}.0.1")}],
        "dns": {"nameservers": [format!("10.{n}.0.53")]}
    })
}

/// The chain in a sandbox: p1 returns result 1, p2 result 2, p3 (no rule) echoes its
/// prevResult, so the chain's result is result 2.
struct Chain {
    sb: Sandbox,
    version: String,
    r1: Value,
    r2: Value,
}

impl Chain {
    fn new(version: &str, extra_rules: Value) -> Chain {
        let sb = Sandbox::new(&["p1", "p2", "p3"]);
        sb.conflist(NET, version, chain_plugins());
        let r1 = result(version, 1, sb.ns());
        let r2 = result(version, 2, sb.ns());
        let mut rules = extra_rules.as_array().cloned().unwrap_or_default();
        rules.push(json!({"plugin": "p1", "command": "ADD", "action": "result", "result": r1}));
        rules.push(json!({"plugin": "p2", "command": "ADD", "action": "result", "result": r2}));
        sb.rules(Value::Array(rules));
        Chain {
            sb,
            version: version.to_string(),
            r1,
            r2,
        }
    }

    /// The plugin config `i` (0-based) with `name` and `cniVersion` injected.
    fn base_stdin(&self, i: usize) -> Value {
        let conf = chain_plugins()[i].clone();
        let conf = with(&conf, "name", json!(NET));
        with(&conf, "cniVersion", json!(self.version))
    }

    /// A cnictl command for this attachment: explicit identity, and env that must not leak
    /// into the plugins' env (NETCONFPATH) or must (KEEP_ME).
    fn cnictl(&self, verb: &str) -> common::fake::Cnictl<'_> {
        self.sb
            .cnictl()
            .args(&[verb, NET, self.sb.ns(), "--container-id", ID, "-i", IFNAME])
            .env("NETCONFPATH", &self.sb.conf_dir().to_string_lossy())
            .env("KEEP_ME", "kept")
    }

    /// The ADD of the standard inputs: CNI_ARGS from --arg, capabilities from CAP_ARGS and
    /// --cap (mac and ipRanges and one no plugin declares).
    fn add(&self) -> common::fake::Cnictl<'_> {
        self.cnictl("add")
            .args(&["--arg", "K8S_POD_NAME=web", "--arg", "IgnoreUnknown=1"])
            .args(&["--cap", &format!("mac=\"{MAC}\"")])
            .args(&["--cap", &format!("ipRanges={IP_RANGES}")])
            .args(&["--cap", "notDeclared=true"])
            .env(
                "CAP_ARGS",
                &format!(r#"{{"portMappings":{PORTMAPS},"bandwidth":{BANDWIDTH}}}"#),
            )
    }

    /// Asserts the plugin's whole environment: the six CNI_* variables, the parent env minus
    /// CAP_ARGS and NETCONFPATH, PATH as given.
    fn assert_env(&self, c: &Call, command: &str, cni_args: &str) {
        let bin = self.sb.bin().to_string_lossy().into_owned();
        let want: BTreeMap<String, String> = [
            ("CNI_COMMAND", command),
            ("CNI_CONTAINERID", ID),
            ("CNI_NETNS", self.sb.ns()),
            ("CNI_IFNAME", IFNAME),
            ("CNI_ARGS", cni_args),
            ("CNI_PATH", bin.as_str()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(c.cni_env(), want, "CNI_* env of {}", c.tag());
        assert_eq!(
            c.env_keys(),
            [
                "CNI_ARGS",
                "CNI_COMMAND",
                "CNI_CONTAINERID",
                "CNI_IFNAME",
                "CNI_NETNS",
                "CNI_PATH",
                "FAKE_PLUGIN_SCRIPT",
                "KEEP_ME",
                "PATH"
            ],
            "env of {}",
            c.tag()
        );
        assert_eq!(c.0["has_cap_args"], json!(false), "{}", c.tag());
        assert_eq!(c.0["has_netconfpath"], json!(false), "{}", c.tag());
        assert_eq!(c.path(), Some(PATH), "PATH of {}", c.tag());
    }
}

fn portmaps() -> Value {
    serde_json::from_str(PORTMAPS).unwrap()
}
fn bandwidth() -> Value {
    serde_json::from_str(BANDWIDTH).unwrap()
}

/// ADD, CHECK (cached args), CHECK (other args: warnings), DEL (same args: no warning).
fn chain_inputs(version: &str) {
    let ch = Chain::new(version, json!([]));
    let sb = &ch.sb;

    // ADD
    let add = ch.add().run().expect(0, "add");
    assert_eq!(add.json(), ch.r2, "add prints the chain's result");
    let calls = sb.take_calls();
    assert_eq!(tags(&calls), ["p1 ADD", "p2 ADD", "p3 ADD"]);
    let args = "K8S_POD_NAME=web;IgnoreUnknown=1";
    for c in &calls {
        ch.assert_env(c, "ADD", args);
    }
    let add_stdin: Vec<Value> = calls.iter().map(|c| c.stdin().clone()).collect();
    // plugin 1: no prevResult; runtimeConfig = its declared capabilities ∩ those supplied
    assert_eq!(
        add_stdin[0],
        with(
            &ch.base_stdin(0),
            "runtimeConfig",
            json!({"portMappings": portmaps()})
        )
    );
    assert!(add_stdin[0].get("prevResult").is_none());
    // plugin 2: plugin 1's result; declares nothing, so no runtimeConfig
    assert_eq!(
        add_stdin[1],
        with(&ch.base_stdin(1), "prevResult", ch.r1.clone())
    );
    assert!(add_stdin[1].get("runtimeConfig").is_none());
    // plugin 3: plugin 2's result; the written runtimeConfig is replaced, not merged
    assert_eq!(
        add_stdin[2],
        with(
            &with(&ch.base_stdin(2), "prevResult", ch.r2.clone()),
            "runtimeConfig",
            json!({"mac": MAC, "bandwidth": bandwidth()})
        )
    );
    // the cache remembers the runtime args and every capability arg supplied
    let entry = sb.cache_entry(NET, ID, IFNAME);
    assert_eq!(
        entry["cniArgs"],
        json!([["K8S_POD_NAME", "web"], ["IgnoreUnknown", "1"]])
    );
    assert_eq!(
        entry["capabilityArgs"],
        json!({"portMappings": portmaps(), "bandwidth": bandwidth(), "mac": MAC,
               "ipRanges": serde_json::from_str::<Value>(IP_RANGES).unwrap(), "notDeclared": true})
    );
    assert_eq!(entry["result"], ch.r2);

    // CHECK without args: in order, cached result as prevResult, cached args and capabilities
    let check = ch.cnictl("check").run().expect(0, "check");
    assert_eq!((check.stdout.as_str(), check.stderr.as_str()), ("", ""));
    let calls = sb.take_calls();
    assert_eq!(tags(&calls), ["p1 CHECK", "p2 CHECK", "p3 CHECK"]);
    for (i, c) in calls.iter().enumerate() {
        ch.assert_env(c, "CHECK", args);
        assert_eq!(
            c.stdin(),
            &with(&add_stdin[i], "prevResult", ch.r2.clone()),
            "{}",
            c.tag()
        );
    }

    // CHECK with other args: they replace the cached ones, with a warning each
    let check = ch
        .cnictl("check")
        .args(&[
            "--arg",
            "K8S_POD_NAME=db",
            "--cap",
            "mac=\"c2:00:00:00:00:09\"",
        ])
        .run()
        .expect(0, "check with other args");
    let warnings: Vec<&str> = check
        .stderr
        .lines()
        .filter(|l| l.starts_with("warning:"))
        .collect();
    assert_eq!(warnings.len(), 2, "{}", check.stderr);
    assert!(
        warnings[0].contains("CNI_ARGS differ") && warnings[0].contains(args),
        "{}",
        check.stderr
    );
    assert!(
        warnings[1].contains("capability args differ"),
        "{}",
        check.stderr
    );
    let calls = sb.take_calls();
    assert_eq!(tags(&calls), ["p1 CHECK", "p2 CHECK", "p3 CHECK"]);
    for c in &calls {
        ch.assert_env(c, "CHECK", "K8S_POD_NAME=db");
    }
    assert_eq!(
        calls[0].stdin(),
        &with(&ch.base_stdin(0), "prevResult", ch.r2.clone()),
        "p1 gets no portMappings now"
    );
    assert_eq!(
        calls[2].stdin(),
        &with(
            &with(&ch.base_stdin(2), "prevResult", ch.r2.clone()),
            "runtimeConfig",
            json!({"mac": "c2:00:00:00:00:09"})
        )
    );

    // DEL repeating the cached CNI_ARGS (no warning) and no capabilities (the cached ones)
    let del = ch
        .cnictl("del")
        .args(&["--arg", "K8S_POD_NAME=web", "--arg", "IgnoreUnknown=1"])
        .run()
        .expect(0, "del");
    assert_eq!((del.stdout.as_str(), del.stderr.as_str()), ("", ""));
    let calls = sb.take_calls();
    assert_eq!(tags(&calls), ["p3 DEL", "p2 DEL", "p1 DEL"]);
    for c in &calls {
        let i = usize::from(c.plugin().as_bytes()[1] - b'1');
        ch.assert_env(c, "DEL", args);
        assert_eq!(
            c.stdin(),
            &with(&add_stdin[i], "prevResult", ch.r2.clone()),
            "{}",
            c.tag()
        );
    }
    assert_eq!(
        sb.cache_files(),
        Vec::<String>::new(),
        "DEL removes the entry"
    );
}

#[test]
fn chain_stdin_and_env_on_add_check_del_1_0_0() {
    chain_inputs("1.0.0");
}

#[test]
fn chain_stdin_and_env_on_add_check_del_0_4_0() {
    chain_inputs("0.4.0");
}

const VERBATIM: &str = r#"{
  "cniVersion": "1.0.0",
  "name": "verbatim",
  "plugins": [
    {
      "zUnknown": {"b": 1, "a": [1, 2.50, {"y": null, "x": "text"}]},
      "type": "p1",
      "big": 18446744073709551616,
      "huge": 1e400,
      "negZero": -0.0,
      "capabilities": {"mac": true},
      "mUnknown": [true, false, "x"]
    },
    {"type": "p2", "cni.dev/custom": "kept", "aSmall": 1E-7, "big": -18446744073709551617}
  ]
}
"#;

#[test]
fn config_reaches_the_plugin_verbatim() {
    let sb = Sandbox::new(&["p1", "p2"]);
    let file = sb.write_conf("10-verbatim.conflist", VERBATIM);
    // Each plugin object, compacted, with its keys in file order and its numbers as written;
    // cnictl's injected keys follow.
    let p1 = r#"{"zUnknown":{"b":1,"a":[1,2.50,{"y":null,"x":"text"}]},"type":"p1","big":18446744073709551616,"huge":1e400,"negZero":-0.0,"capabilities":{"mac":true},"mUnknown":[true,false,"x"],"#;
    let p2 = r#"{"type":"p2","cni.dev/custom":"kept","aSmall":1E-7,"big":-18446744073709551617,"#;
    let ns = sb.ns().to_string();
    for verb in ["add", "check", "del"] {
        sb.cnictl()
            .args(&[verb, "verbatim", &ns, "--cap", "mac=\"c2:11:22:33:44:55\""])
            .run()
            .expect(0, verb);
        if verb == "add" {
            // the cache keeps the file's bytes
            let entry = sb.cache_entry("verbatim", &common::fake::cnitool_id(&ns), "eth0");
            use base64::Engine;
            let config = base64::engine::general_purpose::STANDARD
                .decode(entry["config"].as_str().expect("config"))
                .expect("base64");
            assert_eq!(config, std::fs::read(&file).unwrap());
        }
        let calls = sb.take_calls();
        assert_eq!(calls.len(), 2, "{verb}: {:?}", tags(&calls));
        for c in &calls {
            let (prefix, i) = if c.plugin() == "p1" { (p1, 0) } else { (p2, 1) };
            assert!(
                c.stdin_raw().starts_with(prefix),
                "{}: stdin is not the config verbatim:\n{}\nwant prefix\n{prefix}",
                c.tag(),
                c.stdin_raw()
            );
            // and the whole is that object plus the injected keys
            let parsed: Value = serde_json::from_str(c.stdin_raw()).expect("stdin is JSON");
            let file_json: Value = serde_json::from_str(VERBATIM).unwrap();
            let mut want = with(
                &with(&file_json["plugins"][i], "name", json!("verbatim")),
                "cniVersion",
                json!("1.0.0"),
            );
            if i == 0 {
                want = with(&want, "runtimeConfig", json!({"mac": "c2:11:22:33:44:55"}));
            }
            let parsed_without_prev = common::fake::without(&parsed, "prevResult");
            assert_eq!(parsed_without_prev, want, "{}", c.tag());
        }
    }
}

/// The rollback inputs: each plugin's DEL gets exactly its ADD stdin with prevResult = the
/// last successful result, and the ADD's env with CNI_COMMAND=DEL.
fn assert_rollback(ch: &Chain, calls: &[Call], failed: usize, last: &Value) {
    let n_add = failed + 1;
    let want_tags: Vec<String> = (1..=n_add)
        .map(|i| format!("p{i} ADD"))
        .chain(["p3 DEL", "p2 DEL", "p1 DEL"].map(String::from))
        .collect();
    assert_eq!(tags(calls), want_tags);
    for del in &calls[n_add..] {
        let i = usize::from(del.plugin().as_bytes()[1] - b'1');
        let add_stdin = if i < n_add {
            calls[i].stdin().clone()
        } else {
            // never ran ADD: its config with name and cniVersion (these tests pass no
            // capability args, so p3's own runtimeConfig survives)
            ch.base_stdin(i)
        };
        assert_eq!(
            del.stdin(),
            &with(&add_stdin, "prevResult", last.clone()),
            "{}",
            del.tag()
        );
        ch.assert_env(del, "DEL", "A=1");
    }
    for add in &calls[..n_add] {
        ch.assert_env(add, "ADD", "A=1");
    }
}

#[test]
fn failed_add_is_rolled_back_in_reverse_with_the_add_inputs() {
    let ch = Chain::new(
        "1.0.0",
        json!([{"plugin": "p3", "command": "ADD", "action": "error", "code": 7, "msg": "boom",
                "details": "in p3", "stderr": "p3 says why\n"}]),
    );
    let sb = &ch.sb;
    let add = || {
        ch.cnictl("add")
            .args(&["--arg", "A=1", "--cap", &format!("mac=\"{MAC}\"")])
            .env("CAP_ARGS", &format!(r#"{{"portMappings":{PORTMAPS}}}"#))
    };

    let r = add().run().expect(1, "add with a failing p3");
    let calls = sb.take_calls();
    assert_rollback(&ch, &calls, 2, &ch.r2);
    // p3's DEL gets its runtimeConfig (the same capability args as its ADD)
    assert_eq!(calls[2].stdin()["runtimeConfig"], json!({"mac": MAC}));
    assert_eq!(
        calls[5].stdin()["runtimeConfig"],
        json!({"portMappings": portmaps()})
    );
    assert_eq!(sb.cache_files(), Vec::<String>::new(), "no cache entry");
    assert_eq!(r.stdout, "");
    let line = the_error(&r);
    for part in [
        "plugin \"p3\"",
        "failed (ADD)",
        "boom",
        "in p3",
        "CNI code 7",
    ] {
        assert!(line.contains(part), "{part:?} missing in {line}");
    }
    assert!(r.stderr.contains("p3 says why"), "{}", r.stderr);
    assert!(
        r.stderr.contains("rolled back: DEL p3, p2, p1"),
        "{}",
        r.stderr
    );

    // -o json: the JSON error object on stdout
    let r = add().args(&["-o", "json"]).run().expect(1, "add -o json");
    sb.take_calls();
    let j = r.json();
    assert_eq!(j["code"], json!(7));
    assert_eq!(j["msg"], json!("boom"));
    assert_eq!(j["details"], json!("in p3"));
    assert_eq!(j["plugin"], json!("p3"));
    assert_eq!(j["command"], json!("ADD"));
    assert_eq!(j["exit"], json!(1));
    assert_eq!(j["stderr"], json!("p3 says why\n"));
    assert_eq!(
        j["rollback"],
        json!({"skipped": false, "deleted": ["p3", "p2", "p1"], "errors": [],
               "left": [], "cached": null, "cacheError": null,
               "incomplete": [], "stoppedBy": null})
    );
    assert_eq!(sb.cache_files(), Vec::<String>::new());

    // --no-rollback: no DEL, the last good result cached, and the command that cleans up
    let r = add()
        .arg("--no-rollback")
        .run()
        .expect(1, "add --no-rollback");
    assert_eq!(tags(&sb.take_calls()), ["p1 ADD", "p2 ADD", "p3 ADD"]);
    assert_eq!(sb.cache_files(), [format!("{NET}-{ID}-{IFNAME}")]);
    let entry = sb.cache_entry(NET, ID, IFNAME);
    assert_eq!(entry["result"], ch.r2);
    assert_eq!(entry["cniArgs"], json!([["A", "1"]]));
    let hint = r
        .stderr
        .lines()
        .find_map(|l| {
            l.split_once("clean up with: ")
                .map(|(_, cmd)| cmd.to_string())
        })
        .unwrap_or_else(|| panic!("no cleanup command printed:\n{}", r.stderr));
    // the printed command repeats the global options that differ from their defaults, so that
    // it targets the same config, plugins and cache
    let want = format!(
        "cnictl --conf-dir {} --cni-path {} --cache-dir {} del {NET} {} --container-id {ID} -i {IFNAME}",
        sb.conf_dir().display(),
        sb.bin().display(),
        sb.cache_dir().display(),
        sb.ns()
    );
    assert_eq!(hint, want);
    // the printed command, as printed, cleans up with the cached args and result
    let words: Vec<&str> = hint.split_whitespace().skip(1).collect();
    sb.cnictl()
        .without_dirs()
        .args(&words)
        .run()
        .expect(0, "the printed del");
    let calls = sb.take_calls();
    assert_eq!(tags(&calls), ["p3 DEL", "p2 DEL", "p1 DEL"]);
    for c in &calls {
        assert_eq!(c.env("CNI_ARGS").as_deref(), Some("A=1"));
        assert_eq!(c.stdin()["prevResult"], ch.r2);
    }
    assert_eq!(sb.cache_files(), Vec::<String>::new());
}

/// Runs `r` (started at `start`) and returns it with its wall time.
fn timed(r: common::fake::Cnictl<'_>) -> (common::Run, Duration) {
    let start = Instant::now();
    let out = r.run();
    (out, start.elapsed())
}

#[test]
fn timeout_kills_a_hung_plugin_and_the_child_holding_its_pipes() {
    // p2 starts a child that holds stdout/stderr for 60s, then sleeps 60s itself
    let ch = Chain::new(
        "1.0.0",
        json!([{"plugin": "p2", "command": "ADD", "action": "sleep_child", "secs": 60, "parent_secs": 60}]),
    );
    let sb = &ch.sb;
    let (r, took) =
        timed(
            ch.cnictl("add")
                .args(&["--timeout", "1s", "-o", "json", "--arg", "A=1"]),
        );
    let r = r.expect(1, "add with a hung p2");
    assert!(took < Duration::from_secs(10), "took {took:?}");
    let j = r.json();
    assert_eq!(j["plugin"], json!("p2"));
    assert_eq!(j["command"], json!("ADD"));
    assert_eq!(j["timedOut"], json!(true));
    assert_eq!(j["signal"], json!("SIGKILL"));
    assert!(
        j["msg"]
            .as_str()
            .unwrap_or_default()
            .contains("timed out after 1s"),
        "{j}"
    );
    assert_eq!(
        j["rollback"]["deleted"],
        json!(["p3", "p2", "p1"]),
        "rollback ran"
    );
    assert!(the_error(&r).contains("timed out"), "{}", r.stderr);
    let calls = sb.take_calls();
    assert_rollback(&ch, &calls, 1, &ch.r1);
    // the whole process group of p2 is gone: the plugin and its pipe-holding child
    let left = wait_group_gone(calls[1].pid(), Duration::from_secs(5));
    assert!(left.is_empty(), "p2's process group survived: {left:?}");
    assert_eq!(sb.cache_files(), Vec::<String>::new());
}

#[test]
fn timeout_bounds_the_rollback_dels_too() {
    let ch = Chain::new(
        "1.0.0",
        json!([
            {"plugin": "p3", "command": "ADD", "action": "error", "code": 11, "msg": "later"},
            {"plugin": "p2", "command": "DEL", "action": "sleep", "secs": 60}
        ]),
    );
    let sb = &ch.sb;
    let (r, took) =
        timed(
            ch.cnictl("add")
                .args(&["--timeout", "1s", "-o", "json", "--arg", "A=1"]),
        );
    let r = r.expect(1, "add");
    assert!(took < Duration::from_secs(10), "took {took:?}");
    let j = r.json();
    assert_eq!(j["plugin"], json!("p3"));
    assert_eq!(j["code"], json!(11));
    assert_eq!(j["rollback"]["deleted"], json!(["p3", "p1"]));
    let errors = j["rollback"]["errors"].as_array().expect("rollback errors");
    assert_eq!(errors.len(), 1, "{j}");
    assert_eq!(errors[0]["plugin"], json!("p2"));
    assert_eq!(errors[0]["command"], json!("DEL"));
    assert_eq!(errors[0]["timedOut"], json!(true));
    let calls = sb.take_calls();
    assert_rollback(&ch, &calls, 2, &ch.r2);
    // p2's DEL did not finish: the failed ADD is cached (libcni's GC sees it) and marked so
    // in cnictl's record, with what is left
    assert_eq!(sb.cache_files(), ["chain-ctr-1-net1"]);
    let cached = j["rollback"]["cached"].as_str().expect("rollback.cached");
    assert!(cached.ends_with("results/chain-ctr-1-net1"), "{cached}");
    let record: serde_json::Value = serde_json::from_slice(
        &std::fs::read(sb.cache_dir().join("cnictl/records/chain-ctr-1-net1")).unwrap(),
    )
    .unwrap();
    assert_eq!(record["state"], json!("add-failed"));
    assert_eq!(record["failed"]["left"], json!(["p2"]));
}

#[test]
fn a_child_holding_the_pipes_of_an_exited_plugin_does_not_hang_cnictl() {
    // p1 exits at once (printing nothing) but leaves a child holding its pipes for 60s
    let sb = Sandbox::new(&["p1"]);
    sb.conflist("one", "1.0.0", json!([{"type": "p1"}]));
    sb.rules(json!([{"plugin": "p1", "command": "ADD", "action": "sleep_child", "secs": 60}]));
    let (r, took) = timed(sb.cnictl().args(&["add", "one", sb.ns()]));
    let calls = sb.take_calls();
    let pgid = calls.first().map(Call::pid);
    if let Some(pgid) = pgid {
        // the pipe holder is ours to stop (cnictl only kills on timeout or interrupt)
        let _ = nix::sys::signal::killpg(
            nix::unistd::Pid::from_raw(pgid),
            nix::sys::signal::Signal::SIGKILL,
        );
    }
    let r = r.expect(1, "add");
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert_eq!(tags(&calls), ["p1 ADD", "p1 DEL"]);
    let line = the_error(&r);
    assert!(
        line.contains("plugin \"p1\" failed (ADD)")
            && line.contains("unexpected end of JSON input"),
        "{line}"
    );
}

fn interrupted_add(signal: nix::sys::signal::Signal, want_code: i32) {
    let ch = Chain::new(
        "1.0.0",
        json!([{"plugin": "p2", "command": "ADD", "action": "sleep", "secs": 60}]),
    );
    let sb = &ch.sb;
    let running = ch.cnictl("add").args(&["--arg", "A=1"]).spawn();
    let p2 = sb.wait_for_call("p2 ADD", |c| c.tag() == "p2 ADD");
    nix::sys::signal::kill(running.pid(), signal).expect("signal cnictl");
    let sent = Instant::now();
    let r = running.wait();
    assert!(
        sent.elapsed() < Duration::from_secs(10),
        "took {:?} after the signal",
        sent.elapsed()
    );
    let r = r.expect(want_code, "interrupted add");
    let calls = sb.take_calls();
    assert_rollback(&ch, &calls, 1, &ch.r1);
    assert_eq!(sb.cache_files(), Vec::<String>::new(), "no cache entry");
    let line = the_error(&r);
    assert!(
        line.contains("interrupted") && line.contains("\"p2\""),
        "{line}"
    );
    assert!(
        r.stderr.contains("rolled back: DEL p3, p2, p1"),
        "{}",
        r.stderr
    );
    let left = wait_group_gone(p2.pid(), Duration::from_secs(5));
    assert!(left.is_empty(), "the interrupted p2 survived: {left:?}");
}

#[test]
fn sigint_during_add_rolls_back_and_exits_130() {
    interrupted_add(nix::sys::signal::Signal::SIGINT, 130);
}

#[test]
fn sigterm_during_add_rolls_back_and_exits_143() {
    interrupted_add(nix::sys::signal::Signal::SIGTERM, 143);
}

/// Two commands on one container take turns (the second says it waits, and runs its plugins
/// only once the first is done); a command on another container does not wait for them.
#[test]
fn commands_on_one_container_take_turns_and_other_containers_do_not_wait() {
    let ch = Chain::new(
        "1.0.0",
        json!([{"plugin": "p2", "command": "ADD", "action": "sleep", "secs": 3}]),
    );
    let sb = &ch.sb;
    let mut running = ch.cnictl("add").spawn();
    sb.wait_for_call("p2 ADD", |c| c.tag() == "p2 ADD");

    let other = sb
        .cnictl()
        .args(&["del", NET, sb.ns(), "--container-id", "ctr-2", "-i", IFNAME])
        .run()
        .expect(0, "del of another container");
    assert!(!other.stderr.contains("waiting"), "{}", other.stderr);
    assert!(
        running.child.try_wait().expect("try_wait").is_none(),
        "the add should still be in its sleeping plugin"
    );

    let same = ch
        .cnictl("del")
        .run()
        .expect(0, "del of the same container");
    assert!(
        same.stderr.contains(&format!(
            "waiting for another cnictl (an add, check or del of container \"{ID}\""
        )),
        "{}",
        same.stderr
    );
    // p2 printed nothing: the add failed and rolled back, all before the del ran.
    running.wait().expect(1, "the add (p2 printed no result)");
    let ids: Vec<(String, String)> = sb
        .calls()
        .iter()
        .map(|c| (c.env("CNI_CONTAINERID").unwrap_or_default(), c.tag()))
        .collect();
    let ours: Vec<&str> = ids
        .iter()
        .filter(|(id, _)| id == ID)
        .map(|(_, t)| t.as_str())
        .collect();
    assert_eq!(
        ours,
        [
            "p1 ADD", "p2 ADD", "p3 DEL", "p2 DEL", "p1 DEL", // the add and its rollback
            "p3 DEL", "p2 DEL", "p1 DEL", // then the del
        ]
    );
}
