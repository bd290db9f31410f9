//! ADD's rollback through the exec seam: its bound, and a second signal that stops it.

use super::*;
use crate::cache::Cache;
use crate::config::list_from_bytes;
use crate::invoke::{Exec, ExecError, ExecOutput};
use serde_json::json;
use std::ffi::OsString;
use std::path::Path;
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One call as the runtime made it: plugin, command, and the limits it was given.
#[derive(Debug, Clone)]
struct Seen {
    tag: String,
    timeout: Option<Duration>,
    stop_flag: bool,
}

/// An exec that answers by "plugin COMMAND" and records the limits of each call.
struct LimitsExec {
    seen: Mutex<Vec<Seen>>,
    #[allow(clippy::type_complexity)]
    answer: Box<dyn Fn(&str, &ExecLimits) -> Result<ExecOutput, ExecError> + Send + Sync>,
}

impl Exec for LimitsExec {
    fn exec(
        &self,
        path: &Path,
        _stdin: &[u8],
        env: &[(OsString, OsString)],
        limits: &ExecLimits,
    ) -> Result<ExecOutput, ExecError> {
        let command = env
            .iter()
            .find(|(k, _)| k == "CNI_COMMAND")
            .map(|(_, v)| v.to_string_lossy().into_owned())
            .unwrap_or_default();
        let plugin = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tag = format!("{plugin} {command}");
        self.seen.lock().unwrap().push(Seen {
            tag: tag.clone(),
            timeout: limits.timeout,
            stop_flag: limits.interrupt.is_some(),
        });
        (self.answer)(&tag, limits)
    }
}

fn result() -> String {
    json!({"cniVersion": "1.0.0", "ips": [{"address": "10.0.0.2/24"}]}).to_string()
}

fn setup() -> (tempfile::TempDir, NetworkConfigList, Resolved) {
    let dir = tempfile::tempdir().unwrap();
    let list = list_from_bytes(
        json!({"cniVersion": "1.0.0", "name": "net", "plugins": [
            {"type": "p1"}, {"type": "p2"}, {"type": "p3"}]})
        .to_string()
        .as_bytes(),
    )
    .unwrap();
    let resolved = Resolved {
        plugins: ["p1", "p2", "p3"]
            .iter()
            .map(|p| dir.path().join(p))
            .collect(),
    };
    (dir, list, resolved)
}

fn runtime<'a>(
    exec: &'a LimitsExec,
    dir: &tempfile::TempDir,
    timeout: Option<Duration>,
    stop: &Arc<AtomicUsize>,
) -> Runtime<'a> {
    Runtime {
        env_memo: Default::default(),
        exec,
        cni_path: vec![dir.path().to_path_buf()],
        cache: Cache::new(dir.path().join("cache")),
        parent_env: Default::default(),
        limits: ExecLimits {
            timeout,
            interrupt: Some(Arc::new(AtomicUsize::new(0))),
        },
        observer: None,
        rollback_stop: Some(stop.clone()),
        guard: crate::netns::Guard::new(None).unwrap(),
        plugin_ns: None,
        conf_dir: None,
    }
}

fn att() -> Attachment {
    Attachment {
        container_id: "c1".into(),
        netns: "/var/run/netns/x".into(),
        ifname: "eth0".into(),
        ..Attachment::default()
    }
}

fn rollback_of(e: RuntimeError) -> Rollback {
    match e {
        RuntimeError::AddFailed { rollback, .. } | RuntimeError::Interrupted { rollback, .. } => {
            rollback
        }
        other => panic!("not an ADD failure: {other}"),
    }
}

