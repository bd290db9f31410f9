//! Everything printed: colour decisions, diagnostics on stderr, tables and JSON on stdout.
//! Command code never styles text itself; it calls the semantic helpers here.

pub mod attachments;
pub mod conformance;
pub mod error;
pub mod gc;
pub mod inspect;
pub mod ipam;
pub mod junit;
pub mod ls;
pub mod metrics;
pub mod plugins;
mod result;
pub mod status;
pub mod table;
mod timeline;
pub mod validate;

pub use result::result_table;
pub use timeline::print_call;

use colored::{ColoredString, Colorize};
use std::io::{IsTerminal, Write};
pub use table::Table;

/// Output formats (`-o`). Each command accepts the subset `cli::formats` declares for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Output {
    /// Borderless columns fitting the terminal (80 columns in a pipe); long cells cut with `…`
    Table,
    /// The table with every cell whole, as wide as it takes
    Wide,
    /// JSON, in the command's documented shape (a versioned JSON Schema per command)
    Json,
    /// GitHub Actions workflow commands (validate only)
    Github,
    /// SARIF 2.1.0, for GitHub code scanning (validate only)
    Sarif,
    /// GitLab's Code Quality report (validate only)
    Codeclimate,
    /// JUnit XML (validate only)
    Junit,
    /// The Prometheus text format that node-exporter's textfile collector reads (status,
    /// attachments, ipam, validate; metrics listed in the README)
    Prometheus,
    /// One line for node-problem-detector's custom plugins, exit 0 OK, 1 problem, 2 unknown
    /// (status only)
    Npd,
}

impl Output {
    /// The word used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Output::Table => "table",
            Output::Wide => "wide",
            Output::Json => "json",
            Output::Github => "github",
            Output::Sarif => "sarif",
            Output::Codeclimate => "codeclimate",
            Output::Junit => "junit",
            Output::Prometheus => "prometheus",
            Output::Npd => "npd",
        }
    }
}

/// When to colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Decided by NO_COLOR, CLICOLOR_FORCE, CLICOLOR=0 / TERM=dumb, then whether the stream is a terminal
    Auto,
    /// Always
    Always,
    /// Never
    Never,
}

/// What the environment says about colour and width, read once (by `cli::settings`).
#[derive(Debug, Clone, Default)]
pub struct TermEnv {
    /// NO_COLOR is set and not empty.
    pub no_color: bool,
    /// CLICOLOR_FORCE is set, not empty and not `0`.
    pub clicolor_force: bool,
    /// CLICOLOR is `0`.
    pub clicolor_off: bool,
    /// TERM is `dumb`.
    pub term_dumb: bool,
    /// COLUMNS, when a positive number.
    pub columns: Option<usize>,
}

/// Whether to colour a stream, in this order: `--color`, NO_COLOR, CLICOLOR_FORCE,
/// CLICOLOR=0 / TERM=dumb, whether the stream is a terminal.
pub fn decide_color(choice: ColorChoice, env: &TermEnv, tty: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto if env.no_color => false,
        ColorChoice::Auto if env.clicolor_force => true,
        ColorChoice::Auto if env.clicolor_off || env.term_dumb => false,
        ColorChoice::Auto => tty,
    }
}

/// The state words, one colour each wherever they appear.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Fine: ok, exists, ready, deleted.
    Good,
    /// Needs a look: stale, gone, shadowed, skipped.
    Warn,
    /// Broken: error, invalid, failed.
    Bad,
}

/// Prints diagnostics and results with colour decided once per stream.
#[derive(Debug, Clone)]
pub struct Printer {
    color_out: bool,
    color_err: bool,
    stdout_tty: bool,
    output: Option<Output>,
    verbose: u8,
    /// Width tables must fit (None: never shorten).
    width: Option<usize>,
    headers: bool,
    /// Under `--every`: the notes and warnings already printed, each said once (shared by
    /// clones; None prints every one).
    said: std::sync::Arc<std::sync::Mutex<Option<std::collections::HashSet<String>>>>,
}

