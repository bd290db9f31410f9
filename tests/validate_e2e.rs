//! The severities of `cnictl validate` against Debian's real plugins (containernetworking-
//! plugins 1.1.1 in /usr/lib/cni): for each config, `validate --static` reports an error
//! exactly when `cnictl add` with the real chain fails. A config with only warnings must ADD
//! (and DEL) fine, and so must a near miss with no finding at all. Needs root: every run
//! happens in the lab's throwaway host namespace, with the lab's bridge name, IPAM data dir
//! and cache dir (tests/common `Lab`).

mod common;

use common::Lab;
use serde_json::{json, Value};

/// Builds a conflist from the lab's bridge name, IPAM data dir and a subnet.
type Conf = Box<dyn Fn(&str, &str, &str) -> Value>;

struct Case {
    label: &'static str,
    /// For a config that must fail: a piece of the plugin's error.
    why: &'static str,
    /// The rule validate must report; empty: validate must report nothing at all.
    rule: &'static str,
    /// The conflist, given the lab's bridge name, IPAM data dir and a subnet of its own.
    conf: Conf,
}

/// What Debian's plugins 1.1.1 answer to the failing configs.
const WHY: &[(&str, &str)] = &[
    ("first-portmap", "must be called as chained plugin"),
    ("first-tuning", "Required prevResult missing"),
    ("first-bandwidth", "nil pointer dereference"),
    ("first-firewall", "missing prevResult"),
    ("first-sbr", "must be called as chained plugin"),
    ("first-vrf", "missing prevResult"),
    ("bridge-then-ptp", "already exists"),
    ("string-bool", "cannot unmarshal string"),
    ("float-mtu", "cannot unmarshal number 1400.0"),
    ("vlan-5000", "invalid VLAN ID 5000"),
    ("route-no-dst", "invalid CIDR address"),
    ("route-host-bits", "invalid argument"),
    ("no-ranges", "no IP ranges specified"),
    ("slash-31", "too small to allocate from"),
    ("host-bits", "host bits set"),
    ("start-after-end", "not in network"),
    ("overlapping-sets", "overlaps"),
    ("bad-gateway", "invalid IP address"),
    ("ptp-no-ipam", "no plugin name provided"),
    ("sysctl-kernel", "invalid net sysctl key"),
    ("rate-no-burst", "burst must also be set"),
    ("mark-bit-40", "MasqMarkBit must be between 0 and 31"),
    ("ingress-closed", "unknown ingress policy"),
    ("version-1.0", "incompatible CNI versions"),
    ("tuning-mtu", "invalid argument"),
    ("long-bridge-name", "numerical result out of range"),
    ("gw-outside-route", "network is unreachable"),
    ("gw-outside-default-gw", "network is unreachable"),
    ("ptp-gw-outside-route", "network is unreachable"),
    ("route-gw-outside", "network is unreachable"),
    ("static-route-gw-outside", "network is unreachable"),
    ("static-gw-outside-route", "network is unreachable"),
    ("gw6-outside-route", "no route to host"),
];

fn list(name: &str, version: &str, plugins: Value) -> Value {
    json!({"cniVersion": version, "name": name, "plugins": plugins})
}

/// A second /24 of a case's own, outside its subnet (`10.A.B.0/24` → `172.(A-84).B.0/24`).
fn side(subnet: &str) -> String {
    let mut parts = subnet.split('.');
    let a: u32 = parts
        .next()
        .and(parts.next())
        .and_then(|p| p.parse().ok())
        .unwrap_or(100);
    let b = parts.next().unwrap_or("0");
    format!("172.{}.{b}.0/24", a.saturating_sub(84))
}

/// An IPv6 /64 of a case's own (`10.A.B.0/24` → `fd00:A:B::/64`).
fn v6(subnet: &str) -> String {
    let p: Vec<&str> = subnet.split(['.', '/']).collect();
    format!("fd00:{}:{}::/64", p[1], p[2])
}

fn bridge(br: &str, ipam_dir: &str, subnet: &str) -> Value {
    json!({"type": "bridge", "bridge": br, "isGateway": true,
           "ipam": {"type": "host-local", "dataDir": ipam_dir, "ranges": [[{"subnet": subnet}]]}})
}

