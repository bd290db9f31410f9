//! The life of cnictl's record through ADD, rollback, DEL and gc, driven through the
//! recording exec seam (no process runs).

use super::gc::ValidSet;
use super::same_netns;
use super::*;
use crate::cache::{PluginNsRecord, RecordState};
use crate::config::list_from_bytes;
use crate::invoke::fake::{RecordedCall, RecordingExec};
use crate::invoke::ExecOutput;
use serde_json::json;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

const RESULT: &str = r#"{"cniVersion":"1.0.0","ips":[{"address":"10.9.0.2/24"}]}"#;

struct Env {
    dir: tempfile::TempDir,
    exec: RecordingExec,
}

/// p1, p2, p3 on the CNI path; `respond` answers every call.
fn env(respond: impl Fn(&RecordedCall, &Path) -> ExecOutput + Send + Sync + 'static) -> Env {
    let dir = tempfile::tempdir().unwrap();
    for n in ["p1", "p2", "p3"] {
        std::fs::write(dir.path().join(n), b"").unwrap();
    }
    let cache = dir.path().join("cache");
    let exec = RecordingExec::new(move |c| Ok(respond(c, &cache)));
    Env { dir, exec }
}

fn ok_add(c: &RecordedCall) -> ExecOutput {
    match c.command() {
        Some("ADD") => ExecOutput::exited(0, RESULT, ""),
        _ => ExecOutput::exited(0, "", ""),
    }
}

fn failure() -> ExecOutput {
    ExecOutput::exited(1, r#"{"code":11,"msg":"stuck"}"#, "")
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
            plugin_ns: Some(ns(7)),
            conf_dir: None,
            rollback_stop: None,
            guard: crate::netns::Guard::new(None).unwrap(),
        }
    }

    fn log(&self) -> Vec<String> {
        self.exec
            .calls()
            .iter()
            .map(|c| format!("{} {}", c.plugin(), c.command().unwrap_or("?")))
            .collect()
    }

    fn records(&self) -> Vec<String> {
        self.rt()
            .cache
            .records()
            .unwrap()
            .into_iter()
            .map(|f| f.path.file_name().unwrap().to_string_lossy().into_owned())
            .collect()
    }
}

fn ns(ino: u64) -> PluginNsRecord {
    PluginNsRecord {
        path: Some(format!("/run/netns/host-{ino}")),
        dev: 4,
        ino,
    }
}

fn list() -> NetworkConfigList {
    list_from_bytes(
        json!({"cniVersion": "1.0.0", "name": "n", "plugins": [
            {"type": "p1"}, {"type": "p2"}, {"type": "p3", "capabilities": {"portMappings": true}}
        ]})
        .to_string()
        .as_bytes(),
    )
    .unwrap()
}

fn att() -> Attachment {
    Attachment {
        container_id: "c1".into(),
        netns: "/run/netns/c1".into(),
        ifname: "eth0".into(),
        args: vec![("K".into(), "V".into())],
        capability_args: json!({"portMappings": [{"hostPort": 8080}]})
            .as_object()
            .cloned()
            .unwrap(),
    }
}

fn req() -> DelRequest {
    DelRequest {
        network: "n".into(),
        container_id: "c1".into(),
        netns: "/run/netns/c1".into(),
        ifname: "eth0".into(),
        ..DelRequest::default()
    }
}

#[test]
fn the_intent_is_written_before_the_first_plugin_and_settled_on_success() {
    let e = env(|c, cache| {
        if c.plugin() == "p1" && c.command() == Some("ADD") {
            // the intent is on disk when the first plugin runs
            let r = Cache::new(cache).read_record("n", "c1", "eth0").unwrap();
            let r = r.expect("intent before the first plugin");
            assert_eq!(r.state, RecordState::Adding);
            assert_eq!(
                r.capability_args["portMappings"][0]["hostPort"],
                json!(8080)
            );
            assert_eq!(r.cni_args, vec![("K".to_string(), "V".to_string())]);
        }
        ok_add(c)
    });
    let rt = e.rt();
    let l = list();
    let out = rt.add(&l, &rt.resolve(&l).unwrap(), &att(), false).unwrap();
    assert!(out.warnings.is_empty());
    assert_eq!(e.log(), ["p1 ADD", "p2 ADD", "p3 ADD"]);
    let r = rt.cache.read_record("n", "c1", "eth0").unwrap().unwrap();
    assert_eq!(r.state, RecordState::Added);
    assert_eq!(r.plugin_ns, Some(ns(7)));
    let chain: Value = serde_json::from_str(r.chain.get()).unwrap();
    assert_eq!(chain["plugins"].as_array().unwrap().len(), 3);
    assert!(
        r.describes(&match rt.cache.read("n", "c1", "eth0").unwrap() {
            Some(crate::cache::Cached::V1(entry)) => entry,
            other => panic!("{other:?}"),
        })
    );
}

