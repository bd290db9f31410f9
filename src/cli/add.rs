//! `cnictl add NETWORK NETNS`: resolve the chain, prepare the namespace, run ADD, cache the
//! result, print it.

use super::args::AttachmentArgs;
use super::attach::{self, PluginNs, Target};
use super::Settings;
use crate::render::{self, Output};
use anyhow::Context;
use cnictl::netns;
use cnictl::runtime::RuntimeError;

/// Arguments of `add`.
#[derive(Debug, clap::Args)]
pub struct AddArgs {
    #[command(flatten)]
    pub target: AttachmentArgs,

    /// Keep a failed ADD's partial state (no rollback) and cache it, for plugin debugging
    #[arg(long)]
    pub no_rollback: bool,
}

/// Runs `add`.
pub fn run(s: &Settings, a: AddArgs) -> anyhow::Result<i32> {
    let t = Target::resolve(s, &a.target)?;
    let args = a.target.cni_args()?.unwrap_or_default();
    let caps = a.target.capability_args()?.unwrap_or_default();
    let list = match &t.file_list {
        Some(l) => l.clone(),
        None => attach::load_network(s, &t.network)?,
    };
    let ns = PluginNs::open_for(s, &t)?;
    let exec = ns.exec();
    let observer = |c: &cnictl::runtime::CallRecord| render::print_call(&s.printer, s.verbose, c);
    let rt = attach::runtime(s, &ns, &exec, &observer);
    // Every binary is found before anything is created or run.
    let resolved = rt.resolve(&list)?;
    let _lock = attach::lock_container(s, &t.container_id)?;
    let att = t.attachment_with(args, caps);
    rt.refuse_existing(&list.name, &att)?;

    // From here on a SIGINT/SIGTERM stops the running plugin and rolls back instead of
    // killing cnictl half-way (a signal during namespace creation is seen by the first plugin
    // call, which then rolls back and removes the namespace).
    s.catch_signals()?;
    // The one path to the container's namespace: created when it is a new name, refused
    // when empty, reader-dependent or forbidden (see `netns::Guard`).
    let ensured = netns::ensure(&a.target.netns, s.cwd_for(&a.target.netns)?, &ns.guard)?;
    let created = ensured.created.then(|| t.netns_name.clone()).flatten();
    if s.verbose > 0 {
        let what = if ensured.created {
            "created"
        } else {
            "using existing"
        };
        s.printer
            .note(&format!("{what} netns {}", ensured.path.display()));
    }
    let outcome = rt.add(&list, &resolved, &att, a.no_rollback);
    let outcome = match outcome {
        Ok(o) => o,
        Err(e) => {
            // Something left behind is cached as a failed ADD: keep the namespace it is in,
            // so that `cnictl del` can clean it up there.
            let left = e.rollback().filter(|rb| rb.left_anything());
            if let (Some(name), None) = (&created, left) {
                if let Err(de) = netns::delete_named(name) {
                    s.printer.warning(&format!(
                        "could not remove netns \"{name}\" created for this ADD: {de}"
                    ));
                }
            }
            if let Some(rb) = left {
                let how = if rb.cached.is_some() {
                    "cached as a failed ADD"
                } else {
                    "the cache entry could not be written; cnictl's own record keeps what del needs"
                };
                let what = if a.no_rollback {
                    format!("kept the partial attachment ({how})")
                } else {
                    format!("the rollback did not complete and left part of the attachment ({how})")
                };
                s.printer.note(&format!(
                    "{what}; clean up with: {}",
                    del_command(s, &t, created.is_some())
                ));
            }
            // A signal that came while the rollback of a failed ADD ran did not stop it (only
            // a second one would), but the exit code still says cnictl was interrupted.
            let signal = s.interrupt.load(std::sync::atomic::Ordering::SeqCst);
            if let (RuntimeError::AddFailed { rollback, .. }, true) = (&e, signal != 0) {
                if rollback.stopped_by.is_none() {
                    let signal = i32::try_from(signal).unwrap_or(i32::MAX);
                    let code = s.printer.report(&anyhow::Error::from(e));
                    s.printer.note(&format!(
                        "interrupted by {} during the rollback, which ran to its end",
                        cnictl::invoke::error::signal_name(signal)
                    ));
                    return Ok(if code == crate::exit_codes::FAILED {
                        128_i32.saturating_add(signal)
                    } else {
                        code
                    });
                }
            }
            return Err(e.into());
        }
    };
    for w in &outcome.warnings {
        s.printer.warning(w);
    }
    match s.printer.format(Output::Json) {
        Output::Json
        | Output::Github
        | Output::Sarif
        | Output::Codeclimate
        | Output::Junit
        | Output::Prometheus
        | Output::Npd => {
            // cnitool prints the result with 4-space indentation.
            let mut buf = Vec::new();
            let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
            let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
            serde::Serialize::serialize(&outcome.result, &mut ser)
                .context("cannot encode the result")?;
            buf.push(b'\n');
            render::write_stdout(&String::from_utf8_lossy(&buf));
        }
        Output::Table | Output::Wide => {
            render::write_stdout(&render::result_table(&s.printer, &outcome.typed))
        }
    }
    Ok(0)
}

/// The `cnictl del` command that cleans up this attachment, with the same global options.
fn del_command(s: &Settings, t: &Target, rm_netns: bool) -> String {
    let netns = t
        .netns_name
        .clone()
        .unwrap_or_else(|| t.netns.display().to_string());
    let mut words: Vec<String> = vec!["cnictl".into()];
    words.extend(s.replay.iter().cloned());
    words.extend(["del".into(), t.network.clone(), netns]);
    words.extend([
        "--container-id".into(),
        t.container_id.clone(),
        "-i".into(),
        t.ifname.clone(),
    ]);
    if rm_netns {
        words.push("--rm-netns".into());
    }
    words
        .iter()
        .map(|w| super::settings::shell_word(w))
        .collect::<Vec<_>>()
        .join(" ")
}
