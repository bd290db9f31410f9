//! The reference plugins' config keys (containernetworking/plugins: the keys of 1.1.1, which
//! Debian ships, plus those newer releases added), the capabilities each consumes, and the
//! values each rejects. Unknown (third-party) plugins are left alone apart from the spec
//! rules, and so is the `ipam` of a third-party plugin, which may rewrite it.

use crate::types::ident::validate_ifname;

use super::diag::{FileCtx, Sink, INVALID_VALUE, ODD_VALUE, REQUIRED_KEY, UNKNOWN_CAPABILITY};
use super::hostlocal;
use super::json::{Json, Node};
use super::schema::{check_object, f, Field, Owner, Ty};
use super::spec::{PluginInfo, LIST_ONLY_KEYS, PLUGIN_SPEC_KEYS};
use super::versions::Selected;
use super::{go_field, PluginRef, SubnetUse};

use Ty::*;

static BRIDGE: &[Field] = &[
    f("bridge", Str),
    f("isGateway", Bool),
    f("isDefaultGateway", Bool),
    f("forceAddress", Bool),
    f("ipMasq", Bool),
    f("ipMasqBackend", Str),
    f("mtu", Int),
    f("hairpinMode", Bool),
    f("promiscMode", Bool),
    f("vlan", Int),
    f("vlanTrunk", ObjList(VLAN_TRUNK)),
    f("preserveDefaultVlan", Bool),
    f("macspoofchk", Bool),
    f("enabledad", Bool),
    f("disableContainerInterface", Bool),
    f("portIsolation", Bool),
];
static VLAN_TRUNK: &[Field] = &[f("minID", Int), f("maxID", Int), f("id", Int)];
static PTP: &[Field] = &[f("ipMasq", Bool), f("ipMasqBackend", Str), f("mtu", Int)];
static MACVLAN: &[Field] = &[
    f("master", Str),
    f("mode", Str),
    f("mtu", Int),
    f("mac", Mac),
    f("linkInContainer", Bool),
    f("bcqueuelen", U32),
];
static IPVLAN: &[Field] = &[
    f("master", Str),
    f("mode", Str),
    f("mtu", Int),
    f("linkInContainer", Bool),
];
static VLAN: &[Field] = &[
    f("master", Str),
    f("vlanId", Int),
    f("mtu", Int),
    f("linkInContainer", Bool),
];
static HOST_DEVICE: &[Field] = &[
    f("device", Str),
    f("hwaddr", Mac),
    f("DPDKMode", Bool),
    f("kernelpath", Str),
    f("pciBusID", Str),
];
static TAP: &[Field] = &[
    f("multiQueue", Bool),
    f("mtu", Int),
    f("mac", Mac),
    f("owner", U32),
    f("group", U32),
    f("selinuxContext", Str),
    f("bridge", Str),
];
static NONE: &[Field] = &[];
static PORTMAP: &[Field] = &[
    f("snat", Bool),
    f("conditionsV4", StrList),
    f("conditionsV6", StrList),
    f("markMasqBit", Int),
    f("externalSetMarkChain", Str),
    f("backend", Str),
    f("masqAll", Bool),
];
static FIREWALL: &[Field] = &[
    f("backend", Str),
    f("iptablesAdminChainName", Str),
    f("firewalldZone", Str),
    f("ingressPolicy", Str),
];
static TUNING: &[Field] = &[
    f("dataDir", Str),
    f("sysctl", StrMap),
    f("mac", Mac),
    f("promisc", Bool),
    f("mtu", Int),
    f("txQLen", Int),
    f("allmulti", Bool),
];
static BANDWIDTH: &[Field] = &[
    f("ingressRate", U64),
    f("ingressBurst", U64),
    f("egressRate", U64),
    f("egressBurst", U64),
];
static SBR: &[Field] = &[f("table", Int)];
static VRF: &[Field] = &[f("vrfname", Str), f("table", U32)];

