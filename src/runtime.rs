//! The chain: ADD, DEL and CHECK over a network list (what libcni's `api.go` does), plus what
//! libcni leaves to its callers: rollback of a failed ADD, refusing a second ADD of the same
//! attachment, and DEL/CHECK with the runtime arguments recorded at ADD time.

// Errors carry the whole plugin failure (stderr, rollback report): they are built once per
// command, so their size does not matter and boxing them would only add noise.
#![allow(clippy::result_large_err)]

use crate::cache::{Cache, CacheEntry, CacheError, Cached};
use crate::config::{self, NetworkConfigList};
use crate::invoke::{
    self, CniArgs, Command, Exec, ExecError, ExecLimits, ExecOutput, PluginFailure,
};
use crate::types::error::CniError;
use crate::types::result::{parse_plugin_result, CniResult};
use crate::types::version::{self, Version};
use serde_json::{Map, Value};
use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

/// One container attachment: the runtime arguments of an ADD, DEL or CHECK.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Attachment {
    /// `CNI_CONTAINERID`
    pub container_id: String,
    /// `CNI_NETNS`
    pub netns: String,
    /// `CNI_IFNAME`
    pub ifname: String,
    /// `CNI_ARGS` pairs.
    pub args: Vec<(String, String)>,
    /// Capability arguments (become `runtimeConfig` for plugins that declare them).
    pub capability_args: Map<String, Value>,
}

/// A record of one plugin call, handed to the observer as it finishes (for timelines and
/// `-vv` traces) and kept in outcomes.
#[derive(Debug, Clone)]
pub struct CallRecord {
    /// The plugin's `type`.
    pub plugin: String,
    /// The binary that ran.
    pub path: PathBuf,
    /// The CNI command.
    pub command: Command,
    /// True for the DELs of a rollback.
    pub rollback: bool,
    /// The stdin sent.
    pub stdin: Vec<u8>,
    /// The `CNI_*` variables sent.
    pub cni_env: Vec<(String, String)>,
    /// What the process did (None when it could not be started).
    pub output: Option<ExecOutput>,
    /// The CNI error code when the call failed.
    pub cni_code: Option<u64>,
    /// True when the call succeeded.
    pub ok: bool,
}

impl CallRecord {
    /// Wall time of the call.
    pub fn elapsed(&self) -> Duration {
        self.output.as_ref().map(|o| o.elapsed).unwrap_or_default()
    }
}

/// A failed plugin call, with everything libcni keeps and what it drops.
#[derive(Debug, Clone, PartialEq)]
pub struct PluginError {
    /// The plugin's `type`.
    pub plugin: String,
    /// The plugin object's own `name`, when it has one.
    pub plugin_name: Option<String>,
    /// The CNI command.
    pub command: Command,
    /// The failure: CNI error, exit status or signal, stderr.
    pub failure: PluginFailure,
}

impl std::fmt::Display for PluginError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "plugin \"{}\"", self.plugin)?;
        if let Some(n) = &self.plugin_name {
            write!(f, " (name \"{n}\")")?;
        }
        write!(
            f,
            " failed ({}): {}",
            self.command.as_str(),
            self.failure.error
        )?;
        if self.failure.error.code != 0 {
            write!(f, " [CNI code {}]", self.failure.error.code)?;
        }
        // libcni's text says "signal: segmentation fault" only when the plugin printed nothing;
        // the signal's name is kept in every case. A timeout's SIGKILL is cnictl's own and
        // already said ("timed out after ...").
        if let (Some(sig), false) = (&self.failure.signal, self.failure.timed_out) {
            write!(f, " (killed by {sig})")?;
        }
        Ok(())
    }
}

/// What a rollback of a failed ADD did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rollback {
    /// Plugins whose DEL succeeded, in the order they ran.
    pub deleted: Vec<String>,
    /// DELs that failed.
    pub errors: Vec<PluginError>,
    /// True when `--no-rollback` kept the broken state.
    pub skipped: bool,
}

