//! The schema engine: the keys a Go plugin decodes, with the JSON each one takes, checked the
//! way `encoding/json` decodes them. Go matches keys without regard to case (so a case variant
//! works with Go plugins: a warning), skips keys it does not know (a warning, with a
//! did-you-mean), fails on a wrong type (an error), and treats `null` as "leave unset" except
//! for the CNI `IPNet` type, whose decoder rejects it.

use super::diag::{
    FileCtx, Sink, INVALID_ADDRESS, INVALID_ROUTE, KEY_CASE, UNKNOWN_KEY, WRONG_TYPE,
};
use super::json::{Json, Node};
use super::net::{is_mac, Addr, Cidr};
use super::{go_field, kind_phrase};

/// The JSON a Go field takes.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Ty {
    /// string
    Str,
    /// bool
    Bool,
    /// int (a number without fraction or exponent)
    Int,
    /// uint32
    U32,
    /// uint64
    U64,
    /// []string
    StrList,
    /// map[string]string
    StrMap,
    /// net.IP (a string; "" is allowed)
    Ip,
    /// types.IPNet (a CIDR string; "" and null are rejected)
    Cidr,
    /// a MAC address string, parsed by the plugin on ADD ("" is unset)
    Mac,
    /// a nested object
    Obj(&'static [Field]),
    /// an array of objects
    ObjList(&'static [Field]),
    /// an array of arrays of objects (host-local's ranges)
    ObjListList(&'static [Field]),
    /// an array of routes
    Routes,
}

/// A key and the JSON it takes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Field {
    /// The key as the plugin's struct tag spells it.
    pub key: &'static str,
    /// Its type.
    pub ty: Ty,
}

/// Shorthand for table entries.
pub(crate) const fn f(key: &'static str, ty: Ty) -> Field {
    Field { key, ty }
}

/// A route: types.Route (dst, gw; the later fields exist in newer plugins).
pub(crate) static ROUTE: &[Field] = &[
    f("dst", Ty::Cidr),
    f("gw", Ty::Ip),
    f("mtu", Ty::Int),
    f("advmss", Ty::Int),
    f("priority", Ty::Int),
    f("table", Ty::Int),
    f("scope", Ty::Int),
];

/// What an object is called in messages.
pub(crate) struct Owner<'a> {
    /// The plugin (`bridge`, `host-local`).
    pub plugin: &'a str,
    /// The path of the object (`""` for the plugin object, `ipam`, `ipam.ranges[0][1]`).
    pub path: String,
}

impl Owner<'_> {
    fn name(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }
}

/// Edit distance counting an insertion, a deletion, a substitution or the swap of two
/// neighbours as one edit (optimal string alignment; small strings only). Plain Levenshtein
/// counts a swap as two, which is why `dts` once found no `dst`.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // d[i][j]: the distance between a[..i] and b[..j].
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

/// The closest of `candidates` to `key` within `limit` edits (letter case ignored).
fn closest<'a>(
    key: &str,
    candidates: impl Iterator<Item = &'a str>,
    limit: usize,
    prefixes: bool,
) -> Option<&'a str> {
    let lower = key.to_lowercase();
    candidates
        .filter_map(|c| {
            let cl = c.to_lowercase();
            let d = distance(&lower, &cl);
            if d <= limit {
                Some(((0, d), c))
            } else if prefixes
                && lower.len() >= 4
                && lower.len() * 2 >= cl.len()
                && cl.starts_with(&lower)
            {
                // A key cut short (by at most half): `hairpin` for `hairpinMode`.
                Some(((1, cl.len() - lower.len()), c))
            } else {
                None
            }
        })
        .min_by_key(|(rank, _)| *rank)
        .map(|(_, c)| c)
}

/// The closest of `candidates` to `key`, when close enough to be a likely typo: a few edits
/// (one per three characters, at most three), or the start of a longer key.
pub(crate) fn did_you_mean<'a>(
    key: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    closest(key, candidates, (key.chars().count() / 3).clamp(1, 3), true)
}

