//! The chain: ADD, DEL, CHECK, GC and STATUS over a network list (what libcni's `api.go`
//! does), plus what libcni leaves to its callers: rollback of a failed ADD, refusing a second
//! ADD of the same attachment, DEL/CHECK with the runtime arguments recorded at ADD time, a gc
//! that is told which attachments are valid, and a status that says why it cannot tell.
//!
//! One file per verb: `add.rs`, `del.rs`, `check.rs`, [`gc`] and [`status`]; the types they
//! share and the single place that runs a plugin ([`Runtime`]'s `call`) are here.

// Errors carry the whole plugin failure (stderr, rollback report): they are built once per
// command, so their size does not matter and boxing them would only add noise.
#![allow(clippy::result_large_err)]

mod add;
mod check;
mod del;
pub mod gc;
pub mod status;

#[cfg(test)]
mod chain_tests;

use crate::cache::{Cache, CacheEntry, CacheError, PluginNsRecord, Record};
use crate::config::{self, NetworkConfigList};
use crate::invoke::{
    self, CniArgs, Command, Exec, ExecError, ExecLimits, ExecOutput, PluginFailure,
};
use crate::netns::{Guard, NetnsError};
use crate::types::error::CniError;
use crate::types::result::CniResult;
use crate::types::version::{self, Version};
use serde_json::{Map, Value};
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;
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
    /// The signal that interrupted the call (the plugin was killed; its output is lost).
    pub interrupted: Option<i32>,
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

/// The longest file name Linux file systems take (bytes): the attachment's cache file name,
/// `<network>-<container id>-<ifname>`, must fit.
pub const NAME_MAX: usize = 255;

/// How long each DEL of a rollback may take when no `--timeout` is given: a rollback must end
/// even when a plugin's DEL hangs, and a DEL that needs longer than this is broken.
pub const DEFAULT_ROLLBACK_TIMEOUT: Duration = Duration::from_secs(60);

/// What a rollback of a failed ADD did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rollback {
    /// Plugins whose DEL succeeded, in the order they ran.
    pub deleted: Vec<String>,
    /// DELs that failed.
    pub errors: Vec<PluginError>,
    /// True when `--no-rollback` kept the broken state.
    pub skipped: bool,
    /// When the rollback (or `--no-rollback`) left something behind: the cache entry written
    /// for it, marked in cnictl's record as a failed ADD, so that `attachments`, `gc` and
    /// `del` see it.
    pub cached: Option<PathBuf>,
    /// Writing (or, after a complete rollback, removing) that entry or record failed.
    pub cache_error: Option<String>,
    /// The plugins, in chain order, whose DEL did not succeed (failed, interrupted, not run,
    /// or skipped by `--no-rollback`): what is left.
    pub left: Vec<String>,
    /// The DELs that did not complete, in the order the rollback runs them (reverse chain
    /// order): failed, timed out, stopped by a signal, or never started because the rollback
    /// was stopped. What their ADDs set up is still there; a `del` of the attachment must run
    /// them. Empty when the rollback completed (and when it was skipped: then every plugin's
    /// ADD state is kept, see `skipped`).
    pub incomplete: Vec<IncompleteDel>,
    /// The signal (a second SIGINT or SIGTERM) that stopped the rollback, if one did.
    pub stopped_by: Option<i32>,
}

impl Rollback {
    /// True when something the ADD set up is left behind: a plugin whose ADD started and
    /// whose DEL did not complete, or a skipped rollback ([`Rollback::left`], what the "failed
    /// ADD" record is written for).
    pub fn left_anything(&self) -> bool {
        !self.left.is_empty()
    }
}

/// A DEL of a rollback that did not complete.
#[derive(Debug, Clone, PartialEq)]
pub struct IncompleteDel {
    /// The plugin's `type`.
    pub plugin: String,
    /// Its position in the chain (0 = the first plugin).
    pub index: usize,
    /// Why it did not complete.
    pub reason: Incomplete,
}

/// Why a DEL of a rollback did not complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Incomplete {
    /// The DEL ran and failed (its error is in [`Rollback::errors`]).
    Failed,
    /// The DEL was killed at the rollback's time limit (its error is in [`Rollback::errors`]).
    TimedOut,
    /// The DEL was killed by the signal that stopped the rollback.
    Stopped,
    /// The rollback was stopped before this DEL started.
    NotStarted,
}

