//! Finding a network by name: libcni's priority and errors, and cnictl's handling of broken
//! files.

use super::super::*;
use super::{tempdir, write};
use std::fs;
use std::path::Path;

const STRICT: LoadOptions = LoadOptions { skip_broken: false };
const SKIP: LoadOptions = LoadOptions { skip_broken: true };

fn conflist(name: &str, types: &[&str]) -> String {
    let plugins: Vec<String> = types
        .iter()
        .map(|t| format!(r#"{{"type":"{t}"}}"#))
        .collect();
    format!(
        r#"{{"cniVersion":"1.0.0","name":"{name}","plugins":[{}]}}"#,
        plugins.join(",")
    )
}

fn single(name: &str, t: &str) -> String {
    format!(r#"{{"cniVersion":"0.4.0","name":"{name}","type":"{t}"}}"#)
}

fn types(l: &NetworkConfigList) -> Vec<&str> {
    l.plugins.iter().map(|p| p.plugin_type.as_str()).collect()
}

#[test]
fn missing_or_empty_dir_case_16() {
    let d = tempdir();
    let missing = d.path().join("nope");
    let e = load(&missing, "x", &STRICT).unwrap_err();
    assert!(matches!(e, ConfigError::NoConfigsFound { .. }));
    assert_eq!(
        e.to_string(),
        format!("no network configurations found in {}", missing.display())
    );
    write(d.path(), "README", "hello");
    write(d.path(), "x.conf.bak", &single("x", "bridge"));
    assert!(matches!(
        load(d.path(), "x", &STRICT).unwrap_err(),
        ConfigError::NoConfigsFound { .. }
    ));
}

#[test]
fn conf_dir_is_a_file() {
    let d = tempdir();
    let f = write(d.path(), "file", "");
    let e = load(&f, "x", &STRICT).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("configuration directory {} is not a directory", f.display())
    );
}

#[test]
fn not_found_lists_networks_case_17() {
    let d = tempdir();
    write(
        d.path(),
        "10-some.conflist",
        &conflist("some-network", &["bridge"]),
    );
    let e = load(d.path(), "some-other-network", &STRICT).unwrap_err();
    assert!(matches!(e, ConfigError::NotFound { .. }));
    assert_eq!(
        e.to_string(),
        format!(
            "no network configuration named \"some-other-network\" in {} (networks there: \"some-network\" in 10-some.conflist)",
            d.path().display()
        )
    );
    write(d.path(), "20-b.conf", &single("b", "bridge"));
    write(d.path(), "05-c.json", &single("c", "ptp"));
    let e = load(d.path(), "zzz", &STRICT).unwrap_err();
    let ConfigError::NotFound {
        networks, skipped, ..
    } = &e
    else {
        panic!("{e}")
    };
    let got: Vec<&str> = networks.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(got, ["some-network", "c", "b"]);
    assert!(skipped.is_empty());
    assert!(e.to_string().ends_with("(networks there: \"some-network\" in 10-some.conflist, \"c\" in 05-c.json, \"b\" in 20-b.conf)"), "{e}");
}

#[test]
fn conflist_beats_conf_case_18() {
    let d = tempdir();
    write(
        d.path(),
        "49-whatever.conf",
        &single("some-network", "bridge"),
    );
    let cl = write(
        d.path(),
        "50-whatever.conflist",
        &conflist("some-network", &["a", "b", "c"]),
    );
    let got = load(d.path(), "some-network", &STRICT).unwrap();
    assert_eq!(types(&got.list), ["a", "b", "c"]);
    assert_eq!(got.list.source.as_deref(), Some(cl.as_path()));
    assert!(got.warnings.is_empty());
    fs::remove_file(&cl).unwrap();
    let got = load(d.path(), "some-network", &STRICT).unwrap();
    assert_eq!(types(&got.list), ["bridge"]);
    // The wrapped list's bytes are the synthetic list, not the file.
    assert!(got
        .list
        .bytes
        .starts_with(br#"{"cniVersion":"0.4.0","name":"some-network","plugins":["#));
}

#[test]
fn first_match_wins_in_byte_order() {
    let d = tempdir();
    write(d.path(), "9-b.conflist", &conflist("net", &["nine"]));
    write(d.path(), "10-a.conflist", &conflist("net", &["ten"]));
    assert_eq!(
        types(&load(d.path(), "net", &STRICT).unwrap().list),
        ["ten"]
    );
    // .conf and .json share one sorted list.
    let d = tempdir();
    write(d.path(), "20.conf", &single("net", "conf"));
    write(d.path(), "10.json", &single("net", "json"));
    assert_eq!(
        types(&load(d.path(), "net", &STRICT).unwrap().list),
        ["json"]
    );
}

#[test]
fn broken_file_of_unknown_network_stops_the_search_case_19() {
    let d = tempdir();
    let bad = write(d.path(), "00-bad.conflist", "{");
    write(
        d.path(),
        "10-good.conflist",
        &conflist("some-network", &["bridge"]),
    );
    let e = load(d.path(), "some-network", &STRICT).unwrap_err();
    assert!(matches!(e, ConfigError::Undecidable { .. }), "{e}");
    assert_eq!(e.path(), Some(bad.as_path()));
    assert_eq!(
        e.to_string(),
        format!(
            "{}:1:1: error parsing configuration list: EOF while parsing an object (cannot tell whether it defines network \"some-network\")",
            bad.display()
        )
    );
    // skip_broken: a warning, and the search goes on.
    let got = load(d.path(), "some-network", &SKIP).unwrap();
    assert_eq!(types(&got.list), ["bridge"]);
    assert_eq!(got.warnings.len(), 1);
    assert_eq!(got.warnings[0].file, bad);
    assert_eq!(got.warnings[0].network, None);
    assert!(got.warnings[0]
        .to_string()
        .ends_with("EOF while parsing an object (skipped)"));

    // The .conf equivalent.
    let d = tempdir();
    let bad = write(d.path(), "00-bad.conf", "{");
    write(d.path(), "10-good.conf", &single("some-network", "bridge"));
    let e = load(d.path(), "some-network", &STRICT).unwrap_err();
    assert!(
        e.to_string().starts_with(&format!(
            "{}:1:1: error parsing configuration: EOF while parsing an object",
            bad.display()
        )),
        "{e}"
    );
    assert_eq!(
        types(&load(d.path(), "some-network", &SKIP).unwrap().list),
        ["bridge"]
    );
}

#[test]
fn broken_file_of_another_network_is_a_warning() {
    let d = tempdir();
    // Valid JSON that fails the spec rules, with a string name.
    let bad1 = write(
        d.path(),
        "00-a.conflist",
        r#"{"name":"other","plugins":[]}"#,
    );
    // A syntax error; the lenient scan still finds the name.
    let bad2 = write(
        d.path(),
        "01-b.conflist",
        "{\"name\": \"third\", \"plugins\": [{\"type\": \"x\",}]}",
    );
    // A conflist saved as .conf (no 'type'), defining another network.
    let bad3 = write(d.path(), "00-c.conf", &conflist("fourth", &["x"]));
    write(d.path(), "10-good.conf", &single("mine", "bridge"));
    let got = load(d.path(), "mine", &STRICT).unwrap();
    assert_eq!(types(&got.list), ["bridge"]);
    let w: Vec<(&Path, Option<&str>)> = got
        .warnings
        .iter()
        .map(|w| (w.file.as_path(), w.network.as_deref()))
        .collect();
    assert_eq!(
        w,
        [
            (bad1.as_path(), Some("other")),
            (bad2.as_path(), Some("third")),
            (bad3.as_path(), Some("fourth"))
        ]
    );
    assert_eq!(
        got.warnings[0].to_string(),
        format!(
            "{}: error parsing configuration list: no plugins in list (skipped; it defines network \"other\")",
            bad1.display()
        )
    );
    assert!(
        got.warnings[2]
            .message
            .contains("needs the .conflist extension"),
        "{}",
        got.warnings[2].message
    );
}

#[test]
fn broken_match_is_an_error() {
    let d = tempdir();
    let bad = write(
        d.path(),
        "00-mine.conflist",
        "{\"name\":\"mine\",\n\"plugins\":[{\"type\":\"x\"}],,}",
    );
    write(d.path(), "10-mine.conflist", &conflist("mine", &["later"]));
    let e = load(d.path(), "mine", &STRICT).unwrap_err();
    assert!(matches!(e, ConfigError::List { .. }), "{e}");
    assert_eq!(
        e.to_string(),
        format!(
            "{}:2:26: error parsing configuration list: key must be a string",
            bad.display()
        )
    );
    // skip_broken skips even the broken file of the network asked for.
    let got = load(d.path(), "mine", &SKIP).unwrap();
    assert_eq!(types(&got.list), ["later"]);
    assert_eq!(got.warnings[0].network.as_deref(), Some("mine"));

    // A match whose plugin subdirectory is broken.
    let d = tempdir();
    let f = write(d.path(), "10.conflist", &conflist("mine", &["x"]));
    write(d.path(), "mine/1.conf", "not json");
    let e = load(d.path(), "mine", &STRICT).unwrap_err();
    assert_eq!(
        e.path(),
        Some(d.path().join("mine/1.conf").as_path()),
        "{e}"
    );
    let _ = f;
}

#[test]
fn unreadable_file_of_unknown_network() {
    let d = tempdir();
    // A directory behind a symlink with a config name: listed, but reading it fails (root
    // cannot read it either).
    fs::create_dir(d.path().join("realdir")).unwrap();
    std::os::unix::fs::symlink(d.path().join("realdir"), d.path().join("00-link.conflist"))
        .unwrap();
    write(d.path(), "10.conflist", &conflist("net", &["x"]));
    let e = load(d.path(), "net", &STRICT).unwrap_err();
    assert!(
        matches!(&e, ConfigError::Undecidable { cause, .. } if matches!(**cause, ConfigError::Read { .. })),
        "{e}"
    );
    assert!(e.to_string().starts_with(&format!(
        "error reading {}: ",
        d.path().join("00-link.conflist").display()
    )));
    let got = load(d.path(), "net", &SKIP).unwrap();
    assert_eq!(got.warnings.len(), 1);
}

#[test]
fn not_found_names_twenty_networks_and_counts_the_rest() {
    let d = tempdir();
    for i in 0..25 {
        write(
            d.path(),
            &format!("{i:02}.conflist"),
            &conflist(&format!("n{i:02}"), &["bridge"]),
        );
    }
    let e = load(d.path(), "missing", &STRICT).unwrap_err();
    let ConfigError::NotFound { networks, .. } = &e else {
        panic!("{e}")
    };
    // The error keeps them all; its message names the first twenty.
    assert_eq!(networks.len(), 25);
    let text = e.to_string();
    assert!(
        text.contains("\"n19\" in 19.conflist and 5 more; 'cnictl ls' lists them all)"),
        "{text}"
    );
    assert!(!text.contains("\"n20\""), "{text}");
}

#[test]
fn many_files_are_looked_up_in_order_with_the_same_verdicts() {
    // Enough files for the lookup to share them among threads: a broken file of another
    // network is still a warning, in order, and the first match still wins.
    let d = tempdir();
    for i in 0..300 {
        write(
            d.path(),
            &format!("{i:03}.conflist"),
            &conflist(&format!("n{i:03}"), &["bridge"]),
        );
    }
    write(d.path(), "100.conflist", r#"{"name":"n100","plugins":[]}"#);
    write(d.path(), "150.conflist", "{");
    write(d.path(), "200-dup.conflist", &conflist("n250", &["ptp"]));
    write(d.path(), "250.conflist", &conflist("n250", &["bridge"]));
    // A subdirectory of plugins for one of them: the probe leaves it to the full load.
    write(d.path(), "n050/extra.conf", r#"{"type":"tuning"}"#);
    let got = load(d.path(), "n250", &SKIP).unwrap();
    assert_eq!(types(&got.list), ["ptp"]);
    let warned: Vec<String> = got
        .warnings
        .iter()
        .map(|w| w.file.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(warned, ["100.conflist", "150.conflist"]);
    let n050 = load(d.path(), "n050", &STRICT).unwrap();
    assert_eq!(types(&n050.list), ["bridge", "tuning"]);
    // Strict: the broken file of unknown name at 150 stops a lookup of a later network...
    let e = load(d.path(), "n299", &STRICT).unwrap_err();
    assert!(matches!(e, ConfigError::Undecidable { .. }), "{e}");
    // ...but not of an earlier one.
    assert!(load(d.path(), "n120", &STRICT).is_ok());
    // Not found: every network in order, 299 good files (the duplicate name twice).
    let e = load(d.path(), "zzz", &SKIP).unwrap_err();
    let ConfigError::NotFound {
        networks, skipped, ..
    } = &e
    else {
        panic!("{e}")
    };
    assert_eq!(skipped.len(), 2);
    assert_eq!(networks.len(), 299);
    let names: Vec<&str> = networks.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(&names[..3], ["n000", "n001", "n002"]);
    // 100 and 150 are broken; "200-dup" sorts before "200.conflist".
    assert_eq!(names[198], "n250");
    assert_eq!(networks[198].file, d.path().join("200-dup.conflist"));
    assert_eq!(names[199], "n200");
    assert_eq!(names[298], "n299");
}

#[test]
fn a_list_whose_name_cannot_name_its_plugin_directory_is_still_warned_about() {
    // The full load reads the plugin subdirectory `<dir>/<name>`: a name longer than a file
    // name may be fails there, which the lookup must report as before, not pass over.
    let d = tempdir();
    let long = "x".repeat(300);
    write(d.path(), "a.conflist", &conflist(&long, &["bridge"]));
    write(d.path(), "b.conflist", &conflist("want", &["bridge"]));
    let got = load(d.path(), "want", &STRICT).unwrap();
    assert_eq!(got.warnings.len(), 1, "{:?}", got.warnings);
    assert!(got.warnings[0]
        .message
        .contains("failed to read plugin config files"));
    // A name that only differs in case from an entry of the directory takes the full load
    // too (a file system may ignore case); on this one it loads.
    write(d.path(), "c.conflist", &conflist("Sub", &["bridge"]));
    write(d.path(), "sub/extra.conf", r#"{"type":"tuning"}"#);
    let got = load(d.path(), "zzz", &SKIP).unwrap_err();
    let ConfigError::NotFound { networks, .. } = &got else {
        panic!("{got}")
    };
    assert!(networks.iter().any(|n| n.name == "Sub"));
}

#[test]
fn files_after_the_match_are_not_read() {
    let d = tempdir();
    write(d.path(), "10.conflist", &conflist("net", &["x"]));
    write(d.path(), "20-bad.conflist", "{");
    write(d.path(), "30-bad.conf", "garbage");
    let got = load(d.path(), "net", &STRICT).unwrap();
    assert!(got.warnings.is_empty());
}

#[test]
fn not_found_reports_skipped_files() {
    let d = tempdir();
    write(d.path(), "00.conflist", r#"{"name":"other","plugins":[]}"#);
    write(d.path(), "01.conflist", "{");
    write(d.path(), "10.conf", &single("real", "bridge"));
    let e = load(d.path(), "missing", &SKIP).unwrap_err();
    let ConfigError::NotFound { skipped, .. } = &e else {
        panic!("{e}")
    };
    assert_eq!(skipped.len(), 2);
    assert!(
        e.to_string().ends_with(
            "(networks there: \"real\" in 10.conf); broken files skipped: 00.conflist (network \"other\"), 01.conflist"
        ),
        "{e}"
    );
    // Only broken files of other networks: not found, nothing loads.
    let d = tempdir();
    write(d.path(), "00.conflist", r#"{"name":"other","plugins":[]}"#);
    let e = load(d.path(), "missing", &STRICT).unwrap_err();
    assert!(
        e.to_string()
            .contains("(no network there loads); broken files skipped: 00.conflist"),
        "{e}"
    );
}

#[test]
fn nested_configs_are_not_found_case_20() {
    let d = tempdir();
    write(
        d.path(),
        "subdir1/subdir2/10.conflist",
        &conflist("deep", &["x"]),
    );
    write(d.path(), "10.conflist", &conflist("top", &["x"]));
    let e = load(d.path(), "deep", &STRICT).unwrap_err();
    assert!(matches!(e, ConfigError::NotFound { .. }), "{e}");
}

#[test]
fn json_extension_case_21() {
    let d = tempdir();
    write(d.path(), "10.json", &single("jsonnet", "bridge"));
    assert_eq!(
        types(&load(d.path(), "jsonnet", &STRICT).unwrap().list),
        ["bridge"]
    );
    let d = tempdir();
    let f = write(
        d.path(),
        "10.json",
        r#"{"name":"jsonnet","cniVersion":"0.4.0"}"#,
    );
    assert_eq!(
        load(d.path(), "jsonnet", &STRICT).unwrap_err().to_string(),
        format!(
            "{}: error parsing configuration: missing 'type'",
            f.display()
        )
    );
}

#[test]
fn single_conf_capabilities_case_22() {
    let d = tempdir();
    write(
        d.path(),
        "10.conf",
        r#"{"name":"caps","type":"x","capabilities":{"portMappings":true,"somethingElse":true,"noCapability":false}}"#,
    );
    let l = load(d.path(), "caps", &STRICT).unwrap().list;
    assert_eq!(l.plugins[0].capabilities, ["portMappings", "somethingElse"]);
    assert_eq!(
        l.plugins[0].raw["capabilities"]["noCapability"],
        serde_json::Value::Bool(false)
    );
}
