//! The config-loading edge cases of cni-digest.md §10 (cases 1-22), as `cnictl validate` sees
//! them: what libcni selects or refuses becomes the version that is checked, or a finding at
//! the right place. Library API, temp dirs, fake plugins answered by a recording fake.

use cnictl::invoke::fake::RecordingExec;
use cnictl::invoke::{ExecLimits, ExecOutput, VersionCache};
use cnictl::validate::{validate, Input, Options, Report};
use std::path::Path;

/// Writes `files` into a temp dir (subdirectories allowed) and validates the dir statically.
fn check(files: &[(&str, &str)]) -> (tempfile::TempDir, Report) {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let opts = Options {
        cni_path: Vec::new(),
        node_root: cnictl::noderoot::NodeRoot::host(),
        inputs_on_node: false,
        versions: None,
        per_file: false,
    };
    let report = validate(&[Input::Path(dir.path().to_path_buf())], &opts).unwrap();
    (dir, report)
}

/// (rule, file name, line, column) of every finding.
fn found(dir: &Path, r: &Report) -> Vec<(String, String, usize, usize)> {
    r.diagnostics
        .iter()
        .map(|d| {
            (
                d.rule.to_string(),
                d.file.strip_prefix(dir).unwrap().display().to_string(),
                d.line,
                d.column,
            )
        })
        .collect()
}

fn rules(r: &Report) -> Vec<&str> {
    r.diagnostics.iter().map(|d| d.rule).collect()
}

/// Validates one conflist with a fake "noop" plugin supporting `supported`; returns the
/// findings and the version the plugin was checked against (from the message).
fn with_plugin(conflist: &str, supported: &[&str]) -> Report {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("10-x.conflist"), conflist).unwrap();
    let bin = tempfile::tempdir().unwrap();
    let noop = bin.path().join("noop");
    std::fs::write(&noop, "").unwrap();
    std::fs::set_permissions(&noop, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let answer =
        serde_json::json!({"cniVersion": "1.1.0", "supportedVersions": supported}).to_string();
    let exec = RecordingExec::new(move |_| Ok(ExecOutput::exited(0, answer.clone(), "")));
    let cache = VersionCache::new(&exec, Vec::new(), ExecLimits::default());
    let opts = Options {
        cni_path: vec![bin.path().to_path_buf()],
        node_root: cnictl::noderoot::NodeRoot::host(),
        inputs_on_node: false,
        versions: Some(&cache),
        per_file: false,
    };
    validate(&[Input::Path(dir.path().to_path_buf())], &opts).unwrap()
}

const NOOP: &str = r#"[{"type": "noop"}]"#;

#[test]
fn case_1_2_cni_versions_selects_the_highest_known() {
    // Selected 1.1.0: a plugin with 1.1.0 is fine, one without it is not, and the message
    // says libcni picked it from cniVersions. 99.0.0 is dropped, not reported as newer.
    for extra in ["", ", \"99.0.0\""] {
        let list = format!(
            r#"{{"name": "test", "cniVersion": "0.4.0", "cniVersions": ["1.1.0", "0.4.0", "1.0.0"{extra}], "plugins": {NOOP}}}"#
        );
        assert!(with_plugin(&list, &["0.4.0", "1.0.0", "1.1.0"])
            .diagnostics
            .is_empty());
        let r = with_plugin(&list, &["0.4.0", "1.0.0"]);
        assert_eq!(rules(&r), ["plugin-version-unsupported"]);
        assert!(
            r.diagnostics[0].message.contains("\"1.1.0\""),
            "{}",
            r.diagnostics[0].message
        );
        assert!(
            r.diagnostics[0].message.contains("cniVersions"),
            "{}",
            r.diagnostics[0].message
        );
    }
}

#[test]
fn case_3_unparseable_cni_versions_entry() {
    let (dir, r) = check(&[(
        "10-x.conflist",
        "{\"cniVersion\": \"1.0.0\", \"name\": \"test\",\n \"cniVersions\": [\"1.0.0\", \"1.0.f\"], \"plugins\": [{\"type\": \"noop\"}]}",
    )]);
    assert_eq!(
        found(dir.path(), &r),
        [(
            "cni-version-invalid".to_string(),
            "10-x.conflist".to_string(),
            2,
            27
        )]
    );
}

