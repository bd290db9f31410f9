//! VERSION: asking a plugin which spec versions it supports (libcni `GetVersionInfo` and the
//! `PluginDecoder`), with libcni's texts for the decoding errors.

use super::env::version_env;
use super::error::{plugin_failure, ExecError, PluginFailure};
use super::request::version_request;
use super::{Exec, ExecLimits};
use serde::Deserialize;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// Why a plugin's supported versions could not be learned.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    /// The plugin could not be run (or the call was interrupted).
    #[error(transparent)]
    Exec(#[from] ExecError),
    /// The plugin ran and failed.
    #[error("plugin {} failed (VERSION): {}", .path.display(), .failure.error)]
    Failed {
        /// The binary.
        path: PathBuf,
        /// What it reported.
        failure: Box<PluginFailure>,
    },
    /// The plugin's answer is not a version info object. `message` is libcni's text
    /// (`decoding version info: ...`).
    #[error("plugin {}: {message}", .path.display())]
    Decode {
        /// The binary.
        path: PathBuf,
        /// libcni's message.
        message: String,
    },
}

/// The VERSION answer as libcni reads it; other fields are ignored.
#[derive(Deserialize)]
struct VersionInfo {
    #[serde(default, rename = "cniVersion")]
    cni_version: Option<String>,
    #[serde(default, rename = "supportedVersions")]
    supported_versions: Option<Vec<String>>,
}

/// Decodes a VERSION answer (digest 5.7): a missing or empty `cniVersion` is an error; an empty
/// or absent `supportedVersions` means `["0.1.0","0.2.0"]` when `cniVersion` is `0.2.0` and is
/// an error otherwise. Errors are libcni's texts.
pub fn decode_version_info(stdout: &[u8]) -> Result<Vec<String>, String> {
    let info: VersionInfo =
        serde_json::from_slice(stdout).map_err(|e| format!("decoding version info: {e}"))?;
    let cni_version = info.cni_version.unwrap_or_default();
    if cni_version.is_empty() {
        return Err("decoding version info: missing field cniVersion".to_string());
    }
    match info.supported_versions {
        Some(v) if !v.is_empty() => Ok(v),
        _ if cni_version == "0.2.0" => Ok(vec!["0.1.0".to_string(), "0.2.0".to_string()]),
        _ => Err("decoding version info: missing field supportedVersions".to_string()),
    }
}

/// Runs `path` with VERSION (stdin `{"cniVersion":"1.1.0"}`, the dummy env of
/// [`version_env`]) and returns the versions it supports. A plugin failing with exactly
/// `unknown CNI_COMMAND: VERSION` predates VERSION and supports `["0.1.0"]`.
pub fn probe_version(
    exec: &dyn Exec,
    path: &Path,
    parent_env: &[(OsString, OsString)],
    limits: &ExecLimits,
) -> Result<Vec<String>, ProbeError> {
    let env = version_env(parent_env);
    let out = exec.exec(path, &version_request(), &env, limits)?;
    if !out.is_success() {
        let failure = plugin_failure(&out);
        if failure.error.to_string() == "unknown CNI_COMMAND: VERSION" {
            return Ok(vec!["0.1.0".to_string()]);
        }
        return Err(ProbeError::Failed {
            path: path.to_path_buf(),
            failure: Box::new(failure),
        });
    }
    decode_version_info(&out.stdout).map_err(|message| ProbeError::Decode {
        path: path.to_path_buf(),
        message,
    })
}

/// Probes each plugin binary at most once, however many networks or plugins of a run use it
/// (validate, ls and status share one per run).
pub struct VersionCache<'a> {
    exec: &'a dyn Exec,
    parent_env: super::env::ParentEnv,
    limits: ExecLimits,
    memo: std::sync::Mutex<std::collections::HashMap<PathBuf, Result<Vec<String>, String>>>,
}

impl<'a> VersionCache<'a> {
    /// A cache that runs probes with `exec`, the plugins' parent env and `limits`.
    pub fn new(
        exec: &'a dyn Exec,
        parent_env: impl Into<super::env::ParentEnv>,
        limits: ExecLimits,
    ) -> Self {
        VersionCache {
            exec,
            parent_env: parent_env.into(),
            limits,
            memo: Default::default(),
        }
    }

    /// The versions the binary at `path` supports, or why they are unknown (the error's text).
    pub fn supported(&self, path: &Path) -> Result<Vec<String>, String> {
        if let Some(hit) = self.memo.lock().ok().and_then(|m| m.get(path).cloned()) {
            return hit;
        }
        let answer = probe_version(self.exec, path, &self.parent_env, &self.limits)
            .map_err(|e| e.to_string());
        if let Ok(mut m) = self.memo.lock() {
            m.insert(path.to_path_buf(), answer.clone());
        }
        answer
    }

