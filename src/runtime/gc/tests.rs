use super::*;
use crate::cache::Cache;
use crate::config::list_from_bytes;
use crate::invoke::fake::RecordingExec;
use crate::invoke::{ExecLimits, ExecOutput};
use crate::netns;
use crate::runtime::Attachment;
use serde_json::json;
use std::path::Path;

struct Env {
    dir: tempfile::TempDir,
    exec: RecordingExec,
}

/// A temp dir with (empty) binaries p1 and p2 and a cache; the recording exec answers ADD
/// with a 1.1.0 result, `fail_del` plugins fail DEL, everything else succeeds.
fn env(fail_del: &'static [&'static str]) -> Env {
    let dir = tempfile::tempdir().unwrap();
    for n in ["p1", "p2"] {
        std::fs::write(dir.path().join(n), b"").unwrap();
    }
    let exec = RecordingExec::new(move |c| {
        Ok(match c.command() {
            Some("ADD") => ExecOutput::exited(
                0,
                r#"{"cniVersion":"1.1.0","ips":[{"address":"10.9.0.2/24"}]}"#,
                "",
            ),
            Some("DEL") if fail_del.contains(&c.plugin().as_str()) => {
                ExecOutput::exited(1, r#"{"code":11,"msg":"busy"}"#, "")
            }
            _ => ExecOutput::exited(0, "", ""),
        })
    });
    Env { dir, exec }
}

impl Env {
    fn rt(&self) -> Runtime<'_> {
        Runtime {
            env_memo: Default::default(),
            exec: &self.exec,
            cni_path: vec![self.dir.path().to_path_buf()],
            cache: Cache::new(self.dir.path().join("cache")),
            parent_env: Default::default(),
            limits: ExecLimits::default(),
            observer: None,
            plugin_ns: None,
            conf_dir: None,
            rollback_stop: None,
            guard: crate::netns::Guard::new(None).unwrap(),
        }
    }

    /// An attachment whose entry and record name `netns`, as another runtime (or a cnictl
    /// before the runtime's guard) may have cached it: the ADD runs (through the recording
    /// exec) for a stable placeholder path the guard lets through, then the entry and record
    /// are rewritten to name `netns`, which may be one the guard refuses.
    fn add(&self, list: &NetworkConfigList, id: &str, netns: &str) {
        let rt = self.rt();
        let resolved = rt.resolve(list).unwrap();
        let att = Attachment {
            container_id: id.into(),
            netns: format!("/run/netns/placeholder-{id}"),
            ifname: "eth0".into(),
            args: vec![("K".into(), "V".into())],
            capability_args: json!({"mac":"c2:11:22:33:44:55"})
                .as_object()
                .cloned()
                .unwrap(),
        };
        rt.add(list, &resolved, &att, false).unwrap();
        let Some(crate::cache::Cached::V1(mut entry)) =
            rt.cache.read(&list.name, id, "eth0").unwrap()
        else {
            panic!("no cniCacheV1 entry after ADD");
        };
        entry.netns = netns.into();
        rt.cache.write(&entry).unwrap();
        if let Some(mut record) = rt.cache.read_record(&list.name, id, "eth0").unwrap() {
            record.netns = netns.into();
            rt.cache.write_record(&record).unwrap();
        }
    }

    /// `COMMAND plugin` of every call but VERSION probes, in order.
    fn log(&self) -> Vec<String> {
        self.exec
            .calls()
            .iter()
            .filter(|c| c.command() != Some("VERSION"))
            .map(|c| format!("{} {}", c.command().unwrap_or("?"), c.plugin()))
            .collect()
    }

    fn cached(&self) -> Vec<String> {
        self.rt()
            .cache
            .attachments(None)
            .unwrap()
            .into_iter()
            .map(|e| format!("{}/{}", e.network_name, e.container_id))
            .collect()
    }
}

fn list(v: serde_json::Value) -> NetworkConfigList {
    list_from_bytes(v.to_string().as_bytes()).unwrap()
}

