//! The span parser against serde_json: same verdict on every input, same value on accepted
//! ones, and spans that point at the right bytes.

use super::*;

fn serde_ok(bytes: &[u8]) -> Option<serde_json::Value> {
    serde_json::from_slice::<serde_json::Value>(bytes).ok()
}

/// Asserts that both parsers agree on `bytes`.
fn agree(bytes: &[u8]) {
    let ours = parse(bytes);
    let theirs = serde_ok(bytes);
    match (&ours, &theirs) {
        (Ok(node), Some(v)) => assert_eq!(
            &node.to_serde(),
            v,
            "different values for {:?}",
            String::from_utf8_lossy(bytes)
        ),
        (Err(_), None) => {}
        _ => panic!(
            "verdicts differ for {:?}: ours {:?}, serde_json {}",
            String::from_utf8_lossy(bytes),
            ours.as_ref().map(|_| "accepted").map_err(|e| &e.message),
            if theirs.is_some() {
                "accepted"
            } else {
                "rejected"
            }
        ),
    }
}

const CASES: &[&str] = &[
    "",
    " ",
    "{",
    "}",
    "{}",
    "[]",
    "[",
    "]",
    "{\"a\":1,}",
    "[1,]",
    "[,1]",
    "{,}",
    "{\"a\" 1}",
    "{\"a\":}",
    "{a:1}",
    "{'a':1}",
    "{\"a\":1 \"b\":2}",
    "{\"a\":1}{}",
    "{\"a\":1} x",
    "{\"a\":1}\n\t\r ",
    "\u{feff}{}",
    "01",
    "-01",
    "-0",
    "-",
    "1.",
    ".5",
    "1.5e",
    "1e+",
    "1E-5",
    "1e400",
    "-1e400",
    "1e99999999999999999999999",
    "18446744073709551616",
    "-9223372036854775809",
    "+1",
    "0x10",
    "1.0e+2",
    "Infinity",
    "NaN",
    "nul",
    "nulll",
    "true",
    "True",
    "fals",
    "\"a\"",
    "\"a",
    "\"\\x\"",
    "\"\\u00e9\"",
    "\"\\u00E9\\n\\t\\\\\\/\\\"\\b\\f\\r\"",
    "\"\\u12\"",
    "\"\\u12G4\"",
    "\"\\ud83d\\ude00\"",
    "\"\\ud83d\"",
    "\"\\ud83dx\"",
    "\"\\ud83d\\n\"",
    "\"\\ud83d\\u0041\"",
    "\"\\ude00\"",
    "\"\\ude00\\ud83d\"",
    "\"tab\there\"",
    "\"nl\nhere\"",
    "\"\u{7f}\"",
    "\"é ünïcødé 😀\"",
    "{\"a\":{\"b\":[1,2,{\"c\":null}]}}",
    "{\"a\":1,\"a\":2}",
    "{\"\":0}",
    "[true,false,null]",
    "[1 2]",
    "{\"a\":[}",
    "{\"a\":1]",
    "[1}",
];

#[test]
fn same_verdict_and_value_as_serde_json() {
    for c in CASES {
        agree(c.as_bytes());
    }
    // Invalid UTF-8 inside and outside strings.
    for bytes in [
        &b"\"\xff\""[..],
        b"\"\xc3\"",
        b"\"\xc3\xa9\"",
        b"\xef\xbb\xbf{}",
        b"{\"a\":\"\xed\xa0\x80\"}",
        b"[\xff]",
    ] {
        agree(bytes);
    }
}

#[test]
fn nesting_limit_matches_serde_json() {
    for depth in [1, 126, 127, 128, 129, 1000] {
        let arrays = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        agree(arrays.as_bytes());
        let objects = format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth));
        agree(objects.as_bytes());
    }
    let ok = format!("{}{}", "[".repeat(127), "]".repeat(127));
    assert!(parse(ok.as_bytes()).is_ok());
    let too_deep = format!("{}{}", "[".repeat(128), "]".repeat(128));
    assert!(parse(too_deep.as_bytes()).is_err());
}

/// A small deterministic generator (xorshift), so the mutation test needs no extra crate.
#[test]
fn mutations_of_real_configs_get_the_same_verdict() {
    let seeds: Vec<&[u8]> = vec![
        br#"{"cniVersion":"1.0.0","name":"mynet","plugins":[{"type":"bridge","bridge":"cni0","isGateway":true,"ipam":{"type":"host-local","ranges":[[{"subnet":"10.1.0.0/16","gateway":"10.1.0.1"}]],"routes":[{"dst":"0.0.0.0/0"}]}},{"type":"portmap","capabilities":{"portMappings":true}},{"type":"tuning","mtu":1400,"x":[1.5e3,-0,null,false,"\u00e9\ud83d\ude00"]}]}"#,
        b"{\n  \"name\": \"n\",\n  \"type\": \"ptp\",\n  \"mtu\": 1e400,\n  \"list\": [ [], {}, \"\\\\\" ]\n}\n",
    ];
    // Bytes a mutation may insert: structure, string escapes, digits, and non-ASCII.
    let alphabet: &[u8] = b"{}[]:,\"\\ \n\t0123456789-+.eEtrufalsn/xu\x7f\xc3\xa9\xff";
    let mut rng = crate::test_rng::Rng(0x9e37_79b9_7f4a_7c15);
    let mut accepted = 0;
    for seed in &seeds {
        for _ in 0..20_000 {
            let m = rng.mutate(seed, alphabet, 3);
            agree(&m);
            if serde_ok(&m).is_some() {
                accepted += 1;
            }
        }
    }
    // Both verdicts were exercised.
    assert!(accepted > 1_000 && accepted < 39_000, "accepted {accepted}");
}

