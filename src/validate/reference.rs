//! The reference plugins' config keys (containernetworking/plugins: the keys of 1.1.1, which
//! Debian ships, plus those newer releases added), the capabilities each consumes, and the
//! values each rejects. Unknown (third-party) plugins are left alone apart from the spec
//! rules, and so is the `ipam` of a third-party plugin, which may rewrite it.

use super::diag::{Sink, ODD_VALUE, UNKNOWN_CAPABILITY};
use super::hostlocal;
use super::list::LIST_ONLY_KEYS;
use super::routes;
use super::schema::{check_object, f, Field, Owner, Ty};
use super::spec::{PluginInfo, PLUGIN_SPEC_KEYS};
use super::values::*;
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
    f("hwaddr", Str),
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
    // Read by bandwidth 1.5.0 and 1.5.1 only (reverted upstream before 1.6.0).
    f("unshapedSubnets", StrList),
    f("shapedSubnets", StrList),
];
// gateways and addSourceHints: upstream main, after 1.9.1.
static SBR: &[Field] = &[
    f("table", Int),
    f("gateways", StrList),
    f("addSourceHints", Bool),
];
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
        // bridge adds a default route through the gateway for isDefaultGateway.
        let default_route = schema.name == "bridge"
            && go_field(p.node, "isDefaultGateway")
                .is_some_and(|m| m.value.as_bool() == Some(true));
        match it.as_str() {
            "host-local" => {
                consumed.extend(["ipRanges", "ips"]);
                let owner = Owner {
                    plugin: "host-local",
                    path: "ipam".into(),
                };
                check_object(p.file, &ipam.value, HOST_LOCAL, &[], &owner, sink);
                // With ipRanges the runtime may replace the ranges, and so the subnets.
                let plan = hostlocal::plan(p.file, &ipam.value);
                let mut gateways = routes::Gateways::default();
                if !declared("ipRanges") {
                    gateways.reported =
                        routes::check(p.file, &ipam.value, &plan, default_route, sink);
                    gateways.plan = Some(&plan);
                }
                subnets = hostlocal::check(
                    p.file,
                    &ipam.value,
                    version,
                    declared("ipRanges"),
                    &gateways,
                    sink,
                );
            }
            "static" => {
                consumed.push("ips");
                let owner = Owner {
                    plugin: "static",
                    path: "ipam".into(),
                };
                check_object(p.file, &ipam.value, STATIC, &[], &owner, sink);
                // With ips the runtime supplies addresses, whose subnets cnictl cannot know.
                if !declared("ips") {
                    if let Some(plan) = routes::static_plan(&ipam.value) {
                        routes::check(p.file, &ipam.value, &plan, default_route, sink);
                    }
                }
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
    let ipam_known = info
        .ipam_type
        .as_ref()
        .is_none_or(|(t, _)| matches!(t.as_str(), "host-local" | "static" | "dhcp"));
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