/// The hint for an unknown key `key` close to the plugin's key `s`. A key that is `s` with a
/// negating prefix (`noSnat` for `snat`) means the opposite of `s`, so for a boolean the hint
/// says to write `s` as false instead of suggesting `s` as a spelling.
pub(crate) fn suggestion_hint(key: &str, s: &str, fields: &[Field]) -> String {
    let lower = key.to_ascii_lowercase();
    let negated = ["no", "no_", "no-", "disable", "disable_", "disable-"]
        .iter()
        .any(|p| {
            lower
                .strip_prefix(p)
                .is_some_and(|rest| rest.eq_ignore_ascii_case(s))
        });
    let boolean = fields
        .iter()
        .any(|f| f.key == s && matches!(f.ty, Ty::Bool));
    match (negated, boolean) {
        (true, true) => format!(
            "{s:?} means the opposite of {key:?}: write \"{s}\": false (the plugin reads no {key:?})"
        ),
        (true, false) => format!("{s:?} means the opposite of {key:?}; the plugin reads no {key:?}"),
        (false, _) => format!("did you mean {s:?}?"),
    }
}

/// Like [`did_you_mean`], but at most two edits and no prefixes: for keys where anything
/// unknown is allowed (a list's top level) and only a near certain typo is worth a word.
pub(crate) fn near_miss<'a>(
    key: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    closest(
        key,
        candidates,
        (key.chars().count() / 3).clamp(1, 2),
        false,
    )
}

/// Checks the members of object `node` against `fields`: case variants, unknown keys (except
/// those in `skip`, handled elsewhere), types and address syntax, recursively.
pub(crate) fn check_object(
    file: &FileCtx,
    node: &Node,
    fields: &[Field],
    skip: &[&str],
    owner: &Owner,
    sink: &mut Sink,
) {
    let Some(members) = node.members() else {
        return;
    };
    for m in members {
        if skip.contains(&m.key.as_str()) || m.key.starts_with("cni.dev/") {
            continue;
        }
        let field = match fields.iter().find(|f| f.key == m.key) {
            Some(f) => f,
            None => match fields.iter().find(|f| f.key.eq_ignore_ascii_case(&m.key)) {
                Some(f) => {
                    sink.emit_hint(
                        &KEY_CASE,
                        file,
                        m.key_start,
                        format!(
                            "{:?} is not {:?}: {} reads it (Go ignores the case of keys), other implementations do not",
                            m.key, f.key, owner.plugin
                        ),
                        Some(format!("write {:?}", f.key)),
                    );
                    f
                }
                None => {
                    if skip.iter().any(|s| s.eq_ignore_ascii_case(&m.key)) {
                        continue;
                    }
                    let suggestion = did_you_mean(
                        &m.key,
                        fields.iter().map(|f| f.key).chain(skip.iter().copied()),
                    );
                    let place = if owner.path.is_empty() {
                        String::new()
                    } else {
                        format!(" in {}", owner.path)
                    };
                    sink.emit_hint(
                        &UNKNOWN_KEY,
                        file,
                        m.key_start,
                        format!(
                            "unknown key {:?}{place}: {} does not read it",
                            m.key, owner.plugin
                        ),
                        suggestion.map(|s| suggestion_hint(&m.key, s, fields)),
                    );
                    continue;
                }
            },
        };
        check_value(
            file,
            &m.value,
            field.ty,
            &owner.name(field.key),
            owner.plugin,
            sink,
        );
    }
}

fn wrong(file: &FileCtx, node: &Node, what: &str, expected: &str, plugin: &str, sink: &mut Sink) {
    let hint = match (node.as_str(), expected) {
        (Some("true" | "false"), "a boolean") => {
            Some("write true or false without quotes".to_string())
        }
        (Some(s), e) if e.contains("integer") && s.parse::<i64>().is_ok() => {
            Some(format!("write {s} without quotes"))
        }
        _ => None,
    };
    sink.emit_hint(
        &WRONG_TYPE,
        file,
        node.start,
        format!(
            "{what} must be {expected}, not {}: {plugin} fails to decode its config",
            kind_phrase(node)
        ),
        hint,
    );
}

/// Go's integer decoding: the literal must have no fraction or exponent and fit.
fn integer(text: &str, min: i128, max: i128) -> bool {
    !text.contains(['.', 'e', 'E']) && text.parse::<i128>().is_ok_and(|v| (min..=max).contains(&v))
}