#[test]
fn spans_point_at_keys_and_values() {
    let text = "{\n  \"name\": \"x\",\n  \"plugins\": [\n    {\"type\": \"bridge\"}\n  ]\n}";
    let root = parse(text.as_bytes()).unwrap();
    let idx = LineIndex::new(text.as_bytes());
    let name = root.get("name").unwrap();
    assert_eq!(idx.position(name.key_start), (2, 3));
    assert_eq!(idx.position(name.value.start), (2, 11));
    let plugin = &root.get("plugins").unwrap().value.items().unwrap()[0];
    assert_eq!(idx.position(plugin.start), (4, 5));
    let ty = plugin.get("type").unwrap();
    assert_eq!(idx.position(ty.key_start), (4, 6));
    assert_eq!(idx.position(ty.value.start), (4, 14));
}

#[test]
fn columns_count_characters_and_duplicates_are_kept() {
    let text = "{\"é\": 1, \"k\": 2, \"k\": 3}";
    let root = parse(text.as_bytes()).unwrap();
    let idx = LineIndex::new(text.as_bytes());
    let members = root.members().unwrap();
    assert_eq!(members.len(), 3);
    assert_eq!(idx.position(members[1].key_start), (1, 10));
    assert_eq!(root.get("k").unwrap().value.value, Json::Number("3".into()));
    assert_eq!(root.to_serde(), serde_json::json!({"é": 1, "k": 3}));
}

#[test]
fn numbers_keep_their_text() {
    let root = parse(b"[1e400, -0.50, 18446744073709551616]").unwrap();
    let texts: Vec<String> = root
        .items()
        .unwrap()
        .iter()
        .map(|n| match &n.value {
            Json::Number(t) => t.clone(),
            _ => unreachable!(),
        })
        .collect();
    assert_eq!(texts, ["1e400", "-0.50", "18446744073709551616"]);
}

#[test]
fn syntax_errors_carry_serde_messages_and_positions() {
    let text = b"{\n  \"name\": \"x\",\n}";
    let e = parse(text).unwrap_err();
    assert_eq!(e.message, "trailing comma");
    assert_eq!(LineIndex::new(text).position(e.offset), (3, 1));
    let e = parse(b"{\n").unwrap_err();
    assert_eq!(e.message, "EOF while parsing an object");
    assert_eq!(LineIndex::new(b"{\n").position(e.offset), (2, 1));
    let text = "{\"é\": x}".as_bytes();
    let e = parse(text).unwrap_err();
    assert_eq!(e.message, "expected value");
    // serde_json says byte column 8; that is character column 7.
    assert_eq!(LineIndex::new(text).position(e.offset), (1, 7));
}

/// Found by fuzzing (json_reader): serde_json, with cnictl's `arbitrary_precision` and
/// `raw_value` features, reads an object whose first key is one of its private tokens as a
/// number or as the JSON its string holds, or rejects it; the reader said "object".
#[test]
fn serde_private_keys_read_as_serde_json_reads_them() {
    for case in [
        r#"{"$serde_json::private::Number":-0}"#,
        r#"{"$serde_json::private::Number":"12"}"#,
        r#"{"$serde_json::private::Number":"x"}"#,
        r#"{"$serde_json::private::Number":"1","a":2}"#,
        r#"{"$serde_json::private::RawValue":"[1,{\"k\":true}]"}"#,
        r#"{"$serde_json::private::RawValue":"[1,"}"#,
        r#"[{"a":{"$serde_json::private::Number":"1.50"}}]"#,
        r#"{"a":1,"$serde_json::private::Number":"1"}"#,
        r#"{"$serde_json::private::number":"1"}"#,
    ] {
        agree(case.as_bytes());
    }
    let node = parse(br#" {"$serde_json::private::Number":"12"}"#).unwrap();
    assert_eq!(node.value, Json::Number("12".into()));
    assert_eq!(node.start, 1);
    assert!(parse(br#"{"$serde_json::private::Number":-0}"#).is_err());
}

#[test]
fn columns_of_long_lines_count_characters_across_index_blocks() {
    // Multi-byte characters straddle the index's block boundaries; every offset is checked
    // against a plain count from the line's start.
    let mut text = String::from("{\n");
    for i in 0..400 {
        text.push_str(if i % 3 == 0 { "é€😀" } else { "ab" });
    }
    text.push_str("\nx\u{e9}y\n");
    let bytes = text.as_bytes();
    let idx = LineIndex::new(bytes);
    for offset in 0..=bytes.len() + 3 {
        let clamped = offset.min(bytes.len());
        let start = bytes[..clamped]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let line = 1 + bytes[..clamped].iter().filter(|&&b| b == b'\n').count();
        let col = 1 + bytes[start..clamped]
            .iter()
            .filter(|&&b| (b & 0xC0) != 0x80)
            .count();
        assert_eq!(idx.position(offset), (line, col), "offset {offset}");
    }
}
