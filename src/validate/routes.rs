//! Routes the kernel refuses because their gateway is not on the interface. Every reference
//! plugin that runs IPAM hands the result to `ipam.ConfigureIface`, which adds the
//! addresses, then each route of the result through the route's `gw` or, without one, the
//! gateway of the result's first address of that family. The kernel accepts a gateway only
//! when a subnet of the interface holds it (or it is an IPv6 link-local address); otherwise it
//! answers "network is unreachable" (IPv6: "no route to host") and ADD fails.
//!
//! So a gateway outside the subnets is harmless until a route uses it: host-local hands it
//! out and bridge puts it on the bridge (a `hostlocal-odd` warning), but a route without `gw`
//! (`{"dst": "0.0.0.0/0"}`), bridge's `isDefaultGateway` (which adds a default route through
//! it) or a route whose own `gw` is outside every subnet fails. Checked against Debian's
//! bridge and ptp 1.1.1 with host-local and static (`tests/validate_e2e.rs`).
//!
//! The check stays quiet when it cannot be sure: when the runtime may supply the addresses
//! (the `ipRanges` or `ips` capability), when a route sets `scope`, or when one of several
//! possible gateways is reachable.

use super::diag::{FileCtx, Sink, INVALID_ROUTE};
use super::go_field;
use super::json::Node;
use super::net::{Addr, Cidr, Family};

/// A gateway the IPAM result may carry, and where it is written.
#[derive(Debug, Clone)]
pub(crate) struct Gateway {
    /// The address.
    pub addr: Addr,
    /// The offset of its value (None when the IPAM plugin picks it).
    pub at: Option<usize>,
    /// How messages name it (`ipam.ranges[0][0].gateway`).
    pub label: String,
}

/// What the interface will have: its subnets and the gateway routes without `gw` use.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    /// Every subnet an address of the interface may come from.
    pub subnets: Vec<Cidr>,
    /// Per family (IPv4, IPv6): the gateways the first address of that family may carry
    /// (one per range of host-local's first range set of the family).
    pub defaults: [Vec<Gateway>; 2],
}

fn slot(f: Family) -> usize {
    usize::from(f == Family::V6)
}

/// What the route check learned about the gateways, for host-local's own warnings.
#[derive(Debug, Default)]
pub(crate) struct Gateways<'a> {
    /// The interface's plan, when cnictl knows it.
    pub plan: Option<&'a Plan>,
    /// The offsets of gateways reported because a route goes through them.
    pub reported: Vec<usize>,
}

impl Plan {
    /// True for an IPv6 link-local address (fe80::/10), which every IPv6 interface reaches.
    pub fn link_local(a: Addr) -> bool {
        a.family == Family::V6 && a.value >> 118 == 0x3fa
    }

    /// True when the kernel takes `a` as the gateway of a route on this interface.
    pub fn reachable(&self, a: Addr) -> bool {
        Plan::link_local(a) || self.subnets.iter().any(|s| s.contains(a))
    }

    /// The gateways a route of family `f` without `gw` goes through, when none of them is
    /// reachable (an empty list: the route is fine, or cnictl cannot tell).
    fn unreachable_defaults(&self, f: Family) -> Vec<&Gateway> {
        let gws = &self.defaults[slot(f)];
        if gws.iter().all(|g| !self.reachable(g.addr)) {
            gws.iter().collect()
        } else {
            Vec::new()
        }
    }

    /// The kernel's answer to a route through an unreachable gateway.
    fn refusal(f: Family) -> &'static str {
        match f {
            Family::V4 => "network is unreachable",
            Family::V6 => "no route to host",
        }
    }

    fn subnets_text(&self, f: Family) -> String {
        let list: Vec<String> = self
            .subnets
            .iter()
            .filter(|s| s.addr.family == f)
            .map(|s| s.network_string())
            .collect();
        if list.is_empty() {
            "none".to_string()
        } else {
            list.join(", ")
        }
    }
}

