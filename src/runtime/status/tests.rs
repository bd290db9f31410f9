use super::*;
use crate::cache::Cache;
use crate::config::list_from_bytes;
use crate::invoke::fake::{RecordedCall, RecordingExec};
use crate::invoke::{ExecLimits, ExecOutput};
use serde_json::json;

/// A CNI dir holding (empty) binaries of the given names: enough for the lookup, the
/// recording exec answers in their place.
fn cni_dir(names: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for n in names {
        std::fs::write(dir.path().join(n), b"").unwrap();
    }
    dir
}

fn runtime<'a>(exec: &'a RecordingExec, dir: &tempfile::TempDir) -> Runtime<'a> {
    Runtime {
        env_memo: Default::default(),
        exec,
        cni_path: vec![dir.path().to_path_buf()],
        cache: Cache::new(dir.path().join("cache")),
        parent_env: Default::default(),
        limits: ExecLimits::default(),
        observer: None,
        plugin_ns: None,
        conf_dir: None,
        rollback_stop: None,
        guard: crate::netns::Guard::new(None).unwrap(),
    }
}

fn list(v: serde_json::Value) -> NetworkConfigList {
    list_from_bytes(v.to_string().as_bytes()).unwrap()
}

fn version_answer(supported: &[&str]) -> ExecOutput {
    ExecOutput::exited(
        0,
        json!({"cniVersion": "1.1.0", "supportedVersions": supported}).to_string(),
        "",
    )
}

const ALL: &[&str] = &[
    "0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0",
];
const UP_TO_1_0: &[&str] = &["0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0"];

fn commands(exec: &RecordingExec, command: &str) -> Vec<String> {
    exec.calls()
        .iter()
        .filter(|c| c.command() == Some(command))
        .map(RecordedCall::plugin)
        .collect()
}

#[test]
fn stops_at_the_first_plugin_that_is_not_ready_and_keeps_its_code() {
    // Digest case 62: plugin 2 answers code 50; plugins 1 and 2 are called, 3 is not.
    let dir = cni_dir(&["p1", "p2", "p3"]);
    let exec = RecordingExec::new(|c| {
        Ok(match (c.command(), c.plugin().as_str()) {
            (Some("VERSION"), _) => version_answer(ALL),
            (Some("STATUS"), "p2") => ExecOutput::exited(
                1,
                r#"{"code":50,"msg":"no leases left","details":"pool 10.0.0.0/30 exhausted"}"#,
                "",
            ),
            _ => ExecOutput::exited(0, "", ""),
        })
    });
    let rt = runtime(&exec, &dir);
    let versions = VersionCache::new(&exec, Vec::new(), ExecLimits::default());
    let l = list(json!({"cniVersion":"1.1.0","name":"net","plugins":[
        {"type":"p1"},{"type":"p2","x":1},{"type":"p3"}]}));
    let st = rt.status(&l, &versions).unwrap();
    assert_eq!(commands(&exec, "STATUS"), vec!["p1", "p2"]);
    assert_eq!(st.plugins.len(), 3);
    assert_eq!(st.plugins[0].status, PluginStatus::Ready);
    match &st.plugins[1].status {
        PluginStatus::NotReady(e) => {
            assert_eq!(e.plugin, "p2");
            assert_eq!(e.command, Command::Status);
            assert_eq!(e.failure.error.code, 50);
            assert_eq!(e.failure.error.msg, "no leases left");
            assert_eq!(e.failure.error.details, "pool 10.0.0.0/30 exhausted");
        }
        other => panic!("p2: {other:?}"),
    }
    assert_eq!(
        st.plugins[2].status,
        PluginStatus::NotCalled(StatusSkip::EarlierNotReady)
    );
    // p3 is still found and probed.
    assert_eq!(
        st.plugins[2].versions,
        Some(Ok(ALL.iter().map(|s| s.to_string()).collect()))
    );
    match &st.state {
        NetworkState::NotReady { reason } => {
            assert!(
                reason.contains("\"p2\"") && reason.contains("[CNI code 50]"),
                "{reason}"
            )
        }
        other => panic!("{other:?}"),
    }
    // The STATUS request: the plugin object with name and cniVersion; env with only CNI_PATH.
    let calls = exec.calls();
    let p2 = calls
        .iter()
        .find(|c| c.command() == Some("STATUS") && c.plugin() == "p2")
        .unwrap();
    assert_eq!(
        p2.stdin_json().unwrap(),
        json!({"type":"p2","x":1,"name":"net","cniVersion":"1.1.0"})
    );
    assert_eq!(p2.env_var("CNI_CONTAINERID"), Some(""));
    assert_eq!(p2.env_var("CNI_NETNS"), Some(""));
    assert_eq!(p2.env_var("CNI_IFNAME"), Some(""));
    assert_eq!(p2.env_var("CNI_PATH"), Some(dir.path().to_str().unwrap()));
}

