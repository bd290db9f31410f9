//! `cnictl inspect`: the namespace's links, addresses and routes, the attachments the cache
//! places in it with their host side and port mappings, and the differences; as tables or JSON
//! (schema: docs/schemas/inspect.v1.json).

use super::{table_text, Printer, State};
use cnictl::inventory::inspect::{cidr_text, Difference, PortMapping};
use cnictl::netlink::{Link, Snapshot};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Whether portmap's DNAT rule for a cached mapping exists in the plugins' namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleState {
    /// A matching DNAT rule exists.
    Present,
    /// None does.
    Missing,
    /// The rules could not be read.
    Unknown,
}

impl RuleState {
    fn as_str(self) -> &'static str {
        match self {
            RuleState::Present => "present",
            RuleState::Missing => "missing",
            RuleState::Unknown => "unknown",
        }
    }
}

/// The veth peer of an attachment in the plugins' namespace.
#[derive(Debug, Clone)]
pub struct HostSide {
    /// The peer's name.
    pub veth: String,
    /// The peer's index.
    pub index: u32,
    /// The bridge it is enslaved to.
    pub bridge: Option<String>,
}

/// One cached attachment in the namespace.
#[derive(Debug, Clone)]
pub struct AttachmentView {
    /// The network.
    pub network: String,
    /// The container ID.
    pub container_id: String,
    /// The interface.
    pub ifname: String,
    /// The addresses the result claims.
    pub addresses: Vec<String>,
    /// The routes the result claims.
    pub routes: Vec<String>,
    /// The plugins' namespace, as found.
    pub plugin_netns: String,
    /// The veth peer, when found.
    pub host: Option<HostSide>,
    /// Why the host side could not be read, if it could not.
    pub host_problem: Option<String>,
    /// The cached port mappings and their rules.
    pub port_mappings: Vec<(PortMapping, RuleState)>,
}

/// Everything `inspect` shows.
#[derive(Debug, Clone)]
pub struct Report {
    /// The namespace's path.
    pub netns: String,
    /// What it holds.
    pub snapshot: Snapshot,
    /// nsid (as this namespace sees it) → name under /var/run/netns.
    pub peer_netns: BTreeMap<i32, String>,
    /// The cached attachments in it.
    pub attachments: Vec<AttachmentView>,
    /// Every difference.
    pub differences: Vec<Difference>,
}

fn link_name(snap: &Snapshot, index: Option<u32>) -> Option<String> {
    index.and_then(|i| snap.link(i)).map(|l| l.name.clone())
}

fn peer_text(r: &Report, l: &Link) -> String {
    match (l.peer_index, l.peer_netnsid) {
        (None, _) => "-".into(),
        (Some(i), None) => link_name(&r.snapshot, Some(i)).unwrap_or_else(|| format!("#{i}")),
        (Some(i), Some(n)) => match r.peer_netns.get(&n) {
            Some(name) => format!("#{i}@{name}"),
            None => format!("#{i}@nsid {n}"),
        },
    }
}

fn ifname(snap: &Snapshot, index: u32) -> String {
    link_name(snap, Some(index)).unwrap_or_else(|| format!("#{index}"))
}

