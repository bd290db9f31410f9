//! `cnictl inspect` without root: cnictl's own namespace (inspect only reads, so it may look
//! there), a namespace that does not exist, and the JSON checked against its schema.

mod common;
#[path = "common/inspect_schema.rs"]
mod inspect_schema;

use inspect_schema::{assert_valid_inspect, inspect_schema_errors};

use common::{cnictl_bin, Run};
use std::process::Command;

fn inspect(cache: &std::path::Path, args: &[&str]) -> Run {
    Run::from(
        Command::new(cnictl_bin())
            .env_clear()
            .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
            .arg("--cache-dir")
            .arg(cache)
            .arg("inspect")
            .args(args)
            .output()
            .expect("run cnictl"),
    )
}

#[test]
fn own_namespace_is_read_and_its_json_follows_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    let out = inspect(dir.path(), &["/proc/self/ns/net", "-o", "json"]);
    // With an empty cache, every link but loopback is unexplained: exit 1 exactly when there is one.
    let v = out.json();
    assert_valid_inspect(&v);
    let links = v["links"].as_array().expect("links");
    assert!(
        links.iter().any(|l| l["name"] == "lo" && l["index"] == 1),
        "loopback not read: {}",
        out.stdout
    );
    let others = links.iter().filter(|l| l["name"] != "lo").count();
    assert_eq!(v["differences"].as_array().unwrap().len(), others);
    assert_eq!(out.code, if others == 0 { 0 } else { 1 }, "{}", out.stderr);
    assert_eq!(v["matches"], others == 0);

    // The schema is no rubber stamp: a state word in the wrong case, a missing key and an
    // unknown difference kind are each caught.
    let mut bad = v.clone();
    bad["links"][0]["state"] = "UP".into();
    assert!(!inspect_schema_errors(&bad).is_empty());
    let mut bad = v.clone();
    bad.as_object_mut().unwrap().remove("routes");
    assert!(!inspect_schema_errors(&bad).is_empty());
    let mut bad = v.clone();
    bad["differences"] =
        serde_json::json!([{"kind": "addressMissing", "subject": "x", "attachment": null}]);
    assert!(!inspect_schema_errors(&bad).is_empty());
}

#[test]
fn a_missing_namespace_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = inspect(dir.path(), &[dir.path().join("nope").to_str().unwrap()]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("does not exist"), "{}", out.stderr);
    let out = inspect(dir.path(), &["/proc/self/ns/uts"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("uts namespace"), "{}", out.stderr);
}