/// Checks one value against its type.
pub(crate) fn check_value(
    file: &FileCtx,
    node: &Node,
    ty: Ty,
    what: &str,
    plugin: &str,
    sink: &mut Sink,
) {
    if node.is_null() {
        if matches!(ty, Ty::Cidr) {
            sink.emit(
                &INVALID_ADDRESS,
                file,
                node.start,
                format!("{what} is null: {plugin} rejects it (\"invalid CIDR address\")"),
            );
        }
        return;
    }
    let int = |min: i128, max: i128, expected: &str, sink: &mut Sink| match &node.value {
        Json::Number(t) if integer(t, min, max) => {}
        _ => wrong(file, node, what, expected, plugin, sink),
    };
    match ty {
        Ty::Str => {
            if node.as_str().is_none() {
                wrong(file, node, what, "a string", plugin, sink)
            }
        }
        Ty::Bool => {
            if node.as_bool().is_none() {
                wrong(file, node, what, "a boolean", plugin, sink)
            }
        }
        Ty::Int => int(i64::MIN as i128, i64::MAX as i128, "an integer", sink),
        Ty::U32 => int(0, u32::MAX as i128, "a non-negative integer (uint32)", sink),
        Ty::U64 => int(0, u64::MAX as i128, "a non-negative integer", sink),
        Ty::StrList => match node.items() {
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    if !item.is_null() && item.as_str().is_none() {
                        wrong(
                            file,
                            item,
                            &format!("{what}[{i}]"),
                            "a string",
                            plugin,
                            sink,
                        );
                    }
                }
            }
            None => wrong(file, node, what, "an array of strings", plugin, sink),
        },
        Ty::StrMap => match node.members() {
            Some(members) => {
                for m in members {
                    if !m.value.is_null() && m.value.as_str().is_none() {
                        wrong(
                            file,
                            &m.value,
                            &format!("{what}.{}", m.key),
                            "a string",
                            plugin,
                            sink,
                        );
                    }
                }
            }
            None => wrong(file, node, what, "an object of strings", plugin, sink),
        },
        Ty::Ip | Ty::Cidr | Ty::Mac => {
            let Some(s) = node.as_str() else {
                return wrong(file, node, what, "a string", plugin, sink);
            };
            let (ok, kind, example) = match ty {
                Ty::Ip => (
                    s.is_empty() || Addr::parse(s).is_some(),
                    "an IP address",
                    "10.1.0.1",
                ),
                Ty::Cidr => (Cidr::parse(s).is_some(), "a CIDR", "10.1.0.0/16"),
                _ => (
                    s.is_empty() || is_mac(s),
                    "a MAC address",
                    "c2:11:22:33:44:55",
                ),
            };
            if !ok {
                sink.emit_hint(
                    &INVALID_ADDRESS,
                    file,
                    node.start,
                    format!("{what} {s:?} is not {kind}: {plugin} rejects it"),
                    Some(format!("write {kind} such as {example}")),
                );
            }
        }
        Ty::Obj(fields) => {
            if node.members().is_none() {
                return wrong(file, node, what, "an object", plugin, sink);
            }
            let owner = Owner {
                plugin,
                path: what.to_string(),
            };
            check_object(file, node, fields, &[], &owner, sink);
        }
        Ty::ObjList(fields) => {
            check_list(file, node, what, plugin, sink, |file, item, path, sink| {
                check_value(file, item, Ty::Obj(fields), path, plugin, sink)
            })
        }
        Ty::ObjListList(fields) => {
            check_list(file, node, what, plugin, sink, |file, item, path, sink| {
                if item.members().is_some() {
                    // The usual slip: one level of brackets instead of two.
                    sink.emit_hint(
                        &WRONG_TYPE,
                        file,
                        item.start,
                        format!("{path} must be an array of objects, not an object: {plugin} fails to decode its config"),
                        Some("each entry is a set of alternatives: write [[{...}]], not [{...}]"),
                    );
                } else {
                    check_value(file, item, Ty::ObjList(fields), path, plugin, sink)
                }
            })
        }
        Ty::Routes => check_list(file, node, what, plugin, sink, |file, item, path, sink| {
            check_value(file, item, Ty::Obj(ROUTE), path, plugin, sink);
            if item.members().is_some() {
                check_route(file, item, path, plugin, sink);
            }
        }),
    }
}