/// The tables: links, addresses, routes, attachments, port mappings, differences.
pub fn inspect_table(p: &Printer, r: &Report) -> String {
    let snap = &r.snapshot;
    let mut out = String::new();
    let mut links = p.table(&["LINK", "KIND", "STATE", "MTU", "MAC", "MASTER", "PEER"]);
    links.shrink(&["KIND", "MASTER", "PEER"]);
    for l in &snap.links {
        links.add_row(vec![
            l.name.clone(),
            l.kind.clone().unwrap_or_else(|| "-".into()),
            l.state.as_str().to_string(),
            l.mtu.map_or("-".into(), |m| m.to_string()),
            l.mac.clone().unwrap_or_else(|| "-".into()),
            link_name(snap, l.master).unwrap_or_else(|| "-".into()),
            peer_text(r, l),
        ]);
    }
    out.push_str(&table_text(&links));
    out.push('\n');
    let mut addrs = p.table(&["LINK", "ADDRESS"]);
    addrs.shrink(&["ADDRESS"]);
    for a in &snap.addresses {
        addrs.add_row(vec![
            ifname(snap, a.index),
            cidr_text(&(a.address, a.prefix_len)),
        ]);
    }
    out.push_str(&table_text(&addrs));
    out.push('\n');
    let mut routes = p.table(&["DESTINATION", "GATEWAY", "LINK"]);
    routes.shrink(&["DESTINATION", "GATEWAY"]);
    for rt in &snap.routes {
        routes.add_row(vec![
            rt.destination.as_ref().map_or("default".into(), cidr_text),
            rt.gateway.map_or("-".into(), |g| g.to_string()),
            rt.oif.map_or("-".into(), |i| ifname(snap, i)),
        ]);
    }
    out.push_str(&table_text(&routes));
    out.push('\n');
    if r.attachments.is_empty() {
        out.push_str("no cached attachment is in this namespace\n");
    } else {
        let mut atts = p.table(&[
            "NETWORK",
            "CONTAINER",
            "IF",
            "CACHED IPS",
            "HOST VETH",
            "BRIDGE",
        ]);
        atts.shrink(&["NETWORK", "CONTAINER", "CACHED IPS"]);
        for a in &r.attachments {
            atts.add_row(vec![
                a.network.clone(),
                a.container_id.clone(),
                a.ifname.clone(),
                if a.addresses.is_empty() {
                    "-".into()
                } else {
                    a.addresses.join(",")
                },
                a.host.as_ref().map_or("?".into(), |h| h.veth.clone()),
                a.host
                    .as_ref()
                    .and_then(|h| h.bridge.clone())
                    .unwrap_or_else(|| "-".into()),
            ]);
        }
        out.push_str(&table_text(&atts));
        out.push('\n');
        let mappings: Vec<_> = r
            .attachments
            .iter()
            .flat_map(|a| a.port_mappings.iter().map(move |m| (a, m)))
            .collect();
        if !mappings.is_empty() {
            let mut pm = p.table(&["CONTAINER", "HOST PORT", "TO", "PROTO", "DNAT RULE"]);
            pm.shrink(&["CONTAINER", "HOST PORT"]);
            for (a, (m, state)) in mappings {
                let word = match state {
                    RuleState::Present => p.state("present", State::Good),
                    RuleState::Missing => p.state("missing", State::Bad),
                    RuleState::Unknown => p.state("unknown", State::Warn),
                };
                pm.add_row(vec![
                    a.container_id.clone(),
                    match &m.host_ip {
                        Some(ip) => format!("{ip}:{}", m.host_port),
                        None => m.host_port.to_string(),
                    },
                    m.container_port.to_string(),
                    m.protocol.clone(),
                    word,
                ]);
            }
            out.push_str(&table_text(&pm));
            out.push('\n');
        }
        let problems: Vec<_> = r
            .attachments
            .iter()
            .filter_map(|a| a.host_problem.as_ref().map(|why| (a, why)))
            .collect();
        if !problems.is_empty() {
            let mut hp = p.table(&["ATTACHMENT", "HOST SIDE"]);
            hp.shrink(&["ATTACHMENT", "HOST SIDE"]);
            for (a, why) in problems {
                hp.add_row(vec![
                    format!("{}/{}/{}", a.network, a.container_id, a.ifname),
                    why.clone(),
                ]);
            }
            out.push_str(&table_text(&hp));
            out.push('\n');
        }
    }
    if r.differences.is_empty() {
        out.push_str(&format!(
            "{}: the namespace holds what the cache claims\n",
            p.state("ok", State::Good)
        ));
    } else {
        let mut d = p.table(&["DIFFERENCE", "SUBJECT", "ATTACHMENT"]);
        d.shrink(&["SUBJECT", "ATTACHMENT"]);
        for diff in &r.differences {
            d.add_row(vec![
                p.state(diff.kind.as_str(), State::Bad),
                diff.subject.clone(),
                diff.attachment.clone().unwrap_or_else(|| "-".into()),
            ]);
        }
        out.push_str(&table_text(&d));
        out.push('\n');
    }
    out
}

