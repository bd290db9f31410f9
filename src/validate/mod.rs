//! `cnictl validate`: findings about network configuration files, each with a severity, a
//! stable rule id, the file, line and column, a message and often a hint.
//!
//! `read` opens only regular files and caps their size (what it cannot read is a finding on
//! that file, not the end of the run); [`json`] parses them keeping the position of every
//! key and value. The checks come in families, a file or two each: `syntax` (JSON, duplicate
//! keys, numbers), `list` and `spec` (the keys of a configuration list and of a plugin
//! object), `versions` (cniVersion and the selection from cniVersions), `chain`, `dir` (the
//! directory as a whole), `plugins` (binaries on the CNI path and the versions they support;
//! skipped with `--static`), and the reference plugins' schemas (`schema` is the engine,
//! `reference` the tables, `values` and `hostlocal` the values they reject, `routes` the
//! routes whose gateway the interface cannot reach). [`diag::RULES`] lists every rule;
//! `docs/rules.md` documents them.
//!
//! An error means a runtime or the plugin would reject the config; a warning that it works but
//! is probably not what the author meant. The severities were checked against Debian's
//! containernetworking-plugins 1.1.1 where the code alone did not settle them.
//!
//! Like the rest of the library this module never prints: [`validate`] returns a [`Report`].

mod chain;
pub mod control;
pub mod diag;
mod dir;
mod hostlocal;
pub mod json;
mod list;
mod net;
mod plugins;
mod read;
mod reference;
mod routes;
mod schema;
mod spec;
mod syntax;
mod values;
mod versions;

pub use diag::{rule, Diagnostic, Rule, Severity, RULES};

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::FileKind;
use crate::invoke::VersionCache;
use crate::types::ident::validate_network_name;
use diag::{FileCtx, Pos, Sink};
use json::{Json, Member, Node};

/// What to validate.
#[derive(Debug)]
pub enum Input {
    /// A file or a directory (its configuration files, as a runtime scans them).
    Path(PathBuf),
    /// What reading stdin gave (shown as `<stdin>`; read with [`crate::safe_read::read_stream`]):
    /// the bytes, whose kind is decided by the content, or why they were not read, a finding
    /// as for a file in a directory (stdin over the cap is refused as a file over it is).
    Stdin(Result<Vec<u8>, crate::safe_read::ReadError>),
}

/// How to validate.
pub struct Options<'a> {
    /// The CNI path (plugin directories).
    pub cni_path: Vec<PathBuf>,
    /// The node the CNI path is on (`--root`): binaries are looked up through it.
    pub node_root: crate::noderoot::NodeRoot,
    /// The inputs are directories of that node (its config dir, when no PATH was given):
    /// their files are followed through `node_root` before they are read. Paths a user named
    /// are read as given.
    pub inputs_on_node: bool,
    /// Asks plugins for their versions; None skips every plugin check (`--static`).
    pub versions: Option<&'a VersionCache<'a>>,
    /// Checks each file on its own (`--per-file`): no rule across files runs, for
    /// repositories that hold the configs of many nodes or clusters.
    pub per_file: bool,
}

/// The findings of a run.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Every finding, grouped by file (in the order files were checked), then by position.
    pub diagnostics: Vec<Diagnostic>,
    /// The files checked (plugin subdirectory files included).
    pub files: Vec<PathBuf>,
    /// Notes about the run itself (for example: no CNI path directory exists).
    pub notices: Vec<String>,
    /// True when each file was checked on its own (no cross-file rules).
    pub per_file: bool,
}

impl Report {
    /// How many errors.
    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    /// How many warnings.
    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    /// How many infos.
    pub fn infos(&self) -> usize {
        self.count(Severity::Info)
    }

    fn count(&self, s: Severity) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == s).count()
    }
}

