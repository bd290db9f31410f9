use super::*;
use serde_json::json;
use std::os::unix::fs::{symlink, MetadataExt};
use std::sync::mpsc;
use std::time::Duration;
use tempfile::TempDir;

fn entry(net: &str, id: &str, ifname: &str) -> CacheEntry {
    CacheEntry {
        container_id: id.into(),
        config: Some(br#"{"name":"n"}"#.to_vec()),
        if_name: ifname.into(),
        network_name: net.into(),
        ..Default::default()
    }
}

fn mode(p: &Path) -> u32 {
    fs::metadata(p).unwrap().mode() & 0o7777
}

#[test]
fn file_format_modes_and_round_trip() {
    // digest case 57 and the 7.2 example
    let tmp = TempDir::new().unwrap();
    let cache = Cache::new(tmp.path().join("cni"));
    let mut e = entry("n", "c1", "eth0");
    e.netns = "/run/netns/x".into();
    e.cni_args = vec![("FOO".into(), "BAR".into())];
    e.capability_args = json!({"mac": "c2:11:22:33:44:55"})
        .as_object()
        .unwrap()
        .clone();
    e.result = Some(json!({"ips": [{"address": "10.1.2.3/24"}], "cniVersion": "1.1.0"}));
    let path = cache.write(&e).unwrap();
    assert_eq!(path, tmp.path().join("cni/results/n-c1-eth0"));
    let expected = concat!(
        r#"{"kind":"cniCacheV1","containerId":"c1","config":"eyJuYW1lIjoibiJ9","ifName":"eth0","#,
        r#""networkName":"n","netns":"/run/netns/x","cniArgs":[["FOO","BAR"]],"#,
        r#""capabilityArgs":{"mac":"c2:11:22:33:44:55"},"#,
        r#""result":{"cniVersion":"1.1.0","ips":[{"address":"10.1.2.3/24"}]}}"#
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), expected);
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(&cache.results_dir()), 0o700);
    assert_eq!(mode(&cache.dir), 0o700);

    let Some(Cached::V1(back)) = cache.read("n", "c1", "eth0").unwrap() else {
        panic!("not V1")
    };
    assert_eq!(back.config.as_deref(), Some(&br#"{"name":"n"}"#[..]));
    assert_eq!(back.cni_args, e.cni_args);
    assert_eq!(back.capability_args, e.capability_args);
    assert_eq!(
        back.result,
        Some(json!({"cniVersion": "1.1.0", "ips": [{"address": "10.1.2.3/24"}]}))
    );
    assert_eq!(
        back,
        CacheEntry {
            result: back.result.clone(),
            ..e
        }
    );
}

#[test]
fn empty_fields_are_omitted_and_config_may_be_null() {
    let tmp = TempDir::new().unwrap();
    let cache = Cache::new(tmp.path());
    let mut e = entry("n", "c", "eth0");
    e.config = None;
    e.result = Some(json!({}));
    let path = cache.write(&e).unwrap();
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        r#"{"kind":"cniCacheV1","containerId":"c","config":null,"ifName":"eth0","networkName":"n"}"#
    );
    let Some(Cached::V1(back)) = cache.read("n", "c", "eth0").unwrap() else {
        panic!("not V1")
    };
    assert_eq!(
        back,
        CacheEntry {
            result: None,
            ..e.clone()
        }
    );
    e.result = Some(json!("nope"));
    assert!(matches!(
        cache.write(&e),
        Err(CacheError::ResultNotObject { .. })
    ));
}

#[test]
fn two_interfaces_two_files() {
    // digest case 56
    let tmp = TempDir::new().unwrap();
    let cache = Cache::new(tmp.path());
    for (ifname, ip) in [("eth0", "10.0.0.2/24"), ("eth1", "10.0.1.2/24")] {
        let mut e = entry("cachetest", "some-container-id", ifname);
        e.result = Some(json!({"cniVersion": "1.0.0", "ips": [{"address": ip}]}));
        cache.write(&e).unwrap();
    }
    let mut names: Vec<String> = fs::read_dir(cache.results_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "cachetest-some-container-id-eth0",
            "cachetest-some-container-id-eth1"
        ]
    );
    for (ifname, ip) in [("eth0", "10.0.0.2/24"), ("eth1", "10.0.1.2/24")] {
        let cached = cache
            .read("cachetest", "some-container-id", ifname)
            .unwrap()
            .unwrap();
        assert_eq!(cached.result().unwrap()["ips"][0]["address"], ip);
    }
}