/// Errors of the chain operations.
#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    /// A plugin (or IPAM plugin) is not on the CNI path.
    #[error("network \"{network}\": {error}")]
    PluginNotFound {
        /// The network.
        network: String,
        /// The plugin type.
        plugin: String,
        /// libcni's error.
        error: CniError,
        /// The directories searched, joined by `:`.
        searched: String,
    },
    /// An identifier failed libcni's rules.
    #[error("{what} {value:?} is invalid: {error}")]
    InvalidIdentifier {
        /// What was checked.
        what: &'static str,
        /// The value given.
        value: String,
        /// The rule that failed.
        error: CniError,
    },
    /// The cache already holds this attachment: a second ADD without a DEL is refused.
    #[error("network \"{network}\" is already attached to container \"{container_id}\" as {ifname} (cache entry {path}); run `cnictl del` first")]
    AlreadyAttached {
        /// The network.
        network: String,
        /// The container.
        container_id: String,
        /// The interface.
        ifname: String,
        /// The cache entry.
        path: PathBuf,
    },
    /// ADD failed in a plugin; the chain was rolled back (unless disabled).
    #[error("{error}")]
    AddFailed {
        /// The failing call.
        error: PluginError,
        /// What was undone.
        rollback: Rollback,
        /// The last successful result (for `--no-rollback`).
        last_result: Option<Value>,
    },
    /// ADD was interrupted by a signal; the chain was rolled back.
    #[error("interrupted by signal {signal} while running plugin \"{plugin}\" ({command})")]
    Interrupted {
        /// The signal number.
        signal: i32,
        /// The plugin that was running.
        plugin: String,
        /// Its command.
        command: &'static str,
        /// What was undone.
        rollback: Rollback,
    },
    /// DEL ran every plugin but some failed; the cache entry is kept for a retry.
    #[error("{}", join_errors(.errors))]
    DelFailed {
        /// Every failed DEL.
        errors: Vec<PluginError>,
    },
    /// CHECK failed in a plugin.
    #[error("{0}")]
    CheckFailed(PluginError),
    /// The network's cniVersion is unusable for the command.
    #[error("network \"{network}\": {msg}")]
    Version {
        /// The network.
        network: String,
        /// What is wrong.
        msg: String,
    },
    /// CHECK of an attachment the cache does not know.
    #[error("network \"{network}\" has no cached attachment for container \"{container_id}\" and interface {ifname}: CHECK is only allowed after ADD (is the container ID or netns spelled as at ADD? `cnictl attachments` lists what the cache holds)")]
    NotAttached {
        /// The network.
        network: String,
        /// The container.
        container_id: String,
        /// The interface.
        ifname: String,
    },
    /// The cached entry cannot be used.
    #[error("network \"{network}\": cached result is unusable: {msg}")]
    BadCache {
        /// The network.
        network: String,
        /// Why.
        msg: String,
    },
    /// `--cached-config` without a cached config, or a cached config that does not parse.
    #[error("network \"{network}\": {msg}")]
    CachedConfig {
        /// The network.
        network: String,
        /// Why.
        msg: String,
    },
    /// The cache could not be read or written.
    #[error(transparent)]
    Cache(#[from] CacheError),
}

fn join_errors(errors: &[PluginError]) -> String {
    errors
        .iter()
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

impl RuntimeError {
    /// True when nothing was run (cnictl's exit code 2) rather than a failed operation (1).
    pub fn nothing_ran(&self) -> bool {
        matches!(
            self,
            RuntimeError::PluginNotFound { .. }
                | RuntimeError::InvalidIdentifier { .. }
                | RuntimeError::AlreadyAttached { .. }
                | RuntimeError::Version { .. }
                | RuntimeError::NotAttached { .. }
                | RuntimeError::CachedConfig { .. }
        )
    }
}

/// The successful outcome of an ADD.
#[derive(Debug, Clone)]
pub struct AddOutcome {
    /// The final result JSON exactly as the last plugin printed it (cniVersion fixed up).
    pub result: Value,
    /// The same, typed.
    pub typed: CniResult,
    /// The cache file written.
    pub cache_path: PathBuf,
}

/// The outcome of a DEL or CHECK: warnings to show.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Things worth telling the user (cached args differ, config changed, corrupt cache ...).
    pub warnings: Vec<String>,
    /// True when nothing was run (CHECK with disableCheck).
    pub skipped: bool,
}

