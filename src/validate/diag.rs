//! The diagnostics model: what a finding is (severity, stable rule id, file, line, column,
//! message, hint) and the table of every rule. Each rule has one severity: an error means a
//! runtime or the plugin rejects the config, a warning that it works but is probably not what
//! the author meant, an info that it is true and worth knowing but common and harmless. `docs/rules.md` documents every entry of [`RULES`] with an example, and a
//! test keeps the two in step.

use std::fmt;
use std::path::PathBuf;

use super::json::LineIndex;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The runtime or the plugin rejects the config.
    Error,
    /// It works, but is probably not what the author meant.
    Warning,
    /// True and worth knowing, but common and harmless (`--deny-warnings` ignores it).
    Info,
}

impl Severity {
    /// `error`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rule: a stable id, its severity, and the family it belongs to.
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    /// Stable id (kebab case), printed with every finding.
    pub id: &'static str,
    /// Severity of every finding of this rule.
    pub severity: Severity,
    /// Family (`syntax`, `spec`, `chain`, `directory`, `plugins`, `schema`, `host-local`).
    pub family: &'static str,
    /// One line on what the rule finds.
    pub summary: &'static str,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning (the rule's severity).
    pub severity: Severity,
    /// The rule id.
    pub rule: &'static str,
    /// The file, as it was named (or found in a named directory); `<stdin>` for stdin.
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong, on one line.
    pub message: String,
    /// How to fix it, when that helps.
    pub hint: Option<String>,
}

/// A file being checked: its name and its line index.
#[derive(Debug, Clone)]
pub struct FileCtx {
    /// The file's name as shown in findings.
    pub path: PathBuf,
    /// Its text's line index.
    pub index: LineIndex,
}

impl FileCtx {
    /// A file named `path` with `text`.
    pub fn new(path: impl Into<PathBuf>, text: &[u8]) -> Self {
        FileCtx {
            path: path.into(),
            index: LineIndex::new(text),
        }
    }
}

/// Collects findings.
#[derive(Debug, Default)]
pub struct Sink {
    /// The findings so far.
    pub diagnostics: Vec<Diagnostic>,
}

impl Sink {
    /// Records a finding of `rule` at byte `offset` of `file`.
    pub fn emit(&mut self, rule: &'static Rule, file: &FileCtx, offset: usize, message: String) {
        self.emit_hint(rule, file, offset, message, None::<String>);
    }

    /// Records a finding with a hint.
    pub fn emit_hint(
        &mut self,
        rule: &'static Rule,
        file: &FileCtx,
        offset: usize,
        message: String,
        hint: Option<impl Into<String>>,
    ) {
        let (line, column) = file.index.position(offset);
        self.diagnostics.push(Diagnostic {
            severity: rule.severity,
            rule: rule.id,
            file: file.path.clone(),
            line,
            column,
            message,
            hint: hint.map(Into::into),
        });
    }

    /// Records a finding at an already resolved position.
    pub fn emit_at(
        &mut self,
        rule: &'static Rule,
        at: &Pos,
        message: String,
        hint: Option<String>,
    ) {
        self.diagnostics.push(Diagnostic {
            severity: rule.severity,
            rule: rule.id,
            file: at.file.clone(),
            line: at.line,
            column: at.column,
            message,
            hint,
        });
    }
}

/// A resolved position, kept for checks that span files (directory rules, plugin probing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pos {
    /// The file.
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

impl Pos {
    /// The position of byte `offset` in `file`.
    pub fn of(file: &FileCtx, offset: usize) -> Pos {
        let (line, column) = file.index.position(offset);
        Pos {
            file: file.path.clone(),
            line,
            column,
        }
    }
}

