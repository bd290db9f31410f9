//! Spec structure of a plugin object (digest 1.3 and 2.1): `type`, `capabilities`, `ipam`,
//! `dns` and the other keys libcni decodes, with their JSON types; reserved keys; keys that
//! differ from a spec key only by case. libcni decodes a plugin object into a Go struct, so
//! keys match case-insensitively and `null` means absent. The list's own keys are in
//! `list.rs`.

use super::diag::{
    FileCtx, Sink, DNS_NAMESERVER, IPAM_WITHOUT_TYPE, KEY_CASE, RESERVED_KEY, TYPE_MISSING,
    TYPE_PATH, WRONG_TYPE,
};
use super::json::{Json, Member, Node};
use super::net::Addr;
use super::{go_field, kind_phrase, PluginRef};

/// The keys of a plugin object that the spec or libcni define.
pub(crate) const PLUGIN_SPEC_KEYS: &[&str] = &[
    "cniVersion",
    "name",
    "type",
    "capabilities",
    "ipam",
    "dns",
    "args",
    "runtimeConfig",
    "prevResult",
];

/// What the spec checks learned about one plugin.
#[derive(Debug, Default)]
pub(crate) struct PluginInfo {
    /// `type` and the offset of its value.
    pub plugin_type: Option<(String, usize)>,
    /// `ipam.type` and the offset of its value.
    pub ipam_type: Option<(String, usize)>,
    /// True when `ipam` is an object with settings but no type.
    pub ipam_without_type: bool,
    /// The capabilities declared true.
    pub capabilities: Vec<(String, usize)>,
    /// True when the plugin carries a written `prevResult` object.
    pub has_prev_result: bool,
    /// True when the plugin carries a written `runtimeConfig` object.
    pub runtime_config: Option<usize>,
}

fn wrong_type(file: &FileCtx, sink: &mut Sink, node: &Node, what: &str, expected: &str) {
    let hint = match node.as_str() {
        Some("true" | "false") if expected == "a boolean" => {
            Some("write true or false without quotes")
        }
        _ => None,
    };
    sink.emit_hint(
        &WRONG_TYPE,
        file,
        node.start,
        format!("{what} must be {expected}, not {}", kind_phrase(node)),
        hint,
    );
}

/// Checks a value that Go decodes into a string (`null` is fine).
fn string_field(
    file: &FileCtx,
    sink: &mut Sink,
    m: Option<&Member>,
    what: &str,
) -> Option<(String, usize)> {
    let m = m?;
    match &m.value.value {
        Json::String(s) => Some((s.clone(), m.value.start)),
        Json::Null => None,
        _ => {
            wrong_type(file, sink, &m.value, what, "a string");
            None
        }
    }
}

/// Checks a value that Go decodes into a list of strings.
fn string_list<'a>(file: &FileCtx, sink: &mut Sink, node: &'a Node, what: &str) -> Vec<&'a Node> {
    let mut out = Vec::new();
    match &node.value {
        Json::Null => {}
        Json::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                match item.value {
                    Json::String(_) => out.push(item),
                    Json::Null => {}
                    _ => wrong_type(file, sink, item, &format!("{what}[{i}]"), "a string"),
                }
            }
        }
        _ => wrong_type(file, sink, node, what, "an array of strings"),
    }
    out
}

/// Reports a key of `node` that differs from one of `keys` only by case (Go's decoder takes
/// it; cnictl and non-Go runtimes do not).
fn key_case(file: &FileCtx, node: &Node, keys: &[&str], sink: &mut Sink) {
    for m in node.members().unwrap_or(&[]) {
        if keys.contains(&m.key.as_str()) {
            continue;
        }
        if let Some(k) = keys.iter().find(|k| k.eq_ignore_ascii_case(&m.key)) {
            sink.emit_hint(
                &KEY_CASE,
                file,
                m.key_start,
                format!("{:?} is not {k:?}: Go runtimes and plugins accept it, cnictl and other runtimes do not", m.key),
                Some(format!("write {k:?}")),
            );
        }
    }
}

