//! cnictl's own record of an attachment, kept beside libcni's entry under
//! `<cache-dir>/cnictl/records/<net>-<id>-<ifname>` (libcni never looks there; the name is
//! the results entry's own, so any entry libcni can name has a record cnictl can name).
//!
//! libcni's entry holds the list bytes as the config file has them, without the plugins of
//! the `<confdir>/<network>/` subdirectory, and nothing about the namespace the plugins ran
//! in. The record holds what cnictl needs to undo its own ADD: the resolved chain (every
//! plugin, inline and from the subdirectory) and the file it came from (and whether that
//! file was named on the command line instead of a network name), the runtime and
//! capability args, the plugins' namespace, and the state of the ADD:
//!
//! * `adding`: written before the first plugin runs (the intent); a record still in this
//!   state while its writer is gone means cnictl was killed mid-ADD;
//! * `added`: the ADD succeeded and libcni's entry is written;
//! * `add-failed`: the ADD failed and its rollback did not undo everything; libcni's entry is
//!   written too (with the last good result) so that libcni-based runtimes' GC sees it.

use super::{read_regular, Cache, CacheEntry, CacheError};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

/// The current record format.
pub const RECORD_VERSION: u32 = 1;

/// Where an ADD stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RecordState {
    /// Plugins are (or were, when the writer is gone) running.
    Adding,
    /// The ADD succeeded.
    Added,
    /// The ADD failed and its rollback left something behind.
    AddFailed,
}

impl RecordState {
    /// `adding`, `added`, `add-failed`.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordState::Adding => "adding",
            RecordState::Added => "added",
            RecordState::AddFailed => "add-failed",
        }
    }
}

/// The namespace the plugins ran in, as `add` was given it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PluginNsRecord {
    /// The `--host-netns` path as given; None when the plugins ran in cnictl's own namespace.
    pub path: Option<String>,
    /// The namespace's identity (nsfs device and inode).
    pub dev: u64,
    /// See `dev`.
    pub ino: u64,
}

impl PluginNsRecord {
    /// How to name it in a message.
    pub fn describe(&self) -> String {
        match &self.path {
            Some(p) => format!("--host-netns {p} (net:[{}])", self.ino),
            None => format!(
                "cnictl's own namespace, no --host-netns (net:[{}])",
                self.ino
            ),
        }
    }

    /// True when both name the same namespace.
    pub fn same_ns(&self, other: &PluginNsRecord) -> bool {
        (self.dev, self.ino) == (other.dev, other.ino)
    }
}

/// What a failed ADD left behind.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FailedAdd {
    /// Why the ADD failed.
    pub error: String,
    /// Plugins whose rollback DEL failed or did not run, in chain order.
    pub left: Vec<String>,
    /// True when rollback was not attempted (`--no-rollback`).
    pub no_rollback: bool,
}

/// JSON kept as the exact text it was written as (numbers such as `1e400` are not
/// normalised), so a chain replayed from a record reaches the plugins byte for byte.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RawJson(Box<serde_json::value::RawValue>);

impl RawJson {
    /// The JSON text of `v`.
    pub fn from_value(v: &Value) -> RawJson {
        // Serialising a Value cannot fail (its keys are strings).
        let text = serde_json::to_string(v).unwrap_or_else(|_| "null".into());
        RawJson(
            serde_json::value::RawValue::from_string(text)
                .unwrap_or_else(|_| serde_json::value::RawValue::NULL.to_owned()),
        )
    }

    /// The JSON text.
    pub fn get(&self) -> &str {
        self.0.get()
    }
}

impl PartialEq for RawJson {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

/// cnictl's record of one attachment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    /// [`RECORD_VERSION`].
    pub version: u32,
    /// Where the ADD stands.
    pub state: RecordState,
    /// The network name.
    pub network_name: String,
    /// The container ID.
    pub container_id: String,
    /// The interface name.
    pub if_name: String,
    /// The container's netns path, as passed to the plugins.
    pub netns: String,
    /// `CNI_ARGS` pairs.
    #[serde(default)]
    pub cni_args: Vec<(String, String)>,
    /// The capability args.
    #[serde(default)]
    pub capability_args: Map<String, Value>,
    /// The bytes libcni caches as `config` (base64), to tell whether libcni's entry is the
    /// one this record describes.
    pub config: String,
    /// The resolved chain: the list JSON with every plugin that ran, inline and from the
    /// plugin subdirectory, in chain order.
    pub chain: RawJson,
    /// The file the network was loaded from.
    #[serde(default)]
    pub source: Option<PathBuf>,
    /// The config file the ADD was given in place of a network name (NETWORK was a path):
    /// a later DEL or CHECK that names the network uses this file, never a network of the
    /// same name in the config dir. None when the network was found in the config dir.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<PathBuf>,
    /// The namespace the plugins ran in.
    #[serde(default)]
    pub plugin_ns: Option<PluginNsRecord>,
    /// The pid of the cnictl that wrote the intent.
    pub pid: u32,
    /// That process's start time (clock ticks since boot, /proc/PID/stat field 22), so that a
    /// reused pid is not taken for the writer.
    #[serde(default)]
    pub pid_start: Option<u64>,
    /// When the intent was written (seconds since the epoch).
    pub started: u64,
    /// When the record was last written.
    pub updated: u64,
    /// Set in state `add-failed`.
    #[serde(default)]
    pub failed: Option<FailedAdd>,
}