macro_rules! rules {
    ($( $(#[$doc:meta])* $name:ident = ($id:literal, $sev:ident, $family:literal, $summary:literal); )*) => {
        $( $(#[$doc])* pub static $name: Rule = Rule {
            id: $id,
            severity: Severity::$sev,
            family: $family,
            summary: $summary,
        }; )*
        /// Every rule, in documentation order.
        pub static RULES: &[&Rule] = &[$(&$name),*];
    };
}

rules! {
    /// A file that cannot be read as a config (not a regular file, a dangling symlink, ...).
    UNREADABLE_FILE = ("unreadable-file", Error, "syntax", "a config file cannot be read: not a regular file, a dangling symlink or loop, no permission, or larger than 16 MiB");
    /// The file is not JSON.
    JSON_SYNTAX = ("json-syntax", Error, "syntax", "the file is not valid JSON");
    /// The file is empty.
    EMPTY_FILE = ("empty-file", Error, "syntax", "the file is empty or only whitespace");
    /// The top level is not an object.
    NOT_AN_OBJECT = ("not-an-object", Error, "syntax", "the top-level value is not a JSON object");
    /// A key appears twice in one object.
    DUPLICATE_KEY = ("duplicate-key", Warning, "syntax", "a key is repeated in one object; Go and cnictl keep the last value silently");
    /// A number Go cannot hold.
    NUMBER_OUT_OF_RANGE = ("number-out-of-range", Error, "syntax", "a number beyond float64's range, which Go runtimes reject");
    /// Bytes that are not UTF-8.
    INVALID_UTF8 = ("invalid-utf8", Warning, "syntax", "the file holds bytes that are not UTF-8; Go runtimes read each one inside a string as U+FFFD");

    /// No network name.
    MISSING_NAME = ("missing-name", Error, "spec", "the network has no name");
    /// A name ADD rejects.
    INVALID_NAME = ("invalid-name", Error, "spec", "the network name has characters libcni rejects on ADD");
    /// A field of the wrong JSON type.
    WRONG_TYPE = ("wrong-type", Error, "spec", "a field the runtime or the plugin decodes has the wrong JSON type");
    /// A boolean flag written as an unknown string.
    FLAG_VALUE = ("flag-value", Error, "spec", "disableCheck, disableGC or loadOnlyInlinedPlugins is a string other than true or false");
    /// A boolean flag written as a string.
    STRING_BOOLEAN = ("string-boolean", Warning, "spec", "a boolean list flag is written as a string");
    /// No cniVersion.
    CNI_VERSION_MISSING = ("cni-version-missing", Warning, "spec", "no cniVersion: runtimes treat the network as 0.1.0");
    /// A version that does not parse.
    CNI_VERSION_INVALID = ("cni-version-invalid", Error, "spec", "cniVersion or a cniVersions entry is not a version");
    /// A version string no spec release has.
    CNI_VERSION_UNKNOWN = ("cni-version-unknown", Error, "spec", "the selected cniVersion is not the spelling of any spec release");
    /// A version newer than cnictl knows.
    CNI_VERSION_NEWER = ("cni-version-newer", Warning, "spec", "the selected cniVersion is newer than every spec version cnictl knows");
    /// A version older than 0.4.0.
    CNI_VERSION_OLD = ("cni-version-old", Info, "spec", "the selected cniVersion is older than 0.4.0 (no CHECK, no prevResult on DEL)");
    /// No plugins at all.
    NO_PLUGINS = ("no-plugins", Error, "spec", "a configuration list without plugins");
    /// A plugin without a type.
    TYPE_MISSING = ("type-missing", Error, "spec", "a plugin object has no type");
    /// A type with path separators.
    TYPE_PATH = ("type-path", Error, "spec", "a plugin type contains a path separator or is ..");
    /// An ipam object without a type.
    IPAM_WITHOUT_TYPE = ("ipam-without-type", Warning, "spec", "an ipam object has settings but no type, so no IPAM plugin runs");
    /// A DNS nameserver that is not an address.
    DNS_NAMESERVER = ("dns-nameserver", Warning, "spec", "a dns nameserver is not an IP address");
    /// A key the runtime generates, written in the file.
    RESERVED_KEY = ("reserved-key", Warning, "spec", "runtimeConfig, prevResult or a cni.dev/ key is written in the config");
    /// A key that differs from a known key only by case.
    KEY_CASE = ("key-case", Warning, "spec", "a key differs from a spec or plugin key only by letter case");
    /// A .conf file holding a list.
    CONF_HOLDS_LIST = ("conf-holds-list", Error, "spec", "a .conf or .json file holds a plugins list (it is read as one plugin)");
    /// A list key in a single-plugin file.
    IGNORED_LIST_KEY = ("ignored-list-key", Warning, "spec", "a single-plugin file sets a list-level key, which libcni drops");

    /// A plugin that needs a previous result is first.
    CHAINED_ONLY_FIRST = ("chained-only-first", Error, "chain", "a plugin that only works chained is first in its chain");
    /// portmap without its capability.
    PORTMAP_WITHOUT_CAPABILITY = ("portmap-without-capability", Warning, "chain", "portmap does not declare the portMappings capability, so it never gets mappings");
    /// Two plugins both create the container interface.
    INTERFACE_CREATED_TWICE = ("interface-created-twice", Error, "chain", "two plugins of one chain both create the container interface");

    /// Two files define one network.
    DUPLICATE_NETWORK = ("duplicate-network", Warning, "directory", "two files of one directory define the same network name");
    /// A .conflist shadows a .conf.
    CONFLIST_SHADOWS_CONF = ("conflist-shadows-conf", Warning, "directory", "a .conflist defines the network of a .conf, which libcni then never uses");
    /// A file the runtime skips.
    IGNORED_EXTENSION = ("ignored-extension", Warning, "directory", "a file looks like a config but its extension makes runtimes skip it");
    /// Overlapping subnets.
    SUBNET_OVERLAP = ("subnet-overlap", Warning, "directory", "host-local subnets of different networks of one directory overlap");

    /// A binary missing from the CNI path.
    PLUGIN_NOT_FOUND = ("plugin-not-found", Error, "plugins", "a plugin or IPAM type is not on the CNI path");
    /// A binary that cannot run.
    PLUGIN_NOT_EXECUTABLE = ("plugin-not-executable", Error, "plugins", "a plugin binary is not executable");
    /// A binary without the selected version.
    PLUGIN_VERSION_UNSUPPORTED = ("plugin-version-unsupported", Error, "plugins", "a plugin does not support the network's cniVersion");
    /// A binary whose VERSION answer is unusable.
    PLUGIN_VERSION_UNKNOWN = ("plugin-version-unknown", Warning, "plugins", "a plugin's VERSION call failed, so its versions are unknown");

    /// A key a reference plugin does not read (or a misspelt list key).
    UNKNOWN_KEY = ("unknown-key", Warning, "schema", "a key a reference plugin does not read, or a list key misspelt at the top of a conflist");
    /// A capability a reference plugin does not consume.
    UNKNOWN_CAPABILITY = ("unknown-capability", Warning, "schema", "a capability the reference plugin (or its IPAM) never consumes");
    /// A bad IP, CIDR or MAC.
    INVALID_ADDRESS = ("invalid-address", Error, "schema", "an IP address, CIDR or MAC address the plugin cannot parse");
    /// A value the plugin rejects.
    INVALID_VALUE = ("invalid-value", Error, "schema", "a value a reference plugin rejects (mode, VLAN ID, mark bit, sysctl, ...)");
    /// A value the plugin accepts but treats oddly.
    ODD_VALUE = ("odd-value", Warning, "schema", "a value a reference plugin accepts but does not act on as written");
    /// A key the plugin requires.
    REQUIRED_KEY = ("required-key", Error, "schema", "a key a reference plugin requires is missing");
    /// A route the kernel or the plugin rejects.
    INVALID_ROUTE = ("invalid-route", Error, "schema", "a route the kernel refuses: no dst, host bits in dst, or a gateway outside the interface's subnets");

    /// host-local without any range.
    HOSTLOCAL_NO_RANGE = ("hostlocal-no-range", Error, "host-local", "host-local has no subnet or ranges (and no ipRanges capability)");
    /// A range host-local rejects.
    HOSTLOCAL_INVALID_RANGE = ("hostlocal-invalid-range", Error, "host-local", "a host-local range host-local rejects (host bits, too small, start or end outside, mixed families)");
    /// Overlapping ranges.
    HOSTLOCAL_OVERLAP = ("hostlocal-overlap", Error, "host-local", "host-local ranges of one network overlap");
    /// A range host-local accepts but that is odd.
    HOSTLOCAL_ODD = ("hostlocal-odd", Warning, "host-local", "a host-local setting host-local accepts but that is probably a mistake");
}

/// The rule with id `id`.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.id == id)
}
