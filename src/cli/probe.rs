//! The one way commands run plugins with VERSION (and status its STATUS calls): inside
//! --host-netns when given, each call bounded by --timeout or [`DEFAULT_PROBE_TIMEOUT`], with
//! SIGINT/SIGTERM caught so the running probe's process group is killed and the command ends
//! with 130/143 instead of a report that looks complete. ls, plugins, status and validate all
//! go through here.

use super::attach::PluginNs;
use super::Settings;
use cnictl::invoke::{ExecLimits, RawExec, VersionCache};
use std::sync::atomic::Ordering;
use std::time::Duration;

/// How long a VERSION probe (or a STATUS call of `status`) may take when `--timeout` is not
/// given: a listing or a report must not hang on one broken binary.
pub const DEFAULT_PROBE_TIMEOUT: Duration = Duration::from_secs(10);

/// The namespace probes run in and the runner that spawns them there; signals are caught
/// from the moment it is open.
pub struct Prober {
    /// The plugins' namespace (and its guard).
    pub ns: PluginNs,
    /// Spawns plugins in the plugins' namespace.
    pub exec: RawExec,
    /// --timeout or the default, and the interrupt flag.
    pub limits: ExecLimits,
}

impl Prober {
    /// Enters --host-netns when given and installs the signal handlers.
    pub fn open(s: &Settings) -> anyhow::Result<Prober> {
        let ns = PluginNs::open(s)?;
        let exec = ns.exec();
        s.catch_signals()?;
        Ok(Prober {
            ns,
            exec,
            limits: ExecLimits {
                timeout: Some(s.limits.timeout.unwrap_or(DEFAULT_PROBE_TIMEOUT)),
                interrupt: s.limits.interrupt.clone(),
            },
        })
    }

    /// A VERSION cache that probes each binary once with these limits.
    pub fn versions(&self, s: &Settings) -> VersionCache<'_> {
        VersionCache::new(&self.exec, s.parent_env.clone(), self.limits.clone())
    }
}

/// When a signal arrived: says so (`what` is what is incomplete) and returns the exit code
/// (130 for SIGINT, 143 for SIGTERM).
pub fn interrupted(s: &Settings, what: &str) -> Option<i32> {
    let signal = s.interrupt.load(Ordering::SeqCst);
    (signal != 0).then(|| {
        let signal = i32::try_from(signal).unwrap_or(i32::MAX);
        s.printer.error(&format!(
            "interrupted by {}: {what}",
            cnictl::invoke::error::signal_name(signal)
        ));
        128_i32.saturating_add(signal)
    })
}

/// Runs `f` with a VERSION prober when `probe` is true, and returns what it returns and, when
/// a signal interrupted the probes, the exit code for it (after saying that `what` is
/// incomplete).
pub fn with_prober<R>(
    s: &Settings,
    probe: bool,
    what: &str,
    f: impl FnOnce(Option<&VersionCache<'_>>) -> R,
) -> anyhow::Result<(R, Option<i32>)> {
    if !probe {
        return Ok((f(None), None));
    }
    let prober = Prober::open(s)?;
    let cache = prober.versions(s);
    let out = f(Some(&cache));
    Ok((out, interrupted(s, what)))
}