/// The JSON document (`inspect.v1`).
pub fn inspect_json(r: &Report) -> Value {
    let snap = &r.snapshot;
    let links: Vec<Value> = snap
        .links
        .iter()
        .map(|l| {
            json!({
                "index": l.index,
                "name": l.name,
                "kind": l.kind,
                "mac": l.mac,
                "mtu": l.mtu,
                "state": l.state.as_str(),
                "adminUp": l.admin_up,
                "master": link_name(snap, l.master),
                "peer": l.peer_index.map(|i| json!({
                    "index": i,
                    "netnsId": l.peer_netnsid,
                    "netns": l.peer_netnsid.and_then(|n| r.peer_netns.get(&n)),
                })),
            })
        })
        .collect();
    let addresses: Vec<Value> = snap
        .addresses
        .iter()
        .map(|a| {
            json!({
                "link": ifname(snap, a.index),
                "address": cidr_text(&(a.address, a.prefix_len)),
                "family": if a.address.is_ipv4() { "ipv4" } else { "ipv6" },
            })
        })
        .collect();
    let routes: Vec<Value> = snap
        .routes
        .iter()
        .map(|rt| {
            json!({
                "destination": rt.destination.as_ref().map_or("default".into(), cidr_text),
                "gateway": rt.gateway.map(|g| g.to_string()),
                "link": rt.oif.map(|i| ifname(snap, i)),
                "family": if rt.ipv6 { "ipv6" } else { "ipv4" },
            })
        })
        .collect();
    let attachments: Vec<Value> = r
        .attachments
        .iter()
        .map(|a| {
            json!({
                "network": a.network,
                "containerId": a.container_id,
                "ifname": a.ifname,
                "addresses": a.addresses,
                "routes": a.routes,
                "pluginNetns": a.plugin_netns,
                "host": a.host.as_ref().map(|h| json!({
                    "veth": h.veth,
                    "index": h.index,
                    "bridge": h.bridge,
                })),
                "hostProblem": a.host_problem,
                "portMappings": a.port_mappings.iter().map(|(m, s)| json!({
                    "hostPort": m.host_port,
                    "containerPort": m.container_port,
                    "protocol": m.protocol,
                    "hostIp": m.host_ip,
                    "rule": s.as_str(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let differences: Vec<Value> = r
        .differences
        .iter()
        .map(|d| {
            json!({
                "kind": d.kind.as_str(),
                "subject": d.subject,
                "attachment": d.attachment,
            })
        })
        .collect();
    json!({
        "schema": "inspect.v1",
        "netns": r.netns,
        "links": links,
        "addresses": addresses,
        "routes": routes,
        "attachments": attachments,
        "differences": differences,
        "matches": r.differences.is_empty(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use cnictl::inventory::inspect::DiffKind;
    use cnictl::netlink::{Address, OperState};

    fn report(differences: Vec<Difference>) -> Report {
        let eth0 = Link {
            index: 2,
            name: "eth0".into(),
            kind: Some("veth".into()),
            mac: Some("0a:58:00:00:00:01".into()),
            mtu: Some(1500),
            state: OperState::Up,
            admin_up: true,
            master: None,
            peer_index: Some(7),
            peer_netnsid: Some(0),
        };
        Report {
            netns: "/var/run/netns/x".into(),
            snapshot: Snapshot {
                links: vec![eth0],
                addresses: vec![Address {
                    index: 2,
                    address: "10.1.0.5".parse().unwrap(),
                    prefix_len: 24,
                }],
                routes: Vec::new(),
            },
            peer_netns: [(0, "host".to_string())].into_iter().collect(),
            attachments: Vec::new(),
            differences,
        }
    }

    #[test]
    fn json_names_the_peer_namespace_and_the_differences() {
        let ok = inspect_json(&report(Vec::new()));
        assert_eq!(ok["matches"], true);
        assert_eq!(ok["links"][0]["peer"]["netns"], "host");
        assert_eq!(ok["addresses"][0]["address"], "10.1.0.5/24");
        let bad = inspect_json(&report(vec![Difference {
            kind: DiffKind::RouteMissing,
            attachment: Some("n/c/eth0".into()),
            subject: "default".into(),
        }]));
        assert_eq!(bad["matches"], false);
        assert_eq!(bad["differences"][0]["kind"], "route-missing");
    }

    #[test]
    fn the_table_ends_with_the_verdict() {
        let p = Printer::plain();
        let ok = inspect_table(&p, &report(Vec::new()));
        assert!(ok.contains("#7@host"), "{ok}");
        assert!(
            ok.ends_with("ok: the namespace holds what the cache claims\n"),
            "{ok}"
        );
        let bad = inspect_table(
            &p,
            &report(vec![Difference {
                kind: DiffKind::UnexplainedInterface,
                attachment: None,
                subject: "eth0".into(),
            }]),
        );
        assert!(!bad.contains("ok:"), "{bad}");
        let last = bad.lines().last().unwrap_or_default();
        assert!(
            last.starts_with("unexplained-interface") && last.contains("eth0"),
            "{bad}"
        );
        assert!(bad.ends_with('\n'));
    }

    #[test]
    fn at_80_columns_long_cells_are_cut_and_state_words_stay_whole() {
        let id = "c".repeat(64);
        let net = "a-network-with-a-name-long-enough-to-matter".to_string();
        let mut r = report(vec![Difference {
            kind: DiffKind::HostVethGone,
            attachment: Some(format!("{net}/{id}/eth0")),
            subject: "a-host-side-veth-that-was-there-once".into(),
        }]);
        r.attachments.push(AttachmentView {
            network: net.clone(),
            container_id: id.clone(),
            ifname: "eth0".into(),
            addresses: vec!["fd00:1234:5678:9abc:def0:1234:5678:9abc/64".into()],
            routes: Vec::new(),
            plugin_netns: "/var/run/netns/host".into(),
            host: Some(HostSide {
                veth: "veth0123abcd".into(),
                index: 7,
                bridge: Some("cni-bridge0".into()),
            }),
            host_problem: Some(
                "the plugins' namespace /var/run/netns/a-namespace-long-gone does not exist".into(),
            ),
            port_mappings: vec![(
                PortMapping {
                    host_port: 8080,
                    container_port: 80,
                    protocol: "tcp".into(),
                    host_ip: Some("fd00:1234:5678:9abc:def0:1234:5678:1".into()),
                },
                RuleState::Missing,
            )],
        });
        let table = inspect_table(&Printer::plain(), &r);
        for line in table.lines() {
            assert!(line.chars().count() <= 80, "{line}\n{table}");
        }
        assert!(table.contains('…'), "{table}");
        for word in ["host-veth-gone", "missing", "veth0123abcd", "cni-bridge0"] {
            assert!(
                table.split_whitespace().any(|w| w == word),
                "{word} cut:\n{table}"
            );
        }
    }
}
