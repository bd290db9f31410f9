use super::*;
use crate::config::list_from_bytes;
use std::fs;

fn conf(data_dir: &Path, ipam_extra: &str) -> NetworkConfigList {
    let text = format!(
        r#"{{"cniVersion":"1.0.0","name":"lab","plugins":[{{"type":"bridge","ipam":{{"type":"host-local","dataDir":{:?}{ipam_extra}}}}},{{"type":"portmap"}}]}}"#,
        data_dir.to_str().unwrap()
    );
    list_from_bytes(text.as_bytes()).unwrap()
}

fn attachment(id: &str, ifname: &str, ips: &[&str], netns: &str) -> AttachmentInfo {
    AttachmentInfo {
        network: "lab".into(),
        container_id: id.into(),
        ifname: ifname.into(),
        netns: netns.into(),
        netns_state: super::super::attachments::netns_state(netns),
        ips: ips.iter().map(|s| s.to_string()).collect(),
        result_version: Some("1.0.0".into()),
        add_state: None,
        capability_args: Default::default(),
    }
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

#[test]
fn ranges_are_canonicalised_as_host_local_does() {
    let d = tempfile::tempdir().unwrap();
    let l = conf(
        d.path(),
        r#","subnet":"10.1.0.0/24","ranges":[[{"subnet":"10.2.0.0/30"},{"subnet":"10.3.0.0/24","rangeStart":"10.3.0.10","rangeEnd":"10.3.0.19","gateway":"10.3.0.254"}],[{"subnet":"fd00::/120"}]]"#,
    );
    let hl = host_locals(&l);
    assert_eq!(hl.len(), 1);
    let h = &hl[0];
    assert_eq!(h.plugin, "bridge");
    assert!(h.problems.is_empty(), "{:?}", h.problems);
    assert_eq!(h.store_dir("lab"), d.path().join("lab"));
    // Legacy top-level range first: .1 (gateway) to .254, broadcast excluded.
    let r = &h.range_sets[0].ranges[0];
    assert_eq!(
        (r.start, r.end, r.gateway),
        (ip("10.1.0.1"), ip("10.1.0.254"), ip("10.1.0.1"))
    );
    assert_eq!(h.range_sets[0].size(), 253);
    // A /30: .1 (gateway) and .2; plus 10 addresses whose gateway lies outside the range.
    assert_eq!(h.range_sets[1].index, 1);
    assert_eq!(h.range_sets[1].size(), 1 + 10);
    // IPv6 keeps the last address.
    let v6 = &h.range_sets[2].ranges[0];
    assert_eq!(v6.end, ip("fd00::ff"));
    assert_eq!(h.range_sets[2].size(), 254);
}

#[test]
fn default_data_dir_and_bad_ranges_are_reported() {
    let l = list_from_bytes(
        br#"{"cniVersion":"1.0.0","name":"n","plugins":[{"type":"ptp","ipam":{"type":"host-local","ranges":[[{"subnet":"10.0.0.0/31"},{"subnet":"10.0.0.0/24","rangeStart":"10.9.0.1"}]]}},{"type":"x","ipam":{"type":"dhcp"}}]}"#,
    )
    .unwrap();
    let hl = host_locals(&l);
    assert_eq!(hl.len(), 1, "only host-local counts");
    assert!(hl[0].data_dir_default);
    assert_eq!(hl[0].store_dir("n"), Path::new("/var/lib/cni/networks/n"));
    assert_eq!(hl[0].problems.len(), 2, "{:?}", hl[0].problems);
    assert!(hl[0].problems[0].contains("too small"));
    assert!(hl[0].problems[1].contains("rangeStart 10.9.0.1 is not in 10.0.0.0/24"));
}

#[test]
fn reservation_formats() {
    assert_eq!(
        parse_reservation("abc\r\neth0"),
        ("abc".into(), Some("eth0".into()))
    );
    assert_eq!(parse_reservation("abc\n"), ("abc".into(), None));
}

fn set(ranges: &[(&str, &str, &str)]) -> RangeSet {
    RangeSet {
        index: 0,
        ranges: ranges
            .iter()
            .map(|(s, e, g)| IpRange {
                subnet: "x".into(),
                start: ip(s),
                end: ip(e),
                gateway: ip(g),
                prefix: 24,
            })
            .collect(),
    }
}

#[test]
fn next_ip_follows_host_locals_iterator() {
    let s = set(&[
        ("10.0.0.1", "10.0.0.4", "10.0.0.1"),
        ("10.0.1.5", "10.0.1.6", "10.0.1.1"),
    ]);
    let none = HashSet::new();
    // No last reserved: the first range's start, the gateway skipped.
    assert_eq!(next_free(&s, None, &none), Some(ip("10.0.0.2")));
    // After the last reserved one, even when lower ones are free.
    assert_eq!(
        next_free(&s, Some(ip("10.0.0.2")), &none),
        Some(ip("10.0.0.3"))
    );
    // From a range's end into the next range.
    assert_eq!(
        next_free(&s, Some(ip("10.0.0.4")), &none),
        Some(ip("10.0.1.5"))
    );
    // Wrapping around, reserved ones passed.
    let r: HashSet<IpAddr> = [ip("10.0.0.2"), ip("10.0.0.3")].into();
    assert_eq!(
        next_free(&s, Some(ip("10.0.1.6")), &r),
        Some(ip("10.0.0.4"))
    );
    // A last reserved address outside the set: from the start.
    assert_eq!(
        next_free(&s, Some(ip("192.0.2.1")), &r),
        Some(ip("10.0.0.4"))
    );
    // Full.
    let all: HashSet<IpAddr> = ["10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.1.5", "10.0.1.6"]
        .iter()
        .map(|s| ip(s))
        .collect();
    assert_eq!(next_free(&s, Some(ip("10.0.0.3")), &all), None);
    assert_eq!(next_free(&s, None, &all), None);
}

fn plant(dir: &Path, name: &str, content: &str) {
    fs::create_dir_all(dir).unwrap();
    fs::write(dir.join(name), content).unwrap();
}

#[test]
fn audit_cross_checks_the_store_with_the_cache() {
    let d = tempfile::tempdir().unwrap();
    let l = conf(d.path(), r#","ranges":[[{"subnet":"10.5.0.0/24"}]]"#);
    let h = &host_locals(&l)[0];
    let store = d.path().join("lab");
    plant(&store, "10.5.0.2", "live\r\neth0");
    plant(&store, "10.5.0.3", "gone\r\neth0");
    plant(&store, "10.5.0.4", "leaked\r\neth0");
    plant(&store, "10.5.0.5", "old-format");
    plant(&store, "10.5.0.6", "");
    plant(&store, "192.0.2.9", "live\r\neth1");
    plant(&store, "last_reserved_ip.0", "10.5.0.6");
    plant(&store, "lock", "");
    plant(&store, "stray.txt", "x");
    let cached = vec![
        attachment("live", "eth0", &["10.5.0.2/24"], "/proc/1/ns/net"),
        attachment("gone", "eth0", &["10.5.0.3/24"], "/nonexistent/ns"),
        attachment("nores", "eth0", &["10.5.0.77/24", "192.168.0.1/24"], ""),
    ];
    let n = audit("lab", h, &cached).unwrap();
    assert!(n.store_exists && n.lock_present);
    let by_ip = |s: &str| n.reservations.iter().find(|r| r.ip == ip(s)).unwrap();
    assert!(matches!(&by_ip("10.5.0.2").owner, Owner::Cached { .. }));
    assert!(matches!(
        &by_ip("10.5.0.3").owner,
        Owner::Cached {
            netns_state: NetnsState::Missing,
            ..
        }
    ));
    assert_eq!(by_ip("10.5.0.4").owner, Owner::Unowned);
    assert_eq!(by_ip("10.5.0.5").ifname, None);
    assert_eq!(by_ip("10.5.0.5").container_id, "old-format");
    assert_eq!(by_ip("10.5.0.6").problem.as_deref(), Some("empty file"));
    // Another ifname of a cached container is not its reservation; outside every range.
    assert_eq!(by_ip("192.0.2.9").owner, Owner::Unowned);
    assert_eq!(by_ip("192.0.2.9").range_set, None);
    assert_eq!(n.reservations.len(), 6);
    assert_eq!(
        n.missing,
        vec![MissingReservation {
            container_id: "nores".into(),
            ifname: "eth0".into(),
            ip: ip("10.5.0.77")
        }]
    );
    assert_eq!(n.problems.len(), 1, "{:?}", n.problems);
    assert!(n.problems[0].contains("stray.txt"));
    let u = &n.usage[0];
    assert_eq!((u.used, u.size), (5, 253));
    assert_eq!(u.last_reserved, Some(ip("10.5.0.6")));
    assert_eq!(u.next, Some(ip("10.5.0.7")));
}

#[test]
fn release_frees_only_unowned_invalid_reservations_under_the_lock() {
    let d = tempfile::tempdir().unwrap();
    let l = conf(d.path(), r#","subnet":"10.6.0.0/24""#);
    let h = &host_locals(&l)[0];
    let store = d.path().join("lab");
    plant(&store, "10.6.0.2", "owned\r\neth0");
    plant(&store, "10.6.0.3", "leaked\r\neth0");
    plant(&store, "10.6.0.4", "kept\r\neth0");
    plant(&store, "10.6.0.5", "raced\r\neth0");
    plant(&store, "10.6.0.6", "");
    plant(&store, "last_reserved_ip.0", "10.6.0.5");
    let cached = vec![attachment("owned", "eth0", &["10.6.0.2/24"], "")];
    let n = audit("lab", h, &cached).unwrap();
    let valid = ValidIds(["kept".to_string()].into());
    let plan = plan_release(&n, &valid);
    let planned: Vec<String> = plan.iter().map(|p| p.ip.to_string()).collect();
    assert_eq!(planned, ["10.6.0.3", "10.6.0.5"]);
    // Another container takes 10.6.0.5 between the read and the release.
    fs::write(store.join("10.6.0.5"), "newer\r\neth0").unwrap();
    let out = release(&store, &plan).unwrap();
    assert_eq!(out[0].1, ReleaseOutcome::Released);
    assert!(matches!(&out[1].1, ReleaseOutcome::Changed(w) if w.contains("newer:eth0")));
    let mut left: Vec<String> = fs::read_dir(&store)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        [
            "10.6.0.2",
            "10.6.0.4",
            "10.6.0.5",
            "10.6.0.6",
            "last_reserved_ip.0",
            "lock"
        ]
    );
    // Released twice: already gone.
    let again = release(&store, &plan[..1]).unwrap();
    assert_eq!(again[0].1, ReleaseOutcome::AlreadyGone);
}

#[test]
fn release_waits_for_host_locals_lock() {
    let d = tempfile::tempdir().unwrap();
    let store = d.path().join("lab");
    plant(&store, "10.7.0.3", "leaked\r\neth0");
    let lock = fs::File::create(store.join("lock")).unwrap();
    let held = nix::fcntl::Flock::lock(lock, nix::fcntl::FlockArg::LockExclusive).unwrap();
    let item = ReleaseItem {
        network: "lab".into(),
        ip: ip("10.7.0.3"),
        file: store.join("10.7.0.3"),
        container_id: "leaked".into(),
        ifname: Some("eth0".into()),
    };
    let s2 = store.clone();
    let t = std::thread::spawn(move || release(&s2, &[item]).unwrap());
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(
        store.join("10.7.0.3").exists(),
        "released while the lock was held"
    );
    drop(held);
    let out = t.join().unwrap();
    assert_eq!(out[0].1, ReleaseOutcome::Released);
    assert!(!store.join("10.7.0.3").exists());
}

#[test]
fn a_missing_store_is_empty_and_symlinks_are_not_followed() {
    let d = tempfile::tempdir().unwrap();
    let l = conf(d.path(), r#","subnet":"10.8.0.0/24""#);
    let h = &host_locals(&l)[0];
    let n = audit("lab", h, &[]).unwrap();
    assert!(!n.store_exists && n.reservations.is_empty());
    assert_eq!(n.usage[0].next, Some(ip("10.8.0.2")));
    let store = d.path().join("lab");
    fs::create_dir_all(&store).unwrap();
    std::os::unix::fs::symlink("/etc/hostname", store.join("10.8.0.9")).unwrap();
    let n = audit("lab", h, &[]).unwrap();
    assert!(n.reservations[0]
        .problem
        .as_deref()
        .unwrap()
        .contains("symbolic link"));
    assert!(plan_release(&n, &ValidIds(BTreeSet::new())).is_empty());
}
