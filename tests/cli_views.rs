//! Every table view at 80 columns (COLUMNS=80, piped): no line longer than 80, no word split
//! (a row is one line; a cell cut short ends in `…` and is the start of the whole cell that
//! `-o wide` prints), `--no-headers` drops exactly the header line.

mod common;

use cnictl::cache::{Cache, CacheEntry};
use common::fake::Sandbox;
use serde_json::json;

/// Long names everywhere: plugin types, network names, container IDs.
const PLUGINS: &[&str] = &[
    "bridge-with-a-rather-long-plugin-name",
    "portmap-with-a-rather-long-plugin-name",
    "firewall-with-a-rather-long-plugin-name",
];
const NET: &str = "a-network-with-a-name-long-enough-to-matter";
/// A network whose chain uses host-local, its dataDir in the sandbox.
const IPAM_NET: &str = "an-ipam-network-with-a-name-long-enough-to-matter";

fn sandbox() -> Sandbox {
    let sb = Sandbox::new(PLUGINS);
    sb.conflist(
        NET,
        "1.0.0",
        json!([{"type": PLUGINS[0]}, {"type": PLUGINS[1]}, {"type": PLUGINS[2]}]),
    );
    // A network whose plugins are missing: the STATUS and WHY cells get long.
    sb.conflist(
        "missing-plugins-network",
        "1.0.0",
        json!([{"type": "not-installed-plugin-one"}, {"type": "not-installed-plugin-two"}, {"type": "not-installed-plugin-three"}]),
    );
    sb.write_conf(
        "30-broken.conf",
        "{ this is not json at all, and the error says so at length",
    );
    for i in 0..3 {
        let id = container(i);
        sb.run(&["add", NET, sb.ns(), "--container-id", &id, "-o", "json"])
            .expect(0, "add");
    }
    // host-local's store with reservations no cache entry explains (unowned), as host-local
    // writes them: the IP as file name, "ID\r\nIFNAME" inside.
    let data = sb.path("ipam");
    sb.conflist(
        IPAM_NET,
        "1.0.0",
        json!([{"type": PLUGINS[0], "ipam": {"type": "host-local", "dataDir": data,
            "ranges": [[{"subnet": "10.88.0.0/16"}], [{"subnet": "fd00:88:1234:5678::/64"}]]}}]),
    );
    let store = data.join(IPAM_NET);
    std::fs::create_dir_all(&store).unwrap();
    for i in 0..3 {
        std::fs::write(
            store.join(format!("10.88.0.{}", i + 2)),
            format!("{}\r\neth0", container(i)),
        )
        .unwrap();
    }
    std::fs::write(store.join("last_reserved_ip.0"), "10.88.0.4").unwrap();
    std::fs::write(store.join("lock"), "").unwrap();
    // A cached attachment in cnictl's own namespace (inspect only reads, so it may look there):
    // its interface is not there, so the differences name it.
    Cache::new(sb.cache_dir())
        .write(&CacheEntry {
            container_id: container(9),
            config: Some(br#"{"cniVersion":"1.0.0","name":"x","plugins":[]}"#.to_vec()),
            if_name: "ctv-gone0".into(),
            network_name: NET.into(),
            netns: "/proc/self/ns/net".into(),
            cni_args: vec![("K8S_POD_NAME".into(), "web".into())],
            capability_args: Default::default(),
            result: Some(json!({"cniVersion": "1.0.0",
                "interfaces": [{"name": "ctv-gone0", "sandbox": "/proc/self/ns/net"}],
                "ips": [{"interface": 0, "address": "fd00:88:1234:5678:aaaa:bbbb:cccc:dddd/64"}],
                "routes": [{"dst": "fd00:99:1234:5678:aaaa:bbbb:cccc:0/112",
                            "gw": "fd00:88:1234:5678:aaaa:bbbb:cccc:1"}]})),
        })
        .unwrap();
    sb
}

fn container(i: usize) -> String {
    format!("container-id-{i}-0123456789abcdef0123456789abcdef0123456789abcdef")
}

fn view(sb: &Sandbox, args: &[&str], format: &str, extra: &[&str]) -> String {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["-o", format]);
    all.extend(extra);
    let r = sb.cnictl().args(&all).env("COLUMNS", "80").run();
    assert!(
        r.code == 0 || r.code == 1,
        "{args:?} -o {format}: exit {}\n{}",
        r.code,
        r.stderr
    );
    r.stdout
}

