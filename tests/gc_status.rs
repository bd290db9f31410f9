//! `cnictl gc` and `cnictl status` through the binary, with the fake plugin
//! (examples/fake_plugin.rs) hard-linked under several names into a temp CNI dir. The fake
//! speaks every version up to 1.1.0 and logs every call, so the tests read exactly which
//! plugin got which command, env and stdin. No root needed: `add` gets a throwaway network
//! namespace from `unshare --net` (plus `--map-root-user` when not root), which the fake
//! plugins never touch.

mod common;

use serde_json::{json, Value};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::OnceLock;

/// The fake plugin binary of this build profile, built if this test file runs alone (a whole
/// `cargo test` builds examples anyway).
fn fake_plugin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let exe = std::env::current_exe().expect("current_exe");
        // <target>/<profile>/deps/gc_status-<hash>
        let profile_dir = exe.parent().and_then(Path::parent).expect("profile dir");
        let target_dir = profile_dir.parent().expect("target dir");
        let profile = profile_dir
            .file_name()
            .and_then(|n| n.to_str())
            .expect("profile name");
        let mut cmd = Command::new(env!("CARGO"));
        cmd.args([
            "build",
            "--quiet",
            "--example",
            "fake_plugin",
            "--target-dir",
        ])
        .arg(target_dir)
        .current_dir(env!("CARGO_MANIFEST_DIR"));
        match profile {
            "debug" => {}
            "release" => {
                cmd.arg("--release");
            }
            other => {
                cmd.args(["--profile", other]);
            }
        }
        let status = cmd.status().expect("run cargo build --example fake_plugin");
        assert!(status.success(), "cargo build --example fake_plugin failed");
        let bin = profile_dir.join("examples/fake_plugin");
        assert!(bin.is_file(), "{} was not built", bin.display());
        bin
    })
}

/// A temp dir with a CNI dir of fake plugins, a config dir, a cache dir and the fake's
/// script and call log.
struct Fake {
    dir: tempfile::TempDir,
}

impl Fake {
    fn new(plugins: &[&str]) -> Fake {
        let dir = tempfile::Builder::new()
            .prefix("cnictl-gcst-")
            .tempdir()
            .unwrap();
        for sub in ["cni", "net.d", "cache"] {
            std::fs::create_dir(dir.path().join(sub)).unwrap();
        }
        for p in plugins {
            std::fs::hard_link(fake_plugin(), dir.path().join("cni").join(p))
                .or_else(|_| {
                    std::fs::copy(fake_plugin(), dir.path().join("cni").join(p)).map(|_| ())
                })
                .unwrap();
        }
        let f = Fake { dir };
        f.rules(json!([]));
        f
    }

    fn path(&self, sub: &str) -> PathBuf {
        self.dir.path().join(sub)
    }

    /// Sets the fake's rules (the call log stays).
    fn rules(&self, rules: Value) {
        let script = json!({"log": self.path("calls.jsonl"), "rules": rules});
        std::fs::write(self.path("script.json"), script.to_string()).unwrap();
    }

    fn conf(&self, file: &str, v: Value) {
        std::fs::write(self.path("net.d").join(file), v.to_string()).unwrap();
    }

    fn cnictl(&self, args: &[&str]) -> common::Run {
        self.cnictl_stdin(args, None)
    }

    fn cnictl_stdin(&self, args: &[&str], stdin: Option<&str>) -> common::Run {
        use std::io::Write;
        let mut cmd = Command::new(common::cnictl_bin());
        cmd.env_clear()
            .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
            .env("FAKE_PLUGIN_SCRIPT", self.path("script.json"))
            .arg("--conf-dir")
            .arg(self.path("net.d"))
            .arg("--cni-path")
            .arg(self.path("cni"))
            .arg("--cache-dir")
            .arg(self.path("cache"))
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().expect("run cnictl");
        let mut input = child.stdin.take().unwrap();
        if let Some(s) = stdin {
            input.write_all(s.as_bytes()).unwrap();
        }
        drop(input);
        common::Run::from(child.wait_with_output().unwrap())
    }

