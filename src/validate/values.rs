//! The values the reference plugins reject (an error) or accept without acting on them as
//! written (a warning), plugin by plugin: modes, VLAN IDs, MTUs, mark bits, ingress policies,
//! sysctl keys, rate and burst pairs, required keys. Each check names the plugin's own error
//! text where Debian's 1.1.1 has one.

use crate::types::ident::validate_ifname;

use super::diag::{FileCtx, Sink, INVALID_ADDRESS, INVALID_VALUE, ODD_VALUE, REQUIRED_KEY};
use super::go_field;
use super::json::{Json, Node};
use super::net::is_mac;

/// The context of a plugin's own checks.
pub(crate) struct Ctx<'a> {
    /// The plugin's file.
    pub file: &'a FileCtx,
    /// The plugin object.
    pub node: &'a Node,
    /// The plugin's type.
    pub name: &'static str,
}

impl Ctx<'_> {
    /// The string Go decodes into field `key`, and where it is.
    fn str(&self, key: &str) -> Option<(&str, usize)> {
        let m = go_field(self.node, key)?;
        m.value.as_str().map(|s| (s, m.value.start))
    }

    /// The integer Go decodes into field `key`, and where it is.
    fn int(&self, key: &str) -> Option<(i128, usize)> {
        let m = go_field(self.node, key)?;
        match &m.value.value {
            Json::Number(t) => t.parse::<i128>().ok().map(|v| (v, m.value.start)),
            _ => None,
        }
    }

    fn invalid(&self, sink: &mut Sink, at: usize, message: String, hint: &str) {
        sink.emit_hint(&INVALID_VALUE, self.file, at, message, Some(hint));
    }

    pub(crate) fn required(&self, sink: &mut Sink, message: String, hint: &str) {
        sink.emit_hint(
            &REQUIRED_KEY,
            self.file,
            self.node.start,
            message,
            Some(hint),
        );
    }
}

pub(crate) fn no_check(_: &Ctx, _: &mut Sink) {}

/// A negative `mtu`: macvlan and vlan check the range and fail, tuning's netlink call fails
/// ("invalid argument"); bridge, ptp and tap 1.1.1 ADD without complaint (checked against
/// Debian's plugins), so for them it is only odd.
pub(crate) fn check_mtu(c: &Ctx, sink: &mut Sink) {
    let Some((v, at)) = c.int("mtu").filter(|(v, _)| *v < 0) else {
        return;
    };
    if matches!(c.name, "macvlan" | "vlan" | "tuning") {
        c.invalid(
            sink,
            at,
            format!("mtu {v} is negative: {} rejects it", c.name),
            "leave mtu out for the default",
        );
    } else {
        sink.emit_hint(
            &ODD_VALUE,
            c.file,
            at,
            format!(
                "mtu {v} is negative: {} does not reject it, but it is no MTU",
                c.name
            ),
            Some("leave mtu out for the default"),
        );
    }
}

pub(crate) fn check_ip_masq_backend(c: &Ctx, sink: &mut Sink) {
    if let Some((b, at)) = c.str("ipMasqBackend") {
        if !matches!(b, "iptables" | "nftables") {
            c.invalid(
                sink,
                at,
                format!(
                    "ipMasqBackend {b:?} is neither iptables nor nftables: {} 1.6 and later rejects it (older releases ignore the key)",
                    c.name
                ),
                "write \"iptables\" or \"nftables\"",
            );
        }
    }
}

pub(crate) fn check_bridge(c: &Ctx, sink: &mut Sink) {
    if let Some((v, at)) = c.int("vlan") {
        if !(0..=4094).contains(&v) {
            c.invalid(
                sink,
                at,
                format!("vlan {v} is outside 0..4094: bridge rejects it"),
                "use a VLAN ID from 1 to 4094 (0 means none)",
            );
        }
    }
    // An empty name is left alone: the default cni0 only applies when the key is absent, and
    // what the kernel makes of an empty name was not checked.
    if let Some((name, at)) = c.str("bridge").filter(|(n, _)| !n.is_empty()) {
        if let Err(e) = validate_ifname(name) {
            c.invalid(
                sink,
                at,
                format!(
                    "bridge name {name:?} is not a valid interface name: {}",
                    e.msg
                ),
                "use at most 15 characters, without '/', ':' or spaces",
            );
        }
    }
    check_mtu(c, sink);
    check_ip_masq_backend(c, sink);
}

