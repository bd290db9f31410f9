//! The keys of a configuration list (digest 1.1) and of a single-plugin file's top level:
//! the network name, the boolean flags (a bool, or a string libcni accepts), `plugins`, keys
//! that differ from a list key only by case (libcni reads list keys case-sensitively), and
//! list keys a single-plugin file cannot carry. libcni reads a list from a generic map, so
//! `null` is a wrong type here.

use crate::types::ident::validate_network_name;

use super::diag::{
    FileCtx, Sink, CONF_HOLDS_LIST, FLAG_VALUE, IGNORED_LIST_KEY, INVALID_NAME, KEY_CASE,
    MISSING_NAME, NO_PLUGINS, STRING_BOOLEAN, UNKNOWN_KEY, WRONG_TYPE,
};
use super::json::{Json, Member, Node};
use super::schema::near_miss;
use super::{go_field, kind_phrase};

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
    /// Unknown keys that look like a misspelt list key: (the list key, the hint to give
    /// when that key is reported missing).
    pub near_misses: Vec<(&'static str, String)>,
}

impl ListInfo<'_> {
    /// A hint pointing at a misspelling of `key`, when there is one.
    pub fn near_miss_hint(&self, key: &str) -> Option<String> {
        self.near_misses
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, h)| h.clone())
    }
}

/// Checks the list-level keys of a conflist.
pub(crate) fn check_list<'a>(file: &FileCtx, root: &'a Node, sink: &mut Sink) -> ListInfo<'a> {
    let mut info = ListInfo {
        name: None,
        plugins: Vec::new(),
        has_plugins_key: false,
        only_inlined: false,
        loads: true,
        near_misses: Vec::new(),
    };
    for m in root.members().unwrap_or(&[]) {
        if LIST_KEYS.contains(&m.key.as_str()) {
            continue;
        }
        // Other keys are allowed at the top of a list (libcni ignores them), but one a
        // typo away from a list key was meant as that key. No list key has a digit, so a key
        // with one (`name2`, `plugins_v1`) is taken as deliberate.
        if let Some(k) = (LIST_KEYS.iter().all(|k| !k.eq_ignore_ascii_case(&m.key))
            && !m.key.bytes().any(|b| b.is_ascii_digit()))
        .then(|| near_miss(&m.key, LIST_KEYS.iter().copied()))
        .flatten()
        {
            sink.emit_hint(
                &UNKNOWN_KEY,
                file,
                m.key_start,
                format!("unknown key {:?}: libcni does not read it", m.key),
                Some(format!("did you mean {k:?}?")),
            );
            let (line, column) = file.index.position(m.key_start);
            info.near_misses.push((
                k,
                format!(
                    "{:?} (line {line}, column {column}) looks like a misspelling of {k:?}",
                    m.key
                ),
            ));
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
                Some(info.near_miss_hint("name").unwrap_or_else(|| {
                    "add \"name\": \"<network>\"; runtimes refuse a list without one".into()
                })),
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
    } else if let Some(hint) = info.near_miss_hint("plugins") {
        (
            "the list has no \"plugins\": runtimes fail with \"no plugin configs found\""
                .to_string(),
            hint,
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