    /// How many binaries were probed so far.
    pub fn probed(&self) -> usize {
        self.memo.lock().map(|m| m.len()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::invoke::fake::RecordingExec;
    use crate::invoke::ExecOutput;

    #[test]
    fn decodes_like_libcni() {
        // Digest case 39.
        assert_eq!(
            decode_version_info(br#"{"cniVersion":"0.2.0"}"#).unwrap(),
            vec!["0.1.0", "0.2.0"]
        );
        assert_eq!(
            decode_version_info(br#"{"supportedVersions":["x"]}"#).unwrap_err(),
            "decoding version info: missing field cniVersion"
        );
        assert_eq!(
            decode_version_info(br#"{"cniVersion":"1.0.0"}"#).unwrap_err(),
            "decoding version info: missing field supportedVersions"
        );
        assert_eq!(
            decode_version_info(br#"{"cniVersion":"1.0.0","supportedVersions":[]}"#).unwrap_err(),
            "decoding version info: missing field supportedVersions"
        );
        assert_eq!(
            decode_version_info(
                br#"{"cniVersion":"1.1.0","supportedVersions":["0.4.0","1.0.0"],"x":1}"#
            )
            .unwrap(),
            vec!["0.4.0", "1.0.0"]
        );
        assert!(decode_version_info(b"garbage")
            .unwrap_err()
            .starts_with("decoding version info: "));
    }

    #[test]
    fn probes_with_version_stdin_and_env() {
        // Digest case 38.
        let exec = RecordingExec::new(|_| {
            Ok(ExecOutput::exited(
                0,
                r#"{"cniVersion":"1.0.0","supportedVersions":["0.4.0","1.0.0"]}"#,
                "",
            ))
        });
        let parent = vec![(OsString::from("PATH"), OsString::from("/bin"))];
        let got = probe_version(
            &exec,
            Path::new("/opt/cni/bin/p"),
            &parent,
            &ExecLimits::default(),
        )
        .unwrap();
        assert_eq!(got, vec!["0.4.0", "1.0.0"]);
        let calls = exec.calls();
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].stdin, br#"{"cniVersion":"1.1.0"}"#);
        assert_eq!(calls[0].env_var("CNI_COMMAND"), Some("VERSION"));
        assert_eq!(calls[0].env_var("CNI_NETNS"), Some("dummy"));
        assert_eq!(calls[0].env_var("CNI_IFNAME"), Some("dummy"));
        assert_eq!(calls[0].env_var("CNI_PATH"), Some("dummy"));
        assert_eq!(calls[0].env_var("CNI_CONTAINERID"), Some(""));
        assert_eq!(calls[0].env_var("PATH"), Some("/bin"));
    }

    #[test]
    fn old_plugins_and_failures() {
        let old = RecordingExec::new(|_| {
            Ok(ExecOutput::exited(
                1,
                r#"{"code":4,"msg":"unknown CNI_COMMAND: VERSION"}"#,
                "",
            ))
        });
        let got = probe_version(&old, Path::new("/p"), &[], &ExecLimits::default()).unwrap();
        assert_eq!(got, vec!["0.1.0"]);
        let failing = RecordingExec::new(|_| Ok(ExecOutput::exited(1, "", "boom")));
        let err =
            probe_version(&failing, Path::new("/p"), &[], &ExecLimits::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "plugin /p failed (VERSION): netplugin failed: \"boom\": exit status 1"
        );
        let bad =
            RecordingExec::new(|_| Ok(ExecOutput::exited(0, r#"{"cniVersion":"1.0.0"}"#, "")));
        let err = probe_version(&bad, Path::new("/p"), &[], &ExecLimits::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "plugin /p: decoding version info: missing field supportedVersions"
        );
    }

    #[test]
    fn version_cache_probes_each_binary_once() {
        let exec = RecordingExec::new(|_| {
            Ok(ExecOutput::exited(
                0,
                r#"{"cniVersion":"1.0.0","supportedVersions":["0.4.0","1.0.0"]}"#,
                "",
            ))
        });
        let cache = VersionCache::new(&exec, Vec::new(), ExecLimits::default());
        for _ in 0..3 {
            assert_eq!(
                cache.supported(Path::new("/x/bridge")).unwrap(),
                vec!["0.4.0", "1.0.0"]
            );
        }
        cache.supported(Path::new("/x/portmap")).unwrap();
        assert_eq!(exec.calls().len(), 2);
        assert_eq!(cache.probed(), 2);
    }
}
