use super::*;
use serde_json::json;

fn compact(v: &Value) -> String {
    serde_json::to_string(v).unwrap()
}

fn parse(s: &str) -> CniResult {
    CniResult::from_slice(s.as_bytes()).unwrap()
}

const FULL_110: &str = r#"{
    "cniVersion": "1.1.0",
    "interfaces": [
        {"name": "cni0", "mac": "00:11:22:33:44:55"},
        {"name": "eth0", "mac": "00:11:22:33:44:66", "mtu": 1400, "sandbox": "/var/run/netns/x",
         "socketPath": "/run/vhost.sock", "pciID": "0000:00:1f.6"}
    ],
    "ips": [
        {"interface": 1, "address": "10.1.2.3/24", "gateway": "10.1.2.1"},
        {"interface": 1, "address": "10.1.2.4/24"},
        {"interface": 1, "address": "fd00::3/64", "gateway": "fd00::1"},
        {"address": "::ffff:192.168.0.5/120"}
    ],
    "routes": [
        {"dst": "0.0.0.0/0", "gw": "10.1.2.1", "mtu": 1300, "table": 0, "scope": 253},
        {"dst": "::/0", "gw": "fd00::1", "priority": 5},
        {"dst": "192.168.0.0/16"}
    ],
    "dns": {"nameservers": ["10.1.2.1"], "domain": "example.com", "search": ["a.example.com"], "options": ["ndots:2"]}
}"#;

