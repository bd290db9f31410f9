//! Chain rules: plugins that need a previous result placed first, portmap without its
//! capability, and two plugins that both create the container interface.
//!
//! Checked against Debian's plugins 1.1.1: as the first plugin portmap and sbr fail ("must be
//! called as chained plugin"), firewall and vrf fail ("missing prevResult from earlier
//! plugin"), tuning fails ("Required prevResult missing") and bandwidth crashes with a nil
//! pointer. After bridge, ptp fails with "container veth name provided (eth0) already exists".

use super::diag::{Sink, CHAINED_ONLY_FIRST, INTERFACE_CREATED_TWICE, PORTMAP_WITHOUT_CAPABILITY};
use super::spec::PluginInfo;
use super::{go_field, PluginRef};

/// Reference plugins that fail without a previous result.
pub(crate) const CHAINED_ONLY: &[&str] =
    &["portmap", "firewall", "tuning", "bandwidth", "sbr", "vrf"];

/// Reference plugins that create the container interface (CNI_IFNAME).
const CREATES_INTERFACE: &[&str] = &[
    "bridge",
    "ptp",
    "macvlan",
    "vlan",
    "host-device",
    "tap",
    "dummy",
];

/// Checks a network's chain.
pub(crate) fn check(plugins: &[PluginRef], infos: &[PluginInfo], sink: &mut Sink) {
    if let (Some(first), Some(info)) = (plugins.first(), infos.first()) {
        if let Some((t, at)) = &info.plugin_type {
            if CHAINED_ONLY.contains(&t.as_str()) && !info.has_prev_result {
                sink.emit_hint(
                    &CHAINED_ONLY_FIRST,
                    first.file,
                    *at,
                    format!("{t:?} is the first plugin of the chain, but it only works after a plugin that returns a result: ADD fails"),
                    Some(format!("put {t:?} after the plugin that creates the interface (bridge, ptp, macvlan, ...)")),
                );
            }
        }
    }
    let mut creator: Option<(&str, &str)> = None;
    for (i, (p, info)) in plugins.iter().zip(infos).enumerate() {
        let Some((t, at)) = &info.plugin_type else {
            continue;
        };
        // A portMappings capability that is not a boolean is reported as a wrong type.
        let written = go_field(p.node, "capabilities")
            .and_then(|c| c.value.get("portMappings"))
            .is_some_and(|v| v.value.as_bool().is_none() && !v.value.is_null());
        if t == "portmap" && !written && !info.capabilities.iter().any(|c| c.0 == "portMappings") {
            let static_maps = go_field(p.node, "runtimeConfig")
                .and_then(|rc| go_field(&rc.value, "portMappings"))
                .is_some();
            if !static_maps {
                sink.emit_hint(
                    &PORTMAP_WITHOUT_CAPABILITY,
                    p.file,
                    *at,
                    "portmap does not declare the portMappings capability: the runtime never passes it port mappings, so it maps nothing".into(),
                    Some("add \"capabilities\": {\"portMappings\": true}"),
                );
            }
        }
        if CREATES_INTERFACE.contains(&t.as_str()) {
            match creator {
                None => creator = Some((t, &plugins[i].label)),
                Some((first, label)) => sink.emit_hint(
                    &INTERFACE_CREATED_TWICE,
                    p.file,
                    *at,
                    format!(
                        "{t:?} creates the container interface, but {label} ({first:?}) already created it: ADD fails (\"already exists\")"
                    ),
                    Some("one plugin per chain creates the interface; put the others in networks of their own"),
                ),
            }
        }
    }
}
