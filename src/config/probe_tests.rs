//! The probe vouches only for files the full load accepts, with the same name; and it does
//! vouch for ordinary files (or the lookup gains nothing).

use super::super::dir::FileKind::{self, List, Single};
use super::super::{conf_from_bytes, list_from_bytes};
use super::{probe, Probed};
use std::path::Path;

/// What the full load says of `bytes` as `kind`: the name and the no-subdirectory flag.
fn full(bytes: &[u8], kind: FileKind) -> Option<(String, bool)> {
    match kind {
        List => list_from_bytes(bytes)
            .ok()
            .map(|l| (l.name, l.load_only_inlined_plugins)),
        Single => conf_from_bytes(bytes).ok().map(|l| (l.name, true)),
    }
}

/// The probe's promise for one input: when it vouches, the full load agrees.
fn sound(bytes: &[u8], kind: FileKind) -> bool {
    let Some(p) = probe(bytes, kind) else {
        return false;
    };
    let got = (p.name.to_string(), p.inline_only);
    assert_eq!(
        full(bytes, kind).as_ref(),
        Some(&got),
        "the probe vouches for {kind:?} {:?} but the full load disagrees",
        String::from_utf8_lossy(bytes)
    );
    true
}

const BRIDGE: &str = r#"{
  "cniVersion": "1.0.0",
  "name": "net00042",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "br00042",
      "isGateway": true,
      "ipMasq": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "/run/ipam",
        "ranges": [[{"subnet": "10.0.42.0/24", "gateway": "10.0.42.1"}]],
        "routes": [{"dst": "0.0.0.0/0"}]
      }
    },
    {"type": "portmap", "capabilities": {"portMappings": true}},
    {"type": "tuning", "sysctl": {"net.core.somaxconn": "512"}}
  ]
}
"#;

#[test]
fn vouches_for_ordinary_files() {
    assert_eq!(
        probe(BRIDGE.as_bytes(), List),
        Some(Probed {
            name: "net00042",
            inline_only: false
        })
    );
    let single = r#"{"cniVersion":"0.4.0","name":"one","type":"ptp","dns":{"nameservers":["10.0.0.1",null],"domain":"x"},"ipam":null,"mtu":-1.5e-3,"é":"ü\n"}"#.as_bytes();
    assert_eq!(
        probe(single, Single),
        Some(Probed {
            name: "one",
            inline_only: true
        })
    );
    // A single-plugin file without a name defines the network "".
    assert_eq!(probe(br#"{"type":"x"}"#, Single).map(|p| p.name), Some(""));
    let inline = br#"{"name":"n","loadOnlyInlinedPlugins":true,"disableCheck":false,"plugins":[{"type":"x","cni.dev/valid-attachments":[{"containerID":"c","ifname":null},null],"prevResult":{}}]}"#;
    assert_eq!(
        probe(inline, List),
        Some(Probed {
            name: "n",
            inline_only: true
        })
    );
    for b in [BRIDGE.as_bytes(), single, inline] {
        assert!(sound(b, List) || sound(b, Single));
    }
}

#[test]
fn every_realworld_fixture_it_vouches_for_loads_the_same() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/realworld");
    let mut vouched = 0;
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let kind = match path.extension().and_then(|e| e.to_str()) {
            Some("conflist") => List,
            Some("conf" | "json") => Single,
            _ => continue,
        };
        files += 1;
        if sound(&std::fs::read(&path).unwrap(), kind) {
            vouched += 1;
        }
    }
    assert!(files >= 20, "{files} fixtures");
    // Real files are ordinary: the probe must know nearly all of them.
    assert!(
        vouched * 10 >= files * 8,
        "vouched for {vouched} of {files}"
    );
}