#[test]
fn a_complete_rollback_leaves_no_entry_and_no_record_even_one_already_in_place() {
    let e = env(|c, cache| match (c.plugin().as_str(), c.command()) {
        ("p3", Some("ADD")) => {
            // an entry already renamed into place (a write reported failed after its rename)
            let cache = Cache::new(cache);
            let mut entry = crate::cache::CacheEntry {
                container_id: "c1".into(),
                if_name: "eth0".into(),
                network_name: "n".into(),
                ..Default::default()
            };
            entry.config = Some(b"{}".to_vec());
            cache.write(&entry).unwrap();
            failure()
        }
        _ => ok_add(c),
    });
    let rt = e.rt();
    let l = list();
    let err = rt
        .add(&l, &rt.resolve(&l).unwrap(), &att(), false)
        .unwrap_err();
    let RuntimeError::AddFailed { rollback, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(rollback.deleted, ["p3", "p2", "p1"]);
    assert_eq!(rollback.cached, None);
    assert_eq!(rollback.cache_error, None);
    assert!(rt.cache.attachments(None).unwrap().is_empty(), "no entry");
    assert!(e.records().is_empty(), "no record");
}

#[test]
fn a_failed_rollback_is_a_failed_add_that_gc_lists_and_del_cleans() {
    let stuck = Arc::new(AtomicBool::new(true));
    let s = stuck.clone();
    let e = env(move |c, _| match (c.plugin().as_str(), c.command()) {
        ("p3", Some("ADD")) => failure(),
        ("p1", Some("DEL")) if s.load(Ordering::SeqCst) => failure(),
        _ => ok_add(c),
    });
    let rt = e.rt();
    let l = list();
    let err = rt
        .add(&l, &rt.resolve(&l).unwrap(), &att(), false)
        .unwrap_err();
    assert!(!err.nothing_ran());
    let RuntimeError::AddFailed { rollback, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(rollback.cached.is_some(), "{rollback:?}");
    let r = rt.cache.read_record("n", "c1", "eth0").unwrap().unwrap();
    assert_eq!(r.state, RecordState::AddFailed);
    assert_eq!(r.failed.as_ref().unwrap().left, ["p1"]);
    let plan = rt
        .gc_plan("n", Some(l.clone()), &ValidSet::All, false)
        .unwrap();
    assert_eq!(plan.stale.len(), 1);
    assert_eq!(plan.stale[0].add_state, Some(RecordState::AddFailed));

    stuck.store(false, Ordering::SeqCst);
    let before = e.exec.calls().len();
    rt.del(Some(&l), &req()).unwrap();
    let dels: Vec<String> = e.log()[before..].to_vec();
    assert_eq!(dels, ["p3 DEL", "p2 DEL", "p1 DEL"]);
    assert!(rt.cache.attachments(None).unwrap().is_empty());
    assert!(e.records().is_empty());
}

#[test]
fn gc_deletes_a_leftover_intent_with_its_cached_args() {
    let e = env(|c, _| ok_add(c));
    let rt = e.rt();
    let l = list();
    // what a cnictl killed mid-ADD leaves: the intent, written by a process that is gone
    let mut intent = rt.intent(&l, &att());
    intent.pid = u32::MAX;
    rt.cache.write_record(&intent).unwrap();
    let plan = rt.gc_plan("n", None, &ValidSet::All, false).unwrap();
    assert_eq!(plan.stale.len(), 1);
    assert_eq!(plan.stale[0].add_state, Some(RecordState::Adding));
    let out = rt.gc_run(vec![plan]);
    assert!(!out.networks[0].has_failures(), "{out:?}");
    let calls = e.exec.calls();
    assert_eq!(e.log(), ["p3 DEL", "p2 DEL", "p1 DEL"]);
    let p3 = calls[0].stdin_json().unwrap();
    assert_eq!(
        p3["runtimeConfig"]["portMappings"][0]["hostPort"],
        json!(8080)
    );
    assert!(calls.iter().all(|c| c.env_var("CNI_ARGS") == Some("K=V")));
    assert!(e.records().is_empty());
}

#[test]
fn a_live_writer_keeps_its_intent_out_of_gc() {
    let e = env(|c, _| ok_add(c));
    let rt = e.rt();
    // this test process is alive: its intent is an ADD in progress
    rt.cache.write_record(&rt.intent(&list(), &att())).unwrap();
    assert!(rt.leftover_intents("n").unwrap().is_empty());
}

#[test]
fn del_in_another_plugin_namespace_is_refused_before_anything_runs() {
    let e = env(|c, _| ok_add(c));
    let mut rt = e.rt();
    let l = list();
    rt.add(&l, &rt.resolve(&l).unwrap(), &att(), false).unwrap();
    let before = e.exec.calls().len();
    rt.plugin_ns = Some(ns(8));
    let err = rt.del(Some(&l), &req()).unwrap_err();
    assert!(
        matches!(err, RuntimeError::PluginNsMismatch { .. }),
        "{err:?}"
    );
    assert!(err.nothing_ran());
    assert!(err.to_string().contains("/run/netns/host-7"), "{err}");
    assert_eq!(e.exec.calls().len(), before, "nothing ran");
    let out = rt
        .del(
            Some(&l),
            &DelRequest {
                force: true,
                ..req()
            },
        )
        .unwrap();
    assert!(
        out.warnings.iter().any(|w| w.contains("--force")),
        "{out:?}"
    );
    assert!(e.records().is_empty());
}

#[test]
fn a_cache_failure_after_the_dels_ran_is_not_nothing_ran() {
    let e = env(|c, cache| {
        if c.plugin() == "p1" && c.command() == Some("DEL") {
            // the entry becomes a non-empty directory while the DELs run
            let p = cache.join("results/n-c1-eth0");
            std::fs::remove_file(&p).unwrap();
            std::fs::create_dir(&p).unwrap();
            std::fs::write(p.join("x"), b"").unwrap();
        }
        ok_add(c)
    });
    let rt = e.rt();
    let l = list();
    rt.add(&l, &rt.resolve(&l).unwrap(), &att(), false).unwrap();
    let err = rt.del(Some(&l), &req()).unwrap_err();
    assert!(matches!(err, RuntimeError::CacheAfterRun { .. }), "{err:?}");
    assert!(!err.nothing_ran());
    assert!(err.to_string().contains("results/n-c1-eth0"), "{err}");
}

#[test]
fn netns_spellings_of_a_gone_namespace_compare_by_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("real")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("real"), dir.path().join("link")).unwrap();
    let p = |s: &str| dir.path().join(s).to_string_lossy().into_owned();
    assert!(same_netns(&p("real/x"), &p("link/x")));
    assert!(!same_netns(&p("real/x"), &p("real/y")));
    assert!(!same_netns(&p("real/x"), &p("elsewhere/x")));
}