/// The spec rules of one plugin object. `ipam_required` is true when the plugin fails without
/// an IPAM type (the schema rules report that instead of the milder ipam-without-type).
pub(crate) fn check_plugin(p: &PluginRef, ipam_required: bool, sink: &mut Sink) -> PluginInfo {
    let (file, node) = (p.file, p.node);
    let mut info = PluginInfo::default();
    key_case(file, node, PLUGIN_SPEC_KEYS, sink);
    string_field(file, sink, go_field(node, "name"), "name");
    string_field(file, sink, go_field(node, "cniVersion"), "cniVersion");
    match go_field(node, "type") {
        None => sink.emit_hint(
            &TYPE_MISSING,
            file,
            node.start,
            format!(
                "{} has no \"type\": libcni refuses it (\"missing 'type'\")",
                p.label
            ),
            Some("set \"type\" to the plugin binary's name"),
        ),
        Some(m) => match string_field(file, sink, Some(m), "type") {
            Some((t, at)) if !t.is_empty() => {
                check_type_name(file, &t, at, "type", sink);
                info.plugin_type = Some((t, at));
            }
            Some(_) | None if m.value.is_null() || m.value.as_str() == Some("") => sink.emit_hint(
                &TYPE_MISSING,
                file,
                m.value.start,
                format!("{} has an empty \"type\": libcni refuses it", p.label),
                Some("set \"type\" to the plugin binary's name"),
            ),
            _ => {}
        },
    }
    if let Some(m) = go_field(node, "capabilities") {
        match &m.value.value {
            Json::Null => {}
            Json::Object(caps) => {
                for c in caps {
                    match c.value.value {
                        Json::Bool(true) => info.capabilities.push((c.key.clone(), c.key_start)),
                        Json::Bool(false) | Json::Null => {}
                        _ => wrong_type(
                            file,
                            sink,
                            &c.value,
                            &format!("capabilities.{}", c.key),
                            "a boolean",
                        ),
                    }
                }
            }
            _ => wrong_type(
                file,
                sink,
                &m.value,
                "capabilities",
                "an object of booleans",
            ),
        }
    }
    if let Some(m) = go_field(node, "ipam") {
        match &m.value.value {
            Json::Null => {}
            Json::Object(members) => {
                info.ipam_type = string_field(file, sink, go_field(&m.value, "type"), "ipam.type")
                    .filter(|(t, _)| !t.is_empty());
                if let Some((t, at)) = &info.ipam_type {
                    check_type_name(file, t, *at, "ipam.type", sink);
                } else if !members.is_empty() {
                    info.ipam_without_type = true;
                    if !ipam_required {
                        sink.emit_hint(
                            &IPAM_WITHOUT_TYPE,
                            file,
                            m.value.start,
                            "ipam has settings but no \"type\": no IPAM plugin runs, so they are ignored and the interface gets no address".into(),
                            Some("set \"type\" (host-local, static, dhcp, ...) or remove the settings"),
                        );
                    }
                }
            }
            _ => sink.emit_hint(
                &WRONG_TYPE,
                file,
                m.value.start,
                format!("ipam must be an object, not {}", kind_phrase(&m.value)),
                m.value
                    .as_str()
                    .map(|s| format!("write \"ipam\": {{\"type\": {s:?}, ...}}")),
            ),
        }
    }
    if let Some(m) = go_field(node, "dns") {
        check_dns(file, &m.value, "dns", sink);
    }
    if let Some(m) = go_field(node, "prevResult") {
        match m.value.value {
            Json::Null => {}
            Json::Object(_) => info.has_prev_result = true,
            _ => wrong_type(file, sink, &m.value, "prevResult", "an object"),
        }
        reserved(file, m, "the runtime passes the previous plugin's result; a written one is sent to the first plugin as if a plugin had returned it", sink);
    }
    if let Some(m) = go_field(node, "runtimeConfig") {
        info.runtime_config = Some(m.key_start);
        if info.capabilities.is_empty() {
            // libcni injects runtimeConfig only for declared capabilities it has data for;
            // with none declared, it passes the written object through unchanged.
            sink.emit_hint(
                &RESERVED_KEY,
                file,
                m.key_start,
                format!("{:?} is reserved for the runtime: this plugin declares no capabilities, so libcni passes the written one through unchanged, but a capability declared later makes the runtime replace it", m.key),
                Some("if the plugin reads these as static settings, keep them and declare no capabilities; otherwise declare \"capabilities\" and let the runtime supply the values"),
            );
        } else {
            reserved(file, m, "the runtime fills it from the declared capabilities and replaces what is written whenever it has capability data", sink);
        }
    }
    for m in node.members().unwrap_or(&[]) {
        if m.key.starts_with("cni.dev/") {
            reserved(
                file,
                m,
                "keys under cni.dev/ are set by the runtime (GC sends cni.dev/valid-attachments)",
                sink,
            );
            if m.key == "cni.dev/valid-attachments"
                && !matches!(m.value.value, Json::Array(_) | Json::Null)
            {
                wrong_type(file, sink, &m.value, &m.key, "an array");
            }
        }
    }
    info
}

fn reserved(file: &FileCtx, m: &Member, why: &str, sink: &mut Sink) {
    sink.emit_hint(
        &RESERVED_KEY,
        file,
        m.key_start,
        format!("{:?} is reserved for the runtime: {why}", m.key),
        Some(if m.key == "runtimeConfig" {
            "declare \"capabilities\" instead and let the runtime supply the values"
        } else {
            "remove it from the config"
        }),
    );
}

/// A plugin or IPAM type is a file name: no path separators, not `.` or `..`.
fn check_type_name(file: &FileCtx, t: &str, at: usize, what: &str, sink: &mut Sink) {
    if t.contains(['/', '\\']) || t == "." || t == ".." {
        sink.emit_hint(
            &TYPE_PATH,
            file,
            at,
            format!("{what} {t:?} is not a plain file name: runtimes refuse plugin names with path separators"),
            Some("put the binary in a CNI path directory and name it by its file name"),
        );
    }
}

/// The `dns` object: `nameservers`, `search`, `options` (lists of strings) and `domain`.
pub(crate) fn check_dns(file: &FileCtx, node: &Node, what: &str, sink: &mut Sink) {
    if node.is_null() {
        return;
    }
    if node.members().is_none() {
        wrong_type(file, sink, node, what, "an object");
        return;
    }
    for key in ["nameservers", "search", "options"] {
        if let Some(m) = go_field(node, key) {
            let items = string_list(file, sink, &m.value, &format!("{what}.{key}"));
            if key == "nameservers" {
                for item in items {
                    let s = item.as_str().unwrap_or_default();
                    if Addr::parse(s).is_none() {
                        sink.emit_hint(
                            &DNS_NAMESERVER,
                            file,
                            item.start,
                            format!("{what}.nameservers entry {s:?} is not an IP address; it is passed on as written"),
                            Some("resolvers take IP addresses, not names"),
                        );
                    }
                }
            }
        }
    }
    string_field(
        file,
        sink,
        go_field(node, "domain"),
        &format!("{what}.domain"),
    );
}
