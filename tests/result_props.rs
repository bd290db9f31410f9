//! Property tests of result conversion (libcni's `GetAsVersion`, digest: "Result conversion"):
//! every version converts to every other without panicking; up conversions and the 1.x → 0.4.0
//! → 1.x round trip keep what the spec says they keep (IPs, gateways, interface indexes,
//! routes, DNS, interface name/mac/sandbox); a down conversion to 0.2.0 keeps the first IP of
//! each family; and a result read back from its own JSON is the same result.

use cnictl::types::result::{
    CniResult, Dns, Interface040, Interface100, IpConfig020, IpConfig040, IpConfig100, Result020,
    Result040, Result100, Route,
};
use cnictl::KNOWN_VERSIONS;
use proptest::prelude::*;
use std::net::{Ipv4Addr, Ipv6Addr};

fn v4() -> impl Strategy<Value = String> {
    any::<u32>().prop_map(|a| Ipv4Addr::from(a).to_string())
}

fn v6() -> impl Strategy<Value = String> {
    any::<u128>().prop_map(|a| Ipv6Addr::from(a).to_string())
}

/// An address with a prefix length, either family, and whether it is IPv4.
fn cidr() -> impl Strategy<Value = (String, bool)> {
    prop_oneof![
        (v4(), 0u8..=32).prop_map(|(a, p)| (format!("{a}/{p}"), true)),
        (v6(), 0u8..=128).prop_map(|(a, p)| (format!("{a}/{p}"), false)),
    ]
}

fn gateway() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(prop_oneof![v4(), v6()])
}

fn word() -> impl Strategy<Value = String> {
    "[a-z0-9][a-z0-9.-]{0,12}"
}

fn route() -> impl Strategy<Value = Route> {
    (
        cidr(),
        gateway(),
        (0i64..9000, 0i64..9000, 0i64..100),
        proptest::option::of(0i64..300),
        proptest::option::of(prop_oneof![Just(0i64), Just(253), Just(254)]),
    )
        .prop_map(
            |((dst, _), gw, (mtu, advmss, priority), table, scope)| Route {
                dst,
                gw,
                mtu,
                advmss,
                priority,
                table,
                scope,
            },
        )
}

/// A route of the 0.1.0/0.2.0 shape (only `dst` and `gw`).
fn route020(v4_family: bool) -> impl Strategy<Value = Route> {
    let dst = if v4_family {
        (v4(), 0u8..=32)
            .prop_map(|(a, p)| format!("{a}/{p}"))
            .boxed()
    } else {
        (v6(), 0u8..=128)
            .prop_map(|(a, p)| format!("{a}/{p}"))
            .boxed()
    };
    (dst, gateway()).prop_map(|(dst, gw)| Route {
        dst,
        gw,
        ..Default::default()
    })
}

fn dns() -> impl Strategy<Value = Dns> {
    (
        proptest::collection::vec(prop_oneof![v4(), v6()], 0..3),
        prop_oneof![Just(String::new()), word()],
        proptest::collection::vec(word(), 0..3),
        proptest::collection::vec(word(), 0..2),
    )
        .prop_map(|(nameservers, domain, search, options)| Dns {
            nameservers,
            domain,
            search,
            options,
        })
}

fn mac() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        any::<[u8; 6]>().prop_map(|b| b
            .iter()
            .map(|x| format!("{x:02x}"))
            .collect::<Vec<_>>()
            .join(":")),
    ]
}

fn interface100() -> impl Strategy<Value = Interface100> {
    (
        "(eth|net|veth)[0-9]{1,3}",
        mac(),
        0i64..9001,
        prop_oneof![Just(String::new()), Just("/var/run/netns/p".to_string())],
        prop_oneof![Just(String::new()), Just("/run/vhost.sock".to_string())],
        prop_oneof![Just(String::new()), Just("0000:00:1f.0".to_string())],
    )
        .prop_map(
            |(name, mac, mtu, sandbox, socket_path, pci_id)| Interface100 {
                name,
                mac,
                mtu,
                sandbox,
                socket_path,
                pci_id,
            },
        )
}

fn result100(version: &'static str) -> impl Strategy<Value = Result100> {
    (
        proptest::collection::vec(interface100(), 0..3),
        proptest::collection::vec((cidr(), gateway(), proptest::option::of(-1i64..3)), 0..4),
        proptest::collection::vec(route(), 0..4),
        dns(),
    )
        .prop_map(move |(interfaces, ips, routes, dns)| Result100 {
            cni_version: version.to_string(),
            interfaces,
            ips: ips
                .into_iter()
                .map(|((address, _), gateway, interface)| IpConfig100 {
                    interface,
                    address,
                    gateway,
                })
                .collect(),
            routes,
            dns,
        })
}