fn net(version: &str) -> NetworkConfigList {
    list(json!({"cniVersion": version, "name": "gcnet",
        "plugins": [{"type": "p1", "capabilities": {"mac": true}}, {"type": "p2"}]}))
}

fn pair(id: &str, ifname: &str) -> (String, String) {
    (id.to_string(), ifname.to_string())
}

#[test]
fn case_60_add_gc_del_gc_and_the_exact_gc_stdin() {
    let e = env(&[]);
    let l = net("1.1.0");
    e.add(&l, "c1", "/nonexistent/netns/c1");
    let rt = e.rt();

    // The attachment is valid: no DEL, GC with it as the valid list.
    let plan = rt
        .gc_plan(
            "gcnet",
            Some(l.clone()),
            &ValidSet::Explicit(vec![pair("c1", "eth0")]),
            false,
        )
        .unwrap();
    assert!(plan.stale.is_empty());
    assert_eq!(plan.kept.len(), 1);
    assert_eq!(plan.kept[0].1, KeepReason::Valid);
    let out = rt.gc_run(vec![plan]);
    assert!(!out.networks[0].has_failures());
    let calls = e.exec.calls();
    let gc = calls.iter().find(|c| c.command() == Some("GC")).unwrap();
    let valid = json!([{"containerID": "c1", "ifname": "eth0"}]);
    assert_eq!(
        gc.stdin_json().unwrap(),
        json!({"type": "p1", "capabilities": {"mac": true}, "name": "gcnet",
               "cniVersion": "1.1.0", "cni.dev/valid-attachments": valid,
               "cni.dev/attachments": valid})
    );
    for var in ["CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME", "CNI_ARGS"] {
        assert_eq!(gc.env_var(var), Some(""), "{var}");
    }
    assert_eq!(gc.env_var("CNI_PATH"), e.dir.path().to_str());

    // Nothing is valid: DEL (reverse order, cached args), then GC with an empty array.
    let plan = rt
        .gc_plan("gcnet", Some(l.clone()), &ValidSet::Explicit(vec![]), false)
        .unwrap();
    assert_eq!(plan.stale.len(), 1);
    assert_eq!(plan.stale[0].ips, vec!["10.9.0.2/24"]);
    assert_eq!(plan.stale[0].netns, NetnsState::Missing);
    let out = rt.gc_run(vec![plan]);
    assert!(matches!(out.networks[0].stale[0], StaleResult::Removed(_)));
    assert_eq!(
        e.log(),
        vec!["ADD p1", "ADD p2", "GC p1", "GC p2", "DEL p2", "DEL p1", "GC p1", "GC p2"]
    );
    let calls = e.exec.calls();
    let del = calls.iter().find(|c| c.command() == Some("DEL")).unwrap();
    assert_eq!(del.env_var("CNI_CONTAINERID"), Some("c1"));
    assert_eq!(del.env_var("CNI_NETNS"), Some("/nonexistent/netns/c1"));
    assert_eq!(del.env_var("CNI_ARGS"), Some("K=V"));
    let last_gc = calls.last().unwrap().stdin_json().unwrap();
    assert_eq!(last_gc["cni.dev/valid-attachments"], json!([]));
    assert_eq!(last_gc["cni.dev/attachments"], json!([]));
    // p1 declares mac: its DEL got the cached capability args.
    let del_p1 = calls
        .iter()
        .find(|c| c.command() == Some("DEL") && c.plugin() == "p1")
        .unwrap();
    assert_eq!(
        del_p1.stdin_json().unwrap()["runtimeConfig"],
        json!({"mac": "c2:11:22:33:44:55"})
    );
    assert!(e.cached().is_empty());
}

