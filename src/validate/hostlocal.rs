//! host-local's ranges, as its `LoadIPAMConfig` and `Range.Canonicalize` judge them: what it
//! rejects is an error (host bits, a network too small, rangeStart or rangeEnd outside the
//! subnet or in the wrong order, mixed families in a set, an empty set, overlapping ranges, no
//! range at all, more than one range per family before 0.3.0); what it accepts but is odd is a
//! warning (a gateway outside the subnet or on its network or broadcast address, a range that
//! hands out the network or broadcast address, top-level range keys without a subnet).
//!
//! Checked against Debian's host-local 1.1.1: a gateway outside the subnet and a range that
//! starts at the network address or ends at the broadcast address both ADD fine, unless a
//! route goes through that gateway (then the kernel refuses the route: `routes.rs`).

use super::diag::{
    FileCtx, Pos, Sink, HOSTLOCAL_INVALID_RANGE, HOSTLOCAL_NO_RANGE, HOSTLOCAL_ODD,
    HOSTLOCAL_OVERLAP,
};
use super::json::Node;
use super::net::{Addr, Cidr, Family};
use super::routes::{Gateway, Gateways, Plan};
use super::versions::Selected;
use super::{go_field, SubnetUse};
use crate::types::version::Version;

/// One range of a set, as far as it parses.
struct Range<'a> {
    label: String,
    node: &'a Node,
    subnet: Option<(Cidr, usize)>,
    start: Option<(Addr, usize)>,
    end: Option<(Addr, usize)>,
    gateway: Option<(Addr, usize)>,
    /// False when a value failed to decode (already reported): skip the semantic checks.
    complete: bool,
}

/// A range after host-local's canonicalisation: the first and last address it hands out.
#[derive(Clone, Copy)]
struct Span {
    family: Family,
    first: u128,
    last: u128,
}

impl Span {
    fn overlaps(&self, o: &Span) -> bool {
        self.family == o.family && self.first <= o.last && o.first <= self.last
    }
}

fn addr(node: &Node, key: &str) -> (Option<(Addr, usize)>, bool) {
    match go_field(node, key) {
        None => (None, true),
        Some(m) => match m.value.as_str() {
            Some("") => (None, true),
            Some(s) => match Addr::parse(s) {
                Some(a) => (Some((a, m.value.start)), true),
                None => (None, false),
            },
            None => (None, m.value.is_null()),
        },
    }
}

fn range<'a>(node: &'a Node, label: String) -> Range<'a> {
    let (start, ok1) = addr(node, "rangeStart");
    let (end, ok2) = addr(node, "rangeEnd");
    let (gateway, ok3) = addr(node, "gateway");
    let (subnet, ok4) = match go_field(node, "subnet") {
        None => (None, true),
        Some(m) => match m.value.as_str().and_then(Cidr::parse) {
            Some(c) => (Some((c, m.value.start)), true),
            None => (None, false),
        },
    };
    Range {
        label,
        node,
        subnet,
        start,
        end,
        gateway,
        complete: ok1 && ok2 && ok3 && ok4,
    }
}

