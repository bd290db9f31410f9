//! libcni's `GetAsVersion`: conversions between every pair of known versions. Up conversions
//! are lossless; down conversions drop what the older shape cannot hold.

use super::parse::cidr_is_v4;
use super::{
    CniResult, Family, Interface040, Interface100, IpConfig020, IpConfig040, IpConfig100,
    Result020, Result040, Result100, ResultError, Route,
};

/// Converts `from` to version `to` (`""` = 0.1.0). A result without a version first takes its
/// type's highest one.
pub(crate) fn convert(from: &CniResult, to: &str) -> Result<CniResult, ResultError> {
    let to = if to.is_empty() { "0.1.0" } else { to };
    let mut from = from.clone();
    match &mut from {
        CniResult::V020(r) if r.cni_version.is_empty() => r.cni_version = "0.2.0".to_string(),
        CniResult::V040(r) if r.cni_version.is_empty() => r.cni_version = "0.4.0".to_string(),
        CniResult::V100(r) if r.cni_version.is_empty() => r.cni_version = "1.1.0".to_string(),
        _ => {}
    }
    if from.version() == to {
        return Ok(from);
    }
    let no_converter = || ResultError::NoConverter {
        from: from.version().to_string(),
        to: to.to_string(),
    };
    // "" is a creator version, never a conversion target or source here.
    let from_family = Family::of(from.version()).filter(|_| !from.version().is_empty());
    let to_family = Family::of(to).ok_or_else(no_converter)?;
    match (&from, from_family) {
        (CniResult::V020(r), Some(Family::F020)) => Ok(match to_family {
            Family::F020 => CniResult::V020(Result020 {
                cni_version: to.to_string(),
                ..r.clone()
            }),
            Family::F040 => CniResult::V040(from020_to040(r, to)),
            Family::F100 => CniResult::V100(from040_to100(&from020_to040(r, "0.4.0"), to)),
        }),
        (CniResult::V040(r), Some(Family::F040)) => Ok(match to_family {
            Family::F020 => CniResult::V020(from040_to020(r, to)?),
            Family::F040 => CniResult::V040(Result040 {
                cni_version: to.to_string(),
                ..r.clone()
            }),
            Family::F100 => CniResult::V100(from040_to100(r, to)),
        }),
        (CniResult::V100(r), Some(Family::F100)) => Ok(match to_family {
            Family::F020 => CniResult::V020(from040_to020(&from100_to040(r, "0.4.0"), to)?),
            Family::F040 => CniResult::V040(from100_to040(r, to)),
            Family::F100 => CniResult::V100(Result100 {
                cni_version: to.to_string(),
                ..r.clone()
            }),
        }),
        // A version that does not belong to the result's type (only possible for results
        // built in code) has no converter.
        _ => Err(no_converter()),
    }
}

/// 0.2 → 0.3.x/0.4.0: `ip4` then `ip6` become `ips` entries; their routes are concatenated.
fn from020_to040(r: &Result020, to: &str) -> Result040 {
    let mut out = Result040 {
        cni_version: to.to_string(),
        dns: r.dns.clone(),
        ..Default::default()
    };
    for (c, version) in [(&r.ip4, "4"), (&r.ip6, "6")] {
        if let Some(c) = c {
            out.ips.push(IpConfig040 {
                version: version.to_string(),
                interface: None,
                address: c.ip.clone(),
                gateway: c.gateway.clone(),
            });
            out.routes.extend(c.routes.iter().cloned());
        }
    }
    out
}

/// 0.3.x/0.4.0 → 0.1.0/0.2.0 (lossy): the first v4 and first v6 entries survive; routes go
/// under the family of their `dst` (only `dst` and `gw` kept) when that family has an IP.
fn from040_to020(r: &Result040, to: &str) -> Result<Result020, ResultError> {
    let mut out = Result020 {
        cni_version: to.to_string(),
        dns: r.dns.clone(),
        ..Default::default()
    };
    for ip in &r.ips {
        let slot = match ip.version.as_str() {
            "4" => &mut out.ip4,
            "6" => &mut out.ip6,
            _ => continue,
        };
        if slot.is_none() {
            *slot = Some(IpConfig020 {
                ip: ip.address.clone(),
                gateway: ip.gateway.clone(),
                routes: Vec::new(),
            });
        }
        if out.ip4.is_some() && out.ip6.is_some() {
            break;
        }
    }
    for route in &r.routes {
        let slot = if cidr_is_v4(&route.dst) {
            &mut out.ip4
        } else {
            &mut out.ip6
        };
        if let Some(c) = slot {
            c.routes.push(Route {
                dst: route.dst.clone(),
                gw: route.gw.clone(),
                ..Default::default()
            });
        }
    }
    if out.ip4.is_none() && out.ip6.is_none() {
        return Err(ResultError::NoValidIp);
    }
    Ok(out)
}

/// 0.3.x/0.4.0 → 1.x: the `version` of each ip entry is dropped.
fn from040_to100(r: &Result040, to: &str) -> Result100 {
    Result100 {
        cni_version: to.to_string(),
        interfaces: r
            .interfaces
            .iter()
            .map(|i| Interface100 {
                name: i.name.clone(),
                mac: i.mac.clone(),
                sandbox: i.sandbox.clone(),
                ..Default::default()
            })
            .collect(),
        ips: r
            .ips
            .iter()
            .map(|c| IpConfig100 {
                interface: c.interface,
                address: c.address.clone(),
                gateway: c.gateway.clone(),
            })
            .collect(),
        routes: r.routes.clone(),
        dns: r.dns.clone(),
    }
}

/// 1.x → 0.3.x/0.4.0: each ip entry gets its version from its address family (IPv4-mapped
/// counts as "4"); interfaces lose `mtu`, `socketPath` and `pciID`.
fn from100_to040(r: &Result100, to: &str) -> Result040 {
    Result040 {
        cni_version: to.to_string(),
        interfaces: r
            .interfaces
            .iter()
            .map(|i| Interface040 {
                name: i.name.clone(),
                mac: i.mac.clone(),
                sandbox: i.sandbox.clone(),
            })
            .collect(),
        ips: r
            .ips
            .iter()
            .map(|c| IpConfig040 {
                version: if cidr_is_v4(&c.address) { "4" } else { "6" }.to_string(),
                interface: c.interface,
                address: c.address.clone(),
                gateway: c.gateway.clone(),
            })
            .collect(),
        routes: r.routes.clone(),
        dns: r.dns.clone(),
    }
}