/// The first three octets of a /24 subnet, for addresses inside it.
fn prefix(subnet: &str) -> String {
    subnet
        .rsplit_once('.')
        .map(|(p, _)| p.to_string())
        .unwrap_or_default()
}

fn case(
    label: &'static str,
    rule: &'static str,
    conf: impl Fn(&str, &str, &str) -> Value + 'static,
) -> Case {
    Case {
        label,
        why: WHY.iter().find(|w| w.0 == label).map_or("", |w| w.1),
        rule,
        conf: Box::new(conf),
    }
}

/// A chain of bridge (host-local) followed by `next`.
fn after_bridge(label: &'static str, rule: &'static str, next: Value) -> Case {
    case(label, rule, move |br, d, s| {
        list(label, "1.0.0", json!([bridge(br, d, s), next.clone()]))
    })
}

/// bridge with its host-local `ipam` replaced.
fn with_ipam(
    label: &'static str,
    rule: &'static str,
    ipam: impl Fn(&str, &str) -> Value + 'static,
) -> Case {
    case(label, rule, move |br, d, s| {
        let mut b = bridge(br, d, s);
        b["ipam"] = ipam(d, s);
        list(label, "1.0.0", json!([b]))
    })
}

/// bridge with extra keys.
fn bridge_with(label: &'static str, rule: &'static str, extra: Value) -> Case {
    case(label, rule, move |br, d, s| {
        let mut b = bridge(br, d, s);
        for (k, v) in extra.as_object().unwrap() {
            b[k] = v.clone();
        }
        list(label, "1.0.0", json!([b]))
    })
}

fn alone(label: &'static str, rule: &'static str, plugin: Value) -> Case {
    case(label, rule, move |_, _, _| {
        list(label, "1.0.0", json!([plugin.clone()]))
    })
}