#[test]
fn disable_gc_runs_nothing() {
    let e = env(&[]);
    let l = list(
        json!({"cniVersion": "1.1.0", "name": "gcnet", "disableGC": true,
        "plugins": [{"type": "p1"}]}),
    );
    e.add(&l, "c1", "/nonexistent/netns/c1");
    let rt = e.rt();
    let plan = rt.gc_plan("gcnet", Some(l), &ValidSet::All, true).unwrap();
    assert!(plan.stale.is_empty());
    assert_eq!(plan.kept[0].1, KeepReason::DisableGc);
    assert_eq!(plan.gc_verb, GcVerb::Skip(GcVerbSkip::DisableGc));
    rt.gc_run(vec![plan]);
    assert_eq!(e.log(), vec!["ADD p1"]);
    assert_eq!(e.cached(), vec!["gcnet/c1"]);
}

#[test]
fn a_1_0_0_network_gets_the_stale_dels_but_no_gc_verb() {
    let e = env(&[]);
    let l = net("1.0.0");
    e.add(&l, "c1", "/nonexistent/netns/c1");
    e.add(&l, "c2", "/nonexistent/netns/c2");
    let rt = e.rt();
    let plan = rt
        .gc_plan(
            "gcnet",
            Some(l),
            &ValidSet::Explicit(vec![pair("c2", "eth0")]),
            true,
        )
        .unwrap();
    assert_eq!(
        plan.gc_verb,
        GcVerb::Skip(GcVerbSkip::Version("1.0.0".into()))
    );
    let out = rt.gc_run(vec![plan]);
    assert!(out.networks[0].gc.is_empty());
    assert_eq!(
        e.log(),
        vec!["ADD p1", "ADD p2", "ADD p1", "ADD p2", "DEL p2", "DEL p1"]
    );
    assert_eq!(e.cached(), vec!["gcnet/c2"]);
}

