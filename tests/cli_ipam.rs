//! `cnictl ipam` and `cnictl attachments --stale / show` on fake data: a temp config dir, a
//! temp cache and a temp host-local dataDir (no plugin is run, no root needed). Every JSON
//! output is validated against its schema under docs/schemas.

mod common;

use cnictl::cache::{Cache, CacheEntry};
use common::{cnictl_bin, Run};
use serde_json::{json, Value};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

struct Setup {
    dir: tempfile::TempDir,
}

impl Setup {
    fn new() -> Setup {
        let s = Setup {
            dir: tempfile::tempdir().unwrap(),
        };
        fs::create_dir_all(s.conf()).unwrap();
        s
    }
    fn conf(&self) -> PathBuf {
        self.dir.path().join("conf")
    }
    fn cache(&self) -> PathBuf {
        self.dir.path().join("cache")
    }
    fn data(&self) -> PathBuf {
        self.dir.path().join("ipam")
    }
    fn store(&self, net: &str) -> PathBuf {
        self.data().join(net)
    }
    fn network(&self, name: &str, ipam: Value) {
        let mut ipam = ipam;
        ipam["type"] = json!("host-local");
        ipam["dataDir"] = json!(self.data());
        let v = json!({"cniVersion": "1.0.0", "name": name,
            "plugins": [{"type": "bridge", "bridge": "br-x", "ipam": ipam}, {"type": "portmap", "capabilities": {"portMappings": true}}]});
        fs::write(
            self.conf().join(format!("10-{name}.conflist")),
            v.to_string(),
        )
        .unwrap();
    }
    fn plant(&self, net: &str, file: &str, content: &str) {
        fs::create_dir_all(self.store(net)).unwrap();
        fs::write(self.store(net).join(file), content).unwrap();
    }
    fn cached(&self, net: &str, id: &str, netns: &str, ip: &str, caps: Value) {
        let Value::Object(caps) = caps else { panic!() };
        Cache::new(self.cache())
            .write(&CacheEntry {
                container_id: id.into(),
                config: Some(br#"{"cniVersion":"1.0.0","name":"x","plugins":[]}"#.to_vec()),
                if_name: "eth0".into(),
                network_name: net.into(),
                netns: netns.into(),
                cni_args: vec![("K8S_POD_NAME".into(), "web".into())],
                capability_args: caps,
                result: Some(json!({"cniVersion": "1.0.0", "ips": [{"address": ip}]})),
            })
            .unwrap();
    }
    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(cnictl_bin());
        c.arg("--conf-dir")
            .arg(self.conf())
            .arg("--cache-dir")
            .arg(self.cache())
            .args(args)
            .env_remove("NETCONFPATH")
            .env_remove("CNI_PATH")
            .env("NO_COLOR", "1");
        c
    }
    fn run(&self, args: &[&str]) -> Run {
        Run::from(self.cmd(args).output().unwrap())
    }
    fn run_stdin(&self, args: &[&str], input: &str) -> Run {
        let mut child = self
            .cmd(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        Run::from(child.wait_with_output().unwrap())
    }
}

fn validate(schema: &str, v: &Value) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("docs/schemas")
        .join(schema);
    let schema: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    let validator = jsonschema::draft202012::new(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(v)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "{} does not validate:\n{}\n{v:#}",
        path.display(),
        errors.join("\n")
    );
}

/// No line longer than 80 columns (in characters).
fn assert_fits_80(text: &str) {
    for l in text.lines() {
        assert!(
            l.chars().count() <= 80,
            "line longer than 80 columns: {l:?}"
        );
    }
}

fn lab(s: &Setup) -> String {
    s.network("lab", json!({"ranges": [[{"subnet": "10.77.0.0/24", "rangeStart": "10.77.0.10", "rangeEnd": "10.77.0.20"}]]}));
    let here = format!("/proc/{}/ns/net", std::process::id());
    s.cached(
        "lab",
        "live",
        &here,
        "10.77.0.10/24",
        json!({"portMappings": [{"hostPort": 8080, "containerPort": 80, "protocol": "tcp"}]}),
    );
    s.cached(
        "lab",
        "dead",
        "/var/run/netns/cnictl-test-gone-ipam",
        "10.77.0.11/24",
        json!({}),
    );
    s.cached("lab", "nores", &here, "10.77.0.15/24", json!({}));
    s.plant("lab", "10.77.0.10", "live\r\neth0");
    s.plant("lab", "10.77.0.11", "dead\r\neth0");
    s.plant("lab", "10.77.0.12", "leaked\r\neth0");
    s.plant("lab", "10.77.0.13", "keepme\r\neth0");
    s.plant("lab", "last_reserved_ip.0", "10.77.0.13");
    s.plant("lab", "lock", "");
    here
}

