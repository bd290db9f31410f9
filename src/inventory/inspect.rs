//! `inspect`'s comparison: what a namespace holds (a [`Snapshot`] read through netlink) against
//! what the cached results of the attachments in it claim, and portmap's DNAT rules against the
//! cached port mappings. Pure functions over data; the command gathers the data.

use std::net::IpAddr;

use serde_json::Value;

use crate::cache::CacheEntry;
use crate::netlink::{Link, Snapshot};

/// An address with its prefix length.
pub type Cidr = (IpAddr, u8);

/// A route a cached result claims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedRoute {
    /// The destination; None for a default route (`0.0.0.0/0`, `::/0`).
    pub destination: Option<Cidr>,
    /// The gateway, when the result gives one.
    pub gateway: Option<IpAddr>,
}

/// One cached port mapping (`capabilityArgs.portMappings`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortMapping {
    /// `hostPort`
    pub host_port: u64,
    /// `containerPort`
    pub container_port: u64,
    /// `protocol`, lower case (default tcp)
    pub protocol: String,
    /// `hostIP`, when given
    pub host_ip: Option<String>,
}

/// What a cached attachment claims about its interface in the namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    /// The addresses of the result that belong to the container interface.
    pub addresses: Vec<Cidr>,
    /// The routes of the result.
    pub routes: Vec<ClaimedRoute>,
    /// The cached port mappings.
    pub port_mappings: Vec<PortMapping>,
}

/// The kinds of difference, as kebab-case words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffKind {
    /// The attachment's interface is not in the namespace.
    InterfaceGone,
    /// An address of the result is not on the interface.
    AddressMissing,
    /// A route of the result is not in the main table.
    RouteMissing,
    /// A link no cached attachment explains (loopback excepted).
    UnexplainedInterface,
    /// The veth peer is not in the plugins' namespace.
    HostVethGone,
    /// A cached port mapping has no portmap DNAT rule in the plugins' namespace.
    DnatMissing,
}

impl DiffKind {
    /// The kebab-case word.
    pub fn as_str(self) -> &'static str {
        match self {
            DiffKind::InterfaceGone => "interface-gone",
            DiffKind::AddressMissing => "address-missing",
            DiffKind::RouteMissing => "route-missing",
            DiffKind::UnexplainedInterface => "unexplained-interface",
            DiffKind::HostVethGone => "host-veth-gone",
            DiffKind::DnatMissing => "dnat-missing",
        }
    }
}

/// One flagged difference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// What kind.
    pub kind: DiffKind,
    /// The attachment it concerns (`network/containerId/ifname`), if any.
    pub attachment: Option<String>,
    /// The interface, address, route or mapping, as text.
    pub subject: String,
}

fn parse_cidr(s: &str) -> Option<Cidr> {
    let (ip, len) = s.split_once('/')?;
    let ip: IpAddr = ip.parse().ok()?;
    let len: u8 = len.parse().ok()?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    (len <= max).then_some((ip, len))
}

/// Formats an address with its prefix length.
pub fn cidr_text(c: &Cidr) -> String {
    format!("{}/{}", c.0, c.1)
}

fn masked(c: &Cidr) -> Cidr {
    match c.0 {
        IpAddr::V4(v4) => {
            let bits = u32::from(v4);
            let mask = if c.1 == 0 { 0 } else { u32::MAX << (32 - c.1) };
            (IpAddr::V4((bits & mask).into()), c.1)
        }
        IpAddr::V6(v6) => {
            let bits = u128::from(v6);
            let mask = if c.1 == 0 {
                0
            } else {
                u128::MAX << (128 - c.1)
            };
            (IpAddr::V6((bits & mask).into()), c.1)
        }
    }
}