#[test]
fn versions_pick_the_result_type() {
    assert!(
        matches!(parse(r#"{"ip4":{"ip":"1.2.3.4/24"}}"#), CniResult::V020(ref r) if r.cni_version == "0.1.0")
    );
    assert!(matches!(
        parse(r#"{"cniVersion":"","ip4":{"ip":"1.2.3.4/24"}}"#),
        CniResult::V020(_)
    ));
    assert!(matches!(
        parse(r#"{"cniVersion":"0.2.0"}"#),
        CniResult::V020(_)
    ));
    for v in ["0.3.0", "0.3.1", "0.4.0"] {
        let r = parse(&format!(r#"{{"cniVersion":"{v}"}}"#));
        assert!(matches!(r, CniResult::V040(_)));
        assert_eq!(r.version(), v);
    }
    for v in ["1.0.0", "1.1.0"] {
        assert!(matches!(
            parse(&format!(r#"{{"cniVersion":"{v}"}}"#)),
            CniResult::V100(_)
        ));
    }
    assert!(
        matches!(CniResult::from_value(&Value::Null).unwrap(), CniResult::V020(ref r) if r.cni_version == "0.1.0")
    );
}

#[test]
fn unknown_versions_and_bad_json_are_refused() {
    let e = CniResult::from_value(&json!({"cniVersion": "0.4567.0"})).unwrap_err();
    assert_eq!(
        e.to_string(),
        r#"unsupported CNI result version "0.4567.0""#
    );
    let e = CniResult::from_value(&json!({"cniVersion": "1.2.3"})).unwrap_err();
    assert_eq!(e.to_string(), r#"unsupported CNI result version "1.2.3""#);
    // digest case 51: a garbage cache file
    let e = CniResult::from_slice(b"adfadsfasdfasfdsafaf").unwrap_err();
    assert_eq!(
        e.to_string(),
        "decoding version from network config: invalid character 'a' looking for beginning of value"
    );
    let e = CniResult::from_value(&json!({"cniVersion": 1})).unwrap_err();
    assert!(matches!(e, ResultError::Decode(_)), "{e}");
    let e = CniResult::from_value(&json!([1])).unwrap_err();
    assert!(matches!(e, ResultError::Decode(_)), "{e}");
}

#[test]
fn prev_result_of_another_version_family() {
    // digest case 67
    let e = CniResult::from_value_as("1.1.0", &json!({"cniVersion": "5678.456"})).unwrap_err();
    assert_eq!(
        e.to_string(),
        r#"result type supports [1.0.0 1.1.0] but unmarshalled CNIVersion is "5678.456""#
    );
    let e = CniResult::from_value_as("0.4.0", &json!({})).unwrap_err();
    assert_eq!(
        e.to_string(),
        r#"result type supports [0.3.0 0.3.1 0.4.0] but unmarshalled CNIVersion is """#
    );
    let r = CniResult::from_value_as("1.0.0", &json!({"cniVersion": "1.1.0"})).unwrap();
    assert_eq!(r.version(), "1.1.0");
    let e = CniResult::from_value_as("7.0.0", &json!({})).unwrap_err();
    assert_eq!(e.to_string(), r#"unsupported CNI result version "7.0.0""#);
}

#[test]
fn garbage_addresses_are_refused() {
    let bad = [
        (
            r#"{"cniVersion":"1.0.0","ips":[{"address":"garbage"}]}"#,
            "ips[0].address: invalid CIDR address: garbage",
        ),
        (
            r#"{"cniVersion":"1.0.0","ips":[{"address":"10.1.2.3"}]}"#,
            "ips[0].address: invalid CIDR address: 10.1.2.3",
        ),
        (
            r#"{"cniVersion":"1.0.0","ips":[{"address":"10.1.2.3/33"}]}"#,
            "ips[0].address: invalid CIDR address: 10.1.2.3/33",
        ),
        (
            r#"{"cniVersion":"1.0.0","ips":[{"address":"fd00::1/129"}]}"#,
            "ips[0].address: invalid CIDR address: fd00::1/129",
        ),
        (
            r#"{"cniVersion":"1.0.0","ips":[{"address":"10.1.2.3/024"}]}"#,
            "ips[0].address: invalid CIDR address: 10.1.2.3/024",
        ),
        (
            r#"{"cniVersion":"1.0.0","ips":[{"address":"10.1.2.3/24","gateway":"x"}]}"#,
            "ips[0].gateway: invalid IP address: x",
        ),
        (
            r#"{"cniVersion":"1.0.0","ips":[{"gateway":"10.1.2.1"}]}"#,
            "ips[0].address: missing",
        ),
        (
            r#"{"cniVersion":"1.0.0","ips":[{"address":5}]}"#,
            "ips[0].address: expected a string, got number",
        ),
        (
            r#"{"cniVersion":"1.0.0","ips":[null]}"#,
            "ips[0]: expected an object, got null",
        ),
        (
            r#"{"cniVersion":"1.0.0","ips":{}}"#,
            "ips: expected an array, got object",
        ),
        (
            r#"{"cniVersion":"1.0.0","routes":[{"dst":"0.0.0.0/0","gw":"1.2.3"}]}"#,
            "routes[0].gw: invalid IP address: 1.2.3",
        ),
        (
            r#"{"cniVersion":"1.0.0","routes":[{"dst":"0.0.0.0/0","mtu":1.5}]}"#,
            "routes[0].mtu: expected an integer, got 1.5",
        ),
        (
            r#"{"cniVersion":"1.0.0","interfaces":[{"name":"eth0","mtu":"1500"}]}"#,
            "interfaces[0].mtu: expected an integer, got string",
        ),
        (
            r#"{"cniVersion":"0.4.0","ips":[{"version":"4","address":"1.2.3.4/24/1"}]}"#,
            "ips[0].address: invalid CIDR address: 1.2.3.4/24/1",
        ),
        (
            r#"{"cniVersion":"0.2.0","ip4":{"ip":"1.2.3.4/24","routes":[{"dst":"nope"}]}}"#,
            "ip4.routes[0].dst: invalid CIDR address: nope",
        ),
        (r#"{"cniVersion":"0.2.0","ip6":{}}"#, "ip6.ip: missing"),
        (
            r#"{"cniVersion":"0.2.0","dns":{"nameservers":[1]}}"#,
            "dns.nameservers[0]: expected a string, got number",
        ),
    ];
    for (input, msg) in bad {
        let e = CniResult::from_slice(input.as_bytes()).unwrap_err();
        match &e {
            ResultError::Shape { msg: m, .. } => assert_eq!(m, msg, "{input}"),
            other => panic!("{input}: unexpected error {other}"),
        }
    }
    let e =
        CniResult::from_slice(br#"{"cniVersion":"1.0.0","ips":[{"address":"x"}]}"#).unwrap_err();
    assert_eq!(
        e.to_string(),
        "failed to parse 1.0.0 result: ips[0].address: invalid CIDR address: x"
    );
}

#[test]
fn go_tolerance_nulls_unknown_keys_and_minus_one() {
    let r = parse(
        r#"{"cniVersion":"1.0.0","extra":{"x":1},"interfaces":null,"dns":null,
            "ips":[{"interface":-1,"address":"10.0.0.2/8","gateway":"","version":"4"}],
            "routes":[{"dst":"10.0.0.0/8","gw":null,"table":null}]}"#,
    );
    let CniResult::V100(r100) = &r else {
        panic!("not 1.x")
    };
    assert_eq!(r100.ips[0].interface, Some(-1));
    assert_eq!(r100.ips[0].gateway, None);
    assert_eq!(
        r100.routes[0],
        Route {
            dst: "10.0.0.0/8".into(),
            ..Default::default()
        }
    );
    assert_eq!(
        compact(&r.to_value()),
        r#"{"cniVersion":"1.0.0","ips":[{"address":"10.0.0.2/8","interface":-1}],"routes":[{"dst":"10.0.0.0/8"}]}"#
    );
}

#[test]
fn round_trip_020() {
    let input = r#"{"cniVersion":"0.2.0","ip4":{"ip":"10.1.2.3/24","gateway":"10.1.2.1","routes":[{"dst":"0.0.0.0/0","gw":"10.1.2.1","mtu":1400}]},"ip6":{"ip":"fd00::3/64"},"dns":{"nameservers":["1.1.1.1"]}}"#;
    let r = parse(input);
    assert_eq!(compact(&r.to_value()), input);
    let r = parse(r#"{"ip4":{"ip":"10.1.2.3/24"}}"#);
    assert_eq!(
        compact(&r.to_value()),
        r#"{"cniVersion":"0.1.0","ip4":{"ip":"10.1.2.3/24"},"dns":{}}"#
    );
}

#[test]
fn round_trip_040() {
    let input = r#"{"cniVersion":"0.4.0","interfaces":[{"name":"eth0","mac":"00:11:22:33:44:55","sandbox":"/var/run/netns/x"},{"name":""}],"ips":[{"version":"4","interface":0,"address":"10.1.2.3/24","gateway":"10.1.2.1"},{"version":"6","address":"fd00::3/64"}],"routes":[{"dst":"0.0.0.0/0","gw":"10.1.2.1","advmss":1000,"priority":3,"table":0,"scope":0}],"dns":{"nameservers":["10.1.2.1"],"domain":"d","search":["s"],"options":["o"]}}"#;
    let r = parse(input);
    assert_eq!(compact(&r.to_value()), input);
    assert_eq!(CniResult::from_value(&r.to_value()).unwrap(), r);
}

#[test]
fn round_trip_100() {
    let r = parse(FULL_110);
    let v = r.to_value();
    assert_eq!(
        compact(&v),
        concat!(
            r#"{"cniVersion":"1.1.0","#,
            r#""dns":{"domain":"example.com","nameservers":["10.1.2.1"],"options":["ndots:2"],"search":["a.example.com"]},"#,
            r#""interfaces":[{"mac":"00:11:22:33:44:55","name":"cni0"},"#,
            r#"{"mac":"00:11:22:33:44:66","mtu":1400,"name":"eth0","pciID":"0000:00:1f.6","sandbox":"/var/run/netns/x","socketPath":"/run/vhost.sock"}],"#,
            r#""ips":[{"address":"10.1.2.3/24","gateway":"10.1.2.1","interface":1},{"address":"10.1.2.4/24","interface":1},"#,
            r#"{"address":"fd00::3/64","gateway":"fd00::1","interface":1},{"address":"::ffff:192.168.0.5/120"}],"#,
            r#""routes":[{"dst":"0.0.0.0/0","gw":"10.1.2.1","mtu":1300,"scope":253,"table":0},"#,
            r#"{"dst":"::/0","gw":"fd00::1","priority":5},{"dst":"192.168.0.0/16"}]}"#
        )
    );
    assert_eq!(CniResult::from_value(&v).unwrap(), r);
}

#[test]
fn encoding_dns_and_host_bits() {
    // digest case 68
    let r = parse(r#"{"cniVersion":"1.0.0","ips":[{"address":"10.1.2.3/24"}],"dns":{}}"#);
    assert_eq!(
        compact(&r.to_value()),
        r#"{"cniVersion":"1.0.0","ips":[{"address":"10.1.2.3/24"}]}"#
    );
    let r = parse(r#"{"cniVersion":"0.4.0","ips":[{"version":"4","address":"10.1.2.3/24"}]}"#);
    assert_eq!(
        compact(&r.to_value()),
        r#"{"cniVersion":"0.4.0","ips":[{"version":"4","address":"10.1.2.3/24"}],"dns":{}}"#
    );
    let r = CniResult::V040(Result040 {
        cni_version: "0.4.0".into(),
        ips: vec![IpConfig040 {
            address: "10.1.2.3/24".into(),
            ..Default::default()
        }],
        ..Default::default()
    });
    assert_eq!(
        compact(&r.to_value()),
        r#"{"cniVersion":"0.4.0","ips":[{"version":"","address":"10.1.2.3/24"}],"dns":{}}"#
    );
}

#[test]
fn full_110_down_to_010() {
    // digest case 64
    let r = parse(FULL_110).convert_to("0.1.0").unwrap();
    assert_eq!(
        compact(&r.to_value()),
        concat!(
            r#"{"cniVersion":"0.1.0","#,
            r#""ip4":{"ip":"10.1.2.3/24","gateway":"10.1.2.1","routes":[{"dst":"0.0.0.0/0","gw":"10.1.2.1"},{"dst":"192.168.0.0/16"}]},"#,
            r#""ip6":{"ip":"fd00::3/64","gateway":"fd00::1","routes":[{"dst":"::/0","gw":"fd00::1"}]},"#,
            r#""dns":{"nameservers":["10.1.2.1"],"domain":"example.com","search":["a.example.com"],"options":["ndots:2"]}}"#
        )
    );
    // "" means 0.1.0
    assert_eq!(parse(FULL_110).convert_to("").unwrap(), r);
}

#[test]
fn routes_of_a_missing_family_are_dropped() {
    let r = parse(
        r#"{"cniVersion":"0.3.1","ips":[{"version":"6","address":"fd00::3/64"},{"version":"5","address":"1.2.3.4/8"}],"routes":[{"dst":"0.0.0.0/0"},{"dst":"::/0"}]}"#,
    );
    let CniResult::V020(r) = r.convert_to("0.2.0").unwrap() else {
        panic!("not 0.2")
    };
    assert!(r.ip4.is_none());
    let ip6 = r.ip6.unwrap();
    assert_eq!(ip6.routes.len(), 1);
    assert_eq!(ip6.routes[0].dst, "::/0");
}

#[test]
fn no_ip_no_020() {
    // digest case 65
    let r = parse(r#"{"cniVersion":"0.4.0","interfaces":[{"name":"eth0"}]}"#);
    assert_eq!(
        r.convert_to("0.2.0").unwrap_err().to_string(),
        "cannot convert: no valid IP addresses"
    );
    let r = parse(r#"{"cniVersion":"1.0.0"}"#);
    assert_eq!(r.convert_to("0.1.0").unwrap_err(), ResultError::NoValidIp);
}

#[test]
fn full_110_to_040_and_back_to_100() {
    // digest case 66
    let r = parse(FULL_110);
    let down = r.convert_to("0.4.0").unwrap();
    let CniResult::V040(r040) = &down else {
        panic!("not 0.4")
    };
    let versions: Vec<&str> = r040.ips.iter().map(|i| i.version.as_str()).collect();
    assert_eq!(versions, ["4", "4", "6", "4"], "IPv4-mapped counts as 4");
    assert_eq!(
        r040.interfaces[1],
        Interface040 {
            name: "eth0".into(),
            mac: "00:11:22:33:44:66".into(),
            sandbox: "/var/run/netns/x".into()
        }
    );
    assert_eq!(r040.routes[0].mtu, 1300, "routes are kept in full");
    let v = down.to_value();
    assert!(compact(&v).starts_with(
        r#"{"cniVersion":"0.4.0","interfaces":[{"name":"cni0","mac":"00:11:22:33:44:55"}"#
    ));

    let via = r.convert_to("1.0.0").unwrap();
    assert_eq!(via.version(), "1.0.0");
    assert_eq!(via.convert_to("1.1.0").unwrap(), r);

    let up = down.convert_to("1.1.0").unwrap();
    let CniResult::V100(up) = up else {
        panic!("not 1.x")
    };
    assert_eq!(up.interfaces[1].mtu, 0);
    assert_eq!(up.ips.len(), 4);
}

#[test]
fn up_from_020() {
    let r = parse(
        r#"{"cniVersion":"0.2.0","ip4":{"ip":"10.1.2.3/24","routes":[{"dst":"10.0.0.0/8","mtu":9000}]},"ip6":{"ip":"fd00::3/64","gateway":"fd00::1","routes":[{"dst":"::/0"}]},"dns":{"domain":"d"}}"#,
    );
    let up = r.convert_to("1.1.0").unwrap();
    assert_eq!(
        compact(&up.to_value()),
        r#"{"cniVersion":"1.1.0","dns":{"domain":"d"},"ips":[{"address":"10.1.2.3/24"},{"address":"fd00::3/64","gateway":"fd00::1"}],"routes":[{"dst":"10.0.0.0/8","mtu":9000},{"dst":"::/0"}]}"#
    );
    let CniResult::V040(mid) = r.convert_to("0.3.0").unwrap() else {
        panic!("not 0.3")
    };
    assert_eq!(mid.ips[0].version, "4");
    assert_eq!(mid.ips[1].version, "6");
    assert!(mid.interfaces.is_empty());
}

#[test]
fn every_known_pair_converts() {
    let r = parse(FULL_110);
    for from in crate::KNOWN_VERSIONS {
        let start = r.convert_to(from).unwrap();
        assert_eq!(start.version(), *from);
        for to in crate::KNOWN_VERSIONS {
            let got = start
                .convert_to(to)
                .unwrap_or_else(|e| panic!("{from} -> {to}: {e}"));
            assert_eq!(got.version(), *to);
        }
    }
    let e = parse(r#"{"cniVersion":"0.4.0"}"#)
        .convert_to("0.5.0")
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "no converter for CNI result version 0.4.0 to 0.5.0"
    );
}

#[test]
fn empty_own_version_takes_the_highest_of_its_type() {
    let r = CniResult::V040(Result040 {
        ips: vec![IpConfig040 {
            version: "4".into(),
            address: "1.2.3.4/8".into(),
            ..Default::default()
        }],
        ..Default::default()
    });
    assert_eq!(r.convert_to("0.4.0").unwrap().version(), "0.4.0");
    assert_eq!(r.convert_to("0.2.0").unwrap().version(), "0.2.0");
    let r = CniResult::V100(Result100::default());
    assert_eq!(r.convert_to("1.1.0").unwrap().version(), "1.1.0");
    // a version that does not belong to the type has no converter (and does not panic)
    let r = CniResult::V020(Result020 {
        cni_version: "1.0.0".into(),
        ..Default::default()
    });
    assert!(matches!(
        r.convert_to("0.4.0"),
        Err(ResultError::NoConverter { .. })
    ));
}

#[test]
fn plugin_result_takes_the_config_version() {
    // digest case 30
    let (v, r) = parse_plugin_result(
        br#"{"ips":[{"version":"4","address":"1.2.3.4/24"}]}"#,
        "0.3.1",
    )
    .unwrap();
    assert_eq!(r.version(), "0.3.1");
    assert_eq!(
        compact(&v),
        r#"{"cniVersion":"0.3.1","ips":[{"version":"4","address":"1.2.3.4/24"}]}"#
    );

    let (v, r) = parse_plugin_result(br#"{"ip4":{"ip":"1.2.3.4/24"}}"#, "").unwrap();
    assert_eq!(r.version(), "0.1.0");
    assert_eq!(v["cniVersion"], "0.1.0");

    let (v, r) = parse_plugin_result(
        br#"{"unknown":18446744073709551616,"cniVersion":"","ips":[]}"#,
        "1.0.0",
    )
    .unwrap();
    assert_eq!(r.version(), "1.0.0");
    assert_eq!(
        compact(&v),
        r#"{"unknown":18446744073709551616,"cniVersion":"1.0.0","ips":[]}"#
    );

    let (v, _) = parse_plugin_result(br#"{"cniVersion":7}"#, "1.1.0").unwrap();
    assert_eq!(compact(&v), r#"{"cniVersion":"1.1.0"}"#);

    // an explicit version wins over the config's
    let (v, r) = parse_plugin_result(br#"{"cniVersion":"0.4.0"}"#, "1.1.0").unwrap();
    assert_eq!(
        (r.version(), compact(&v).as_str()),
        ("0.4.0", r#"{"cniVersion":"0.4.0"}"#)
    );
}

#[test]
fn plugin_result_odd_outputs() {
    let (v, r) = parse_plugin_result(b"null", "1.1.0").unwrap();
    assert_eq!(compact(&v), r#"{"cniVersion":"1.1.0"}"#);
    assert_eq!(
        r,
        CniResult::V100(Result100 {
            cni_version: "1.1.0".into(),
            ..Default::default()
        })
    );

    for empty in [&b""[..], b"  \n", b"{\"ips\":"] {
        let e = parse_plugin_result(empty, "1.1.0").unwrap_err();
        assert_eq!(
            e.to_string(),
            "failed to unmarshal raw result: unexpected end of JSON input"
        );
    }
    let e = parse_plugin_result(b"[1]", "1.1.0").unwrap_err();
    assert_eq!(
        e.to_string(),
        "failed to unmarshal raw result: expected a JSON object, got array"
    );
    let e = parse_plugin_result(b"{}", "2.0.0").unwrap_err();
    assert_eq!(e.to_string(), r#"unsupported CNI result version "2.0.0""#);
    let e = parse_plugin_result(br#"{"cniVersion":"0.9.0"}"#, "1.1.0").unwrap_err();
    assert_eq!(e.to_string(), r#"unsupported CNI result version "0.9.0""#);
}

#[test]
fn pretty_print_like_go() {
    let r = parse(r#"{"cniVersion":"1.0.0","ips":[{"address":"10.1.2.3/24"}]}"#);
    assert_eq!(
        r.to_pretty_string(),
        "{\n    \"cniVersion\": \"1.0.0\",\n    \"ips\": [\n        {\n            \"address\": \"10.1.2.3/24\"\n        }\n    ]\n}"
    );
}

#[test]
fn json_error_texts() {
    let err = |s: &[u8]| {
        let e = serde_json::from_slice::<Value>(s).unwrap_err();
        describe_json_error(s, &e)
    };
    assert_eq!(err(b""), "unexpected end of JSON input");
    assert_eq!(err(b"{"), "unexpected end of JSON input");
    assert_eq!(
        err(b" 'x'"),
        "invalid character '\\'' looking for beginning of value"
    );
    assert_eq!(
        err(b"\x01"),
        "invalid character '\\x01' looking for beginning of value"
    );
    assert!(err(b"{} x").contains("trailing characters"));
}

#[test]
fn cidr_parsing() {
    use super::parse::{cidr_is_v4, parse_cidr};
    assert!(parse_cidr("0.0.0.0/0").is_some());
    assert!(parse_cidr("::/0").is_some());
    assert!(parse_cidr("01.2.3.4/8").is_none());
    assert!(parse_cidr("1.2.3.4/+8").is_none());
    assert!(parse_cidr("1.2.3.4/").is_none());
    assert!(parse_cidr("fe80::1%eth0/64").is_none());
    assert!(cidr_is_v4("::ffff:10.0.0.1/120"));
    assert!(!cidr_is_v4("::10.0.0.1/120"));
    assert!(!cidr_is_v4("garbage"));
}

#[test]
fn addresses_of_every_result_shape() {
    assert_eq!(
        addresses(
            &json!({"cniVersion": "1.0.0", "ips": [{"address": "10.0.0.2/24"}, {"address": 5}, {"gateway": "x"}, {"address": "fd00::2/64"}]})
        ),
        ["10.0.0.2/24", "fd00::2/64"]
    );
    assert_eq!(
        addresses(
            &json!({"cniVersion": "0.2.0", "ip4": {"ip": "10.0.0.3/24"}, "ip6": {"ip": "fd00::3/64"}})
        ),
        ["10.0.0.3/24", "fd00::3/64"]
    );
    assert!(addresses(&json!({})).is_empty());
    assert!(addresses(&json!({"ips": "nonsense"})).is_empty());
    assert!(addresses(&json!("not an object")).is_empty());
}
