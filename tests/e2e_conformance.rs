//! End to end: `cnictl conformance` over Debian's reference plugins (1.1.1, spec up to 1.0.0)
//! in /usr/lib/cni. The run makes its own plugins' namespace unless --host-netns is given
//! (the macvlan test gives the lab's, which holds the veth the macvlans sit on: this kernel
//! has no dummy links). Needs root; fails loudly without it or without the plugins.

mod common;

use common::{cnictl_bin, require_root_and_plugins, Lab, Run};
use serde_json::{json, Value};
use std::path::Path;

/// cnictl with Debian's plugins and the lab's dirs, without --host-netns: the run makes (and
/// removes) the namespace the plugins run in.
fn conformance_own_host(lab: &Lab, file: &Path, extra: &[&str]) -> Run {
    let mut cmd = std::process::Command::new(cnictl_bin());
    cmd.env_clear()
        .env(
            "PATH",
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        )
        .arg("--conf-dir")
        .arg(lab.conf_dir())
        .args(["--cni-path", "/usr/lib/cni"])
        .arg("--cache-dir")
        .arg(lab.cache_dir())
        .arg("conformance")
        .arg(file)
        .args(extra)
        .args(["-o", "json"]);
    Run::from(cmd.output().expect("run cnictl"))
}

fn write(lab: &Lab, name: &str, conf: &Value) -> std::path::PathBuf {
    let p = lab.dir.path().join(name);
    std::fs::write(&p, conf.to_string()).unwrap();
    p
}

/// (step id, result, messages) of the one round.
fn steps(v: &Value) -> Vec<(String, String, Vec<String>)> {
    let rounds = v["rounds"].as_array().expect("rounds");
    assert_eq!(rounds.len(), 1, "{v}");
    rounds[0]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap().to_string(),
                s["result"].as_str().unwrap().to_string(),
                s["messages"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|m| m.as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect()
}

fn failed(all: &[(String, String, Vec<String>)]) -> Vec<&str> {
    all.iter()
        .filter(|s| s.1 == "fail")
        .map(|s| s.0.as_str())
        .collect()
}

fn messages<'a>(all: &'a [(String, String, Vec<String>)], id: &str) -> &'a [String] {
    &all.iter().find(|s| s.0 == id).expect("step").2
}

/// Nothing of the run (named with its token) is left in `ip netns` or the temp dir.
fn assert_run_cleaned_up(v: &Value) {
    let token = v["privateName"]
        .as_str()
        .unwrap()
        .trim_start_matches("cnictl-conformance-")
        .to_string();
    let ns = common::run("ip", &["netns", "list"]).stdout;
    assert!(!ns.contains(&token), "a namespace of the run is left: {ns}");
    let left: Vec<_> = std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(&token))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

fn bridge_conf(lab: &Lab, masq: bool) -> Value {
    json!({
        "cniVersion": "1.0.0",
        "name": "conf-bridge",
        "plugins": [
            {"type": "bridge", "bridge": lab.bridge(), "isGateway": true, "ipMasq": masq,
             "ipam": {"type": "host-local", "dataDir": lab.ipam_dir(),
                      "ranges": [[{"subnet": "10.241.7.0/24"}]], "routes": [{"dst": "0.0.0.0/0"}]}},
            {"type": "portmap", "capabilities": {"portMappings": true}}
        ]
    })
}

#[test]
#[ignore = "needs root and Debian's containernetworking-plugins in /usr/lib/cni"]
fn bridge_host_local_portmap_without_ip_masq_passes_in_a_namespace_the_run_makes() {
    let lab = Lab::new();
    let file = write(&lab, "bridge.conflist", &bridge_conf(&lab, false));
    let r = conformance_own_host(&lab, &file, &[]).expect(0, "conformance");
    let v = r.json();
    let all = steps(&v);
    assert!(failed(&all).is_empty(), "{all:?}");
    for (id, result, m) in &all {
        let want = if id == "gc" || id == "status" {
            "skip"
        } else {
            "pass"
        };
        assert_eq!(result, want, "{id}: {m:?}");
    }
    assert_eq!(v["hostNetnsMade"], true);
    // The bridge stays by design, and the report says so.
    assert!(
        messages(&all, "del")
            .iter()
            .any(|m| m.contains(&format!("kept: host: bridge {}", lab.bridge()))),
        "{all:?}"
    );
    // The run's own namespaces and dirs are gone; the lab's IPAM dir was never used (the run
    // rewrote dataDir) and no cache entry was written to the lab's cache dir.
    assert_run_cleaned_up(&v);
    assert!(!lab.ipam_dir().exists(), "the config's dataDir was used");
    assert!(lab.cache_files().is_empty());
    // Nothing in the lab's host namespace either: the plugins ran elsewhere.
    assert!(!lab.ip(&lab.host, &["link"]).stdout.contains(&lab.bridge()));
}