/// Reads what a cached result claims for the attachment's interface (results of spec 0.3.0 and
/// later, and the `ip4`/`ip6` shape of 0.1.0/0.2.0). Anything it cannot read is left out.
pub fn claims_of(entry: &CacheEntry) -> Claims {
    let mut addresses = Vec::new();
    let mut routes = Vec::new();
    if let Some(result) = &entry.result {
        // Which result interfaces are the container's interface (by index).
        let ifaces = result.get("interfaces").and_then(Value::as_array);
        let mine = |idx: Option<u64>| match (idx, ifaces) {
            (None, _) | (_, None) => true,
            (Some(i), Some(list)) => list
                .get(i as usize)
                .and_then(|iface| iface.get("name"))
                .and_then(Value::as_str)
                .is_none_or(|n| n == entry.if_name),
        };
        for ip in result
            .get("ips")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let idx = ip.get("interface").and_then(Value::as_u64);
            if let Some(c) = ip
                .get("address")
                .and_then(Value::as_str)
                .and_then(parse_cidr)
            {
                if mine(idx) {
                    addresses.push(c);
                }
            }
        }
        for key in ["ip4", "ip6"] {
            if let Some(block) = result.get(key) {
                if let Some(c) = block.get("ip").and_then(Value::as_str).and_then(parse_cidr) {
                    addresses.push(c);
                }
                routes.extend(routes_of(block.get("routes")));
            }
        }
        routes.extend(routes_of(result.get("routes")));
    }
    Claims {
        addresses,
        routes,
        port_mappings: port_mappings_of(entry),
    }
}

fn routes_of(v: Option<&Value>) -> Vec<ClaimedRoute> {
    let mut out = Vec::new();
    for r in v.and_then(Value::as_array).into_iter().flatten() {
        let Some(dst) = r.get("dst").and_then(Value::as_str).and_then(parse_cidr) else {
            continue;
        };
        let gateway = r
            .get("gw")
            .and_then(Value::as_str)
            .and_then(|g| g.parse().ok());
        out.push(ClaimedRoute {
            destination: (dst.1 != 0).then(|| masked(&dst)),
            gateway,
        });
    }
    out
}

fn port_mappings_of(entry: &CacheEntry) -> Vec<PortMapping> {
    let mut out = Vec::new();
    let list = entry
        .capability_args
        .get("portMappings")
        .and_then(Value::as_array);
    for m in list.into_iter().flatten() {
        let (Some(host_port), Some(container_port)) = (
            m.get("hostPort").and_then(Value::as_u64),
            m.get("containerPort").and_then(Value::as_u64),
        ) else {
            continue;
        };
        out.push(PortMapping {
            host_port,
            container_port,
            protocol: m
                .get("protocol")
                .and_then(Value::as_str)
                .unwrap_or("tcp")
                .to_ascii_lowercase(),
            host_ip: m
                .get("hostIP")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
        });
    }
    out
}

/// Formats a claimed route.
pub fn route_text(r: &ClaimedRoute) -> String {
    let dst = match &r.destination {
        Some(c) => cidr_text(c),
        None => "default".to_string(),
    };
    match &r.gateway {
        Some(g) => format!("{dst} via {g}"),
        None => dst,
    }
}

/// The differences between one attachment's claims and the namespace.
pub fn compare_attachment(
    label: &str,
    ifname: &str,
    claims: &Claims,
    snap: &Snapshot,
) -> Vec<Difference> {
    let diff = |kind, subject: String| Difference {
        kind,
        attachment: Some(label.to_string()),
        subject,
    };
    let Some(link) = snap.link_named(ifname) else {
        return vec![diff(DiffKind::InterfaceGone, ifname.to_string())];
    };
    let mut out = Vec::new();
    for a in &claims.addresses {
        let present = snap
            .addresses
            .iter()
            .any(|k| k.index == link.index && k.address == a.0 && k.prefix_len == a.1);
        if !present {
            out.push(diff(
                DiffKind::AddressMissing,
                format!("{} on {ifname}", cidr_text(a)),
            ));
        }
    }
    for r in &claims.routes {
        let present = snap.routes.iter().any(|k| {
            let dst = k.destination.as_ref().map(masked);
            let same_family = match (&r.destination, &r.gateway) {
                (Some(d), _) => d.0.is_ipv6() == k.ipv6,
                (None, Some(g)) => g.is_ipv6() == k.ipv6,
                (None, None) => true,
            };
            same_family && dst == r.destination && (r.gateway.is_none() || r.gateway == k.gateway)
        });
        if !present {
            out.push(diff(DiffKind::RouteMissing, route_text(r)));
        }
    }
    out
}

