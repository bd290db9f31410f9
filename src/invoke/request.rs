//! The stdin of one plugin call, built as libcni's `buildOneConfig` and `injectRuntimeConfig`
//! do (digest 2.2), plus the GC, STATUS and VERSION requests.
//!
//! Requests start from the plugin object exactly as written ([`PluginConfig::raw`]): key order,
//! unknown keys and exact numbers are kept (serde_json with `preserve_order` and
//! `arbitrary_precision`). Unlike Go, keys are not re-sorted and numbers do not pass through
//! float64; only the keys libcni injects change.

use crate::config::PluginConfig;
use crate::types::version::CURRENT_VERSION;
use serde_json::{Map, Value};

/// Keys libcni sets in GC requests: the spec's name and the one libcni also sends (issue #1101).
const GC_ATTACHMENT_KEYS: [&str; 2] = ["cni.dev/valid-attachments", "cni.dev/attachments"];

/// The plugin object with `name` and `cniVersion` set (the version even when it is `""`).
fn base(plugin: &PluginConfig, list_name: &str, cni_version: &str) -> Map<String, Value> {
    let mut conf = plugin.raw.clone();
    conf.insert("name".to_string(), Value::String(list_name.to_string()));
    conf.insert(
        "cniVersion".to_string(),
        Value::String(cni_version.to_string()),
    );
    conf
}

/// Compact JSON of an object.
fn to_bytes(conf: Map<String, Value>) -> Vec<u8> {
    // Serialising a `Value` cannot fail (string keys only, no custom Serialize impls).
    serde_json::to_vec(&Value::Object(conf)).unwrap_or_default()
}

/// The `runtimeConfig` a plugin gets: for each capability the plugin declares true, the
/// caller's capability argument of that name, when there is one (null values included, as
/// libcni). Plugin declaration order.
pub fn runtime_config(
    plugin: &PluginConfig,
    capability_args: &Map<String, Value>,
) -> Map<String, Value> {
    let mut rc = Map::new();
    for cap in &plugin.capabilities {
        if let Some(v) = capability_args.get(cap) {
            rc.insert(cap.clone(), v.clone());
        }
    }
    rc
}

/// The stdin for one plugin of a list (ADD, CHECK, DEL), built as libcni's `buildOneConfig`
/// does: `name` and `cniVersion` set; `prevResult` set when given and not null (replacing one
/// written in the config); `runtimeConfig` set (replacing one written in the config) only when
/// at least one declared capability has an argument. Compact JSON.
pub fn build_request(
    plugin: &PluginConfig,
    list_name: &str,
    cni_version: &str,
    prev_result: Option<&Value>,
    capability_args: &Map<String, Value>,
) -> Vec<u8> {
    let mut conf = base(plugin, list_name, cni_version);
    if let Some(prev) = prev_result.filter(|v| !v.is_null()) {
        conf.insert("prevResult".to_string(), prev.clone());
    }
    let rc = runtime_config(plugin, capability_args);
    if !rc.is_empty() {
        conf.insert("runtimeConfig".to_string(), Value::Object(rc));
    }
    to_bytes(conf)
}

/// The stdin of a GC call: `name`, `cniVersion`, and when `valid_attachments` is given, both
/// `cni.dev/valid-attachments` and `cni.dev/attachments` as arrays (never null) of
/// `{"containerID", "ifname"}`.
pub fn build_gc_request(
    plugin: &PluginConfig,
    list_name: &str,
    cni_version: &str,
    valid_attachments: Option<&[(String, String)]>,
) -> Vec<u8> {
    let mut conf = base(plugin, list_name, cni_version);
    if let Some(valid) = valid_attachments {
        let list: Vec<Value> = valid
            .iter()
            .map(|(id, ifname)| {
                let mut o = Map::new();
                o.insert("containerID".to_string(), Value::String(id.clone()));
                o.insert("ifname".to_string(), Value::String(ifname.clone()));
                Value::Object(o)
            })
            .collect();
        for key in GC_ATTACHMENT_KEYS {
            conf.insert(key.to_string(), Value::Array(list.clone()));
        }
    }
    to_bytes(conf)
}

