//! Spec structure (digest 1 and 2): the keys of a configuration list and of a plugin object,
//! their JSON types as libcni decodes them, names, boolean flags, reserved keys, keys that
//! differ from a spec key only by case, and single-plugin files that carry list keys.
//!
//! libcni reads a list's keys from a generic map (case-sensitive, `null` is a wrong type) and
//! each plugin object into a Go struct (case-insensitive, `null` means absent); the checks
//! follow the same split.

use crate::types::ident::validate_network_name;

use super::diag::{
    FileCtx, Sink, CONF_HOLDS_LIST, DNS_NAMESERVER, FLAG_VALUE, IGNORED_LIST_KEY, INVALID_NAME,
    IPAM_WITHOUT_TYPE, KEY_CASE, MISSING_NAME, NO_PLUGINS, RESERVED_KEY, STRING_BOOLEAN,
    TYPE_MISSING, TYPE_PATH, WRONG_TYPE,
};
use super::json::{Json, Member, Node};
use super::net::Addr;
use super::{go_field, kind_phrase, PluginRef};

/// The keys of a configuration list.
const LIST_KEYS: &[&str] = &[
    "cniVersion",
    "cniVersions",
    "name",
    "plugins",
    "disableCheck",
    "disableGC",
    "loadOnlyInlinedPlugins",
];

/// The keys of a list that a single-plugin file cannot carry over (libcni wraps the file into
/// a list of its own and keeps only name and cniVersion).
pub(crate) const LIST_ONLY_KEYS: &[&str] = &[
    "cniVersions",
    "disableCheck",
    "disableGC",
    "loadOnlyInlinedPlugins",
];

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

/// What the list-level checks learned.
pub(crate) struct ListInfo<'a> {
    /// The network name and the offset of its value.
    pub name: Option<(String, usize)>,
    /// The inline plugin objects (elements that are objects), when `plugins` is a valid array.
    pub plugins: Vec<&'a Node>,
    /// True when `plugins` is present (whatever its value).
    pub has_plugins_key: bool,
    /// `loadOnlyInlinedPlugins`.
    pub only_inlined: bool,
    /// False when libcni refuses the list (a wrong type, a bad flag, `plugins: []`).
    pub loads: bool,
}

/// Checks the list-level keys of a conflist.
pub(crate) fn check_list<'a>(file: &FileCtx, root: &'a Node, sink: &mut Sink) -> ListInfo<'a> {
    let mut info = ListInfo {
        name: None,
        plugins: Vec::new(),
        has_plugins_key: false,
        only_inlined: false,
        loads: true,
    };
    for m in root.members().unwrap_or(&[]) {
        if LIST_KEYS.contains(&m.key.as_str()) {
            continue;
        }
        if let Some(k) = LIST_KEYS.iter().find(|k| k.eq_ignore_ascii_case(&m.key)) {
            if root.get(k).is_none() {
                sink.emit_hint(
                    &KEY_CASE,
                    file,
                    m.key_start,
                    format!(
                        "{:?} is not {k:?}: libcni reads list keys case-sensitively and ignores it",
                        m.key
                    ),
                    Some(format!("write {k:?}")),
                );
            }
        }
    }
    match root.get("name") {
        None => {
            sink.emit_hint(
                &MISSING_NAME,
                file,
                root.start,
                "the configuration list has no \"name\"".into(),
                Some("add \"name\": \"<network>\"; runtimes refuse a list without one"),
            );
            info.loads = false;
        }
        Some(m) => match m.value.as_str() {
            Some(n) => {
                check_name(file, n, m.value.start, sink);
                info.name = Some((n.to_string(), m.value.start));
            }
            None => {
                sink.emit(
                    &WRONG_TYPE,
                    file,
                    m.value.start,
                    format!("name must be a string, not {}", kind_phrase(&m.value)),
                );
                info.loads = false;
            }
        },
    }
    for flag in ["disableCheck", "disableGC", "loadOnlyInlinedPlugins"] {
        if let Some(m) = root.get(flag) {
            match check_flag(file, m, sink) {
                Some(v) => {
                    if flag == "loadOnlyInlinedPlugins" {
                        info.only_inlined = v;
                    }
                }
                None => info.loads = false,
            }
        }
    }
    if let Some(m) = root.get("plugins") {
        info.has_plugins_key = true;
        match m.value.items() {
            None => {
                sink.emit(
                    &WRONG_TYPE,
                    file,
                    m.value.start,
                    format!(
                        "plugins must be an array of plugin objects, not {}",
                        kind_phrase(&m.value)
                    ),
                );
                info.loads = false;
            }
            Some([]) => {
                sink.emit_hint(
                    &NO_PLUGINS,
                    file,
                    m.value.start,
                    "plugins is empty: libcni refuses the list (\"no plugins in list\")".into(),
                    Some("add at least one plugin object"),
                );
                info.loads = false;
            }
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    match item.value {
                        Json::Object(_) => info.plugins.push(item),
                        _ => {
                            sink.emit(
                                &WRONG_TYPE,
                                file,
                                item.start,
                                format!(
                                    "plugins[{i}] must be a plugin object, not {}",
                                    kind_phrase(item)
                                ),
                            );
                            info.loads = false;
                        }
                    }
                }
            }
        }
    }
    info
}

