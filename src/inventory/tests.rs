//! Tests of the inventories: statuses of config files, and the runtime models on directories
//! that make containerd, CRI-O and libcni disagree.

use std::fs;
use std::path::{Path, PathBuf};

use super::*;
use crate::config::{self, LoadOptions};
use crate::invoke::fake::RecordingExec;
use crate::invoke::{ExecLimits, ExecOutput, VersionCache};
use crate::noderoot::NodeRoot;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    fs::write(&p, text).unwrap();
    p
}

/// A CNI path directory holding an (empty) file for each name: enough for `find_plugin`.
fn bin_dir(names: &[&str]) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    for n in names {
        fs::write(d.path().join(n), b"").unwrap();
    }
    d
}

/// A fake exec answering VERSION with `supported` for the plugins listed, and every version
/// for the others; a plugin named `broken` fails.
fn versions(table: &'static [(&'static str, &'static [&'static str])]) -> RecordingExec {
    RecordingExec::new(move |call| {
        let name = call.plugin();
        if name == "broken" {
            return Ok(ExecOutput::exited(1, "", "cannot start"));
        }
        let supported: Vec<&str> = table
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.to_vec())
            .unwrap_or_else(|| crate::KNOWN_VERSIONS.to_vec());
        let body = serde_json::json!({"cniVersion": "1.1.0", "supportedVersions": supported});
        Ok(ExecOutput::exited(0, body.to_string(), ""))
    })
}

fn conflist(name: &str, version: &str, plugins: &[&str]) -> String {
    let plugins: Vec<serde_json::Value> = plugins
        .iter()
        .map(|p| match p.split_once('+') {
            Some((t, ipam)) => serde_json::json!({"type": t, "ipam": {"type": ipam}}),
            None => serde_json::json!({"type": p}),
        })
        .collect();
    serde_json::json!({"cniVersion": version, "name": name, "plugins": plugins}).to_string()
}

fn conf(name: &str, version: &str, plugin: &str) -> String {
    serde_json::json!({"cniVersion": version, "name": name, "type": plugin}).to_string()
}

fn scan_with(dir: &Path, bins: &Path, exec: Option<&RecordingExec>) -> Vec<NetworkEntry> {
    let path = vec![bins.to_path_buf()];
    let cache = exec.map(|e| VersionCache::new(e, Vec::new(), ExecLimits::default()));
    scan_networks(
        dir,
        &ScanOptions {
            cni_path: &path,
            node_root: &NodeRoot::host(),
            probe: cache.as_ref(),
            skip_broken: false,
        },
    )
    .unwrap()
}

fn file_name(p: &Path) -> String {
    p.file_name().unwrap().to_string_lossy().into_owned()
}

fn status(entries: &[NetworkEntry], file: &str) -> Option<&'static str> {
    entries
        .iter()
        .find(|e| file_name(&e.path) == file)
        .unwrap_or_else(|| panic!("no entry {file}"))
        .status()
        .map(Problem::kind)
}

fn crio_default_file(m: &CrioModel) -> Option<String> {
    match &m.outcome {
        CrioOutcome::Default { file, .. } => Some(file_name(file)),
        CrioOutcome::NoDefault { .. } => None,
    }
}