/// Runs chains of plugins. Holds everything a call needs so commands pass no globals.
pub struct Runtime<'a> {
    /// Runs the plugin binaries.
    pub exec: &'a dyn Exec,
    /// The CNI path.
    pub cni_path: Vec<PathBuf>,
    /// The results cache.
    pub cache: Cache,
    /// The environment plugins inherit (before the CNI_* variables are set).
    pub parent_env: Vec<(OsString, OsString)>,
    /// Timeout and interrupt flag of each call.
    pub limits: ExecLimits,
    /// Called after every plugin call.
    pub observer: Option<&'a dyn Fn(&CallRecord)>,
}

/// The binaries a chain needs, resolved before anything runs.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The binary of each plugin, in chain order.
    pub plugins: Vec<PathBuf>,
}

impl<'a> Runtime<'a> {
    /// Resolves every `type` and `ipam.type` of the chain on the CNI path.
    pub fn resolve(&self, list: &NetworkConfigList) -> Result<Resolved, RuntimeError> {
        let mut plugins = Vec::with_capacity(list.plugins.len());
        for p in &list.plugins {
            plugins.push(self.find(&list.name, &p.plugin_type)?);
            if let Some(ipam) = p.ipam_type.as_deref().filter(|t| !t.is_empty()) {
                self.find(&list.name, ipam)?;
            }
        }
        Ok(Resolved { plugins })
    }

    fn find(&self, network: &str, name: &str) -> Result<PathBuf, RuntimeError> {
        invoke::find_in_path(name, &self.cni_path).map_err(|error| RuntimeError::PluginNotFound {
            network: network.to_string(),
            plugin: name.to_string(),
            error,
            searched: self
                .cni_path
                .iter()
                .filter(|p| !p.as_os_str().is_empty())
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(":"),
        })
    }

    /// Checks the container ID, network name and interface name (digest §4).
    pub fn validate_ids(network: &str, att: &Attachment) -> Result<(), RuntimeError> {
        use crate::types::ident::*;
        validate_container_id(&att.container_id).map_err(|error| {
            RuntimeError::InvalidIdentifier {
                what: "container ID",
                value: att.container_id.clone(),
                error,
            }
        })?;
        validate_network_name(network).map_err(|error| RuntimeError::InvalidIdentifier {
            what: "network name",
            value: network.to_string(),
            error,
        })?;
        validate_ifname(&att.ifname).map_err(|error| RuntimeError::InvalidIdentifier {
            what: "interface name",
            value: att.ifname.clone(),
            error,
        })
    }

    /// Fails when the cache already holds this attachment (a second ADD is forbidden).
    pub fn refuse_existing(&self, network: &str, att: &Attachment) -> Result<(), RuntimeError> {
        if self
            .cache
            .read(network, &att.container_id, &att.ifname)?
            .is_some()
        {
            return Err(RuntimeError::AlreadyAttached {
                network: network.to_string(),
                container_id: att.container_id.clone(),
                ifname: att.ifname.clone(),
                path: self
                    .cache
                    .result_path(network, &att.container_id, &att.ifname)?,
            });
        }
        Ok(())
    }

