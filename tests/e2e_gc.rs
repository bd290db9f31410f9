//! End-to-end tests of `cnictl gc` and `cnictl status` with Debian's reference plugins
//! (1.1.1: spec versions up to 1.0.0, no GC or STATUS verbs) in real network namespaces.
//! Each test runs the plugins inside its own throwaway host namespace (--host-netns, see
//! tests/common `Lab`). They need root and are ignored by a plain `cargo test`; run them with
//! `--include-ignored` (CI does).

mod common;

use common::Lab;

const PORTMAP_B: &str = r#"portMappings=[{"hostPort":18082,"containerPort":80,"protocol":"tcp"}]"#;

fn first_ip(add: &common::Run) -> String {
    let result = add.json();
    let addr = result["ips"][0]["address"]
        .as_str()
        .unwrap_or_else(|| panic!("no address in {}", add.stdout));
    addr.split('/').next().unwrap().to_string()
}

#[test]
#[ignore = "needs root, network namespaces and the reference plugins"]
fn gc_live_deletes_only_the_attachment_whose_netns_is_gone() {
    let lab = Lab::new();
    let net = "gclive";
    lab.write_conf(
        "10-gc.conflist",
        &lab.standard_conf(net, "1.0.0", "net.core.somaxconn", "10.238.0.0/24"),
    );
    let a = lab.container("ga");
    let b = lab.container("gb");
    let ip_a = first_ip(&lab.cnictl(&["add", net, &a]).expect(0, "add a"));
    let cache_a = lab.cache_files();
    assert_eq!(cache_a.len(), 1);
    let ip_b = first_ip(
        &lab.cnictl(&["add", net, &b, "--cap", PORTMAP_B])
            .expect(0, "add b"),
    );
    let mut both = vec![ip_a.clone(), ip_b.clone()];
    both.sort();
    let mut reserved = lab.reservations(net);
    reserved.sort();
    assert_eq!(reserved, both, "two host-local reservations");
    assert_eq!(lab.cache_files().len(), 2);
    assert!(
        lab.nat_rules().contains("--dport 18082"),
        "{}",
        lab.nat_rules()
    );

    // No valid-set flag: refused, nothing changes.
    let r = lab.cnictl(&["gc", net]).expect(2, "gc without a valid set");
    assert!(r.stderr.contains("will not guess"), "{}", r.stderr);
    let mut reserved = lab.reservations(net);
    reserved.sort();
    assert_eq!(reserved, both, "gc without a valid set released an IP");
    assert_eq!(lab.cache_files().len(), 2);
    assert!(lab.nat_rules().contains("--dport 18082"));
    assert_eq!(lab.host_veths().lines().count(), 2, "{}", lab.host_veths());

    // b's namespace goes away behind cnictl's back (as when a container dies).
    common::run("ip", &["netns", "delete", &b]).expect(0, "ip netns delete b");

    // The plan names b only, its netns gone, with the IP from its cached result.
    let plan = lab
        .cnictl(&["gc", net, "--live", "--dry-run", "-o", "json"])
        .expect(0, "gc --live --dry-run")
        .json();
    let stale = plan["networks"][0]["attachments"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(stale.len(), 1, "{plan}");
    assert!(
        stale[0]["netns"].as_str().unwrap().ends_with(&b),
        "{}",
        stale[0]
    );
    assert_eq!(stale[0]["netnsState"], "gone");
    assert_eq!(stale[0]["ips"][0], format!("{ip_b}/24"));
    assert_eq!(
        lab.reservations(net).len(),
        2,
        "the dry run changed something"
    );
    assert_eq!(lab.cache_files().len(), 2);

    let r = lab.cnictl(&["gc", net, "--live"]).expect(0, "gc --live");
    assert!(
        r.stderr.contains("cniVersion 1.0.0 predates the GC verb"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.contains("removed"), "{}", r.stdout);
    // Only b was deleted: its reservation, cache entry and port mapping are gone.
    assert_eq!(
        lab.reservations(net),
        vec![ip_a.clone()],
        "host-local reservations"
    );
    assert_eq!(lab.cache_files(), cache_a, "only a's cache entry is left");
    assert!(
        !lab.nat_rules().contains("--dport 18082"),
        "portmap rule of b left:\n{}",
        lab.nat_rules()
    );
    // a is untouched: its address, its veth, and CHECK passes.
    let addr = lab
        .ip(&a, &["-o", "addr", "show", "dev", "eth0"])
        .expect(0, "ip addr in a");
    assert!(addr.stdout.contains(&ip_a), "{}", addr.stdout);
    assert_eq!(lab.host_veths().lines().count(), 1, "{}", lab.host_veths());
    lab.cnictl(&["check", net, &a])
        .expect(0, "check a after gc");

    // Nothing is stale any more: a second gc --live changes nothing.
    let again = lab.cnictl(&["gc", net, "--live"]).expect(0, "second gc");
    assert_eq!(again.stdout, "", "{}", again.stdout);
    assert_eq!(lab.reservations(net), vec![ip_a]);

    lab.cnictl(&["del", net, &a, "--rm-netns"])
        .expect(0, "del a");
    assert!(lab.reservations(net).is_empty());
    assert!(lab.cache_files().is_empty());
}

#[test]
#[ignore = "needs root, network namespaces and the reference plugins"]
fn status_with_plugins_that_predate_1_1_0() {
    let lab = Lab::new();
    lab.write_conf(
        "10-old.conflist",
        &lab.standard_conf("st100", "1.0.0", "net.core.somaxconn", "10.239.0.0/24"),
    );
    lab.write_conf(
        "20-new.conflist",
        &lab.standard_conf("st110", "1.1.0", "net.core.somaxconn", "10.239.1.0/24"),
    );
    let r = lab
        .cnictl(&["status", "-v", "-o", "wide"])
        .expect(0, "status");
    let rows: Vec<Vec<&str>> = r
        .stdout
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    let row = |net: &str, plugin: &str| -> String {
        r.stdout
            .lines()
            .zip(&rows)
            .find(|(_, w)| w.first() == Some(&net) && w.get(3) == Some(&plugin))
            .map(|(l, _)| l.to_string())
            .unwrap_or_else(|| panic!("no {net}/{plugin} row:\n{}", r.stdout))
    };
    for plugin in ["bridge", "ipam:host-local", "portmap", "tuning"] {
        let old = row("st100", plugin);
        assert!(
            old.contains("cannot-report") && old.contains("/usr/lib/cni/"),
            "{old}"
        );
        assert!(old.contains("0.1.0-1.0.0"), "probed versions: {old}");
        let new = row("st110", plugin);
        assert!(new.contains("cannot-report"), "{new}");
    }
    assert!(row("st100", "bridge").contains("STATUS not supported by cniVersion 1.0.0"));
    assert!(row("st110", "bridge").contains("not called: supports up to 1.0.0"));
    assert!(row("st110", "ipam:host-local").contains("\"bridge\" forwards STATUS to it"));
    // No STATUS call reached the plugins (the -v timeline lists every call made).
    assert!(
        !r.stderr
            .lines()
            .any(|l| l.contains(" STATUS ") && l.contains(" ms ")),
        "{}",
        r.stderr
    );
    lab.cnictl(&["status", "--strict"])
        .expect(1, "status --strict");
}