impl Printer {
    /// Decides colour for stdout and stderr (see `decide_color`) and the table width: none
    /// with `-o wide`, else COLUMNS, else the terminal's, else 80.
    pub fn new(
        choice: ColorChoice,
        output: Option<Output>,
        verbose: u8,
        env: &TermEnv,
        headers: bool,
    ) -> Self {
        let stdout_tty = std::io::stdout().is_terminal();
        // The printer decides when to style; without the override the colored crate would
        // drop the styles whenever stdout is not a terminal, even with --color always.
        colored::control::set_override(true);
        let width = if output == Some(Output::Wide) {
            None
        } else {
            Some(env.columns.unwrap_or_else(|| {
                if stdout_tty {
                    terminal_size::terminal_size()
                        .map(|(w, _)| usize::from(w.0))
                        .filter(|w| *w >= 40)
                        .unwrap_or(80)
                } else {
                    80
                }
            }))
        };
        Printer {
            color_out: decide_color(choice, env, stdout_tty),
            color_err: decide_color(choice, env, std::io::stderr().is_terminal()),
            stdout_tty,
            output,
            verbose,
            width,
            headers,
            said: Default::default(),
        }
    }

    /// A printer without colour (for errors before settings exist).
    pub fn plain() -> Self {
        Printer {
            color_out: false,
            color_err: false,
            stdout_tty: false,
            output: None,
            verbose: 0,
            width: Some(80),
            headers: true,
            said: Default::default(),
        }
    }

    /// From now on each note and warning is printed the first time only: a command repeated
    /// by `--every` would otherwise print the same ones every round. Errors are always printed.
    pub fn say_notes_once(&self) {
        if let Ok(mut said) = self.said.lock() {
            said.get_or_insert_with(Default::default);
        }
    }

    /// Whether `line` is to be printed: always, unless notes are said once and it was.
    fn first_time(&self, line: &str) -> bool {
        match self.said.lock() {
            Ok(mut said) => match said.as_mut() {
                Some(seen) => seen.insert(line.to_string()),
                None => true,
            },
            Err(_) => true,
        }
    }

    /// The format to use: the one asked for, else a table on a terminal and `piped` otherwise.
    pub fn format(&self, piped: Output) -> Output {
        self.output.unwrap_or(if self.stdout_tty {
            Output::Table
        } else {
            piped
        })
    }

    fn err_style(&self, s: &str, f: fn(&str) -> ColoredString) -> String {
        if self.color_err {
            f(s).to_string()
        } else {
            s.to_string()
        }
    }

    /// Styles text for stdout when colour is on.
    pub fn out_style(&self, s: &str, f: fn(&str) -> ColoredString) -> String {
        if self.color_out {
            f(s).to_string()
        } else {
            s.to_string()
        }
    }

    /// True with `-o wide`: views add the columns they leave out at 80 columns.
    pub fn wide(&self) -> bool {
        self.width.is_none()
    }

    /// The format asked for with `-o`, if any.
    pub fn output(&self) -> Option<Output> {
        self.output
    }

    /// True when `-o json` was asked for.
    pub fn wants_json(&self) -> bool {
        self.output == Some(Output::Json)
    }

    /// A state word (or phrase) for stdout, coloured by what it means.
    pub fn state(&self, s: &str, state: State) -> String {
        match state {
            State::Good => self.out_style(s, |s| s.green()),
            State::Warn => self.out_style(s, |s| s.yellow()),
            State::Bad => self.out_style(s, |s| s.red()),
        }
    }

    /// `error: ...` on stderr.
    pub fn error(&self, msg: &str) {
        eprintln!("{} {msg}", self.err_style("error:", |s| s.red().bold()));
    }

    /// `warning: ...` on stderr.
    pub fn warning(&self, msg: &str) {
        if !self.first_time(&format!("warning: {msg}")) {
            return;
        }
        eprintln!(
            "{} {msg}",
            self.err_style("warning:", |s| s.yellow().bold())
        );
    }