#[test]
fn all_ready_and_each_binary_probed_once() {
    let dir = cni_dir(&["p1", "ipx"]);
    let exec = RecordingExec::new(|c| {
        Ok(match c.command() {
            Some("VERSION") => version_answer(ALL),
            _ => ExecOutput::exited(0, "", ""),
        })
    });
    let rt = runtime(&exec, &dir);
    let versions = VersionCache::new(&exec, Vec::new(), ExecLimits::default());
    let l = list(json!({"cniVersion":"1.1.0","name":"net","plugins":[
        {"type":"p1","ipam":{"type":"ipx"}},{"type":"p1"}]}));
    let st = rt.status(&l, &versions).unwrap();
    assert_eq!(st.state, NetworkState::Ready);
    // p1, its IPAM plugin, p1 again.
    let rows: Vec<(&str, Option<&str>)> = st
        .plugins
        .iter()
        .map(|r| (r.plugin.as_str(), r.ipam_of.as_deref()))
        .collect();
    assert_eq!(rows, vec![("p1", None), ("ipx", Some("p1")), ("p1", None)]);
    assert_eq!(
        st.plugins[1].status,
        PluginStatus::NotCalled(StatusSkip::Delegated { by: "p1".into() })
    );
    assert_eq!(commands(&exec, "STATUS"), vec!["p1", "p1"]);
    assert_eq!(commands(&exec, "VERSION").len(), 2, "p1 and ipx, once each");
}