    /// ADD: runs the chain in order threading prevResult, writes the cache; on failure rolls
    /// the chain back (DEL of every plugin in reverse) unless `no_rollback`, in which case the
    /// cache entry is written with the last successful result so `cnictl del` can clean up.
    pub fn add(
        &self,
        list: &NetworkConfigList,
        resolved: &Resolved,
        att: &Attachment,
        no_rollback: bool,
    ) -> Result<AddOutcome, RuntimeError> {
        Self::validate_ids(&list.name, att)?;
        let args = self.cni_args(att);
        let mut prev: Option<Value> = None;
        let mut typed: Option<CniResult> = None;
        for (plugin, path) in list.plugins.iter().zip(&resolved.plugins) {
            let stdin = invoke::build_request(
                plugin,
                &list.name,
                &list.cni_version,
                prev.as_ref(),
                &att.capability_args,
            );
            let call = self.call(
                plugin,
                path,
                Command::Add,
                &args,
                stdin,
                &self.limits,
                false,
            );
            let failure = match call {
                Ok(out) => match parse_plugin_result(&out.stdout, &list.cni_version) {
                    Ok((value, t)) => {
                        prev = Some(value);
                        typed = Some(t);
                        continue;
                    }
                    Err(e) => PluginFailure {
                        error: CniError::new(0, format!("plugin printed an invalid result: {e}")),
                        exit_code: out.exit_code,
                        signal: out.signal.clone(),
                        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
                        timed_out: false,
                    },
                },
                Err(CallError::Failed(f)) => f,
                Err(CallError::Interrupted(signal)) => {
                    let rollback =
                        self.rollback(list, resolved, att, &args, prev.as_ref(), no_rollback);
                    if no_rollback {
                        self.keep_broken(list, att, prev.clone())?;
                    }
                    return Err(RuntimeError::Interrupted {
                        signal,
                        plugin: plugin.plugin_type.clone(),
                        command: "ADD",
                        rollback,
                    });
                }
            };
            let error = PluginError {
                plugin: plugin.plugin_type.clone(),
                plugin_name: plugin.name.clone(),
                command: Command::Add,
                failure,
            };
            let rollback = self.rollback(list, resolved, att, &args, prev.as_ref(), no_rollback);
            if no_rollback {
                self.keep_broken(list, att, prev.clone())?;
            }
            return Err(RuntimeError::AddFailed {
                error,
                rollback,
                last_result: prev,
            });
        }
        let (result, typed) = match (prev, typed) {
            (Some(r), Some(t)) => (r, t),
            // A list always has at least one plugin; an empty chain is a config error upstream.
            _ => {
                return Err(RuntimeError::Version {
                    network: list.name.clone(),
                    msg: "the network has no plugins".into(),
                });
            }
        };
        let entry = self.entry(list, att, Some(result.clone()));
        match self.cache.write(&entry) {
            Ok(cache_path) => Ok(AddOutcome {
                result,
                typed,
                cache_path,
            }),
            Err(e) => {
                // libcni fails the ADD when the cache cannot be written; cnictl also undoes it,
                // since nothing would remember the attachment for a later DEL.
                let rollback = self.rollback(list, resolved, att, &args, Some(&result), false);
                Err(RuntimeError::AddFailed {
                    error: PluginError {
                        plugin: "cache".into(),
                        plugin_name: None,
                        command: Command::Add,
                        failure: PluginFailure {
                            error: CniError::new(
                                0,
                                format!(
                                    "failed to set network \"{}\" cached result: {e}",
                                    list.name
                                ),
                            ),
                            exit_code: None,
                            signal: None,
                            stderr: String::new(),
                            timed_out: false,
                        },
                    },
                    rollback,
                    last_result: Some(result),
                })
            }
        }
    }

    fn keep_broken(
        &self,
        list: &NetworkConfigList,
        att: &Attachment,
        result: Option<Value>,
    ) -> Result<(), RuntimeError> {
        self.cache.write(&self.entry(list, att, result))?;
        Ok(())
    }

    fn entry(
        &self,
        list: &NetworkConfigList,
        att: &Attachment,
        result: Option<Value>,
    ) -> CacheEntry {
        CacheEntry {
            container_id: att.container_id.clone(),
            config: Some(list.bytes.clone()),
            if_name: att.ifname.clone(),
            network_name: list.name.clone(),
            netns: att.netns.clone(),
            cni_args: att.args.clone(),
            capability_args: att.capability_args.clone(),
            result,
        }
    }

    /// DEL of every plugin in reverse, past errors, with prevResult = the last good result.
    fn rollback(
        &self,
        list: &NetworkConfigList,
        resolved: &Resolved,
        _att: &Attachment,
        args: &CniArgs,
        last: Option<&Value>,
        skip: bool,
    ) -> Rollback {
        let mut rb = Rollback {
            skipped: skip,
            ..Rollback::default()
        };
        if skip {
            return rb;
        }
        let prev = last.and_then(|v| prev_for_del(v, &list.cni_version));
        // Rollback must finish even after SIGINT: it runs with the timeout but without the
        // interrupt flag.
        let limits = ExecLimits {
            timeout: self.limits.timeout,
            interrupt: None,
        };
        for (plugin, path) in list.plugins.iter().zip(&resolved.plugins).rev() {
            let stdin = invoke::build_request(
                plugin,
                &list.name,
                &list.cni_version,
                prev.as_ref(),
                &_att.capability_args,
            );
            match self.call(plugin, path, Command::Del, args, stdin, &limits, true) {
                Ok(_) => rb.deleted.push(plugin.plugin_type.clone()),
                Err(CallError::Failed(failure)) => rb.errors.push(PluginError {
                    plugin: plugin.plugin_type.clone(),
                    plugin_name: plugin.name.clone(),
                    command: Command::Del,
                    failure,
                }),
                Err(CallError::Interrupted(_)) => {}
            }
        }
        rb
    }