impl Incomplete {
    /// A word for tables and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Incomplete::Failed => "failed",
            Incomplete::TimedOut => "timed out",
            Incomplete::Stopped => "stopped",
            Incomplete::NotStarted => "not started",
        }
    }
}

/// Errors of the chain operations.
#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    /// A plugin (or IPAM plugin) is not on the CNI path.
    #[error("network \"{network}\": {error}{}", .ipam_of.as_ref().map(|p| format!(" (the IPAM plugin of \"{p}\")")).unwrap_or_default())]
    PluginNotFound {
        /// The network.
        network: String,
        /// The plugin type.
        plugin: String,
        /// libcni's error.
        error: CniError,
        /// The directories searched, joined by `:`.
        searched: String,
        /// For an IPAM plugin: the `type` of the plugin whose `ipam` names it.
        ipam_of: Option<String>,
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
    /// `<network>-<container id>-<ifname>`, the attachment's cache file name, would not fit in
    /// a file name. Neither the spec nor libcni limits the lengths; this is cnictl's rule.
    #[error("container ID, network name and interface name are too long together: the cache file name \"<network>-<container id>-<ifname>\" would be {len} bytes, over NAME_MAX ({max}); cnictl requires it to fit, so the three may total at most {} bytes (the container ID here is {id_len})", .max - 2)]
    NameTooLong {
        /// The length the file name would have.
        len: usize,
        /// NAME_MAX.
        max: usize,
        /// The container ID's length.
        id_len: usize,
    },
    /// The cache already holds this attachment: a second ADD without a DEL is refused.
    #[error("interface {ifname} of container \"{container_id}\" is already attached to network \"{network}\" (cache entry {}); delete that attachment first (cnictl del), or choose another interface with -i", .path.display())]
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
    /// A cache entry for this container ID and interface (of any network) cannot be read, so
    /// whether the interface is taken cannot be told: ADD is refused before anything runs.
    #[error("the cache entry {} for container \"{container_id}\" and interface {ifname} cannot be read ({reason}); it may record an attachment that uses this interface, so the ADD is refused: inspect the file, then delete that attachment (cnictl del) or remove the file", .path.display())]
    UnreadableEntry {
        /// The cache file.
        path: PathBuf,
        /// Why it cannot be read.
        reason: String,
        /// The container.
        container_id: String,
        /// The interface.
        ifname: String,
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
    #[error("interrupted by {} while running plugin \"{plugin}\" ({command})", crate::invoke::signal_name(*.signal))]
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
        /// What was worth saying before the failure (config changed since ADD, arguments
        /// differ from the cached ones, corrupt cache entry): it often explains the failure.
        warnings: Vec<String>,
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
    #[error("network \"{network}\": the cache entry {} is unusable: {msg}", .path.display())]
    BadCache {
        /// The network.
        network: String,
        /// The cache file.
        path: PathBuf,
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
    /// The cache could not be read or written before any plugin ran.
    #[error(transparent)]
    Cache(#[from] CacheError),
    /// Every plugin of the ADD succeeded, but the cache entry could not be written: the chain
    /// was rolled back (unless `--no-rollback`).
    #[error(
        "ADD of network \"{network}\" succeeded, but its cache entry could not be written: {error}"
    )]
    AddCacheFailed {
        /// The network.
        network: String,
        /// The cache failure, naming the file.
        error: CacheError,
        /// What was undone.
        rollback: Rollback,
    },
    /// Plugins ran (and did their part), then the cache could not be updated.
    #[error("{what}, but {error}")]
    CacheAfterRun {
        /// What the plugins did.
        what: String,
        /// The cache failure, naming the file.
        error: CacheError,
    },
    /// DEL or CHECK would run the plugins in another namespace than the ADD did.
    #[error("the ADD of container \"{container_id}\" interface {ifname} on network \"{network}\" ran the plugins in {recorded}; this {command} would run them in {now}, where the plugins' state is not (give the --host-netns the ADD used, or --force)")]
    PluginNsMismatch {
        /// The network.
        network: String,
        /// The container.
        container_id: String,
        /// The interface.
        ifname: String,
        /// The command refused.
        command: &'static str,
        /// The namespace of the ADD.
        recorded: String,
        /// The namespace of this command.
        now: String,
    },
    /// The attachment's netns is one the guard forbids, or a spelling whose meaning depends on
    /// the reader: refused before any plugin ran or anything was written.
    #[error(transparent)]
    Netns(#[from] NetnsError),
    /// DEL or CHECK with `--container-id` of an entry that names another container netns.
    #[error("the cache entry of container \"{container_id}\" interface {ifname} on network \"{network}\" names netns {cached}, not {given}; give that netns, or --force to run the {command} in {given}")]
    NetnsMismatch {
        /// The network.
        network: String,
        /// The container.
        container_id: String,
        /// The interface.
        ifname: String,
        /// The command refused.
        command: &'static str,
        /// The netns the entry names.
        cached: String,
        /// The netns given.
        given: String,
    },
}

fn join_errors(errors: &[PluginError]) -> String {
    errors
        .iter()
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

impl RuntimeError {
    /// The rollback report of a failed, interrupted or uncacheable ADD.
    pub fn rollback(&self) -> Option<&Rollback> {
        match self {
            RuntimeError::AddFailed { rollback, .. }
            | RuntimeError::Interrupted { rollback, .. }
            | RuntimeError::AddCacheFailed { rollback, .. } => Some(rollback),
            _ => None,
        }
    }

    /// True when nothing was run (cnictl's exit code 2) rather than a failed operation (1).
    pub fn nothing_ran(&self) -> bool {
        matches!(
            self,
            RuntimeError::PluginNotFound { .. }
                | RuntimeError::InvalidIdentifier { .. }
                | RuntimeError::NameTooLong { .. }
                | RuntimeError::AlreadyAttached { .. }
                | RuntimeError::UnreadableEntry { .. }
                | RuntimeError::Version { .. }
                | RuntimeError::NotAttached { .. }
                | RuntimeError::CachedConfig { .. }
                | RuntimeError::BadCache { .. }
                | RuntimeError::PluginNsMismatch { .. }
                | RuntimeError::NetnsMismatch { .. }
                | RuntimeError::Netns(_)
                // Only cache failures before any plugin ran are `Cache`; later ones are
                // `AddCacheFailed` or `CacheAfterRun`.
                | RuntimeError::Cache(_)
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
    /// Things worth telling the user (cnictl's record could not be updated ...).
    pub warnings: Vec<String>,
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
    /// The environment plugins inherit (before the CNI_* variables are set), shared with the
    /// settings it was read into (not copied per runtime).
    pub parent_env: ParentEnv,
    /// Timeout and interrupt flag of each call.
    pub limits: ExecLimits,
    /// Called after every plugin call.
    pub observer: Option<&'a dyn Fn(&CallRecord)>,
    /// The namespace `exec` runs plugins in: recorded at ADD, compared at DEL and CHECK.
    /// None when unknown (nothing is recorded or compared then).
    pub plugin_ns: Option<PluginNsRecord>,
    /// The config dir, to tell whether a network has a plugin subdirectory whose plugins a
    /// cached config without cnictl's record would miss.
    pub conf_dir: Option<PathBuf>,
    /// Set (to a signal number) when the rollback of a failed or interrupted ADD must stop:
    /// the running DEL's process group is killed and the DELs not yet run are reported as
    /// left. A rollback ignores `limits.interrupt` (the first signal is what started it, or
    /// asks for the clean-up the rollback already is); the caller sets this one on a second
    /// signal.
    pub rollback_stop: Option<Arc<AtomicUsize>>,
    /// The namespaces no container network may be set up in (the plugins', the node's,
    /// cnictl's own) and the spellings that must never reach a plugin (`/proc/self/...`).
    /// Required, not optional: ADD, DEL and CHECK ask it about the attachment's netns right
    /// before the first plugin runs (and before anything is written to the cache), and gc
    /// plans with it, so no library caller can run a chain in a forbidden namespace by
    /// forgetting a check. Build it with [`Guard::new`] (or [`Guard::from_parts`] when the
    /// caller identified the namespaces itself); the command line checks the same guard
    /// earlier only to give friendlier errors.
    pub guard: Guard,
    /// The environment of the last call, reused while the command and the `CNI_*` values stay
    /// the same (every plugin of a chain): assembling it copies the whole parent environment.
    pub env_memo: EnvMemo,
}

/// The plugin environment [`Runtime`] built last, with what it was built for.
#[derive(Debug, Default)]
pub struct EnvMemo(std::sync::Mutex<Option<(Command, CniArgs, Arc<Env>)>>);

/// A plugin process's environment, in order.
type Env = Vec<(OsString, OsString)>;

pub use crate::invoke::env::ParentEnv;

impl EnvMemo {
    /// The environment for `command` and `args`: the last one when it was built for the same.
    fn get(&self, parent: &[(OsString, OsString)], command: Command, args: &CniArgs) -> Arc<Env> {
        let mut memo = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((c, a, env)) = memo.as_ref() {
            if *c == command && a == args {
                return Arc::clone(env);
            }
        }
        let env = Arc::new(invoke::build_env(parent, command, args));
        *memo = Some((command, args.clone(), Arc::clone(&env)));
        env
    }
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
            plugins.push(self.find(&list.name, &p.plugin_type, None)?);
            if let Some(ipam) = p.ipam_type.as_deref().filter(|t| !t.is_empty()) {
                self.find(&list.name, ipam, Some(&p.plugin_type))?;
            }
        }
        Ok(Resolved { plugins })
    }

    fn find(
        &self,
        network: &str,
        name: &str,
        ipam_of: Option<&str>,
    ) -> Result<PathBuf, RuntimeError> {
        invoke::find_in_path_on(name, &self.cni_path, &self.cache.node_root).map_err(|error| {
            RuntimeError::PluginNotFound {
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
                ipam_of: ipam_of.map(str::to_string),
            }
        })
    }

    /// Checks the container ID, network name and interface name (digest §4), and cnictl's own
    /// rule: the cache file name `<network>-<id>-<ifname>` fits in NAME_MAX bytes.
    pub fn validate_ids(network: &str, att: &Attachment) -> Result<(), RuntimeError> {
        use crate::types::ident::*;
        let len = network.len() + att.container_id.len() + att.ifname.len() + 2;
        if len > NAME_MAX {
            return Err(RuntimeError::NameTooLong {
                len,
                max: NAME_MAX,
                id_len: att.container_id.len(),
            });
        }
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

    /// The guard's word on the attachment's netns, asked right before the first plugin runs
    /// (by ADD before its intent record is written): an empty path, a reader-dependent
    /// spelling and a forbidden namespace are refused, whatever the verb. A path where nothing
    /// exists passes: it cannot be a forbidden namespace, DEL must succeed for resources that
    /// are gone (the spec), and for ADD and CHECK the plugin reports the missing namespace
    /// (the command line creates or requires it before this point).
    fn guard_netns(&self, att: &Attachment) -> Result<(), RuntimeError> {
        self.guard
            .existing_or_gone(std::path::Path::new(&att.netns))?;
        Ok(())
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

    /// Runs one plugin of a chain for ADD, DEL or CHECK: its request built as libcni builds it
    /// (name, cniVersion, prevResult, runtimeConfig from the capability args).
    #[allow(clippy::too_many_arguments)]
    fn call_in_chain(
        &self,
        list: &NetworkConfigList,
        plugin: &config::PluginConfig,
        path: &std::path::Path,
        command: Command,
        att: &Attachment,
        prev: Option<&Value>,
        limits: &ExecLimits,
        rollback: bool,
    ) -> Result<ExecOutput, CallError> {
        let stdin = invoke::build_request(
            plugin,
            &list.name,
            &list.cni_version,
            prev,
            &att.capability_args,
        );
        self.call(
            plugin,
            path,
            command,
            &self.cni_args(att),
            stdin,
            limits,
            rollback,
        )
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
        let env = self.env_memo.get(&self.parent_env, command, args);
        let cni_env = env
            .iter()
            .filter(|(k, _)| k.as_bytes().starts_with(b"CNI_"))
            .map(|(k, v)| {
                (
                    k.to_string_lossy().into_owned(),
                    v.to_string_lossy().into_owned(),
                )
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
            interrupted: None,
        };
        let outcome = match res {
            Ok(out) => {
                // A stdout cut at the cap is a failure whatever the exit status.
                let ok = out.exit_code == Some(0) && !out.stdout_truncated;
                record.output = Some(out.clone());
                if ok {
                    record.ok = true;
                    Ok(out)
                } else {
                    let f = invoke::plugin_failure(&out);
                    record.cni_code = Some(f.error.code);
                    Err(CallError::Failed(PluginError::new(plugin, command, f)))
                }
            }
            Err(ExecError::Interrupted(sig)) => {
                record.interrupted = Some(sig);
                Err(CallError::Interrupted(sig))
            }
            Err(e) => {
                let not_started = matches!(
                    e,
                    ExecError::NotFound { .. }
                        | ExecError::PermissionDenied { .. }
                        | ExecError::TextBusy { .. }
                        | ExecError::Spawn { .. }
                );
                let f = PluginFailure {
                    error: CniError::new(0, e.to_string()),
                    exit_code: None,
                    signal: None,
                    stderr: String::new(),
                    timed_out: false,
                    not_started,
                };
                record.cni_code = Some(0);
                Err(CallError::Failed(PluginError::new(plugin, command, f)))
            }
        };
        if let Some(obs) = self.observer {
            obs(&record);
        }
        outcome
    }
}

/// Why a plugin call did not succeed.
enum CallError {
    /// The plugin ran (or could not be started) and failed.
    Failed(PluginError),
    /// A signal stopped it; the caller decides what to undo.
    Interrupted(i32),
}

impl PluginError {
    fn new(plugin: &config::PluginConfig, command: Command, failure: PluginFailure) -> Self {
        PluginError {
            plugin: plugin.plugin_type.clone(),
            plugin_name: plugin.name.clone(),
            command,
            failure,
        }
    }
}

impl RuntimeError {
    fn interrupted(
        signal: i32,
        plugin: &config::PluginConfig,
        command: Command,
        rollback: Rollback,
    ) -> Self {
        RuntimeError::Interrupted {
            signal,
            plugin: plugin.plugin_type.clone(),
            command: command.as_str(),
            rollback,
        }
    }
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
    /// Run even when the plugins' namespace or the container's netns differs from the ADD's
    /// (the given ones are used).
    pub force: bool,
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

/// The resolved chain as list JSON: the list's own object with `plugins` replaced by every
/// plugin that runs (inline ones, then those of the plugin subdirectory).
fn chain_json(list: &NetworkConfigList) -> Value {
    let mut top = match serde_json::from_slice::<Value>(&list.bytes) {
        Ok(Value::Object(m)) => m,
        _ => {
            let mut m = Map::new();
            m.insert("cniVersion".into(), list.cni_version.clone().into());
            m.insert("name".into(), list.name.clone().into());
            m
        }
    };
    top.insert(
        "plugins".into(),
        Value::Array(
            list.plugins
                .iter()
                .map(|p| Value::Object(p.raw.clone()))
                .collect(),
        ),
    );
    Value::Object(top)
}

/// The chain of a record, as a list whose `bytes` are the config libcni cached.
fn list_from_record(record: &Record) -> Result<NetworkConfigList, String> {
    let bytes = record.chain.get().as_bytes().to_vec();
    let mut list = config::list_from_bytes(&bytes).map_err(|e| e.to_string())?;
    if let Some(config) = record.config_bytes() {
        list.bytes = config;
    }
    list.source = record.source.clone();
    Ok(list)
}

/// True when two netns paths name the same namespace (same text, or same identity).
fn same_netns(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (a, b) = (std::path::Path::new(a), std::path::Path::new(b));
    if let (Ok(x), Ok(y)) = (crate::netns::netns_id(a), crate::netns::netns_id(b)) {
        return x == y;
    }
    // Gone (or unreadable): the same name in the same directory under another spelling
    // (`/run/netns/x` and `/var/run/netns/x`).
    let dir = |p: &std::path::Path| p.parent().and_then(|d| std::fs::canonicalize(d).ok());
    a.file_name().is_some()
        && a.file_name() == b.file_name()
        && dir(a).is_some()
        && dir(a) == dir(b)
}

impl<'a> Runtime<'a> {
    /// The cache file a DEL or CHECK reads (libcni's: found by the request's three names).
    fn entry_path(&self, req: &DelRequest) -> Result<PathBuf, RuntimeError> {
        Ok(self
            .cache
            .result_path(&req.network, &req.container_id, &req.ifname)?)
    }

    /// What CHECK demands of a `cniCacheV1` record beyond decoding: a result that decodes as
    /// a CNI result, and a config ([`CacheEntry::defect`]); a record lacking them is refused
    /// naming it (libcni would check against an empty result). Identity fields that disagree
    /// with the file name are a warning (the request's names are used, as libcni does).
    fn check_entry(
        &self,
        network: &str,
        req: &DelRequest,
        entry: Option<&CacheEntry>,
        warnings: &mut Vec<String>,
    ) -> Result<(), RuntimeError> {
        let Some(entry) = entry else {
            return Ok(());
        };
        if let Some(msg) = entry.defect() {
            return Err(RuntimeError::BadCache {
                network: network.to_string(),
                path: self.entry_path(req)?,
                msg,
            });
        }
        if let Some(w) =
            entry.identity_mismatch_warning(&req.network, &req.container_id, &req.ifname)
        {
            warnings.push(format!("{}: {w}", self.entry_path(req)?.display()));
        }
        Ok(())
    }

    /// Refuses (unless `force`, which warns) a DEL or CHECK whose plugins' namespace is not
    /// the one the ADD recorded, or whose netns is not the one the cache entry names.
    fn refuse_mismatch(
        &self,
        entry: Option<&CacheEntry>,
        record: Option<&Record>,
        req: &DelRequest,
        command: Command,
        warnings: &mut Vec<String>,
    ) -> Result<(), RuntimeError> {
        if let (Some(recorded), Some(now)) =
            (record.and_then(|r| r.plugin_ns.as_ref()), &self.plugin_ns)
        {
            if !recorded.same_ns(now) {
                let e = RuntimeError::PluginNsMismatch {
                    network: req.network.clone(),
                    container_id: req.container_id.clone(),
                    ifname: req.ifname.clone(),
                    command: command.as_str(),
                    recorded: recorded.describe(),
                    now: now.describe(),
                };
                if !req.force {
                    return Err(e);
                }
                warnings.push(format!("{e}; running anyway (--force)"));
            }
        }
        let cached = entry
            .map(|e| e.netns.clone())
            .or_else(|| record.map(|r| r.netns.clone()))
            .unwrap_or_default();
        if !cached.is_empty() && !req.netns.is_empty() && !same_netns(&cached, &req.netns) {
            let e = RuntimeError::NetnsMismatch {
                network: req.network.clone(),
                container_id: req.container_id.clone(),
                ifname: req.ifname.clone(),
                command: command.as_str(),
                cached,
                given: req.netns.clone(),
            };
            if !req.force {
                return Err(e);
            }
            warnings.push(format!("{e}; running anyway (--force)"));
        }
        Ok(())
    }

    /// cnictl's record of the attachment, when it describes `entry` (or there is no entry).
    /// An unreadable record is a warning: the entry alone is used then.
    fn own_record(
        &self,
        req: &DelRequest,
        entry: Option<&CacheEntry>,
        warnings: &mut Vec<String>,
    ) -> Result<Option<Record>, RuntimeError> {
        match self
            .cache
            .read_record(&req.network, &req.container_id, &req.ifname)
        {
            Ok(Some(r)) if entry.is_none_or(|e| r.describes(e)) => Ok(Some(r)),
            Ok(Some(_)) => {
                warnings.push(
                    "cnictl's record of this attachment is for another config than the cache entry (written by another runtime since); using the cache entry".into(),
                );
                Ok(None)
            }
            Ok(None) => Ok(None),
            Err(e @ CacheError::CorruptRecord { .. }) => {
                warnings.push(format!("{e}; using the cache entry alone"));
                Ok(None)
            }
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod record_tests;