    /// `note: ...` on stderr.
    pub fn note(&self, msg: &str) {
        if !self.first_time(&format!("note: {msg}")) {
            return;
        }
        eprintln!("{} {msg}", self.err_style("note:", |s| s.cyan().bold()));
    }

    /// `hint: ...` on stderr.
    pub fn hint(&self, msg: &str) {
        eprintln!("{} {msg}", self.err_style("hint:", |s| s.green().bold()));
    }

    /// A line on stderr, dimmed (timelines, traces).
    pub fn trace(&self, msg: &str) {
        eprintln!("{}", self.err_style(msg, |s| s.dimmed()));
    }

    /// Prints an error and returns the exit code it maps to; with `-o json`, the JSON error
    /// object goes to stdout as well.
    pub fn report(&self, e: &anyhow::Error) -> i32 {
        let (code, json) = error::classify(e);
        if self.output == Some(Output::Json) {
            print_json(&json);
        }
        for w in error::warnings(e) {
            self.warning(&w);
        }
        self.error(&error::one_line(e));
        for hint in error::hints(e) {
            self.hint(&hint);
        }
        for extra in error::details(e, self.verbose >= 2) {
            eprintln!("  {extra}");
        }
        code
    }

    /// A table in the one style: fitted to the width (whole with `-o wide`), headers unless
    /// `--no-headers`.
    pub fn table(&self, header: &[&str]) -> Table {
        Table::new(
            header.iter().map(|h| h.to_string()).collect(),
            self.width,
            self.headers,
        )
    }

    /// Labelled fields (`label:  value`, one a line) fitted like a table, with no header
    /// line: values cut with `…` to the width, whole with `-o wide`.
    pub fn fields(&self) -> Table {
        let mut t = Table::new(vec!["FIELD".into(), "VALUE".into()], self.width, false);
        t.shrink(&["VALUE"]);
        t
    }
}

/// Prints a JSON value (pretty, with a trailing newline); a closed pipe ends quietly.
pub fn print_json(v: &serde_json::Value) {
    let text = serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string());
    write_stdout(&format!("{text}\n"));
}

/// Writes to stdout; a broken pipe exits quietly with success, as ripgrep does.
pub fn write_stdout(s: &str) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(s.as_bytes()).and_then(|_| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
    }
}

/// A table as text (kept for the views' call sites).
pub fn table_text(t: &Table) -> String {
    t.render().trim_end_matches('\n').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_is_decided_in_the_documented_order() {
        let env = |no, force, off, dumb| TermEnv {
            no_color: no,
            clicolor_force: force,
            clicolor_off: off,
            term_dumb: dumb,
            columns: None,
        };
        // --color beats everything
        assert!(decide_color(
            ColorChoice::Always,
            &env(true, false, true, true),
            false
        ));
        assert!(!decide_color(
            ColorChoice::Never,
            &env(false, true, false, false),
            true
        ));
        // NO_COLOR beats CLICOLOR_FORCE
        assert!(!decide_color(
            ColorChoice::Auto,
            &env(true, true, false, false),
            true
        ));
        // CLICOLOR_FORCE beats CLICOLOR=0, TERM=dumb and a pipe
        assert!(decide_color(
            ColorChoice::Auto,
            &env(false, true, true, true),
            false
        ));
        // CLICOLOR=0 or TERM=dumb beat a terminal
        assert!(!decide_color(
            ColorChoice::Auto,
            &env(false, false, true, false),
            true
        ));
        assert!(!decide_color(
            ColorChoice::Auto,
            &env(false, false, false, true),
            true
        ));
        // then the stream
        assert!(decide_color(
            ColorChoice::Auto,
            &env(false, false, false, false),
            true
        ));
        assert!(!decide_color(
            ColorChoice::Auto,
            &env(false, false, false, false),
            false
        ));
    }
}