/// The range sets host-local builds: the top-level range (when it has a subnet) first, then
/// `ranges`. Top-level range keys without a subnet are reported as ignored.
fn sets<'a>(
    file: &FileCtx,
    ipam: &'a Node,
    sink: Option<&mut Sink>,
) -> Vec<(String, usize, Vec<Range<'a>>)> {
    let mut out = Vec::new();
    let top = range(ipam, "ipam".to_string());
    if let Some((_, at)) = top.subnet {
        out.push(("ipam.subnet".to_string(), at, vec![top]));
    } else if top.complete && go_field(ipam, "subnet").is_none() {
        if let Some(sink) = sink {
            for key in ["rangeStart", "rangeEnd", "gateway"] {
                if let Some(m) = go_field(ipam, key) {
                    sink.emit_hint(
                        &HOSTLOCAL_ODD,
                        file,
                        m.key_start,
                        format!("ipam.{key} without ipam.subnet is ignored by host-local"),
                        Some("put it in the range of \"ranges\" it belongs to, or add ipam.subnet"),
                    );
                }
            }
        }
    }
    if let Some(items) = go_field(ipam, "ranges").and_then(|m| m.value.items()) {
        // A set that is not an array is a wrong type, reported by the schema check.
        for (i, set) in items
            .iter()
            .enumerate()
            .filter(|(_, s)| s.items().is_some() || s.is_null())
        {
            let ranges = set
                .items()
                .unwrap_or(&[])
                .iter()
                .enumerate()
                .filter(|(_, r)| r.members().is_some() || r.is_null())
                .map(|(j, r)| range(r, format!("ipam.ranges[{i}][{j}]")))
                .collect();
            out.push((format!("ipam.ranges[{i}]"), set.start, ranges));
        }
    }
    out
}

/// The subnets of a host-local section, without findings (for plugins cnictl does not judge).
pub(crate) fn subnets(file: &FileCtx, ipam: &Node) -> Vec<SubnetUse> {
    sets(file, ipam, None)
        .iter()
        .flat_map(|(_, _, rs)| rs.iter())
        .filter_map(|r| r.subnet)
        .filter(|(c, _)| !c.has_host_bits())
        .map(|(cidr, at)| SubnetUse {
            cidr,
            pos: Pos::of(file, at),
        })
        .collect()
}

/// What the interface gets from host-local: the subnets of every valid range, and the
/// gateways of the ranges of the first range set of each family (the first address of a
/// family comes from that set, from whichever of its ranges has room).
pub(crate) fn plan(file: &FileCtx, ipam: &Node) -> Plan {
    let mut plan = Plan::default();
    for (_, _, ranges) in sets(file, ipam, None) {
        let mut gateways = Vec::new();
        for r in ranges.iter().filter(|r| r.complete) {
            let Some((subnet, _)) = r.subnet.filter(|(s, _)| !s.has_host_bits()) else {
                continue;
            };
            plan.subnets.push(subnet);
            gateways.push(match r.gateway {
                Some((addr, at)) => Gateway {
                    addr,
                    at: Some(at),
                    label: format!("{}.gateway", r.label),
                },
                // host-local's default: the subnet's first address.
                None => Gateway {
                    addr: Addr {
                        family: subnet.addr.family,
                        value: subnet.network().value + 1,
                    },
                    at: None,
                    label: format!("{}.gateway", r.label),
                },
            });
        }
        if let Some(first) = gateways.first() {
            let slot = usize::from(first.addr.family == Family::V6);
            if plan.defaults[slot].is_empty() {
                plan.defaults[slot] = gateways;
            }
        }
    }
    plan
}