/// A 0.3.x/0.4.0 result whose `version` fields match their addresses (what plugins send).
fn result040(version: &'static str) -> impl Strategy<Value = Result040> {
    (
        proptest::collection::vec(
            (
                "(eth|net)[0-9]",
                mac(),
                prop_oneof![Just(""), Just("/var/run/netns/p")],
            ),
            0..3,
        ),
        proptest::collection::vec((cidr(), gateway(), proptest::option::of(-1i64..3)), 0..4),
        proptest::collection::vec(route(), 0..4),
        dns(),
    )
        .prop_map(move |(interfaces, ips, routes, dns)| Result040 {
            cni_version: version.to_string(),
            interfaces: interfaces
                .into_iter()
                .map(|(name, mac, sandbox)| Interface040 {
                    name,
                    mac,
                    sandbox: sandbox.to_string(),
                })
                .collect(),
            ips: ips
                .into_iter()
                .map(|((address, is_v4), gateway, interface)| IpConfig040 {
                    version: if is_v4 { "4" } else { "6" }.to_string(),
                    interface,
                    address,
                    gateway,
                })
                .collect(),
            routes,
            dns,
        })
}

fn ip020(v4_family: bool) -> impl Strategy<Value = IpConfig020> {
    let ip = if v4_family {
        (v4(), 0u8..=32)
            .prop_map(|(a, p)| format!("{a}/{p}"))
            .boxed()
    } else {
        (v6(), 0u8..=128)
            .prop_map(|(a, p)| format!("{a}/{p}"))
            .boxed()
    };
    (
        ip,
        gateway(),
        proptest::collection::vec(route020(v4_family), 0..3),
    )
        .prop_map(|(ip, gateway, routes)| IpConfig020 {
            ip,
            gateway,
            routes,
        })
}

fn result020(version: &'static str) -> impl Strategy<Value = Result020> {
    (
        proptest::option::of(ip020(true)),
        proptest::option::of(ip020(false)),
        dns(),
    )
        .prop_map(move |(ip4, ip6, dns)| Result020 {
            cni_version: version.to_string(),
            ip4,
            ip6,
            dns,
        })
}

/// Any result of any known version.
fn any_result() -> impl Strategy<Value = CniResult> {
    prop_oneof![
        result020("0.1.0").prop_map(CniResult::V020),
        result020("0.2.0").prop_map(CniResult::V020),
        result040("0.3.0").prop_map(CniResult::V040),
        result040("0.3.1").prop_map(CniResult::V040),
        result040("0.4.0").prop_map(CniResult::V040),
        result100("1.0.0").prop_map(CniResult::V100),
        result100("1.1.0").prop_map(CniResult::V100),
    ]
}

/// (address, gateway) of every IP, in order, whatever the version.
fn ips(r: &CniResult) -> Vec<(String, Option<String>)> {
    match r {
        CniResult::V020(r) => [&r.ip4, &r.ip6]
            .into_iter()
            .flatten()
            .map(|c| (c.ip.clone(), c.gateway.clone()))
            .collect(),
        CniResult::V040(r) => r
            .ips
            .iter()
            .map(|c| (c.address.clone(), c.gateway.clone()))
            .collect(),
        CniResult::V100(r) => r
            .ips
            .iter()
            .map(|c| (c.address.clone(), c.gateway.clone()))
            .collect(),
    }
}

fn routes(r: &CniResult) -> Vec<Route> {
    match r {
        CniResult::V020(r) => [&r.ip4, &r.ip6]
            .into_iter()
            .flatten()
            .flat_map(|c| c.routes.iter().cloned())
            .collect(),
        CniResult::V040(r) => r.routes.clone(),
        CniResult::V100(r) => r.routes.clone(),
    }
}

fn dns_of(r: &CniResult) -> &Dns {
    match r {
        CniResult::V020(r) => &r.dns,
        CniResult::V040(r) => &r.dns,
        CniResult::V100(r) => &r.dns,
    }
}