impl Record {
    /// The config bytes libcni caches, decoded.
    pub fn config_bytes(&self) -> Option<Vec<u8>> {
        STANDARD.decode(&self.config).ok()
    }

    /// Encodes `bytes` as the `config` field.
    pub fn encode_config(bytes: &[u8]) -> String {
        STANDARD.encode(bytes)
    }

    /// True when libcni's `entry` is the one this record describes (same config bytes).
    pub fn describes(&self, entry: &CacheEntry) -> bool {
        entry.config.is_some() && entry.config == self.config_bytes()
    }

    /// The runtime args and config as a libcni entry without a result (what DEL needs of an
    /// ADD that left no entry in `results/`).
    pub fn as_entry(&self) -> CacheEntry {
        CacheEntry {
            container_id: self.container_id.clone(),
            config: self.config_bytes(),
            if_name: self.if_name.clone(),
            network_name: self.network_name.clone(),
            netns: self.netns.clone(),
            cni_args: self.cni_args.clone(),
            capability_args: self.capability_args.clone(),
            result: None,
        }
    }

    /// True when the process that wrote the record is still running (same pid, same start).
    pub fn writer_alive(&self) -> bool {
        match process_start(self.pid) {
            Some(start) => self.pid_start.is_none_or(|s| s == start),
            None => false,
        }
    }
}

/// The start time of process `pid` (field 22 of /proc/PID/stat); None when it is gone.
pub fn process_start(pid: u32) -> Option<u64> {
    use std::io::Read;
    // One read into a buffer on the stack: the line is a few hundred bytes (procfs reports a
    // size of 0, so `read_to_string` would look at the size and grow a buffer over six reads).
    let mut buf = [0u8; 4096];
    let mut file = std::fs::File::open(format!("/proc/{pid}/stat")).ok()?;
    let mut len = 0;
    while len < buf.len() {
        match file.read(&mut buf[len..]) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    let stat = buf.get(..len)?;
    // The command name (field 2) is in parentheses and may hold spaces (or any byte): count
    // after it.
    let close = stat.iter().rposition(|&b| b == b')')?;
    let rest = std::str::from_utf8(stat.get(close + 1..)?).ok()?;
    rest.split_whitespace().nth(19)?.parse().ok()
}

/// Seconds since the epoch.
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

/// A record file, read.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordFile {
    /// Its path.
    pub path: PathBuf,
    /// The record, or why it cannot be read.
    pub record: Result<Record, String>,
}

impl Cache {
    /// `<dir>/cnictl/records`
    pub fn records_dir(&self) -> PathBuf {
        self.cnictl_dir().join("records")
    }

    /// `<dir>/cnictl/records/<net>-<id>-<ifname>`, after validating all three.
    pub fn record_path(&self, net: &str, id: &str, ifname: &str) -> Result<PathBuf, CacheError> {
        let result = self.result_path(net, id, ifname)?;
        let name = result.file_name().unwrap_or_default().to_os_string();
        Ok(self.records_dir().join(name))
    }

    /// Reads the record of an attachment; Ok(None) when there is none.
    pub fn read_record(
        &self,
        net: &str,
        id: &str,
        ifname: &str,
    ) -> Result<Option<Record>, CacheError> {
        let path = self.record_path(net, id, ifname)?;
        match read_regular(&path)? {
            None => Ok(None),
            Some(bytes) => decode(&bytes)
                .map(Some)
                .map_err(|msg| CacheError::CorruptRecord { path, msg }),
        }
    }