/// The checks every view must pass.
fn check_view(sb: &Sandbox, args: &[&str]) {
    let table = view(sb, args, "table", &[]);
    let wide = view(sb, args, "wide", &[]);
    assert!(!table.trim().is_empty(), "{args:?} printed nothing");
    for line in table.lines() {
        assert!(
            line.chars().count() <= 80,
            "{args:?}: a line of {} columns:\n{line}\n\nwhole table:\n{table}",
            line.chars().count()
        );
        assert!(
            !line.contains(['│', '─', '┌', '|']),
            "{args:?}: borders:\n{table}"
        );
    }
    // One row, one line: the table and the wide view have the same lines, line by line the
    // same first column.
    assert_eq!(
        table.lines().count(),
        wide.lines().count(),
        "{args:?}: rows wrapped:\n{table}\n---\n{wide}"
    );
    let wide_words: Vec<&str> = wide.split_whitespace().collect();
    for (t, w) in table.lines().zip(wide.lines()) {
        let (first, whole) = (
            t.split_whitespace().next().unwrap_or(""),
            w.split_whitespace().next().unwrap_or(""),
        );
        assert!(
            first == whole || whole.starts_with(first.trim_end_matches('…')),
            "{args:?}: rows out of step:\n{table}\n---\n{wide}"
        );
        for word in t.split_whitespace() {
            match word.strip_suffix('…') {
                None => assert!(
                    wide_words.contains(&word),
                    "{args:?}: {word:?} is not a whole word of the wide view:\n{table}\n---\n{wide}"
                ),
                Some(start) => assert!(
                    w.split_whitespace().any(|ww| ww.starts_with(start)),
                    "{args:?}: {word:?} is not the start of a word of its row:\n{t}\n{w}"
                ),
            }
        }
    }
    // --no-headers drops the header line(s) only.
    let bare = view(sb, args, "table", &["--no-headers"]);
    assert!(bare.lines().count() < table.lines().count(), "{args:?}");
    for line in bare.lines() {
        assert!(table.lines().any(|l| l == line), "{args:?}: {line:?}");
    }
}

/// A view of labelled fields (`attachments show`): every line fits, a cut value is the start
/// of the whole one `-o wide` prints, and there is no header line for `--no-headers` to drop.
fn check_fields(sb: &Sandbox, args: &[&str]) {
    let text = view(sb, args, "table", &[]);
    let wide = view(sb, args, "wide", &[]);
    assert!(
        wide.lines().any(|l| l.chars().count() > 80),
        "{args:?}: the fixture must be wider than 80 columns to test anything:\n{wide}"
    );
    assert_eq!(
        text.lines().count(),
        wide.lines().count(),
        "{text}\n---\n{wide}"
    );
    for (t, w) in text.lines().zip(wide.lines()) {
        assert!(
            t.chars().count() <= 80,
            "{args:?}: a line too long:\n{t}\n\n{text}"
        );
        match t.strip_suffix('…') {
            None => assert_eq!(t, w, "{args:?}"),
            Some(start) => assert!(
                w.starts_with(start),
                "{args:?}: {t:?} is not the start of {w:?}"
            ),
        }
    }
    assert_eq!(view(sb, args, "table", &["--no-headers"]), text, "{args:?}");
}

#[test]
fn every_table_view_fits_80_columns_without_splitting_words() {
    let sb = sandbox();
    let wide = view(&sb, &["ls"], "wide", &[]);
    assert!(
        wide.lines().any(|l| l.chars().count() > 80),
        "the fixture must be wider than 80 columns to test anything:\n{wide}"
    );
    check_view(&sb, &["ls", "--no-probe"]);
    check_view(&sb, &["ls"]);
    check_view(&sb, &["plugins"]);
    check_view(&sb, &["attachments"]);
    check_view(&sb, &["status"]);
    let valid = format!("{}:eth0", container(0));
    check_view(&sb, &["gc", "--dry-run", "--valid", &valid, NET]);
    check_view(&sb, &["ipam"]);
    check_view(&sb, &["ipam", "--release", "--dry-run", "--valid", &valid]);
    check_view(&sb, &["inspect", "/proc/self/ns/net"]);
    check_fields(&sb, &["attachments", "show", NET, &container(0)]);
    let ipam = view(&sb, &["ipam"], "table", &[]);
    assert!(ipam.contains("unowned"), "{ipam}");
    let ipam_wide = view(&sb, &["ipam"], "wide", &[]);
    assert!(ipam_wide.contains(&container(2)), "{ipam_wide}");
    let inspect = view(&sb, &["inspect", "/proc/self/ns/net"], "wide", &[]);
    assert!(inspect.contains(&container(9)), "{inspect}");
    assert!(inspect.contains("interface-gone"), "{inspect}");
}

#[test]
fn add_result_table_fits_80_columns() {
    let sb = Sandbox::new(&["p"]);
    let long = "10.200.0.2/24";
    sb.conflist("n", "1.1.0", json!([{"type": "p"}]));
    sb.rules(
        json!([{"plugin": "p", "command": "ADD", "action": "result", "result": {
            "cniVersion": "1.1.0",
            "interfaces": [{"name": "eth0", "mac": "0a:00:00:00:01:07", "mtu": 1450,
                            "sandbox": format!("{}/{}", sb.ns(), "x".repeat(120))}],
            "ips": [{"interface": 0, "address": long, "gateway": "10.200.0.1"}]
        }}]),
    );
    let r = sb
        .cnictl()
        .args(&["add", "n", sb.ns(), "-o", "table"])
        .env("COLUMNS", "80")
        .run()
        .expect(0, "add -o table");
    for line in r.stdout.lines() {
        assert!(line.chars().count() <= 80, "{line}\n{}", r.stdout);
    }
    assert!(r.stdout.contains('…'), "{}", r.stdout);
    assert!(r.stdout.contains(long), "{}", r.stdout);
}

#[test]
fn unknown_format_is_a_usage_error_listing_the_accepted_ones() {
    let sb = Sandbox::new(&[]);
    let r = sb.run(&["ls", "-o", "github"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("ls does not print -o github; it accepts: table, wide, json"),
        "{}",
        r.stderr
    );
    let h = sb.run(&["validate", "--help"]).expect(0, "help");
    assert!(
        h.stdout
            .contains("Output formats (-o): table, json, github"),
        "{}",
        h.stdout
    );
}
