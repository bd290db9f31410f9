//! Directory scanning (`ConfFiles`), plugin subdirectories and `scan`.

use super::super::*;
use super::{tempdir, write};
use std::fs;
use std::path::PathBuf;

fn names(files: &[PathBuf]) -> Vec<String> {
    files
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn conf_files_extension_and_order() {
    let d = tempdir();
    for f in [
        "9-b.conflist",
        "10-a.conflist",
        "A.conflist",
        "x.conf.bak",
        "X.CONFLIST",
        ".conflist",
        "y.conf",
        "z.json",
        "noext",
    ] {
        write(d.path(), f, "{}");
    }
    fs::create_dir(d.path().join("dir.conflist")).unwrap();
    write(d.path(), "sub/inner.conflist", "{}");
    std::os::unix::fs::symlink(d.path().join("sub"), d.path().join("link.conflist")).unwrap();

    let got = conf_files(d.path(), &[".conflist"]).unwrap();
    assert_eq!(
        names(&got),
        [
            ".conflist",
            "10-a.conflist",
            "9-b.conflist",
            "A.conflist",
            "link.conflist"
        ]
    );
    assert!(got.iter().all(|p| p.parent() == Some(d.path())));
    assert_eq!(
        names(&conf_files(d.path(), &[".conf", ".json"]).unwrap()),
        ["y.conf", "z.json"]
    );
    // Missing directory: no files, no error.
    assert!(conf_files(&d.path().join("missing"), &[".conf"])
        .unwrap()
        .is_empty());
    // A file where the directory should be: an error.
    assert!(conf_files(&d.path().join("y.conf"), &[".conf"]).is_err());
}

#[test]
fn subdirectory_plugins_cases_10_11_13() {
    let d = tempdir();
    // 10: no plugins key, one plugin in <dir>/<name>/.
    let f = write(
        d.path(),
        "10.conflist",
        r#"{"name":"some-network","cniVersion":"1.0.0"}"#,
    );
    let p = write(
        d.path(),
        "some-network/funky-second-plugin.conf",
        r#"{"type":"funky","x":1e400}"#,
    );
    let l = list_from_file(&f).unwrap();
    assert_eq!(l.plugins.len(), 1);
    assert_eq!(l.plugins[0].plugin_type, "funky");
    assert_eq!(l.plugins[0].source, p);
    assert_eq!(l.source.as_deref(), Some(f.as_path()));
    // The list's bytes are the file's, without the subdirectory's plugins.
    assert_eq!(l.bytes, fs::read(&f).unwrap());

    // 11: no plugins and no subdirectory.
    let f = write(d.path(), "11.conflist", r#"{"name":"lonely"}"#);
    let e = list_from_file(&f).unwrap_err();
    assert!(matches!(e, ConfigError::NoPluginConfigs { .. }));
    assert_eq!(
        e.to_string(),
        format!("{}: no plugin configs found", f.display())
    );

    // 13: inline first, then the subdirectory (sorted, .conf only).
    let f = write(
        d.path(),
        "13.conflist",
        r#"{"name":"net13","plugins":[{"type":"host-local"}]}"#,
    );
    write(d.path(), "net13/20-b.conf", r#"{"type":"second"}"#);
    write(d.path(), "net13/10-a.conf", r#"{"type":"first"}"#);
    write(d.path(), "net13/30-c.json", r#"{"type":"ignored"}"#);
    write(d.path(), "net13/deeper/40.conf", r#"{"type":"ignored"}"#);
    let types = |l: NetworkConfigList| {
        l.plugins
            .into_iter()
            .map(|p| p.plugin_type)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        types(list_from_file(&f).unwrap()),
        ["host-local", "first", "second"]
    );
    let f = write(
        d.path(),
        "13.conflist",
        r#"{"name":"net13","loadOnlyInlinedPlugins":true,"plugins":[{"type":"host-local"}]}"#,
    );
    assert_eq!(types(list_from_file(&f).unwrap()), ["host-local"]);
    let f = write(
        d.path(),
        "13e.conflist",
        r#"{"name":"empty13","plugins":[{"type":"host-local"}]}"#,
    );
    fs::create_dir(d.path().join("empty13")).unwrap();
    assert_eq!(types(list_from_file(&f).unwrap()), ["host-local"]);
}

#[test]
fn subdirectory_errors() {
    let d = tempdir();
    // A broken plugin file in the subdirectory: the error names that file.
    let f = write(
        d.path(),
        "a.conflist",
        r#"{"name":"neta","plugins":[{"type":"x"}]}"#,
    );
    let bad = write(d.path(), "neta/1.conf", r#"{"name":"whatever"}"#);
    let e = list_from_file(&f).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "{}: error parsing configuration: missing 'type'",
            bad.display()
        )
    );
    // The subdirectory path is a file: it cannot be read.
    let f = write(
        d.path(),
        "b.conflist",
        r#"{"name":"netb","plugins":[{"type":"x"}]}"#,
    );
    write(d.path(), "netb", "not a directory");
    let e = list_from_file(&f).unwrap_err();
    assert!(matches!(e, ConfigError::ReadPluginDir { .. }), "{e}");
    assert!(e.to_string().starts_with(&format!(
        "failed to read plugin config files in {}: ",
        d.path().join("netb").display()
    )));
    // A name that would escape the directory is refused before it is used as a path.
    write(d.path(), "outside/evil.conf", r#"{"type":"evil"}"#);
    write(d.path(), "conf/keep", "");
    let f = write(
        d.path(),
        "conf/c.conflist",
        r#"{"name":"../outside","plugins":[{"type":"x"}]}"#,
    );
    let e = list_from_file(&f).unwrap_err();
    assert!(matches!(e, ConfigError::BadNetworkName { .. }), "{e}");
    assert_eq!(
        e.to_string(),
        format!(
            "{}: network name \"../outside\" cannot name a plugin subdirectory: invalid characters found in network name; ../outside",
            f.display()
        )
    );
    // A name that breaks the network-name rule but is one path component loads as in libcni
    // (only ADD refuses it), with its subdirectory.
    write(d.path(), "conf/x y/extra.conf", r#"{"type":"extra"}"#);
    let f = write(
        d.path(),
        "conf/e.conflist",
        r#"{"name":"x y","plugins":[{"type":"x"}]}"#,
    );
    assert_eq!(list_from_file(&f).unwrap().plugins.len(), 2);
    // ...unless no subdirectory is read.
    let f = write(
        d.path(),
        "conf/c.conflist",
        r#"{"name":"../outside","loadOnlyInlinedPlugins":"true","plugins":[{"type":"x"}]}"#,
    );
    assert_eq!(list_from_file(&f).unwrap().plugins.len(), 1);
    // An empty name would make the conf dir itself the plugin directory.
    let f = write(
        d.path(),
        "conf/d.conflist",
        r#"{"name":"","plugins":[{"type":"x"}]}"#,
    );
    assert!(matches!(
        list_from_file(&f).unwrap_err(),
        ConfigError::BadNetworkName { .. }
    ));
}

#[test]
fn scan_lists_every_file_in_priority_order() {
    let d = tempdir();
    write(d.path(), "50-b.conf", r#"{"name":"b","type":"bridge"}"#);
    write(d.path(), "10-z.json", r#"{"name":"z","type":"bridge"}"#);
    write(
        d.path(),
        "90-a.conflist",
        r#"{"name":"a","plugins":[{"type":"x"}]}"#,
    );
    write(
        d.path(),
        "00-bad.conflist",
        r#"{"name":"broken","plugins":[{"type":"x"},]}"#,
    );
    write(d.path(), "README.md", "not a config");
    let got = scan(d.path()).unwrap();
    let summary: Vec<(String, FileKind, Option<String>, bool)> = got
        .iter()
        .map(|s| {
            (
                s.path.file_name().unwrap().to_string_lossy().into_owned(),
                s.kind,
                s.name.clone(),
                s.result.is_ok(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "00-bad.conflist".to_string(),
                FileKind::List,
                Some("broken".to_string()),
                false
            ),
            (
                "90-a.conflist".to_string(),
                FileKind::List,
                Some("a".to_string()),
                true
            ),
            (
                "10-z.json".to_string(),
                FileKind::Single,
                Some("z".to_string()),
                true
            ),
            (
                "50-b.conf".to_string(),
                FileKind::Single,
                Some("b".to_string()),
                true
            ),
        ]
    );
    assert!(scan(&d.path().join("missing")).unwrap().is_empty());
    assert!(matches!(
        scan(&d.path().join("README.md")).unwrap_err(),
        ConfigError::NotADirectory { .. }
    ));
}

#[test]
fn a_fifo_named_like_a_config_is_an_error_not_a_hang() {
    let d = tempdir();
    write(
        d.path(),
        "20-good.conflist",
        r#"{"name":"good","plugins":[{"type":"x"}]}"#,
    );
    let fifo = d.path().join("10-pipe.conflist");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("run mkfifo");
    assert!(made.success(), "mkfifo failed");
    // the FIFO sorts first: reading it must fail at once, never wait for a writer
    let start = std::time::Instant::now();
    let e = crate::config::load(d.path(), "good", &LoadOptions::default()).unwrap_err();
    assert!(start.elapsed() < std::time::Duration::from_secs(5));
    assert!(e.to_string().contains("not a regular file (a FIFO)"), "{e}");
    // with --skip-broken it is skipped and the good network loads
    let opts = LoadOptions { skip_broken: true };
    let loaded = crate::config::load(d.path(), "good", &opts).unwrap();
    assert_eq!(loaded.list.name, "good");
    // a device named like a config is refused the same way, never read
    let zero = d.path().join("05-zero.conflist");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    let e = crate::config::list_from_file(&zero).unwrap_err();
    assert!(
        e.to_string()
            .ends_with("not a regular file (a character device)"),
        "{e}"
    );
}

#[test]
fn a_config_over_the_cap_is_not_read() {
    let d = tempdir();
    let big = d.path().join("10-big.conflist");
    // Sparse: nothing of it is written to disk.
    fs::File::create(&big)
        .unwrap()
        .set_len(crate::safe_read::MAX_INPUT_BYTES + 1)
        .unwrap();
    let e = crate::config::list_from_file(&big).unwrap_err();
    assert!(
        matches!(
            &e,
            ConfigError::Read {
                cause: crate::safe_read::ReadError::TooLarge { size: Some(n), .. },
                ..
            } if *n == crate::safe_read::MAX_INPUT_BYTES + 1
        ),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        format!(
            "error reading {}: 16777217 bytes, larger than the 16 MiB cnictl reads of one input",
            big.display()
        )
    );
}

#[test]
fn a_named_file_loads_by_extension_or_content() {
    let d = tempdir();
    let list = r#"{"cniVersion":"1.0.0","name":"fromlist","plugins":[{"type":"bridge"}]}"#;
    let single = r#"{"cniVersion":"1.0.0","name":"fromconf","type":"ptp"}"#;
    write(d.path(), "a.conflist", list);
    write(d.path(), "b.conf", single);
    write(d.path(), "c.json", single);
    write(d.path(), "d.txt", list);
    write(d.path(), "e", single);
    // A conflist's plugin subdirectory beside it is read, as in a config dir.
    write(d.path(), "fromlist/9-tuning.conf", r#"{"type":"tuning"}"#);

    let l = load_path(&d.path().join("a.conflist")).unwrap();
    assert_eq!((l.name.as_str(), l.named_file), ("fromlist", true));
    let types: Vec<_> = l.plugins.iter().map(|p| p.plugin_type.as_str()).collect();
    assert_eq!(types, ["bridge", "tuning"]);
    assert_eq!(
        l.source.as_deref(),
        Some(d.path().join("a.conflist").as_path())
    );

    for f in ["b.conf", "c.json", "e"] {
        let l = load_path(&d.path().join(f)).unwrap();
        assert_eq!(l.name, "fromconf", "{f}");
        assert!(l.named_file);
        // Wrapped with libcni's bytes, as a .conf of the config dir is.
        assert_eq!(l.bytes, conf_from_bytes(single.as_bytes()).unwrap().bytes);
    }
    let l = load_path(&d.path().join("d.txt")).unwrap();
    assert_eq!(l.name, "fromlist");

    let err = load_path(&d.path().join("missing.conflist")).unwrap_err();
    assert!(err.to_string().contains("missing.conflist"), "{err}");
    write(d.path(), "broken.conflist", "{");
    let err = load_path(&d.path().join("broken.conflist")).unwrap_err();
    assert!(err.to_string().contains("broken.conflist"), "{err}");
}

#[test]
fn under_a_node_root_links_are_followed_inside_it() {
    use crate::noderoot::NodeRoot;
    let t = tempdir();
    let r = t.path();
    let root = NodeRoot::at(r);
    let conf = r.join("etc/cni/net.d");
    // A list linked to an absolute path of the node, with its plugin subdirectory beside the
    // link (where libcni looks) holding a plugin linked the same way.
    write(
        r,
        "srv/linked.conflist",
        r#"{"name":"linked","cniVersion":"1.0.0","plugins":[{"type":"a"}]}"#,
    );
    write(r, "srv/b.conf", r#"{"type":"b"}"#);
    fs::create_dir_all(conf.join("linked")).unwrap();
    std::os::unix::fs::symlink("/srv/linked.conflist", conf.join("10-linked.conflist")).unwrap();
    std::os::unix::fs::symlink("/srv/b.conf", conf.join("linked/20-b.conf")).unwrap();
    // A file linked to a path that exists only outside the tree, and a link loop.
    let outside = tempdir();
    let out = write(
        outside.path(),
        "out.conflist",
        r#"{"name":"outside","cniVersion":"1.0.0","plugins":[{"type":"a"}]}"#,
    );
    std::os::unix::fs::symlink(&out, conf.join("20-out.conflist")).unwrap();
    std::os::unix::fs::symlink("/etc/cni/net.d/30-loop.conf", conf.join("30-loop.conf")).unwrap();

    let got = scan_on(&conf, &root).unwrap();
    assert_eq!(got.len(), 3);
    let linked = got[0].result.as_ref().unwrap();
    assert_eq!(got[0].path, conf.join("10-linked.conflist"));
    assert_eq!(linked.source.as_deref(), Some(got[0].path.as_path()));
    let types: Vec<&str> = linked
        .plugins
        .iter()
        .map(|p| p.plugin_type.as_str())
        .collect();
    assert_eq!(types, ["a", "b"]);
    assert!(
        matches!(got[1].result, Err(ConfigError::Read { .. })),
        "{:?}",
        got[1].result
    );
    assert_eq!(got[1].name, None);
    assert!(
        matches!(got[2].result, Err(ConfigError::Read { .. })),
        "{:?}",
        got[2].result
    );
    // Looked up by name too; without the root, the links lead elsewhere.
    let opts = LoadOptions { skip_broken: true };
    assert_eq!(
        load_on(&conf, "linked", &opts, &root).unwrap().list.name,
        "linked"
    );
    assert!(load(&conf, "linked", &opts).is_err());
    assert_eq!(
        scan(&conf).unwrap()[1].result.as_ref().unwrap().name,
        "outside"
    );
}
