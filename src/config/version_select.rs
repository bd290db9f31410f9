//! `cniVersions` → the list's spec version, as libcni's `NetworkConfFromBytes` selects it.
//!
//! Only runs when `cniVersions` is present. Entries newer than the version cnictl implements
//! are dropped; `cniVersion` joins the candidates when it is set and not too new; the highest
//! candidate wins, as written (no normalisation). No candidate leaves `cniVersion` as it was.
//! Plugins are never asked.

use serde_json::Value;

use super::error::{go_type, ListError};
use crate::types::version::{Version, CURRENT_VERSION};

/// Selects the version from `cni_version` (the list's `cniVersion`, `""` when absent) and the
/// `cniVersions` value.
pub(crate) fn select(cni_version: &str, versions: &Value) -> Result<String, ListError> {
    let current = Version::parse(CURRENT_VERSION).unwrap_or(Version::V1_1_0);
    let entries = match versions {
        Value::Array(a) => a,
        other => return Err(ListError::CniVersionsType(go_type(other))),
    };
    let mut candidates: Vec<(Version, &str)> = Vec::with_capacity(entries.len() + 1);
    for (index, entry) in entries.iter().enumerate() {
        let s = match entry {
            Value::String(s) => s.as_str(),
            other => {
                return Err(ListError::CniVersionsEntryType {
                    index,
                    found: go_type(other),
                })
            }
        };
        let v = Version::parse(s).map_err(|cause| ListError::CniVersionsEntry {
            version: s.to_string(),
            index,
            cause,
        })?;
        if v <= current {
            candidates.push((v, s));
        }
    }
    if !cni_version.is_empty() {
        let v = Version::parse(cni_version).map_err(|cause| ListError::CniVersion {
            version: cni_version.to_string(),
            cause,
        })?;
        if v <= current {
            candidates.push((v, cni_version));
        }
    }
    // The highest; among equal versions spelled differently ("1.1" and "1.1.0") the first,
    // which is where Go's small-slice sort leaves it.
    let mut best: Option<(Version, &str)> = None;
    for c in candidates {
        if best.is_none_or(|b| c.0 > b.0) {
            best = Some(c);
        }
    }
    Ok(best.map_or(cni_version, |b| b.1).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sel(v: &str, vs: Value) -> Result<String, ListError> {
        select(v, &vs)
    }

    #[test]
    fn digest_cases() {
        // 1, 2
        assert_eq!(
            sel("", json!(["1.1.0", "0.4.0", "1.0.0"])).unwrap(),
            "1.1.0"
        );
        assert_eq!(
            sel("", json!(["1.1.0", "0.4.0", "1.0.0", "99.0.0"])).unwrap(),
            "1.1.0"
        );
        // 3
        let e = sel("", json!(["1.0.0", "1.0.f"])).unwrap_err();
        assert!(
            e.to_string().starts_with(
                "error parsing configuration list: invalid cniVersions entry 1.0.f at index 1: "
            ),
            "{e}"
        );
        // 5, 6, 7
        assert_eq!(sel("1.0.0", json!(["0.1.0", "0.4.0"])).unwrap(), "1.0.0");
        assert_eq!(sel("", json!([])).unwrap(), "");
        assert_eq!(sel("2.0.0", json!(["0.4.0"])).unwrap(), "0.4.0");
        // Only too-new entries: the original string stays.
        assert_eq!(sel("2.0.0", json!(["3.0.0"])).unwrap(), "2.0.0");
    }

    #[test]
    fn kept_as_written_and_ties() {
        assert_eq!(sel("", json!(["1.1", "0.4.0"])).unwrap(), "1.1");
        assert_eq!(sel("1.1.0", json!(["1.1"])).unwrap(), "1.1");
        assert_eq!(sel("", json!(["+1.0.0"])).unwrap(), "+1.0.0");
    }

    #[test]
    fn type_errors() {
        assert_eq!(
            sel("", json!("1.0.0")).unwrap_err().to_string(),
            "error parsing configuration list: invalid type for cniVersions: string"
        );
        assert_eq!(
            sel("", json!(null)).unwrap_err().to_string(),
            "error parsing configuration list: invalid type for cniVersions: <nil>"
        );
        assert_eq!(
            sel("", json!(["1.0.0", 1])).unwrap_err().to_string(),
            "error parsing configuration list: invalid type for cniVersions index 1: float64"
        );
        assert!(sel("x.y", json!(["1.0.0"]))
            .unwrap_err()
            .to_string()
            .starts_with("error parsing configuration list: invalid cniVersion x.y: "));
    }
}