/// Why validation could not run. Only the paths named on the command line stop a run: a
/// file found in a directory that cannot be read is an `unreadable-file` finding.
#[derive(Debug, thiserror::Error)]
pub enum ValidateError {
    /// A path given does not exist.
    #[error("{}: no such file or directory", .0.display())]
    NotFound(PathBuf),
    /// A path given cannot be looked up (a component of it is not a directory).
    #[error("cannot read {}: {cause}", path.display())]
    Read {
        /// The path.
        path: PathBuf,
        /// The I/O error.
        cause: io::Error,
    },
    /// A directory given could not be listed.
    #[error("cannot list directory {}: {cause}", dir.display())]
    ReadDir {
        /// The directory.
        dir: PathBuf,
        /// The I/O error.
        cause: io::Error,
    },
}

/// A plugin object and where it is.
pub(crate) struct PluginRef<'a> {
    /// Its file.
    pub file: &'a FileCtx,
    /// The object.
    pub node: &'a Node,
    /// How messages name it (`plugins[1]`, `the plugin`).
    pub label: String,
    /// True for the object of a single-plugin file (whose list keys are reported apart).
    pub single: bool,
}

impl PluginRef<'_> {
    /// The plugin's `type`, when it is a string.
    pub fn plugin_type(&self) -> Option<&str> {
        go_field(self.node, "type").and_then(|m| m.value.as_str())
    }
}

/// The member Go's decoder fills a struct field `key` from: the last whose key equals `key`
/// ignoring ASCII case.
pub(crate) fn go_field<'a>(node: &'a Node, key: &str) -> Option<&'a Member> {
    node.members()?
        .iter()
        .rev()
        .find(|m| m.key.eq_ignore_ascii_case(key))
}

/// "a string (\"true\")", "a number (1400.0)", "an object", ... for messages.
pub(crate) fn kind_phrase(node: &Node) -> String {
    let kind = node.kind();
    let article = syntax::article(kind);
    match &node.value {
        Json::String(s) if s.chars().count() <= 24 => format!("{article} {kind} ({s:?})"),
        Json::Number(n) if n.len() <= 24 => format!("{article} {kind} ({n})"),
        Json::Bool(b) => format!("{article} {kind} ({b})"),
        Json::Null => "null".to_string(),
        _ => format!("{article} {kind}"),
    }
}

/// A plugin or IPAM binary a network uses, and where its type is written.
#[derive(Debug, Clone)]
pub(crate) struct BinaryUse {
    /// The type (binary name).
    pub name: String,
    /// True for an `ipam.type`.
    pub ipam: bool,
    /// Where the type is written.
    pub pos: Pos,
}

/// A host-local subnet of a network.
#[derive(Debug, Clone)]
pub(crate) struct SubnetUse {
    /// The subnet.
    pub cidr: net::Cidr,
    /// Where it is written.
    pub pos: Pos,
}

/// What the checks of one file learned about its network, for the checks across files.
#[derive(Debug, Clone)]
pub(crate) struct NetworkFacts {
    /// The file.
    pub file: PathBuf,
    /// Conflist or single-plugin file.
    pub kind: FileKind,
    /// The directory whose scan the file belongs to (for directory rules).
    pub group: Option<PathBuf>,
    /// The network name.
    pub name: Option<String>,
    /// Where the name is written (or the file's start).
    pub name_pos: Pos,
    /// The selected cniVersion, when the version keys load.
    pub version: Option<String>,
    /// True when picked from `cniVersions`.
    pub version_from_list: bool,
    /// Where the version is written (or the file's start).
    pub version_pos: Pos,
    /// The binaries the chain runs.
    pub binaries: Vec<BinaryUse>,
    /// host-local subnets.
    pub subnets: Vec<SubnetUse>,
}

