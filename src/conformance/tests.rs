use super::*;
use crate::netlink::{Address, Link, OperState, Route};
use serde_json::json;

fn link(index: u32, name: &str, kind: Option<&str>) -> Link {
    Link {
        index,
        name: name.into(),
        kind: kind.map(str::to_string),
        mac: None,
        mtu: Some(1500),
        state: OperState::Up,
        admin_up: true,
        master: None,
        peer_index: None,
        peer_netnsid: None,
    }
}

fn addr(index: u32, a: &str, len: u8) -> Address {
    Address {
        index,
        address: a.parse().unwrap(),
        prefix_len: len,
    }
}

fn route(dst: Option<(&str, u8)>, gw: Option<&str>, oif: u32) -> Route {
    let destination = dst.map(|(d, l)| (d.parse().unwrap(), l));
    let ipv6 = destination.map_or(gw.is_some_and(|g| g.contains(':')), |d: (IpAddr, u8)| {
        d.0.is_ipv6()
    });
    Route {
        destination,
        gateway: gw.map(|g| g.parse().unwrap()),
        oif: Some(oif),
        ipv6,
    }
}

/// A container with eth0 holding 10.1.0.2/24, its subnet route and a default route.
fn container() -> Snapshot {
    Snapshot {
        links: vec![link(1, "lo", None), link(2, "eth0", Some("veth"))],
        addresses: vec![addr(2, "10.1.0.2", 24)],
        routes: vec![
            route(Some(("10.1.0.0", 24)), None, 2),
            route(None, Some("10.1.0.1"), 2),
        ],
    }
}

fn good_result() -> Value {
    json!({
        "cniVersion": "1.0.0",
        "interfaces": [
            {"name": "veth1", "mac": "0a:00:00:00:00:01"},
            {"name": "eth0", "mac": "0a:00:00:00:00:02", "sandbox": "/var/run/netns/c"}
        ],
        "ips": [{"address": "10.1.0.2/24", "gateway": "10.1.0.1", "interface": 1}],
        "routes": [{"dst": "0.0.0.0/0", "gw": "10.1.0.1"}]
    })
}

#[test]
fn a_result_that_keeps_the_contract_has_no_findings() {
    let c = check_result(
        &good_result(),
        "1.0.0",
        "eth0",
        "/var/run/netns/c",
        &container(),
    );
    assert_eq!(c, ResultCheck::default());
}

#[test]
fn each_broken_field_is_named() {
    let mut r = good_result();
    r["ips"][0]["interface"] = json!(2);
    let c = check_result(&r, "1.0.0", "eth0", "/var/run/netns/c", &container());
    assert_eq!(
        c.errors,
        ["ips[0].interface 2 is out of range: the result has 2 interface(s)"]
    );

    let mut r = good_result();
    r["cniVersion"] = json!("0.4.0");
    let c = check_result(&r, "1.0.0", "eth0", "/var/run/netns/c", &container());
    assert!(
        c.errors[0].contains("cniVersion is \"0.4.0\"; the config asked for \"1.0.0\""),
        "{c:?}"
    );

    let mut r = good_result();
    r["routes"] = json!([{"dst": "192.168.0.0/16", "gw": "172.16.0.1"}]);
    let c = check_result(&r, "1.0.0", "eth0", "/var/run/netns/c", &container());
    assert_eq!(c.errors.len(), 2, "{c:?}");
    assert!(
        c.errors[0].contains("172.16.0.1: the gateway is not reachable"),
        "{c:?}"
    );
    // ... and the route is not in the container either.
    assert!(
        c.errors[1].starts_with("route-missing in the container"),
        "{c:?}"
    );

    let mut r = good_result();
    r["ips"][0]["address"] = json!("10.1.0.9/24");
    let c = check_result(&r, "1.0.0", "eth0", "/var/run/netns/c", &container());
    assert_eq!(
        c.errors,
        ["address-missing in the container: 10.1.0.9/24 on eth0"]
    );

    let c = check_result(
        &good_result(),
        "1.0.0",
        "eth1",
        "/var/run/netns/c",
        &container(),
    );
    assert!(
        c.warnings
            .contains(&"the result lists no interface named eth1 (CNI_IFNAME)".to_string()),
        "{c:?}"
    );
    assert!(
        c.errors
            .contains(&"interface-gone in the container: eth1".to_string()),
        "{c:?}"
    );

    let c = check_result(
        &json!({"cniVersion": "1.0.0", "ips": [{"address": "x"}]}),
        "1.0.0",
        "eth0",
        "/n",
        &container(),
    );
    assert!(
        c.errors[0].starts_with("the result does not parse"),
        "{c:?}"
    );
}

