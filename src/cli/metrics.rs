//! The metrics side of `status`, `attachments`, `ipam` and `validate`: `-o prometheus` on
//! stdout, `--metrics-file` written atomically for node-exporter's textfile collector, and
//! `--every`, which repeats the command until SIGTERM or SIGINT (a `FROM scratch` image has no
//! shell to loop in).

use super::args;
use super::Settings;
use crate::exit_codes as exit;
use crate::render::{self, metrics::Metrics, Output};
use anyhow::{bail, Context};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant, SystemTime};

/// The options of the metrics-producing commands.
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "Metrics")]
pub struct MetricsArgs {
    /// Write the Prometheus metrics (-o prometheus) to FILE instead of stdout, atomically:
    /// a temporary file beside it, then a rename (for node-exporter's textfile directory)
    #[arg(long, value_name = "FILE")]
    pub metrics_file: Option<PathBuf>,

    /// Run again every DURATION (e.g. 30s, 5m) until SIGTERM or SIGINT, rewriting
    /// --metrics-file (which it needs) after each run; a run that fails is reported on stderr
    /// and in the metrics, and the next one still happens; a note or warning is printed the
    /// first time only. Exits 0 when stopped by the signal
    #[arg(
        long,
        value_name = "DURATION",
        value_parser = args::parse_duration,
        requires = "metrics_file"
    )]
    pub every: Option<Duration>,
}

impl MetricsArgs {
    /// True when the command is to print metrics: `-o prometheus` or `--metrics-file`; a
    /// `--metrics-file` beside another `-o` is a usage error.
    pub fn wanted(&self, s: &Settings) -> anyhow::Result<bool> {
        match (s.printer.output(), &self.metrics_file) {
            (Some(Output::Prometheus), _) => Ok(true),
            (None, Some(_)) => Ok(true),
            (Some(o), Some(_)) => bail!(
                "--metrics-file writes -o prometheus; it cannot be combined with -o {}",
                o.name()
            ),
            (_, None) => Ok(false),
        }
    }
}

/// One run of a command in metrics mode: its metrics (without the run's own gauges) and the
/// exit code the command would return.
pub type Round = anyhow::Result<(Metrics, i32)>;

/// How often the sleep between runs looks at the interrupt flag.
const TICK: Duration = Duration::from_millis(50);

/// Runs `round` once, or every `--every` until a signal, and writes each run's metrics (with
/// `cnictl_scrape_success` and `cnictl_last_run_timestamp_seconds` for `command`) to stdout
/// or `--metrics-file`. A run cut short by a signal writes nothing: its metrics would look
/// complete.
pub fn run(
    s: &Settings,
    m: &MetricsArgs,
    command: &str,
    mut round: impl FnMut() -> Round,
) -> anyhow::Result<i32> {
    let Some(every) = m.every else {
        let out = round();
        if interrupted(s) {
            return out.map(|(_, code)| code);
        }
        return match out {
            Ok((mut metrics, code)) => {
                metrics.finish(command, true, SystemTime::now());
                emit(m, &metrics.text()?)?;
                Ok(code)
            }
            Err(e) => {
                if let Err(w) = emit_failure(m, command) {
                    s.printer.warning(&format!("{w:#}"));
                }
                Err(e)
            }
        };
    };
    s.catch_signals()?;
    // The same notes every round would fill a DaemonSet's log: each is said once.
    s.printer.say_notes_once();
    let mut next = Instant::now();
    loop {
        let out = round();
        if interrupted(s) {
            return Ok(exit::OK);
        }
        let written = match out {
            Ok((mut metrics, _)) => {
                metrics.finish(command, true, SystemTime::now());
                metrics.text().and_then(|t| emit(m, &t))
            }
            Err(e) => {
                s.printer.report(&e);
                emit_failure(m, command)
            }
        };
        if let Err(e) = written {
            s.printer.error(&format!("{e:#}"));
        }
        next += every;
        let now = Instant::now();
        if next < now {
            next = now;
        }
        while Instant::now() < next {
            if interrupted(s) {
                return Ok(exit::OK);
            }
            std::thread::sleep(TICK.min(next.saturating_duration_since(Instant::now())));
        }
    }
}

fn interrupted(s: &Settings) -> bool {
    s.interrupt.load(Ordering::SeqCst) != 0
}

/// The metrics of a run that could not be made: success 0 and the time.
fn emit_failure(m: &MetricsArgs, command: &str) -> anyhow::Result<()> {
    let mut metrics = Metrics::new();
    metrics.finish(command, false, SystemTime::now());
    emit(m, &metrics.text()?)
}

fn emit(m: &MetricsArgs, text: &str) -> anyhow::Result<()> {
    match &m.metrics_file {
        Some(path) => write_atomic(path, text),
        None => {
            render::write_stdout(text);
            Ok(())
        }
    }
}

/// Writes `text` to `path` so that a reader sees the old file or the new one, never a part:
/// a temporary file in the same directory (its name does not end in `.prom`, so the textfile
/// collector skips it), synced, then renamed over `path`. The temporary file is removed when
/// anything fails.
pub fn write_atomic(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let name = path
        .file_name()
        .with_context(|| format!("--metrics-file {}: not a file name", path.display()))?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut attempt = 0u32;
    let (tmp, mut file) = loop {
        let mut tmp_name = std::ffi::OsString::from(".");
        tmp_name.push(name);
        tmp_name.push(format!(".{}.{attempt}.tmp", std::process::id()));
        let tmp = dir.join(tmp_name);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o644)
            .open(&tmp)
        {
            Ok(f) => break (tmp, f),
            // Left by an earlier process with the same pid that was killed mid-write.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 16 => {
                attempt += 1;
            }
            Err(e) => {
                return Err(e).with_context(|| {
                    format!(
                        "cannot write the metrics file: cannot create {}",
                        tmp.display()
                    )
                })
            }
        }
    };
    let done = file
        .write_all(text.as_bytes())
        .and_then(|_| file.sync_all())
        .and_then(|_| std::fs::rename(&tmp, path));
    drop(file);
    if let Err(e) = done {
        let _ = std::fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("cannot write the metrics file {}", path.display()));
    }
    // The rename is durable once the directory is synced; a failure here loses nothing a
    // reader can see.
    if let Ok(d) = std::fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_atomic_replaces_the_file_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cnictl.prom");
        write_atomic(&path, "a 1\n").unwrap();
        write_atomic(&path, "a 2\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a 2\n");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("cnictl.prom")]);
    }

    #[test]
    fn write_atomic_into_a_missing_dir_names_it_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nosuch/cnictl.prom");
        let e = write_atomic(&path, "a 1\n").unwrap_err();
        assert!(format!("{e:#}").contains("nosuch"), "{e:#}");
        // A directory in the way: the rename fails, the temp file goes.
        let path = dir.path().join("adir.prom");
        std::fs::create_dir(&path).unwrap();
        std::fs::write(path.join("x"), "").unwrap();
        let e = write_atomic(&path, "a 1\n").unwrap_err();
        assert!(format!("{e:#}").contains("adir.prom"), "{e:#}");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("adir.prom")]);
    }
}