/// One file to check.
struct Job {
    /// How findings name it.
    display: PathBuf,
    /// Where to read it (None for stdin).
    path: Option<PathBuf>,
    /// What was read already (stdin), or why it was not.
    bytes: Option<Result<Vec<u8>, read::Unreadable>>,
    /// By extension; None means by content.
    kind: Option<FileKind>,
    /// The scanned directory it belongs to.
    group: Option<PathBuf>,
    /// When the file was found by scanning its directory: the names there that may be
    /// directories (plugin subdirectories), so that no lookup is made for the others.
    subdirs: Option<Arc<HashSet<OsString>>>,
}

/// What checking one file gave.
struct Outcome {
    diagnostics: Vec<Diagnostic>,
    facts: Option<NetworkFacts>,
    files: Vec<PathBuf>,
}

/// Validates files, directories and stdin.
pub fn validate(inputs: &[Input], opts: &Options) -> Result<Report, ValidateError> {
    let mut jobs = Vec::new();
    let mut sink = Sink::default();
    for input in inputs {
        match input {
            Input::Stdin(read) => jobs.push(Job {
                display: PathBuf::from("<stdin>"),
                path: None,
                bytes: Some(match read {
                    Ok(bytes) => Ok(bytes.clone()),
                    Err(e) => Err(read::Unreadable::copy_of(e)),
                }),
                kind: None,
                group: None,
                subdirs: None,
            }),
            Input::Path(p) => {
                let root = match opts.inputs_on_node {
                    true => opts.node_root.clone(),
                    false => crate::noderoot::NodeRoot::host(),
                };
                add_path(p, &root, &mut jobs, &mut sink)?
            }
        }
    }
    // A file named twice (or inside a directory also named) is checked once.
    let mut seen = HashSet::new();
    jobs.retain(|j| seen.insert(j.display.clone()));
    if opts.per_file {
        // Each file is its own group, so the directory rules find nothing across files.
        for j in &mut jobs {
            j.group = Some(j.display.clone());
        }
    }
    let outcomes = run_jobs(&jobs);
    let mut report = Report {
        per_file: opts.per_file,
        ..Report::default()
    };
    let mut facts = Vec::new();
    for o in outcomes {
        report.diagnostics.extend(o.diagnostics);
        report.files.extend(o.files);
        facts.extend(o.facts);
    }
    dir::check(&facts, &mut sink);
    if let Some(versions) = opts.versions {
        if let Some(notice) =
            plugins::check(&facts, &opts.cni_path, &opts.node_root, versions, &mut sink)
        {
            report.notices.push(notice);
        }
    }
    report.diagnostics.extend(sink.diagnostics);
    sort(&mut report);
    Ok(report)
}

/// Orders findings by file (in checking order), then by line and column.
fn sort(report: &mut Report) {
    let order: HashMap<&Path, usize> = report
        .files
        .iter()
        .enumerate()
        .rev()
        .map(|(i, f)| (f.as_path(), i))
        .collect();
    let mut keyed: Vec<(usize, Diagnostic)> = report
        .diagnostics
        .drain(..)
        .map(|d| {
            (
                order.get(d.file.as_path()).copied().unwrap_or(usize::MAX),
                d,
            )
        })
        .collect();
    keyed.sort_by_key(|(i, d)| (*i, d.line, d.column, d.severity));
    report.diagnostics = keyed.into_iter().map(|(_, d)| d).collect();
}

/// The kind a file name gives: `.conflist`, or `.conf`/`.json` (the text after the last dot,
/// case-sensitive, as libcni matches it).
fn kind_of(path: &Path) -> Option<FileKind> {
    let name = path.file_name()?.to_string_lossy();
    match name.rfind('.').map(|i| &name[i..]) {
        Some(".conflist") => Some(FileKind::List),
        Some(".conf" | ".json") => Some(FileKind::Single),
        _ => None,
    }
}