/// Configs validate calls errors: ADD must fail.
fn failing() -> Vec<Case> {
    vec![
        alone(
            "first-portmap",
            "chained-only-first",
            json!({"type": "portmap", "capabilities": {"portMappings": true}}),
        ),
        alone(
            "first-tuning",
            "chained-only-first",
            json!({"type": "tuning"}),
        ),
        alone(
            "first-bandwidth",
            "chained-only-first",
            json!({"type": "bandwidth"}),
        ),
        alone(
            "first-firewall",
            "chained-only-first",
            json!({"type": "firewall"}),
        ),
        alone("first-sbr", "chained-only-first", json!({"type": "sbr"})),
        alone(
            "first-vrf",
            "chained-only-first",
            json!({"type": "vrf", "vrfname": "v0"}),
        ),
        case("bridge-then-ptp", "interface-created-twice", |br, d, s| {
            list(
                "bridge-then-ptp",
                "1.0.0",
                json!([bridge(br, d, s),
                {"type": "ptp", "ipam": {"type": "host-local", "dataDir": d, "ranges": [[{"subnet": "10.254.254.0/24"}]]}}]),
            )
        }),
        bridge_with("string-bool", "wrong-type", json!({"isGateway": "true"})),
        bridge_with("float-mtu", "wrong-type", json!({"mtu": 1400.0})),
        bridge_with("vlan-5000", "invalid-value", json!({"vlan": 5000})),
        with_ipam(
            "route-no-dst",
            "invalid-route",
            |d, s| json!({"type": "host-local", "dataDir": d, "ranges": [[{"subnet": s}]], "routes": [{"gw": format!("{}.1", prefix(s))}]}),
        ),
        with_ipam(
            "route-host-bits",
            "invalid-route",
            |d, s| json!({"type": "host-local", "dataDir": d, "ranges": [[{"subnet": s}]], "routes": [{"dst": "10.1.2.3/16"}]}),
        ),
        with_ipam(
            "no-ranges",
            "hostlocal-no-range",
            |d, _| json!({"type": "host-local", "dataDir": d}),
        ),
        with_ipam(
            "slash-31",
            "hostlocal-invalid-range",
            |d, s| json!({"type": "host-local", "dataDir": d, "ranges": [[{"subnet": s.replace("/24", "/31")}]]}),
        ),
        with_ipam(
            "host-bits",
            "hostlocal-invalid-range",
            |d, s| json!({"type": "host-local", "dataDir": d, "ranges": [[{"subnet": s.replace(".0/24", ".5/24")}]]}),
        ),
        with_ipam("start-after-end", "hostlocal-invalid-range", |d, s| {
            let p = prefix(s);
            json!({"type": "host-local", "dataDir": d, "ranges": [[{"subnet": s, "rangeStart": format!("{p}.50"), "rangeEnd": format!("{p}.40")}]]})
        }),
        with_ipam(
            "overlapping-sets",
            "hostlocal-overlap",
            |d, s| json!({"type": "host-local", "dataDir": d, "ranges": [[{"subnet": s}], [{"subnet": s.replace("/24", "/25")}]]}),
        ),
        with_ipam(
            "bad-gateway",
            "invalid-address",
            |d, s| json!({"type": "host-local", "dataDir": d, "ranges": [[{"subnet": s, "gateway": format!("{}.300", prefix(s))}]]}),
        ),
        alone("ptp-no-ipam", "required-key", json!({"type": "ptp"})),
        after_bridge(
            "sysctl-kernel",
            "invalid-value",
            json!({"type": "tuning", "sysctl": {"kernel.hostname": "x"}}),
        ),
        after_bridge(
            "rate-no-burst",
            "invalid-value",
            json!({"type": "bandwidth", "ingressRate": 1000}),
        ),
        after_bridge(
            "mark-bit-40",
            "invalid-value",
            json!({"type": "portmap", "markMasqBit": 40, "capabilities": {"portMappings": true}}),
        ),
        after_bridge(
            "ingress-closed",
            "invalid-value",
            json!({"type": "firewall", "ingressPolicy": "closed"}),
        ),
        case("version-1.0", "cni-version-unknown", |br, d, s| {
            list("version-1.0", "1.0", json!([bridge(br, d, s)]))
        }),
        // A gateway outside the subnet is fine until a route goes through it.
        with_ipam(
            "gw-outside-route",
            "invalid-route",
            |d, s| json!({"type": "host-local", "dataDir": d, "ranges": [[{"subnet": s, "gateway": "10.253.0.1"}]], "routes": [{"dst": "0.0.0.0/0"}]}),
        ),
        case("gw-outside-default-gw", "invalid-route", |br, d, s| {
            list(
                "gw-outside-default-gw",
                "1.0.0",
                json!([{"type": "bridge", "bridge": br, "isDefaultGateway": true,
                        "ipam": {"type": "host-local", "dataDir": d, "ranges": [[{"subnet": s, "gateway": "10.253.0.1"}]]}}]),
            )
        }),
        case("ptp-gw-outside-route", "invalid-route", |_, d, s| {
            list(
                "ptp-gw-outside-route",
                "1.0.0",
                json!([{"type": "ptp",
                        "ipam": {"type": "host-local", "dataDir": d, "ranges": [[{"subnet": s, "gateway": "10.253.0.1"}]], "routes": [{"dst": "0.0.0.0/0"}]}}]),
            )
        }),
        with_ipam(
            "route-gw-outside",
            "invalid-route",
            |d, s| json!({"type": "host-local", "dataDir": d, "ranges": [[{"subnet": s}]], "routes": [{"dst": "192.168.250.0/24", "gw": "10.99.7.1"}]}),
        ),
        with_ipam("static-route-gw-outside", "invalid-route", |_, s| {
            let p = prefix(s);
            json!({"type": "static", "addresses": [{"address": format!("{p}.5/24"), "gateway": format!("{p}.1")}],
                   "routes": [{"dst": "192.168.250.0/24", "gw": "10.99.7.1"}]})
        }),
        with_ipam("static-gw-outside-route", "invalid-route", |_, s| {
            let p = prefix(s);
            json!({"type": "static", "addresses": [{"address": format!("{p}.5/24"), "gateway": "10.253.0.1"}],
                   "routes": [{"dst": "0.0.0.0/0"}]})
        }),
        with_ipam(
            "gw6-outside-route",
            "invalid-route",
            |d, s| json!({"type": "host-local", "dataDir": d, "ranges": [[{"subnet": v6(s), "gateway": "fd99::1"}]], "routes": [{"dst": "::/0"}]}),
        ),
    ]
}