#[test]
fn live_keeps_attachments_whose_netns_exists_and_sends_gc_only_when_asked() {
    let e = env(&[]);
    let l = net("1.1.0");
    // The netns directory holds something (as /var/run/netns does on a node), not "dead".
    let nsdir = e.dir.path().join("netns");
    std::fs::create_dir(&nsdir).unwrap();
    std::fs::write(nsdir.join("other"), b"").unwrap();
    // Another process's namespace path (this one's namespace: forbidden, but it exists).
    let sleeper = std::process::Command::new("sleep")
        .arg("30")
        .spawn()
        .unwrap();
    struct Reap(std::process::Child);
    impl Drop for Reap {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let alive = format!("/proc/{}/ns/net", sleeper.id());
    let _reap = Reap(sleeper);
    e.add(&l, "alive", &alive);
    e.add(&l, "dead", nsdir.join("dead").to_str().unwrap());
    // A reader-dependent path proves nothing: kept.
    e.add(&l, "reader", "/proc/self/ns/net");
    e.add(&l, "nonetns", "");
    // an empty placeholder file (what a private bind mount of /run/netns shows for namespaces
    // created later) proves nothing: kept
    e.add(&l, "placeholder", nsdir.join("other").to_str().unwrap());
    let rt = e.rt();
    let plan = rt
        .gc_plan("gcnet", Some(l.clone()), &ValidSet::Live, false)
        .unwrap();
    let stale: Vec<&str> = plan
        .stale
        .iter()
        .map(|g| g.entry.container_id.as_str())
        .collect();
    assert_eq!(stale, vec!["dead"]);
    let kept: Vec<(&str, &KeepReason)> = plan
        .kept
        .iter()
        .map(|(g, r)| (g.entry.container_id.as_str(), r))
        .collect();
    assert_eq!(
        kept,
        vec![
            ("alive", &KeepReason::Live),
            ("nonetns", &KeepReason::NetnsUnknown),
            ("placeholder", &KeepReason::NetnsUnknown),
            ("reader", &KeepReason::NetnsUnknown)
        ]
    );
    assert_eq!(plan.gc_verb, GcVerb::Skip(GcVerbSkip::NotExplicit));
    // With --gc-verb the kept attachments are the valid list.
    let plan = rt.gc_plan("gcnet", Some(l), &ValidSet::Live, true).unwrap();
    assert_eq!(
        plan.gc_verb,
        GcVerb::Send(vec![
            pair("alive", "eth0"),
            pair("nonetns", "eth0"),
            pair("placeholder", "eth0"),
            pair("reader", "eth0")
        ])
    );
}

#[test]
fn live_refuses_when_the_netns_directory_is_missing_or_empty() {
    let e = env(&[]);
    let l = net("1.0.0");
    let empty = e.dir.path().join("netns-empty");
    std::fs::create_dir(&empty).unwrap();
    e.add(&l, "c1", empty.join("c1").to_str().unwrap());
    let rt = e.rt();
    let err = rt
        .gc_plan("gcnet", Some(l.clone()), &ValidSet::Live, false)
        .unwrap_err();
    assert!(
        matches!(&err, GcError::LiveUnsafe { missing: false, dir, .. } if *dir == empty),
        "{err}"
    );
    assert!(err.to_string().contains("--valid"), "{err}");
    // The same entries with an explicit set are fine.
    rt.gc_plan("gcnet", Some(l.clone()), &ValidSet::All, false)
        .unwrap();
    let e2 = env(&[]);
    let missing = e2.dir.path().join("no-such-dir");
    e2.add(&l, "c1", missing.join("c1").to_str().unwrap());
    let err = e2
        .rt()
        .gc_plan("gcnet", Some(l), &ValidSet::Live, false)
        .unwrap_err();
    assert!(
        matches!(err, GcError::LiveUnsafe { missing: true, .. }),
        "{err}"
    );
    assert_eq!(e2.log(), vec!["ADD p1", "ADD p2"], "nothing ran");
}

#[test]
fn forbidden_and_reader_dependent_namespaces_are_never_deleted() {
    let e = env(&[]);
    let l = net("1.0.0");
    // A process in this (cnictl's) namespace other than this one: a stable spelling of a
    // forbidden namespace.
    let mut sleeper = std::process::Command::new("sleep")
        .arg("30")
        .spawn()
        .unwrap();
    let forbidden = format!("/proc/{}/ns/net", sleeper.id());
    e.add(&l, "c1", &forbidden);
    e.add(&l, "c2", "/proc/self/ns/net");
    e.add(&l, "c3", "/proc/thread-self/ns/net");
    let rt = e.rt();
    let plan = rt.gc_plan("gcnet", Some(l), &ValidSet::All, false).unwrap();
    let out = rt.gc_run(vec![plan]);
    let _ = sleeper.kill();
    let _ = sleeper.wait();
    let n = &out.networks[0];
    assert!(matches!(
        &n.plan.stale[0].netns,
        NetnsState::Forbidden(r) if r.contains(&netns::Forbidden::Own { plugins: true })
    ));
    assert!(matches!(
        n.plan.stale[1].netns,
        NetnsState::ReaderDependent(_)
    ));
    assert!(matches!(
        n.plan.stale[2].netns,
        NetnsState::ReaderDependent(_)
    ));
    for r in &n.stale {
        assert!(
            matches!(
                r,
                StaleResult::Refused(
                    NetnsError::Forbidden { .. } | NetnsError::ReaderDependent { .. }
                )
            ),
            "{r:?}"
        );
    }
    match &n.stale[1] {
        StaleResult::Refused(err) => assert!(
            err.to_string().contains("ip netns attach NAME PID"),
            "{err}"
        ),
        other => panic!("{other:?}"),
    }
    assert!(n.has_failures());
    assert_eq!(e.log(), ["ADD p1", "ADD p2"].repeat(3), "no DEL ran");
    assert_eq!(e.cached(), vec!["gcnet/c1", "gcnet/c2", "gcnet/c3"]);
}

#[test]
fn the_plugins_host_namespace_is_never_deleted() {
    let e = env(&[]);
    let l = net("1.0.0");
    let mut sleeper = std::process::Command::new("sleep")
        .arg("30")
        .spawn()
        .unwrap();
    let path = format!("/proc/{}/ns/net", sleeper.id());
    e.add(&l, "c1", &path);
    let id = netns::netns_id(Path::new(&path)).unwrap();
    let mut rt = e.rt();
    rt.guard = netns::Guard::from_parts(vec![(id, netns::Forbidden::HostNetns)]);
    let plan = rt.gc_plan("gcnet", Some(l), &ValidSet::All, false).unwrap();
    let out = rt.gc_run(vec![plan]);
    let _ = sleeper.kill();
    let _ = sleeper.wait();
    match &out.networks[0].stale[0] {
        StaleResult::Refused(err) => {
            assert!(err.to_string().contains("(--host-netns)"), "{err}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(e.log(), vec!["ADD p1", "ADD p2"]);
    assert_eq!(e.cached(), vec!["gcnet/c1"]);
}

#[test]
fn best_effort_failures_are_recorded_and_the_rest_goes_on() {
    let e = env(&["p2"]);
    let l = net("1.1.0");
    e.add(&l, "c1", "/nonexistent/netns/c1");
    e.add(&l, "c2", "/nonexistent/netns/c2");
    let rt = e.rt();
    let plan = rt
        .gc_plan("gcnet", Some(l), &ValidSet::Explicit(vec![]), false)
        .unwrap();
    let out = rt.gc_run(vec![plan]);
    let n = &out.networks[0];
    assert!(n.has_failures());
    assert_eq!(n.stale.len(), 2);
    for r in &n.stale {
        match r {
            StaleResult::Failed(RuntimeError::DelFailed { errors, .. }) => {
                assert_eq!(errors[0].plugin, "p2");
                assert_eq!(errors[0].failure.error.code, 11);
            }
            other => panic!("{other:?}"),
        }
    }
    // Both DELs ran every plugin, then GC ran anyway; the cache keeps both for a retry.
    assert_eq!(
        e.log()[4..],
        ["DEL p2", "DEL p1", "DEL p2", "DEL p1", "GC p1", "GC p2"]
    );
    assert_eq!(e.cached(), vec!["gcnet/c1", "gcnet/c2"]);
    assert_eq!(
        n.gc,
        vec![("p1".into(), GcCall::Ok), ("p2".into(), GcCall::Ok)]
    );
}

#[test]
fn a_network_gone_from_the_config_dir_is_deleted_with_its_cached_config() {
    let e = env(&[]);
    let l = net("1.1.0");
    e.add(&l, "c1", "/nonexistent/netns/c1");
    let disabled = list(
        json!({"cniVersion": "1.1.0", "name": "offnet", "disableGC": true,
        "plugins": [{"type": "p1"}]}),
    );
    e.add(&disabled, "c2", "/nonexistent/netns/c2");
    let rt = e.rt();
    let plan = rt.gc_plan("gcnet", None, &ValidSet::All, true).unwrap();
    assert_eq!(plan.gc_verb, GcVerb::Skip(GcVerbSkip::NetworkGone));
    let off = rt.gc_plan("offnet", None, &ValidSet::All, true).unwrap();
    assert!(off.stale.is_empty(), "the cached config sets disableGC");
    assert_eq!(off.kept[0].1, KeepReason::DisableGc);
    let out = rt.gc_run(vec![plan, off]);
    assert!(!out.networks[0].has_failures());
    let calls = e.exec.calls();
    let dels: Vec<_> = calls
        .iter()
        .filter(|c| c.command() == Some("DEL"))
        .collect();
    assert_eq!(dels.len(), 2);
    assert_eq!(dels[0].stdin_json().unwrap()["name"], "gcnet");
    assert_eq!(e.cached(), vec!["offnet/c2"]);
}

#[test]
fn valid_lists_parse_json_or_lines_and_name_what_is_wrong() {
    assert_eq!(
        parse_valid_list(
            r#"[{"containerID":"a1","ifname":"eth0"},{"containerID":"b","ifname":"net1","x":1}]"#
        )
        .unwrap(),
        vec![pair("a1", "eth0"), pair("b", "net1")]
    );
    assert_eq!(parse_valid_list(" []\n").unwrap(), vec![]);
    assert_eq!(
        parse_valid_list("# from crictl\na1 eth0\n\n  b\tnet1  \n").unwrap(),
        vec![pair("a1", "eth0"), pair("b", "net1")]
    );
    let err = |s: &str| parse_valid_list(s).unwrap_err().to_string();
    assert!(err("").contains("empty"), "{}", err(""));
    assert!(err("  \n").contains("empty"));
    assert!(err("# nothing\n").contains("no attachments listed"));
    assert_eq!(
        err("a1 eth0\nb\n"),
        "line 2: expected \"CONTAINER_ID IFNAME\", got \"b\""
    );
    assert_eq!(
        err("a1 eth0 extra"),
        "line 1: expected \"CONTAINER_ID IFNAME\", got \"a1 eth0 extra\""
    );
    assert_eq!(
        err("-bad eth0"),
        "line 1: container ID \"-bad\": invalid characters in containerID"
    );
    assert!(err(r#"[{"containerID":"a1"}]"#).starts_with("element 0: expected an object"));
    assert!(
        err(r#"[{"containerID":"a1","ifname":"a/b"}]"#).starts_with("element 0: ifname \"a/b\"")
    );
    assert!(err("[1,").starts_with("line 1: invalid JSON"));
    assert_eq!(
        err(r#"{"a":1}"#),
        "line 1: expected \"CONTAINER_ID IFNAME\", got \"{\\\"a\\\":1}\""
    );
    assert_eq!(parse_valid_pair("c1:eth0").unwrap(), pair("c1", "eth0"));
    assert_eq!(
        parse_valid_pair("c1").unwrap_err().to_string(),
        "\"c1\": expected CONTAINER_ID:IFNAME"
    );
    assert!(parse_valid_pair("c1:").is_err());
    assert!(parse_valid_pair("c1:a:b").is_err());
}

#[test]
fn a_relative_netns_in_the_cache_proves_nothing() {
    let st = NetnsState::of("relative/x", None);
    assert!(
        matches!(&st, NetnsState::Unknown(m) if m.contains("not an absolute path")),
        "{st:?}"
    );
    assert_eq!(st.exists(), None, "--live keeps it");
}

#[test]
fn an_entry_whose_fields_disagree_with_its_file_name_is_kept_with_the_reason() {
    let e = env(&[]);
    let l = net("1.1.0");
    e.add(&l, "c1", "/nonexistent/netns/c1");
    e.add(&l, "c2", "/nonexistent/netns/c2");
    let rt = e.rt();
    // c2's file now says containerId "c9": a DEL of gcnet/c9 would read gcnet-c9-eth0 (absent),
    // run without the cached args and leave gcnet-c2-eth0 behind.
    let path = rt.cache.result_path("gcnet", "c2", "eth0").unwrap();
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    v["containerId"] = json!("c9");
    std::fs::write(&path, v.to_string()).unwrap();

    let plan = rt
        .gc_plan("gcnet", Some(l.clone()), &ValidSet::All, false)
        .unwrap();
    assert_eq!(plan.stale.len(), 1);
    assert_eq!(plan.stale[0].entry.container_id, "c1");
    assert_eq!(plan.kept.len(), 1);
    assert_eq!(plan.kept[0].0.entry.container_id, "c9");
    assert_eq!(
        plan.kept[0].1,
        KeepReason::NameMismatch(
            path.clone(),
            "the cache entry's containerId \"c9\" disagrees with its file name (libcni finds it by the file name for CHECK and DEL, but lists and garbage-collects it by its fields)".into()
        )
    );
    let before = e.log().len();
    rt.gc_run(vec![plan]);
    assert_eq!(
        e.log()[before..],
        ["DEL p2", "DEL p1"],
        "only c1 is deleted"
    );
    assert!(
        path.exists(),
        "the mismatched file is kept for a `del` by its names"
    );
}
