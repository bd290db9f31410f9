//! One plugin object: the typed view libcni decodes (`types.PluginConf`) checked over the
//! verbatim map, which is kept as it is.
//!
//! libcni decodes a plugin object into a Go struct, so a field it knows with the wrong JSON
//! type is an error, and `null` counts as absent. The fields are `cniVersion`, `name`, `type`
//! (strings), `capabilities` (object of booleans), `ipam` (object with a string `type`),
//! `dns` (object of string lists and a `domain` string), `prevResult` (object) and
//! `cni.dev/valid-attachments` (list of `{containerID, ifname}`). Unlike Go, keys match
//! case-sensitively: `"Type"` is not `type`.

use serde_json::{Map, Value};
use std::path::PathBuf;

use super::error::{json_kind, PluginError};
use super::PluginConfig;

fn field_type(field: impl Into<String>, found: &Value, expected: &'static str) -> PluginError {
    PluginError::FieldType {
        field: field.into(),
        found: json_kind(found),
        expected,
    }
}

/// `v` must be a string or null.
fn string_or_null(field: &str, v: &Value) -> Result<Option<String>, PluginError> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        other => Err(field_type(field, other, "string")),
    }
}

/// `v` must be null or a list of strings (null elements allowed, as Go allows them).
fn string_list(field: &str, v: &Value) -> Result<(), PluginError> {
    match v {
        Value::Null => Ok(()),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                string_or_null(&format!("{field}[{i}]"), item)?;
            }
            Ok(())
        }
        other => Err(field_type(field, other, "array of strings")),
    }
}

/// `v` must be an object or null.
fn object_or_null<'a>(
    field: &str,
    v: &'a Value,
) -> Result<Option<&'a Map<String, Value>>, PluginError> {
    match v {
        Value::Null => Ok(None),
        Value::Object(m) => Ok(Some(m)),
        other => Err(field_type(field, other, "object")),
    }
}

/// Checks a plugin object and builds its [`PluginConfig`], keeping `raw` as given.
pub(crate) fn plugin_from_map(
    raw: Map<String, Value>,
    source: PathBuf,
) -> Result<PluginConfig, PluginError> {
    let mut plugin_type = None;
    let mut name = None;
    let mut ipam_type = None;
    let mut capabilities = Vec::new();
    for (key, v) in &raw {
        match key.as_str() {
            "cniVersion" => {
                string_or_null(key, v)?;
            }
            "name" => name = string_or_null(key, v)?,
            "type" => plugin_type = string_or_null(key, v)?,
            "capabilities" => {
                capabilities.clear();
                if let Some(caps) = object_or_null(key, v)? {
                    for (cap, on) in caps {
                        match on {
                            Value::Bool(true) => capabilities.push(cap.clone()),
                            Value::Bool(false) | Value::Null => {}
                            other => {
                                return Err(field_type(
                                    format!("capabilities.{cap}"),
                                    other,
                                    "bool",
                                ))
                            }
                        }
                    }
                }
            }
            "ipam" => {
                ipam_type = None;
                if let Some(ipam) = object_or_null(key, v)? {
                    if let Some(t) = ipam.get("type") {
                        ipam_type = string_or_null("ipam.type", t)?.filter(|t| !t.is_empty());
                    }
                }
            }
            "dns" => {
                if let Some(dns) = object_or_null(key, v)? {
                    for (k, item) in dns {
                        match k.as_str() {
                            "nameservers" | "search" | "options" => {
                                string_list(&format!("dns.{k}"), item)?
                            }
                            "domain" => {
                                string_or_null("dns.domain", item)?;
                            }
                            _ => {}
                        }
                    }
                }
            }
            "prevResult" => {
                object_or_null(key, v)?;
            }
            "cni.dev/valid-attachments" => match v {
                Value::Null => {}
                Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        let field = format!("{key}[{i}]");
                        if let Some(att) = object_or_null(&field, item)? {
                            for k in ["containerID", "ifname"] {
                                if let Some(x) = att.get(k) {
                                    string_or_null(&format!("{field}.{k}"), x)?;
                                }
                            }
                        }
                    }
                }
                other => return Err(field_type(key.as_str(), other, "array of objects")),
            },
            _ => {}
        }
    }
    let plugin_type = match plugin_type {
        Some(t) if !t.is_empty() => t,
        _ => {
            return Err(PluginError::MissingType {
                looks_like_list: raw.contains_key("plugins"),
            })
        }
    };
    Ok(PluginConfig {
        plugin_type,
        name,
        ipam_type,
        capabilities,
        raw,
        source,
    })
}

/// Checks any JSON value as a plugin object (an element of `plugins`, or a whole file).
/// `null` decodes into an empty struct in Go, so it fails as a missing `type`.
pub(crate) fn plugin_from_value(v: Value, source: PathBuf) -> Result<PluginConfig, PluginError> {
    match v {
        Value::Object(m) => plugin_from_map(m, source),
        Value::Null => Err(PluginError::MissingType {
            looks_like_list: false,
        }),
        other => Err(PluginError::NotAnObject(json_kind(&other))),
    }
}