#[test]
fn a_missing_sandbox_is_a_warning_and_a_gateway_on_a_routed_prefix_is_reachable() {
    let mut r = good_result();
    r["interfaces"][1]
        .as_object_mut()
        .unwrap()
        .remove("sandbox");
    // A gateway outside the address's subnet, reachable through a device route.
    r["routes"] = json!([{"dst": "0.0.0.0/0", "gw": "169.254.1.1"}]);
    let mut snap = container();
    snap.routes.push(route(Some(("169.254.1.1", 32)), None, 2));
    snap.routes.push(route(None, Some("169.254.1.1"), 2));
    let c = check_result(&r, "1.0.0", "eth0", "/var/run/netns/c", &snap);
    assert!(c.errors.is_empty(), "{c:?}");
    assert_eq!(c.warnings.len(), 1, "{c:?}");
    assert!(c.warnings[0].contains("interfaces[1] (eth0) has no sandbox"));
}

#[test]
fn results_before_1_0_0_name_each_address_family() {
    let mut r = good_result();
    r["cniVersion"] = json!("0.4.0");
    r["ips"][0]["version"] = json!("4");
    let c = check_result(&r, "0.4.0", "eth0", "/var/run/netns/c", &container());
    assert_eq!(c, ResultCheck::default());
    r["ips"][0]["version"] = json!("6");
    let c = check_result(&r, "0.4.0", "eth0", "/var/run/netns/c", &container());
    assert_eq!(
        c.errors,
        ["ips[0].version is \"6\" but the address is IPv4"]
    );
    r["ips"][0].as_object_mut().unwrap().remove("version");
    let c = check_result(&r, "0.4.0", "eth0", "/var/run/netns/c", &container());
    assert_eq!(
        c.errors,
        ["ips[0].version is missing (required before 1.0.0: \"4\" or \"6\")"]
    );
}

#[test]
fn an_old_result_is_checked_in_its_converted_shape() {
    let r = json!({"cniVersion": "0.2.0", "ip4": {"ip": "10.1.0.2/24", "gateway": "10.1.0.1",
        "routes": [{"dst": "0.0.0.0/0"}]}});
    let c = check_result(&r, "0.2.0", "eth0", "/n", &container());
    assert_eq!(c, ResultCheck::default());
    // An empty result claims nothing: there is nothing to look for.
    let c = check_result(
        &json!({"cniVersion": "1.1.0"}),
        "1.1.0",
        "eth0",
        "/n",
        &Snapshot::default(),
    );
    assert_eq!(c, ResultCheck::default());
}

fn list(text: &str) -> NetworkConfigList {
    config::list_from_bytes(text.as_bytes()).unwrap()
}

