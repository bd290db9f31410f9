//! What each fuzz target checks on one input, shared by the cargo-fuzz targets (`fuzz/`, nightly)
//! and by `tests/fuzz_replay.rs` (stable `cargo test`), so a saved crash or seed is replayed
//! through exactly the code the fuzzer ran. Every function panics on a failed property; any
//! panic inside the library is a bug too (no panics on any input).

use cnictl::cache::Cached;
use cnictl::config::{conf_from_bytes, list_from_bytes, plugin_from_bytes, probe_name, FileKind};
use cnictl::invoke::version::decode_version_info;
use cnictl::runtime::gc::{parse_valid_list, parse_valid_pair};
use cnictl::types::ident::{validate_container_id, validate_ifname};
use cnictl::types::result::{parse_plugin_result, CniResult};
use cnictl::KNOWN_VERSIONS;

/// What a target runs on one input.
pub type Check = fn(&[u8]);

/// The fuzz targets by name, as `fuzz/fuzz_targets/<name>.rs` and `tests/fuzz_inputs/<name>/`.
pub const TARGETS: &[(&str, Check)] = &[
    ("config_load", config_load),
    ("json_reader", json_reader),
    ("result_convert", result_convert),
    ("version_info", version_info),
    ("cache_decode", cache_decode),
    ("valid_from", valid_from),
    ("validate_static", validate_static),
];

/// Config loading: a `.conflist`'s or a `.conf`'s bytes to a list, and a plugin's bytes; and
/// the lookup's quick look at a file vouches only for what the full load accepts, by the
/// same name.
pub fn config_load(data: &[u8]) {
    if let Some((name, inline_only)) = probe_name(data, FileKind::List) {
        let list = list_from_bytes(data).expect("the probe vouched for a conflist that fails");
        assert_eq!(
            (list.name, list.load_only_inlined_plugins),
            (name, inline_only)
        );
    }
    if let Some((name, _)) = probe_name(data, FileKind::Single) {
        let list = conf_from_bytes(data).expect("the probe vouched for a .conf that fails");
        assert_eq!(list.name, name);
    }
    if let Ok(list) = list_from_bytes(data) {
        // libcni caches a conflist's bytes as they are.
        assert_eq!(list.bytes, data, "a conflist keeps its bytes");
        assert_eq!(list_from_bytes(&list.bytes).ok(), Some(list));
    }
    if let Ok(list) = conf_from_bytes(data) {
        assert_eq!(list.plugins.len(), 1, "a .conf wraps exactly one plugin");
        // The synthetic list bytes it would cache load as a list again.
        let again = list_from_bytes(&list.bytes).expect("a wrapped .conf's list bytes load");
        assert_eq!(again.name, list.name);
        assert_eq!(again.plugins.len(), 1);
    }
    let _ = plugin_from_bytes(data);
}

/// The span-keeping JSON reader accepts exactly what serde_json accepts, with the same value.
pub fn json_reader(data: &[u8]) {
    let ours = cnictl::validate::json::parse(data);
    let theirs = serde_json::from_slice::<serde_json::Value>(data);
    match (&ours, &theirs) {
        (Ok(node), Ok(v)) => {
            assert_eq!(&node.to_serde(), v, "different values");
            check_spans(node, data);
        }
        (Err(e), Err(_)) => assert!(e.offset <= data.len(), "error offset past the end"),
        (Ok(_), Err(e)) => panic!("we accept what serde_json rejects ({e})"),
        (Err(e), Ok(_)) => panic!("we reject what serde_json accepts ({})", e.message),
    }
}

/// Every value's span starts at its first character, every key's at its opening quote.
fn check_spans(node: &cnictl::validate::json::Node, data: &[u8]) {
    use cnictl::validate::json::Json;
    let at = data.get(node.start).copied();
    // serde_json's private keys turn an object into another value (validate::json's
    // SERDE_TOKENS): all of it then sits at the object's `{`.
    let from_token = at == Some(b'{')
        && match &node.value {
            Json::Object(members) => members.iter().any(|m| m.key_start == node.start),
            _ => true,
        };
    if from_token {
        return;
    }
    let ok = match &node.value {
        Json::Null => at == Some(b'n'),
        Json::Bool(b) => at == Some(if *b { b't' } else { b'f' }),
        Json::Number(_) => matches!(at, Some(b'-' | b'0'..=b'9')),
        Json::String(_) => at == Some(b'"'),
        Json::Array(items) => {
            items.iter().for_each(|n| check_spans(n, data));
            at == Some(b'[')
        }
        Json::Object(members) => {
            for m in members {
                assert_eq!(
                    data.get(m.key_start),
                    Some(&b'"'),
                    "key span of {:?}",
                    m.key
                );
                assert!(m.key_start < m.value.start, "key after its value");
                check_spans(&m.value, data);
            }
            at == Some(b'{')
        }
    };
    assert!(ok, "span {} does not start a {}", node.start, node.kind());
}