/// The static IPAM plugin's plan: its `addresses` (each address's subnet is on the
/// interface) and the first gateway of each family. None when there are no addresses.
pub(crate) fn static_plan(ipam: &Node) -> Option<Plan> {
    let items = go_field(ipam, "addresses")?.value.items()?;
    let mut plan = Plan::default();
    for (i, item) in items.iter().enumerate() {
        let Some(cidr) = go_field(item, "address")
            .and_then(|m| m.value.as_str())
            .and_then(Cidr::parse)
        else {
            // An address static cannot parse fails ADD anyway (invalid-address).
            return None;
        };
        plan.subnets.push(cidr);
        let gw = go_field(item, "gateway").and_then(|m| {
            let a = m.value.as_str().and_then(Addr::parse)?;
            Some(Gateway {
                addr: a,
                at: Some(m.value.start),
                label: format!("ipam.addresses[{i}].gateway"),
            })
        });
        // ConfigureIface takes the first gateway of each family, from whichever address.
        if let Some(g) = gw {
            if plan.defaults[slot(g.addr.family)].is_empty() {
                plan.defaults[slot(g.addr.family)].push(g);
            }
        }
    }
    (!plan.subnets.is_empty()).then_some(plan)
}

/// Checks the routes of an IPAM section against its plan. `default_route` is true for a
/// bridge with `isDefaultGateway`, which adds a default route through the first gateway of
/// each family unless a route to the default destination with a `gw` is there already.
/// Returns the offsets of the gateways reported, so that the milder "outside the subnet"
/// warning is not given for them too.
pub(crate) fn check(
    file: &FileCtx,
    ipam: &Node,
    plan: &Plan,
    default_route: bool,
    sink: &mut Sink,
) -> Vec<usize> {
    // (gateway, how the first route through it is named)
    let mut through: Vec<(&Gateway, String)> = Vec::new();
    let mut default_with_gw = [false; 2];
    let routes = go_field(ipam, "routes")
        .and_then(|m| m.value.items())
        .unwrap_or(&[]);
    for (i, route) in routes.iter().enumerate() {
        let Some(dst) = go_field(route, "dst")
            .and_then(|m| m.value.as_str())
            .and_then(Cidr::parse)
        else {
            continue; // no dst, or a bad one: reported as such
        };
        // A route with a scope of its own may be meant to be on-link.
        if go_field(route, "scope").is_some_and(|m| !m.value.is_null()) {
            continue;
        }
        let family = dst.addr.family;
        let what = format!("ipam.routes[{i}]");
        let gw = go_field(route, "gw").filter(|m| m.value.as_str().is_some_and(|s| !s.is_empty()));
        match gw {
            Some(m) => {
                let Some(a) = m.value.as_str().and_then(Addr::parse) else {
                    continue; // invalid-address
                };
                if dst.prefix == 0 {
                    default_with_gw[slot(family)] = true;
                }
                if a.family == family && !plan.reachable(a) {
                    sink.emit_hint(
                        &INVALID_ROUTE,
                        file,
                        m.value.start,
                        format!(
                            "{what}.gw {a} is outside every subnet of the interface ({}): the kernel refuses the route ({:?}) and ADD fails",
                            plan.subnets_text(family),
                            Plan::refusal(family)
                        ),
                        Some("use a gateway inside one of the interface's subnets"),
                    );
                }
            }
            None => {
                for g in plan.unreachable_defaults(family) {
                    if !through.iter().any(|(t, _)| std::ptr::eq(*t, g)) {
                        through.push((g, format!("{what} ({})", dst.network_string())));
                    }
                }
            }
        }
    }
    if default_route {
        for family in [Family::V4, Family::V6] {
            if default_with_gw[slot(family)] {
                continue;
            }
            for g in plan.unreachable_defaults(family) {
                if !through.iter().any(|(t, _)| std::ptr::eq(*t, g)) {
                    through.push((
                        g,
                        "the default route bridge adds for isDefaultGateway".to_string(),
                    ));
                }
            }
        }
    }
    let mut reported = Vec::new();
    for (g, route) in through {
        let Some(at) = g.at else { continue };
        sink.emit_hint(
            &INVALID_ROUTE,
            file,
            at,
            format!(
                "{} {} is outside every subnet of the interface ({}) and {route} goes through it: the kernel refuses the route ({:?}) and ADD fails",
                g.label,
                g.addr,
                plan.subnets_text(g.addr.family),
                Plan::refusal(g.addr.family)
            ),
            Some("use a gateway inside the subnet, or give the route a gw inside it"),
        );
        reported.push(at);
    }
    reported
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::hostlocal;
    use crate::validate::json;

    /// The (line, column) of the findings for a host-local `ipam` object.
    fn host_local(ipam: &str, default_route: bool) -> Vec<(usize, usize)> {
        let file = FileCtx::new("t", ipam.as_bytes());
        let node = json::parse(ipam.as_bytes()).unwrap();
        let plan = hostlocal::plan(&file, &node);
        let mut sink = Sink::default();
        check(&file, &node, &plan, default_route, &mut sink);
        sink.diagnostics
            .iter()
            .map(|d| (d.line, d.column))
            .collect()
    }

    #[test]
    fn routes_without_gw_use_the_first_set_of_their_family() {
        // The IPv4 gateway is outside, the IPv6 one is the default (inside): only the IPv4
        // route fails.
        let ipam = r#"{"ranges": [[{"subnet": "10.1.0.0/24", "gateway": "10.9.0.1"}], [{"subnet": "fd00::/64"}]],
 "routes": [{"dst": "::/0"}, {"dst": "0.0.0.0/0"}, {"dst": "10.8.0.0/16"}]}"#;
        assert_eq!(host_local(ipam, false), [(1, 51)]);
        // No route, no bridge default route: nothing fails.
        let quiet = r#"{"ranges": [[{"subnet": "10.1.0.0/24", "gateway": "10.9.0.1"}]]}"#;
        assert_eq!(host_local(quiet, false), []);
        assert_eq!(host_local(quiet, true), [(1, 51)]);
    }

    #[test]
    fn a_gateway_the_interface_reaches_is_fine() {
        // Inside the second set's subnet; an IPv6 link-local router; one of two ranges of the
        // first set with a gateway inside (the address may come from either range).
        for ipam in [
            r#"{"ranges": [[{"subnet": "10.1.0.0/24", "gateway": "10.2.0.9"}], [{"subnet": "10.2.0.0/24"}]], "routes": [{"dst": "0.0.0.0/0"}]}"#,
            r#"{"ranges": [[{"subnet": "fd00::/64", "gateway": "fe80::1"}]], "routes": [{"dst": "::/0"}]}"#,
            r#"{"ranges": [[{"subnet": "10.1.0.0/24", "gateway": "10.9.0.1"}, {"subnet": "10.3.0.0/24"}]], "routes": [{"dst": "0.0.0.0/0"}]}"#,
            // A route with a scope of its own, and one through a gw of another family.
            r#"{"ranges": [[{"subnet": "10.1.0.0/24"}]], "routes": [{"dst": "10.8.0.0/16", "gw": "10.9.0.1", "scope": 253}, {"dst": "10.7.0.0/16", "gw": "fd00::1"}]}"#,
        ] {
            assert_eq!(host_local(ipam, true), [], "{ipam}");
        }
    }

    #[test]
    fn a_default_route_with_its_own_gw_replaces_bridges() {
        // bridge adds no default route when the result has one with a gw.
        let ipam = r#"{"ranges": [[{"subnet": "10.1.0.0/24", "gateway": "10.9.0.1"}]], "routes": [{"dst": "0.0.0.0/0", "gw": "10.1.0.254"}]}"#;
        assert_eq!(host_local(ipam, true), []);
    }

    #[test]
    fn static_takes_the_first_gateway_of_each_family() {
        let ipam = r#"{"addresses": [{"address": "10.1.0.5/24"}, {"address": "10.2.0.5/24", "gateway": "10.9.0.1"}], "routes": [{"dst": "0.0.0.0/0"}]}"#;
        let file = FileCtx::new("t", ipam.as_bytes());
        let node = json::parse(ipam.as_bytes()).unwrap();
        let plan = static_plan(&node).unwrap();
        let mut sink = Sink::default();
        check(&file, &node, &plan, false, &mut sink);
        let found: Vec<usize> = sink.diagnostics.iter().map(|d| d.column).collect();
        assert_eq!(found, [82]);
        assert!(static_plan(&json::parse(br#"{"routes": []}"#).unwrap()).is_none());
    }
}