pub(crate) fn check_ptp(c: &Ctx, sink: &mut Sink) {
    check_mtu(c, sink);
    check_ip_masq_backend(c, sink);
}

pub(crate) fn check_macvlan(c: &Ctx, sink: &mut Sink) {
    if let Some((m, at)) = c.str("mode") {
        if !matches!(m, "" | "bridge" | "private" | "vepa" | "passthru") {
            c.invalid(
                sink,
                at,
                format!("macvlan mode {m:?} is unknown: macvlan rejects it"),
                "use bridge, private, vepa or passthru",
            );
        }
    }
    check_mtu(c, sink);
}

pub(crate) fn check_ipvlan(c: &Ctx, sink: &mut Sink) {
    if let Some((m, at)) = c.str("mode") {
        if !matches!(m, "" | "l2" | "l3" | "l3s") {
            c.invalid(
                sink,
                at,
                format!("ipvlan mode {m:?} is unknown: ipvlan rejects it"),
                "use l2, l3 or l3s",
            );
        }
    }
}

pub(crate) fn check_vlan(c: &Ctx, sink: &mut Sink) {
    if c.str("master").filter(|(m, _)| !m.is_empty()).is_none() {
        c.required(
            sink,
            "vlan has no \"master\": it fails (\"\\\"master\\\" field is required\")".into(),
            "set master to the host interface that carries the VLAN",
        );
    }
    match c.int("vlanId") {
        Some((v, at)) if !(0..=4094).contains(&v) => {
            c.invalid(
                sink,
                at,
                format!("vlanId {v} is outside 0..4094: vlan rejects it"),
                "use a VLAN ID from 1 to 4094",
            );
        }
        _ => {}
    }
    check_mtu(c, sink);
}

pub(crate) fn check_host_device(c: &Ctx, sink: &mut Sink) {
    let any = ["device", "hwaddr", "kernelpath", "pciBusID"]
        .iter()
        .any(|k| c.str(k).is_some_and(|(v, _)| !v.is_empty()));
    let from_runtime = go_field(c.node, "capabilities")
        .and_then(|m| go_field(&m.value, "deviceID"))
        .is_some_and(|m| m.value.as_bool() == Some(true));
    if !any && !from_runtime {
        c.required(sink, "host-device names no device: it fails (specify either \"device\", \"hwaddr\", \"kernelpath\" or \"pciBusID\")".into(), "set device to the host interface to move into the container");
    }
    // host-device looks the device up by the first of device, hwaddr, kernelpath that is set,
    // and parses only that one.
    let set = |k: &str| c.str(k).filter(|(v, _)| !v.is_empty());
    if set("device").is_some() {
        return;
    }
    if let Some((mac, at)) = set("hwaddr") {
        if !is_mac(mac) {
            sink.emit_hint(
                &INVALID_ADDRESS,
                c.file,
                at,
                format!("hwaddr {mac:?} is not a MAC address: host-device fails (\"failed to parse MAC address\")"),
                Some("write a MAC address such as c2:11:22:33:44:55"),
            );
        }
    } else if let Some((path, at)) = set("kernelpath") {
        if !path.starts_with("/sys/devices/") {
            c.invalid(
                sink,
                at,
                format!("kernelpath {path:?} is not under /sys/devices/: host-device rejects it"),
                "write the device's absolute path under /sys/devices/",
            );
        }
    }
}

pub(crate) fn check_tap(c: &Ctx, sink: &mut Sink) {
    check_mtu(c, sink);
}