static RANGE: &[Field] = &[
    f("subnet", Cidr),
    f("rangeStart", Ip),
    f("rangeEnd", Ip),
    f("gateway", Ip),
];
static HOST_LOCAL: &[Field] = &[
    f("type", Str),
    f("name", Str),
    f("routes", Routes),
    f("dataDir", Str),
    f("resolvConf", Str),
    f("ranges", ObjListList(RANGE)),
    f("subnet", Cidr),
    f("rangeStart", Ip),
    f("rangeEnd", Ip),
    f("gateway", Ip),
];
static DNS: &[Field] = &[
    f("nameservers", StrList),
    f("domain", Str),
    f("search", StrList),
    f("options", StrList),
];
static STATIC_ADDRESS: &[Field] = &[f("address", Cidr), f("gateway", Ip), f("version", Str)];
static STATIC: &[Field] = &[
    f("type", Str),
    f("name", Str),
    f("routes", Routes),
    f("addresses", ObjList(STATIC_ADDRESS)),
    f("dns", Obj(DNS)),
];
static DHCP_PROVIDE: &[Field] = &[f("option", Str), f("value", Str), f("fromArg", Str)];
static DHCP_REQUEST: &[Field] = &[f("skipDefault", Bool), f("option", Str)];
static DHCP: &[Field] = &[
    f("type", Str),
    f("daemonSocketPath", Str),
    f("provide", ObjList(DHCP_PROVIDE)),
    f("request", ObjList(DHCP_REQUEST)),
    f("priority", Int),
];

/// How a plugin uses `ipam`.
#[derive(PartialEq)]
enum Ipam {
    /// It ignores it.
    Ignored,
    /// It runs the IPAM plugin when `ipam.type` is set.
    Optional,
    /// It always runs the IPAM plugin: no type fails ADD ("no plugin name provided").
    Required,
    /// Required when the plugin is first (ipvlan takes the previous result's IPs otherwise).
    RequiredWhenFirst,
}

struct Plugin {
    name: &'static str,
    fields: &'static [Field],
    capabilities: &'static [&'static str],
    ipam: Ipam,
    check: fn(&Ctx, &mut Sink),
}

static PLUGINS: &[Plugin] = &[
    Plugin {
        name: "bridge",
        fields: BRIDGE,
        capabilities: &["mac"],
        ipam: Ipam::Optional,
        check: check_bridge,
    },
    Plugin {
        name: "ptp",
        fields: PTP,
        capabilities: &[],
        ipam: Ipam::Required,
        check: check_ptp,
    },
    Plugin {
        name: "macvlan",
        fields: MACVLAN,
        capabilities: &["mac"],
        ipam: Ipam::Optional,
        check: check_macvlan,
    },
    Plugin {
        name: "ipvlan",
        fields: IPVLAN,
        capabilities: &[],
        ipam: Ipam::RequiredWhenFirst,
        check: check_ipvlan,
    },
    Plugin {
        name: "vlan",
        fields: VLAN,
        capabilities: &[],
        ipam: Ipam::Required,
        check: check_vlan,
    },
    Plugin {
        name: "host-device",
        fields: HOST_DEVICE,
        capabilities: &["deviceID"],
        ipam: Ipam::Optional,
        check: check_host_device,
    },
    Plugin {
        name: "loopback",
        fields: NONE,
        capabilities: &[],
        ipam: Ipam::Ignored,
        check: no_check,
    },
    Plugin {
        name: "tap",
        fields: TAP,
        capabilities: &["mac"],
        ipam: Ipam::Optional,
        check: check_tap,
    },
    Plugin {
        name: "dummy",
        fields: NONE,
        capabilities: &[],
        ipam: Ipam::Required,
        check: no_check,
    },
    Plugin {
        name: "portmap",
        fields: PORTMAP,
        capabilities: &["portMappings"],
        ipam: Ipam::Ignored,
        check: check_portmap,
    },
    Plugin {
        name: "firewall",
        fields: FIREWALL,
        capabilities: &[],
        ipam: Ipam::Ignored,
        check: check_firewall,
    },
    Plugin {
        name: "tuning",
        fields: TUNING,
        capabilities: &["mac"],
        ipam: Ipam::Ignored,
        check: check_tuning,
    },
    Plugin {
        name: "bandwidth",
        fields: BANDWIDTH,
        capabilities: &["bandwidth"],
        ipam: Ipam::Ignored,
        check: check_bandwidth,
    },
    Plugin {
        name: "sbr",
        fields: SBR,
        capabilities: &[],
        ipam: Ipam::Ignored,
        check: no_check,
    },
    Plugin {
        name: "vrf",
        fields: VRF,
        capabilities: &[],
        ipam: Ipam::Ignored,
        check: check_vrf,
    },
];