fn is_020(v: &str) -> bool {
    v == "0.1.0" || v == "0.2.0"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Every result converts to every known version (or refuses with an error) without
    /// panicking; the converted result says the version asked for; conversions between 0.3.0
    /// and later keep every IP, route and the DNS; from 0.1.0/0.2.0 up, they keep all of it too.
    #[test]
    fn every_conversion_keeps_ips_routes_and_dns(r in any_result()) {
        for &to in KNOWN_VERSIONS {
            let converted = r.convert_to(to);
            if is_020(to) && !is_020(r.version()) {
                // Down to 0.2.0: lossy by design, checked below.
                continue;
            }
            let c = converted.unwrap_or_else(|e| panic!("{} -> {to}: {e}", r.version()));
            prop_assert_eq!(c.version(), to);
            prop_assert_eq!(ips(&c), ips(&r), "{} -> {}", r.version(), to);
            prop_assert_eq!(dns_of(&c), dns_of(&r));
            // In order: 0.2.0's ip4 routes, then its ip6 routes, become the list's routes.
            prop_assert_eq!(routes(&c), routes(&r));
        }
    }

    /// Down to 0.1.0/0.2.0: the first IPv4 and the first IPv6 address survive (with their
    /// gateways), routes go under the IP of their family when there is one (dst and gw only),
    /// the DNS is kept; a result with no IP at all cannot be converted.
    #[test]
    fn down_to_020_keeps_first_ip_of_each_family(r in any_result()) {
        for to in ["0.1.0", "0.2.0"] {
            let all = ips(&r);
            let is_v4 = |a: &str| !a.contains(':');
            let first4 = all.iter().find(|(a, _)| is_v4(a)).cloned();
            let first6 = all.iter().find(|(a, _)| !is_v4(a)).cloned();
            match r.convert_to(to) {
                Err(e) => {
                    prop_assert!(first4.is_none() && first6.is_none(), "{}: {}", r.version(), e);
                }
                Ok(CniResult::V020(c)) => {
                    prop_assert_eq!(&c.cni_version, to);
                    prop_assert_eq!(c.ip4.as_ref().map(|c| (c.ip.clone(), c.gateway.clone())), first4);
                    prop_assert_eq!(c.ip6.as_ref().map(|c| (c.ip.clone(), c.gateway.clone())), first6);
                    prop_assert_eq!(&c.dns, dns_of(&r));
                    for (slot, v4_family) in [(&c.ip4, true), (&c.ip6, false)] {
                        let want: Vec<(String, Option<String>)> = if slot.is_some() {
                            routes(&r)
                                .into_iter()
                                .filter(|x| is_v4(&x.dst) == v4_family)
                                .map(|x| (x.dst, x.gw))
                                .collect()
                        } else {
                            Vec::new()
                        };
                        let got: Vec<(String, Option<String>)> = slot
                            .iter()
                            .flat_map(|c| c.routes.iter().map(|x| (x.dst.clone(), x.gw.clone())))
                            .collect();
                        prop_assert_eq!(got, want);
                    }
                }
                Ok(other) => prop_assert!(false, "{to} gave {other:?}"),
            }
        }
    }

    /// 1.x -> 0.3.x/0.4.0 -> 1.x keeps everything but the interfaces' mtu, socketPath and pciID,
    /// which 0.4.0 has no field for.
    #[test]
    fn v1_through_040_and_back(r in prop_oneof![result100("1.0.0"), result100("1.1.0")]) {
        let version = r.cni_version.clone();
        for mid in ["0.3.0", "0.3.1", "0.4.0"] {
            let down = CniResult::V100(r.clone()).convert_to(mid).unwrap();
            // Through the JSON too, as a cached 0.4.0 result would be read back.
            let down = CniResult::from_value(&down.to_value()).unwrap();
            let back = down.convert_to(&version).unwrap();
            let mut want = r.clone();
            for i in &mut want.interfaces {
                i.mtu = 0;
                i.socket_path.clear();
                i.pci_id.clear();
            }
            prop_assert_eq!(back, CniResult::V100(want));
        }
    }

    /// 0.3.x/0.4.0 -> 1.x -> back is lossless when each IP's `version` matches its address.
    #[test]
    fn v040_through_v1_and_back(r in prop_oneof![result040("0.3.0"), result040("0.3.1"), result040("0.4.0")]) {
        let version = r.cni_version.clone();
        for mid in ["1.0.0", "1.1.0"] {
            let up = CniResult::V040(r.clone()).convert_to(mid).unwrap();
            let up = CniResult::from_value(&up.to_value()).unwrap();
            prop_assert_eq!(up.convert_to(&version).unwrap(), CniResult::V040(r.clone()));
        }
    }

    /// A result read back from its own JSON (what cnictl prints and caches) is the same result.
    #[test]
    fn json_round_trip(r in any_result()) {
        let v = r.to_value();
        let back = CniResult::from_value(&v).unwrap_or_else(|e| panic!("{e}\n{v}"));
        prop_assert_eq!(back, r);
    }
}