#[test]
fn names_are_checked_before_any_path_is_built() {
    // digest case 58
    let tmp = TempDir::new().unwrap();
    let cache = Cache::new(tmp.path());
    let e = cache.read("", "id", "eth0").unwrap_err();
    assert_eq!(
        e.to_string(),
        r#"cache file path requires network name (""), container ID ("id"), and interface name ("eth0")"#
    );
    assert!(matches!(
        cache.result_path("n", "", "eth0"),
        Err(CacheError::MissingName { .. })
    ));
    assert!(matches!(
        cache.result_path("n", "id", ""),
        Err(CacheError::MissingName { .. })
    ));
    let e = cache.result_path("../x", "id", "eth0").unwrap_err();
    assert_eq!(
        e.to_string(),
        "cannot build cache path: invalid characters found in network name; ../x"
    );
    let e = cache.result_path("../../etc/x", "id", "eth0").unwrap_err();
    assert!(matches!(e, CacheError::InvalidName(ref c) if c.code == 7));
    let e = cache.result_path("n", "../x", "eth0").unwrap_err();
    assert_eq!(
        e.to_string(),
        "cannot build cache path: invalid characters in containerID; ../x"
    );
    let e = cache.result_path("n", "id", "a/b").unwrap_err();
    assert!(matches!(e, CacheError::InvalidName(ref c) if c.code == 4));
    let mut bad = entry("n", "id", "..");
    assert!(cache.write(&bad).is_err());
    bad.if_name = "eth0".into();
    bad.network_name = "../x".into();
    assert!(cache.write(&bad).is_err());
    assert!(cache.remove("n", "../../x", "eth0").is_err());
    assert!(cache.lock_container("../x").is_err());
    assert!(!cache.results_dir().exists(), "nothing was created");
}