    /// Writes a record atomically.
    pub fn write_record(&self, record: &Record) -> Result<PathBuf, CacheError> {
        let path = self.record_path(&record.network_name, &record.container_id, &record.if_name)?;
        // Serialising a struct of strings, numbers and JSON values cannot fail.
        let bytes = serde_json::to_vec_pretty(record).unwrap_or_default();
        let dir = self.records_dir();
        match self.write_atomic(&dir, &path, &bytes) {
            // The record guards against a killed process, not a power cut: once it is in
            // place, a directory that could not be synced is no failure.
            Ok(()) | Err(CacheError::SyncDir { .. }) => Ok(path),
            Err(e) => Err(e),
        }
    }

    /// Removes the record of an attachment; missing is fine.
    pub fn remove_record(&self, net: &str, id: &str, ifname: &str) -> Result<(), CacheError> {
        let path = self.record_path(net, id, ifname)?;
        remove_file(&path)
    }

    /// Every record file, sorted by name (a missing directory has none).
    pub fn records(&self) -> Result<Vec<RecordFile>, CacheError> {
        let dir = self.records_dir();
        let mut names = match super::list_names(&dir) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(err) => return Err(CacheError::List { path: dir, err }),
        };
        names.sort();
        let mut out = Vec::new();
        for name in names {
            // A temp file of a write in progress (or left by a crash) is no record.
            if name.to_string_lossy().starts_with(super::TEMP_PREFIX) {
                continue;
            }
            let path = dir.join(&name);
            let record = match read_regular(&path) {
                Ok(Some(bytes)) => decode(&bytes),
                Ok(None) => continue,
                Err(e) => Err(e.to_string()),
            };
            out.push(RecordFile { path, record });
        }
        Ok(out)
    }
}

fn remove_file(path: &Path) -> Result<(), CacheError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(err) => Err(CacheError::Remove {
            path: path.to_path_buf(),
            err,
        }),
    }
}

fn decode(bytes: &[u8]) -> Result<Record, String> {
    let r: Record = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    if r.version != RECORD_VERSION {
        return Err(format!(
            "record version {} is not the one this cnictl writes ({RECORD_VERSION})",
            r.version
        ));
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record() -> Record {
        Record {
            version: RECORD_VERSION,
            state: RecordState::Adding,
            network_name: "n".into(),
            container_id: "c".into(),
            if_name: "eth0".into(),
            netns: "/run/netns/c".into(),
            cni_args: vec![("K".into(), "V".into())],
            capability_args: Map::new(),
            config: Record::encode_config(b"{\"name\":\"n\"}"),
            chain: RawJson::from_value(&json!({"name": "n", "plugins": [{"type": "p"}]})),
            source: None,
            file: None,
            plugin_ns: None,
            pid: 1,
            pid_start: None,
            started: 0,
            updated: 0,
            failed: None,
        }
    }

    #[test]
    fn a_record_round_trips_beside_results_and_is_removed() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::new(tmp.path());
        let path = cache.write_record(&record()).unwrap();
        assert_eq!(path, tmp.path().join("cnictl/records/n-c-eth0"));
        assert_eq!(cache.read_record("n", "c", "eth0").unwrap(), Some(record()));
        assert!(
            !tmp.path().join("results").exists(),
            "nothing in libcni's dir"
        );
        let listed = cache.records().unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].record, Ok(record()));
        cache.remove_record("n", "c", "eth0").unwrap();
        assert_eq!(cache.read_record("n", "c", "eth0").unwrap(), None);
        cache.remove_record("n", "c", "eth0").unwrap();
    }

    #[test]
    fn an_unreadable_record_is_an_error_naming_it() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::new(tmp.path());
        let path = cache.write_record(&record()).unwrap();
        for bytes in [&b"{"[..], br#"{"version": 99}"#] {
            std::fs::write(&path, bytes).unwrap();
            let err = cache.read_record("n", "c", "eth0").unwrap_err();
            assert!(matches!(err, CacheError::CorruptRecord { .. }), "{err}");
            assert!(err.to_string().contains("records/n-c-eth0"), "{err}");
        }
    }

    #[test]
    fn a_record_describes_only_the_entry_of_its_config() {
        let r = record();
        let mut e = r.as_entry();
        assert!(r.describes(&e));
        e.config = Some(b"{}".to_vec());
        assert!(!r.describes(&e));
    }

    #[test]
    fn a_process_that_is_gone_has_no_start_time() {
        assert!(process_start(std::process::id()).is_some());
        assert_eq!(process_start(u32::MAX), None);
        let mut r = record();
        r.pid = std::process::id();
        r.pid_start = process_start(r.pid);
        assert!(r.writer_alive());
        r.pid_start = r.pid_start.map(|s| s + 1);
        assert!(!r.writer_alive(), "a reused pid is not the writer");
    }
}