#[test]
fn gc_drops_the_record_of_an_attachment_another_runtime_deleted() {
    let e = env(|c, _| ok_add(c));
    let rt = e.rt();
    let l = list();
    rt.add(&l, &rt.resolve(&l).unwrap(), &att(), false).unwrap();
    // libcni's DEL (containerd, cnitool) removes the entry, not cnictl's record
    rt.cache.remove("n", "c1", "eth0").unwrap();
    assert_eq!(e.records().len(), 1);
    let plan = rt
        .gc_plan("n", Some(l.clone()), &ValidSet::All, false)
        .unwrap();
    assert!(plan.stale.is_empty(), "an inert record is no attachment");
    let before = e.exec.calls().len();
    rt.gc_run(vec![plan]);
    assert_eq!(e.exec.calls().len(), before, "nothing ran");
    assert!(e.records().is_empty());
}

#[test]
fn a_failed_add_without_a_result_is_no_corrupt_entry() {
    // p1 fails its ADD and its rollback DEL: the failed ADD's entry holds no result, on
    // purpose. attachments marks it a failed ADD, not a corrupt entry; del does not warn.
    let stuck = Arc::new(AtomicBool::new(true));
    let s = stuck.clone();
    let e = env(move |c, _| match (c.plugin().as_str(), c.command()) {
        ("p1", Some("ADD")) => failure(),
        ("p1", Some("DEL")) if s.load(Ordering::SeqCst) => failure(),
        _ => ok_add(c),
    });
    let rt = e.rt();
    let l = list();
    rt.add(&l, &rt.resolve(&l).unwrap(), &att(), false)
        .unwrap_err();
    let entry = match rt.cache.read("n", "c1", "eth0").unwrap() {
        Some(crate::cache::Cached::V1(entry)) => entry,
        other => panic!("{other:?}"),
    };
    assert_eq!(entry.result, None);
    assert_eq!(entry.defect().as_deref(), Some("it holds no result"));
    let listed = crate::inventory::list_attachments(&rt.cache, None).unwrap();
    assert_eq!(listed.attachments.len(), 1);
    assert_eq!(
        listed.attachments[0].add_state,
        Some(RecordState::AddFailed)
    );
    assert!(listed.warnings.is_empty(), "{:?}", listed.warnings);

    stuck.store(false, Ordering::SeqCst);
    let out = rt.del(Some(&l), &req()).unwrap();
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    assert!(rt.cache.attachments(None).unwrap().is_empty());
}

#[test]
fn attachments_warn_of_a_settled_entry_with_an_unusable_result() {
    let e = env(|c, _| ok_add(c));
    let rt = e.rt();
    let l = list();
    rt.add(&l, &rt.resolve(&l).unwrap(), &att(), false).unwrap();
    let path = rt.cache.result_path("n", "c1", "eth0").unwrap();
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    v["result"] = serde_json::json!({"ips": "x"});
    std::fs::write(&path, v.to_string()).unwrap();
    let listed = crate::inventory::list_attachments(&rt.cache, None).unwrap();
    assert_eq!(listed.attachments.len(), 1, "still listed: gc must DEL it");
    assert_eq!(listed.warnings.len(), 1);
    assert_eq!(listed.warnings[0].path, path);
    assert_eq!(
        listed.warnings[0].reason,
        "corrupt cache entry: result: it names no cniVersion"
    );
    // Filtered by another network: not shown.
    assert!(crate::inventory::list_attachments(&rt.cache, Some("other"))
        .unwrap()
        .warnings
        .is_empty());
}