    /// DEL of an attachment. `explicit_args`/`explicit_caps` replace the cached ones when given;
    /// `cached_config` deletes with the config the ADD used.
    pub fn del(
        &self,
        current: Option<&NetworkConfigList>,
        req: &DelRequest,
    ) -> Result<Outcome, RuntimeError> {
        let mut out = Outcome::default();
        let cached = self
            .cache
            .read(&req.network, &req.container_id, &req.ifname)?;
        let (entry, cached_result) = match &cached {
            Some(Cached::V1(e)) => (Some(e), e.result.clone()),
            Some(Cached::Legacy(v)) => (None, Some(v.clone())),
            Some(Cached::Corrupt(msg)) => {
                out.warnings.push(format!(
                    "the cache entry is corrupt ({msg}); deleting without a prevResult"
                ));
                (None, None)
            }
            None => (None, None),
        };
        let cached_list = match entry.and_then(|e| e.config.as_ref()) {
            Some(bytes) => match config::list_from_bytes(bytes) {
                Ok(l) => Some(l),
                Err(e) => {
                    if req.cached_config {
                        return Err(RuntimeError::CachedConfig {
                            network: req.network.clone(),
                            msg: format!("the cached config does not parse: {e}"),
                        });
                    }
                    None
                }
            },
            None => None,
        };
        let list_owned;
        let list: &NetworkConfigList = if req.cached_config {
            match &cached_list {
                Some(l) => l,
                None => {
                    return Err(RuntimeError::CachedConfig {
                        network: req.network.clone(),
                        msg: format!(
                            "no cached config for container \"{}\" and interface {}",
                            req.container_id, req.ifname
                        ),
                    })
                }
            }
        } else {
            match current {
                Some(l) => {
                    if let Some(e) = entry {
                        if e.config.as_deref().is_some_and(|b| b != l.bytes.as_slice()) {
                            out.warnings.push(format!(
                                "the config of network \"{}\" changed since ADD; deleting with the current one (--cached-config uses the one ADD used)",
                                l.name
                            ));
                        }
                    }
                    l
                }
                None => match cached_list {
                    Some(l) => {
                        list_owned = l;
                        &list_owned
                    }
                    None => {
                        return Err(RuntimeError::CachedConfig {
                            network: req.network.clone(),
                            msg: "no config given and none cached".into(),
                        });
                    }
                },
            }
        };
        let att = self.effective_attachment(entry, req, &mut out.warnings);
        Self::validate_ids(&list.name, &att)?;
        let version = Version::parse(&list.cni_version).map_err(|e| RuntimeError::Version {
            network: list.name.clone(),
            msg: format!("invalid cniVersion: {e}"),
        })?;
        let resolved = self.resolve(list)?;
        let prev = if version >= Version::V0_4_0 {
            match cached_result
                .as_ref()
                .map(|r| convert_cached(r, &list.cni_version))
            {
                Some(Ok(v)) => Some(v),
                Some(Err(msg)) => {
                    out.warnings.push(format!(
                        "cached result unusable ({msg}); deleting without a prevResult"
                    ));
                    None
                }
                None => None,
            }
        } else {
            None
        };
        let args = self.cni_args(&att);
        let mut errors = Vec::new();
        for (plugin, path) in list.plugins.iter().zip(&resolved.plugins).rev() {
            let stdin = invoke::build_request(
                plugin,
                &list.name,
                &list.cni_version,
                prev.as_ref(),
                &att.capability_args,
            );
            match self.call(
                plugin,
                path,
                Command::Del,
                &args,
                stdin,
                &self.limits,
                false,
            ) {
                Ok(_) => {}
                Err(CallError::Failed(failure)) => errors.push(PluginError {
                    plugin: plugin.plugin_type.clone(),
                    plugin_name: plugin.name.clone(),
                    command: Command::Del,
                    failure,
                }),
                Err(CallError::Interrupted(signal)) => {
                    return Err(RuntimeError::Interrupted {
                        signal,
                        plugin: plugin.plugin_type.clone(),
                        command: "DEL",
                        rollback: Rollback::default(),
                    })
                }
            }
        }
        if !errors.is_empty() {
            return Err(RuntimeError::DelFailed { errors });
        }
        if cached.is_some() {
            self.cache
                .remove(&req.network, &req.container_id, &req.ifname)?;
        }
        Ok(out)
    }

