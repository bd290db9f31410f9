//! The `cniCacheV1` record as bytes: encoding in libcni's field order and decoding with Go's
//! tolerance (null = absent, unknown keys ignored), a field of the wrong type being an error.
//! Stricter than libcni where libcni would silently check or delete against an empty result: a
//! `kind` other than `cniCacheV1` is corrupt (libcni reads such a file as a legacy result whose
//! fields are all unknown), and a legacy file (no `kind`) must decode as a CNI result (libcni
//! fails on one that does not).

use super::{CacheEntry, Cached, CACHE_KIND_V1};
use crate::types::result::{describe_json_error, kind_of, sort_keys, CniResult};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{Map, Value};

/// The file bytes of an entry: compact JSON, libcni's field order. `None` when the result is
/// not a JSON object.
pub(super) fn encode(e: &CacheEntry) -> Option<Vec<u8>> {
    let mut m = Map::new();
    m.insert("kind".into(), CACHE_KIND_V1.into());
    m.insert("containerId".into(), e.container_id.clone().into());
    m.insert(
        "config".into(),
        e.config
            .as_ref()
            .map_or(Value::Null, |b| STANDARD.encode(b).into()),
    );
    m.insert("ifName".into(), e.if_name.clone().into());
    m.insert("networkName".into(), e.network_name.clone().into());
    if !e.netns.is_empty() {
        m.insert("netns".into(), e.netns.clone().into());
    }
    if !e.cni_args.is_empty() {
        let pairs = e
            .cni_args
            .iter()
            .map(|(k, v)| Value::from(vec![k.clone(), v.clone()]))
            .collect();
        m.insert("cniArgs".into(), Value::Array(pairs));
    }
    if !e.capability_args.is_empty() {
        m.insert(
            "capabilityArgs".into(),
            sort_keys(&Value::Object(e.capability_args.clone())),
        );
    }
    match &e.result {
        None => {}
        Some(Value::Object(r)) if r.is_empty() => {}
        Some(r @ Value::Object(_)) => {
            m.insert("result".into(), sort_keys(r));
        }
        Some(_) => return None,
    }
    serde_json::to_vec(&Value::Object(m)).ok()
}

/// Classifies a cache file's bytes.
pub(super) fn decode(bytes: &[u8]) -> Cached {
    let v: Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => return Cached::Corrupt(describe_json_error(bytes, &e)),
    };
    let Value::Object(m) = &v else {
        return Cached::Corrupt(format!("expected a JSON object, got {}", kind_of(&v)));
    };
    match m.get("kind") {
        Some(Value::String(k)) if k == CACHE_KIND_V1 => {}
        // A file without a kind is a pre-cniCacheV1 cache: the bare result, which libcni
        // decodes as a result and fails on when it does not decode.
        None | Some(Value::Null) => {
            return match CniResult::from_value(&v) {
                Ok(_) => Cached::Legacy(v),
                Err(e) => Cached::Corrupt(format!("legacy result (no kind): {e}")),
            }
        }
        // libcni would decode such a file as a legacy result, of which every field is
        // unknown: an empty prevResult. A kind cnictl does not know is a reason to refuse.
        Some(Value::String(k)) => {
            return Cached::Corrupt(format!(
                "unknown kind {k:?} (cnictl reads {CACHE_KIND_V1} records and legacy results)"
            ))
        }
        Some(other) => {
            return Cached::Corrupt(format!("kind: expected a string, got {}", kind_of(other)))
        }
    }
    match entry_from_map(m) {
        Ok(entry) => Cached::V1(entry),
        Err(msg) => Cached::Corrupt(msg),
    }
}

/// Decodes a `cniCacheV1` record as Go would (null = absent, unknown keys ignored); a field
/// of the wrong type is an error.
fn entry_from_map(m: &Map<String, Value>) -> Result<CacheEntry, String> {
    let get = |key: &str| m.get(key).filter(|v| !v.is_null());
    let string = |key: &str| match get(key) {
        None => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(other) => Err(format!("{key}: expected a string, got {}", kind_of(other))),
    };
    let config = match get("config") {
        None => None,
        Some(Value::String(s)) => Some(
            STANDARD
                .decode(s)
                .map_err(|e| format!("config: invalid base64: {e}"))?,
        ),
        Some(other) => {
            return Err(format!(
                "config: expected a base64 string, got {}",
                kind_of(other)
            ))
        }
    };
    let mut cni_args = Vec::new();
    if let Some(args) = get("cniArgs") {
        let Value::Array(pairs) = args else {
            return Err(format!("cniArgs: expected an array, got {}", kind_of(args)));
        };
        for (i, pair) in pairs.iter().enumerate() {
            let items: &[Value] = match pair {
                Value::Null => &[],
                Value::Array(items) => items,
                other => {
                    return Err(format!(
                        "cniArgs[{i}]: expected an array, got {}",
                        kind_of(other)
                    ))
                }
            };
            // Go decodes into [2]string: extra items are ignored, missing ones are "".
            let mut kv = [String::new(), String::new()];
            for (j, item) in items.iter().take(2).enumerate() {
                match item {
                    Value::Null => {}
                    Value::String(s) => kv[j] = s.clone(),
                    other => {
                        return Err(format!(
                            "cniArgs[{i}][{j}]: expected a string, got {}",
                            kind_of(other)
                        ))
                    }
                }
            }
            let [k, v] = kv;
            cni_args.push((k, v));
        }
    }
    let capability_args = match get("capabilityArgs") {
        None => Map::new(),
        Some(Value::Object(c)) => c.clone(),
        Some(other) => {
            return Err(format!(
                "capabilityArgs: expected an object, got {}",
                kind_of(other)
            ))
        }
    };
    let result = match get("result") {
        None => None,
        Some(r @ Value::Object(_)) => Some(r.clone()),
        Some(other) => {
            return Err(format!(
                "result: expected an object, got {}",
                kind_of(other)
            ))
        }
    };
    Ok(CacheEntry {
        container_id: string("containerId")?,
        config,
        if_name: string("ifName")?,
        network_name: string("networkName")?,
        netns: string("netns")?,
        cni_args,
        capability_args,
        result,
    })
}