fn plugin(name: &str) -> Option<&'static Plugin> {
    PLUGINS.iter().find(|p| p.name == name)
}

/// True when plugin `t` fails without an IPAM type (at this place in the chain).
pub(crate) fn requires_ipam(t: &str, first: bool) -> bool {
    plugin(t)
        .is_some_and(|p| p.ipam == Ipam::Required || (p.ipam == Ipam::RequiredWhenFirst && first))
}

/// The context of a plugin's own checks.
struct Ctx<'a> {
    file: &'a FileCtx,
    node: &'a Node,
    name: &'static str,
}

impl Ctx<'_> {
    /// The value Go decodes into field `key`, when it is of `kind`.
    fn str(&self, key: &str) -> Option<(&str, usize)> {
        let m = go_field(self.node, key)?;
        m.value.as_str().map(|s| (s, m.value.start))
    }

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

    fn required(&self, sink: &mut Sink, message: String, hint: &str) {
        sink.emit_hint(
            &REQUIRED_KEY,
            self.file,
            self.node.start,
            message,
            Some(hint),
        );
    }
}

/// Schema and value checks of one plugin of a chain; returns its host-local subnets.
pub(crate) fn check(
    p: &PluginRef,
    info: &PluginInfo,
    first: bool,
    version: Option<&Selected>,
    sink: &mut Sink,
) -> Vec<SubnetUse> {
    let Some((t, _)) = &info.plugin_type else {
        return Vec::new();
    };
    let Some(schema) = plugin(t) else {
        // A third-party plugin: its IPAM section is its own business, but host-local subnets
        // still count for the overlap rule.
        return match (go_field(p.node, "ipam"), &info.ipam_type) {
            (Some(ipam), Some((it, _))) if it == "host-local" => {
                hostlocal::subnets(p.file, &ipam.value)
            }
            _ => Vec::new(),
        };
    };
    let owner = Owner {
        plugin: schema.name,
        path: String::new(),
    };
    let mut skip = PLUGIN_SPEC_KEYS.to_vec();
    if p.single {
        // Reported as ignored-list-key.
        skip.extend(LIST_ONLY_KEYS);
        skip.push("plugins");
    }
    check_object(p.file, p.node, schema.fields, &skip, &owner, sink);
    let ctx = Ctx {
        file: p.file,
        node: p.node,
        name: schema.name,
    };
    (schema.check)(&ctx, sink);

    let mut consumed: Vec<&str> = schema.capabilities.to_vec();
    let mut subnets = Vec::new();
    let ipam = go_field(p.node, "ipam").filter(|m| m.value.members().is_some());
    let needs_ipam =
        schema.ipam == Ipam::Required || (schema.ipam == Ipam::RequiredWhenFirst && first);
    if needs_ipam && info.ipam_type.is_none() {
        ctx.required(
            sink,
            format!("{} needs an IPAM plugin but has no ipam.type: ADD fails (\"no plugin name provided\")", schema.name),
            "add \"ipam\": {\"type\": \"host-local\", ...}",
        );
    }
    if let (Some(ipam), Some((it, _)), true) = (ipam, &info.ipam_type, schema.ipam != Ipam::Ignored)
    {
        let declared = |c: &str| info.capabilities.iter().any(|(k, _)| k == c);
        match it.as_str() {
            "host-local" => {
                consumed.extend(["ipRanges", "ips"]);
                let owner = Owner {
                    plugin: "host-local",
                    path: "ipam".into(),
                };
                check_object(p.file, &ipam.value, HOST_LOCAL, &[], &owner, sink);
                subnets =
                    hostlocal::check(p.file, &ipam.value, version, declared("ipRanges"), sink);
            }
            "static" => {
                consumed.push("ips");
                let owner = Owner {
                    plugin: "static",
                    path: "ipam".into(),
                };
                check_object(p.file, &ipam.value, STATIC, &[], &owner, sink);
            }
            "dhcp" => {
                let owner = Owner {
                    plugin: "dhcp",
                    path: "ipam".into(),
                };
                check_object(p.file, &ipam.value, DHCP, &[], &owner, sink);
            }
            _ => {}
        }
    }
    if schema.ipam == Ipam::Ignored {
        if let Some(m) = ipam.filter(|m| m.value.members().is_some_and(|v| !v.is_empty())) {
            sink.emit_hint(
                &ODD_VALUE,
                p.file,
                m.key_start,
                format!("{} does not use ipam: the section is ignored", schema.name),
                Some("give ipam to the plugin that creates the interface"),
            );
        }
    }
    let ipam_known = info.ipam_type.as_ref().map_or(true, |(t, _)| {
        matches!(t.as_str(), "host-local" | "static" | "dhcp")
    });
    for (cap, at) in &info.capabilities {
        if !consumed.contains(&cap.as_str()) && ipam_known {
            let uses = if consumed.is_empty() {
                "none".to_string()
            } else {
                consumed.join(", ")
            };
            sink.emit_hint(
                &UNKNOWN_CAPABILITY,
                p.file,
                *at,
                format!("{} never consumes the capability {cap:?}, so the runtime's data for it is dropped", schema.name),
                Some(format!("capabilities {} consumes: {uses}", schema.name)),
            );
        }
    }
    subnets
}

