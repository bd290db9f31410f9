//! host-local range rules, case by case.

use super::*;
use crate::validate::json;

/// The rules found for an `ipam` object (and the subnets returned).
fn run(ipam: &str, version: &str, ip_ranges: bool) -> (Vec<&'static str>, Vec<String>) {
    let file = FileCtx::new("t", ipam.as_bytes());
    let node = json::parse(ipam.as_bytes()).unwrap();
    let selected = Selected {
        version: version.to_string(),
        at: 0,
        from_list: false,
        parsed: Version::parse(version).ok(),
    };
    let mut sink = Sink::default();
    let subnets = check(
        &file,
        &node,
        Some(&selected),
        ip_ranges,
        &Default::default(),
        &mut sink,
    );
    (
        sink.diagnostics.iter().map(|d| d.rule).collect(),
        subnets.iter().map(|s| s.cidr.network_string()).collect(),
    )
}

fn rules(ipam: &str) -> Vec<&'static str> {
    run(ipam, "1.0.0", false).0
}

#[test]
fn valid_ranges_give_their_subnets() {
    let (r, s) = run(
        r#"{"type": "host-local", "subnet": "10.0.0.0/24", "ranges": [[{"subnet": "10.1.0.0/24", "rangeStart": "10.1.0.10", "rangeEnd": "10.1.0.20", "gateway": "10.1.0.1"}, {"subnet": "10.2.0.0/24"}], [{"subnet": "fd00::/64", "rangeStart": ""}]]}"#,
        "1.0.0",
        false,
    );
    assert!(r.is_empty(), "{r:?}");
    assert_eq!(
        s,
        ["10.0.0.0/24", "10.1.0.0/24", "10.2.0.0/24", "fd00::/64"]
    );
}

#[test]
fn what_host_local_rejects() {
    for (ipam, rule) in [
        (r#"{"type": "host-local"}"#, "hostlocal-no-range"),
        (
            r#"{"type": "host-local", "ranges": []}"#,
            "hostlocal-no-range",
        ),
        (
            r#"{"type": "host-local", "ranges": [[]]}"#,
            "hostlocal-invalid-range",
        ),
        (
            r#"{"type": "host-local", "ranges": [null]}"#,
            "hostlocal-invalid-range",
        ),
        (
            r#"{"type": "host-local", "ranges": [[{"rangeStart": "10.0.0.1"}]]}"#,
            "hostlocal-invalid-range",
        ),
        (
            r#"{"type": "host-local", "subnet": "10.0.0.0/31"}"#,
            "hostlocal-invalid-range",
        ),
        (
            r#"{"type": "host-local", "subnet": "fd00::/127"}"#,
            "hostlocal-invalid-range",
        ),
        (
            r#"{"type": "host-local", "subnet": "fd00::1/64"}"#,
            "hostlocal-invalid-range",
        ),
        (
            r#"{"type": "host-local", "subnet": "10.0.0.0/24", "rangeStart": "10.0.1.1"}"#,
            "hostlocal-invalid-range",
        ),
        (
            r#"{"type": "host-local", "subnet": "10.0.0.0/24", "rangeEnd": "fd00::1"}"#,
            "hostlocal-invalid-range",
        ),
        (
            r#"{"type": "host-local", "subnet": "10.0.0.0/24", "rangeStart": "10.0.0.9", "rangeEnd": "10.0.0.8"}"#,
            "hostlocal-invalid-range",
        ),
        (
            r#"{"type": "host-local", "subnet": "10.0.0.0/24", "rangeEnd": "10.0.0.0"}"#,
            "hostlocal-invalid-range",
        ),
        (
            r#"{"type": "host-local", "ranges": [[{"subnet": "10.0.0.0/24"}, {"subnet": "fd00::/64"}]]}"#,
            "hostlocal-invalid-range",
        ),
        (
            r#"{"type": "host-local", "ranges": [[{"subnet": "10.0.0.0/24"}, {"subnet": "10.0.0.128/25"}]]}"#,
            "hostlocal-overlap",
        ),
        (
            r#"{"type": "host-local", "subnet": "10.0.0.0/24", "ranges": [[{"subnet": "10.0.0.0/16"}]]}"#,
            "hostlocal-overlap",
        ),
    ] {
        assert_eq!(rules(ipam), [rule], "{ipam}");
    }
}

#[test]
fn ranges_split_by_start_and_end_do_not_overlap() {
    let ipam = r#"{"type": "host-local", "ranges": [[
        {"subnet": "10.0.0.0/24", "rangeStart": "10.0.0.1", "rangeEnd": "10.0.0.99"},
        {"subnet": "10.0.0.0/24", "rangeStart": "10.0.0.100", "rangeEnd": "10.0.0.200"}]]}"#;
    assert!(rules(ipam).is_empty(), "{:?}", rules(ipam));
}

#[test]
fn more_than_one_range_per_family_needs_0_3_0() {
    let ipam = r#"{"type": "host-local", "ranges": [[{"subnet": "10.0.0.0/24"}], [{"subnet": "10.1.0.0/24"}], [{"subnet": "fd00::/64"}]]}"#;
    assert_eq!(run(ipam, "0.2.0", false).0, ["hostlocal-invalid-range"]);
    assert!(run(ipam, "0.3.0", false).0.is_empty());
    // One per family is fine with 0.2.0.
    let ipam = r#"{"type": "host-local", "ranges": [[{"subnet": "10.0.0.0/24"}], [{"subnet": "fd00::/64"}]]}"#;
    assert!(run(ipam, "0.2.0", false).0.is_empty());
}

#[test]
fn what_host_local_accepts_but_is_odd() {
    for ipam in [
        r#"{"type": "host-local", "subnet": "10.0.0.0/24", "gateway": "10.9.0.1"}"#,
        r#"{"type": "host-local", "subnet": "10.0.0.0/24", "gateway": "10.0.0.0"}"#,
        r#"{"type": "host-local", "subnet": "10.0.0.0/24", "gateway": "10.0.0.255"}"#,
        r#"{"type": "host-local", "subnet": "10.0.0.0/24", "rangeStart": "10.0.0.0"}"#,
        r#"{"type": "host-local", "subnet": "10.0.0.0/24", "rangeEnd": "10.0.0.255"}"#,
        r#"{"type": "host-local", "gateway": "10.0.0.1", "ranges": [[{"subnet": "10.0.0.0/24"}]]}"#,
    ] {
        assert_eq!(rules(ipam), ["hostlocal-odd"], "{ipam}");
    }
    // IPv6 has no broadcast address.
    assert!(
        rules(r#"{"type": "host-local", "subnet": "fd00::/120", "rangeEnd": "fd00::ff"}"#)
            .is_empty()
    );
}

#[test]
fn ip_ranges_capability_supplies_the_ranges() {
    assert!(run(r#"{"type": "host-local"}"#, "1.0.0", true).0.is_empty());
}

#[test]
fn values_that_do_not_parse_are_left_to_the_type_rules() {
    // Reported by the schema as invalid-address or wrong-type, not again here.
    for ipam in [
        r#"{"type": "host-local", "subnet": "usePodCidr"}"#,
        r#"{"type": "host-local", "subnet": "10.0.0.0/24", "gateway": "x"}"#,
        r#"{"type": "host-local", "ranges": {"subnet": "10.0.0.0/24"}}"#,
        r#"{"type": "host-local", "ranges": [{"subnet": "10.0.0.0/24"}]}"#,
    ] {
        assert!(rules(ipam).is_empty(), "{ipam}: {:?}", rules(ipam));
    }
}
