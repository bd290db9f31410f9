//! `cnictl validate [PATH]...`: lint network configuration files, directories or stdin; the
//! findings go to stdout as a report grouped by file, JSON, or GitHub workflow commands.

use super::Settings;
use crate::exit_codes as exit;
use crate::render::{self, Output};
use anyhow::bail;
use cnictl::safe_read::{self, ReadError, Source};
use cnictl::validate::{self, Input, Options};
use std::path::PathBuf;

/// Arguments of `validate`.
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// Files, directories (their config files, as a runtime scans them) or - for stdin
    /// [default: the config dir]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Skip the plugin checks: no binary is looked up or run
    ///
    /// Without it, every plugin and IPAM type must be on the CNI path and executable, and a
    /// VERSION call (one per binary, bounded by --timeout, 10s when not given) must show it
    /// supports the network's cniVersion.
    #[arg(long = "static")]
    pub static_only: bool,

    /// Exit 1 when there are warnings, not only errors
    #[arg(long)]
    pub deny_warnings: bool,
}

/// Runs `validate`.
pub fn run(s: &Settings, a: ValidateArgs) -> anyhow::Result<i32> {
    let mut inputs = Vec::new();
    let mut stdin_used = false;
    for p in &a.paths {
        if p.as_os_str() == "-" {
            if stdin_used {
                bail!("- (stdin) can be given only once");
            }
            stdin_used = true;
            // Over the cap is a finding, as for a file that large in a directory; a failed
            // read means nothing could be checked.
            let read = match safe_read::read_stream(std::io::stdin().lock(), Source::Stdin) {
                Err(ReadError::Io { err, .. }) => {
                    return Err(anyhow::Error::new(err).context("cannot read stdin"))
                }
                other => other,
            };
            inputs.push(Input::Stdin(read));
        } else {
            inputs.push(Input::Path(p.clone()));
        }
    }
    if inputs.is_empty() {
        inputs.push(Input::Path(s.conf_dir.clone()));
    }
    let (report, interrupted) =
        super::probe::with_prober(s, !a.static_only, "the report is incomplete", |versions| {
            validate::validate(
                &inputs,
                &Options {
                    cni_path: s.cni_path.clone(),
                    versions,
                },
            )
        })?;
    if let Some(code) = interrupted {
        return Ok(code);
    }
    let report = report?;
    match s.printer.format(Output::Table) {
        Output::Json => render::print_json(&render::validate::json(&report)),
        Output::Github => render::write_stdout(&render::validate::github(&report)),
        Output::Table | Output::Wide => {
            for n in &report.notices {
                s.printer.note(n);
            }
            render::write_stdout(&render::validate::human(&s.printer, &report));
        }
    }
    let failed = report.errors() > 0 || (a.deny_warnings && report.warnings() > 0);
    Ok(if failed { exit::FAILED } else { exit::OK })
}