/// `validate --static` of one file's bytes (as `validate -` reads stdin): always a report,
/// every finding at a real line and column.
pub fn validate_static(data: &[u8]) {
    use cnictl::validate::{validate, Input, Options};
    let opts = Options {
        cni_path: Vec::new(),
        node_root: cnictl::noderoot::NodeRoot::host(),
        inputs_on_node: false,
        versions: None,
        per_file: false,
    };
    let report = validate(&[Input::Stdin(Ok(data.to_vec()))], &opts)
        .unwrap_or_else(|e| panic!("validate of stdin failed to run: {e}"));
    let lines = data.split(|&b| b == b'\n').count();
    for d in &report.diagnostics {
        assert!(
            d.line >= 1 && d.line <= lines && d.column >= 1,
            "finding at {}:{} of {lines} lines: {}",
            d.line,
            d.column,
            d.message
        );
    }
}

/// Result parsing (by its own version, and as a plugin's output under every config version)
/// and conversion to every version.
pub fn result_convert(data: &[u8]) {
    if let Ok(r) = CniResult::from_slice(data) {
        exercise_result(&r);
    }
    for conf in KNOWN_VERSIONS.iter().copied().chain([""]) {
        if let Ok((value, r)) = parse_plugin_result(data, conf) {
            assert!(
                value.get("cniVersion").is_some(),
                "the fixed-up result has a version"
            );
            exercise_result(&r);
        }
    }
}

fn exercise_result(r: &CniResult) {
    let value = r.to_value();
    let _ = r.to_pretty_string();
    // What cnictl prints or caches is read back as the same version.
    let back = CniResult::from_value_as(r.version(), &value)
        .unwrap_or_else(|e| panic!("{} result does not re-parse: {e}\n{value}", r.version()));
    assert_eq!(
        back.to_value(),
        value,
        "re-parse changes the {} result",
        r.version()
    );
    for to in KNOWN_VERSIONS.iter().copied().chain([""]) {
        if let Ok(c) = r.convert_to(to) {
            let v = c.to_value();
            let _ = c.to_pretty_string();
            CniResult::from_value_as(c.version(), &v).unwrap_or_else(|e| {
                panic!(
                    "{} converted to {to:?} does not re-parse: {e}\n{v}",
                    r.version()
                )
            });
        }
    }
}

/// A plugin's VERSION answer.
pub fn version_info(data: &[u8]) {
    if let Ok(versions) = decode_version_info(data) {
        assert!(!versions.is_empty(), "a decoded answer names versions");
    }
}

/// Cache file decoding; a decoded record encodes, and its encoding is a fixed point.
pub fn cache_decode(data: &[u8]) {
    let decoded = Cached::decode(data);
    // What gc and attachments take from an entry: its addresses and its config.
    let _ = decoded.result().map(cnictl::types::result::addresses);
    if let Cached::V1(entry) = decoded {
        if let Some(config) = &entry.config {
            let _ = list_from_bytes(config);
        }
        if let Some(bytes) = entry.encode() {
            match Cached::decode(&bytes) {
                Cached::V1(again) => assert_eq!(again.encode(), Some(bytes), "encode is stable"),
                other => panic!("a written record does not decode as one: {other:?}"),
            }
        }
    }
}

/// `gc --valid-from` input (the CLI reads it as UTF-8 text) and a `--valid` pair.
pub fn valid_from(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(pairs) = parse_valid_list(text) {
        for (id, ifname) in &pairs {
            assert!(validate_container_id(id).is_ok(), "accepted bad ID {id:?}");
            assert!(
                validate_ifname(ifname).is_ok(),
                "accepted bad ifname {ifname:?}"
            );
        }
    }
    if let Ok((id, ifname)) = parse_valid_pair(text) {
        assert!(validate_container_id(&id).is_ok() && validate_ifname(&ifname).is_ok());
    }
}