#[test]
fn case_4_version_without_cni_versions_stays_as_written() {
    let (_, r) = check(&[(
        "10-x.conflist",
        r#"{"cniVersion": "1.2.3", "name": "t", "plugins": [{"type": "noop"}]}"#,
    )]);
    assert_eq!(rules(&r), ["cni-version-newer"]);
    assert!(r.diagnostics[0].message.contains("\"1.2.3\""));
}

#[test]
fn case_5_7_cni_version_joins_the_candidates() {
    // 5: cniVersion 1.0.0 beats the entries; the plugin is checked against 1.0.0.
    let r = with_plugin(
        &format!(
            r#"{{"cniVersion": "1.0.0", "cniVersions": ["0.1.0", "0.4.0"], "name": "t", "plugins": {NOOP}}}"#
        ),
        &["0.4.0", "1.0.0"],
    );
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    // 7: cniVersion 2.0.0 is too new to be a candidate; 0.4.0 is selected (no newer warning).
    let list = format!(
        r#"{{"cniVersion": "2.0.0", "cniVersions": ["0.4.0"], "name": "t", "plugins": {NOOP}}}"#
    );
    assert!(with_plugin(&list, &["0.4.0"]).diagnostics.is_empty());
    let r = with_plugin(&list, &["1.0.0"]);
    assert_eq!(rules(&r), ["plugin-version-unsupported"]);
    assert!(r.diagnostics[0].message.contains("\"0.4.0\""));
}

#[test]
fn case_6_empty_cni_versions_and_no_cni_version() {
    let (_, r) = check(&[(
        "10-x.conflist",
        r#"{"cniVersions": [], "name": "t", "plugins": [{"type": "noop"}]}"#,
    )]);
    assert_eq!(rules(&r), ["cni-version-missing"]);
}