fn no_check(_: &Ctx, _: &mut Sink) {}

fn check_mtu(c: &Ctx, sink: &mut Sink) {
    if let Some((v, at)) = c.int("mtu") {
        if v < 0 {
            c.invalid(
                sink,
                at,
                format!("mtu {v} is negative: {} rejects it", c.name),
                "leave mtu out for the default",
            );
        }
    }
}

fn check_ip_masq_backend(c: &Ctx, sink: &mut Sink) {
    if let Some((b, at)) = c.str("ipMasqBackend") {
        if !matches!(b, "iptables" | "nftables") {
            c.invalid(
                sink,
                at,
                format!(
                    "ipMasqBackend {b:?} is neither iptables nor nftables: {} rejects it",
                    c.name
                ),
                "write \"iptables\" or \"nftables\"",
            );
        }
    }
}

fn check_bridge(c: &Ctx, sink: &mut Sink) {
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
    if let Some((name, at)) = c.str("bridge") {
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

fn check_ptp(c: &Ctx, sink: &mut Sink) {
    check_mtu(c, sink);
    check_ip_masq_backend(c, sink);
}

fn check_macvlan(c: &Ctx, sink: &mut Sink) {
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

fn check_ipvlan(c: &Ctx, sink: &mut Sink) {
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

fn check_vlan(c: &Ctx, sink: &mut Sink) {
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

fn check_host_device(c: &Ctx, sink: &mut Sink) {
    let any = ["device", "hwaddr", "kernelpath", "pciBusID"]
        .iter()
        .any(|k| c.str(k).is_some_and(|(v, _)| !v.is_empty()));
    let from_runtime = go_field(c.node, "capabilities")
        .and_then(|m| go_field(&m.value, "deviceID"))
        .is_some_and(|m| m.value.as_bool() == Some(true));
    if !any && !from_runtime {
        c.required(sink, "host-device names no device: it fails (specify either \"device\", \"hwaddr\", \"kernelpath\" or \"pciBusID\")".into(), "set device to the host interface to move into the container");
    }
}

fn check_tap(c: &Ctx, sink: &mut Sink) {
    check_mtu(c, sink);
}

fn check_portmap(c: &Ctx, sink: &mut Sink) {
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
                format!("portmap backend {b:?} is unknown: portmap (1.5 and later) rejects it"),
                "write \"iptables\" or \"nftables\"",
            );
        }
    }
}

fn check_firewall(c: &Ctx, sink: &mut Sink) {
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

fn check_tuning(c: &Ctx, sink: &mut Sink) {
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

fn check_bandwidth(c: &Ctx, sink: &mut Sink) {
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

fn check_vrf(c: &Ctx, sink: &mut Sink) {
    if c.str("vrfname").filter(|(v, _)| !v.is_empty()).is_none() {
        c.required(sink, "vrf has no \"vrfname\": it fails (\"configuration is expected to have a valid vrf name\")".into(), "set vrfname to the VRF the interface joins");
    }
}
