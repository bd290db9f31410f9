//! Rule control: which rules report, and at which severity, set by `--allow`, `--warn` and
//! `--deny` (clippy's model) and by a config file (`cnictl.toml` or `.cnictl.toml`) found from
//! each checked file's directory upward, stopping at the repository root (a directory holding
//! `.git`) or the filesystem root. The file holds the same settings, and per path glob where a
//! part of the repository needs other ones:
//!
//! ```toml
//! [validate]
//! allow = ["cni-version-old"]
//! deny = ["unknown-key"]
//!
//! [[validate.overrides]]
//! paths = ["legacy/**"]
//! allow = ["cni-version-missing"]
//! ```
//!
//! The levels apply in order, the later winning: the file's own, then each override whose
//! glob matches the file's path relative to the config file's directory, then the command
//! line. `allow` drops a rule's findings, `warn` makes them warnings, `deny` errors.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Deserialize;

use super::diag::{rule, Rule, Severity};
use super::Report;

/// The names a config file may have, in the order they are looked for in one directory.
pub const CONFIG_NAMES: [&str; 2] = ["cnictl.toml", ".cnictl.toml"];

/// What a setting does to a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Drop its findings.
    Allow,
    /// Report its findings as warnings.
    Warn,
    /// Report its findings as errors.
    Deny,
}

impl Level {
    /// `allow`, `warn` or `deny`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Allow => "allow",
            Level::Warn => "warn",
            Level::Deny => "deny",
        }
    }
}

/// Why rule control could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum ControlError {
    /// A rule name that no rule has.
    #[error("unknown rule {0:?} (cnictl validate --list-rules lists them)")]
    UnknownRule(String),
    /// A config file that cannot be read.
    #[error("cannot read config file {}: {cause}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        cause: io::Error,
    },
    /// A config file that is not valid TOML or has unknown keys.
    #[error("config file {}: {message}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A config file naming a rule that does not exist.
    #[error("config file {}: unknown rule {rule:?} (cnictl validate --list-rules lists them)", path.display())]
    FileRule {
        /// The file.
        path: PathBuf,
        /// The name.
        rule: String,
    },
    /// A path glob that does not parse.
    #[error("config file {}: bad path glob {glob:?}: {cause}", path.display())]
    Glob {
        /// The file.
        path: PathBuf,
        /// The glob.
        glob: String,
        /// The parser's reason.
        cause: globset::Error,
    },
}

