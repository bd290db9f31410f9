//! `-o prometheus`, `--metrics-file`, `--every` and `status -o npd` through the binary: the
//! output of each command is read back with a strict classic-text-format parser
//! (tests/common/prom.rs) and its documented metrics checked against a temp setup (fake
//! plugins, hand-written cache entries and host-local reservations). No root needed.

mod common;

use cnictl::cache::{Cache, CacheEntry};
use common::fake::Sandbox;
use common::prom::{must_parse, parse, Exposition};
use common::{cnictl_bin, Run};
use serde_json::{json, Value};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

// ---------------------------------------------------------------------------------------------
// The parser fails on what the textfile collector (or cnictl's promise) rejects.

#[test]
fn the_test_parser_is_strict() {
    let ok = "# HELP a_b Help \\\\ with\\n escapes\n# TYPE a_b gauge\na_b{x=\"q\\\"\\\\\\n\"} 1\na_b 2.5e3 1700000000\n";
    let e = parse(ok).unwrap();
    assert_eq!(e.get("a_b", &[("x", "q\"\\\n")]), Some(1.0));
    assert_eq!(e.get("a_b", &[]), Some(2500.0));
    assert_eq!(e.families["a_b"].help, "Help \\ with\n escapes");
    for (bad, why) in [
        ("# TYPE a gauge\na 1\n", "TYPE before HELP"),
        ("# HELP a x\na 1\n", "no TYPE"),
        ("# HELP a x\n# TYPE a info\na 1\n", "not a gauge"),
        (
            "# HELP a x\n# TYPE a gauge\na 1\n# EOF\n",
            "OpenMetrics EOF",
        ),
        ("# HELP a x\n# TYPE a gauge\na 1", "no final newline"),
        ("# HELP a x\n# TYPE a gauge\na 1\na 2\n", "a series twice"),
        (
            "# HELP a x\n# TYPE a gauge\na{l=\"x} 1\n",
            "unterminated value",
        ),
        ("# HELP a x\n# TYPE a gauge\na{l=\"\\t\"} 1\n", "bad escape"),
        ("# HELP a x\n# TYPE a gauge\na{l=x} 1\n", "unquoted"),
        ("# HELP a x\n# TYPE a gauge\na one\n", "bad value"),
        (
            "# HELP a x\n# TYPE a gauge\na 1\n# HELP b y\n# TYPE b gauge\nb 1\na{k=\"v\"} 1\n",
            "a family split in two",
        ),
        ("# HELP 1a x\n# TYPE 1a gauge\n1a 1\n", "bad name"),
    ] {
        assert!(parse(bad).is_err(), "accepted ({why}): {bad:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers

/// The seconds since the epoch, now.
fn now() -> f64 {
    SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

/// Asserts the run's own gauges: success and a timestamp within the last minute.
fn assert_run_gauges(e: &Exposition, command: &str, success: f64) {
    assert_eq!(
        e.value("cnictl_scrape_success", &[("command", command)]),
        success
    );
    let at = e.value("cnictl_last_run_timestamp_seconds", &[("command", command)]);
    assert!((now() - at).abs() < 60.0, "timestamp {at} is not now");
}

/// Every family name starts with cnictl_ and every TYPE is gauge (the parser checks the latter).
fn assert_names(e: &Exposition) {
    for n in e.names() {
        assert!(n.starts_with("cnictl_"), "{n}");
    }
}

/// The status sandbox: `ready` (1.1.0, STATUS answers), `broken` (1.1.0, STATUS fails),
/// `legacy` (1.0.0: cannot report).
fn status_sandbox(broken: bool) -> Sandbox {
    let sb = Sandbox::new(&["p1", "p2", "ipx"]);
    sb.conflist(
        "ready",
        "1.1.0",
        json!([{"type": "p1", "ipam": {"type": "ipx"}}]),
    );
    sb.conflist("legacy", "1.0.0", json!([{"type": "p1"}]));
    if broken {
        sb.conflist("broken", "1.1.0", json!([{"type": "p2"}]));
    }
    sb.rules(
        json!([{"plugin": "p2", "command": "STATUS", "action": "error", "code": 51,
        "msg": "datapath degraded", "details": "2 of 3 uplinks down"}]),
    );
    sb
}

/// Names in `dir`, sorted.
fn dir_names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

// ---------------------------------------------------------------------------------------------
// status

#[test]
fn status_metrics_say_ready_not_ready_and_cannot_report() {
    let sb = status_sandbox(true);
    let r = sb.run(&["status", "-o", "prometheus"]).expect(1, "status");
    let e = must_parse(&r.stdout);
    assert_names(&e);
    assert_eq!(
        e.value("cnictl_network_ready", &[("network", "ready")]),
        1.0
    );
    assert_eq!(
        e.value("cnictl_network_ready", &[("network", "broken")]),
        0.0
    );
    assert_eq!(
        e.get("cnictl_network_ready", &[("network", "legacy")]),
        None,
        "a network that cannot report has no readiness"
    );
    for (net, supported) in [("ready", 1.0), ("broken", 1.0), ("legacy", 0.0)] {
        assert_eq!(
            e.value("cnictl_network_status_supported", &[("network", net)]),
            supported,
            "{net}"
        );
        assert_eq!(
            e.value("cnictl_network_plugins_missing", &[("network", net)]),
            0.0
        );
    }
    assert_eq!(e.value("cnictl_config_invalid_files", &[]), 0.0);
    assert_run_gauges(&e, "status", 1.0);
    // The verdicts still go to stderr.
    assert!(
        r.stderr.contains("network \"broken\" is not ready"),
        "{}",
        r.stderr
    );

    // A missing plugin and a file that does not load.
    fs::remove_file(sb.bin().join("ipx")).unwrap();
    sb.write_conf("30-bad.conflist", "{not json");
    let r = sb.run(&["status", "-o", "prometheus"]).expect(1, "status");
    let e = must_parse(&r.stdout);
    assert_eq!(
        e.value("cnictl_network_ready", &[("network", "ready")]),
        0.0
    );
    assert_eq!(
        e.value("cnictl_network_plugins_missing", &[("network", "ready")]),
        1.0
    );
    assert_eq!(e.value("cnictl_config_invalid_files", &[]), 1.0);
}

#[test]
fn npd_mode_is_one_line_and_node_problem_detectors_exit_codes() {
    // Ready and cannot-report only: OK.
    let sb = status_sandbox(false);
    let r = sb.run(&["status", "-o", "npd"]).expect(0, "npd ok");
    assert_eq!(r.stdout.lines().count(), 1, "{:?}", r.stdout);
    assert!(r.stdout.ends_with('\n'));
    assert_eq!(
        r.stdout,
        "ok: 1 network(s) ready, 1 cannot report readiness\n"
    );
    // --strict counts the one that cannot report.
    let r = sb
        .run(&["status", "-o", "npd", "--strict"])
        .expect(1, "npd strict");
    assert_eq!(r.stdout.lines().count(), 1, "{:?}", r.stdout);
    assert!(
        r.stdout
            .starts_with("network \"legacy\" cannot report readiness"),
        "{}",
        r.stdout
    );

    // One not ready: NonOK, the network and the reason within the first 80 characters.
    let sb = status_sandbox(true);
    let r = sb.run(&["status", "-o", "npd"]).expect(1, "npd not ready");
    assert_eq!(r.stdout.lines().count(), 1, "{:?}", r.stdout);
    let first80: String = r.stdout.chars().take(80).collect();
    assert!(
        first80.starts_with("network \"broken\" not ready: ") && first80.contains("p2"),
        "{first80}"
    );

    // Two problems: the count comes first.
    sb.write_conf("30-bad.conflist", "{not json");
    let r = sb
        .run(&["status", "-o", "npd"])
        .expect(1, "npd two problems");
    assert_eq!(r.stdout.lines().count(), 1, "{:?}", r.stdout);
    assert!(
        r.stdout
            .starts_with("2 problems; network \"broken\" not ready"),
        "{}",
        r.stdout
    );

    // No config dir: Unknown, one line, the full error on stderr.
    let r = sb
        .cnictl()
        .conf_dir(sb.path("nosuch").to_str().unwrap())
        .args(&["status", "-o", "npd"])
        .run()
        .expect(2, "npd unknown");
    assert_eq!(r.stdout.lines().count(), 1, "{:?}", r.stdout);
    assert!(
        r.stdout.starts_with("unknown: config directory") && r.stdout.contains("nosuch"),
        "{}",
        r.stdout
    );
    assert!(r.stderr.contains("error: config directory"), "{}", r.stderr);
}

// ---------------------------------------------------------------------------------------------
// attachments and ipam, on a hand-made cache and host-local store

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
    fn store(&self, net: &str) -> PathBuf {
        self.dir.path().join("ipam").join(net)
    }
    fn network(&self, name: &str, ranges: Value) {
        let v = json!({"cniVersion": "1.0.0", "name": name,
            "plugins": [{"type": "bridge", "ipam": {"type": "host-local",
                "dataDir": self.dir.path().join("ipam"), "ranges": ranges}}]});
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
    fn cached(&self, net: &str, id: &str, netns: &str, ip: &str) {
        Cache::new(self.cache())
            .write(&CacheEntry {
                container_id: id.into(),
                config: Some(br#"{"cniVersion":"1.0.0","name":"x","plugins":[]}"#.to_vec()),
                if_name: "eth0".into(),
                network_name: net.into(),
                netns: netns.into(),
                cni_args: vec![],
                capability_args: serde_json::Map::new(),
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
            .env_clear()
            .env("PATH", common::fake::PATH);
        c
    }
    fn run(&self, args: &[&str]) -> Run {
        Run::from(self.cmd(args).output().unwrap())
    }
}

/// `lab` (10.77.0.10-20): live (netns exists, reserved), dead (netns gone, reserved), nores
/// (cached, no reservation), leaked and keepme (reserved, not cached); `gone`, a network no
/// longer configured with one cached attachment whose netns is gone; one corrupt cache file.
fn lab() -> Setup {
    let s = Setup::new();
    s.network(
        "lab",
        json!([[{"subnet": "10.77.0.0/24", "rangeStart": "10.77.0.10", "rangeEnd": "10.77.0.20"}]]),
    );
    let here = format!("/proc/{}/ns/net", std::process::id());
    let gone = "/var/run/netns/cnictl-test-gone-metrics";
    s.cached("lab", "live", &here, "10.77.0.10/24");
    s.cached("lab", "dead", gone, "10.77.0.11/24");
    s.cached("lab", "nores", &here, "10.77.0.15/24");
    s.cached("gone", "old", gone, "10.99.0.2/24");
    s.plant("lab", "10.77.0.10", "live\r\neth0");
    s.plant("lab", "10.77.0.11", "dead\r\neth0");
    s.plant("lab", "10.77.0.12", "leaked\r\neth0");
    s.plant("lab", "10.77.0.13", "keepme\r\neth0");
    s.plant("lab", "last_reserved_ip.0", "10.77.0.13");
    fs::write(s.cache().join("results/lab-corrupt-eth0"), "{not json").unwrap();
    s
}

#[test]
fn attachments_metrics_count_states_and_problems() {
    let s = lab();
    let r = s
        .run(&["attachments", "-o", "prometheus"])
        .expect(0, "attachments");
    let e = must_parse(&r.stdout);
    assert_names(&e);
    let att = |net: &str, state: &str| {
        e.value("cnictl_attachments", &[("network", net), ("state", state)])
    };
    let prob = |net: &str, reason: &str| {
        e.value(
            "cnictl_attachment_problems",
            &[("network", net), ("reason", reason)],
        )
    };
    assert_eq!(att("lab", "exists"), 2.0);
    assert_eq!(att("lab", "gone"), 1.0);
    assert_eq!(att("lab", "none"), 0.0);
    assert_eq!(att("gone", "gone"), 1.0);
    assert_eq!(att("gone", "exists"), 0.0);
    assert_eq!(prob("lab", "netns-gone"), 1.0);
    assert_eq!(prob("lab", "not-configured"), 0.0);
    assert_eq!(prob("lab", "add-failed"), 0.0);
    assert_eq!(prob("gone", "netns-gone"), 1.0);
    assert_eq!(prob("gone", "not-configured"), 1.0);
    assert_eq!(e.value("cnictl_cache_skipped_files", &[]), 1.0);
    assert_run_gauges(&e, "attachments", 1.0);

    // The same numbers as the JSON listing.
    let j = s
        .run(&["attachments", "-o", "json"])
        .expect(0, "json")
        .json();
    let listed = j["attachments"].as_array().unwrap().len() as f64;
    let counted: f64 = e.families["cnictl_attachments"]
        .samples
        .iter()
        .map(|x| x.value)
        .sum();
    assert_eq!(listed, counted, "{j:#}");

    // --network: that network only.
    let r = s
        .run(&["attachments", "--network", "lab", "-o", "prometheus"])
        .expect(0, "attachments --network");
    let e = must_parse(&r.stdout);
    assert_eq!(
        e.get(
            "cnictl_attachments",
            &[("network", "gone"), ("state", "gone")]
        ),
        None
    );
    assert_eq!(
        e.value(
            "cnictl_attachments",
            &[("network", "lab"), ("state", "exists")]
        ),
        2.0
    );

    // attachments show has no metrics.
    let r = s
        .run(&["attachments", "show", "lab", "live", "-o", "prometheus"])
        .expect(2, "show -o prometheus");
    assert!(
        r.stderr.contains("does not print -o prometheus"),
        "{}",
        r.stderr
    );
}

#[test]
fn ipam_metrics_count_owned_and_unowned_reservations_and_usage() {
    let s = lab();
    let r = s.run(&["ipam", "-o", "prometheus"]).expect(0, "ipam");
    let e = must_parse(&r.stdout);
    assert_names(&e);
    let lab = [("network", "lab")];
    assert_eq!(
        e.value(
            "cnictl_ipam_reservations",
            &[("network", "lab"), ("owned", "true")]
        ),
        2.0
    );
    assert_eq!(
        e.value(
            "cnictl_ipam_reservations",
            &[("network", "lab"), ("owned", "false")]
        ),
        2.0
    );
    let set0 = [("network", "lab"), ("set", "0")];
    assert_eq!(e.value("cnictl_ipam_range_set_used", &set0), 4.0);
    assert_eq!(e.value("cnictl_ipam_range_set_size", &set0), 11.0);
    assert_eq!(e.value("cnictl_ipam_range_set_full", &set0), 0.0);
    assert_eq!(e.value("cnictl_ipam_missing_reservations", &lab), 1.0);
    assert_eq!(e.value("cnictl_ipam_problems", &lab), 0.0);
    assert_run_gauges(&e, "ipam", 1.0);

    // The same counts as the JSON audit.
    let j = s.run(&["ipam", "-o", "json"]).expect(0, "json").json();
    let text = j.to_string();
    assert!(
        text.contains("\"leaked\"") && text.contains("\"keepme\""),
        "{j:#}"
    );

    // Full: every address of a one-address range reserved.
    s.network(
        "lab",
        json!([[{"subnet": "10.77.0.0/24", "rangeStart": "10.77.0.10", "rangeEnd": "10.77.0.10"}]]),
    );
    let e = must_parse(
        &s.run(&["ipam", "-o", "prometheus"])
            .expect(0, "ipam")
            .stdout,
    );
    assert_eq!(e.value("cnictl_ipam_range_set_full", &set0), 1.0);

    // --release prints no metrics.
    let r = s
        .run(&["ipam", "--release", "--live", "-o", "prometheus"])
        .expect(2, "--release with metrics");
    assert!(r.stderr.contains("prints no metrics"), "{}", r.stderr);
    assert!(
        s.store("lab").join("10.77.0.12").exists(),
        "nothing released"
    );
}

// ---------------------------------------------------------------------------------------------
// validate

const MYNET: &str = r#"{
  "cniVersion": "1.0.0",
  "name": "mynet",
  "plugins": [
    {"type": "portmap", "capabilities": {"portMappings": true}},
    {"type": "bridge", "bridge": "cni0", "isGatway": true,
     "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.22.0.0/16"}]]}}
  ]
}
"#;

#[test]
fn validate_metrics_count_findings_by_severity_as_the_json_report_does() {
    let s = Setup::new();
    fs::write(s.conf().join("10-mynet.conflist"), MYNET).unwrap();
    fs::write(
        s.conf().join("20-lo.conflist"),
        r#"{"cniVersion": "1.0.0", "name": "lo", "plugins": [{"type": "loopback"}]}"#,
    )
    .unwrap();
    let r = s
        .run(&["validate", "--static", "--no-config", "-o", "prometheus"])
        .expect(1, "validate with an error");
    let e = must_parse(&r.stdout);
    assert_names(&e);
    let j = s
        .run(&["validate", "--static", "--no-config", "-o", "json"])
        .expect(1, "json")
        .json();
    for (sev, key) in [
        ("error", "errors"),
        ("warning", "warnings"),
        ("info", "infos"),
    ] {
        assert_eq!(
            e.value("cnictl_validate_findings", &[("severity", sev)]),
            j["summary"][key].as_f64().unwrap(),
            "{sev}"
        );
    }
    assert_eq!(
        e.value("cnictl_validate_findings", &[("severity", "error")]),
        1.0
    );
    assert_eq!(
        e.value(
            "cnictl_validate_rule_findings",
            &[("rule", "chained-only-first"), ("severity", "error")]
        ),
        1.0
    );
    assert_eq!(
        e.value(
            "cnictl_validate_rule_findings",
            &[("rule", "unknown-key"), ("severity", "warning")]
        ),
        1.0
    );
    assert_eq!(e.value("cnictl_validate_files", &[]), 2.0);
    assert_run_gauges(&e, "validate", 1.0);
    // --allow moves the counts like it moves the report.
    let r = s
        .run(&[
            "validate",
            "--static",
            "--no-config",
            "--allow",
            "chained-only-first",
            "-o",
            "prometheus",
        ])
        .expect(0, "validate --allow");
    let e = must_parse(&r.stdout);
    assert_eq!(
        e.value("cnictl_validate_findings", &[("severity", "error")]),
        0.0
    );
}

// ---------------------------------------------------------------------------------------------
// --metrics-file

#[test]
fn metrics_file_is_complete_replaced_and_leaves_no_temp_file() {
    let s = lab();
    let out = s.dir.path().join("textfile");
    fs::create_dir(&out).unwrap();
    let file = out.join("cnictl_ipam.prom");
    fs::write(&file, "old contents\n").unwrap();
    let r = s
        .run(&["ipam", "--metrics-file", file.to_str().unwrap()])
        .expect(0, "ipam --metrics-file");
    assert_eq!(r.stdout, "", "nothing on stdout");
    let text = fs::read_to_string(&file).unwrap();
    let e = must_parse(&text);
    assert_eq!(
        e.value(
            "cnictl_ipam_reservations",
            &[("network", "lab"), ("owned", "false")]
        ),
        2.0
    );
    assert_run_gauges(&e, "ipam", 1.0);
    assert_eq!(dir_names(&out), vec!["cnictl_ipam.prom"]);
    let mode = std::os::unix::fs::PermissionsExt::mode(&fs::metadata(&file).unwrap().permissions());
    assert_eq!(mode & 0o044, 0o044, "readable by node-exporter: {mode:o}");

    // A run that cannot be made replaces the file with success 0 (no stale numbers).
    let r = Run::from(
        Command::new(cnictl_bin())
            .args(["--conf-dir", "/nonexistent-cnictl-metrics", "status"])
            .arg("--metrics-file")
            .arg(&file)
            .env_clear()
            .output()
            .unwrap(),
    )
    .expect(2, "status without a config dir");
    assert!(r.stderr.contains("config directory"), "{}", r.stderr);
    let e = must_parse(&fs::read_to_string(&file).unwrap());
    assert_eq!(
        e.names(),
        vec!["cnictl_last_run_timestamp_seconds", "cnictl_scrape_success"]
    );
    assert_run_gauges(&e, "status", 0.0);
    assert_eq!(dir_names(&out), vec!["cnictl_ipam.prom"]);

    // Another -o beside it is a usage error; --every needs it.
    let r = s
        .run(&[
            "ipam",
            "-o",
            "json",
            "--metrics-file",
            file.to_str().unwrap(),
        ])
        .expect(2, "-o json with --metrics-file");
    assert!(
        r.stderr.contains("cannot be combined with -o json"),
        "{}",
        r.stderr
    );
    let r = s.run(&["ipam", "--every", "1s"]).expect(2, "--every alone");
    assert!(r.stderr.contains("--metrics-file"), "{}", r.stderr);
    // A directory that does not exist is named.
    let r = s
        .run(&[
            "ipam",
            "--metrics-file",
            out.join("no/such.prom").to_str().unwrap(),
        ])
        .expect(2, "missing dir");
    assert!(
        r.stderr.contains("cannot write the metrics file") && r.stderr.contains("/no/"),
        "{}",
        r.stderr
    );
}

// ---------------------------------------------------------------------------------------------
// --every

/// Waits until the metrics file parses and `pred` holds of it.
fn wait_file(file: &Path, what: &str, pred: impl Fn(&Exposition) -> bool) -> Exposition {
    let until = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(text) = fs::read_to_string(file) {
            // Atomic replacement: whatever is there is a whole file.
            let e = must_parse(&text);
            if pred(&e) {
                return e;
            }
        }
        assert!(Instant::now() < until, "no {what} within 30s");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn every_rewrites_the_file_survives_a_failed_run_and_stops_cleanly_on_sigterm() {
    let sb = status_sandbox(false);
    let out = sb.path("textfile");
    fs::create_dir(&out).unwrap();
    let file = out.join("cnictl_status.prom");
    let running = sb
        .cnictl()
        .args(&["status", "--every", "200ms", "--metrics-file"])
        .arg(&file)
        .spawn();
    let success = |e: &Exposition| e.get("cnictl_scrape_success", &[("command", "status")]);
    let stamp = |e: &Exposition| {
        e.value(
            "cnictl_last_run_timestamp_seconds",
            &[("command", "status")],
        )
    };
    let first = wait_file(&file, "a first run", |e| success(e) == Some(1.0));
    assert_eq!(
        first.value("cnictl_network_ready", &[("network", "ready")]),
        1.0
    );
    let t1 = stamp(&first);
    wait_file(&file, "a second run", |e| stamp(e) > t1);

    // A run that fails (the config dir gone) is written as such; the loop goes on.
    let off = sb.path("net.d.off");
    fs::rename(sb.conf_dir(), &off).unwrap();
    let failed = wait_file(&file, "a failed run", |e| success(e) == Some(0.0));
    assert_eq!(
        failed.get("cnictl_network_ready", &[("network", "ready")]),
        None
    );
    fs::rename(&off, sb.conf_dir()).unwrap();
    wait_file(&file, "a run after the failure", |e| {
        success(e) == Some(1.0)
    });

    // SIGTERM to exactly this process: it ends with 0, leaving the last whole file.
    nix::sys::signal::kill(running.pid(), nix::sys::signal::Signal::SIGTERM).unwrap();
    let started = Instant::now();
    let r = running.wait().expect(0, "--every after SIGTERM");
    assert!(started.elapsed() < Duration::from_secs(10), "slow to stop");
    assert!(
        r.stderr.contains("config directory") && r.stderr.contains("does not exist"),
        "the failed run is on stderr: {}",
        r.stderr
    );
    assert_eq!(r.stdout, "");
    // Every round finds network "legacy" unable to report; the note is said once, while the
    // failed run's error is printed as it happens.
    assert_eq!(
        r.stderr
            .matches("note: network \"legacy\" cannot report readiness")
            .count(),
        1,
        "{}",
        r.stderr
    );
    assert_eq!(dir_names(&out), vec!["cnictl_status.prom"]);
    must_parse(&fs::read_to_string(&file).unwrap());
}

#[test]
fn every_stops_on_sigint_too_and_refuses_stdin() {
    let s = lab();
    let file = s.dir.path().join("a.prom");
    let mut child = s
        .cmd(&[
            "attachments",
            "--every",
            "1h",
            "--metrics-file",
            file.to_str().unwrap(),
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let until = Instant::now() + Duration::from_secs(30);
    while !file.exists() {
        assert!(Instant::now() < until, "no metrics file within 30s");
        std::thread::sleep(Duration::from_millis(20));
    }
    // Sleeping for an hour: the signal ends the wait.
    let pid = nix::unistd::Pid::from_raw(child.id() as i32);
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGINT).unwrap();
    let until = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if Instant::now() > until {
            let _ = child.kill();
            let _ = child.wait();
            panic!("still running 10s after SIGINT");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0));

    let r = s
        .run(&[
            "validate",
            "-",
            "--every",
            "1s",
            "--metrics-file",
            file.to_str().unwrap(),
        ])
        .expect(2, "--every with stdin");
    assert!(r.stderr.contains("stdin"), "{}", r.stderr);
}

#[test]
fn a_run_cut_short_by_sigterm_writes_nothing_and_kills_the_plugin() {
    let sb = status_sandbox(false);
    sb.rules(json!([{"plugin": "p1", "command": "STATUS", "action": "sleep", "secs": 100}]));
    let out = sb.path("textfile");
    fs::create_dir(&out).unwrap();
    let file = out.join("cnictl_status.prom");
    let running = sb
        .cnictl()
        .args(&["status", "--every", "1s", "--metrics-file"])
        .arg(&file)
        .spawn();
    let call = sb.wait_for_call("a STATUS call", |c| c.command() == "STATUS");
    nix::sys::signal::kill(running.pid(), nix::sys::signal::Signal::SIGTERM).unwrap();
    let started = Instant::now();
    let r = running.wait().expect(0, "--every stopped mid-run");
    assert!(started.elapsed() < Duration::from_secs(10), "slow to stop");
    assert_eq!(r.stdout, "");
    // The hanging plugin was killed, and no metrics of the cut-short run were written.
    assert!(
        common::fake::live_group_members(call.pid()).is_empty(),
        "the plugin's process group is still alive"
    );
    assert_eq!(dir_names(&out), Vec::<String>::new());
}