    /// The attachment a DEL/CHECK uses: identity from the request, CNI_ARGS and capability
    /// args from the cache unless given explicitly (with a warning when they differ).
    fn effective_attachment(
        &self,
        entry: Option<&CacheEntry>,
        req: &DelRequest,
        warnings: &mut Vec<String>,
    ) -> Attachment {
        let cached_args = entry.map(|e| e.cni_args.clone()).unwrap_or_default();
        let cached_caps = entry.map(|e| e.capability_args.clone()).unwrap_or_default();
        let args = match &req.explicit_args {
            Some(a) => {
                if entry.is_some() && *a != cached_args {
                    warnings.push(format!(
                        "CNI_ARGS differ from the ones cached at ADD ({}); using the ones given",
                        fmt_args(&cached_args)
                    ));
                }
                a.clone()
            }
            None => cached_args,
        };
        let caps = match &req.explicit_caps {
            Some(c) => {
                if entry.is_some() && *c != cached_caps {
                    warnings.push(format!(
                        "capability args differ from the ones cached at ADD ({}); using the ones given",
                        Value::Object(cached_caps.clone())
                    ));
                }
                c.clone()
            }
            None => cached_caps,
        };
        Attachment {
            container_id: req.container_id.clone(),
            netns: req.netns.clone(),
            ifname: req.ifname.clone(),
            args,
            capability_args: caps,
        }
    }

    /// CHECK: version gate, `disableCheck`, cached result required, plugins in order.
    pub fn check(
        &self,
        list: &NetworkConfigList,
        req: &DelRequest,
    ) -> Result<Outcome, RuntimeError> {
        let mut out = Outcome::default();
        let version = Version::parse(&list.cni_version).map_err(|e| RuntimeError::Version {
            network: list.name.clone(),
            msg: format!("invalid cniVersion: {e}"),
        })?;
        if version < Version::V0_4_0 {
            return Err(RuntimeError::Version {
                network: list.name.clone(),
                msg: format!(
                    "configuration version \"{}\" does not support the CHECK command",
                    list.cni_version
                ),
            });
        }
        let cached = self
            .cache
            .read(&req.network, &req.container_id, &req.ifname)?;
        let (entry, result) = match &cached {
            Some(Cached::V1(e)) => (Some(e), e.result.clone()),
            Some(Cached::Legacy(v)) => (None, Some(v.clone())),
            Some(Cached::Corrupt(msg)) => {
                return Err(RuntimeError::BadCache {
                    network: list.name.clone(),
                    msg: msg.clone(),
                });
            }
            None => {
                return Err(RuntimeError::NotAttached {
                    network: list.name.clone(),
                    container_id: req.container_id.clone(),
                    ifname: req.ifname.clone(),
                })
            }
        };
        if list.disable_check {
            out.skipped = true;
            return Ok(out);
        }
        let att = self.effective_attachment(entry, req, &mut out.warnings);
        Self::validate_ids(&list.name, &att)?;
        let resolved = self.resolve(list)?;
        let prev = match result
            .as_ref()
            .map(|r| convert_cached(r, &list.cni_version))
        {
            Some(Ok(v)) => Some(v),
            Some(Err(msg)) => {
                return Err(RuntimeError::BadCache {
                    network: list.name.clone(),
                    msg,
                })
            }
            None => None,
        };
        let args = self.cni_args(&att);
        for (plugin, path) in list.plugins.iter().zip(&resolved.plugins) {
            let stdin = invoke::build_request(
                plugin,
                &list.name,
                &list.cni_version,
                prev.as_ref(),
                &att.capability_args,
            );
            match self.call(
                plugin,
                path,
                Command::Check,
                &args,
                stdin,
                &self.limits,
                false,
            ) {
                Ok(_) => {}
                Err(CallError::Failed(failure)) => {
                    return Err(RuntimeError::CheckFailed(PluginError {
                        plugin: plugin.plugin_type.clone(),
                        plugin_name: plugin.name.clone(),
                        command: Command::Check,
                        failure,
                    }))
                }
                Err(CallError::Interrupted(signal)) => {
                    return Err(RuntimeError::Interrupted {
                        signal,
                        plugin: plugin.plugin_type.clone(),
                        command: "CHECK",
                        rollback: Rollback::default(),
                    })
                }
            }
        }
        Ok(out)
    }