/// Levels set for rules, in the order given (the later wins).
#[derive(Debug, Clone, Default)]
pub struct Levels(Vec<(&'static Rule, Level)>);

impl Levels {
    /// Sets `level` for the rule named `id`.
    pub fn set(&mut self, id: &str, level: Level) -> Result<(), ControlError> {
        let r = rule(id).ok_or_else(|| ControlError::UnknownRule(id.to_string()))?;
        self.0.push((r, level));
        Ok(())
    }

    /// The level set last for `id`, if any.
    pub fn get(&self, id: &str) -> Option<Level> {
        self.0
            .iter()
            .rev()
            .find(|(r, _)| r.id == id)
            .map(|(_, l)| *l)
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileToml {
    #[serde(default)]
    validate: ValidateToml,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ValidateToml {
    #[serde(default)]
    allow: Vec<String>,
    #[serde(default)]
    warn: Vec<String>,
    #[serde(default)]
    deny: Vec<String>,
    #[serde(default)]
    overrides: Vec<OverrideToml>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OverrideToml {
    paths: Vec<String>,
    #[serde(default)]
    allow: Vec<String>,
    #[serde(default)]
    warn: Vec<String>,
    #[serde(default)]
    deny: Vec<String>,
}

/// A parsed config file.
#[derive(Debug)]
pub struct ConfigFile {
    /// Where it is.
    pub path: PathBuf,
    /// Its directory: override globs match paths relative to it.
    base: PathBuf,
    levels: Levels,
    overrides: Vec<(GlobSet, Levels)>,
}

fn file_levels(
    path: &Path,
    allow: &[String],
    warn: &[String],
    deny: &[String],
) -> Result<Levels, ControlError> {
    let mut levels = Levels::default();
    for (names, level) in [
        (allow, Level::Allow),
        (warn, Level::Warn),
        (deny, Level::Deny),
    ] {
        for n in names {
            levels.set(n, level).map_err(|_| ControlError::FileRule {
                path: path.to_path_buf(),
                rule: n.clone(),
            })?;
        }
    }
    Ok(levels)
}

impl ConfigFile {
    /// Reads and parses the config file at `path` (absolute, or relative to the process's
    /// directory).
    pub fn load(path: &Path) -> Result<ConfigFile, ControlError> {
        let text = fs::read_to_string(path).map_err(|cause| ControlError::Read {
            path: path.to_path_buf(),
            cause,
        })?;
        Self::parse(path, &text)
    }

    /// Parses `text` as the config file at `path`.
    pub fn parse(path: &Path, text: &str) -> Result<ConfigFile, ControlError> {
        let parsed: FileToml = toml::from_str(text).map_err(|e| ControlError::Parse {
            path: path.to_path_buf(),
            message: e.message().trim_end_matches('\n').to_string(),
        })?;
        let v = parsed.validate;
        let levels = file_levels(path, &v.allow, &v.warn, &v.deny)?;
        let mut overrides = Vec::new();
        for o in &v.overrides {
            let mut set = GlobSetBuilder::new();
            for g in &o.paths {
                let glob = GlobBuilder::new(g.trim_start_matches("./"))
                    .literal_separator(true)
                    .build()
                    .map_err(|cause| ControlError::Glob {
                        path: path.to_path_buf(),
                        glob: g.clone(),
                        cause,
                    })?;
                set.add(glob);
            }
            let set = set.build().map_err(|cause| ControlError::Glob {
                path: path.to_path_buf(),
                glob: o.paths.join(", "),
                cause,
            })?;
            overrides.push((set, file_levels(path, &o.allow, &o.warn, &o.deny)?));
        }
        Ok(ConfigFile {
            path: path.to_path_buf(),
            base: path.parent().unwrap_or(Path::new("")).to_path_buf(),
            levels,
            overrides,
        })
    }

    /// The level this file sets for findings of `id` in the file at `abs`.
    fn level(&self, id: &str, abs: &Path) -> Option<Level> {
        let rel = abs.strip_prefix(&self.base).ok();
        let mut level = self.levels.get(id);
        for (set, levels) in &self.overrides {
            if rel.is_some_and(|r| set.is_match(r)) {
                level = levels.get(id).or(level);
            }
        }
        level
    }
}

/// Finds the config file for files of directory `dir`: the first `cnictl.toml` or
/// `.cnictl.toml` from `dir` upward, not above a directory holding `.git`.
pub fn find_config(dir: &Path) -> Option<PathBuf> {
    let mut at = Some(dir);
    while let Some(d) = at {
        for name in CONFIG_NAMES {
            let p = d.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
        if d.join(".git").exists() {
            return None;
        }
        at = d.parent();
    }
    None
}

/// Which config file applies.
#[derive(Debug, Clone)]
pub enum ConfigChoice {
    /// The one found from each checked file's directory upward.
    Discover,
    /// This one, for every file (`--config`).
    File(PathBuf),
    /// None (`--no-config`).
    Disabled,
}

/// `path` made absolute against `cwd` and lexically normalised (`.` and `..` removed), so
/// that it can be compared with a config file's directory.
pub fn absolute(cwd: &Path, path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in cwd.join(path).components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Applies the config files and the command line's `cli` levels to `report`: allowed
/// findings go, the others take the severity their level gives. Relative file names are
/// resolved against `cwd`. Returns the config files used.
pub fn apply(
    report: &mut Report,
    choice: &ConfigChoice,
    cli: &Levels,
    cwd: &Path,
) -> Result<Vec<PathBuf>, ControlError> {
    let fixed = match choice {
        ConfigChoice::File(p) => {
            let mut cf = ConfigFile::load(p)?;
            cf.base = absolute(cwd, &cf.base);
            Some(Arc::new(cf))
        }
        _ => None,
    };
    let mut by_dir: HashMap<PathBuf, Option<Arc<ConfigFile>>> = HashMap::new();
    let mut loaded: HashMap<PathBuf, Arc<ConfigFile>> = HashMap::new();
    let mut used: Vec<PathBuf> = fixed.iter().map(|c| c.path.clone()).collect();
    let mut kept = Vec::with_capacity(report.diagnostics.len());
    for mut d in std::mem::take(&mut report.diagnostics) {
        let abs = absolute(cwd, &d.file);
        let config = match choice {
            ConfigChoice::Disabled => None,
            ConfigChoice::File(_) => fixed.clone(),
            ConfigChoice::Discover => {
                let dir = abs.parent().unwrap_or(Path::new("/")).to_path_buf();
                match by_dir.get(&dir) {
                    Some(c) => c.clone(),
                    None => {
                        let c = match find_config(&dir) {
                            None => None,
                            Some(p) => Some(match loaded.get(&p) {
                                Some(c) => c.clone(),
                                None => {
                                    let c = Arc::new(ConfigFile::load(&p)?);
                                    used.push(p.clone());
                                    loaded.insert(p, c.clone());
                                    c
                                }
                            }),
                        };
                        by_dir.insert(dir, c.clone());
                        c
                    }
                }
            }
        };
        let mut level = config.as_ref().and_then(|c| c.level(d.rule, &abs));
        if !cli.is_empty() {
            level = cli.get(d.rule).or(level);
        }
        match level {
            Some(Level::Allow) => continue,
            Some(Level::Warn) => d.severity = Severity::Warning,
            Some(Level::Deny) => d.severity = Severity::Error,
            None => {}
        }
        kept.push(d);
    }
    report.diagnostics = kept;
    Ok(used)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cf(text: &str) -> Result<ConfigFile, ControlError> {
        ConfigFile::parse(Path::new("/repo/cnictl.toml"), text)
    }

    #[test]
    fn file_levels_and_overrides_later_wins() {
        let c = cf(r#"
[validate]
allow = ["cni-version-old"]
deny = ["unknown-key"]

[[validate.overrides]]
paths = ["legacy/**"]
warn = ["unknown-key"]
allow = ["cni-version-missing"]
"#)
        .unwrap();
        let top = Path::new("/repo/net.d/10.conflist");
        let legacy = Path::new("/repo/legacy/a/10.conflist");
        assert_eq!(c.level("cni-version-old", top), Some(Level::Allow));
        assert_eq!(c.level("unknown-key", top), Some(Level::Deny));
        assert_eq!(c.level("unknown-key", legacy), Some(Level::Warn));
        assert_eq!(c.level("cni-version-missing", top), None);
        assert_eq!(c.level("cni-version-missing", legacy), Some(Level::Allow));
        // Outside the config file's directory no override matches.
        assert_eq!(
            c.level("unknown-key", Path::new("/else/legacy/x.conf")),
            Some(Level::Deny)
        );
    }

    #[test]
    fn star_does_not_cross_directories() {
        let c = cf("[[validate.overrides]]\npaths = [\"a/*.conf\"]\nallow = [\"missing-name\"]\n")
            .unwrap();
        assert_eq!(
            c.level("missing-name", Path::new("/repo/a/x.conf")),
            Some(Level::Allow)
        );
        assert_eq!(c.level("missing-name", Path::new("/repo/a/b/x.conf")), None);
    }

    #[test]
    fn bad_files_are_errors_naming_the_file() {
        let e = cf("[validate]\nallow = [\"no-such-rule\"]\n").unwrap_err();
        assert!(matches!(e, ControlError::FileRule { ref rule, .. } if rule == "no-such-rule"));
        assert!(e.to_string().contains("/repo/cnictl.toml"), "{e}");
        let e = cf("[validate]\nallw = [\"missing-name\"]\n").unwrap_err();
        assert!(matches!(e, ControlError::Parse { .. }), "{e}");
        assert!(e.to_string().contains("allw"), "{e}");
        let e = cf("[validate\n").unwrap_err();
        assert!(matches!(e, ControlError::Parse { .. }), "{e}");
        let e = cf("[[validate.overrides]]\npaths = [\"a/[\"]\n").unwrap_err();
        assert!(matches!(e, ControlError::Glob { .. }), "{e}");
        let mut l = Levels::default();
        assert!(matches!(
            l.set("nope", Level::Allow),
            Err(ControlError::UnknownRule(_))
        ));
    }

    #[test]
    fn discovery_stops_at_the_repository_root() {
        let t = tempfile::tempdir().unwrap();
        let repo = t.path().join("repo");
        let deep = repo.join("a/b");
        fs::create_dir_all(&deep).unwrap();
        fs::write(t.path().join("cnictl.toml"), "").unwrap();
        assert_eq!(find_config(&deep), Some(t.path().join("cnictl.toml")));
        fs::create_dir(repo.join(".git")).unwrap();
        assert_eq!(find_config(&deep), None);
        fs::write(repo.join("a/.cnictl.toml"), "").unwrap();
        assert_eq!(find_config(&deep), Some(repo.join("a/.cnictl.toml")));
        fs::write(repo.join("a/b/cnictl.toml"), "").unwrap();
        assert_eq!(find_config(&deep), Some(deep.join("cnictl.toml")));
    }

    #[test]
    fn absolute_is_lexical() {
        assert_eq!(
            absolute(Path::new("/w/x"), Path::new("../y/./z.conf")),
            PathBuf::from("/w/y/z.conf")
        );
        assert_eq!(
            absolute(Path::new("/w"), Path::new("/abs/f")),
            PathBuf::from("/abs/f")
        );
    }
}
