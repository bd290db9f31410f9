//! Everything printed: colour decisions, diagnostics on stderr, tables and JSON on stdout.
//! Command code never styles text itself; it calls the semantic helpers here.

pub mod attachments;
pub mod error;
pub mod gc;
pub mod inspect;
pub mod ipam;
pub mod junit;
pub mod ls;
pub mod plugins;
mod result;
pub mod status;
mod timeline;
pub mod validate;

pub use result::result_table;
pub use timeline::print_call;

use colored::{ColoredString, Colorize};
use comfy_table::presets::{NOTHING, UTF8_FULL_CONDENSED};
use comfy_table::{ContentArrangement, Table};
use std::io::{IsTerminal, Write};

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Output {
    /// Human-readable tables
    Table,
    /// JSON
    Json,
    /// GitHub Actions workflow commands (validate only)
    Github,
    /// SARIF 2.1.0, for GitHub code scanning (validate only)
    Sarif,
    /// GitLab's Code Quality report (validate only)
    Codeclimate,
    /// JUnit XML (validate only)
    Junit,
}

impl Output {
    /// True for the formats only `validate` writes.
    pub fn validate_only(self) -> bool {
        matches!(
            self,
            Output::Github | Output::Sarif | Output::Codeclimate | Output::Junit
        )
    }
}

/// When to colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set
    Auto,
    /// Always
    Always,
    /// Never
    Never,
}

/// Prints diagnostics and results with colour decided once per stream.
#[derive(Debug, Clone)]
pub struct Printer {
    color_out: bool,
    color_err: bool,
    stdout_tty: bool,
    output: Option<Output>,
    verbose: u8,
}

impl Printer {
    /// Decides colour for stdout and stderr: --color, then NO_COLOR, then whether each
    /// stream is a terminal.
    pub fn new(choice: ColorChoice, output: Option<Output>, verbose: u8) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let decide = |tty: bool| match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => tty && !no_color,
        };
        let stdout_tty = std::io::stdout().is_terminal();
        // The printer decides when to style; without the override the colored crate would
        // drop the styles whenever stdout is not a terminal, even with --color always.
        colored::control::set_override(true);
        Printer {
            color_out: decide(stdout_tty),
            color_err: decide(std::io::stderr().is_terminal()),
            stdout_tty,
            output,
            verbose,
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

    /// `error: ...` on stderr.
    pub fn error(&self, msg: &str) {
        eprintln!("{} {msg}", self.err_style("error:", |s| s.red().bold()));
    }

    /// `warning: ...` on stderr.
    pub fn warning(&self, msg: &str) {
        eprintln!(
            "{} {msg}",
            self.err_style("warning:", |s| s.yellow().bold())
        );
    }

    /// `note: ...` on stderr.
    pub fn note(&self, msg: &str) {
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

    /// A table styled for where stdout goes: borders on a terminal, none when piped.
    pub fn table(&self, header: &[&str]) -> Table {
        let mut t = Table::new();
        if self.stdout_tty {
            t.load_preset(UTF8_FULL_CONDENSED);
            // Wrap to the terminal's width only when it is known and wide enough to be
            // useful; otherwise (a pty of width 0, `script`) print unwrapped rather than one
            // character per line.
            let arrangement = match t.width() {
                Some(w) if w >= 40 => ContentArrangement::Dynamic,
                _ => ContentArrangement::Disabled,
            };
            t.set_content_arrangement(arrangement);
        } else {
            t.load_preset(NOTHING)
                .set_content_arrangement(ContentArrangement::Disabled);
        }
        t.set_header(
            header
                .iter()
                .map(|h| self.out_style(h, |s| s.bold()))
                .collect::<Vec<_>>(),
        );
        if !self.stdout_tty {
            // Piped: columns start at the left edge, two spaces apart.
            for c in t.column_iter_mut() {
                c.set_padding((0, 2));
            }
        }
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

/// A table as text, without the padding comfy-table leaves at the end of each line.
pub fn table_text(t: &Table) -> String {
    t.to_string()
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
}