fn add_path(
    p: &Path,
    root: &crate::noderoot::NodeRoot,
    jobs: &mut Vec<Job>,
    sink: &mut Sink,
) -> Result<(), ValidateError> {
    // A path that does not exist stops the run; one that exists but cannot be used as a
    // config (a symlink loop, no permission, a device) is a finding on it, made when the job
    // reads it.
    let meta = match fs::metadata(p) {
        Ok(m) => Some(m),
        Err(cause) if cause.kind() == io::ErrorKind::NotFound => {
            return Err(ValidateError::NotFound(p.to_path_buf()))
        }
        Err(cause) if cause.raw_os_error() == Some(libc::ENOTDIR) => {
            return Err(ValidateError::Read {
                path: p.to_path_buf(),
                cause,
            })
        }
        Err(_) => None,
    };
    if !meta.as_ref().is_some_and(|m| m.is_dir()) {
        let kind = kind_of(p);
        // Only a regular file is read; anything else gets its own finding, not this one.
        if kind.is_none() && meta.is_some_and(|m| m.is_file()) {
            dir::ignored_explicit(p, sink);
        }
        jobs.push(Job {
            display: p.to_path_buf(),
            path: Some(p.to_path_buf()),
            bytes: None,
            kind,
            group: Some(p.parent().unwrap_or(Path::new("")).to_path_buf()),
            subdirs: None,
        });
        return Ok(());
    }
    let read_err = |cause| ValidateError::ReadDir {
        dir: p.to_path_buf(),
        cause,
    };
    let mut entries = Vec::new();
    let mut subdirs = HashSet::new();
    for entry in fs::read_dir(p).map_err(read_err)? {
        let entry = entry.map_err(read_err)?;
        // Runtimes skip directories (not symlinks to them: those fail to read, a finding).
        // An entry whose type is unknown is checked as a file, and reported if unreadable.
        let t = entry.file_type().ok();
        if t.is_none_or(|t| t.is_dir() || t.is_symlink()) {
            subdirs.insert(entry.file_name());
        }
        if !t.is_some_and(|t| t.is_dir()) {
            entries.push(p.join(entry.file_name()));
        }
    }
    let subdirs = Arc::new(subdirs);
    entries.sort_by(|a, b| a.as_os_str().cmp(b.as_os_str()));
    // libcni's priority: conflists first, then .conf and .json together.
    let mut lists = Vec::new();
    let mut singles = Vec::new();
    for path in entries {
        match kind_of(&path) {
            Some(FileKind::List) => lists.push(path),
            Some(FileKind::Single) => singles.push(path),
            None => dir::ignored_in_dir(&path, sink),
        }
    }
    for (path, kind) in lists
        .into_iter()
        .map(|f| (f, FileKind::List))
        .chain(singles.into_iter().map(|f| (f, FileKind::Single)))
    {
        // Under --root, a link in the node's config dir leads to the node's file.
        let (target, bytes) = match root.follow(&path) {
            Ok(target) => (Some(target), None),
            Err(err) => {
                let input = crate::safe_read::Source::File(path.clone());
                let why = crate::safe_read::ReadError::Io { input, err };
                (None, Some(Err(why.into())))
            }
        };
        jobs.push(Job {
            display: path,
            path: target,
            bytes,
            kind: Some(kind),
            group: Some(p.to_path_buf()),
            subdirs: Some(subdirs.clone()),
        });
    }
    Ok(())
}