#[test]
fn leaves_what_it_does_not_know_to_the_full_load() {
    let list = |body: &str| format!(r#"{{"name":"n",{body}}}"#);
    let cases: Vec<(String, FileKind, &str)> = vec![
        (list(r#""plugins":[]"#), List, "no plugins"),
        (list(r#""plugins":{}"#), List, "plugins not a list"),
        (list(r#""plugins":[null]"#), List, "null plugin"),
        (list(r#""plugins":[{"type":""}]"#), List, "empty type"),
        (list(r#""plugins":[{"type":null}]"#), List, "null type"),
        (list(r#""plugins":[{"name":"x"}]"#), List, "no type"),
        (
            list(r#""plugins":[{"type":"a","type":"b"}]"#),
            List,
            "duplicate type",
        ),
        (
            list(r#""plugins":[{"type":"a","capabilities":{"x":1}}]"#),
            List,
            "capability not a bool",
        ),
        (
            list(r#""plugins":[{"type":"a","ipam":{"type":1}}]"#),
            List,
            "ipam type a number",
        ),
        (
            list(r#""plugins":[{"type":"a","ipam":{"type":"x","type":"y"}}]"#),
            List,
            "duplicate ipam type",
        ),
        (
            list(r#""plugins":[{"type":"a","dns":{"search":"x"}}]"#),
            List,
            "dns search a string",
        ),
        (
            list(r#""plugins":[{"type":"a","prevResult":[]}]"#),
            List,
            "prevResult a list",
        ),
        (
            list(r#""plugins":[{"type":"a","cni.dev/valid-attachments":[1]}]"#),
            List,
            "attachment a number",
        ),
        (
            list(r#""plugins":[{"type":"a"}],"name":"m""#),
            List,
            "duplicate name",
        ),
        (
            list(r#""plugins":[{"type":"a"}],"cniVersions":["1.0.0"]"#),
            List,
            "cniVersions",
        ),
        (
            list(r#""plugins":[{"type":"a"}],"disableCheck":"true""#),
            List,
            "string flag",
        ),
        (
            list(r#""plugins":[{"type":"a"}],"disableGC":null"#),
            List,
            "null flag",
        ),
        (
            list(r#""plugins":[{"type":"a"}],"cniVersion":1"#),
            List,
            "cniVersion a number",
        ),
        (
            list(r#""plugins":[{"type":"a"}],"n\u0061me":"x""#),
            List,
            "escaped key",
        ),
        (
            list(r#""plugins":[{"type":"a","x":{"$serde_json::private::Number":"1"}}]"#),
            List,
            "private key",
        ),
        (
            list(r#""plugins":[{"type":"a","x":"\ud800"}]"#),
            List,
            "lone surrogate",
        ),
        (
            list(r#""plugins":[{"type":"a","x":"	"}]"#),
            List,
            "raw tab in a string",
        ),
        (
            list(r#""plugins":[{"type":"a","x":01}]"#),
            List,
            "leading zero",
        ),
        (
            list(r#""plugins":[{"type":"a","x":1.}]"#),
            List,
            "no digits after the point",
        ),
        (list(r#""plugins":[{"type":"a",}]"#), List, "trailing comma"),
        (list(r#""plugins":[{"type":"a"}]}"#), List, "trailing brace"),
        (r#"{"plugins":[{"type":"a"}]}"#.into(), List, "no name"),
        (
            r#"{"name":"n\"x","plugins":[{"type":"a"}]}"#.into(),
            List,
            "escaped name",
        ),
        (r#"[{"name":"n"}]"#.into(), List, "not an object"),
        (
            r#"{"name":"n","plugins":[{"type":"a"}]"#.into(),
            List,
            "unterminated",
        ),
        (String::new(), List, "empty"),
        (r#"{"name":"n"}"#.into(), Single, "single without type"),
        (r#"null"#.into(), Single, "single null"),
        (
            r#"{"type":"a","name":5}"#.into(),
            Single,
            "single name a number",
        ),
    ];
    for (text, kind, why) in &cases {
        assert_eq!(probe(text.as_bytes(), *kind), None, "{why}: {text}");
    }
    // Bytes that are not UTF-8, inside a string: Go's reading, left to the full load.
    assert_eq!(
        probe(
            b"{\"name\":\"n\",\"plugins\":[{\"type\":\"a\",\"x\":\"\xff\"}]}",
            List
        ),
        None
    );
    // Nesting deeper than the probe goes.
    let deep = format!(
        r#"{{"name":"n","plugins":[{{"type":"a","x":{}1{}}}]}}"#,
        "[".repeat(100),
        "]".repeat(100)
    );
    assert_eq!(probe(deep.as_bytes(), List), None);
}

/// Random edits of good files: whatever the probe vouches for, the full load accepts with
/// the same name (the fuzz target `config_load` checks the same on any input).
#[test]
fn mutations_it_vouches_for_load_the_same() {
    let seeds: Vec<(&[u8], FileKind)> = vec![
        (BRIDGE.as_bytes(), List),
        (
            br#"{"name":"n","loadOnlyInlinedPlugins":true,"plugins":[{"type":"x","capabilities":{"a":true,"b":null},"dns":{"nameservers":["1"],"domain":null},"cni.dev/valid-attachments":[{"containerID":"c","ifname":"i"}],"prevResult":{"ips":[1e400]}}]}"#,
            List,
        ),
        (
            br#"{"cniVersion":"0.3.1","name":"s","type":"bridge","ipam":{"type":"host-local","subnet":"10.0.0.0/8"},"x":["\u00e9",-0.5E+2,true,false,null]}"#,
            Single,
        ),
    ];
    let alphabet: &[u8] = b"{}[]:,\"\\ \n0123456789-+.eEtrufalsn/ux\xc3\xa9\xff";
    let mut rng = crate::test_rng::Rng(0x2545_f491_4f6c_dd1d);
    let (mut vouched, mut tried) = (0, 0);
    for (seed, kind) in &seeds {
        for _ in 0..15_000 {
            let m = rng.mutate(seed, alphabet, 2);
            tried += 1;
            for k in [List, Single] {
                if sound(&m, k) && k == *kind {
                    vouched += 1;
                }
            }
        }
    }
    // Both answers were exercised.
    assert!(
        vouched > tried / 10 && vouched < tried * 9 / 10,
        "vouched for {vouched} of {tried}"
    );
}