/// Configs validate only warns about: ADD must work.
fn working() -> Vec<Case> {
    vec![
        with_ipam(
            "gateway-outside",
            "hostlocal-odd",
            |d, s| json!({"type": "host-local", "dataDir": d, "ranges": [[{"subnet": s, "gateway": "10.253.0.1"}]]}),
        ),
        with_ipam(
            "start-at-network",
            "hostlocal-odd",
            |d, s| json!({"type": "host-local", "dataDir": d, "ranges": [[{"subnet": s.replace("/24", "/30"), "rangeStart": s.replace("/24", "")}]]}),
        ),
        with_ipam("end-at-broadcast", "hostlocal-odd", |d, s| {
            let p = prefix(s);
            json!({"type": "host-local", "dataDir": d, "ranges": [[{"subnet": s.replace("/24", "/30"), "rangeStart": format!("{p}.3"), "rangeEnd": format!("{p}.3")}]]})
        }),
        after_bridge(
            "firewall-nftables",
            "odd-value",
            json!({"type": "firewall", "backend": "nftables"}),
        ),
        bridge_with("case-key", "key-case", json!({"IsGateway": true})),
        bridge_with("add-if", "unknown-key", json!({"addIf": "true"})),
        bridge_with(
            "dns-name",
            "dns-nameserver",
            json!({"dns": {"nameservers": ["dns.example.com"]}}),
        ),
        bridge_with(
            "cap-portmappings",
            "unknown-capability",
            json!({"capabilities": {"portMappings": true}}),
        ),
        case("ipam-no-type", "ipam-without-type", |br, _, s| {
            list(
                "ipam-no-type",
                "1.0.0",
                json!([{"type": "bridge", "bridge": br, "ipam": {"subnet": s}}]),
            )
        }),
        after_bridge(
            "portmap-no-cap",
            "portmap-without-capability",
            json!({"type": "portmap"}),
        ),
        after_bridge(
            "tuning-runtime-config",
            "reserved-key",
            json!({"type": "tuning", "runtimeConfig": {"mac": "c2:11:22:33:44:55"}}),
        ),
        case("old-version", "cni-version-old", |br, d, s| {
            list("old-version", "0.3.1", json!([bridge(br, d, s)]))
        }),
        case(
            "no-version",
            "cni-version-missing",
            |br, d, s| json!({"name": "no-version", "plugins": [bridge(br, d, s)]}),
        ),
        case(
            "string-flag",
            "string-boolean",
            |br, d, s| json!({"cniVersion": "1.0.0", "name": "string-flag", "disableCheck": "true", "plugins": [bridge(br, d, s)]}),
        ),
        // ptp routes the subnet through the gateway after a host route to it: no error.
        case("ptp-gw-outside", "hostlocal-odd", |_, d, s| {
            list(
                "ptp-gw-outside",
                "1.0.0",
                json!([{"type": "ptp",
                        "ipam": {"type": "host-local", "dataDir": d, "ranges": [[{"subnet": s, "gateway": "10.253.0.1"}]]}}]),
            )
        }),
        // The gateway is outside its own range but inside the second set's subnet, which
        // is on the interface too. (No isGateway: bridge would then put both sets' gateways
        // on the bridge, and it refuses two addresses of one subnet.)
        case("gw-in-other-set", "hostlocal-odd", |br, d, s| {
            let other = side(s);
            let gw = format!("{}.9", prefix(&other));
            list(
                "gw-in-other-set",
                "1.0.0",
                json!([{"type": "bridge", "bridge": br,
                        "ipam": {"type": "host-local", "dataDir": d,
                                 "ranges": [[{"subnet": s, "gateway": gw}], [{"subnet": other}]],
                                 "routes": [{"dst": "0.0.0.0/0"}]}}]),
            )
        }),
        // Near misses: no finding, and ADD works.
        with_ipam("route-gw-inside", "", |d, s| {
            json!({"type": "host-local", "dataDir": d, "ranges": [[{"subnet": s}]],
                   "routes": [{"dst": "192.168.250.0/24", "gw": format!("{}.7", prefix(s))}]})
        }),
        case("default-gw-inside", "", |br, d, s| {
            list(
                "default-gw-inside",
                "1.0.0",
                json!([{"type": "bridge", "bridge": br, "isDefaultGateway": true,
                        "ipam": {"type": "host-local", "dataDir": d, "ranges": [[{"subnet": s}]]}}]),
            )
        }),
        with_ipam("static-route-gw-inside", "", |_, s| {
            let p = prefix(s);
            json!({"type": "static", "addresses": [{"address": format!("{p}.5/24"), "gateway": format!("{p}.1")}],
                   "routes": [{"dst": "0.0.0.0/0"}, {"dst": "192.168.250.0/24", "gw": format!("{p}.7")}]})
        }),
        bridge_with("hairpin-typo", "unknown-key", json!({"hairpin": true})),
        after_bridge(
            "bandwidth-unshaped",
            "",
            json!({"type": "bandwidth", "ingressRate": 100000, "ingressBurst": 100000, "unshapedSubnets": ["10.0.0.0/8"]}),
        ),
    ]
}