fn check_list(
    file: &FileCtx,
    node: &Node,
    what: &str,
    plugin: &str,
    sink: &mut Sink,
    each: impl Fn(&FileCtx, &Node, &str, &mut Sink),
) {
    match node.items() {
        Some(items) => {
            for (i, item) in items.iter().enumerate() {
                if !item.is_null() {
                    each(file, item, &format!("{what}[{i}]"), sink);
                }
            }
        }
        None => wrong(file, node, what, "an array", plugin, sink),
    }
}

/// A route needs a `dst` without host bits (the kernel refuses one with host bits: EINVAL).
fn check_route(file: &FileCtx, route: &Node, what: &str, plugin: &str, sink: &mut Sink) {
    match go_field(route, "dst") {
        None => {
            let typo = route.members().unwrap_or(&[]).iter().find(|m| {
                ROUTE.iter().all(|f| !f.key.eq_ignore_ascii_case(&m.key))
                    && did_you_mean(&m.key, ROUTE.iter().map(|f| f.key)) == Some("dst")
            });
            let hint = match typo {
                Some(m) => {
                    let (line, column) = file.index.position(m.key_start);
                    format!(
                        "{:?} (line {line}, column {column}) looks like a misspelling of \"dst\"",
                        m.key
                    )
                }
                None => "write \"dst\": \"0.0.0.0/0\" for a default route".to_string(),
            };
            sink.emit_hint(
                &INVALID_ROUTE,
                file,
                route.start,
                format!("{what} has no dst: ADD fails (\"invalid CIDR address\")"),
                Some(hint),
            )
        }
        Some(m) => {
            if let Some(c) = m.value.as_str().and_then(Cidr::parse) {
                if c.has_host_bits() {
                    sink.emit_hint(
                        &INVALID_ROUTE,
                        file,
                        m.value.start,
                        format!(
                            "{what}.dst {:?} has host bits set: the kernel refuses the route (\"invalid argument\") when {plugin}'s result is applied",
                            m.value.as_str().unwrap_or_default()
                        ),
                        Some(format!("write {:?}", c.network_string())),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        let keys = [
            "isGateway",
            "isDefaultGateway",
            "hairpinMode",
            "mtu",
            "snat",
        ];
        assert_eq!(
            did_you_mean("isGatway", keys.iter().copied()),
            Some("isGateway")
        );
        assert_eq!(
            did_you_mean("hairpinmod", keys.iter().copied()),
            Some("hairpinMode")
        );
        assert_eq!(did_you_mean("mtuu", keys.iter().copied()), Some("mtu"));
        assert_eq!(did_you_mean("noSnat", keys.iter().copied()), Some("snat"));
        assert_eq!(did_you_mean("bridge", keys.iter().copied()), None);
        assert_eq!(did_you_mean("x", keys.iter().copied()), None);
        // A swap of two letters is one edit, and a key cut short finds the full key.
        let route = ROUTE.iter().map(|f| f.key);
        assert_eq!(did_you_mean("dts", route.clone()), Some("dst"));
        assert_eq!(did_you_mean("wg", route), Some("gw"));
        assert_eq!(
            did_you_mean("hairpin", keys.iter().copied()),
            Some("hairpinMode")
        );
        assert_eq!(did_you_mean("hair", keys.iter().copied()), None);
    }

    #[test]
    fn near_misses_of_list_keys() {
        let keys = [
            "cniVersion",
            "cniVersions",
            "name",
            "plugins",
            "disableCheck",
            "disableGC",
            "loadOnlyInlinedPlugins",
        ];
        let near = |k| near_miss(k, keys.iter().copied());
        assert_eq!(near("cniVerison"), Some("cniVersion"));
        assert_eq!(near("plugin"), Some("plugins"));
        assert_eq!(near("disableChecks"), Some("disableCheck"));
        assert_eq!(near("nmae"), Some("name"));
        assert_eq!(near("mode"), None);
        assert_eq!(near("type"), None);
        assert_eq!(near("version"), None);
        assert_eq!(near("kubeconfig"), None);
    }

    #[test]
    fn go_integers() {
        assert!(integer("1400", 0, 10_000));
        assert!(!integer("1400.0", 0, 10_000));
        assert!(!integer("1e3", 0, 10_000));
        assert!(!integer("-1", 0, 10_000));
        assert!(integer("-1", -5, 5));
        assert!(!integer("18446744073709551616", 0, u64::MAX as i128));
    }
}