#[test]
fn older_network_cannot_report_and_calls_no_status() {
    // Digest case 62, second half: libcni returns success without calling anything; cnictl
    // says why instead.
    let dir = cni_dir(&["p1", "p2"]);
    let exec = RecordingExec::new(|c| {
        Ok(match c.command() {
            Some("VERSION") => version_answer(UP_TO_1_0),
            _ => ExecOutput::exited(1, r#"{"code":4,"msg":"unknown CNI_COMMAND: STATUS"}"#, ""),
        })
    });
    let rt = runtime(&exec, &dir);
    let versions = VersionCache::new(&exec, Vec::new(), ExecLimits::default());
    let l =
        list(json!({"cniVersion":"1.0.0","name":"old","plugins":[{"type":"p1"},{"type":"p2"}]}));
    let st = rt.status(&l, &versions).unwrap();
    assert!(commands(&exec, "STATUS").is_empty());
    assert_eq!(
        st.state,
        NetworkState::CannotReport {
            reason: "STATUS not supported by cniVersion 1.0.0".into()
        }
    );
    for r in &st.plugins {
        assert_eq!(
            r.status,
            PluginStatus::NotCalled(StatusSkip::NetworkVersion)
        );
        assert!(r.path.is_ok());
    }
    // An empty cniVersion is read as 0.1.0, and said so.
    let l = list(json!({"name":"old","plugins":[{"type":"p1"}]}));
    let st = rt.status(&l, &versions).unwrap();
    match st.state {
        NetworkState::CannotReport { reason } => {
            assert!(reason.contains("read as 0.1.0"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn plugin_without_the_networks_version_is_reported_as_such_never_as_not_ready() {
    let dir = cni_dir(&["new", "old", "ipold", "p3"]);
    let exec = RecordingExec::new(|c| {
        Ok(match (c.command(), c.plugin().as_str()) {
            (Some("VERSION"), "old" | "ipold") => version_answer(UP_TO_1_0),
            (Some("VERSION"), _) => version_answer(ALL),
            (Some("STATUS"), "old") => {
                ExecOutput::exited(1, r#"{"code":4,"msg":"unknown CNI_COMMAND: STATUS"}"#, "")
            }
            _ => ExecOutput::exited(0, "", ""),
        })
    });
    let rt = runtime(&exec, &dir);
    let versions = VersionCache::new(&exec, Vec::new(), ExecLimits::default());
    let l = list(json!({"cniVersion":"1.1.0","name":"mixed","plugins":[
        {"type":"new"},{"type":"old"},{"type":"p3","ipam":{"type":"ipold"}}]}));
    let st = rt.status(&l, &versions).unwrap();
    // Neither "old" nor p3 (whose IPAM plugin lacks 1.1.0) is asked; "new" is.
    assert_eq!(commands(&exec, "STATUS"), vec!["new"]);
    assert_eq!(
        st.plugins[1].status,
        PluginStatus::NotCalled(StatusSkip::Unsupported {
            up_to: Some("1.0.0".into())
        })
    );
    assert_eq!(
        st.plugins[2].status,
        PluginStatus::NotCalled(StatusSkip::IpamUnsupported {
            ipam: "ipold".into(),
            up_to: Some("1.0.0".into())
        })
    );
    assert_eq!(
        st.state,
        NetworkState::CannotReport {
            reason: "plugin \"old\" supports up to 1.0.0, not cniVersion 1.1.0".into()
        }
    );
}

#[test]
fn missing_binary_means_not_ready() {
    let dir = cni_dir(&["p1"]);
    let exec = RecordingExec::new(|c| {
        Ok(match c.command() {
            Some("VERSION") => version_answer(ALL),
            _ => ExecOutput::exited(0, "", ""),
        })
    });
    let rt = runtime(&exec, &dir);
    let versions = VersionCache::new(&exec, Vec::new(), ExecLimits::default());
    let l = list(json!({"cniVersion":"1.1.0","name":"net","plugins":[
        {"type":"p1","ipam":{"type":"nope"}},{"type":"p1"}]}));
    let st = rt.status(&l, &versions).unwrap();
    assert!(commands(&exec, "STATUS").is_empty(), "{:?}", exec.calls());
    assert_eq!(
        st.plugins[0].status,
        PluginStatus::NotCalled(StatusSkip::Missing {
            binary: "nope".into()
        })
    );
    let err = st.plugins[1].path.as_ref().unwrap_err();
    assert!(err.contains("failed to find plugin \"nope\""), "{err}");
    assert_eq!(st.plugins[1].versions, None);
    assert_eq!(
        st.state,
        NetworkState::NotReady {
            reason: "plugin \"nope\" is not on the CNI path (IPAM plugin of \"p1\")".into()
        }
    );
}

#[test]
fn newest_version_ignores_unparseable_entries() {
    let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(
        newest_version(&v(&["0.4.0", "1.0.0", "0.3.1"])),
        Some("1.0.0".into())
    );
    assert_eq!(newest_version(&v(&["x", "0.2.0"])), Some("0.2.0".into()));
    assert_eq!(newest_version(&v(&["x"])), None);
}

#[test]
fn a_plugin_whose_version_probe_fails_is_not_asked_and_cannot_report() {
    let dir = cni_dir(&["p1", "p2"]);
    let exec = RecordingExec::new(|c| {
        Ok(match (c.command(), c.plugin().as_str()) {
            (Some("VERSION"), "p2") => ExecOutput::exited(0, "garbage", ""),
            (Some("VERSION"), _) => version_answer(ALL),
            _ => ExecOutput::exited(0, "", ""),
        })
    });
    let rt = runtime(&exec, &dir);
    let versions = VersionCache::new(&exec, Vec::new(), ExecLimits::default());
    let l =
        list(json!({"cniVersion":"1.1.0","name":"net","plugins":[{"type":"p1"},{"type":"p2"}]}));
    let st = rt.status(&l, &versions).unwrap();
    assert_eq!(commands(&exec, "STATUS"), vec!["p1"]);
    match &st.state {
        NetworkState::CannotReport { reason } => {
            assert!(
                reason.contains("plugin \"p2\"") && reason.contains("VERSION failed"),
                "{reason}"
            )
        }
        other => panic!("want cannot report, got {other:?}"),
    }
}
