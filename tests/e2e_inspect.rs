//! End to end: `cnictl inspect` against Debian's plugins in a test-owned host namespace
//! (--host-netns), after `add` (bridge + host-local + portmap with a port mapping) and after the
//! container's address is removed behind cnictl's back.

mod common;
#[path = "common/inspect_schema.rs"]
mod inspect_schema;

use common::Lab;

const PORTMAP: &str = r#"portMappings=[{"hostPort":18081,"containerPort":80,"protocol":"tcp"}]"#;

#[test]
#[ignore = "needs root and /usr/lib/cni plugins; run with --include-ignored"]
fn inspect_shows_the_kernel_and_flags_a_removed_address() {
    let lab = Lab::new();
    let net = "e2einspect";
    lab.write_conf(
        "10-inspect.conflist",
        &lab.standard_conf(net, "1.0.0", "net.core.somaxconn", "10.232.0.0/24"),
    );
    let ctr = lab.container("i");
    let add = lab
        .cnictl(&["add", net, &ctr, "--cap", PORTMAP])
        .expect(0, "add");
    let result = add.json();
    let addr = result["ips"][0]["address"]
        .as_str()
        .expect("address")
        .to_string();
    let gw = result["ips"][0]["gateway"]
        .as_str()
        .expect("gateway")
        .to_string();
    let host_veth_kernel = lab.host_veths();

    // All matches: exit 0, and the JSON holds eth0's address, the default route, the host-side
    // veth on the lab's bridge and the DNAT rule.
    let ok = lab
        .cnictl(&["inspect", &ctr, "-o", "json"])
        .expect(0, "inspect");
    let v = ok.json();
    inspect_schema::assert_valid_inspect(&v);
    assert_eq!(v["matches"], true, "{}", ok.stdout);
    assert!(v["differences"].as_array().unwrap().is_empty());
    let eth0 = v["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["name"] == "eth0")
        .expect("eth0 in links");
    assert_eq!(eth0["kind"], "veth");
    assert_eq!(
        eth0["peer"]["netns"],
        lab.host.as_str(),
        "peer named: {eth0}"
    );
    assert!(
        v["addresses"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["link"] == "eth0" && a["address"] == addr.as_str()),
        "eth0 lacks {addr}: {}",
        ok.stdout
    );
    assert!(
        v["routes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["destination"] == "default" && r["gateway"] == gw.as_str()),
        "no default route via {gw}: {}",
        ok.stdout
    );
    let att = &v["attachments"][0];
    assert_eq!(att["network"], net);
    assert_eq!(att["ifname"], "eth0");
    let veth = att["host"]["veth"].as_str().expect("host veth");
    assert!(
        host_veth_kernel.contains(&format!(": {veth}@")),
        "host veth {veth} is not in the host namespace: {host_veth_kernel}"
    );
    assert_eq!(att["host"]["bridge"], lab.bridge().as_str());
    assert_eq!(att["portMappings"][0]["hostPort"], 18081);
    assert_eq!(att["portMappings"][0]["rule"], "present", "{}", ok.stdout);

    // The table says the same.
    let table = lab.cnictl(&["inspect", &ctr]).expect(0, "inspect table");
    for word in [addr.as_str(), veth, lab.bridge().as_str(), "present", "ok:"] {
        assert!(
            table.stdout.contains(word),
            "table lacks {word}:\n{}",
            table.stdout
        );
    }

    // Remove the address behind cnictl's back: flagged, exit 1.
    lab.ip(&ctr, &["addr", "del", &addr, "dev", "eth0"])
        .expect(0, "ip addr del");
    let bad = lab
        .cnictl(&["inspect", &ctr, "-o", "json"])
        .expect(1, "inspect after addr del");
    let v = bad.json();
    inspect_schema::assert_valid_inspect(&v);
    assert_eq!(v["matches"], false);
    let diffs = v["differences"].as_array().unwrap();
    assert!(
        diffs.iter().any(|d| d["kind"] == "address-missing"
            && d["subject"] == format!("{addr} on eth0").as_str()),
        "missing address not flagged: {}",
        bad.stdout
    );
    let table = lab
        .cnictl(&["inspect", &ctr])
        .expect(1, "inspect table after addr del");
    assert!(table.stdout.contains("address-missing"), "{}", table.stdout);

    // A namespace that does not exist is a usage error.
    lab.cnictl(&["inspect", &format!("{ctr}-missing")])
        .expect(2, "inspect of a missing namespace");

    lab.cnictl(&["del", net, &ctr, "--rm-netns"])
        .expect(0, "del");
}