#[test]
fn ipam_reports_owned_unowned_missing_usage_and_next_ip() {
    let s = Setup::new();
    lab(&s);
    // A network without host-local is not listed.
    fs::write(
        s.conf().join("20-other.conflist"),
        r#"{"cniVersion":"1.0.0","name":"other","plugins":[{"type":"bridge","ipam":{"type":"dhcp"}}]}"#,
    )
    .unwrap();
    let r = s.run(&["ipam"]).expect(0, "ipam");
    assert_fits_80(&r.stdout);
    let usage = r.stdout.lines().find(|l| l.starts_with("lab ")).unwrap();
    let cols: Vec<&str> = usage.split_whitespace().collect();
    assert_eq!(
        cols,
        ["lab", "0", "10.77.0.10-10.77.0.20", "4", "11", "10.77.0.14"]
    );
    let row = |ip: &str| {
        r.stdout
            .lines()
            .find(|l| l.split_whitespace().nth(1) == Some(ip))
            .unwrap_or_else(|| panic!("no row for {ip}:\n{}", r.stdout))
            .split_whitespace()
            .collect::<Vec<_>>()
    };
    assert_eq!(row("10.77.0.10")[4..], ["cached", "exists"]);
    assert_eq!(row("10.77.0.11")[4..], ["cached", "gone"]);
    assert_eq!(row("10.77.0.12")[2..], ["leaked", "eth0", "unowned", "-"]);
    assert!(!r.stdout.contains("other"), "{}", r.stdout);
    assert!(
        r.stderr
            .contains("nores:eth0 holds 10.77.0.15, which has no reservation"),
        "{}",
        r.stderr
    );

    let v = s
        .run(&["ipam", "lab", "-o", "json"])
        .expect(0, "ipam json")
        .json();
    validate("ipam.v1.json", &v);
    let n = &v["networks"][0];
    assert_eq!(n["store"], json!(s.store("lab")));
    assert_eq!(n["lockPresent"], true);
    assert_eq!(n["rangeSets"][0]["nextIp"], "10.77.0.14");
    assert_eq!(
        n["missingReservations"],
        json!([{"containerId": "nores", "ifname": "eth0", "ip": "10.77.0.15"}])
    );
    let owners: Vec<&str> = n["reservations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["owner"].as_str().unwrap())
        .collect();
    assert_eq!(owners, ["cached", "cached", "unowned", "unowned"]);
    assert_eq!(v["release"], Value::Null);

    // A named network that does not use host-local is an error.
    let r = s.run(&["ipam", "other"]).expect(2, "ipam other");
    assert!(r.stderr.contains("does not use host-local"), "{}", r.stderr);
    // An unknown network too, and a network's store that does not exist yet is a note.
    s.run(&["ipam", "nosuch"]).expect(2, "ipam nosuch");
    s.network("fresh", json!({"subnet": "10.78.0.0/16"}));
    let r = s.run(&["ipam", "fresh"]).expect(0, "ipam fresh");
    assert!(
        r.stderr
            .contains("does not exist (host-local has reserved nothing yet)"),
        "{}",
        r.stderr
    );
    let cols: Vec<&str> = r
        .stdout
        .lines()
        .nth(1)
        .unwrap()
        .split_whitespace()
        .collect();
    assert_eq!(
        cols,
        [
            "fresh",
            "0",
            "10.78.0.1-10.78.255.254",
            "0",
            "65533",
            "10.78.0.2"
        ]
    );
}

#[test]
fn release_needs_a_valid_set_and_frees_only_unowned_invalid_ones() {
    let s = Setup::new();
    lab(&s);
    let files = || {
        let mut v: Vec<String> = fs::read_dir(s.store("lab"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    let before = files();
    let r = s
        .run(&["ipam", "--release"])
        .expect(2, "release without a valid set");
    assert!(r.stderr.contains("will not guess"), "{}", r.stderr);
    assert_eq!(files(), before);

    // Dry run: the plan, nothing removed.
    let v = s
        .run_stdin(
            &[
                "ipam",
                "--release",
                "--valid-from",
                "-",
                "--dry-run",
                "-o",
                "json",
            ],
            "keepme eth0\n",
        )
        .expect(0, "dry run")
        .json();
    validate("ipam.v1.json", &v);
    assert_eq!(v["release"]["dryRun"], true);
    let planned: Vec<&str> = v["release"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["ip"].as_str().unwrap())
        .collect();
    assert_eq!(planned, ["10.77.0.12"]);
    assert_eq!(v["release"]["items"][0]["outcome"], "would-release");
    assert_eq!(files(), before);

    // The owned ones (even with the netns gone: gc's job) and the valid one stay.
    let r = s
        .run_stdin(&["ipam", "--release", "--valid-from", "-"], "keepme eth0\n")
        .expect(0, "release");
    assert_fits_80(&r.stdout);
    assert!(
        r.stdout
            .lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>()
                == ["lab", "10.77.0.12", "leaked", "released"]),
        "{}",
        r.stdout
    );
    assert_eq!(
        files(),
        [
            "10.77.0.10",
            "10.77.0.11",
            "10.77.0.13",
            "last_reserved_ip.0",
            "lock"
        ]
    );
    // --valid takes a bare container ID too; --live keeps containers with a live netns.
    let r = s
        .run(&["ipam", "--release", "--valid", "bad/id"])
        .expect(2, "bad id");
    assert!(r.stderr.contains("--valid"), "{}", r.stderr);
    let v = s
        .run(&["ipam", "--release", "--live", "--dry-run", "-o", "json"])
        .expect(0, "live")
        .json();
    validate("ipam.v1.json", &v);
    assert_eq!(v["release"]["items"][0]["containerId"], "keepme");
    let v = s
        .run(&[
            "ipam",
            "--release",
            "--valid",
            "keepme",
            "--dry-run",
            "-o",
            "json",
        ])
        .expect(0, "valid id")
        .json();
    assert_eq!(v["release"]["items"], json!([]));
}

#[test]
fn attachments_show_capability_args_stale_entries_and_one_whole_entry() {
    let s = Setup::new();
    let here = lab(&s);
    s.cached(
        "gone-net",
        "c9",
        &here,
        "10.9.0.2/24",
        json!({"bandwidth": {"ingressRate": 1000}}),
    );
    fs::write(s.cache().join("results/lab-broken-eth0"), "").unwrap();

    let r = s
        .run(&["attachments", "-o", "wide"])
        .expect(0, "attachments");
    let live = r.stdout.lines().find(|l| l.contains(" live ")).unwrap();
    assert!(live.ends_with("8080:80/tcp"), "{live}");
    let c9 = r.stdout.lines().find(|l| l.contains(" c9 ")).unwrap();
    assert!(
        c9.contains("not configured") && c9.ends_with("bandwidth"),
        "{c9}"
    );

    let r = s
        .run(&["attachments", "--stale", "-o", "wide"])
        .expect(0, "stale");
    let ids: Vec<&str> = r
        .stdout
        .lines()
        .skip(1)
        .take_while(|l| !l.is_empty())
        .map(|l| l.split_whitespace().nth(1).unwrap())
        .collect();
    assert_eq!(ids, ["c9", "dead"], "{}", r.stdout);
    assert!(
        r.stdout.contains("lab-broken-eth0"),
        "the empty file is a problem entry:\n{}",
        r.stdout
    );
    let v = s
        .run(&["attachments", "--stale", "-o", "json"])
        .expect(0, "stale json")
        .json();
    let problems: Vec<&Value> = v["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["problems"])
        .collect();
    assert_eq!(
        problems,
        [&json!(["not-configured"]), &json!(["netns-gone"])]
    );
    assert_eq!(
        v["attachments"][0]["capabilityArgs"],
        json!({"bandwidth": {"ingressRate": 1000}})
    );

    let r = s
        .run(&["attachments", "show", "lab", "live"])
        .expect(0, "show");
    for want in [
        "cni args:         K8S_POD_NAME=web",
        "capability args:",
        "\"hostPort\": 8080",
        "config:",
        "\"10.77.0.10/24\"",
    ] {
        assert!(r.stdout.contains(want), "{want:?} missing:\n{}", r.stdout);
    }
    let v = s
        .run(&["attachments", "show", "lab", "live", "eth0", "-o", "json"])
        .expect(0, "show json")
        .json();
    validate("attachments-show.v1.json", &v);
    assert_eq!(v["kind"], "v1");
    assert_eq!(v["netnsState"], "exists");
    assert_eq!(v["config"]["cniVersion"], "1.0.0");
    assert_eq!(
        v["cniArgs"],
        json!([{"name": "K8S_POD_NAME", "value": "web"}])
    );
    let v = s
        .run(&["attachments", "show", "lab", "broken", "eth0", "-o", "json"])
        .expect(0, "show corrupt")
        .json();
    validate("attachments-show.v1.json", &v);
    assert_eq!(v["kind"], "corrupt");
    let r = s
        .run(&["attachments", "show", "lab", "nobody"])
        .expect(2, "show missing");
    assert!(
        r.stderr.contains("no attachment of container \"nobody\""),
        "{}",
        r.stderr
    );
}