#[test]
#[ignore = "needs root: runs Debian's plugins in throwaway network namespaces"]
fn validate_errors_are_exactly_the_configs_real_plugins_reject() {
    let lab = Lab::new();
    let br = lab.bridge();
    let ipam = lab.ipam_dir().display().to_string();
    let mut mismatches = Vec::new();
    let cases: Vec<(Case, bool)> = failing()
        .into_iter()
        .map(|c| (c, true))
        .chain(working().into_iter().map(|c| (c, false)))
        .collect();
    for (i, (c, should_fail)) in cases.iter().enumerate() {
        let subnet = format!("10.{}.{}.0/24", 100 + i / 200, i % 200);
        // A bridge of its own per case: bridge refuses a second gateway address.
        let br = format!("{br}{i:02}");
        let file = format!("10-{}.conflist", c.label);
        lab.write_conf(&file, &(c.conf)(&br, &ipam, &subnet));
        let path = lab.conf_dir().join(&file);
        let v = lab
            .cnictl(&["validate", "--static", "-o", "json", path.to_str().unwrap()])
            .json();
        let diags = v["diagnostics"].as_array().cloned().unwrap_or_default();
        let errors = v["summary"]["errors"].as_u64().unwrap_or(0);
        if c.rule.is_empty() && !diags.is_empty() {
            mismatches.push(format!("{}: validate reported findings: {v}", c.label));
        } else if !c.rule.is_empty() && !diags.iter().any(|d| d["rule"] == c.rule) {
            mismatches.push(format!(
                "{}: validate did not report {}: {v}",
                c.label, c.rule
            ));
        }
        let container = lab.container(&i.to_string());
        let add = lab.cnictl(&["add", c.label, &container]);
        if add.code == 0 && c.label == "firewall-nftables" {
            // An unknown backend falls back to iptables (no firewalld in the lab).
            let rules = common::run(
                "ip",
                &["netns", "exec", &lab.host, "iptables-save", "-t", "filter"],
            )
            .stdout;
            assert!(
                rules.contains("CNI-FORWARD"),
                "firewall added no iptables rules:\n{rules}"
            );
        }
        if add.code == 0 {
            let del = lab.cnictl(&["del", c.label, &container]);
            assert_eq!(del.code, 0, "{}: del failed: {}", c.label, del.stderr);
        }
        let failed = add.code != 0;
        if failed && !add.stderr.contains(c.why) {
            mismatches.push(format!(
                "{}: add failed for another reason than {:?}: {}",
                c.label, c.why, add.stderr
            ));
        }
        if failed != *should_fail || (errors > 0) != failed {
            mismatches.push(format!(
                "{}: add exit {} but validate found {errors} error(s): {v}\nadd stderr: {}",
                c.label, add.code, add.stderr
            ));
        }
        std::fs::remove_file(&path).unwrap();
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n\n"));
}