#[test]
fn missing_garbage_legacy_and_odd_files() {
    // digest cases 58 (garbage, missing) and 53 (legacy)
    let tmp = TempDir::new().unwrap();
    let cache = Cache::new(tmp.path());
    assert_eq!(cache.read("cachetest", "id", "eth0").unwrap(), None);
    let dir = cache.results_dir();
    fs::create_dir_all(&dir).unwrap();
    let put = |name: &str, body: &str| fs::write(dir.join(name), body).unwrap();

    put("cachetest-id-eth0", "adfadsfasdfasfdsafaf");
    assert_eq!(
        cache.read("cachetest", "id", "eth0").unwrap(),
        Some(Cached::Corrupt(
            "invalid character 'a' looking for beginning of value".into()
        ))
    );
    put("cachetest-id-eth0", "");
    assert_eq!(
        cache.read("cachetest", "id", "eth0").unwrap(),
        Some(Cached::Corrupt("unexpected end of JSON input".into()))
    );
    put("cachetest-id-eth0", "[1]");
    assert!(matches!(
        cache.read("cachetest", "id", "eth0").unwrap(),
        Some(Cached::Corrupt(_))
    ));

    let legacy =
        r#"{"cniVersion":"0.4.0","ips":[{"version":"4","address":"10.0.0.2/24"}],"dns":{}}"#;
    put("cachetest-id-eth0", legacy);
    let got = cache.read("cachetest", "id", "eth0").unwrap().unwrap();
    assert_eq!(got, Cached::Legacy(serde_json::from_str(legacy).unwrap()));
    assert_eq!(got.result().unwrap()["cniVersion"], "0.4.0");
    put(
        "cachetest-id-eth0",
        r#"{"kind":"somethingElse","containerId":"id"}"#,
    );
    // libcni would decode it as a legacy result with no known field (an empty prevResult):
    // cnictl calls an unknown kind corrupt.
    assert_eq!(
        cache.read("cachetest", "id", "eth0").unwrap(),
        Some(Cached::Corrupt(
            "unknown kind \"somethingElse\" (cnictl reads cniCacheV1 records and legacy results)"
                .into()
        ))
    );

    for bad in [
        r#"{"kind":"cniCacheV1","containerId":5}"#,
        r#"{"kind":"cniCacheV1","config":"***"}"#,
        r#"{"kind":"cniCacheV1","cniArgs":[["A",1]]}"#,
        r#"{"kind":"cniCacheV1","capabilityArgs":[]}"#,
        r#"{"kind":"cniCacheV1","result":"x"}"#,
    ] {
        put("cachetest-id-eth0", bad);
        assert!(
            matches!(
                cache.read("cachetest", "id", "eth0").unwrap(),
                Some(Cached::Corrupt(_))
            ),
            "{bad}"
        );
    }
    // Go's tolerance: nulls, short pairs, extra keys
    put(
        "cachetest-id-eth0",
        r#"{"kind":"cniCacheV1","containerId":"id","config":null,"ifName":"eth0","networkName":"cachetest","cniArgs":[["A"],null,["B","2","x"]],"capabilityArgs":null,"x":1}"#,
    );
    let Some(Cached::V1(e)) = cache.read("cachetest", "id", "eth0").unwrap() else {
        panic!("not V1")
    };
    assert_eq!(
        e.cni_args,
        [
            ("A".into(), "".into()),
            ("".into(), "".into()),
            ("B".into(), "2".into())
        ]
    );

    fs::remove_file(dir.join("cachetest-id-eth0")).unwrap();
    fs::create_dir(dir.join("cachetest-id-eth0")).unwrap();
    let e = cache.read("cachetest", "id", "eth0").unwrap_err();
    assert!(
        matches!(
            e,
            CacheError::NotRegularFile {
                kind: "directory",
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn symlinks_are_neither_followed_nor_read() {
    let tmp = TempDir::new().unwrap();
    let cache = Cache::new(tmp.path().join("cache"));
    let dir = cache.results_dir();
    fs::create_dir_all(&dir).unwrap();
    let target = tmp.path().join("precious");
    fs::write(&target, r#"{"secret":true}"#).unwrap();
    let link = dir.join("n-c-eth0");
    symlink(&target, &link).unwrap();

    let e = cache.read("n", "c", "eth0").unwrap_err();
    assert!(
        matches!(
            e,
            CacheError::NotRegularFile {
                kind: "symbolic link",
                ..
            }
        ),
        "{e}"
    );
    let scan = cache.scan_attachments(None).unwrap();
    assert!(scan.attachments.is_empty());
    assert_eq!(scan.skipped.len(), 1);
    assert!(
        scan.skipped[0].reason.contains("symbolic link"),
        "{:?}",
        scan.skipped
    );

    cache.write(&entry("n", "c", "eth0")).unwrap();
    assert_eq!(
        fs::read_to_string(&target).unwrap(),
        r#"{"secret":true}"#,
        "target untouched"
    );
    assert!(!fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(matches!(
        cache.read("n", "c", "eth0").unwrap(),
        Some(Cached::V1(_))
    ));

    fs::remove_file(&link).unwrap();
    symlink(&target, &link).unwrap();
    cache.remove("n", "c", "eth0").unwrap();
    assert!(target.exists(), "remove deletes the link, not its target");
    assert!(fs::symlink_metadata(&link).is_err());
}

#[test]
fn results_that_is_a_file_is_an_error() {
    // digest case 55
    let tmp = TempDir::new().unwrap();
    let cache = Cache::new(tmp.path());
    fs::write(cache.results_dir(), "").unwrap();
    let e = cache.write(&entry("n", "c", "eth0")).unwrap_err();
    assert!(matches!(e, CacheError::NotADirectory { .. }));
    assert_eq!(
        e.to_string(),
        format!("{} is not a directory", cache.results_dir().display())
    );
    assert!(cache.attachments(None).is_err());

    let nested = Cache::new(tmp.path().join("results/below"));
    assert!(nested.write(&entry("n", "c", "eth0")).is_err());
}

#[test]
fn write_replaces_and_remove_is_idempotent() {
    // digest case 47
    let tmp = TempDir::new().unwrap();
    let cache = Cache::new(tmp.path());
    let mut e = entry("n", "c", "eth0");
    cache.write(&e).unwrap();
    e.netns = "/run/netns/new".into();
    cache.write(&e).unwrap();
    let Some(Cached::V1(back)) = cache.read("n", "c", "eth0").unwrap() else {
        panic!("not V1")
    };
    assert_eq!(back.netns, "/run/netns/new");
    let leftovers: Vec<_> = fs::read_dir(cache.results_dir()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temp file is left");
    cache.remove("n", "c", "eth0").unwrap();
    cache.remove("n", "c", "eth0").unwrap();
    assert_eq!(cache.read("n", "c", "eth0").unwrap(), None);
}

#[test]
fn attachments_follow_libcni_rules() {
    // digest case 59
    let tmp = TempDir::new().unwrap();
    let cache = Cache::new(tmp.path());
    assert!(
        cache.attachments(None).unwrap().is_empty(),
        "missing results dir"
    );
    assert!(cache
        .scan_attachments(Some("x"))
        .unwrap()
        .skipped
        .is_empty());

    cache
        .write(&entry("cachetest", "some-container-id", "eth0"))
        .unwrap();
    cache.write(&entry("another", "other-id", "eth0")).unwrap();
    let dir = cache.results_dir();
    let put = |name: &str, body: &str| fs::write(dir.join(name), body).unwrap();
    put("legacy-some-container-id-eth1", r#"{"cniVersion":"0.4.0"}"#);
    put(
        "kindless-some-container-id-eth2",
        r#"{"containerId":"some-container-id"}"#,
    );
    put("garbage-some-container-id-eth3", "garbage");
    put(
        "liar-some-container-id-eth4",
        r#"{"kind":"cniCacheV1","containerId":"else","ifName":"eth4","networkName":"liar"}"#,
    );
    put(
        "noif-some-container-id-eth5",
        r#"{"kind":"cniCacheV1","containerId":"some-container-id","networkName":"noif"}"#,
    );
    put(
        ".cnictl-tmp-1-0",
        r#"{"kind":"cniCacheV1","containerId":"x","ifName":"e","networkName":"n"}"#,
    );
    put("some-container-id-", "{}");

    let all = cache.attachments(None).unwrap();
    let names: Vec<&str> = all.iter().map(|e| e.network_name.as_str()).collect();
    assert_eq!(
        names,
        ["another", "cachetest", "liar"],
        "sorted by file name"
    );
    assert_eq!(cache.attachments(Some("")).unwrap(), all);

    let mine = cache.attachments(Some("some-container-id")).unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0], entry("cachetest", "some-container-id", "eth0"));

    let scan = cache.scan_attachments(Some("some-container-id")).unwrap();
    let skipped: Vec<(String, &str)> = scan
        .skipped
        .iter()
        .map(|s| {
            (
                s.path.file_name().unwrap().to_string_lossy().into_owned(),
                s.reason.as_str(),
            )
        })
        .collect();
    assert_eq!(
        skipped,
        [
            (
                "garbage-some-container-id-eth3".to_string(),
                "corrupt cache file: invalid character 'g' looking for beginning of value"
            ),
            (
                "kindless-some-container-id-eth2".to_string(),
                "not a cniCacheV1 record (legacy or foreign file)"
            ),
            (
                "legacy-some-container-id-eth1".to_string(),
                "not a cniCacheV1 record (legacy or foreign file)"
            ),
            (
                "liar-some-container-id-eth4".to_string(),
                "containerId \"else\" does not match"
            ),
            (
                "noif-some-container-id-eth5".to_string(),
                "empty ifName or networkName"
            ),
        ]
    );
    let unfiltered = cache.scan_attachments(None).unwrap();
    assert!(unfiltered
        .skipped
        .iter()
        .any(|s| s.reason.contains("cnictl temporary file")));
}

#[test]
fn name_prefilter_matches_go() {
    assert!(name_mentions(b"net-id-eth0", "id"));
    assert!(!name_mentions(b"-id-eth0", "id"), "position 0");
    assert!(!name_mentions(b"net-id-", "id"), "at the very end");
    assert!(!name_mentions(b"net-idx-eth0", "id"));
}

#[test]
fn locks_exclude_each_other() {
    let tmp = TempDir::new().unwrap();
    let cache = Cache::new(tmp.path().join("cache"));
    let a = cache.lock_container("a").unwrap();
    assert_eq!(mode(&cache.cnictl_dir()), 0o700);
    assert_eq!(mode(&cache.cnictl_dir().join("lock")), 0o600);
    assert!(!cache.results_dir().exists(), "locks live outside results/");

    let e = cache.try_lock_container("a").unwrap_err();
    assert!(matches!(e, CacheError::Busy { .. }));
    assert!(
        e.to_string()
            .ends_with("cnictl/lock is held by another cnictl process"),
        "{e}"
    );
    let b = cache.try_lock_container("b").unwrap();
    assert!(matches!(
        cache.try_lock_exclusive(),
        Err(CacheError::Busy { .. })
    ));
    drop(a);
    assert!(matches!(
        cache.try_lock_exclusive(),
        Err(CacheError::Busy { .. })
    ));
    drop(b);
    let gc = cache.try_lock_exclusive().unwrap();
    assert!(matches!(
        cache.try_lock_container("a"),
        Err(CacheError::Busy { .. })
    ));

    // a blocking container lock waits for the exclusive one to go
    let (tx, rx) = mpsc::channel();
    let other = cache.clone();
    let waiter = std::thread::spawn(move || {
        let guard = other.lock_container("a");
        tx.send(guard.is_ok()).unwrap();
    });
    assert!(
        rx.recv_timeout(Duration::from_millis(200)).is_err(),
        "must wait for gc"
    );
    drop(gc);
    assert_eq!(rx.recv_timeout(Duration::from_secs(10)), Ok(true));
    waiter.join().unwrap();
    drop(cache.lock_exclusive().unwrap());
}

#[test]
fn lock_dir_that_is_a_file_is_an_error() {
    let tmp = TempDir::new().unwrap();
    let cache = Cache::new(tmp.path());
    fs::write(cache.cnictl_dir(), "").unwrap();
    assert!(matches!(
        cache.lock_exclusive(),
        Err(CacheError::NotADirectory { .. })
    ));
}

#[test]
fn container_locks_make_no_files_and_a_waiter_gets_the_lock_once_released() {
    let tmp = TempDir::new().unwrap();
    let cache = Cache::new(tmp.path().join("cache"));
    let a = cache.lock_container("a").unwrap();
    let (tx, rx) = mpsc::channel();
    let other = cache.clone();
    let waiter = std::thread::spawn(move || {
        let guard = other.lock_container("a").unwrap();
        tx.send(()).unwrap();
        // hold it until told
        std::thread::sleep(Duration::from_millis(300));
        drop(guard);
    });
    assert!(
        rx.recv_timeout(Duration::from_millis(200)).is_err(),
        "must wait"
    );
    drop(a);
    rx.recv_timeout(Duration::from_secs(5))
        .expect("the waiter gets the lock");
    // while the waiter holds it, nobody else gets it
    assert!(matches!(
        cache.try_lock_container("a"),
        Err(CacheError::Busy { .. })
    ));
    waiter.join().unwrap();
    drop(cache.try_lock_container("a").unwrap());
    // Every lock is a byte of the one lock file: nothing else is left in cnictl's dir.
    let names: Vec<_> = fs::read_dir(cache.cnictl_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["lock"]);
}

#[test]
fn container_bytes_are_past_the_cache_wide_byte_and_differ_by_id() {
    let ids = ["a", "b", "cnitool-3d2e88c042c5c996fbd9", &"x".repeat(1024)];
    let bytes: Vec<i64> = ids.iter().map(|id| container_byte(id)).collect();
    for (id, b) in ids.iter().zip(&bytes) {
        assert!(*b >= 1, "{id}: {b}");
        assert_eq!(*b, container_byte(id), "stable");
    }
    let mut distinct = bytes.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), bytes.len(), "{bytes:?}");
}

#[test]
fn an_oversized_cache_file_is_not_read_and_is_listed_as_corrupt() {
    let tmp = TempDir::new().unwrap();
    let cache = Cache::new(tmp.path().join("cache"));
    cache.write(&entry("n", "c", "eth0")).unwrap();
    let path = cache.result_path("n", "c", "eth0").unwrap();
    // Sparse: nothing of it is written to disk.
    fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(crate::safe_read::MAX_INPUT_BYTES + 1)
        .unwrap();
    let e = cache.read("n", "c", "eth0").unwrap_err();
    assert!(
        matches!(
            &e,
            CacheError::TooLarge(crate::safe_read::ReadError::TooLarge { size: Some(n), .. })
                if *n == crate::safe_read::MAX_INPUT_BYTES + 1
        ),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        format!(
            "{} is 16777217 bytes, larger than the 16 MiB cnictl reads of one input",
            path.display()
        )
    );
    let scan = cache.scan_attachments(None).unwrap();
    assert!(scan.attachments.is_empty());
    assert_eq!(
        scan.skipped,
        [Skipped {
            path,
            reason: "corrupt cache file: 16777217 bytes, larger than the 16 MiB cnictl reads of one input"
                .into()
        }]
    );
}

#[test]
fn kinds_and_legacy_files_libcni_could_not_use_are_corrupt() {
    let corrupt = |body: &str| match format::decode(body.as_bytes()) {
        Cached::Corrupt(msg) => msg,
        other => panic!("{body}: {other:?}"),
    };
    assert_eq!(
        corrupt(r#"{"kind":"cniCacheV2","containerId":"id"}"#),
        "unknown kind \"cniCacheV2\" (cnictl reads cniCacheV1 records and legacy results)"
    );
    assert_eq!(
        corrupt(r#"{"kind":1}"#),
        "kind: expected a string, got number"
    );
    assert_eq!(
        corrupt(r#"{"kind":""}"#),
        "unknown kind \"\" (cnictl reads cniCacheV1 records and legacy results)"
    );
    assert!(
        corrupt(r#"{"cniVersion":"1.0.0","ips":"x"}"#)
            .starts_with("legacy result (no kind): failed to parse 1.0.0 result: ips: "),
        "{}",
        corrupt(r#"{"cniVersion":"1.0.0","ips":"x"}"#)
    );
    assert!(corrupt(r#"{"cniVersion":5}"#).starts_with("legacy result (no kind): "));
    // A legacy result that decodes stays legacy; `"kind": null` is Go's absent kind.
    for ok in [
        r#"{"cniVersion":"0.4.0","ips":[{"version":"4","address":"10.0.0.2/24"}]}"#,
        r#"{"kind":null,"cniVersion":"0.3.1"}"#,
        r#"{}"#,
    ] {
        assert!(
            matches!(format::decode(ok.as_bytes()), Cached::Legacy(_)),
            "{ok}"
        );
    }
}

#[test]
fn defects_of_a_record_check_cannot_use() {
    let mut e = entry("n", "c", "eth0");
    assert_eq!(e.defect().as_deref(), Some("it holds no result"));
    assert_eq!(e.result_defect().as_deref(), Some("it holds no result"));
    e.result = Some(json!({"ips": "x"}));
    assert_eq!(
        e.defect().as_deref(),
        Some("result: it names no cniVersion"),
        "libcni would read it as 0.1.0 and drop ips"
    );
    e.result = Some(json!({"cniVersion": "", "ips": []}));
    assert_eq!(
        e.defect().as_deref(),
        Some("result: it names no cniVersion")
    );
    e.result = Some(json!({"cniVersion": "1.0.0", "ips": "x"}));
    assert_eq!(
        e.defect().as_deref(),
        Some("result: failed to parse 1.0.0 result: ips: expected an array, got string")
    );
    e.result = Some(json!({"cniVersion": "9.9.9"}));
    assert!(e.defect().unwrap().starts_with("result: "));
    e.result = Some(json!({"cniVersion": "1.0.0", "ips": [{"address": "10.0.0.2/24"}]}));
    assert_eq!(e.defect(), None);
    e.config = None;
    assert_eq!(e.defect().as_deref(), Some("it holds no config"));
    assert_eq!(e.result_defect(), None, "DEL needs no cached config");
}

#[test]
fn identity_fields_that_disagree_with_the_file_name() {
    let e = entry("n1", "ctr", "eth0");
    assert!(e.mismatched_names("n1-ctr-eth0").is_empty());
    assert_eq!(e.identity_mismatch_warning("n1", "ctr", "eth0"), None);
    assert_eq!(e.mismatched_names("n2-ctr-eth0"), ["networkName"]);
    assert_eq!(e.mismatched_names("n1-other-eth0"), ["containerId"]);
    assert_eq!(e.mismatched_names("n1-ctr-eth9"), ["ifName"]);
    assert_eq!(
        e.mismatched_names("x-y-z"),
        ["networkName", "containerId", "ifName"]
    );
    // Every part is there, but not as this split: the ID is the odd one out.
    let dashed = entry("a", "b", "c");
    assert_eq!(dashed.mismatched_names("a-x-b-c"), ["containerId"]);
    assert_eq!(
        e.identity_mismatch_warning("n2", "ctr", "eth0").unwrap(),
        "the cache entry's networkName \"n1\" disagrees with its file name (libcni finds it by the file name for CHECK and DEL, but lists and garbage-collects it by its fields)"
    );
    assert!(e
        .identity_mismatch_warning("n1", "x", "eth1")
        .unwrap()
        .starts_with("the cache entry's containerId \"ctr\", ifName \"eth0\" disagree with"));
    assert!(e
        .name_mismatch_warning(Path::new("/c/results/n1-ctr-eth1"))
        .unwrap()
        .starts_with("the cache entry's ifName \"eth0\" disagrees with"));
}

#[test]
fn listed_attachments_with_problems_are_suspects() {
    let tmp = TempDir::new().unwrap();
    let cache = Cache::new(tmp.path());
    let mut good = entry("n1", "a", "eth0");
    good.result = Some(json!({"cniVersion": "1.0.0"}));
    cache.write(&good).unwrap();
    let mut shapeless = entry("n1", "b", "eth0");
    shapeless.result = Some(json!({"cniVersion": "1.0.0", "ips": "x"}));
    cache.write(&shapeless).unwrap();
    let dir = cache.results_dir();
    // networkName "n2" in a file named for n1 (and a valid result).
    fs::write(
        dir.join("n1-c-eth0"),
        r#"{"kind":"cniCacheV1","containerId":"c","config":"e30=","ifName":"eth0","networkName":"n2","result":{"cniVersion":"1.0.0"}}"#,
    )
    .unwrap();
    let scan = cache.scan_attachments(None).unwrap();
    assert_eq!(scan.attachments.len(), 3);
    assert!(scan.skipped.is_empty(), "{:?}", scan.skipped);
    let got: Vec<(usize, String, &str, bool)> = scan
        .suspects
        .iter()
        .map(|s| {
            (
                s.index,
                s.path.file_name().unwrap().to_string_lossy().into_owned(),
                s.reason.as_str(),
                s.defect,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                1,
                "n1-b-eth0".to_string(),
                "corrupt cache entry: result: failed to parse 1.0.0 result: ips: expected an array, got string",
                true
            ),
            (
                2,
                "n1-c-eth0".to_string(),
                "the cache entry's networkName \"n2\" disagrees with its file name (libcni finds it by the file name for CHECK and DEL, but lists and garbage-collects it by its fields)",
                false
            ),
        ]
    );
}

#[test]
fn has_entry_says_what_read_would_find() {
    let tmp = TempDir::new().unwrap();
    let cache = Cache::new(tmp.path().join("cache"));
    // No results dir yet, then no file: nothing there.
    assert!(!cache.has_entry("n", "c", "eth0").unwrap());
    cache.write(&entry("n", "c", "eth0")).unwrap();
    assert!(cache.has_entry("n", "c", "eth0").unwrap());
    assert!(!cache.has_entry("n", "c", "eth1").unwrap());
    // A corrupt file is there (read gives Corrupt, not None).
    fs::write(cache.results_dir().join("n-c-eth2"), "not json").unwrap();
    assert!(matches!(
        cache.read("n", "c", "eth2").unwrap(),
        Some(Cached::Corrupt(_))
    ));
    assert!(cache.has_entry("n", "c", "eth2").unwrap());
    // What read refuses, this refuses the same way.
    fs::create_dir(cache.results_dir().join("n-c-eth3")).unwrap();
    symlink(tmp.path(), cache.results_dir().join("n-c-eth4")).unwrap();
    for (ifname, kind) in [("eth3", "directory"), ("eth4", "symbolic link")] {
        for e in [
            cache.read("n", "c", ifname).unwrap_err(),
            cache.has_entry("n", "c", ifname).unwrap_err(),
        ] {
            assert!(
                matches!(&e, CacheError::NotRegularFile { kind: k, .. } if *k == kind),
                "{e}"
            );
        }
    }
    // A name read refuses is refused too.
    assert!(matches!(
        cache.has_entry("n", "bad/id", "eth0").unwrap_err(),
        CacheError::InvalidName(_)
    ));
}