#[test]
fn case_8_string_flags() {
    let flag = |v: &str| {
        check(&[(
            "10-x.conflist",
            &format!(r#"{{"cniVersion": "1.0.0", "name": "t", "disableCheck": {v}, "disableGC": {v}, "loadOnlyInlinedPlugins": {v}, "plugins": [{{"type": "noop"}}]}}"#),
        )])
        .1
    };
    for v in [r#""true""#, r#""false""#, r#""TRUE""#] {
        assert_eq!(rules(&flag(v)), ["string-boolean"; 3], "{v}");
    }
    let r = flag(r#""adsfasdfasf""#);
    assert_eq!(rules(&r), ["flag-value"; 3]);
    assert!(r.diagnostics[0].message.contains("\"adsfasdfasf\""));
    assert_eq!(rules(&flag("1")), ["wrong-type"; 3]);
    assert!(flag("true").diagnostics.is_empty());
}

#[test]
fn case_9_only_inlined_without_plugins() {
    let (_, r) = check(&[
        (
            "10-x.conflist",
            r#"{"cniVersion": "1.0.0", "name": "t", "loadOnlyInlinedPlugins": true}"#,
        ),
        // Not read: only inlined plugins count.
        ("t/10-p.conf", r#"{"type": "noop"}"#),
    ]);
    assert_eq!(rules(&r), ["no-plugins"]);
    assert!(r.diagnostics[0].message.contains("loadOnlyInlinedPlugins"));
}

#[test]
fn case_10_13_plugin_subdirectory() {
    // 10: no plugins key, one plugin in the subdirectory: clean, and the file is checked.
    let (dir, r) = check(&[
        (
            "10-x.conflist",
            r#"{"cniVersion": "1.0.0", "name": "some-network"}"#,
        ),
        (
            "some-network/funky-second-plugin.conf",
            r#"{"type": "noop"}"#,
        ),
    ]);
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    assert!(r
        .files
        .contains(&dir.path().join("some-network/funky-second-plugin.conf")));
    // 13: inline plus subdirectory plugins are one chain (tuning after loopback is fine);
    // a .json file there is ignored; subdirectory findings point into their own file.
    let (dir, r) = check(&[
        (
            "10-x.conflist",
            r#"{"cniVersion": "1.0.0", "name": "n", "plugins": [{"type": "loopback"}]}"#,
        ),
        (
            "n/10-tuning.conf",
            "{\n  \"type\": \"tuning\",\n  \"mtuu\": 1400\n}",
        ),
        ("n/20-ignored.json", "{ broken"),
    ]);
    assert_eq!(
        found(dir.path(), &r),
        [(
            "unknown-key".to_string(),
            "n/10-tuning.conf".to_string(),
            3,
            3
        )]
    );
    // With loadOnlyInlinedPlugins the subdirectory is not read at all.
    let (_, r) = check(&[
        (
            "10-x.conflist",
            r#"{"cniVersion": "1.0.0", "name": "n", "loadOnlyInlinedPlugins": true, "plugins": [{"type": "loopback"}]}"#,
        ),
        ("n/10-broken.conf", "{ broken"),
    ]);
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    // A subdirectory plugin that needs a previous result is fine after the inline ones...
    let (_, r) = check(&[
        ("10-x.conflist", r#"{"cniVersion": "1.0.0", "name": "n"}"#),
        (
            "n/10-portmap.conf",
            r#"{"type": "portmap", "capabilities": {"portMappings": true}}"#,
        ),
    ]);
    // ...but not as the first plugin of the chain.
    assert_eq!(rules(&r), ["chained-only-first"]);
}

#[test]
fn case_11_12_no_plugins() {
    let (dir, r) = check(&[
        ("10-x.conflist", r#"{"cniVersion": "1.0.0", "name": "a"}"#),
        (
            "20-y.conflist",
            r#"{"cniVersion": "1.0.0", "name": "b", "plugins": []}"#,
        ),
    ]);
    assert_eq!(
        found(dir.path(), &r),
        [
            ("no-plugins".to_string(), "10-x.conflist".to_string(), 1, 1),
            ("no-plugins".to_string(), "20-y.conflist".to_string(), 1, 49)
        ]
    );
}

#[test]
fn case_14_21_plugin_without_type() {
    let (dir, r) = check(&[
        (
            "10-x.conflist",
            r#"{"cniVersion": "1.0.0", "name": "a", "plugins": [{"type": "loopback"}, {"mtu": 1}]}"#,
        ),
        ("20-y.json", r#"{"cniVersion": "1.0.0", "name": "b"}"#),
    ]);
    assert_eq!(
        found(dir.path(), &r),
        [
            (
                "type-missing".to_string(),
                "10-x.conflist".to_string(),
                1,
                72
            ),
            ("type-missing".to_string(), "20-y.json".to_string(), 1, 1)
        ]
    );
}

#[test]
fn case_18_conflist_beats_conf_of_the_same_name() {
    let (dir, r) = check(&[
        (
            "49-whatever.conf",
            r#"{"cniVersion": "1.0.0", "name": "some-network", "type": "loopback"}"#,
        ),
        (
            "50-whatever.conflist",
            r#"{"cniVersion": "1.0.0", "name": "some-network", "plugins": [{"type": "loopback"}]}"#,
        ),
    ]);
    assert_eq!(
        found(dir.path(), &r),
        [(
            "conflist-shadows-conf".to_string(),
            "49-whatever.conf".to_string(),
            1,
            33
        )]
    );
    let m = &r.diagnostics[0].message;
    assert!(
        m.contains("50-whatever.conflist") && m.contains("containerd"),
        "{m}"
    );
}

#[test]
fn case_19_20_broken_file_and_nested_dirs() {
    // A broken file is reported where it breaks and does not stop the other files; configs
    // two directories down are not scanned.
    let (dir, r) = check(&[
        ("00-bad.conflist", "{"),
        (
            "10-good.conflist",
            r#"{"cniVersion": "1.0.0", "name": "n", "plugins": [{"type": "loopback"}]}"#,
        ),
        ("subdir1/subdir2/10-x.conflist", "{"),
    ]);
    assert_eq!(
        found(dir.path(), &r),
        [(
            "json-syntax".to_string(),
            "00-bad.conflist".to_string(),
            1,
            1
        )]
    );
    assert_eq!(r.diagnostics[0].message, "EOF while parsing an object");
    assert_eq!(r.files.len(), 2);
}

#[test]
fn case_22_false_capabilities_are_fine() {
    let (_, r) = check(&[(
        "10-x.conf",
        r#"{"cniVersion": "1.0.0", "name": "n", "type": "x-plugin", "capabilities": {"portMappings": true, "somethingElse": true, "noCapability": false}}"#,
    )]);
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
}

#[test]
fn numbers_go_cannot_hold() {
    let (_, r) = check(&[(
        "10-x.conflist",
        r#"{"cniVersion": "1.0.0", "name": "n", "plugins": [{"type": "x", "a": 18446744073709551616, "b": 1e-400, "c": 1e400}]}"#,
    )]);
    assert_eq!(rules(&r), ["number-out-of-range"]);
}