/// Checks every job, on as many threads as the machine has (at most 8).
fn run_jobs(jobs: &[Job]) -> Vec<Outcome> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8)
        .min(jobs.len().div_ceil(64).max(1));
    if threads == 1 {
        return jobs.iter().map(check_job).collect();
    }
    let chunk = jobs.len().div_ceil(threads);
    let results: Vec<Vec<Outcome>> = std::thread::scope(|s| {
        let handles: Vec<_> = jobs
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || {
                    crate::safe_read::own_descriptor_table();
                    part.iter().map(check_job).collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            // A checking thread that panicked is a bug: re-raise it rather than lose files.
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    results.into_iter().flatten().collect()
}

fn check_job(job: &Job) -> Outcome {
    let mut sink = Sink::default();
    let mut out = Outcome {
        diagnostics: Vec::new(),
        facts: None,
        files: vec![job.display.clone()],
    };
    let bytes = match (&job.bytes, &job.path) {
        (Some(Ok(b)), _) => b.clone(),
        (Some(Err(why)), _) => {
            read::report(&job.display, why, &mut sink);
            out.diagnostics = sink.diagnostics;
            return out;
        }
        (None, Some(p)) => match read::read_config(p) {
            Ok(b) => b,
            Err(why) => {
                read::report(&job.display, &why, &mut sink);
                out.diagnostics = sink.diagnostics;
                return out;
            }
        },
        (None, None) => Vec::new(),
    };
    let (bytes, bad_utf8) = syntax::go_decoded(bytes);
    let file = FileCtx::new(&job.display, &bytes);
    syntax::invalid_utf8(&file, bad_utf8, &mut sink);
    if let Some(root) = syntax::check(&file, &bytes, &mut sink) {
        let kind = job.kind.unwrap_or(if root.get("plugins").is_some() {
            FileKind::List
        } else {
            FileKind::Single
        });
        out.facts = match kind {
            FileKind::List => {
                // Its plugin subdirectory is beside the name it was found by (a link's own
                // directory, as libcni looks), not beside the file a link leads to.
                let dir = job.path.as_ref().and_then(|_| job.display.parent());
                let subdirs = job.subdirs.as_deref();
                check_list_file(&file, &root, dir, subdirs, &mut sink, &mut out.files)
            }
            FileKind::Single => check_single_file(&file, &root, &mut sink),
        };
        if let Some(f) = &mut out.facts {
            f.group = job.group.clone();
        }
    }
    out.diagnostics = sink.diagnostics;
    out
}

/// The `.conf` files of a list's plugin subdirectory, read and parsed (broken and unreadable
/// ones reported).
fn subdir_plugins(dir: &Path, sink: &mut Sink, files: &mut Vec<PathBuf>) -> Vec<(FileCtx, Node)> {
    let mut out = Vec::new();
    // A missing subdirectory (or a file of that name) holds no plugins.
    if !dir.is_dir() {
        return out;
    }
    let entries = match fs::read_dir(dir).and_then(|e| e.collect::<io::Result<Vec<_>>>()) {
        Ok(entries) => entries,
        Err(cause) => {
            files.push(dir.to_path_buf());
            read::report(dir, &read::Unreadable::Io(cause), sink);
            return out;
        }
    };
    let mut paths = Vec::new();
    for entry in entries {
        let path = dir.join(entry.file_name());
        let is_dir = entry.file_type().map(|t| t.is_dir()).unwrap_or(false);
        if !is_dir && path.extension().is_some_and(|e| e == "conf") {
            paths.push(path);
        }
    }
    paths.sort_by(|a, b| a.as_os_str().cmp(b.as_os_str()));
    for path in paths {
        files.push(path.clone());
        let bytes = match read::read_config(&path) {
            Ok(b) => b,
            Err(why) => {
                read::report(&path, &why, sink);
                continue;
            }
        };
        let (bytes, bad_utf8) = syntax::go_decoded(bytes);
        let file = FileCtx::new(&path, &bytes);
        syntax::invalid_utf8(&file, bad_utf8, sink);
        if let Some(root) = syntax::check(&file, &bytes, sink) {
            out.push((file, root));
        }
    }
    out
}

fn check_list_file(
    file: &FileCtx,
    root: &Node,
    dir: Option<&Path>,
    subdirs: Option<&HashSet<OsString>>,
    sink: &mut Sink,
    files: &mut Vec<PathBuf>,
) -> Option<NetworkFacts> {
    let info = list::check_list(file, root, sink);
    let selected = versions::check(file, root, true, info.near_miss_hint("cniVersion"), sink);
    let mut sub = Vec::new();
    if let (false, Some(dir), Some((name, _))) = (info.only_inlined, dir, &info.name) {
        let may_exist = subdirs.is_none_or(|s| s.contains(std::ffi::OsStr::new(name)));
        if may_exist && validate_network_name(name).is_ok() {
            sub = subdir_plugins(&dir.join(name), sink, files);
        }
    }
    if !info.has_plugins_key && sub.is_empty() {
        list::no_plugins(file, root, &info, root.get("type").is_some(), sink);
    }
    let mut plugins: Vec<PluginRef> = info
        .plugins
        .iter()
        .enumerate()
        .map(|(i, node)| PluginRef {
            file,
            node,
            label: format!("plugins[{i}]"),
            single: false,
        })
        .collect();
    plugins.extend(sub.iter().map(|(f, node)| PluginRef {
        file: f,
        node,
        label: format!(
            "the plugin in {}",
            f.path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned())
        ),
        single: false,
    }));
    let (binaries, subnets) = check_chain(&plugins, selected.as_ref(), sink);
    let name_at = info.name.as_ref().map_or(root.start, |n| n.1);
    Some(NetworkFacts {
        file: file.path.clone(),
        kind: FileKind::List,
        group: None,
        name: info.name.map(|n| n.0),
        name_pos: Pos::of(file, name_at),
        version: selected.as_ref().map(|s| s.version.clone()),
        version_from_list: selected.as_ref().is_some_and(|s| s.from_list),
        version_pos: Pos::of(file, selected.as_ref().map_or(root.start, |s| s.at)),
        binaries,
        subnets,
    })
}

fn check_single_file(file: &FileCtx, root: &Node, sink: &mut Sink) -> Option<NetworkFacts> {
    if !list::check_single(file, root, sink) {
        return None;
    }
    let selected = versions::check(file, root, false, None, sink);
    let plugins = [PluginRef {
        file,
        node: root,
        label: "the plugin".to_string(),
        single: true,
    }];
    let (binaries, subnets) = check_chain(&plugins, selected.as_ref(), sink);
    let name = go_field(root, "name")
        .and_then(|m| m.value.as_str().map(|s| (s.to_string(), m.value.start)));
    Some(NetworkFacts {
        file: file.path.clone(),
        kind: FileKind::Single,
        group: None,
        name_pos: Pos::of(file, name.as_ref().map_or(root.start, |n| n.1)),
        name: name.map(|n| n.0),
        version: selected.as_ref().map(|s| s.version.clone()),
        version_from_list: false,
        version_pos: Pos::of(file, selected.as_ref().map_or(root.start, |s| s.at)),
        binaries,
        subnets,
    })
}

/// The per-plugin rules (spec, schema) and the chain rules of one network.
fn check_chain(
    plugins: &[PluginRef],
    selected: Option<&versions::Selected>,
    sink: &mut Sink,
) -> (Vec<BinaryUse>, Vec<SubnetUse>) {
    let infos: Vec<spec::PluginInfo> = plugins
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let required = p
                .plugin_type()
                .is_some_and(|t| reference::requires_ipam(t, i == 0));
            spec::check_plugin(p, required, sink)
        })
        .collect();
    chain::check(plugins, &infos, sink);
    let mut binaries = Vec::new();
    let mut subnets = Vec::new();
    for (i, (p, info)) in plugins.iter().zip(&infos).enumerate() {
        subnets.extend(reference::check(p, info, i == 0, selected, sink));
        if let Some((t, at)) = &info.plugin_type {
            binaries.push(BinaryUse {
                name: t.clone(),
                ipam: false,
                pos: Pos::of(p.file, *at),
            });
        }
        if let Some((t, at)) = &info.ipam_type {
            binaries.push(BinaryUse {
                name: t.clone(),
                ipam: true,
                pos: Pos::of(p.file, *at),
            });
        }
    }
    (binaries, subnets)
}