    fn cni_args(&self, att: &Attachment) -> CniArgs {
        CniArgs {
            container_id: att.container_id.clone(),
            netns: att.netns.clone(),
            ifname: att.ifname.clone(),
            args: att.args.clone(),
            path: self.cni_path.clone(),
        }
    }

    /// Runs one plugin and reports the call to the observer.
    #[allow(clippy::too_many_arguments)]
    fn call(
        &self,
        plugin: &config::PluginConfig,
        path: &std::path::Path,
        command: Command,
        args: &CniArgs,
        stdin: Vec<u8>,
        limits: &ExecLimits,
        rollback: bool,
    ) -> Result<ExecOutput, CallError> {
        let env = invoke::build_env(&self.parent_env, command, args);
        let cni_env = env
            .iter()
            .filter_map(|(k, v)| {
                let k = k.to_string_lossy();
                k.starts_with("CNI_")
                    .then(|| (k.into_owned(), v.to_string_lossy().into_owned()))
            })
            .collect();
        let res = self.exec.exec(path, &stdin, &env, limits);
        let mut record = CallRecord {
            plugin: plugin.plugin_type.clone(),
            path: path.to_path_buf(),
            command,
            rollback,
            stdin,
            cni_env,
            output: None,
            cni_code: None,
            ok: false,
        };
        let outcome = match res {
            Ok(out) => {
                let ok = out.exit_code == Some(0);
                record.output = Some(out.clone());
                if ok {
                    record.ok = true;
                    Ok(out)
                } else {
                    let f = invoke::plugin_failure(&out);
                    record.cni_code = Some(f.error.code);
                    Err(CallError::Failed(f))
                }
            }
            Err(ExecError::Interrupted(sig)) => Err(CallError::Interrupted(sig)),
            Err(e) => {
                let f = PluginFailure {
                    error: CniError::new(0, e.to_string()),
                    exit_code: None,
                    signal: None,
                    stderr: String::new(),
                    timed_out: false,
                };
                record.cni_code = Some(0);
                Err(CallError::Failed(f))
            }
        };
        if let Some(obs) = self.observer {
            obs(&record);
        }
        outcome
    }
}

enum CallError {
    Failed(PluginFailure),
    Interrupted(i32),
}

/// What identifies an attachment for DEL and CHECK, and what the user gave explicitly.
#[derive(Debug, Clone, Default)]
pub struct DelRequest {
    /// The network name.
    pub network: String,
    /// The container ID.
    pub container_id: String,
    /// The netns path.
    pub netns: String,
    /// The interface name.
    pub ifname: String,
    /// CNI_ARGS given on the command line or in the environment.
    pub explicit_args: Option<Vec<(String, String)>>,
    /// Capability args given on the command line or in the environment.
    pub explicit_caps: Option<Map<String, Value>>,
    /// Delete with the config the ADD used.
    pub cached_config: bool,
}

fn fmt_args(args: &[(String, String)]) -> String {
    if args.is_empty() {
        return "none".into();
    }
    args.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(";")
}

/// A cached result converted to the list version, as libcni does for DEL and CHECK.
fn convert_cached(result: &Value, to: &str) -> Result<Value, String> {
    let parsed = CniResult::from_value(result).map_err(|e| e.to_string())?;
    let converted = parsed
        .convert_to(to)
        .map_err(|e| format!("failed to convert cached result to config version {to:?}: {e}"))?;
    Ok(converted.to_value())
}

/// The prevResult a rollback DEL gets: the last good result in the list's version, when the
/// list's version sends prevResult on DEL at all (0.4.0 and later).
fn prev_for_del(last: &Value, list_version: &str) -> Option<Value> {
    if !version::at_least(list_version, Version::V0_4_0) {
        return None;
    }
    Some(convert_cached(last, list_version).unwrap_or_else(|_| last.clone()))
}