#[test]
fn rollback_dels_are_bounded_by_a_default_and_watch_the_stop_flag() {
    let (dir, list, resolved) = setup();
    let exec = LimitsExec {
        seen: Mutex::new(Vec::new()),
        answer: Box::new(|tag, _| match tag {
            "p3 ADD" => Ok(ExecOutput::exited(1, r#"{"code":7,"msg":"boom"}"#, "")),
            t if t.ends_with(" ADD") => Ok(ExecOutput::exited(0, result(), "")),
            _ => Ok(ExecOutput::exited(0, "", "")),
        }),
    };
    let stop = Arc::new(AtomicUsize::new(0));
    let rt = runtime(&exec, &dir, None, &stop);
    let rb = rollback_of(rt.add(&list, &resolved, &att(), false).unwrap_err());
    assert_eq!(rb.deleted, ["p3", "p2", "p1"]);
    assert!(rb.incomplete.is_empty() && rb.stopped_by.is_none());
    assert!(!rb.left_anything());
    let seen = exec.seen.lock().unwrap().clone();
    let dels: Vec<&Seen> = seen.iter().filter(|s| s.tag.ends_with(" DEL")).collect();
    assert_eq!(dels.len(), 3);
    for d in dels {
        assert_eq!(d.timeout, Some(DEFAULT_ROLLBACK_TIMEOUT), "{d:?}");
        assert!(d.stop_flag, "{d:?}");
    }
    // the ADDs have no timeout when none is given
    assert_eq!(seen[0].timeout, None);

    // with --timeout, the rollback uses it
    let exec2 = LimitsExec {
        seen: Mutex::new(Vec::new()),
        answer: Box::new(|tag, _| match tag {
            "p1 ADD" => Ok(ExecOutput::exited(1, r#"{"code":7,"msg":"boom"}"#, "")),
            _ => Ok(ExecOutput::exited(0, "", "")),
        }),
    };
    let rt = runtime(&exec2, &dir, Some(Duration::from_secs(3)), &stop);
    rt.add(&list, &resolved, &att(), false).unwrap_err();
    let seen = exec2.seen.lock().unwrap().clone();
    assert!(seen
        .iter()
        .filter(|s| s.tag.ends_with(" DEL"))
        .all(|s| s.timeout == Some(Duration::from_secs(3))));
}

#[test]
fn a_second_signal_stops_the_rollback_and_reports_what_is_left() {
    let (dir, list, resolved) = setup();
    let stop = Arc::new(AtomicUsize::new(0));
    let stop_in_exec = stop.clone();
    let exec = LimitsExec {
        seen: Mutex::new(Vec::new()),
        answer: Box::new(move |tag, limits| match tag {
            "p3 ADD" => Ok(ExecOutput::exited(1, r#"{"code":7,"msg":"boom"}"#, "")),
            "p2 DEL" => {
                // the DEL hangs; a second SIGINT arrives and RawExec kills it
                stop_in_exec.store(libc::SIGINT as usize, std::sync::atomic::Ordering::SeqCst);
                let flag = limits.interrupt.as_ref().expect("the rollback's stop flag");
                let sig = flag.load(std::sync::atomic::Ordering::SeqCst);
                Err(ExecError::Interrupted(i32::try_from(sig).unwrap()))
            }
            "p3 DEL" => Ok(ExecOutput::exited(
                1,
                r#"{"code":11,"msg":"del broke"}"#,
                "",
            )),
            t if t.ends_with(" ADD") => Ok(ExecOutput::exited(0, result(), "")),
            _ => Ok(ExecOutput::exited(0, "", "")),
        }),
    };
    let rt = runtime(&exec, &dir, None, &stop);
    let rb = rollback_of(rt.add(&list, &resolved, &att(), false).unwrap_err());
    let tags: Vec<String> = exec
        .seen
        .lock()
        .unwrap()
        .iter()
        .map(|s| s.tag.clone())
        .collect();
    // p1's DEL never ran
    assert_eq!(tags, ["p1 ADD", "p2 ADD", "p3 ADD", "p3 DEL", "p2 DEL"]);
    assert_eq!(rb.stopped_by, Some(libc::SIGINT));
    assert!(rb.deleted.is_empty());
    assert_eq!(rb.errors.len(), 1);
    let left: Vec<(&str, usize, Incomplete)> = rb
        .incomplete
        .iter()
        .map(|i| (i.plugin.as_str(), i.index, i.reason))
        .collect();
    assert_eq!(
        left,
        [
            ("p3", 2, Incomplete::Failed),
            ("p2", 1, Incomplete::Stopped),
            ("p1", 0, Incomplete::NotStarted)
        ]
    );
    assert!(rb.left_anything());
    // every plugin's ADD ran and none was undone: all three are left, and the attachment is
    // cached as a failed ADD for `cnictl del` and gc
    assert_eq!(rb.left, ["p1", "p2", "p3"]);
    assert!(rb.cached.is_some());
    assert!(rt.cache.read("net", "c1", "eth0").unwrap().is_some());
    let record = rt.cache.read_record("net", "c1", "eth0").unwrap().unwrap();
    assert_eq!(record.state, crate::cache::RecordState::AddFailed);
}

#[test]
fn a_stop_before_the_rollback_runs_no_del() {
    let (dir, list, resolved) = setup();
    let stop = Arc::new(AtomicUsize::new(libc::SIGTERM as usize));
    let exec = LimitsExec {
        seen: Mutex::new(Vec::new()),
        answer: Box::new(|tag, _| match tag {
            "p2 ADD" => Ok(ExecOutput::exited(1, r#"{"code":7,"msg":"boom"}"#, "")),
            _ => Ok(ExecOutput::exited(0, result(), "")),
        }),
    };
    let rt = runtime(&exec, &dir, None, &stop);
    let rb = rollback_of(rt.add(&list, &resolved, &att(), false).unwrap_err());
    assert_eq!(rb.stopped_by, Some(libc::SIGTERM));
    assert_eq!(rb.incomplete.len(), 3);
    assert!(rb
        .incomplete
        .iter()
        .all(|i| i.reason == Incomplete::NotStarted));
    assert_eq!(exec.seen.lock().unwrap().len(), 2, "no DEL ran");
}