/// Links no attachment explains: every link but loopback whose name is not one of `ifnames`.
pub fn unexplained<'a>(snap: &'a Snapshot, ifnames: &[&str]) -> Vec<&'a Link> {
    snap.links
        .iter()
        .filter(|l| l.name != "lo" && !ifnames.contains(&l.name.as_str()))
        .collect()
}

/// One DNAT rule of portmap, from `iptables-save -t nat`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnatRule {
    /// The chain (`CNI-DN-…`).
    pub chain: String,
    /// `-p`, lower case.
    pub protocol: Option<String>,
    /// `--dport`.
    pub dport: Option<u64>,
    /// `--to-destination`, as `IP:PORT`.
    pub to: String,
}

/// The DNAT rules of portmap's per-container chains (`CNI-DN-*`) in `iptables-save` output,
/// and the `CNI-DN-*` chains `CNI-HOSTPORT-DNAT` jumps to for a comment naming `container_id`.
pub fn parse_dnat(text: &str, container_id: &str) -> (Vec<DnatRule>, Vec<String>) {
    let mut rules = Vec::new();
    let mut chains_for_id = Vec::new();
    let needle = format!("id: \\\"{container_id}\\\"");
    let needle_plain = format!("id: \"{container_id}\"");
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        let [first, chain, rest @ ..] = words.as_slice() else {
            continue;
        };
        if *first != "-A" {
            continue;
        }
        let value = |flag: &str| {
            rest.iter()
                .position(|w| *w == flag)
                .and_then(|i| rest.get(i + 1))
                .copied()
        };
        if *chain == "CNI-HOSTPORT-DNAT" {
            if line.contains(&needle) || line.contains(&needle_plain) {
                if let Some(target) = value("-j") {
                    chains_for_id.push(target.to_string());
                }
            }
            continue;
        }
        if !chain.starts_with("CNI-DN-") || value("-j") != Some("DNAT") {
            continue;
        }
        let Some(to) = value("--to-destination") else {
            continue;
        };
        rules.push(DnatRule {
            chain: chain.to_string(),
            protocol: value("-p").map(str::to_ascii_lowercase),
            dport: value("--dport").and_then(|p| p.parse().ok()),
            to: to.to_string(),
        });
    }
    (rules, chains_for_id)
}

