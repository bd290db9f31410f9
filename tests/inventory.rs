//! CLI tests of `cnictl ls`, `cnictl plugins` and `cnictl attachments`, with the fake plugin
//! (examples/fake_plugin.rs) hard-linked under several names into a temp CNI dir. No root:
//! every directory is a temp dir and only VERSION is ever run.

mod common;

use common::{cnictl_bin, Run};
use serde_json::{json, Value};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The fake plugin binary, built by `cargo test` with the other examples.
fn fake_plugin() -> PathBuf {
    // target/<profile>/deps/inventory-<hash> → target/<profile>/examples/fake_plugin
    let me = std::env::current_exe().expect("current exe");
    let p = me
        .parent()
        .and_then(Path::parent)
        .expect("target dir")
        .join("examples/fake_plugin");
    assert!(
        p.is_file(),
        "{} is missing: plain `cargo test` builds it; otherwise run `cargo build --example fake_plugin`",
        p.display()
    );
    p
}

/// A temp config dir, CNI dir (fake plugins), cache dir and fake-plugin script.
struct Setup {
    dir: tempfile::TempDir,
}

impl Setup {
    fn new() -> Setup {
        let dir = tempfile::tempdir().unwrap();
        for d in ["net.d", "bin", "bin2", "cache"] {
            fs::create_dir(dir.path().join(d)).unwrap();
        }
        let s = Setup { dir };
        s.script(json!([]));
        s
    }
    fn conf_dir(&self) -> PathBuf {
        self.dir.path().join("net.d")
    }
    fn bin(&self) -> PathBuf {
        self.dir.path().join("bin")
    }
    fn cache(&self) -> PathBuf {
        self.dir.path().join("cache")
    }
    fn log(&self) -> PathBuf {
        self.dir.path().join("calls.jsonl")
    }
    /// Hard-links the fake plugin under each name into `dir` (no ETXTBSY: nothing writes it).
    fn plugins_in(&self, dir: &Path, names: &[&str]) {
        let fake = fake_plugin();
        for n in names {
            fs::hard_link(&fake, dir.join(n)).unwrap();
        }
    }
    fn plugins(&self, names: &[&str]) {
        self.plugins_in(&self.bin(), names);
    }
    fn script(&self, rules: Value) {
        let script = json!({"log": self.log(), "rules": rules});
        fs::write(self.dir.path().join("script.json"), script.to_string()).unwrap();
    }
    fn conf(&self, file: &str, text: &str) {
        fs::write(self.conf_dir().join(file), text).unwrap();
    }
    fn cnictl_path(&self, cni_path: &str, args: &[&str]) -> Run {
        let o = Command::new(cnictl_bin())
            .env_clear()
            .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
            .env("FAKE_PLUGIN_SCRIPT", self.dir.path().join("script.json"))
            .arg("--conf-dir")
            .arg(self.conf_dir())
            .args(["--cni-path", cni_path])
            .arg("--cache-dir")
            .arg(self.cache())
            .args(args)
            .output()
            .expect("run cnictl");
        Run::from(o)
    }
    fn cnictl(&self, args: &[&str]) -> Run {
        self.cnictl_path(&self.bin().to_string_lossy(), args)
    }
    /// (plugin, command) of every logged call.
    fn calls(&self) -> Vec<(String, String)> {
        let Ok(text) = fs::read_to_string(self.log()) else {
            return Vec::new();
        };
        text.lines()
            .map(|l| {
                let v: Value = serde_json::from_str(l).unwrap();
                (
                    v["plugin"].as_str().unwrap().to_string(),
                    v["command"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }
}

fn conflist(name: &str, version: &str, plugins: Value) -> String {
    json!({"cniVersion": version, "name": name, "plugins": plugins}).to_string()
}

/// The row of a piped table whose first column is `first` (and second is `second`, if given).
fn row<'a>(table: &'a str, first: &str, second: Option<&str>) -> &'a str {
    table
        .lines()
        .find(|l| {
            let mut cols = l.split_whitespace();
            cols.next() == Some(first) && second.is_none_or(|s| cols.next() == Some(s))
        })
        .unwrap_or_else(|| panic!("no row {first} {second:?} in:\n{table}"))
}

fn assert_no_borders(out: &str) {
    for c in ['│', '─', '┌', '└', '╭', '|'] {
        assert!(!out.contains(c), "piped table has border {c:?}:\n{out}");
    }
}

/// A directory with every status: ok, version unsupported, plugin missing, invalid, shadowed.
fn status_dir(s: &Setup) {
    s.plugins(&["bridge", "host-local", "portmap", "oldp"]);
    s.script(json!([
        {"plugin": "oldp", "command": "VERSION", "action": "version", "supported": ["0.3.1", "0.4.0"]}
    ]));
    s.conf(
        "10-good.conflist",
        &conflist(
            "good",
            "1.0.0",
            json!([{"type": "bridge", "ipam": {"type": "host-local"}}, {"type": "portmap"}]),
        ),
    );
    s.conf(
        "20-old.conflist",
        &conflist(
            "old",
            "1.0.0",
            json!([{"type": "oldp"}, {"type": "portmap"}]),
        ),
    );
    s.conf(
        "30-missing.conflist",
        &conflist("missing", "1.0.0", json!([{"type": "nothere"}])),
    );
    s.conf("40-broken.conf", "{\"name\": \"broken\", ");
    s.conf(
        "50-good.conf",
        &json!({"cniVersion": "1.0.0", "name": "good", "type": "bridge"}).to_string(),
    );
}

#[test]
fn ls_table_piped_shows_every_status_and_probes_each_binary_once() {
    let s = Setup::new();
    status_dir(&s);
    let r = s.cnictl(&["ls", "-o", "wide"]).expect(0, "ls");
    assert_no_borders(&r.stdout);
    let header = r.stdout.lines().next().unwrap();
    assert_eq!(
        header.split_whitespace().collect::<Vec<_>>(),
        ["FILE", "NETWORK", "CNIVERSION", "CHAIN", "STATUS"]
    );
    let good = row(&r.stdout, "10-good.conflist", None);
    assert!(good.contains("bridge(host-local) → portmap"), "{good}");
    assert!(good.trim_end().ends_with(" ok"), "{good}");
    let old = row(&r.stdout, "20-old.conflist", None);
    assert!(
        old.contains("version unsupported: oldp lacks 1.0.0 (has 0.3.1, 0.4.0)"),
        "{old}"
    );
    assert!(
        row(&r.stdout, "30-missing.conflist", None).contains("plugin missing: nothere"),
        "{}",
        r.stdout
    );
    let broken = row(&r.stdout, "40-broken.conf", None);
    assert!(broken.contains("invalid: line 1 column "), "{broken}");
    assert!(
        row(&r.stdout, "50-good.conf", None).contains("shadowed by 10-good.conflist"),
        "{}",
        r.stdout
    );
    // Runtimes: containerd takes the first file by name; so does CRI-O here.
    let containerd = row(&r.stdout, "containerd", None);
    assert!(containerd.contains("good") && containerd.contains("10-good.conflist"));
    let crio = row(&r.stdout, "CRI-O", None);
    assert!(crio.contains("10-good.conflist"), "{crio}");
    let lookup = row(&r.stdout, "libcni/cnitool", Some("good"));
    assert!(lookup.contains("10-good.conflist"), "{lookup}");

    // bridge serves two networks and portmap two: still one VERSION call per binary.
    let mut calls = s.calls();
    calls.sort();
    let want: Vec<(String, String)> = ["bridge", "host-local", "oldp", "portmap"]
        .iter()
        .map(|p| (p.to_string(), "VERSION".to_string()))
        .collect();
    assert_eq!(calls, want);
}

#[test]
fn ls_json_documents_statuses_and_runtimes() {
    let s = Setup::new();
    status_dir(&s);
    let r = s.cnictl(&["ls", "-o", "json"]).expect(0, "ls -o json");
    let v = r.json();
    assert_eq!(v["probed"], json!(true));
    let statuses: Vec<(&str, &str)> = v["networks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                Path::new(n["file"].as_str().unwrap())
                    .file_name()
                    .unwrap()
                    .to_str()
                    .unwrap(),
                n["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        statuses,
        [
            ("10-good.conflist", "ok"),
            ("20-old.conflist", "version-unsupported"),
            ("30-missing.conflist", "plugin-missing"),
            ("40-broken.conf", "invalid"),
            ("50-good.conf", "shadowed"),
        ]
    );
    let old = &v["networks"][1];
    assert_eq!(old["cniVersion"], "1.0.0");
    assert_eq!(old["problems"][0]["plugin"], "oldp");
    assert_eq!(
        old["problems"][0]["supportedVersions"],
        json!(["0.3.1", "0.4.0"])
    );
    let good = &v["networks"][0];
    assert_eq!(
        good["chain"],
        json!([{"type": "bridge", "ipam": "host-local"}, {"type": "portmap", "ipam": null}])
    );
    assert_eq!(
        good["plugins"][0]["path"],
        json!(s.bin().join("bridge").to_string_lossy())
    );
    let shadowed = &v["networks"][4]["problems"][0];
    assert_eq!(
        shadowed["by"],
        json!(s.conf_dir().join("10-good.conflist").to_string_lossy())
    );
    let rt = &v["runtimes"];
    assert_eq!(rt["containerd"]["outcome"], "loaded");
    assert_eq!(rt["containerd"]["default"]["network"], "good");
    assert_eq!(rt["containerd"]["error"], Value::Null);
    assert_eq!(rt["crio"]["error"], Value::Null);
    assert_eq!(rt["crio"]["default"]["network"], "good");
    assert_eq!(rt["crio"]["versionsChecked"], json!(true));
    // CRI-O's verdicts in its own order (every file sorted by name).
    let verdicts: Vec<&str> = rt["crio"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["verdict"].as_str().unwrap())
        .collect();
    assert_eq!(
        verdicts,
        ["loaded", "skipped", "skipped", "skipped", "duplicate"]
    );
    assert_eq!(rt["libcni"]["lookups"][0]["network"], "good");
}

#[test]
fn ls_where_containerd_and_crio_disagree() {
    let s = Setup::new();
    s.plugins(&["bridge", "ptp"]);
    s.conf(
        "05-needs-calico.conflist",
        &conflist("calico-net", "1.0.0", json!([{"type": "calico"}])),
    );
    s.conf(
        "10-bridge.conflist",
        &conflist("bridgenet", "1.0.0", json!([{"type": "bridge"}])),
    );
    s.conf(
        "20-ptp.conflist",
        &conflist("ptpnet", "1.0.0", json!([{"type": "ptp"}])),
    );
    let v = s.cnictl(&["ls", "-o", "json"]).expect(0, "ls").json();
    let rt = &v["runtimes"];
    assert_eq!(rt["containerd"]["default"]["network"], "calico-net");
    assert_eq!(
        rt["containerd"]["networks"][0]["unchecked"],
        json!(["plugin \"calico\" is not on the CNI path"])
    );
    assert_eq!(rt["crio"]["default"]["network"], "bridgenet");
    assert_eq!(rt["crio"]["files"][0]["stage"], "validate");

    let piped = s.cnictl(&["ls", "-o", "wide"]).expect(0, "ls");
    let crio = row(&piped.stdout, "CRI-O", None);
    assert!(
        crio.contains("skipped: 05-needs-calico.conflist (libcni's ValidateNetworkList: [failed to find plugin \"calico\""),
        "{crio}"
    );

    // CRI-O with a configured default; containerd loading two files.
    let v = s
        .cnictl(&[
            "ls",
            "-o",
            "json",
            "--default-network",
            "ptpnet",
            "--max-conf-num",
            "2",
        ])
        .expect(0, "ls")
        .json();
    let rt = &v["runtimes"];
    assert_eq!(rt["crio"]["default"]["network"], "ptpnet");
    assert_eq!(rt["crio"]["default"]["configured"], json!(true));
    let ifs: Vec<(&str, &str)> = rt["containerd"]["networks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["network"].as_str().unwrap(),
                n["ifname"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(ifs, [("calico-net", "eth0"), ("bridgenet", "eth1")]);

    // A broken first file: containerd fails the whole load, CRI-O goes on.
    s.conf("01-broken.conflist", "[]");
    let v = s.cnictl(&["ls", "-o", "json"]).expect(0, "ls").json();
    let rt = &v["runtimes"];
    assert_eq!(rt["containerd"]["outcome"], "load-failed");
    assert_eq!(rt["containerd"]["default"], Value::Null);
    assert_eq!(rt["containerd"]["networks"], json!([]));
    assert_eq!(
        rt["containerd"]["file"],
        json!(s.conf_dir().join("01-broken.conflist").to_string_lossy())
    );
    let err = rt["containerd"]["error"].as_str().unwrap();
    assert!(
        err.starts_with("cni config load failed: failed to load CNI config list file ")
            && err.contains("01-broken.conflist"),
        "{err}"
    );
    assert_eq!(rt["crio"]["default"]["network"], "bridgenet");
    let piped = s.cnictl(&["ls", "-o", "wide"]).expect(0, "ls");
    assert!(
        row(&piped.stdout, "containerd", None)
            .contains("node NotReady (cni plugin not initialized)"),
        "{}",
        piped.stdout
    );
}

#[test]
fn ls_no_probe_runs_nothing() {
    let s = Setup::new();
    status_dir(&s);
    let v = s
        .cnictl(&["ls", "--no-probe", "-o", "json"])
        .expect(0, "ls --no-probe")
        .json();
    assert!(s.calls().is_empty(), "plugins ran: {:?}", s.calls());
    assert_eq!(v["probed"], json!(false));
    assert_eq!(v["networks"][1]["status"], "ok", "versions are not known");
    assert_eq!(v["networks"][2]["status"], "plugin-missing");
    assert_eq!(v["runtimes"]["crio"]["versionsChecked"], json!(false));
    let piped = s
        .cnictl(&["ls", "--no-probe", "-o", "wide"])
        .expect(0, "ls");
    assert!(
        row(&piped.stdout, "CRI-O", None).contains("(plugin versions not probed)"),
        "{}",
        piped.stdout
    );
}

#[test]
fn ls_empty_and_unusable_dirs() {
    let s = Setup::new();
    let r = s
        .cnictl(&["ls", "-o", "wide"])
        .expect(0, "ls on an empty dir");
    assert!(
        r.stderr.contains("note: no network configuration files"),
        "{}",
        r.stderr
    );
    assert!(
        row(&r.stdout, "containerd", None).contains(&format!(
            "no network config found in {}",
            s.conf_dir().display()
        )),
        "{}",
        r.stdout
    );
    assert!(
        row(&r.stdout, "CRI-O", None).contains("Has your network provider started?"),
        "{}",
        r.stdout
    );
    // A file where the directory should be: could not start, exit 2, one line naming it.
    let file = s.dir.path().join("not-a-dir");
    fs::write(&file, "x").unwrap();
    let o = Command::new(cnictl_bin())
        .env_clear()
        .arg("--conf-dir")
        .arg(&file)
        .args(["ls", "--no-probe", "-o", "wide"])
        .output()
        .unwrap();
    let r = Run::from(o).expect(2, "ls on a file");
    assert!(
        r.stderr.starts_with("error: ") && r.stderr.contains(&file.display().to_string()),
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    // A directory that does not exist: said, as status and validate say it, not an empty list.
    let gone = s.dir.path().join("no-such-net.d");
    for cmd in [
        &["ls", "--no-probe"][..],
        &["status"],
        &["ls", "-o", "json"],
    ] {
        let o = Command::new(cnictl_bin())
            .env_clear()
            .arg("--conf-dir")
            .arg(&gone)
            .args(cmd)
            .output()
            .unwrap();
        let r = Run::from(o).expect(2, &format!("{cmd:?} on a missing dir"));
        assert!(
            r.stderr.contains(&format!(
                "error: config directory {} does not exist",
                gone.display()
            )),
            "{cmd:?}: {}",
            r.stderr
        );
        assert!(!r.stdout.contains("RUNTIME"), "{cmd:?}: {}", r.stdout);
    }
}

#[test]
fn plugins_table_and_json() {
    let s = Setup::new();
    s.plugins(&["bridge", "oldp", "brokenp"]);
    let bin2 = s.dir.path().join("bin2");
    s.plugins_in(&bin2, &["bridge", "ptp"]);
    fs::write(s.bin().join("README"), "not a plugin").unwrap();
    s.script(json!([
        {"plugin": "oldp", "command": "VERSION", "action": "version", "supported": ["0.3.1", "0.4.0"]},
        {"plugin": "brokenp", "command": "VERSION", "action": "exit", "code": 3}
    ]));
    let path = format!(
        "{}:{}:/nonexistent-cnictl-dir",
        s.bin().display(),
        bin2.display()
    );
    let r = s
        .cnictl_path(&path, &["plugins", "-o", "wide"])
        .expect(0, "plugins");
    assert_no_borders(&r.stdout);
    assert_eq!(
        r.stdout
            .lines()
            .next()
            .unwrap()
            .split_whitespace()
            .collect::<Vec<_>>(),
        ["NAME", "DIR", "VERSIONS", "NOTE"]
    );
    let bin = s.bin().display().to_string();
    assert!(row(&r.stdout, "oldp", Some(&bin)).contains("0.3.1, 0.4.0"));
    assert!(row(&r.stdout, "brokenp", Some(&bin)).contains("error: plugin "));
    assert!(row(&r.stdout, "README", Some(&bin)).contains("not executable"));
    let shadowed = row(&r.stdout, "bridge", Some(&bin2.display().to_string()));
    assert!(
        shadowed.contains(&format!("shadowed by {}", s.bin().join("bridge").display())),
        "{shadowed}"
    );
    assert!(
        r.stderr
            .contains("note: CNI path directory /nonexistent-cnictl-dir does not exist"),
        "{}",
        r.stderr
    );
    // Five executables, five probes (the README is not run).
    assert_eq!(s.calls().len(), 5, "{:?}", s.calls());

    let v = s
        .cnictl_path(&path, &["plugins", "-o", "json"])
        .expect(0, "plugins -o json")
        .json();
    let plugins = v["plugins"].as_array().unwrap();
    let find = |name: &str, dir: &Path| {
        plugins
            .iter()
            .find(|p| p["name"] == name && p["dir"] == json!(dir.to_string_lossy()))
            .unwrap_or_else(|| panic!("{name} in {}: {v}", dir.display()))
    };
    assert_eq!(
        find("bridge", &s.bin())["supportedVersions"],
        json!(["0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"])
    );
    assert_eq!(
        find("bridge", &bin2)["shadowedBy"],
        json!(s.bin().join("bridge").to_string_lossy())
    );
    assert_eq!(find("README", &s.bin())["executable"], json!(false));
    assert!(find("brokenp", &s.bin())["error"]
        .as_str()
        .unwrap()
        .contains("exit status 3"));
    assert_eq!(v["dirs"][2]["state"], "missing");

    // --no-probe runs nothing.
    fs::remove_file(s.log()).unwrap();
    let v = s
        .cnictl_path(&path, &["plugins", "--no-probe", "-o", "json"])
        .expect(0, "plugins --no-probe")
        .json();
    assert!(s.calls().is_empty());
    assert_eq!(v["probed"], json!(false));
    assert_eq!(find_in(&v, "oldp")["supportedVersions"], Value::Null);
}

fn find_in<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["plugins"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap()
}

#[test]
fn attachments_table_json_and_warnings() {
    use cnictl::cache::{Cache, CacheEntry};
    let s = Setup::new();
    let cache = Cache::new(s.cache());
    let here = format!("/proc/{}/ns/net", std::process::id());
    let placeholder = s.dir.path().join("placeholder");
    fs::write(&placeholder, "").unwrap();
    let entry = |net: &str, id: &str, netns: &str, result: Value| CacheEntry {
        container_id: id.into(),
        config: Some(b"{}".to_vec()),
        if_name: "eth0".into(),
        network_name: net.into(),
        netns: netns.into(),
        result: Some(result),
        ..Default::default()
    };
    cache
        .write(&entry(
            "alpha",
            "c1",
            &here,
            json!({"cniVersion": "1.0.0", "ips": [{"address": "10.1.0.5/24"}, {"address": "fd00::5/64"}]}),
        ))
        .unwrap();
    cache
        .write(&entry(
            "alpha",
            "c2",
            "/var/run/netns/cnictl-test-gone-ns",
            json!({"cniVersion": "0.2.0", "ip4": {"ip": "10.1.0.6/24"}}),
        ))
        .unwrap();
    cache
        .write(&entry(
            "beta",
            "c3",
            &placeholder.to_string_lossy(),
            json!({"cniVersion": "1.1.0"}),
        ))
        .unwrap();
    fs::write(s.cache().join("results/beta-c4-eth0"), "{not json").unwrap();

    let r = s
        .cnictl(&["attachments", "-o", "wide"])
        .expect(0, "attachments");
    assert_no_borders(&r.stdout);
    assert_eq!(
        r.stdout
            .lines()
            .next()
            .unwrap()
            .split_whitespace()
            .collect::<Vec<_>>(),
        [
            "NETWORK",
            "CONTAINER",
            "IFNAME",
            "NETNS",
            "STATE",
            "IPS",
            "CAPS"
        ]
    );
    let c1 = row(&r.stdout, "alpha", Some("c1"));
    assert!(
        c1.contains(&here) && c1.contains(" exists,") && c1.contains("not configured"),
        "{c1}"
    );
    assert!(c1.contains("10.1.0.5/24,fd00::5/64"), "{c1}");
    let c2 = row(&r.stdout, "alpha", Some("c2"));
    assert!(c2.contains(" gone,") && c2.contains("10.1.0.6/24"), "{c2}");
    let c3 = row(&r.stdout, "beta", Some("c3"));
    assert!(c3.contains("not a netns: an empty file"), "{c3}");
    assert!(
        r.stderr.contains("warning: ")
            && r.stderr.contains("beta-c4-eth0")
            && r.stderr.contains("corrupt cache file"),
        "{}",
        r.stderr
    );

    let v = s
        .cnictl(&["attachments", "--network", "alpha", "-o", "json"])
        .expect(0, "attachments -o json")
        .json();
    let list = v["attachments"].as_array().unwrap();
    assert_eq!(list.len(), 2, "{v}");
    assert_eq!(list[0]["containerId"], "c1");
    assert_eq!(list[0]["netnsState"], "exists");
    assert_eq!(list[0]["ips"], json!(["10.1.0.5/24", "fd00::5/64"]));
    assert_eq!(list[1]["netnsState"], "gone");
    assert_eq!(list[1]["resultVersion"], "0.2.0");
    assert_eq!(
        v["skipped"],
        json!([]),
        "beta's corrupt file is not alpha's"
    );

    let v = s
        .cnictl(&["attachments", "--network", "beta", "-o", "json"])
        .expect(0, "attachments beta")
        .json();
    assert_eq!(v["attachments"][0]["netnsState"], "not-a-netns");
    assert_eq!(
        v["skipped"][0]["file"],
        json!(s.cache().join("results/beta-c4-eth0").to_string_lossy())
    );

    // An empty cache: a note, nothing on stdout.
    let empty = Setup::new();
    let r = empty
        .cnictl(&["attachments", "-o", "wide"])
        .expect(0, "attachments, empty");
    assert_eq!(r.stdout, "");
    assert!(
        r.stderr.contains("note: no attachments in "),
        "{}",
        r.stderr
    );
}

#[test]
fn a_hung_probe_is_bounded_by_the_timeout() {
    let s = Setup::new();
    s.plugins(&["slowp"]);
    s.script(json!([{"plugin": "slowp", "command": "VERSION", "action": "sleep", "secs": 30}]));
    s.conf(
        "10-n.conflist",
        &conflist("n", "1.0.0", json!([{"type": "slowp"}])),
    );
    let start = std::time::Instant::now();
    let v = s
        .cnictl(&["--timeout", "300ms", "ls", "-o", "json"])
        .expect(0, "ls with a hung plugin")
        .json();
    assert!(
        start.elapsed() < std::time::Duration::from_secs(20),
        "took {:?}",
        start.elapsed()
    );
    assert_eq!(v["networks"][0]["status"], "probe-failed");
    let err = v["networks"][0]["problems"][0]["error"].as_str().unwrap();
    assert!(err.contains("timed out after 300ms"), "{err}");
}

#[test]
fn sigint_during_a_probe_stops_the_plugin_and_exits_130() {
    use nix::sys::signal::{kill, Signal};
    use nix::unistd::Pid;
    let s = Setup::new();
    s.plugins(&["slowp"]);
    s.script(json!([{"plugin": "slowp", "command": "VERSION", "action": "sleep", "secs": 60}]));
    s.conf(
        "10-n.conflist",
        &conflist("n", "1.0.0", json!([{"type": "slowp"}])),
    );
    let child = Command::new(cnictl_bin())
        .env_clear()
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .env("FAKE_PLUGIN_SCRIPT", s.dir.path().join("script.json"))
        .arg("--conf-dir")
        .arg(s.conf_dir())
        .arg("--cni-path")
        .arg(s.bin())
        .args(["ls", "-o", "wide"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the plugin has started (it logs first thing), then interrupt cnictl.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let plugin_pid = loop {
        if let Ok(text) = fs::read_to_string(s.log()) {
            if let Some(line) = text.lines().next() {
                let v: Value = serde_json::from_str(line).unwrap();
                break v["pid"].as_i64().unwrap();
            }
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the probe never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let cnictl_pid = Pid::from_raw(i32::try_from(child.id()).unwrap());
    kill(cnictl_pid, Signal::SIGINT).unwrap();
    let r = Run::from(child.wait_with_output().unwrap()).expect(130, "ls interrupted");
    assert!(
        r.stderr.contains("error: interrupted by SIGINT"),
        "{}",
        r.stderr
    );
    // The plugin was killed (and reaped) before cnictl exited.
    let plugin = Pid::from_raw(i32::try_from(plugin_pid).unwrap());
    assert_eq!(kill(plugin, None), Err(nix::errno::Errno::ESRCH));
}