#[test]
fn versions_come_from_the_flag_then_cni_versions_then_cni_version() {
    let l = list(
        r#"{"cniVersion":"1.0.0","cniVersions":["0.4.0","1.1.0","0.4.0"],"name":"n","plugins":[{"type":"p"}]}"#,
    );
    assert_eq!(round_versions(&l, &[]), ["0.4.0", "1.1.0"]);
    assert_eq!(round_versions(&l, &["0.3.1".to_string()]), ["0.3.1"]);
    let l = list(r#"{"cniVersion":"0.4.0","name":"n","plugins":[{"type":"p"}]}"#);
    assert_eq!(round_versions(&l, &[]), ["0.4.0"]);
}

#[test]
fn the_private_list_is_renamed_versioned_and_keeps_host_local_in_its_own_dir() {
    let mut l = list(
        r#"{"cniVersion":"1.0.0","cniVersions":["1.0.0"],"name":"mine","x":1e400,"plugins":[
        {"type":"bridge","ipam":{"type":"host-local","dataDir":"/var/lib/cni/networks","ranges":[[{"subnet":"10.1.0.0/24"}]]}},
        {"type":"portmap","ipam":{"type":"static"}}]}"#,
    );
    // A plugin of the subdirectory (not inline in the bytes) is part of the chain.
    l.plugins
        .push(config::plugin_from_bytes(br#"{"type":"tuning"}"#).unwrap());
    let p = private_list(&l, "priv", "0.4.0", Path::new("/tmp/run/ipam")).unwrap();
    assert_eq!((p.name.as_str(), p.cni_version.as_str()), ("priv", "0.4.0"));
    let types: Vec<&str> = p.plugins.iter().map(|x| x.plugin_type.as_str()).collect();
    assert_eq!(types, ["bridge", "portmap", "tuning"]);
    assert_eq!(p.plugins[0].raw["ipam"]["dataDir"], "/tmp/run/ipam");
    assert_eq!(
        p.plugins[1].raw["ipam"].get("dataDir"),
        None,
        "only host-local's"
    );
    let top: Value = serde_json::from_slice(&p.bytes).unwrap();
    assert_eq!(top.get("cniVersions"), None);
    let text = String::from_utf8(p.bytes.clone()).unwrap();
    assert!(
        text.contains("\"x\":1e400"),
        "other keys kept as written: {text}"
    );

    // A single-plugin file's own name and version follow the run's.
    let single =
        config::conf_from_bytes(br#"{"cniVersion":"1.0.0","name":"s","type":"ptp"}"#).unwrap();
    let p = private_list(&single, "priv", "0.4.0", Path::new("/d")).unwrap();
    assert_eq!(p.plugins[0].raw["name"], "priv");
    assert_eq!(p.plugins[0].raw["cniVersion"], "0.4.0");
}

#[test]
fn rule_lines_keep_user_chains_and_rules_only() {
    let text = "# Generated by iptables-save\n*nat\n:PREROUTING ACCEPT [3:180]\n:POSTROUTING ACCEPT [0:0]\n:CNI-abc - [0:0]\n-A POSTROUTING -s 10.1.0.2/32 -j CNI-abc\n-A CNI-abc -j MASQUERADE\nCOMMIT\n*filter\n:FORWARD DROP [0:0]\nCOMMIT\n";
    let lines: Vec<String> = rule_lines(text, "").into_iter().collect();
    assert_eq!(
        lines,
        [
            "nat: -A CNI-abc -j MASQUERADE",
            "nat: -A POSTROUTING -s 10.1.0.2/32 -j CNI-abc",
            "nat: :CNI-abc",
        ]
    );
    assert!(rule_lines(text, "ip6 ").contains("ip6 nat: :CNI-abc"));
}

fn state(host: Snapshot, rules: &[&str], ipam: &[&str]) -> State {
    State {
        host,
        rules: Ok(rules.iter().map(|r| r.to_string()).collect()),
        containers: Vec::new(),
        ipam: ipam.iter().map(|r| r.to_string()).collect(),
    }
}

#[test]
fn leftovers_name_links_addresses_routes_rules_and_reservations_but_keep_bridges() {
    let before_host = Snapshot {
        links: vec![link(1, "lo", None), link(2, "up0", Some("veth"))],
        addresses: vec![],
        routes: vec![],
    };
    let mut after_host = before_host.clone();
    // A bridge with its address and route: kept by design.
    after_host.links.push(link(3, "cni0", Some("bridge")));
    after_host.addresses.push(addr(3, "10.1.0.1", 24));
    after_host
        .routes
        .push(route(Some(("10.1.0.0", 24)), None, 3));
    // A bridge the config does not name: left, reported once (not its address).
    after_host.links.push(link(4, "br-other", Some("bridge")));
    after_host.addresses.push(addr(4, "10.2.0.1", 24));
    // A host veth: left, reported once (not its address).
    after_host.links.push(link(7, "veth9", Some("veth")));
    after_host.addresses.push(addr(7, "fe80::1", 64));
    // An address and a route on a link that was there before: left.
    after_host.addresses.push(addr(2, "192.168.5.1", 24));
    after_host
        .routes
        .push(route(Some(("10.9.0.0", 16)), Some("192.168.5.9"), 2));
    let before = state(before_host, &["nat: -A X"], &["net/lock"]);
    let after = state(
        after_host,
        &["nat: -A X", "nat: :CNI-1"],
        &["net/lock", "net/last_reserved_ip.0", "net/10.1.0.5"],
    );
    let bridges = BTreeSet::from(["cni0".to_string()]);
    let (left, kept) = leftovers(&before, &after, &bridges);
    assert_eq!(
        left,
        [
            "host: link br-other (bridge)",
            "host: link veth9 (veth)",
            "host: address 192.168.5.1/24 on up0",
            "host: route 10.9.0.0/16 via 192.168.5.9 dev up0",
            "iptables nat: :CNI-1",
            "ipam: net/10.1.0.5 (a reservation)",
        ]
    );
    assert_eq!(
        kept,
        ["host: bridge cni0 (a bridge plugin keeps its bridge for the next container)"]
    );
    assert_eq!(
        removed(&after, &before),
        [
            "host: link cni0",
            "host: link br-other",
            "host: link veth9",
            "iptables nat: :CNI-1"
        ]
    );
    // The same state twice leaves nothing.
    assert_eq!(
        leftovers(&after, &after, &bridges),
        (Vec::new(), Vec::new())
    );
    // Without a bridge plugin naming it, cni0 is left too.
    let (left, kept) = leftovers(&before, &after, &BTreeSet::new());
    assert!(
        left.contains(&"host: link cni0 (bridge)".to_string()),
        "{left:?}"
    );
    assert!(kept.is_empty(), "{kept:?}");
}

#[test]
fn kept_bridges_are_the_bridge_plugins_bridge_keys_else_cni0() {
    let list = crate::config::list_from_bytes(
        br#"{"cniVersion": "1.0.0", "name": "n", "plugins": [
            {"type": "bridge", "bridge": "br-mine"},
            {"type": "bridge"},
            {"type": "macvlan", "bridge": "not-a-bridge-plugin"}]}"#,
    )
    .unwrap();
    assert_eq!(
        kept_bridges(&list),
        BTreeSet::from(["br-mine".to_string(), "cni0".to_string()])
    );
}

#[test]
fn container_namespaces_are_compared_by_label_and_gone_ones_skipped() {
    let mut before = state(Snapshot::default(), &[], &[]);
    before.containers = vec![(
        "a".into(),
        Snapshot {
            links: vec![link(1, "lo", None)],
            ..Default::default()
        },
    )];
    let mut after = before.clone();
    after.containers[0]
        .1
        .links
        .push(link(4, "eth0", Some("macvlan")));
    after.containers.push(("b".into(), container()));
    let (left, _) = leftovers(&before, &after, &BTreeSet::new());
    assert_eq!(left, ["container a: link eth0 (macvlan)"]);
    assert_eq!(removed(&after, &before), ["container a: link eth0"]);
    // Rules that cannot be read are not compared.
    after.rules = Err("no iptables".into());
    after.containers.truncate(0);
    assert_eq!(
        leftovers(&before, &after, &BTreeSet::new()),
        (Vec::new(), Vec::new())
    );
}