/// Checks a host-local section; returns its valid subnets. `ip_ranges` is true when the
/// plugin declares the ipRanges capability (the runtime may supply the ranges). `gateways`
/// says which gateways a route already reported goes through, and which the interface
/// reaches anyway.
pub(crate) fn check(
    file: &FileCtx,
    ipam: &Node,
    version: Option<&Selected>,
    ip_ranges: bool,
    gateways: &Gateways,
    sink: &mut Sink,
) -> Vec<SubnetUse> {
    let sets = sets(file, ipam, Some(sink));
    // Ranges of the wrong type, or a subnet that does not parse, are reported elsewhere.
    let written = |key: &str| go_field(ipam, key).is_some_and(|m| !m.value.is_null());
    let ranges_written = go_field(ipam, "ranges").is_some_and(|m| {
        m.value
            .items()
            .map_or(!m.value.is_null(), |i| !i.is_empty())
    });
    if sets.is_empty() && !ip_ranges && !written("subnet") && !ranges_written {
        sink.emit_hint(
            &HOSTLOCAL_NO_RANGE,
            file,
            ipam.start,
            "host-local has neither subnet nor ranges: ADD fails (\"no IP ranges specified\")".into(),
            Some("add \"ranges\": [[{\"subnet\": \"10.22.0.0/16\"}]], or declare the ipRanges capability if the runtime supplies them"),
        );
    }
    let mut out = Vec::new();
    // Ranges of earlier sets, for host-local's check across sets.
    let mut earlier: Vec<(Span, String)> = Vec::new();
    let mut per_family = [0usize; 2];
    for (label, at, ranges) in &sets {
        if ranges.is_empty() {
            sink.emit(
                &HOSTLOCAL_INVALID_RANGE,
                file,
                *at,
                format!("{label} is an empty range set: host-local rejects it"),
            );
            continue;
        }
        let mut spans: Vec<(Span, &Range)> = Vec::new();
        for r in ranges {
            if let (Some(span), Some((cidr, at))) = (check_range(file, r, gateways, sink), r.subnet)
            {
                out.push(SubnetUse {
                    cidr,
                    pos: Pos::of(file, at),
                });
                spans.push((span, r));
            }
        }
        let Some((first, _)) = spans.first() else {
            continue;
        };
        if let Some((_, r)) = spans.iter().find(|(s, _)| s.family != first.family) {
            sink.emit(
                &HOSTLOCAL_INVALID_RANGE,
                file,
                r.node.start,
                format!("{label} mixes IPv4 and IPv6 ranges: host-local rejects it (\"mixed address families\")"),
            );
            continue;
        }
        let family = usize::from(first.family == Family::V6);
        per_family[family] += 1;
        if per_family[family] > 1 {
            if let Some(v) = version.filter(|v| v.parsed.is_some_and(|p| p < Version::new(0, 3, 0)))
            {
                sink.emit_hint(
                    &HOSTLOCAL_INVALID_RANGE,
                    file,
                    *at,
                    format!(
                        "{label} is a second range set of one address family, which cniVersion {:?} does not allow: host-local rejects it",
                        v.version
                    ),
                    Some("use cniVersion 0.3.0 or later"),
                );
            }
        }
        for (i, (a, ra)) in spans.iter().enumerate() {
            for (b, rb) in &spans[i + 1..] {
                if a.overlaps(b) {
                    sink.emit_hint(
                        &HOSTLOCAL_OVERLAP,
                        file,
                        rb.node.start,
                        format!(
                            "{} overlaps {} in the same range set: host-local rejects it",
                            rb.label, ra.label
                        ),
                        Some("give each range of a set its own addresses"),
                    );
                }
            }
        }
        for (span, r) in &spans {
            if let Some((_, other)) = earlier.iter().find(|(s, _)| s.overlaps(span)) {
                sink.emit_hint(
                    &HOSTLOCAL_OVERLAP,
                    file,
                    r.node.start,
                    format!(
                        "{} overlaps {other} of another range set: host-local rejects it",
                        r.label
                    ),
                    Some("give each range set its own addresses"),
                );
            }
        }
        earlier.extend(spans.iter().map(|(s, r)| (*s, r.label.clone())));
    }
    out
}

fn invalid(file: &FileCtx, at: usize, message: String, hint: &str, sink: &mut Sink) {
    sink.emit_hint(&HOSTLOCAL_INVALID_RANGE, file, at, message, Some(hint));
}

fn odd(file: &FileCtx, at: usize, message: String, hint: &str, sink: &mut Sink) {
    sink.emit_hint(&HOSTLOCAL_ODD, file, at, message, Some(hint));
}

