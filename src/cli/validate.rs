//! `cnictl validate [PATH]...`: lint network configuration files, directories or stdin; the
//! findings go to stdout as a report grouped by file, JSON, or GitHub workflow commands.

use super::metrics::{self, MetricsArgs};
use super::Settings;
use crate::exit_codes as exit;
use crate::render::{self, Output};
use anyhow::bail;
use cnictl::safe_read::{self, ReadError, Source};
use cnictl::validate::control::{self, ConfigChoice, Level, Levels};
use cnictl::validate::{self, Input, Options, RULES};
use std::path::PathBuf;

/// A rule name given on the command line: an unknown one is a usage error.
fn rule_name(s: &str) -> Result<String, String> {
    match validate::rule(s) {
        Some(r) => Ok(r.id.to_string()),
        None => Err(format!(
            "unknown rule {s:?} (cnictl validate --list-rules lists them)"
        )),
    }
}

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

    /// Exit 1 when there are warnings, not only errors (infos never fail a run)
    #[arg(long)]
    pub deny_warnings: bool,

    /// Check each file on its own: no rule across files (duplicate-network, subnet-overlap,
    /// conflist-shadows-conf)
    ///
    /// For repositories holding the configs of many nodes or clusters. Without it, the files
    /// of one directory (the directory named, or its files named) are read as one node's
    /// config directory.
    #[arg(long)]
    pub per_file: bool,

    /// Drop the findings of RULE (repeatable)
    #[arg(long, value_name = "RULE", value_parser = rule_name)]
    pub allow: Vec<String>,

    /// Report the findings of RULE as warnings (repeatable)
    #[arg(long, value_name = "RULE", value_parser = rule_name)]
    pub warn: Vec<String>,

    /// Report the findings of RULE as errors (repeatable)
    #[arg(long, value_name = "RULE", value_parser = rule_name)]
    pub deny: Vec<String>,

    /// Use this config file for every file checked, instead of looking for cnictl.toml or
    /// .cnictl.toml from each file's directory up to the repository root
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Use no config file
    #[arg(long)]
    pub no_config: bool,

    /// Print the documentation of RULE (what it checks, why, an example and the fix) and exit
    #[arg(long, value_name = "RULE", value_parser = rule_name, exclusive = true)]
    pub explain: Option<String>,

    /// List every rule with its default severity and exit
    #[arg(long, exclusive = true)]
    pub list_rules: bool,

    #[command(flatten)]
    pub metrics: MetricsArgs,
}

fn list_rules() -> String {
    let width = RULES.iter().map(|r| r.id.len()).max().unwrap_or(0);
    let mut out = String::new();
    for r in RULES {
        out.push_str(&format!(
            "{:width$}  {:<7}  {:<10}  {}\n",
            r.id,
            r.severity.as_str(),
            r.family,
            r.summary
        ));
    }
    out
}

/// The command line's levels; a rule given to two of --allow, --warn and --deny is a usage
/// error (there is no order between them to decide).
fn cli_levels(a: &ValidateArgs) -> anyhow::Result<Levels> {
    let mut levels = Levels::default();
    let mut seen: std::collections::HashMap<&str, Level> = std::collections::HashMap::new();
    for (names, level) in [
        (&a.allow, Level::Allow),
        (&a.warn, Level::Warn),
        (&a.deny, Level::Deny),
    ] {
        for n in names {
            if let Some(prev) = seen.insert(n, level) {
                if prev != level {
                    bail!(
                        "rule {n} is given to both --{} and --{}",
                        prev.as_str(),
                        level.as_str()
                    );
                }
            }
            levels.set(n, level)?;
        }
    }
    Ok(levels)
}