#[test]
fn first_file_broken_containerd_fails_crio_skips() {
    let d = tempfile::tempdir().unwrap();
    let bins = bin_dir(&["bridge", "host-local"]);
    write(
        d.path(),
        "10-broken.conflist",
        "{\"name\": \"a\", \"plugins\": [",
    );
    write(
        d.path(),
        "20-good.conflist",
        &conflist("b", "1.0.0", &["bridge+host-local"]),
    );
    let entries = scan_with(d.path(), bins.path(), None);
    assert_eq!(status(&entries, "10-broken.conflist"), Some("invalid"));
    assert_eq!(status(&entries, "20-good.conflist"), None);

    let c = containerd_default(d.path(), &entries, 1);
    match &c.outcome {
        ContainerdOutcome::Failed { file, error } => {
            assert_eq!(file_name(file), "10-broken.conflist");
            assert!(
                error.starts_with(&format!(
                    "cni config load failed: failed to load CNI config list file {}: line 1 column ",
                    d.path().join("10-broken.conflist").display()
                )),
                "{error}"
            );
            assert!(
                error.ends_with(": invalid cni config: failed to load cni config"),
                "{error}"
            );
        }
        other => panic!("containerd should fail: {other:?}"),
    }

    let crio = crio_default(d.path(), &entries, None, false);
    assert_eq!(
        crio_default_file(&crio).as_deref(),
        Some("20-good.conflist")
    );
    match &crio.files[0].verdict {
        CrioVerdict::Skipped { reason, .. } => {
            assert!(
                reason.contains("error parsing configuration list"),
                "{reason}"
            )
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn broken_file_past_max_conf_num_is_not_read_by_containerd() {
    let d = tempfile::tempdir().unwrap();
    let bins = bin_dir(&["bridge"]);
    write(
        d.path(),
        "10-a.conflist",
        &conflist("a", "1.0.0", &["bridge"]),
    );
    write(d.path(), "20-broken.conf", "not json");
    write(d.path(), "30-c.conf", &conf("c", "1.0.0", "bridge"));
    let entries = scan_with(d.path(), bins.path(), None);

    let one = containerd_default(d.path(), &entries, 1);
    assert_eq!(one.files, 3);
    assert_eq!(one.default_network().unwrap().network, "a");

    // Two files: the second is broken, and fails the whole load.
    let two = containerd_default(d.path(), &entries, 2);
    assert!(
        matches!(&two.outcome, ContainerdOutcome::Failed { file, error }
            if file_name(file) == "20-broken.conf"
            && error.contains("failed to load CNI config file ")),
        "{two:?}"
    );
    // 0 means every file.
    let all = containerd_default(d.path(), &entries, 0);
    assert!(matches!(all.outcome, ContainerdOutcome::Failed { .. }));
}

#[test]
fn containerd_loads_several_networks_with_their_interfaces() {
    let d = tempfile::tempdir().unwrap();
    let bins = bin_dir(&["bridge"]);
    write(
        d.path(),
        "10-a.conflist",
        &conflist("a", "1.0.0", &["bridge"]),
    );
    write(d.path(), "20-b.conf", &conf("b", "1.0.0", "bridge"));
    write(d.path(), "30-c.json", &conf("c", "1.0.0", "bridge"));
    let entries = scan_with(d.path(), bins.path(), None);
    let m = containerd_default(d.path(), &entries, 0);
    let ContainerdOutcome::Loaded { networks } = &m.outcome else {
        panic!("{m:?}")
    };
    let got: Vec<(&str, &str)> = networks
        .iter()
        .map(|n| (n.network.as_str(), n.ifname.as_str()))
        .collect();
    assert_eq!(got, [("a", "eth0"), ("b", "eth1"), ("c", "eth2")]);
    let m2 = containerd_default(d.path(), &entries, 2);
    let ContainerdOutcome::Loaded { networks } = &m2.outcome else {
        panic!("{m2:?}")
    };
    assert_eq!(networks.len(), 2);
}

#[test]
fn missing_plugin_containerd_picks_crio_skips() {
    let d = tempfile::tempdir().unwrap();
    let bins = bin_dir(&["ptp", "host-local"]);
    write(
        d.path(),
        "10-needs-bridge.conflist",
        &conflist("first", "1.0.0", &["bridge+host-local"]),
    );
    write(
        d.path(),
        "20-ptp.conflist",
        &conflist("second", "1.0.0", &["ptp+host-local"]),
    );
    let entries = scan_with(d.path(), bins.path(), None);
    assert_eq!(
        status(&entries, "10-needs-bridge.conflist"),
        Some("plugin-missing")
    );

    let c = containerd_default(d.path(), &entries, 1);
    let def = c.default_network().expect("containerd loads it");
    assert_eq!(def.network, "first");
    assert_eq!(def.unchecked, ["plugin \"bridge\" is not on the CNI path"]);

    let crio = crio_default(d.path(), &entries, None, false);
    assert_eq!(crio_default_file(&crio).as_deref(), Some("20-ptp.conflist"));
    match &crio.files[0].verdict {
        CrioVerdict::Skipped { reason, .. } => assert_eq!(
            reason,
            &format!(
                "libcni's ValidateNetworkList: [failed to find plugin \"bridge\" in path [{}]]",
                bins.path().display()
            )
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn missing_ipam_is_missing_for_cnictl_but_crio_does_not_check_it() {
    let d = tempfile::tempdir().unwrap();
    let bins = bin_dir(&["bridge"]);
    write(
        d.path(),
        "10-a.conflist",
        &conflist("a", "1.0.0", &["bridge+host-local"]),
    );
    let entries = scan_with(d.path(), bins.path(), None);
    assert_eq!(
        entries[0].status().map(Problem::message).as_deref(),
        Some("IPAM plugin \"host-local\" is not on the CNI path")
    );
    let crio = crio_default(d.path(), &entries, None, false);
    assert_eq!(crio_default_file(&crio).as_deref(), Some("10-a.conflist"));
}

#[test]
fn unsupported_version_crio_skips_when_probed() {
    let d = tempfile::tempdir().unwrap();
    let bins = bin_dir(&["bridge", "oldp"]);
    write(
        d.path(),
        "10-new.conflist",
        &conflist("new", "1.1.0", &["bridge", "oldp"]),
    );
    write(
        d.path(),
        "20-ok.conflist",
        &conflist("ok", "0.4.0", &["bridge", "oldp"]),
    );
    let exec = versions(&[("oldp", &["0.3.1", "0.4.0"])]);
    let entries = scan_with(d.path(), bins.path(), Some(&exec));
    let first = &entries[0];
    assert_eq!(
        first.status(),
        Some(&Problem::VersionUnsupported {
            plugin: "oldp".into(),
            role: PluginRole::Plugin,
            version: "1.1.0".into(),
            supported: vec!["0.3.1".into(), "0.4.0".into()],
        })
    );
    assert_eq!(status(&entries, "20-ok.conflist"), None);
    // Each binary ran once, however many networks use it.
    assert_eq!(exec.calls().len(), 2);

    let crio = crio_default(d.path(), &entries, None, true);
    assert_eq!(crio_default_file(&crio).as_deref(), Some("20-ok.conflist"));
    match &crio.files[0].verdict {
        CrioVerdict::Skipped { reason, .. } => assert_eq!(
            reason,
            "libcni's ValidateNetworkList: [plugin oldp does not support config version \"1.1.0\"]"
        ),
        other => panic!("{other:?}"),
    }
    // containerd does not look.
    let c = containerd_default(d.path(), &entries, 1);
    assert_eq!(c.default_network().unwrap().network, "new");

    // Without probing, nobody can tell.
    let unprobed = scan_with(d.path(), bins.path(), None);
    assert_eq!(status(&unprobed, "10-new.conflist"), None);
    let crio = crio_default(d.path(), &unprobed, None, false);
    assert!(!crio.versions_checked);
    assert_eq!(crio_default_file(&crio).as_deref(), Some("10-new.conflist"));
}

#[test]
fn empty_cni_version_means_0_1_0_and_failed_probes_are_reported() {
    let d = tempfile::tempdir().unwrap();
    let bins = bin_dir(&["bridge", "broken"]);
    write(
        d.path(),
        "10-old.conflist",
        &conflist("old", "", &["bridge"]),
    );
    write(
        d.path(),
        "20-b.conflist",
        &conflist("b", "1.0.0", &["broken"]),
    );
    let exec = versions(&[("bridge", &["0.3.0", "1.0.0"])]);
    let entries = scan_with(d.path(), bins.path(), Some(&exec));
    match entries[0].status() {
        Some(Problem::VersionUnsupported { version, .. }) => assert_eq!(version, "0.1.0"),
        other => panic!("{other:?}"),
    }
    assert_eq!(status(&entries, "20-b.conflist"), Some("probe-failed"));
    let crio = crio_default(d.path(), &entries, None, true);
    assert_eq!(
        crio.outcome,
        CrioOutcome::NoDefault {
            error: format!(
                "no CNI configuration file in {}. Has your network provider started?",
                d.path().display()
            )
        }
    );
}

#[test]
fn conf_before_conflist_of_the_same_name() {
    let d = tempfile::tempdir().unwrap();
    let bins = bin_dir(&["bridge", "ptp"]);
    // "10-net.conf" sorts before "10-net.conflist" (a prefix of it).
    write(d.path(), "10-net.conf", &conf("net", "1.0.0", "ptp"));
    write(
        d.path(),
        "10-net.conflist",
        &conflist("net", "1.0.0", &["bridge"]),
    );
    let entries = scan_with(d.path(), bins.path(), None);
    // Priority order: the conflist first; the .conf is shadowed by it.
    assert_eq!(file_name(&entries[0].path), "10-net.conflist");
    assert_eq!(
        entries[1].status(),
        Some(&Problem::Shadowed {
            by: d.path().join("10-net.conflist"),
            unreadable: false
        })
    );

    let lookups = libcni_lookups(&entries);
    assert_eq!(
        lookups,
        [Lookup {
            network: "net".into(),
            outcome: Ok(d.path().join("10-net.conflist"))
        }]
    );
    let c = containerd_default(d.path(), &entries, 1);
    assert_eq!(file_name(&c.default_network().unwrap().file), "10-net.conf");
    let crio = crio_default(d.path(), &entries, None, false);
    assert_eq!(crio_default_file(&crio).as_deref(), Some("10-net.conf"));
    assert_eq!(
        crio.files[1].verdict,
        CrioVerdict::Duplicate {
            network: "net".into(),
            kept: d.path().join("10-net.conf")
        }
    );
}

#[test]
fn crio_configured_default_network() {
    let d = tempfile::tempdir().unwrap();
    let bins = bin_dir(&["bridge"]);
    write(
        d.path(),
        "10-a.conflist",
        &conflist("a", "1.0.0", &["bridge"]),
    );
    write(
        d.path(),
        "20-b.conflist",
        &conflist("b", "1.0.0", &["bridge"]),
    );
    write(d.path(), "30-b.conf", &conf("b", "1.0.0", "bridge"));
    let entries = scan_with(d.path(), bins.path(), None);
    let crio = crio_default(d.path(), &entries, Some("b"), false);
    assert_eq!(
        crio.outcome,
        CrioOutcome::Default {
            network: "b".into(),
            file: d.path().join("20-b.conflist"),
            configured: true
        }
    );
    let none = crio_default(d.path(), &entries, Some("zzz"), false);
    assert!(matches!(none.outcome, CrioOutcome::NoDefault { .. }));
    let first = crio_default(d.path(), &entries, None, false);
    assert_eq!(
        first.outcome,
        CrioOutcome::Default {
            network: "a".into(),
            file: d.path().join("10-a.conflist"),
            configured: false
        }
    );
}

#[test]
fn crio_names_a_nameless_network_after_its_file() {
    let d = tempfile::tempdir().unwrap();
    let bins = bin_dir(&["bridge"]);
    write(
        d.path(),
        "10-anon.conf",
        r#"{"cniVersion":"1.0.0","type":"bridge"}"#,
    );
    let entries = scan_with(d.path(), bins.path(), None);
    let crio = crio_default(d.path(), &entries, None, false);
    assert_eq!(
        crio.files[0].verdict,
        CrioVerdict::Loaded {
            network: "10-anon.conf".into()
        }
    );
}

#[test]
fn empty_directory() {
    let d = tempfile::tempdir().unwrap();
    let bins = bin_dir(&[]);
    write(d.path(), "README", "not a config");
    write(d.path(), "x.conf.bak", "{}");
    let entries = scan_with(d.path(), bins.path(), None);
    assert!(entries.is_empty());
    let c = containerd_default(d.path(), &entries, 1);
    assert_eq!(
        c.outcome,
        ContainerdOutcome::NoConfig {
            error: format!(
                "cni config load failed: no network config found in {}: cni plugin not initialized: failed to load cni config",
                d.path().display()
            )
        }
    );
    let crio = crio_default(d.path(), &entries, None, false);
    assert!(matches!(crio.outcome, CrioOutcome::NoDefault { .. }));
    assert!(libcni_lookups(&entries).is_empty());
    // A missing directory is empty too, as for libcni.
    let gone = scan_with(&d.path().join("nope"), bins.path(), None);
    assert!(gone.is_empty());
}

#[test]
fn libcni_lookup_aborts_at_a_broken_file_cnictl_goes_on() {
    let d = tempfile::tempdir().unwrap();
    let bins = bin_dir(&["bridge"]);
    write(
        d.path(),
        "10-a.conflist",
        &conflist("a", "1.0.0", &["bridge"]),
    );
    write(
        d.path(),
        "20-broken.conflist",
        r#"{"name":"x","plugins":[]}"#,
    );
    write(
        d.path(),
        "30-b.conflist",
        &conflist("b", "1.0.0", &["bridge"]),
    );
    write(d.path(), "40-c.conf", &conf("c", "1.0.0", "bridge"));
    let entries = scan_with(d.path(), bins.path(), None);
    let lookups = libcni_lookups(&entries);
    let get = |n: &str| {
        lookups
            .iter()
            .find(|l| l.network == n)
            .unwrap()
            .outcome
            .clone()
    };
    assert_eq!(get("a"), Ok(d.path().join("10-a.conflist")));
    let broken = d.path().join("20-broken.conflist");
    let err = (
        broken.clone(),
        "error parsing configuration list: no plugins in list".to_string(),
    );
    assert_eq!(get("b"), Err(err.clone()));
    assert_eq!(get("c"), Err(err.clone()));
    assert_eq!(get("x"), Err(err));
    // cnictl's own lookup reaches b and c: the broken file names another network.
    assert_eq!(status(&entries, "30-b.conflist"), None);
    assert_eq!(status(&entries, "40-c.conf"), None);
}

/// The shadowing statuses must say what `config::load` does: for every name, the file a lookup
/// returns (or fails at) is the one the others are shadowed by.
#[test]
fn shadowing_agrees_with_config_load() {
    let d = tempfile::tempdir().unwrap();
    let bins = bin_dir(&["bridge"]);
    write(
        d.path(),
        "10-a.conflist",
        &conflist("a", "1.0.0", &["bridge"]),
    );
    write(
        d.path(),
        "20-b-broken.conflist",
        r#"{"name":"b","plugins":"x"}"#,
    );
    write(
        d.path(),
        "30-b.conflist",
        &conflist("b", "1.0.0", &["bridge"]),
    );
    write(d.path(), "40-a.conf", &conf("a", "1.0.0", "bridge"));
    write(d.path(), "50-unreadable.conf", "{{{");
    write(d.path(), "60-c.json", &conf("c", "1.0.0", "bridge"));
    write(d.path(), "70-a.json", &conf("a", "1.0.0", "bridge"));
    let entries = scan_with(d.path(), bins.path(), None);
    let got: Vec<(String, Option<&str>)> = entries
        .iter()
        .map(|e| (file_name(&e.path), e.status().map(Problem::kind)))
        .collect();
    let want = [
        ("10-a.conflist", None),
        ("20-b-broken.conflist", Some("invalid")),
        ("30-b.conflist", Some("shadowed")),
        ("40-a.conf", Some("shadowed")),
        ("50-unreadable.conf", Some("invalid")),
        ("60-c.json", Some("shadowed")),
        ("70-a.json", Some("shadowed")),
    ];
    let want: Vec<(String, Option<&str>)> = want.iter().map(|(f, s)| (f.to_string(), *s)).collect();
    assert_eq!(got, want);

    for name in ["a", "b", "c"] {
        let loaded = config::load(d.path(), name, &LoadOptions::default());
        let stop = match &loaded {
            Ok(l) => l.list.source.clone().unwrap(),
            Err(e) => e.path().unwrap().to_path_buf(),
        };
        for e in entries.iter().filter(|e| e.name.as_deref() == Some(name)) {
            match e.problems.iter().find(|p| p.kind() == "shadowed") {
                Some(Problem::Shadowed { by, .. }) => assert_eq!(by, &stop, "{name}"),
                _ => assert_eq!(e.path, stop, "{name}: {} is reached", e.path.display()),
            }
        }
    }

    // With --skip-broken, broken files neither claim names nor stop lookups.
    let path = vec![bins.path().to_path_buf()];
    let skipping = scan_networks(
        d.path(),
        &ScanOptions {
            cni_path: &path,
            node_root: &NodeRoot::host(),
            probe: None,
            skip_broken: true,
        },
    )
    .unwrap();
    assert_eq!(status(&skipping, "30-b.conflist"), None);
    assert_eq!(status(&skipping, "60-c.json"), None);
    assert_eq!(status(&skipping, "70-a.json"), Some("shadowed"));
}

#[test]
fn chain_text_and_error_reasons() {
    let d = tempfile::tempdir().unwrap();
    let bins = bin_dir(&["bridge", "host-local", "portmap"]);
    write(
        d.path(),
        "10-a.conflist",
        &conflist("a", "1.0.0", &["bridge+host-local", "portmap"]),
    );
    write(
        d.path(),
        "20-b.conflist",
        "{\n  \"name\": \"b\",\n  \"plugins\": [\n",
    );
    write(
        d.path(),
        "30-c.conf",
        r#"{"name":"c","plugins":[{"type":"bridge"}]}"#,
    );
    let entries = scan_with(d.path(), bins.path(), None);
    assert_eq!(entries[0].chain_text(), "bridge(host-local) → portmap");
    assert_eq!(entries[0].cni_version.as_deref(), Some("1.0.0"));
    let b = entries[1].invalid_reason().unwrap();
    assert!(
        b.starts_with("line 4 column 1: error parsing configuration list: "),
        "{b}"
    );
    assert!(!b.contains('\n'));
    assert_eq!(entries[1].name.as_deref(), Some("b"));
    let c = entries[2].invalid_reason().unwrap();
    assert!(
        c.starts_with("error parsing configuration: missing 'type'"),
        "{c}"
    );
}

#[test]
fn plugin_scan_marks_shadowed_repeated_and_non_executable() {
    use std::os::unix::fs::PermissionsExt;
    let a = bin_dir(&["bridge", "notes.txt"]);
    let b = bin_dir(&["bridge", "ptp"]);
    for d in [a.path(), b.path()] {
        for e in fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            let mode = if p.ends_with("notes.txt") {
                0o644
            } else {
                0o755
            };
            fs::set_permissions(&p, fs::Permissions::from_mode(mode)).unwrap();
        }
    }
    fs::create_dir(a.path().join("subdir")).unwrap();
    let path = vec![
        a.path().to_path_buf(),
        PathBuf::from("/nonexistent-cnictl-test"),
        b.path().to_path_buf(),
        a.path().to_path_buf(),
    ];
    let exec = versions(&[("ptp", &["1.0.0"])]);
    let cache = VersionCache::new(&exec, Vec::new(), ExecLimits::default());
    let scan = scan_plugins(&path, &NodeRoot::host(), Some(&cache));
    let states: Vec<&DirState> = scan.dirs.iter().map(|(_, s)| s).collect();
    assert_eq!(
        states,
        [
            &DirState::Ok,
            &DirState::Missing,
            &DirState::Ok,
            &DirState::Repeated
        ]
    );
    let got: Vec<(String, bool, bool)> = scan
        .plugins
        .iter()
        .map(|p| (p.name.clone(), p.executable, p.shadowed_by.is_some()))
        .collect();
    assert_eq!(
        got,
        [
            ("bridge".to_string(), true, false),
            ("notes.txt".to_string(), false, false),
            ("bridge".to_string(), true, true),
            ("ptp".to_string(), true, false),
        ]
    );
    assert_eq!(
        scan.plugins[2].shadowed_by.as_deref(),
        Some(a.path().join("bridge").as_path())
    );
    assert_eq!(scan.plugins[1].versions, None, "not executable: not run");
    assert_eq!(
        scan.plugins[3].versions,
        Some(Ok(vec!["1.0.0".to_string()]))
    );
    // Both bridges and ptp ran, once each; notes.txt did not.
    assert_eq!(exec.calls().len(), 3);
}

#[test]
fn netns_states() {
    use super::attachments::netns_state;
    let d = tempfile::tempdir().unwrap();
    let file = write(d.path(), "placeholder", "");
    assert_eq!(netns_state(""), NetnsState::NotRecorded);
    assert!(matches!(
        netns_state("var/run/netns/x"),
        NetnsState::Unknown(_)
    ));
    assert_eq!(
        netns_state(&d.path().join("gone").to_string_lossy()),
        NetnsState::Missing
    );
    assert!(matches!(
        netns_state(&file.to_string_lossy()),
        NetnsState::NotANamespace(_)
    ));
    assert!(matches!(
        netns_state(&d.path().to_string_lossy()),
        NetnsState::NotANamespace(_)
    ));
    // Another process's namespace file (the test runner's): only looked at, never entered.
    let parent = nix::unistd::getppid();
    assert_eq!(
        netns_state(&format!("/proc/{parent}/ns/net")),
        NetnsState::Exists
    );
    assert!(matches!(
        netns_state(&format!("/proc/{parent}/ns/uts")),
        NetnsState::NotANamespace(w) if w.contains("uts")
    ));
    // A path that names the reader's own namespace proves nothing about the attachment.
    let own = netns_state("/proc/self/ns/net");
    assert!(matches!(own, NetnsState::ReaderDependent(_)), "{own:?}");
    assert_eq!(super::attachments::state_word(&own), "reader-dependent");
}
