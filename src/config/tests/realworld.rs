//! Every real-world-shaped configuration (`tests/fixtures/realworld`, the project's own files
//! modelled on what flannel, calico, cilium, containerd, CRI-O, podman, ... install) loads, keeps
//! its plugins' JSON as written, and is found by name. CI checks the full sourced corpus in
//! `../shared/corpus` too, in a step of its own (`.ci/run`).

use super::super::*;
use std::fs;
use std::path::PathBuf;

fn corpus() -> PathBuf {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/realworld"
    ));
    assert!(dir.is_dir(), "the fixtures are missing: {}", dir.display());
    dir
}

#[test]
fn every_realworld_config_loads() {
    let dir = corpus();
    let files = scan(&dir).unwrap();
    // Every file but the README is a configuration, and each is found by the scan.
    let on_disk = fs::read_dir(&dir)
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name() != "README.md")
        .count();
    assert!(on_disk >= 20, "only {on_disk} files in {}", dir.display());
    assert_eq!(files.len(), on_disk, "{}", dir.display());
    let mut count = 0;
    for f in &files {
        let list = match &f.result {
            Ok(l) => l,
            Err(e) => panic!("{e}"),
        };
        count += 1;
        assert!(!list.plugins.is_empty(), "{}", f.path.display());
        assert!(!list.name.is_empty(), "{}", f.path.display());

        // Each plugin's raw JSON is the file's object: compare with serde_json's own parse.
        let text = fs::read(&f.path).unwrap();
        let whole: serde_json::Value = serde_json::from_slice(&text).unwrap();
        let objects: Vec<serde_json::Value> = match f.kind {
            FileKind::List => whole["plugins"].as_array().unwrap().clone(),
            FileKind::Single => vec![whole.clone()],
        };
        assert_eq!(objects.len(), list.plugins.len(), "{}", f.path.display());
        for (p, o) in list.plugins.iter().zip(&objects) {
            assert_eq!(
                &serde_json::Value::Object(p.raw.clone()),
                o,
                "{}",
                f.path.display()
            );
            assert_eq!(Some(p.plugin_type.as_str()), o["type"].as_str());
        }
        if f.kind == FileKind::List {
            assert_eq!(list.bytes, text, "{}", f.path.display());
        }

        // Found by name: the first file of that name in priority order.
        let first = files
            .iter()
            .find(|g| g.name.as_deref() == Some(list.name.as_str()))
            .unwrap();
        let got = load(&dir, &list.name, &LoadOptions::default()).unwrap();
        assert_eq!(got.list.source.as_deref(), Some(first.path.as_path()));
        assert!(got.warnings.is_empty());
    }
    assert_eq!(count, files.len());
}

#[test]
fn realworld_details() {
    let dir = corpus();
    let l = list_from_file(&dir.join("17-microk8s.conflist")).unwrap();
    assert_eq!(l.cni_version, "");
    let l = list_from_file(&dir.join("18-aws-vpc-cni.conflist")).unwrap();
    assert!(l.disable_check);
    let l = conf_from_file(&dir.join("20-ovn-kubernetes.conf")).unwrap();
    assert_eq!(l.plugins[0].ipam_type, None);
    // "bridge" is both 05-minikube.conf and 24-nerdctl.conflist: the conflist wins.
    let got = load(&dir, "bridge", &LoadOptions::default()).unwrap();
    assert!(got.list.source.unwrap().ends_with("24-nerdctl.conflist"));
}