    /// Every logged call but VERSION probes: (plugin, command, record).
    fn calls(&self) -> Vec<(String, String, Value)> {
        let text = std::fs::read_to_string(self.path("calls.jsonl")).unwrap_or_default();
        text.lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap())
            .filter(|v| v["command"] != "VERSION")
            .map(|v| {
                (
                    v["plugin"].as_str().unwrap().to_string(),
                    v["command"].as_str().unwrap().to_string(),
                    v,
                )
            })
            .collect()
    }

    /// `COMMAND plugin` of every logged call but VERSION probes.
    fn log(&self) -> Vec<String> {
        self.calls()
            .iter()
            .map(|(p, c, _)| format!("{c} {p}"))
            .collect()
    }

    fn cache_files(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(self.path("cache/results"))
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    }
}

/// A throwaway network namespace held by a `sleep` started with `unshare --net`; killed (by
/// PID) on drop. Plugins here are fakes: nothing is ever configured in it.
struct Sandbox {
    child: Option<Child>,
    path: String,
}

impl Sandbox {
    fn new() -> Sandbox {
        let mut cmd = Command::new("unshare");
        if !nix::unistd::geteuid().is_root() {
            cmd.arg("--map-root-user");
        }
        let child = cmd
            .args(["--net", "sleep", "600"])
            .spawn()
            .expect("unshare (util-linux) is needed to make a throwaway network namespace");
        let path = format!("/proc/{}/ns/net", child.id());
        let mut sb = Sandbox {
            child: Some(child),
            path,
        };
        let own = std::fs::metadata("/proc/self/ns/net").unwrap().ino();
        for _ in 0..500 {
            if std::fs::metadata(&sb.path).is_ok_and(|m| m.ino() != own) {
                return sb;
            }
            if let Some(Ok(Some(st))) = sb.child.as_mut().map(|c| c.try_wait()) {
                panic!("unshare --net exited ({st}): cannot make a network namespace here");
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        sb.kill();
        panic!("unshare --net did not enter a new network namespace within 5 s");
    }

    /// Ends the namespace: the process holding it is killed and reaped.
    fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.kill();
    }
}

fn net(version: &str, extra: Value) -> Value {
    let mut v = json!({"cniVersion": version, "name": "gcnet",
        "plugins": [{"type": "p1", "capabilities": {"mac": true}}, {"type": "p2"}]});
    if let (Value::Object(m), Value::Object(e)) = (&mut v, extra) {
        m.extend(e);
    }
    v
}

#[test]
fn gc_call_order_is_add_gc_del_gc_with_the_exact_gc_stdin() {
    // Digest case 60.
    let f = Fake::new(&["p1", "p2"]);
    f.conf("10-gc.conflist", net("1.1.0", json!({})));
    let ns = Sandbox::new();
    f.cnictl(&[
        "add",
        "gcnet",
        &ns.path,
        "--container-id",
        "c1",
        "--cap",
        "mac=\"c2:11:22:33:44:55\"",
    ])
    .expect(0, "add");

    let r = f
        .cnictl(&["gc", "gcnet", "--valid", "c1:eth0"])
        .expect(0, "gc with c1 valid");
    assert_eq!(r.stdout, "", "nothing removed, no table");
    assert!(
        r.stderr
            .contains("GC sent to p1, p2 with 1 valid attachment"),
        "{}",
        r.stderr
    );
    let calls = f.calls();
    let (_, _, gc) = &calls[2];
    let valid = json!([{"containerID": "c1", "ifname": "eth0"}]);
    assert_eq!(
        gc["stdin"],
        json!({"type": "p1", "capabilities": {"mac": true}, "name": "gcnet", "cniVersion": "1.1.0",
               "cni.dev/valid-attachments": valid, "cni.dev/attachments": valid})
    );
    assert_eq!(gc["env"]["CNI_COMMAND"], "GC");
    for var in ["CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME", "CNI_ARGS"] {
        assert_eq!(gc["env"][var], "", "{var}");
    }
    assert_eq!(gc["env"]["CNI_PATH"], f.path("cni").to_str().unwrap());

    std::fs::write(f.path("valid.json"), "[]").unwrap();
    let valid_from = f.path("valid.json");
    let r = f
        .cnictl(&["gc", "gcnet", "--valid-from", valid_from.to_str().unwrap()])
        .expect(0, "gc with nothing valid");
    assert!(
        r.stdout.contains("c1") && r.stdout.contains("removed"),
        "{}",
        r.stdout
    );
    assert_eq!(
        f.log(),
        vec!["ADD p1", "ADD p2", "GC p1", "GC p2", "DEL p2", "DEL p1", "GC p1", "GC p2"]
    );
    let calls = f.calls();
    // The DEL had the cached runtime args: container ID, netns, and the capability args.
    let (_, _, del_p1) = &calls[5];
    assert_eq!(del_p1["env"]["CNI_CONTAINERID"], "c1");
    assert_eq!(del_p1["env"]["CNI_NETNS"], ns.path.as_str());
    assert_eq!(
        del_p1["stdin"]["runtimeConfig"],
        json!({"mac": "c2:11:22:33:44:55"})
    );
    let (_, _, last_gc) = &calls[7];
    assert_eq!(last_gc["stdin"]["cni.dev/valid-attachments"], json!([]));
    assert_eq!(last_gc["stdin"]["cni.dev/attachments"], json!([]));
    assert!(f.cache_files().is_empty(), "{:?}", f.cache_files());
}

#[test]
fn disable_gc_calls_no_plugin_and_keeps_the_cache() {
    let f = Fake::new(&["p1", "p2"]);
    f.conf("10-gc.conflist", net("1.1.0", json!({"disableGC": true})));
    let ns = Sandbox::new();
    f.cnictl(&["add", "gcnet", &ns.path, "--container-id", "c1"])
        .expect(0, "add");
    let r = f
        .cnictl(&["gc", "gcnet", "--all", "--yes", "--gc-verb"])
        .expect(0, "gc of a disableGC network");
    assert!(r.stderr.contains("sets disableGC"), "{}", r.stderr);
    assert_eq!(f.log(), vec!["ADD p1", "ADD p2"]);
    assert_eq!(f.cache_files(), vec!["gcnet-c1-eth0"]);
}

#[test]
fn a_1_0_0_network_gets_the_stale_dels_but_no_gc_verb() {
    let f = Fake::new(&["p1", "p2"]);
    f.conf("10-gc.conflist", net("1.0.0", json!({})));
    let ns = Sandbox::new();
    for (id, ifname) in [("c1", "eth0"), ("c2", "eth1")] {
        f.cnictl(&["add", "gcnet", &ns.path, "--container-id", id, "-i", ifname])
            .expect(0, "add");
    }
    let r = f
        .cnictl(&["gc", "gcnet", "--valid", "c2:eth1", "-o", "json"])
        .expect(0, "gc");
    let out = r.json();
    let n = &out["networks"][0];
    assert_eq!(n["attachments"][0]["containerId"], "c1");
    assert_eq!(n["attachments"][0]["action"], "removed");
    assert_eq!(n["kept"][0]["containerId"], "c2");
    assert_eq!(n["kept"][0]["reason"], "valid");
    assert_eq!(n["gcVerb"]["send"], false);
    assert!(
        n["gcVerb"]["reason"].as_str().unwrap().contains("1.0.0"),
        "{}",
        n["gcVerb"]
    );
    assert_eq!(
        f.log(),
        vec!["ADD p1", "ADD p2", "ADD p1", "ADD p2", "DEL p2", "DEL p1"]
    );
    let (_, _, del) = &f.calls()[4];
    assert_eq!(del["env"]["CNI_CONTAINERID"], "c1");
    assert_eq!(del["env"]["CNI_IFNAME"], "eth0");
    assert_eq!(f.cache_files(), vec!["gcnet-c2-eth1"]);
}

#[test]
fn gc_without_a_valid_set_refuses_and_changes_nothing() {
    let f = Fake::new(&["p1", "p2"]);
    f.conf("10-gc.conflist", net("1.1.0", json!({})));
    let ns = Sandbox::new();
    f.cnictl(&["add", "gcnet", &ns.path, "--container-id", "c1"])
        .expect(0, "add");
    let r = f
        .cnictl(&["gc", "gcnet"])
        .expect(2, "gc without a valid set");
    assert!(
        r.stderr.contains("will not guess") && r.stderr.contains("nothing was changed"),
        "{}",
        r.stderr
    );
    f.cnictl(&["gc", "gcnet", "--all"])
        .expect(2, "--all without --yes");
    // An empty --valid-from (a failed pipe upstream) is not "nothing is valid".
    let r = f
        .cnictl_stdin(&["gc", "gcnet", "--valid-from", "-"], Some(""))
        .expect(2, "empty --valid-from");
    assert!(r.stderr.contains("--valid-from (stdin)"), "{}", r.stderr);
    let r = f
        .cnictl_stdin(&["gc", "gcnet", "--valid-from", "-"], Some("c1 eth0\nc2\n"))
        .expect(2, "bad line");
    assert!(r.stderr.contains("line 2"), "{}", r.stderr);
    f.cnictl(&["gc", "gcnet", "--valid", "c1/eth0"])
        .expect(2, "bad --valid");
    f.cnictl(&["gc", "gcnet", "--live", "--all", "--yes"])
        .expect(2, "conflicting valid sets");
    assert_eq!(f.log(), vec!["ADD p1", "ADD p2"], "no plugin ran");
    assert_eq!(f.cache_files(), vec!["gcnet-c1-eth0"]);
    // Lines on stdin that list it: nothing stale, and GC is sent.
    f.cnictl_stdin(
        &["gc", "gcnet", "--valid-from", "-"],
        Some("# valid\nc1 eth0\n"),
    )
    .expect(0, "valid from stdin lines");
    assert_eq!(f.log()[2..], ["GC p1", "GC p2"]);
    assert_eq!(f.cache_files(), vec!["gcnet-c1-eth0"]);
}

#[test]
fn gc_live_deletes_only_attachments_whose_netns_is_gone() {
    let f = Fake::new(&["p1", "p2"]);
    f.conf("10-gc.conflist", net("1.1.0", json!({})));
    let alive = Sandbox::new();
    let mut dead = Sandbox::new();
    f.cnictl(&["add", "gcnet", &alive.path, "--container-id", "alive"])
        .expect(0, "add alive");
    f.cnictl(&["add", "gcnet", &dead.path, "--container-id", "dead"])
        .expect(0, "add dead");
    dead.kill();

    // The plan: the dead one, its netns gone and its cached IP; nothing runs.
    let plan = f
        .cnictl(&["gc", "gcnet", "--live", "--dry-run", "-o", "json"])
        .expect(0, "dry run");
    let plan = plan.json();
    assert_eq!(plan["dryRun"], true);
    let stale = &plan["networks"][0]["attachments"];
    assert_eq!(stale.as_array().unwrap().len(), 1, "{plan}");
    assert_eq!(stale[0]["containerId"], "dead");
    assert_eq!(stale[0]["netns"], dead.path.as_str());
    assert_eq!(stale[0]["netnsState"], "gone");
    assert_eq!(stale[0]["ips"], json!(["10.99.0.2/24"]));
    assert_eq!(stale[0]["action"], "would-remove");
    assert_eq!(plan["networks"][0]["kept"][0]["reason"], "live");
    assert_eq!(f.log().len(), 4, "the dry run called no plugin");
    assert_eq!(f.cache_files().len(), 2);

    let r = f.cnictl(&["gc", "gcnet", "--live"]).expect(0, "gc --live");
    assert!(r.stderr.contains("GC verb not sent"), "{}", r.stderr);
    let line = r
        .stdout
        .lines()
        .find(|l| l.contains("dead"))
        .unwrap_or_else(|| panic!("no row for dead:\n{}", r.stdout));
    assert!(line.contains("gone") && line.contains("removed"), "{line}");
    assert!(!r.stdout.contains("alive"), "{}", r.stdout);
    let dels: Vec<String> = f
        .calls()
        .iter()
        .filter(|(_, c, _)| c == "DEL")
        .map(|(_, _, v)| v["env"]["CNI_CONTAINERID"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(dels, vec!["dead", "dead"]);
    assert_eq!(f.cache_files(), vec!["gcnet-alive-eth0"]);

    // --gc-verb: the live attachments are the valid list.
    f.cnictl(&["gc", "gcnet", "--live", "--gc-verb"])
        .expect(0, "gc --live --gc-verb");
    let calls = f.calls();
    let (p, c, gc) = calls.last().unwrap();
    assert_eq!((p.as_str(), c.as_str()), ("p2", "GC"));
    assert_eq!(
        gc["stdin"]["cni.dev/valid-attachments"],
        json!([{"containerID": "alive", "ifname": "eth0"}])
    );
}

#[test]
fn gc_of_a_network_gone_from_the_config_dir_uses_the_cached_config() {
    let f = Fake::new(&["p1", "p2"]);
    f.conf("10-gc.conflist", net("1.1.0", json!({})));
    let ns = Sandbox::new();
    f.cnictl(&["add", "gcnet", &ns.path, "--container-id", "c1"])
        .expect(0, "add");
    std::fs::remove_file(f.path("net.d/10-gc.conflist")).unwrap();
    f.conf(
        "20-other.conflist",
        json!({"cniVersion": "1.1.0", "name": "other", "plugins": [{"type": "p1"}]}),
    );
    let r = f
        .cnictl(&["gc", "gcnet", "--all", "--yes"])
        .expect(0, "gc of a removed network");
    assert!(r.stderr.contains("config cached at ADD"), "{}", r.stderr);
    assert!(
        r.stderr.contains("no longer in the config dir"),
        "{}",
        r.stderr
    );
    assert_eq!(f.log()[2..], ["DEL p2", "DEL p1"]);
    let (_, _, del) = &f.calls()[2];
    assert_eq!(del["stdin"]["name"], "gcnet");
    assert!(f.cache_files().is_empty());
    // A network neither configured nor cached is an error, not a silent success.
    let r = f
        .cnictl(&["gc", "nosuch", "--all", "--yes"])
        .expect(2, "unknown network");
    assert!(r.stderr.contains("\"nosuch\""), "{}", r.stderr);
}

#[test]
fn gc_failures_are_reported_and_the_rest_still_runs() {
    let f = Fake::new(&["p1", "p2"]);
    f.conf("10-gc.conflist", net("1.1.0", json!({})));
    let ns = Sandbox::new();
    f.cnictl(&["add", "gcnet", &ns.path, "--container-id", "c1"])
        .expect(0, "add");
    f.rules(json!([
        {"plugin": "p2", "command": "DEL", "action": "error", "code": 11, "msg": "busy", "stderr": "del trace"},
        {"plugin": "p1", "command": "GC", "action": "error", "code": 7, "msg": "gc broke"}
    ]));
    let r = f
        .cnictl(&["gc", "gcnet", "--valid", "other:eth0", "-o", "json"])
        .expect(1, "partial gc");
    let out = r.json();
    assert_eq!(out["failed"], true);
    let a = &out["networks"][0]["attachments"][0];
    assert_eq!(a["action"], "failed");
    assert_eq!(a["error"]["errors"][0]["plugin"], "p2");
    assert_eq!(a["error"]["errors"][0]["code"], 11);
    assert_eq!(a["error"]["errors"][0]["stderr"], "del trace");
    let gc = &out["networks"][0]["gcVerb"]["plugins"];
    assert_eq!(gc[0]["result"], "failed");
    assert_eq!(gc[0]["error"]["code"], 7);
    assert_eq!(gc[1]["result"], "ok");
    assert!(r.stderr.contains("del trace"), "{}", r.stderr);
    assert_eq!(f.log()[2..], ["DEL p2", "DEL p1", "GC p1", "GC p2"]);
    assert_eq!(f.cache_files(), vec!["gcnet-c1-eth0"], "kept for a retry");
}

fn status_conf(f: &Fake) {
    f.conf(
        "10-st.conflist",
        json!({"cniVersion": "1.1.0", "name": "stnet",
            "plugins": [{"type": "p1", "ipam": {"type": "ipx"}}, {"type": "p2"}, {"type": "p3"}]}),
    );
}

#[test]
fn status_stops_at_the_first_failing_plugin_and_shows_its_code() {
    let f = Fake::new(&["p1", "p2", "p3", "ipx"]);
    status_conf(&f);
    f.rules(
        json!([{"plugin": "p2", "command": "STATUS", "action": "error", "code": 51,
        "msg": "datapath degraded", "details": "2 of 3 uplinks down"}]),
    );
    let r = f
        .cnictl(&["status", "stnet", "-o", "wide"])
        .expect(1, "status");
    assert_eq!(f.log(), vec!["STATUS p1", "STATUS p2"]);
    let row = r
        .stdout
        .lines()
        .find(|l| l.split_whitespace().nth(3) == Some("p2"))
        .unwrap_or_else(|| panic!("no p2 row:\n{}", r.stdout));
    assert!(
        row.contains("not-ready")
            && row.contains("code 51")
            && row.contains("datapath degraded; 2 of 3 uplinks down"),
        "{row}"
    );
    assert!(
        r.stdout.contains("an earlier plugin is not ready"),
        "{}",
        r.stdout
    );
    assert!(
        r.stderr.contains("network \"stnet\" is not ready"),
        "{}",
        r.stderr
    );
    let j = f
        .cnictl(&["status", "stnet", "-o", "json"])
        .expect(1, "status json")
        .json();
    let n = &j["networks"][0];
    assert_eq!(n["state"], "not-ready");
    let plugins = n["plugins"].as_array().unwrap();
    let summary: Vec<(&str, &str)> = plugins
        .iter()
        .map(|p| (p["type"].as_str().unwrap(), p["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("p1", "ready"),
            ("ipx", "not-called"),
            ("p2", "not-ready"),
            ("p3", "not-called")
        ]
    );
    assert_eq!(plugins[1]["ipamOf"], "p1");
    assert_eq!(plugins[2]["error"]["code"], 51);
    assert_eq!(plugins[2]["error"]["details"], "2 of 3 uplinks down");
    // The STATUS stdin: the plugin object with name and cniVersion, env with CNI_PATH only.
    let (_, _, st) = &f.calls()[1];
    assert_eq!(
        st["stdin"],
        json!({"type": "p2", "name": "stnet", "cniVersion": "1.1.0"})
    );
    assert_eq!(st["env"]["CNI_CONTAINERID"], "");
    assert_eq!(st["env"]["CNI_PATH"], f.path("cni").to_str().unwrap());
}

#[test]
fn status_reports_a_plugin_without_1_1_0_as_such_and_strict_counts_it() {
    let f = Fake::new(&["p1", "p2", "p3", "ipx"]);
    status_conf(&f);
    f.conf(
        "20-old.conflist",
        json!({"cniVersion": "1.0.0", "name": "oldnet", "plugins": [{"type": "p1"}]}),
    );
    f.rules(
        json!([{"plugin": "p2", "command": "VERSION", "action": "version",
        "supported": ["0.3.1", "0.4.0", "1.0.0"]}]),
    );
    // Every network of the config dir by default.
    let r = f.cnictl(&["status", "-o", "wide"]).expect(0, "status");
    assert_eq!(
        f.log(),
        vec!["STATUS p1", "STATUS p3"],
        "p2 and oldnet not asked"
    );
    let row = |name: &str, plugin: &str| {
        r.stdout
            .lines()
            .find(|l| {
                let w: Vec<&str> = l.split_whitespace().collect();
                w.first() == Some(&name) && w.get(3) == Some(&plugin)
            })
            .unwrap_or_else(|| panic!("no {name}/{plugin} row:\n{}", r.stdout))
            .to_string()
    };
    let p2 = row("stnet", "p2");
    assert!(
        p2.contains("cannot-report")
            && p2.contains("0.3.1-1.0.0")
            && p2.contains("not called: supports up to 1.0.0"),
        "{p2}"
    );
    assert!(
        !p2.contains("not-ready") && !p2.contains("not ready"),
        "{p2}"
    );
    assert!(row("stnet", "p3").contains("ready"));
    let old = row("oldnet", "p1");
    assert!(
        old.contains("cannot-report") && old.contains("STATUS not supported by cniVersion 1.0.0"),
        "{old}"
    );
    assert!(
        r.stderr.contains(
            "network \"stnet\" cannot report readiness: plugin \"p2\" supports up to 1.0.0"
        ),
        "{}",
        r.stderr
    );
    f.cnictl(&["status", "--strict"])
        .expect(1, "status --strict");
    f.cnictl(&["status", "oldnet", "--strict"])
        .expect(1, "an old network with --strict");
    f.cnictl(&["status", "nosuch"]).expect(2, "unknown network");
}

#[test]
fn status_of_a_missing_plugin_is_not_ready() {
    let f = Fake::new(&["p1", "p2", "p3"]);
    status_conf(&f);
    let j = f
        .cnictl(&["status", "-o", "json"])
        .expect(1, "status with ipx missing")
        .json();
    let n = &j["networks"][0];
    assert_eq!(n["state"], "not-ready");
    assert!(
        n["reason"]
            .as_str()
            .unwrap()
            .contains("\"ipx\" is not on the CNI path"),
        "{n}"
    );
    assert!(f.log().is_empty(), "no STATUS call: {:?}", f.log());
}

#[test]
fn status_counts_a_config_file_that_cannot_be_loaded_as_not_ready() {
    let f = Fake::new(&["p1", "p2", "p3", "ipx"]);
    status_conf(&f);
    // containerd reads the first file and fails the whole load on it: the node is NotReady
    std::fs::write(
        f.path("net.d").join("00-broken.conflist"),
        "{\"cniVersion\": \"1.1.0\",\n",
    )
    .unwrap();
    let r = f.cnictl(&["status"]).expect(1, "status with a broken file");
    assert!(
        r.stderr.contains("00-broken.conflist cannot be loaded"),
        "{}",
        r.stderr
    );
    let j = f
        .cnictl(&["status", "-o", "json"])
        .expect(1, "status -o json")
        .json();
    assert_eq!(j["ok"], false);
    assert!(
        j["invalid"][0]["file"]
            .as_str()
            .unwrap()
            .ends_with("00-broken.conflist"),
        "{j}"
    );
    assert_eq!(
        j["networks"][0]["state"], "ready",
        "the good network is still reported"
    );
}

#[test]
fn gc_waits_for_the_shared_lock_that_add_del_and_check_hold() {
    let f = Fake::new(&["p1", "p2"]);
    f.conf("10-gc.conflist", net("1.1.0", json!({})));
    let ns = Sandbox::new();
    f.cnictl(&["add", "gcnet", &ns.path, "--container-id", "c1"])
        .expect(0, "add");
    // Hold the shared side of the cache-wide lock, as a running add/del/check does.
    let lock_path = f.path("cache/cnictl/lock");
    let file = std::fs::File::open(&lock_path)
        .unwrap_or_else(|e| panic!("{} should exist after add: {e}", lock_path.display()));
    // Byte 0 shared, as cnictl takes it (an open file description lock).
    // SAFETY: flock is plain data; fcntl reads it.
    let mut range: libc::flock = unsafe { std::mem::zeroed() };
    range.l_type = libc::F_RDLCK as libc::c_short;
    range.l_whence = libc::SEEK_SET as libc::c_short;
    range.l_start = 0;
    range.l_len = 1;
    let r = unsafe {
        libc::fcntl(
            std::os::fd::AsRawFd::as_raw_fd(&file),
            libc::F_OFD_SETLK,
            &range,
        )
    };
    assert_eq!(r, 0, "F_OFD_SETLK: {}", std::io::Error::last_os_error());
    let held = file;
    let mut gc = Command::new(common::cnictl_bin())
        .env_clear()
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .env("FAKE_PLUGIN_SCRIPT", f.path("script.json"))
        .arg("--conf-dir")
        .arg(f.path("net.d"))
        .arg("--cni-path")
        .arg(f.path("cni"))
        .arg("--cache-dir")
        .arg(f.path("cache"))
        .args(["gc", "gcnet", "--all", "--yes"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn gc");
    std::thread::sleep(std::time::Duration::from_millis(700));
    let early = gc.try_wait().expect("try_wait");
    assert!(early.is_none(), "gc did not wait for the lock: {early:?}");
    assert_eq!(
        f.log(),
        vec!["ADD p1", "ADD p2"],
        "gc ran a plugin while the lock was held"
    );
    drop(held);
    let out = common::Run::from(gc.wait_with_output().unwrap())
        .expect(0, "gc after the lock is released");
    assert!(
        out.stderr.contains("waiting for other cnictl processes"),
        "{}",
        out.stderr
    );
    assert_eq!(f.log()[2..], ["DEL p2", "DEL p1"]);
}