pub(crate) fn check_portmap(c: &Ctx, sink: &mut Sink) {
    match c.int("markMasqBit") {
        Some((v, at)) if !(0..=31).contains(&v) => {
            c.invalid(
                sink,
                at,
                format!("markMasqBit {v} is outside 0..31: portmap rejects it"),
                "use a bit from 0 to 31 (default 13)",
            );
        }
        _ => {}
    }
    if let (Some(bit), Some(_)) = (
        go_field(c.node, "markMasqBit"),
        go_field(c.node, "externalSetMarkChain"),
    ) {
        if !bit.value.is_null() {
            c.invalid(
                sink,
                bit.key_start,
                "markMasqBit and externalSetMarkChain are both set: portmap rejects the pair"
                    .into(),
                "keep one of them",
            );
        }
    }
    if let Some((b, at)) = c.str("backend") {
        if !matches!(b, "iptables" | "nftables") {
            c.invalid(
                sink,
                at,
                format!("portmap backend {b:?} is unknown: portmap 1.6 and later rejects it (older releases ignore the key)"),
                "write \"iptables\" or \"nftables\"",
            );
        }
    }
}

pub(crate) fn check_firewall(c: &Ctx, sink: &mut Sink) {
    if let Some((p, at)) = c.str("ingressPolicy") {
        if !matches!(p, "" | "open" | "same-bridge" | "isolated") {
            c.invalid(sink, at, format!("ingressPolicy {p:?} is unknown: firewall rejects it (\"unknown ingress policy\")"), "use open, same-bridge or isolated");
        }
    }
    if let Some((b, at)) = c.str("backend") {
        if !matches!(b, "" | "iptables" | "firewalld") {
            sink.emit_hint(
                &ODD_VALUE,
                c.file,
                at,
                format!("firewall backend {b:?} is unknown: firewall ignores it and uses firewalld if it runs, else iptables"),
                Some("write \"iptables\" or \"firewalld\""),
            );
        }
    }
}

pub(crate) fn check_tuning(c: &Ctx, sink: &mut Sink) {
    if let Some(m) = go_field(c.node, "sysctl") {
        for s in m.value.members().unwrap_or(&[]) {
            let key = s.key.replacen("IFNAME", "eth0", 1);
            if !key.replace('.', "/").starts_with("net/") {
                c.invalid(sink, s.key_start, format!("sysctl {:?} is not under net.: tuning refuses it (\"invalid net sysctl key\")", s.key), "tuning only sets network sysctls (net.*)");
            }
        }
    }
    check_mtu(c, sink);
}

pub(crate) fn check_bandwidth(c: &Ctx, sink: &mut Sink) {
    for (rate, burst) in [
        ("ingressRate", "ingressBurst"),
        ("egressRate", "egressBurst"),
    ] {
        let r = c.int(rate);
        let b = c.int(burst);
        let rv = r.map_or(0, |x| x.0);
        let bv = b.map_or(0, |x| x.0);
        if rv != 0 && bv == 0 {
            c.invalid(sink, r.map_or(c.node.start, |x| x.1), format!("{rate} is set without {burst}: bandwidth rejects it (\"if rate is set, burst must also be set\")"), "set both, or neither");
        } else if bv != 0 && rv == 0 {
            c.invalid(sink, b.map_or(c.node.start, |x| x.1), format!("{burst} is set without {rate}: bandwidth rejects it (\"if burst is set, rate must also be set\")"), "set both, or neither");
        } else if bv / 8 >= u32::MAX as i128 {
            c.invalid(
                sink,
                b.map_or(c.node.start, |x| x.1),
                format!("{burst} {bv} is more than 4 GB: bandwidth rejects it"),
                "use a smaller burst",
            );
        }
    }
}

pub(crate) fn check_vrf(c: &Ctx, sink: &mut Sink) {
    if c.str("vrfname").filter(|(v, _)| !v.is_empty()).is_none() {
        c.required(sink, "vrf has no \"vrfname\": it fails (\"configuration is expected to have a valid vrf name\")".into(), "set vrfname to the VRF the interface joins");
    }
}
