//! `cniVersion` and `cniVersions`: the version libcni selects for a network (digest 1.2), and
//! the findings about it: missing, unparseable, not a spec release's spelling, newer than
//! cnictl knows, older than 0.4.0.

use crate::types::version::{Version, CURRENT_VERSION, KNOWN_VERSIONS};

use super::diag::{
    FileCtx, Sink, CNI_VERSION_INVALID, CNI_VERSION_MISSING, CNI_VERSION_NEWER, CNI_VERSION_OLD,
    CNI_VERSION_UNKNOWN, WRONG_TYPE,
};
use super::json::Node;
use super::{go_field, kind_phrase};

/// The version a network runs with.
#[derive(Debug, Clone)]
pub(crate) struct Selected {
    /// The selected string as written (`""` when there is none).
    pub version: String,
    /// Byte offset of the value it came from (the object's start when there is none).
    pub at: usize,
    /// True when it was picked from `cniVersions`.
    pub from_list: bool,
    /// The parsed version, when it parses (`""` parses as 0.1.0).
    pub parsed: Option<Version>,
}

fn current() -> Version {
    Version::parse(CURRENT_VERSION).unwrap_or(Version::V1_1_0)
}

/// Reads and checks the version keys of a list (`is_list`) or of a single-plugin file, and
/// returns the selected version. Returns None when libcni would refuse the keys (a wrong type
/// or an unparseable `cniVersions`), after reporting why. `typo` is the hint to give when
/// cniVersion is missing because a key near it was written instead.
pub(crate) fn check(
    file: &FileCtx,
    root: &Node,
    is_list: bool,
    typo: Option<String>,
    sink: &mut Sink,
) -> Option<Selected> {
    // A list's keys are read from a map (case-sensitive); a single-plugin file is decoded
    // into a Go struct (case-insensitive).
    let version_member = if is_list {
        root.get("cniVersion")
    } else {
        go_field(root, "cniVersion")
    };
    let mut written: Option<(&str, usize)> = None;
    if let Some(m) = version_member {
        match m.value.as_str() {
            Some(s) => written = Some((s, m.value.start)),
            None if m.value.is_null() && !is_list => {}
            None => {
                sink.emit(
                    &WRONG_TYPE,
                    file,
                    m.value.start,
                    format!("cniVersion must be a string, not {}", kind_phrase(&m.value)),
                );
                return None;
            }
        }
    }
    let mut selected = Selected {
        version: written.map(|w| w.0.to_string()).unwrap_or_default(),
        at: written.map_or(root.start, |w| w.1),
        from_list: false,
        parsed: None,
    };
    let versions = if is_list {
        root.get("cniVersions")
    } else {
        None
    };
    if let Some(list) = versions {
        let entries = match list.value.items() {
            Some(items) => items,
            None => {
                sink.emit(
                    &WRONG_TYPE,
                    file,
                    list.value.start,
                    format!(
                        "cniVersions must be an array of version strings, not {}",
                        kind_phrase(&list.value)
                    ),
                );
                return None;
            }
        };
        let mut best: Option<(Version, &Node)> = None;
        let mut broken = false;
        for (i, entry) in entries.iter().enumerate() {
            let Some(s) = entry.as_str() else {
                sink.emit(
                    &WRONG_TYPE,
                    file,
                    entry.start,
                    format!(
                        "cniVersions[{i}] must be a string, not {}",
                        kind_phrase(entry)
                    ),
                );
                broken = true;
                continue;
            };
            match Version::parse(s) {
                Err(e) => {
                    sink.emit(
                        &CNI_VERSION_INVALID,
                        file,
                        entry.start,
                        format!("cniVersions[{i}] {s:?} is not a version: {e}"),
                    );
                    broken = true;
                }
                Ok(v) if v <= current() && best.is_none_or(|b| v > b.0) => best = Some((v, entry)),
                Ok(_) => {}
            }
        }
        if let Some((w, at)) = written.filter(|w| !w.0.is_empty()) {
            match Version::parse(w) {
                Err(e) => {
                    sink.emit(
                        &CNI_VERSION_INVALID,
                        file,
                        at,
                        format!("cniVersion {w:?} is not a version: {e}"),
                    );
                    broken = true;
                }
                Ok(v) if v <= current() && best.is_none_or(|b| v > b.0) => {
                    best = None;
                    selected.parsed = Some(v);
                }
                Ok(_) => {}
            }
        }
        if broken {
            return None;
        }
        if let Some((v, node)) = best {
            selected = Selected {
                version: node.as_str().unwrap_or_default().to_string(),
                at: node.start,
                from_list: true,
                parsed: Some(v),
            };
        }
        if written.is_none() && !selected.version.is_empty() {
            sink.emit_hint(
                &CNI_VERSION_MISSING,
                file,
                list.key_start,
                format!(
                    "there is no cniVersion beside cniVersions: libcni before v1.2.0 ignores cniVersions and runs the network as 0.1.0 (newer libcni selects {:?})",
                    selected.version
                ),
                Some(format!("add \"cniVersion\": {:?} for older runtimes", selected.version)),
            );
        }
    }
    check_selected(file, &mut selected, written.is_some(), typo, sink);
    Some(selected)
}

/// Findings about the selected version itself.
fn check_selected(
    file: &FileCtx,
    s: &mut Selected,
    written: bool,
    typo: Option<String>,
    sink: &mut Sink,
) {
    if s.version.is_empty() {
        let what = if written {
            "cniVersion is empty"
        } else {
            "there is no cniVersion"
        };
        sink.emit_hint(
            &CNI_VERSION_MISSING,
            file,
            s.at,
            format!("{what}: runtimes run the network as spec version 0.1.0"),
            // 1.0.0, not the newest spec version: plugins up to 1.1.x (Debian's among them)
            // reject 1.1.0.
            Some(typo.unwrap_or_else(|| {
                "add \"cniVersion\": \"1.0.0\" (or the version your plugins support)".into()
            })),
        );
        s.parsed = Version::parse("").ok();
        return;
    }
    let v = match Version::parse(&s.version) {
        Ok(v) => v,
        Err(e) => {
            sink.emit(
                &CNI_VERSION_INVALID,
                file,
                s.at,
                format!("cniVersion {:?} is not a version: {e}", s.version),
            );
            return;
        }
    };
    s.parsed = Some(v);
    if v > current() {
        sink.emit_hint(
            &CNI_VERSION_NEWER,
            file,
            s.at,
            format!(
                "cniVersion {:?} is newer than {CURRENT_VERSION}, the newest spec version cnictl knows",
                s.version
            ),
            Some("check that your plugins support it (cnictl validate without --static asks them)"),
        );
    } else if !KNOWN_VERSIONS.contains(&s.version.as_str()) {
        let canonical = v.to_string();
        let hint = if KNOWN_VERSIONS.contains(&canonical.as_str()) {
            format!("write {canonical:?}")
        } else {
            format!("spec versions are {}", KNOWN_VERSIONS.join(", "))
        };
        sink.emit_hint(
            &CNI_VERSION_UNKNOWN,
            file,
            s.at,
            format!(
                "cniVersion {:?} is not a spec version: plugins compare version strings exactly and reject it",
                s.version
            ),
            Some(hint),
        );
    } else if v < Version::V0_4_0 {
        sink.emit_hint(
            &CNI_VERSION_OLD,
            file,
            s.at,
            format!(
                "cniVersion {:?} is older than 0.4.0: no CHECK, and DEL gets no prevResult",
                s.version
            ),
            Some("use 1.0.0 or later if your plugins support it"),
        );
    }
}