/// Runs `validate`.
pub fn run(s: &Settings, a: ValidateArgs) -> anyhow::Result<i32> {
    if a.list_rules {
        render::write_stdout(&list_rules());
        return Ok(exit::OK);
    }
    if let Some(id) = &a.explain {
        render::write_stdout(
            &render::validate::explain_text(id)
                .unwrap_or_else(|| format!("{id}: no documentation\n")),
        );
        return Ok(exit::OK);
    }
    let levels = cli_levels(&a)?;
    let choice = match (&a.config, a.no_config) {
        (Some(f), _) => ConfigChoice::File(f.clone()),
        (None, true) => ConfigChoice::Disabled,
        (None, false) => ConfigChoice::Discover,
    };
    let cwd = std::env::current_dir()
        .map_err(|e| anyhow::anyhow!("cannot read the current directory: {e}"))?;
    if a.metrics.wanted(s)? {
        if a.metrics.every.is_some() && a.paths.iter().any(|p| p.as_os_str() == "-") {
            bail!("--every cannot read stdin (-) again at each run: name files or directories");
        }
        return metrics::run(s, &a.metrics, "validate", || {
            let report = match report(s, &a, &choice, &levels, &cwd)? {
                Ok(r) => r,
                Err(code) => return Ok((render::metrics::Metrics::new(), code)),
            };
            for n in &report.notices {
                s.printer.note(n);
            }
            Ok((render::validate::metrics(&report), exit_code(&a, &report)))
        });
    }
    let report = match report(s, &a, &choice, &levels, &cwd)? {
        Ok(r) => r,
        Err(code) => return Ok(code),
    };
    match s.printer.format(Output::Table) {
        Output::Json => render::print_json(&render::validate::json(&report)),
        Output::Github => {
            render::write_stdout(&render::validate::github(&report));
            if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
                append(&PathBuf::from(path), &render::validate::markdown(&report))?;
            }
        }
        Output::Sarif => render::print_json(&render::validate::sarif(
            &report,
            &render::validate::Base::new(cwd),
        )),
        Output::Codeclimate => render::print_json(&render::validate::codeclimate(
            &report,
            &render::validate::Base::new(cwd),
        )),
        Output::Junit => render::write_stdout(
            &render::validate::junit(&report, a.deny_warnings)
                .map_err(|e| anyhow::anyhow!("cannot write the JUnit report: {e}"))?,
        ),
        // Prometheus went through metrics::run above; npd is status's only.
        Output::Table | Output::Wide | Output::Prometheus | Output::Npd => {
            for n in &report.notices {
                s.printer.note(n);
            }
            render::write_stdout(&render::validate::human(&s.printer, &report));
        }
    }
    Ok(exit_code(&a, &report))
}

fn exit_code(a: &ValidateArgs, report: &validate::Report) -> i32 {
    let failed = report.errors() > 0 || (a.deny_warnings && report.warnings() > 0);
    if failed {
        exit::FAILED
    } else {
        exit::OK
    }
}

/// Reads the inputs and lints them; Err(code) when a signal cut the plugin probes short.
fn report(
    s: &Settings,
    a: &ValidateArgs,
    choice: &ConfigChoice,
    levels: &Levels,
    cwd: &std::path::Path,
) -> anyhow::Result<Result<validate::Report, i32>> {
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
    // Without PATH, the node's config dir (under --root, its links followed there); paths
    // the user named are read as given.
    let inputs_on_node = inputs.is_empty();
    if inputs_on_node {
        inputs.push(Input::Path(s.conf_dir.clone()));
    }
    let (report, interrupted) =
        super::probe::with_prober(s, !a.static_only, "the report is incomplete", |versions| {
            validate::validate(
                &inputs,
                &Options {
                    cni_path: s.cni_path.clone(),
                    node_root: s.node_root.clone(),
                    inputs_on_node,
                    versions,
                    per_file: a.per_file,
                },
            )
        })?;
    if let Some(code) = interrupted {
        return Ok(Err(code));
    }
    let mut report = report?;
    control::apply(&mut report, choice, levels, cwd)?;
    Ok(Ok(report))
}

/// Appends `text` to the file at `path` (GitHub's step summary).
fn append(path: &std::path::Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .map_err(|e| anyhow::anyhow!("cannot write GITHUB_STEP_SUMMARY {}: {e}", path.display()))?;
    f.write_all(text.as_bytes())
        .map_err(|e| anyhow::anyhow!("cannot write GITHUB_STEP_SUMMARY {}: {e}", path.display()))
}