#[test]
#[ignore = "needs root and Debian's containernetworking-plugins in /usr/lib/cni"]
fn bridge_with_ip_masq_reports_its_shared_chain_and_the_chain_left_by_del_with_netns_gone() {
    let lab = Lab::new();
    let file = write(&lab, "masq.conflist", &bridge_conf(&lab, true));
    let v = conformance_own_host(&lab, &file, &["--keep-going"])
        .expect(1, "conformance")
        .json();
    let all = steps(&v);
    // bridge 1.1.1 gives a container's interfaces one masquerade chain: the DEL of eth1
    // cannot delete it while eth0's rule jumps to it; and when the netns is gone its DEL
    // returns before the masquerade teardown.
    assert_eq!(failed(&all), ["del-eth1", "del-netns-gone"], "{all:?}");
    let del1 = messages(&all, "del-eth1");
    assert!(
        del1[0].contains("plugin \"bridge\" failed (DEL)") && del1[0].contains("CNI-"),
        "{del1:?}"
    );
    let gone = messages(&all, "del-netns-gone");
    let left: Vec<&String> = gone
        .iter()
        .filter(|m| m.starts_with("left behind: "))
        .collect();
    // Exactly the masquerade chain of the container whose netns was gone: the chain, its two
    // rules, and the POSTROUTING jump to it, all in the nat table.
    assert_eq!(left.len(), 4, "{gone:?}");
    let chain = left
        .iter()
        .find_map(|m| m.strip_prefix("left behind: iptables nat: :"))
        .unwrap_or_else(|| panic!("no chain among {left:?}"))
        .to_string();
    assert!(chain.starts_with("CNI-"), "{chain}");
    for m in &left {
        assert!(
            m.starts_with("left behind: iptables nat: ") && m.contains(&chain),
            "{m}"
        );
        if m.contains("-A ") {
            assert!(m.contains("-gone\\\""), "the -gone container's rule: {m}");
        }
    }
    assert!(left.iter().any(|m| m.contains("-j MASQUERADE")), "{left:?}");
    assert!(
        left.iter().any(|m| m.contains("-A POSTROUTING")),
        "{left:?}"
    );
    assert_run_cleaned_up(&v);

    // Without --keep-going the round stops at the first failure and says why.
    let v = conformance_own_host(&lab, &file, &[])
        .expect(1, "conformance")
        .json();
    let all = steps(&v);
    assert_eq!(failed(&all), ["del-eth1"]);
    assert!(messages(&all, "del")[0].contains("not run: step \"DEL eth1\" failed"));
    assert_run_cleaned_up(&v);
}