/// The stdin of a STATUS call: the plugin object with `name` and `cniVersion`.
pub fn build_status_request(plugin: &PluginConfig, list_name: &str, cni_version: &str) -> Vec<u8> {
    to_bytes(base(plugin, list_name, cni_version))
}

/// The stdin of a VERSION call: `{"cniVersion":"1.1.0"}` (cnictl's own version, as libcni).
pub fn version_request() -> Vec<u8> {
    format!("{{\"cniVersion\":\"{CURRENT_VERSION}\"}}").into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::path::PathBuf;

    /// A plugin as the config module would produce it from `raw` (capabilities true, in order).
    pub(crate) fn plugin(raw: &str) -> PluginConfig {
        let raw: Map<String, Value> = serde_json::from_str(raw).unwrap();
        let capabilities = raw
            .get("capabilities")
            .and_then(Value::as_object)
            .map(|caps| {
                caps.iter()
                    .filter(|(_, v)| v.as_bool() == Some(true))
                    .map(|(k, _)| k.clone())
                    .collect()
            })
            .unwrap_or_default();
        PluginConfig {
            plugin_type: raw["type"].as_str().unwrap_or_default().to_string(),
            name: None,
            ipam_type: None,
            capabilities,
            raw,
            source: PathBuf::from("/etc/cni/net.d/test.conflist"),
        }
    }

    fn parse(bytes: &[u8]) -> Value {
        serde_json::from_slice(bytes).unwrap()
    }

    fn caps(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn digest_example() {
        let p = plugin(r#"{"type":"tuning","capabilities":{"mac":true},"sysctl":{"a":"1"}}"#);
        let prev = json!({"cniVersion":"1.1.0","interfaces":[{"name":"eth0"}]});
        let args = caps(json!({"mac":"c2:11:22:33:44:55","portMappings":[{"hostPort":80}]}));
        let got = parse(&build_request(&p, "dbnet", "1.1.0", Some(&prev), &args));
        let want = json!({"capabilities":{"mac":true},"cniVersion":"1.1.0","name":"dbnet","prevResult":prev,
            "runtimeConfig":{"mac":"c2:11:22:33:44:55"},"sysctl":{"a":"1"},"type":"tuning"});
        assert_eq!(got, want);
    }

    #[test]
    fn case_25_only_declared_true_capabilities() {
        let p = plugin(
            r#"{"type":"x","capabilities":{"portMappings":true,"somethingElse":true,"noCapability":false}}"#,
        );
        let args = caps(
            json!({"portMappings":[{"hostPort":8080}],"somethingElse":{"a":1},"noCapability":true,"notAdded":[1]}),
        );
        let got = parse(&build_request(&p, "net", "1.0.0", None, &args));
        assert_eq!(
            got["runtimeConfig"],
            json!({"portMappings":[{"hostPort":8080}],"somethingElse":{"a":1}})
        );
        assert!(got.get("prevResult").is_none());
        // capabilities pass through untouched, the false entry included.
        assert_eq!(
            got["capabilities"],
            json!({"portMappings":true,"somethingElse":true,"noCapability":false})
        );
    }

    #[test]
    fn case_26_no_runtime_config_when_nothing_matches() {
        let p = plugin(
            r#"{"type":"x","capabilities":{"portMappings":true},"runtimeConfig":{"written":1}}"#,
        );
        let args = caps(json!({"portMappings22":[1]}));
        let got = parse(&build_request(&p, "net", "1.0.0", None, &args));
        // Nothing injected: a written runtimeConfig survives.
        assert_eq!(got["runtimeConfig"], json!({"written":1}));
        let p = plugin(r#"{"type":"x","capabilities":{"portMappings":true}}"#);
        let got = parse(&build_request(&p, "net", "1.0.0", None, &args));
        assert!(got.get("runtimeConfig").is_none());
        // When something matches, a written runtimeConfig is replaced (no merge).
        let p = plugin(r#"{"type":"x","capabilities":{"mac":true},"runtimeConfig":{"written":1}}"#);
        let got = parse(&build_request(
            &p,
            "net",
            "1.0.0",
            None,
            &caps(json!({"mac":"m"})),
        ));
        assert_eq!(got["runtimeConfig"], json!({"mac":"m"}));
    }

    #[test]
    fn case_27_original_config_plus_runtime_config() {
        let raw = r#"{"cniVersion":"1.0.0","name":"apitest","type":"noop","some-key":"some-value","capabilities":{"portMappings":true}}"#;
        let p = plugin(raw);
        let args =
            caps(json!({"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]}));
        let got = parse(&build_request(&p, "apitest", "1.0.0", None, &args));
        let mut want = parse(raw.as_bytes());
        want["runtimeConfig"] =
            json!({"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]});
        assert_eq!(got, want);
    }

    #[test]
    fn keeps_order_numbers_and_unknown_keys_verbatim() {
        let raw = r#"{"type":"x","zeta":18446744073709551616,"alpha":1e400,"cni.dev/custom":{"b":1,"a":0.10},"name":"old","cniVersion":"0.3.1"}"#;
        let p = plugin(raw);
        let got = String::from_utf8(build_request(&p, "net", "", None, &Map::new())).unwrap();
        // Numbers keep every digit. serde_json (arbitrary_precision) spells an exponent `e+400`
        // whatever the source wrote (`1e400`, `1E400`): the same exact value, not the same bytes.
        assert_eq!(
            got,
            r#"{"type":"x","zeta":18446744073709551616,"alpha":1e+400,"cni.dev/custom":{"b":1,"a":0.10},"name":"net","cniVersion":""}"#
        );
        let v: Value = serde_json::from_str(&got).unwrap();
        assert_eq!(v["alpha"].to_string(), "1e+400");
        assert_eq!(v["zeta"].to_string(), "18446744073709551616");
    }

    #[test]
    fn prev_result_replaces_written_one_null_does_not() {
        let p = plugin(r#"{"type":"x","prevResult":{"written":true}}"#);
        let got = parse(&build_request(
            &p,
            "n",
            "1.0.0",
            Some(&json!({"new":1})),
            &Map::new(),
        ));
        assert_eq!(got["prevResult"], json!({"new":1}));
        let got = parse(&build_request(
            &p,
            "n",
            "1.0.0",
            Some(&Value::Null),
            &Map::new(),
        ));
        assert_eq!(got["prevResult"], json!({"written":true}));
        let got = parse(&build_request(&p, "n", "1.0.0", None, &Map::new()));
        assert_eq!(got["prevResult"], json!({"written":true}));
    }

    #[test]
    fn gc_and_status_requests() {
        let p = plugin(r#"{"type":"x","capabilities":{"mac":true}}"#);
        let valid = vec![("c1".to_string(), "eth0".to_string())];
        let got = parse(&build_gc_request(&p, "n", "1.1.0", Some(&valid)));
        let list = json!([{"containerID":"c1","ifname":"eth0"}]);
        assert_eq!(got["cni.dev/valid-attachments"], list);
        assert_eq!(got["cni.dev/attachments"], list);
        assert!(got.get("runtimeConfig").is_none());
        let got = parse(&build_gc_request(&p, "n", "1.1.0", Some(&[])));
        assert_eq!(got["cni.dev/valid-attachments"], json!([]));
        assert_eq!(got["cni.dev/attachments"], json!([]));
        let got = parse(&build_gc_request(&p, "n", "1.1.0", None));
        assert!(
            got.get("cni.dev/valid-attachments").is_none()
                && got.get("cni.dev/attachments").is_none()
        );
        let got = parse(&build_status_request(&p, "n", "1.1.0"));
        assert_eq!(
            got,
            json!({"type":"x","capabilities":{"mac":true},"name":"n","cniVersion":"1.1.0"})
        );
        assert_eq!(version_request(), br#"{"cniVersion":"1.1.0"}"#.to_vec());
    }
}
