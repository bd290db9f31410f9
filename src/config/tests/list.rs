//! Parsing of configuration lists, single-plugin files and plugin objects from bytes.

use super::super::*;
use super::{tempdir, write};

fn list(text: &str) -> Result<NetworkConfigList, ConfigError> {
    list_from_bytes(text.as_bytes())
}

fn err(text: &str) -> String {
    list(text).unwrap_err().to_string()
}

#[test]
fn cni_versions_selection_cases_1_to_7() {
    let v = |t: &str| list(t).unwrap().cni_version;
    // 1
    assert_eq!(
        v(r#"{"name":"test","cniVersions":["1.1.0","0.4.0","1.0.0"],"plugins":[{"type":"foo"}]}"#),
        "1.1.0"
    );
    // 2
    assert_eq!(
        v(
            r#"{"name":"test","cniVersions":["1.1.0","0.4.0","1.0.0","99.0.0"],"plugins":[{"type":"foo"}]}"#
        ),
        "1.1.0"
    );
    // 3
    let e = err(r#"{"name":"test","cniVersions":["1.1.0","1.0.f"],"plugins":[{"type":"foo"}]}"#);
    assert!(
        e.starts_with(
            "error parsing configuration list: invalid cniVersions entry 1.0.f at index 1: "
        ),
        "{e}"
    );
    // 4
    assert_eq!(
        v(r#"{"name":"test","cniVersion":"1.2.3","plugins":[{"type":"foo"}]}"#),
        "1.2.3"
    );
    // 5
    assert_eq!(
        v(
            r#"{"name":"test","cniVersion":"1.0.0","cniVersions":["0.1.0","0.4.0"],"plugins":[{"type":"foo"}]}"#
        ),
        "1.0.0"
    );
    // 6
    assert_eq!(
        v(r#"{"name":"test","cniVersions":[],"plugins":[{"type":"foo"}]}"#),
        ""
    );
    // 7
    assert_eq!(
        v(
            r#"{"name":"test","cniVersion":"2.0.0","cniVersions":["0.4.0"],"plugins":[{"type":"foo"}]}"#
        ),
        "0.4.0"
    );
    // Absent cniVersion: "" (libcni treats it as 0.1.0 later).
    assert_eq!(v(r#"{"name":"test","plugins":[{"type":"foo"}]}"#), "");
}

#[test]
fn boolean_or_string_flags_case_8() {
    for key in ["disableCheck", "disableGC", "loadOnlyInlinedPlugins"] {
        let with =
            |value: &str| format!(r#"{{"name":"t","{key}":{value},"plugins":[{{"type":"foo"}}]}}"#);
        let get = |l: NetworkConfigList| match key {
            "disableCheck" => l.disable_check,
            "disableGC" => l.disable_gc,
            _ => l.load_only_inlined_plugins,
        };
        assert!(get(list(&with("true")).unwrap()));
        assert!(!get(list(&with("false")).unwrap()));
        assert!(get(list(&with("\"true\"")).unwrap()));
        assert!(get(list(&with("\"TRUE\"")).unwrap()));
        assert!(!get(list(&with("\"false\"")).unwrap()));
        assert!(!get(
            list(r#"{"name":"t","plugins":[{"type":"foo"}]}"#).unwrap()
        ));
        assert_eq!(
            err(&with("\"adsfasdfasf\"")),
            format!("error parsing configuration list: invalid value \"adsfasdfasf\" for {key}")
        );
        assert_eq!(
            err(&with("\"SPHAGNUM\"")),
            format!("error parsing configuration list: invalid value \"sphagnum\" for {key}")
        );
        assert_eq!(
            err(&with("1")),
            format!("error parsing configuration list: invalid type float64 for {key}")
        );
        assert_eq!(
            err(&with("null")),
            format!("error parsing configuration list: invalid type <nil> for {key}")
        );
    }
}

#[test]
fn plugins_key_rules_cases_9_12_14() {
    // 9
    assert_eq!(
        err(r#"{"name":"t","loadOnlyInlinedPlugins":true}"#),
        "error parsing configuration list: `loadOnlyInlinedPlugins` is true, and no 'plugins' key"
    );
    // No plugins and the flag false: zero inline plugins from bytes (the file loader adds the
    // subdirectory and then requires at least one).
    assert!(list(r#"{"name":"t"}"#).unwrap().plugins.is_empty());
    // 12
    assert_eq!(
        err(r#"{"name":"t","plugins":[]}"#),
        "error parsing configuration list: no plugins in list"
    );
    // 14
    assert_eq!(
        err(r#"{"name":"t","plugins":[{"name":"x"}]}"#),
        "failed to parse plugin config 0: error parsing configuration: missing 'type'"
    );
    assert_eq!(
        err(r#"{"name":"t","plugins":[{"type":"a"},{"type":""}]}"#),
        "failed to parse plugin config 1: error parsing configuration: missing 'type'"
    );
    assert_eq!(
        err(r#"{"name":"t","plugins":[null]}"#),
        "failed to parse plugin config 0: error parsing configuration: missing 'type'"
    );
    assert_eq!(
        err(r#"{"name":"t","plugins":["bridge"]}"#),
        "failed to parse plugin config 0: error parsing configuration: cannot unmarshal string into a plugin configuration object"
    );
    assert_eq!(
        err(r#"{"name":"t","plugins":{}}"#),
        "error parsing configuration list: invalid 'plugins' type map[string]interface {}"
    );
    assert_eq!(
        err(r#"{"name":"t","plugins":null}"#),
        "error parsing configuration list: invalid 'plugins' type <nil>"
    );
}

#[test]
fn list_level_errors() {
    assert_eq!(
        err(r#"{"plugins":[{"type":"a"}]}"#),
        "error parsing configuration list: no name"
    );
    assert_eq!(
        err(r#"{"name":7}"#),
        "error parsing configuration list: invalid name type float64"
    );
    assert_eq!(
        err(r#"{"name":null}"#),
        "error parsing configuration list: invalid name type <nil>"
    );
    assert_eq!(
        err(r#"{"name":"t","cniVersion":1}"#),
        "error parsing configuration list: invalid cniVersion type float64"
    );
    assert_eq!(
        err("[1]"),
        "error parsing configuration list: cannot unmarshal array into an object"
    );
    assert_eq!(
        err("{"),
        "line 1 column 1: error parsing configuration list: EOF while parsing an object"
    );
    // An empty name is accepted from bytes (libcni does not check it here).
    assert_eq!(
        list(r#"{"name":"","plugins":[{"type":"a"}]}"#)
            .unwrap()
            .name,
        ""
    );
    // Unknown top-level keys are ignored (and stay in `bytes`).
    assert_eq!(
        list(r#"{"name":"t","extra":{"x":1},"plugins":[{"type":"a"}]}"#)
            .unwrap()
            .plugins
            .len(),
        1
    );
}

#[test]
fn plugin_bytes_verbatim_and_list_bytes_unchanged_case_15() {
    let text = "{\"name\":\"t\",\n \"plugins\":[{\"type\":\"bridge\",\"mtu\":1400}]}\n";
    let l = list(text).unwrap();
    assert_eq!(l.bytes, text.as_bytes());
    // libcni sorts the keys of each plugin; cnictl keeps them as written.
    assert_eq!(
        serde_json::to_string(&l.plugins[0].raw).unwrap(),
        r#"{"type":"bridge","mtu":1400}"#
    );
}

#[test]
fn raw_json_is_verbatim() {
    let plugin = r#"{"zeta":{"nested":[1,2.50,-0]},"type":"fancy","big":18446744073709551616,"huge":1e400,"tiny":1E-7,"alpha":"\u00e9"}"#;
    let l = list(&format!(
        r#"{{"name":"t","cniVersion":"1.0.0","plugins":[{plugin}]}}"#
    ))
    .unwrap();
    let out = serde_json::to_string(&l.plugins[0].raw).unwrap();
    assert!(out.contains("18446744073709551616"), "{out}");
    assert!(out.contains(":1e400"), "{out}");
    assert!(out.contains(":1E-7"), "{out}");
    assert!(out.contains("2.50") && out.contains("-0]"), "{out}");
    assert_eq!(out, plugin.replace("\\u00e9", "é"));
    let keys: Vec<&str> = l.plugins[0].raw.keys().map(String::as_str).collect();
    assert_eq!(keys, ["zeta", "type", "big", "huge", "tiny", "alpha"]);

    // A single-plugin file: the wrapped list's bytes are libcni's (ConfListFromConf decodes
    // the file into a map and marshals it: keys sorted, numbers through float64, 1e400 is
    // kept where Go would fail), the plugin's own JSON stays verbatim.
    let c = conf_from_bytes(
        format!(r#"{{"name":"n","cniVersion":"0.4.0",{}"#, &plugin[1..]).as_bytes(),
    )
    .unwrap();
    assert_eq!(
        String::from_utf8(c.bytes.clone()).unwrap(),
        r#"{"cniVersion":"0.4.0","name":"n","plugins":[{"alpha":"é","big":18446744073709552000,"cniVersion":"0.4.0","huge":1e400,"name":"n","tiny":1e-7,"type":"fancy","zeta":{"nested":[1,2.5,-0]}}]}"#
    );
    let out = serde_json::to_string(&c.plugins[0].raw).unwrap();
    assert!(
        out.starts_with(r#"{"name":"n","cniVersion":"0.4.0","zeta""#),
        "{out}"
    );
}

#[test]
fn capabilities_and_ipam_case_22() {
    let text = r#"{"name":"some-plugin","type":"foobar","capabilities":{"portMappings":true,"somethingElse":true,"noCapability":false},"ipam":{"type":"host-local","subnet":"10.1.2.0/24"}}"#;
    let c = conf_from_bytes(text.as_bytes()).unwrap();
    let p = &c.plugins[0];
    assert_eq!(p.capabilities, ["portMappings", "somethingElse"]);
    assert_eq!(
        serde_json::to_string(&p.raw["capabilities"]).unwrap(),
        r#"{"portMappings":true,"somethingElse":true,"noCapability":false}"#
    );
    assert_eq!(p.ipam_type.as_deref(), Some("host-local"));
    assert_eq!(p.plugin_type, "foobar");
    assert_eq!(p.name.as_deref(), Some("some-plugin"));
    // ipam without a type (ovn-kubernetes writes `"ipam": {}`).
    let c = conf_from_bytes(br#"{"name":"n","type":"x","ipam":{},"dns":{}}"#).unwrap();
    assert_eq!(c.plugins[0].ipam_type, None);
}

#[test]
fn conf_list_from_conf_case_24() {
    let c =
        conf_from_bytes(br#"{"name":"some-plugin","cniVersion":"0.3.1","type":"foobar"}"#).unwrap();
    assert_eq!(
        (c.name.as_str(), c.cni_version.as_str(), c.plugins.len()),
        ("some-plugin", "0.3.1", 1)
    );
    assert_eq!(
        String::from_utf8(c.bytes.clone()).unwrap(),
        // exactly libcni's bytes: the plugin's keys sorted too (Go marshals maps)
        r#"{"cniVersion":"0.3.1","name":"some-plugin","plugins":[{"cniVersion":"0.3.1","name":"some-plugin","type":"foobar"}]}"#
    );
    let again = list_from_bytes(&c.bytes).unwrap();
    assert_eq!(again, c);
    // List-level flags of the single file are not carried over; cniVersions is ignored.
    let c =
        conf_from_bytes(br#"{"name":"n","type":"x","disableCheck":true,"cniVersions":["1.0.0"]}"#)
            .unwrap();
    assert!(!c.disable_check);
    assert_eq!(c.cni_version, "");
    assert!(c.plugins[0].raw.contains_key("disableCheck"));
    // Missing name: "" (libcni uses the typed field's zero value).
    assert_eq!(conf_from_bytes(br#"{"type":"x"}"#).unwrap().name, "");
}

#[test]
fn plugin_typed_fields() {
    let e = |t: &str| plugin_from_bytes(t.as_bytes()).unwrap_err().to_string();
    assert_eq!(
        e(r#"{"type":"x","capabilities":{"portMappings":"yes"}}"#),
        "error parsing configuration: cannot unmarshal string into field capabilities.portMappings of type bool"
    );
    assert_eq!(
        e(r#"{"type":"x","ipam":"host-local"}"#),
        "error parsing configuration: cannot unmarshal string into field ipam of type object"
    );
    assert_eq!(
        e(r#"{"type":"x","ipam":{"type":1}}"#),
        "error parsing configuration: cannot unmarshal number into field ipam.type of type string"
    );
    assert_eq!(
        e(r#"{"type":"x","dns":{"nameservers":"1.1.1.1"}}"#),
        "error parsing configuration: cannot unmarshal string into field dns.nameservers of type array of strings"
    );
    assert_eq!(
        e(r#"{"type":"x","dns":{"search":["a",2]}}"#),
        "error parsing configuration: cannot unmarshal number into field dns.search[1] of type string"
    );
    assert_eq!(
        e(r#"{"type":"x","prevResult":[]}"#),
        "error parsing configuration: cannot unmarshal array into field prevResult of type object"
    );
    assert_eq!(
        e(r#"{"type":"x","cni.dev/valid-attachments":[{"containerID":1}]}"#),
        "error parsing configuration: cannot unmarshal number into field cni.dev/valid-attachments[0].containerID of type string"
    );
    assert_eq!(
        e(r#"{"type":true}"#),
        "error parsing configuration: cannot unmarshal bool into field type of type string"
    );
    assert_eq!(
        e(r#"{"name":"x","cniVersion":1.0,"type":"x"}"#),
        "error parsing configuration: cannot unmarshal number into field cniVersion of type string"
    );
    assert_eq!(
        e("[]"),
        "error parsing configuration: cannot unmarshal array into a plugin configuration object"
    );
    assert_eq!(
        e(""),
        "line 1 column 1: error parsing configuration: EOF while parsing a value"
    );
    // Case-sensitive keys, unlike Go.
    assert_eq!(
        e(r#"{"Type":"x"}"#),
        "error parsing configuration: missing 'type'"
    );
    // A conflist given where a plugin object is expected gets a hint.
    assert_eq!(
        e(r#"{"name":"x","plugins":[{"type":"a"}]}"#),
        "error parsing configuration: missing 'type' (the object has a 'plugins' key: a configuration list needs the .conflist extension)"
    );
    // null counts as absent, as in Go.
    let p = plugin_from_bytes(br#"{"type":"x","name":null,"capabilities":{"a":null,"b":true},"ipam":null,"dns":null,"prevResult":null}"#).unwrap();
    assert_eq!(
        (p.name, p.capabilities, p.ipam_type),
        (None, vec!["b".to_string()], None)
    );
}

#[test]
fn syntax_errors_carry_line_and_column() {
    let d = tempdir();
    let f = write(
        d.path(),
        "10-x.conflist",
        "{\n  \"name\": \"x\",\n  \"plugins\": [\n    {\"type\": \"a\",}\n  ]\n}\n",
    );
    let e = list_from_file(&f).unwrap_err();
    assert_eq!(e.position(), Some((4, 18)));
    assert_eq!(e.path(), Some(f.as_path()));
    assert_eq!(
        e.to_string(),
        format!(
            "{}:4:18: error parsing configuration list: trailing comma",
            f.display()
        )
    );
    let f = write(d.path(), "10-x.conf", "{\"name\": \"x\", \"type\": \"a\"\n");
    assert_eq!(
        conf_from_file(&f).unwrap_err().to_string(),
        format!(
            "{}:2:1: error parsing configuration: EOF while parsing an object",
            f.display()
        )
    );
    // Bytes get a file name attached by the caller.
    let e = list_from_bytes(b"{\"name\" 1}")
        .unwrap_err()
        .in_file("<stdin>");
    assert_eq!(
        e.to_string(),
        "<stdin>:1:9: error parsing configuration list: expected `:`"
    );
}
