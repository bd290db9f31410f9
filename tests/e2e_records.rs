//! End-to-end (root, Debian's reference plugins in a throwaway Lab): cnictl SIGKILLed while the
//! third plugin of bridge (ipMasq) + portmap + a hanging plugin runs, then `cnictl del` with
//! the intent cnictl recorded before the first plugin: no DNAT or masquerade rule, IP
//! reservation, veth, cache file or record is left.

mod common;

use common::fake::fake_plugin;
use common::{cnictl_bin, Lab, Run};
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use serde_json::{json, Value};
use std::process::Command;
use std::time::{Duration, Instant};

const PORTMAP: &str = r#"portMappings=[{"hostPort":18093,"containerPort":80,"protocol":"tcp"}]"#;

fn cnictl(lab: &Lab, bin: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(cnictl_bin());
    cmd.env_clear()
        .env(
            "PATH",
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        )
        .env("FAKE_PLUGIN_SCRIPT", lab.dir.path().join("script.json"))
        .arg("--conf-dir")
        .arg(lab.conf_dir())
        .args(["--cni-path", &format!("{bin}:/usr/lib/cni")])
        .arg("--cache-dir")
        .arg(lab.cache_dir())
        .args(["--host-netns", &lab.host])
        .args(args);
    cmd
}

#[test]
#[ignore = "needs root, network namespaces and the reference plugins"]
fn del_after_sigkill_mid_add_leaves_no_rule_reservation_or_cache_file() {
    let lab = Lab::new();
    let bin = lab.dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    std::fs::copy(fake_plugin(), bin.join("hang")).unwrap();
    let log = lab.dir.path().join("calls.jsonl");
    std::fs::write(
        lab.dir.path().join("script.json"),
        json!({"log": log, "rules": [
            {"plugin": "hang", "command": "ADD", "action": "sleep", "secs": 120}
        ]})
        .to_string(),
    )
    .unwrap();
    let net = "e2erec";
    lab.write_conf(
        "10-rec.conflist",
        &json!({"cniVersion": "1.0.0", "name": net, "plugins": [
            {"type": "bridge", "bridge": lab.bridge(), "isGateway": true, "ipMasq": true,
             "ipam": {"type": "host-local", "dataDir": lab.ipam_dir(),
                      "ranges": [[{"subnet": "10.237.0.0/24"}]]}},
            {"type": "portmap", "capabilities": {"portMappings": true}},
            {"type": "hang"}
        ]}),
    );
    let ctr = lab.container("k");
    let bin_s = bin.to_string_lossy().into_owned();
    let mut add = cnictl(&lab, &bin_s, &["add", net, &ctr, "--cap", PORTMAP])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start cnictl add");
    // wait until the third plugin runs: bridge and portmap have done their part
    let until = Instant::now() + Duration::from_secs(60);
    let hang_pid = loop {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        if let Some(line) = text.lines().next() {
            let v: Value = serde_json::from_str(line).unwrap();
            break v["pid"].as_i64().unwrap() as i32;
        }
        if Instant::now() > until {
            let _ = add.kill();
            let _ = add.wait();
            panic!("the hanging plugin was not called within 60s");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    kill(Pid::from_raw(add.id() as i32), Signal::SIGKILL).unwrap();
    add.wait().unwrap();
    // the plugin cnictl was running is ours to stop, by its pid
    let _ = kill(Pid::from_raw(hang_pid), Signal::SIGKILL);

    assert!(
        lab.nat_rules().contains("18093"),
        "portmap's DNAT rule is in place"
    );
    assert_eq!(lab.reservations(net).len(), 1, "host-local reserved an IP");
    assert!(
        lab.cache_files().is_empty(),
        "no libcni entry: the ADD never finished"
    );

    let att = Run::from(
        cnictl(&lab, &bin_s, &["attachments", "-o", "json"])
            .output()
            .unwrap(),
    )
    .expect(0, "attachments");
    assert_eq!(att.json()["attachments"][0]["addState"], json!("adding"));

    Run::from(
        cnictl(&lab, &bin_s, &["del", net, &ctr, "--rm-netns"])
            .output()
            .unwrap(),
    )
    .expect(0, "del");
    let nat = lab.nat_rules();
    assert!(
        !nat.contains("18093"),
        "portmap's DNAT rule is left:\n{nat}"
    );
    assert!(
        !nat.contains("10.237.0."),
        "a masquerade rule is left:\n{nat}"
    );
    assert!(lab.reservations(net).is_empty(), "reservation left");
    assert!(
        lab.host_veths().trim().is_empty(),
        "veth left: {}",
        lab.host_veths()
    );
    assert!(lab.cache_files().is_empty(), "cache file left");
    let records = lab.cache_dir().join("cnictl/records");
    let left: Vec<_> = std::fs::read_dir(&records)
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "records left: {left:?}");
    assert!(
        !Lab::netns_exists(&ctr),
        "--rm-netns removed the container netns"
    );
}