/// One range, as `Range.Canonicalize` judges it; returns the addresses it hands out.
fn check_range(file: &FileCtx, r: &Range, gateways: &Gateways, sink: &mut Sink) -> Option<Span> {
    if !r.complete {
        return None;
    }
    let Some((subnet, at)) = r.subnet else {
        invalid(
            file,
            r.node.start,
            format!("{} has no subnet: host-local rejects it", r.label),
            "every range needs \"subnet\"",
            sink,
        );
        return None;
    };
    let bits = subnet.addr.family.bits();
    let text = go_field(r.node, "subnet")
        .and_then(|m| m.value.as_str())
        .unwrap_or_default()
        .to_string();
    if subnet.prefix + 2 > bits {
        invalid(
            file,
            at,
            format!(
                "{}.subnet {text:?} is too small to allocate from: host-local rejects it",
                r.label
            ),
            "use a prefix of at most /30 (IPv4) or /126 (IPv6)",
            sink,
        );
        return None;
    }
    if subnet.has_host_bits() {
        invalid(
            file,
            at,
            format!(
                "{}.subnet {text:?} has host bits set: host-local rejects it",
                r.label
            ),
            &format!("write {:?}", subnet.network_string()),
            sink,
        );
        return None;
    }
    let network = subnet.network();
    let broadcast = subnet.last();
    let v4 = subnet.addr.family == Family::V4;
    if let Some((g, at)) = r.gateway {
        if !subnet.contains(g) {
            // An IPv6 link-local router is a usual gateway; one a route already failed on
            // has its error.
            if !Plan::link_local(g) && !gateways.reported.contains(&at) {
                let consequence = if gateways.plan.is_some_and(|p| p.reachable(g)) {
                    "another subnet of the interface holds it, so routes through it work"
                } else {
                    "a route through it would fail (\"network is unreachable\")"
                };
                odd(file, at, format!("{}.gateway {g} is outside the subnet {text}: host-local hands it out as the gateway anyway; {consequence}", r.label), "use an address inside the subnet", sink);
            }
        } else if g == network || (v4 && g == broadcast) {
            let what = if g == network { "network" } else { "broadcast" };
            odd(
                file,
                at,
                format!("{}.gateway {g} is the subnet's {what} address", r.label),
                "use a host address such as the first one",
                sink,
            );
        }
    }
    let first = r.start.map_or(network.value + 1, |s| s.0.value);
    let last_default = if v4 {
        broadcast.value - 1
    } else {
        broadcast.value
    };
    if let Some((s, at)) = r.start {
        if !subnet.contains(s) {
            invalid(
                file,
                at,
                format!(
                    "{}.rangeStart {s} is not in the subnet {text}: host-local rejects it",
                    r.label
                ),
                "pick a start inside the subnet",
                sink,
            );
            return None;
        }
        if let Some((e, _)) = r
            .end
            .filter(|e| subnet.contains(e.0) && e.0.value < s.value)
        {
            invalid(
                file,
                at,
                format!(
                    "{}.rangeStart {s} is after rangeEnd {e}: host-local rejects it",
                    r.label
                ),
                "swap them",
                sink,
            );
            return None;
        }
        if s == network {
            odd(
                file,
                at,
                format!(
                    "{}.rangeStart {s} is the subnet's network address: host-local hands it out",
                    r.label
                ),
                "start at the first host address",
                sink,
            );
        }
    }
    if let Some((e, at)) = r.end {
        if !subnet.contains(e) || e.value < first {
            invalid(file, at, format!("{}.rangeEnd {e} is not in the subnet {text} after rangeStart: host-local rejects it", r.label), "pick an end inside the subnet, after rangeStart", sink);
            return None;
        }
        if v4 && e == broadcast {
            odd(
                file,
                at,
                format!(
                    "{}.rangeEnd {e} is the subnet's broadcast address: host-local hands it out",
                    r.label
                ),
                "end one address earlier",
                sink,
            );
        }
    }
    Some(Span {
        family: subnet.addr.family,
        first,
        last: r.end.map_or(last_default, |e| e.0.value),
    })
}

#[cfg(test)]
#[path = "hostlocal_tests.rs"]
mod tests;