/// Whether a DNAT rule exists for `mapping` to one of `ips` (portmap writes one per container IP
/// family), in a chain that belongs to the container when its chains are known.
pub fn dnat_present(
    mapping: &PortMapping,
    ips: &[Cidr],
    rules: &[DnatRule],
    chains_for_id: &[String],
) -> bool {
    rules.iter().any(|r| {
        (chains_for_id.is_empty() || chains_for_id.contains(&r.chain))
            && r.dport == Some(mapping.host_port)
            && r.protocol.as_deref().is_none_or(|p| p == mapping.protocol)
            && ips.iter().any(|ip| {
                let target = match ip.0 {
                    IpAddr::V4(v4) => format!("{v4}:{}", mapping.container_port),
                    IpAddr::V6(v6) => format!("[{v6}]:{}", mapping.container_port),
                };
                r.to == target
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::netlink::{Address, OperState, Route};
    use serde_json::json;

    fn entry() -> CacheEntry {
        CacheEntry {
            container_id: "c1".into(),
            if_name: "eth0".into(),
            network_name: "net".into(),
            netns: "/var/run/netns/x".into(),
            result: Some(json!({
                "cniVersion": "1.0.0",
                "interfaces": [{"name": "cni0"}, {"name": "veth1"}, {"name": "eth0", "sandbox": "/var/run/netns/x"}],
                "ips": [{"address": "10.1.0.5/24", "gateway": "10.1.0.1", "interface": 2}],
                "routes": [{"dst": "0.0.0.0/0", "gw": "10.1.0.1"}]
            })),
            capability_args: json!({"portMappings": [{"hostPort": 8080, "containerPort": 80, "protocol": "tcp"}]})
                .as_object()
                .cloned()
                .unwrap(),
            ..Default::default()
        }
    }

    fn snapshot(with_addr: bool) -> Snapshot {
        let link = |index, name: &str| Link {
            index,
            name: name.into(),
            kind: None,
            mac: None,
            mtu: None,
            state: OperState::Up,
            admin_up: true,
            master: None,
            peer_index: None,
            peer_netnsid: None,
        };
        Snapshot {
            links: vec![link(1, "lo"), link(2, "eth0"), link(3, "extra0")],
            addresses: if with_addr {
                vec![Address {
                    index: 2,
                    address: "10.1.0.5".parse().unwrap(),
                    prefix_len: 24,
                }]
            } else {
                Vec::new()
            },
            routes: vec![Route {
                destination: None,
                gateway: Some("10.1.0.1".parse().unwrap()),
                oif: Some(2),
                ipv6: false,
            }],
        }
    }

    #[test]
    fn claims_come_from_the_result_and_the_capability_args() {
        let c = claims_of(&entry());
        assert_eq!(c.addresses, vec![("10.1.0.5".parse().unwrap(), 24)]);
        assert_eq!(
            c.routes,
            vec![ClaimedRoute {
                destination: None,
                gateway: Some("10.1.0.1".parse().unwrap())
            }]
        );
        assert_eq!(c.port_mappings[0].host_port, 8080);
        assert_eq!(c.port_mappings[0].protocol, "tcp");
    }

    #[test]
    fn a_missing_address_route_and_interface_are_flagged() {
        let c = claims_of(&entry());
        assert!(compare_attachment("a", "eth0", &c, &snapshot(true)).is_empty());
        let d = compare_attachment("a", "eth0", &c, &snapshot(false));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].kind, DiffKind::AddressMissing);
        assert_eq!(d[0].subject, "10.1.0.5/24 on eth0");
        let mut no_route = snapshot(true);
        no_route.routes.clear();
        let d = compare_attachment("a", "eth0", &c, &no_route);
        assert_eq!(d[0].kind, DiffKind::RouteMissing);
        assert_eq!(d[0].subject, "default via 10.1.0.1");
        let d = compare_attachment("a", "eth1", &c, &snapshot(true));
        assert_eq!(d[0].kind, DiffKind::InterfaceGone);
        let names: Vec<_> = unexplained(&snapshot(true), &["eth0"])
            .iter()
            .map(|l| l.name.clone())
            .collect();
        assert_eq!(names, vec!["extra0"]);
    }

    #[test]
    fn portmap_rules_are_found_by_target_and_comment() {
        let save = r#"*nat
:CNI-DN-abc - [0:0]
-A CNI-HOSTPORT-DNAT -p tcp -m comment --comment "dnat name: \"net\" id: \"c1\"" -m multiport --dports 8080 -j CNI-DN-abc
-A CNI-DN-abc -s 10.1.0.0/24 -p tcp -m tcp --dport 8080 -j CNI-HOSTPORT-SETMARK
-A CNI-DN-abc -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.1.0.5:80
COMMIT
"#;
        let (rules, chains) = parse_dnat(save, "c1");
        assert_eq!(chains, vec!["CNI-DN-abc"]);
        assert_eq!(rules.len(), 1);
        let c = claims_of(&entry());
        assert!(dnat_present(
            &c.port_mappings[0],
            &c.addresses,
            &rules,
            &chains
        ));
        let (_, other) = parse_dnat(save, "c2");
        assert!(other.is_empty());
        let mut wrong = c.port_mappings[0].clone();
        wrong.container_port = 81;
        assert!(!dnat_present(&wrong, &c.addresses, &rules, &chains));
        assert!(!dnat_present(&c.port_mappings[0], &c.addresses, &[], &[]));
    }
}
