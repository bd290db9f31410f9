//! End-to-end test of `cnictl ipam` with Debian's bridge + host-local in a test-owned host
//! namespace (tests/common `Lab`: temp config, cache and dataDir; everything removed on drop,
//! also on failure). Needs root; run with `--include-ignored`.

mod common;

use common::{Lab, Run};
use std::io::Write;
use std::process::Stdio;

#[test]
#[ignore = "needs root, network namespaces and the reference plugins"]
fn a_planted_reservation_is_unowned_and_release_frees_only_it() {
    let lab = Lab::new();
    let net = "ipamlab";
    lab.write_conf(
        "10-ipam.conflist",
        &lab.standard_conf(net, "1.0.0", "net.core.somaxconn", "10.239.0.0/24"),
    );
    let ctr = lab.container("ia");
    let add = lab.cnictl(&["add", net, &ctr]).expect(0, "add");
    let live_ip = add.json()["ips"][0]["address"]
        .as_str()
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let att = lab
        .cnictl(&["attachments", "-o", "json"])
        .expect(0, "attachments")
        .json();
    let live_id = att["attachments"][0]["containerId"]
        .as_str()
        .unwrap()
        .to_string();

    // host-local's own file: "<id>\r\n<ifname>", in <dataDir>/<network>, with its lock.
    let store = lab.ipam_dir().join(net);
    let written = std::fs::read_to_string(store.join(&live_ip)).unwrap();
    assert_eq!(written, format!("{live_id}\r\neth0"));
    assert!(store.join("lock").exists());
    assert_eq!(
        std::fs::read_to_string(store.join("last_reserved_ip.0")).unwrap(),
        live_ip
    );

    // A reservation without a cache entry.
    std::fs::write(store.join("10.239.0.200"), "planted-ctr\r\neth0").unwrap();
    let v = lab.cnictl(&["ipam", "-o", "json"]).expect(0, "ipam").json();
    let n = &v["networks"][0];
    assert_eq!(n["network"], net);
    let res = n["reservations"].as_array().unwrap();
    assert_eq!(res.len(), 2, "{v:#}");
    let by_ip = |ip: &str| res.iter().find(|r| r["ip"] == ip).unwrap();
    assert_eq!(by_ip(&live_ip)["owner"], "cached");
    assert_eq!(by_ip(&live_ip)["netnsState"], "exists");
    assert_eq!(by_ip("10.239.0.200")["owner"], "unowned");
    assert_eq!(n["missingReservations"], serde_json::json!([]));
    // The live container has .2 (after the gateway .1): next is .3.
    assert_eq!(n["rangeSets"][0]["nextIp"], "10.239.0.3", "{v:#}");
    let table = lab.cnictl(&["ipam"]).expect(0, "ipam table");
    assert!(table.stdout.contains("unowned"), "{}", table.stdout);

    // --release with the live container as the valid set, on stdin.
    let mut child = lab
        .command(&["ipam", "--release", "--valid-from", "-"], &[])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{live_id} eth0\n").as_bytes())
        .unwrap();
    let r = Run::from(child.wait_with_output().unwrap()).expect(0, "ipam --release");
    assert!(r.stdout.contains("released"), "{}", r.stdout);
    let mut left = lab.reservations(net);
    left.sort();
    assert_eq!(left, vec![live_ip], "only the planted reservation goes");
    assert!(store.join("lock").exists() && store.join("last_reserved_ip.0").exists());

    // The attachment is untouched: CHECK passes (portmap's 1.1.1 bug aside), DEL frees its IP.
    let c = lab.cnictl(&["check", net, &ctr, "-v"]);
    common::assert_check_passes_but_for_portmap_bug(&c);
    lab.cnictl(&["del", net, &ctr]).expect(0, "del");
    assert!(lab.reservations(net).is_empty());
}