#[test]
#[ignore = "needs root and Debian's containernetworking-plugins in /usr/lib/cni"]
fn ptp_host_local_fails_only_at_a_second_interface_and_passes_with_single_interface() {
    let lab = Lab::new();
    let conf = json!({
        "cniVersion": "1.0.0",
        "name": "conf-ptp",
        "plugins": [{"type": "ptp", "ipMasq": false,
            "ipam": {"type": "host-local", "dataDir": lab.ipam_dir(),
                     "ranges": [[{"subnet": "10.241.8.0/24"}]], "routes": [{"dst": "0.0.0.0/0"}]}}]
    });
    let file = write(&lab, "ptp.conflist", &conf);
    let v = conformance_own_host(&lab, &file, &["--keep-going"])
        .expect(1, "conformance")
        .json();
    let all = steps(&v);
    // ptp 1.1.1 routes the gateway's /32 through the container interface; a second interface
    // of the network in the same container wants the same route: "file exists". Its rollback
    // leaves nothing (DEL eth1 compares with the state before that ADD), and every other step
    // passes.
    assert_eq!(failed(&all), ["add-eth1"], "{all:?}");
    let m = messages(&all, "add-eth1");
    assert!(
        m[0].contains("plugin \"ptp\" failed (ADD)") && m[0].contains("file exists"),
        "{m:?}"
    );
    assert!(m.iter().any(|l| l.contains("--single-interface")), "{m:?}");
    for (id, result, m) in &all {
        if id != "add-eth1" && id != "gc" && id != "status" {
            assert_eq!(result, "pass", "{id}: {m:?}");
        }
    }
    assert_run_cleaned_up(&v);

    // Told that the plugin takes one interface per network and container, the run skips the
    // eth1 steps and passes: exit 0, nothing failed, the rest as before.
    let v = conformance_own_host(&lab, &file, &["--single-interface"])
        .expect(0, "conformance --single-interface")
        .json();
    let all = steps(&v);
    assert!(failed(&all).is_empty(), "{all:?}");
    for (id, result, m) in &all {
        let want = match id.as_str() {
            "add-eth1" | "check-both" | "del-eth1" | "gc" | "status" => "skip",
            _ => "pass",
        };
        assert_eq!(result, want, "{id}: {m:?}");
    }
    assert_run_cleaned_up(&v);
}

#[test]
#[ignore = "needs root and Debian's containernetworking-plugins in /usr/lib/cni"]
fn macvlan_on_a_veth_master_in_the_given_host_namespace_passes() {
    let lab = Lab::new();
    let master = format!("mvm{}", lab.token);
    let peer = format!("mvp{}", lab.token);
    lab.ip(
        &lab.host,
        &[
            "link", "add", &master, "type", "veth", "peer", "name", &peer,
        ],
    )
    .expect(0, "veth in the lab's host namespace");
    for l in [&master, &peer] {
        lab.ip(&lab.host, &["link", "set", l, "up"])
            .expect(0, "link up");
    }
    let conf = json!({
        "cniVersion": "1.0.0",
        "name": "conf-macvlan",
        "plugins": [{"type": "macvlan", "master": master, "mode": "bridge",
            "ipam": {"type": "host-local", "dataDir": lab.ipam_dir(),
                     "ranges": [[{"subnet": "10.241.9.0/24"}]], "routes": [{"dst": "0.0.0.0/0"}]}}]
    });
    let file = write(&lab, "macvlan.conflist", &conf);
    let r = lab
        .cnictl(&["conformance", file.to_str().unwrap(), "-o", "json"])
        .expect(0, "conformance");
    let v = r.json();
    let all = steps(&v);
    assert!(failed(&all).is_empty(), "{all:?}");
    assert_eq!(v["hostNetnsMade"], false);
    assert_eq!(v["hostNetns"], format!("/var/run/netns/{}", lab.host));
    // The given namespace is kept, with its veth, and holds nothing of the run.
    assert!(Lab::netns_exists(&lab.host));
    let links = lab.ip(&lab.host, &["-o", "link"]).stdout;
    assert_eq!(
        links.lines().count(),
        3,
        "lo and the veth pair only: {links}"
    );
    assert_run_cleaned_up(&v);
}

#[test]
#[ignore = "needs root and Debian's containernetworking-plugins in /usr/lib/cni"]
fn conformance_refuses_cnictls_own_namespace_as_the_plugins_namespace() {
    require_root_and_plugins();
    let lab = Lab::new();
    let file = write(&lab, "bridge.conflist", &bridge_conf(&lab, false));
    let mut cmd = std::process::Command::new(cnictl_bin());
    cmd.env_clear()
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .args([
            "--cni-path",
            "/usr/lib/cni",
            "--host-netns",
            "/proc/1/ns/net",
        ])
        .arg("--cache-dir")
        .arg(lab.cache_dir())
        .arg("conformance")
        .arg(&file);
    let r = Run::from(cmd.output().unwrap()).expect(2, "refused");
    assert!(
        r.stderr.contains("--host-netns /proc/1/ns/net"),
        "{}",
        r.stderr
    );
    assert!(
        !common::run("ip", &["link", "show", &lab.bridge()])
            .stdout
            .contains(&lab.bridge()),
        "no bridge in this machine's namespace"
    );
}