/// A network name: non-empty and what libcni's ADD accepts.
pub(crate) fn check_name(file: &FileCtx, name: &str, at: usize, sink: &mut Sink) {
    if name.is_empty() {
        sink.emit_hint(
            &MISSING_NAME,
            file,
            at,
            "the network name is empty: ADD fails (\"missing network name\")".into(),
            Some("give the network a name"),
        );
    } else if validate_network_name(name).is_err() {
        sink.emit_hint(
            &INVALID_NAME,
            file,
            at,
            format!("network name {name:?} has characters libcni rejects on ADD"),
            Some("use letters, digits, '_', '.' and '-', starting with a letter or digit"),
        );
    }
}

/// A boolean list flag: a bool, or (libcni only) the string true or false in any case.
fn check_flag(file: &FileCtx, m: &Member, sink: &mut Sink) -> Option<bool> {
    match &m.value.value {
        Json::Bool(b) => Some(*b),
        Json::String(s) => match s.to_lowercase().as_str() {
            v @ ("true" | "false") => {
                sink.emit_hint(
                    &STRING_BOOLEAN,
                    file,
                    m.value.start,
                    format!(
                        "{} is the string {s:?}: libcni accepts it, other runtimes may not",
                        m.key
                    ),
                    Some(format!("write {v} without quotes")),
                );
                Some(v == "true")
            }
            _ => {
                sink.emit(
                    &FLAG_VALUE,
                    file,
                    m.value.start,
                    format!(
                        "{} is {s:?}: libcni refuses the list (only true or false)",
                        m.key
                    ),
                );
                None
            }
        },
        _ => {
            sink.emit(
                &WRONG_TYPE,
                file,
                m.value.start,
                format!("{} must be a boolean, not {}", m.key, kind_phrase(&m.value)),
            );
            None
        }
    }
}

/// Checks the file-level keys of a single-plugin file (`.conf`/`.json`). Returns false when
/// the file is really a list (no `type`, a `plugins` key), after reporting it.
pub(crate) fn check_single(file: &FileCtx, root: &Node, sink: &mut Sink) -> bool {
    if let Some(plugins) = root.get("plugins") {
        if go_field(root, "type").is_none() {
            sink.emit_hint(
                &CONF_HOLDS_LIST,
                file,
                plugins.key_start,
                "this single-plugin file holds a plugins list: runtimes read it as one plugin without a type and fail".into(),
                Some("rename the file to .conflist"),
            );
            return false;
        }
        sink.emit_hint(
            &IGNORED_LIST_KEY,
            file,
            plugins.key_start,
            "plugins is ignored in a single-plugin file: the file is one plugin of its own type"
                .into(),
            Some("rename the file to .conflist and move the plugin into the list"),
        );
    }
    for m in root.members().unwrap_or(&[]) {
        if LIST_ONLY_KEYS.contains(&m.key.as_str()) {
            sink.emit_hint(
                &IGNORED_LIST_KEY,
                file,
                m.key_start,
                format!(
                    "{} has no effect in a single-plugin file: libcni wraps the file into a list and drops it",
                    m.key
                ),
                Some("make the file a .conflist to use list settings"),
            );
        }
    }
    match go_field(root, "name") {
        None => sink.emit_hint(
            &MISSING_NAME,
            file,
            root.start,
            "the network has no \"name\": ADD fails (\"missing network name\")".into(),
            Some("add \"name\": \"<network>\""),
        ),
        Some(m) => {
            if let Some(n) = m.value.as_str() {
                check_name(file, n, m.value.start, sink);
            } else if m.value.is_null() {
                check_name(file, "", m.value.start, sink);
            }
        }
    }
    true
}

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
        reserved(file, m, "the runtime fills it from the declared capabilities and replaces what is written whenever it has capability data", sink);
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

/// Reports a conflist without any plugin (no inline plugins and none in its subdirectory).
pub(crate) fn no_plugins(
    file: &FileCtx,
    root: &Node,
    info: &ListInfo,
    looks_single: bool,
    sink: &mut Sink,
) {
    let (message, hint) = if info.only_inlined {
        (
            "loadOnlyInlinedPlugins is true but there is no \"plugins\" key: libcni refuses the list".to_string(),
            "add a plugins list".to_string(),
        )
    } else if looks_single {
        (
            "the file has no \"plugins\": it looks like a single-plugin config, which a .conflist cannot be".to_string(),
            "rename it to .conf, or wrap the plugin into \"plugins\": [...]".to_string(),
        )
    } else {
        let sub = info
            .name
            .as_ref()
            .map(|(n, _)| format!(" and its plugin directory {n}/ has no .conf files"))
            .unwrap_or_default();
        (
            format!(
                "the list has no \"plugins\"{sub}: runtimes fail with \"no plugin configs found\""
            ),
            "add a plugins list".to_string(),
        )
    };
    sink.emit_hint(&NO_PLUGINS, file, root.start, message, Some(hint));
}
