//! host-local's reservations, audited: `cnictl ipam`.
//!
//! host-local keeps its state on disk in `<dataDir>/<network name>` (`dataDir` from the plugin's
//! `ipam` object, [`DEFAULT_DATA_DIR`] when unset): one file per reserved address, named by
//! the address and holding `<container ID>\r\n<ifname>` (plugins before 0.9 wrote only the
//! container ID), one `last_reserved_ip.<range set index>` per range set holding the address
//! its iterator starts after, and `lock`, which host-local `flock`s around every change.
//!
//! [`audit`] reads a network's store and its configured ranges and cross-checks every
//! reservation with the cache's attachments: owned by a cached attachment (whose netns may be
//! gone) or unowned; cached addresses without a reservation; usage per range set and the
//! next address host-local will hand out. [`plan_release`] picks the unowned reservations of
//! containers outside a valid set and [`release`] removes exactly those files while holding
//! host-local's lock. Nothing here prints.

use super::attachments::{AttachmentInfo, NetnsState};
use crate::config::NetworkConfigList;
use crate::safe_read;
use serde_json::Value;
use std::collections::{BTreeSet, HashSet};
use std::fs::OpenOptions;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// host-local's default `dataDir`.
pub const DEFAULT_DATA_DIR: &str = "/var/lib/cni/networks";
/// The prefix of host-local's last-reserved-address files.
pub const LAST_RESERVED_PREFIX: &str = "last_reserved_ip.";
/// The name of host-local's lock file in a network's store.
pub const LOCK_FILE: &str = "lock";

/// Errors of the store; each names the file or directory.
#[derive(Debug, thiserror::Error)]
pub enum IpamError {
    /// The store directory could not be listed.
    #[error("cannot list host-local's store {}: {err}", dir.display())]
    List {
        /// The directory.
        dir: PathBuf,
        /// The OS error.
        #[source]
        err: std::io::Error,
    },
    /// host-local's lock could not be taken.
    #[error("cannot take host-local's lock {}: {err}", path.display())]
    Lock {
        /// The lock file.
        path: PathBuf,
        /// The OS error.
        #[source]
        err: std::io::Error,
    },
}

/// One configured range, canonicalised as host-local does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpRange {
    /// `subnet` as written.
    pub subnet: String,
    /// The first address handed out (`rangeStart`, default: the network address + 1).
    pub start: IpAddr,
    /// The last one (`rangeEnd`, default: the last address, the broadcast excluded for IPv4).
    pub end: IpAddr,
    /// The gateway, never handed out (default: the network address + 1).
    pub gateway: IpAddr,
    prefix: u8,
}

impl IpRange {
    /// True when `ip` is between start and end (same family).
    pub fn contains(&self, ip: IpAddr) -> bool {
        same_family(ip, self.start) && num(ip) >= num(self.start) && num(ip) <= num(self.end)
    }

    /// True when `ip` is in the subnet.
    pub fn in_subnet(&self, ip: IpAddr) -> bool {
        if !same_family(ip, self.start) {
            return false;
        }
        let bits = if ip.is_ipv4() { 32 } else { 128 };
        let host = bits - u32::from(self.prefix);
        let mask = if host >= 128 { 0 } else { !0u128 << host };
        num(ip) & mask == num(self.start) & mask
    }

    /// How many addresses host-local can hand out from it.
    pub fn size(&self) -> u128 {
        let n = num(self.end) - num(self.start) + 1;
        if self.contains(self.gateway) {
            n - 1
        } else {
            n
        }
    }
}

/// A range set (host-local's outer `ranges` array: one address from each set).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangeSet {
    /// Its index: the suffix of its `last_reserved_ip.` file.
    pub index: usize,
    /// Its ranges, in order.
    pub ranges: Vec<IpRange>,
}

impl RangeSet {
    /// True when `ip` is in one of its ranges.
    pub fn contains(&self, ip: IpAddr) -> bool {
        self.ranges.iter().any(|r| r.contains(ip))
    }
    /// How many addresses it can hand out.
    pub fn size(&self) -> u128 {
        self.ranges
            .iter()
            .fold(0u128, |a, r| a.saturating_add(r.size()))
    }
}

/// A chain's host-local: where its store is and what it hands out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostLocal {
    /// The type of the plugin whose `ipam` it is.
    pub plugin: String,
    /// The configured `dataDir`, or [`DEFAULT_DATA_DIR`].
    pub data_dir: PathBuf,
    /// True when `dataDir` is not set.
    pub data_dir_default: bool,
    /// The range sets that could be read.
    pub range_sets: Vec<RangeSet>,
    /// What could not be read in the `ipam` object.
    pub problems: Vec<String>,
}

impl HostLocal {
    /// `<dataDir>/<network>`, the store host-local uses for `network`.
    pub fn store_dir(&self, network: &str) -> PathBuf {
        self.data_dir.join(network)
    }
}

/// The host-local IPAMs of a chain, in chain order.
pub fn host_locals(list: &NetworkConfigList) -> Vec<HostLocal> {
    let mut out = Vec::new();
    for p in &list.plugins {
        let Some(Value::Object(ipam)) = p.raw.get("ipam") else {
            continue;
        };
        if ipam.get("type").and_then(Value::as_str) != Some("host-local") {
            continue;
        }
        let mut problems = Vec::new();
        let (data_dir, data_dir_default) = match ipam.get("dataDir") {
            Some(Value::String(d)) if !d.is_empty() => (PathBuf::from(d), false),
            None | Some(Value::Null) => (PathBuf::from(DEFAULT_DATA_DIR), true),
            Some(Value::String(_)) => (PathBuf::from(DEFAULT_DATA_DIR), true),
            Some(other) => {
                problems.push(format!("dataDir is not a string: {other}"));
                (PathBuf::from(DEFAULT_DATA_DIR), true)
            }
        };
        // The legacy top-level range comes first, then `ranges`, as host-local orders them.
        let mut raw_sets: Vec<Vec<&serde_json::Map<String, Value>>> = Vec::new();
        if ipam.get("subnet").is_some() {
            raw_sets.push(vec![ipam]);
        }
        match ipam.get("ranges") {
            None | Some(Value::Null) => {}
            Some(Value::Array(sets)) => {
                for (i, set) in sets.iter().enumerate() {
                    match set {
                        Value::Array(rs) => {
                            let mut v = Vec::new();
                            for r in rs {
                                match r {
                                    Value::Object(o) => v.push(o),
                                    _ => problems.push(format!("ranges[{i}]: not an object: {r}")),
                                }
                            }
                            raw_sets.push(v);
                        }
                        _ => problems.push(format!("ranges[{i}] is not an array")),
                    }
                }
            }
            Some(_) => problems.push("ranges is not an array".to_string()),
        }
        let mut range_sets = Vec::new();
        for (index, set) in raw_sets.into_iter().enumerate() {
            let mut ranges = Vec::new();
            for r in set {
                match parse_range(r) {
                    Ok(r) => ranges.push(r),
                    Err(e) => problems.push(format!("range set {index}: {e}")),
                }
            }
            if !ranges.is_empty() {
                range_sets.push(RangeSet { index, ranges });
            }
        }
        out.push(HostLocal {
            plugin: p.plugin_type.clone(),
            data_dir,
            data_dir_default,
            range_sets,
            problems,
        });
    }
    out
}

fn same_family(a: IpAddr, b: IpAddr) -> bool {
    a.is_ipv4() == b.is_ipv4()
}

fn num(ip: IpAddr) -> u128 {
    match ip {
        IpAddr::V4(a) => u128::from(u32::from(a)),
        IpAddr::V6(a) => u128::from(a),
    }
}

fn ip_of(v4: bool, n: u128) -> IpAddr {
    if v4 {
        IpAddr::V4(Ipv4Addr::from(n as u32))
    } else {
        IpAddr::V6(Ipv6Addr::from(n))
    }
}

/// Parses an address as host-local reads it: an IPv4-mapped IPv6 address is IPv4.
fn parse_ip(s: &str) -> Option<IpAddr> {
    match s.trim().parse::<IpAddr>().ok()? {
        IpAddr::V6(a) => Some(a.to_ipv4_mapped().map_or(IpAddr::V6(a), IpAddr::V4)),
        v4 => Some(v4),
    }
}

fn parse_range(o: &serde_json::Map<String, Value>) -> Result<IpRange, String> {
    let field = |k: &str| -> Result<Option<IpAddr>, String> {
        match o.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(Value::String(s)) => parse_ip(s)
                .map(Some)
                .ok_or_else(|| format!("{k} {s:?} is not an IP address")),
            Some(v) => Err(format!("{k} is not a string: {v}")),
        }
    };
    let subnet = match o.get("subnet") {
        Some(Value::String(s)) => s.clone(),
        _ => return Err("subnet is missing or not a string".to_string()),
    };
    let (ip, prefix) = subnet
        .split_once('/')
        .and_then(|(a, p)| Some((parse_ip(a)?, p.parse::<u8>().ok()?)))
        .ok_or_else(|| format!("subnet {subnet:?} is not a CIDR"))?;
    let v4 = ip.is_ipv4();
    let bits: u8 = if v4 { 32 } else { 128 };
    if prefix > bits {
        return Err(format!("subnet {subnet:?} is not a CIDR"));
    }
    if prefix > bits - 2 {
        return Err(format!("subnet {subnet} is too small to allocate from"));
    }
    let host = u32::from(bits - prefix);
    let host_mask: u128 = if host >= 128 { !0 } else { (1u128 << host) - 1 };
    let network = num(ip) & !host_mask;
    let last = network | host_mask;
    let default_end = if v4 { last - 1 } else { last };
    let in_subnet = |a: IpAddr| same_family(a, ip) && num(a) & !host_mask == network;
    let check = |k: &str, a: Option<IpAddr>, default: u128| -> Result<IpAddr, String> {
        match a {
            None => Ok(ip_of(v4, default)),
            Some(a) if in_subnet(a) => Ok(a),
            Some(a) => Err(format!("{k} {a} is not in {subnet}")),
        }
    };
    let gateway = match field("gateway")? {
        Some(g) => g,
        None => ip_of(v4, network + 1),
    };
    let start = check("rangeStart", field("rangeStart")?, network + 1)?;
    let end = check("rangeEnd", field("rangeEnd")?, default_end)?;
    if num(start) > num(end) {
        return Err(format!("rangeStart {start} is after rangeEnd {end}"));
    }
    Ok(IpRange {
        subnet,
        start,
        end,
        gateway,
        prefix,
    })
}

/// A reservation file's content: `<id>\r\n<ifname>`, or `<id>` alone (before 0.9).
pub fn parse_reservation(text: &str) -> (String, Option<String>) {
    match text.split_once("\r\n") {
        Some((id, ifname)) => (id.trim().to_string(), Some(ifname.trim().to_string())),
        None => (text.trim().to_string(), None),
    }
}

/// Who a reservation belongs to.
#[derive(Debug, Clone, PartialEq)]
pub enum Owner {
    /// A cached attachment of the network with the same container ID (and ifname).
    Cached {
        /// Its netns, as recorded.
        netns: String,
        /// Whether that netns still exists.
        netns_state: NetnsState,
    },
    /// No cache entry: made through another cache dir, multus, flannel, or leaked.
    Unowned,
}

/// One reserved address.
#[derive(Debug, Clone, PartialEq)]
pub struct Reservation {
    /// The address (the file's name).
    pub ip: IpAddr,
    /// The file.
    pub file: PathBuf,
    /// The container ID it holds (empty when unreadable).
    pub container_id: String,
    /// The ifname it holds (None in the old one-line format).
    pub ifname: Option<String>,
    /// The range set the address is in, if any.
    pub range_set: Option<usize>,
    /// Who owns it.
    pub owner: Owner,
    /// Why the file could not be read or makes no sense (empty, a symlink...).
    pub problem: Option<String>,
}

/// A cached attachment's address in the network's ranges with no reservation file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingReservation {
    /// The attachment's container ID.
    pub container_id: String,
    /// Its ifname.
    pub ifname: String,
    /// The address its cached result holds.
    pub ip: IpAddr,
}

/// Usage of one range set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangeUsage {
    /// The set.
    pub set: RangeSet,
    /// Reservations in it.
    pub used: u128,
    /// Addresses it can hand out.
    pub size: u128,
    /// `last_reserved_ip.<index>`, if present and an address.
    pub last_reserved: Option<IpAddr>,
    /// The next address host-local will hand out (None: the set is full).
    pub next: Option<IpAddr>,
}

/// The audit of one host-local store.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkIpam {
    /// The network name.
    pub network: String,
    /// The chain's host-local.
    pub host_local: HostLocal,
    /// `<dataDir>/<network>`.
    pub store: PathBuf,
    /// Whether it exists (host-local creates it at the first ADD).
    pub store_exists: bool,
    /// Whether host-local's lock file is there.
    pub lock_present: bool,
    /// The reservations, by address.
    pub reservations: Vec<Reservation>,
    /// Usage per range set.
    pub usage: Vec<RangeUsage>,
    /// Cached addresses without reservation.
    pub missing: Vec<MissingReservation>,
    /// Files of the store that are neither (unknown names), and unreadable ones.
    pub problems: Vec<String>,
}

/// A reservation file's content: (container ID, ifname), or why it cannot be read.
type FileContent = Result<(String, Option<String>), String>;

/// What a store directory holds, read.
#[derive(Debug, Default)]
struct Store {
    exists: bool,
    lock: bool,
    last: Vec<(String, Option<IpAddr>)>,
    files: Vec<(IpAddr, PathBuf, FileContent)>,
    other: Vec<String>,
}

fn read_store(dir: &Path) -> Result<Store, IpamError> {
    let mut s = Store::default();
    let rd = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(s),
        Err(err) => {
            return Err(IpamError::List {
                dir: dir.to_path_buf(),
                err,
            })
        }
    };
    s.exists = true;
    for ent in rd {
        let ent = ent.map_err(|err| IpamError::List {
            dir: dir.to_path_buf(),
            err,
        })?;
        let name = ent.file_name().to_string_lossy().into_owned();
        let path = ent.path();
        if name == LOCK_FILE {
            s.lock = true;
        } else if let Some(idx) = name.strip_prefix(LAST_RESERVED_PREFIX) {
            let ip = safe_read::read_file_nofollow(&path)
                .ok()
                .and_then(|b| parse_ip(&String::from_utf8_lossy(&b)));
            s.last.push((idx.to_string(), ip));
        } else if let Some(ip) = parse_ip(&name).filter(|_| !name.contains(char::is_whitespace)) {
            let content = match safe_read::read_file_nofollow(&path) {
                Ok(b) => match String::from_utf8(b) {
                    Ok(t) if t.trim().is_empty() => Err("empty file".to_string()),
                    Ok(t) => Ok(parse_reservation(&t)),
                    Err(_) => Err("not UTF-8 text".to_string()),
                },
                Err(e) => Err(e.reason()),
            };
            s.files.push((ip, path, content));
        } else {
            s.other.push(name);
        }
    }
    s.files.sort_by_key(|(ip, ..)| (ip.is_ipv6(), num(*ip)));
    s.other.sort();
    Ok(s)
}

/// Simulates host-local's iterator over a range set: starts after `last` when it is in the
/// set (else at the first range's start), skips each range's gateway, wraps around once, and
/// returns the first address not in `reserved`.
pub fn next_free(
    set: &RangeSet,
    last: Option<IpAddr>,
    reserved: &HashSet<IpAddr>,
) -> Option<IpAddr> {
    let ranges = &set.ranges;
    if ranges.is_empty() {
        return None;
    }
    let v4 = ranges[0].start.is_ipv4();
    let (mut idx, mut cur) = match last.and_then(|l| ranges.iter().position(|r| r.contains(l))) {
        Some(i) => (i, last.map(num)),
        None => (0, None),
    };
    let mut first: Option<(usize, u128)> = None;
    // Each yielded address is distinct until the wrap; at most every reserved one is passed.
    let mut budget = reserved.len() + 2;
    loop {
        let c = match cur {
            None => num(ranges[idx].start),
            Some(c) if c == num(ranges[idx].end) => {
                idx = (idx + 1) % ranges.len();
                num(ranges[idx].start)
            }
            Some(c) => c + 1,
        };
        cur = Some(c);
        match first {
            None => first = Some((idx, c)),
            Some(f) if f == (idx, c) => return None,
            Some(_) => {}
        }
        if c == num(ranges[idx].gateway) {
            continue;
        }
        let ip = ip_of(v4, c);
        if !reserved.contains(&ip) {
            return Some(ip);
        }
        budget -= 1;
        if budget == 0 {
            return None;
        }
    }
}

/// Audits `network`'s store for one of its host-locals against the network's cached
/// attachments.
pub fn audit(
    network: &str,
    host_local: &HostLocal,
    cached: &[AttachmentInfo],
) -> Result<NetworkIpam, IpamError> {
    let store_dir = host_local.store_dir(network);
    let store = read_store(&store_dir)?;
    let set_of = |ip: IpAddr| {
        host_local
            .range_sets
            .iter()
            .find(|s| s.contains(ip))
            .map(|s| s.index)
    };
    let mut problems = Vec::new();
    let mut reservations = Vec::new();
    for (ip, file, content) in store.files {
        let (container_id, ifname, problem) = match content {
            Ok((id, ifname)) => (id, ifname, None),
            Err(e) => (String::new(), None, Some(e)),
        };
        let owner = cached
            .iter()
            .find(|a| {
                !container_id.is_empty()
                    && a.network == network
                    && a.container_id == container_id
                    && ifname.as_ref().is_none_or(|i| *i == a.ifname)
            })
            .map_or(Owner::Unowned, |a| Owner::Cached {
                netns: a.netns.clone(),
                netns_state: a.netns_state.clone(),
            });
        reservations.push(Reservation {
            range_set: set_of(ip),
            ip,
            file,
            container_id,
            ifname,
            owner,
            problem,
        });
    }
    for name in &store.other {
        problems.push(format!(
            "{}: not a file host-local writes",
            store_dir.join(name).display()
        ));
    }
    let reserved: HashSet<IpAddr> = reservations.iter().map(|r| r.ip).collect();
    let mut missing = Vec::new();
    for a in cached.iter().filter(|a| a.network == network) {
        for cidr in &a.ips {
            let Some(ip) = parse_ip(cidr.split('/').next().unwrap_or("")) else {
                continue;
            };
            if set_of(ip).is_some() && !reserved.contains(&ip) {
                missing.push(MissingReservation {
                    container_id: a.container_id.clone(),
                    ifname: a.ifname.clone(),
                    ip,
                });
            }
        }
    }
    let usage = host_local
        .range_sets
        .iter()
        .map(|set| {
            let last = store
                .last
                .iter()
                .find(|(i, _)| *i == set.index.to_string())
                .and_then(|(_, ip)| *ip);
            RangeUsage {
                used: reservations
                    .iter()
                    .filter(|r| r.range_set == Some(set.index))
                    .count() as u128,
                size: set.size(),
                next: next_free(set, last, &reserved),
                last_reserved: last,
                set: set.clone(),
            }
        })
        .collect();
    Ok(NetworkIpam {
        network: network.to_string(),
        host_local: host_local.clone(),
        store: store_dir,
        store_exists: store.exists,
        lock_present: store.lock,
        reservations,
        usage,
        missing,
        problems,
    })
}

/// Which container IDs are still in use, for `--release`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidIds(pub BTreeSet<String>);

impl ValidIds {
    /// The container IDs of attachments whose netns still exists (`--live`), from every
    /// network's cached attachments.
    pub fn live(cached: &[AttachmentInfo]) -> ValidIds {
        ValidIds(
            cached
                .iter()
                .filter(|a| a.netns_state.exists() == Some(true))
                .map(|a| a.container_id.clone())
                .collect(),
        )
    }
}

/// A reservation `--release` frees or keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseItem {
    /// The network.
    pub network: String,
    /// The address.
    pub ip: IpAddr,
    /// The file.
    pub file: PathBuf,
    /// The container ID the file held when read.
    pub container_id: String,
    /// Its ifname.
    pub ifname: Option<String>,
}

/// The reservations to free: the unowned ones (readable, of a container ID) whose container
/// ID is not valid. A valid container ID keeps all its reservations, whatever the ifname.
pub fn plan_release(n: &NetworkIpam, valid: &ValidIds) -> Vec<ReleaseItem> {
    n.reservations
        .iter()
        .filter(|r| r.owner == Owner::Unowned && r.problem.is_none())
        .filter(|r| !r.container_id.is_empty() && !valid.0.contains(&r.container_id))
        .map(|r| ReleaseItem {
            network: n.network.clone(),
            ip: r.ip,
            file: r.file.clone(),
            container_id: r.container_id.clone(),
            ifname: r.ifname.clone(),
        })
        .collect()
}

/// What became of one planned release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReleaseOutcome {
    /// The file was removed.
    Released,
    /// The file was gone already.
    AlreadyGone,
    /// The file changed since it was read (another container holds the address now): kept.
    Changed(String),
    /// The removal failed.
    Failed(String),
}

/// Removes the planned files of one store, holding host-local's lock (`<store>/lock`, taken
/// with `flock` as host-local does, created if missing as host-local would). Each file is
/// read again under the lock and removed only if it still holds the planned container ID and
/// ifname. `last_reserved_ip.*` is left alone.
pub fn release(
    store: &Path,
    items: &[ReleaseItem],
) -> Result<Vec<(ReleaseItem, ReleaseOutcome)>, IpamError> {
    let lock_path = store.join(LOCK_FILE);
    let lock_err = |err| IpamError::Lock {
        path: lock_path.clone(),
        err,
    };
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o644)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(&lock_path)
        .map_err(lock_err)?;
    let _lock = nix::fcntl::Flock::lock(file, nix::fcntl::FlockArg::LockExclusive)
        .map_err(|(_, e)| lock_err(std::io::Error::from(e)))?;
    let mut out = Vec::new();
    for item in items {
        let outcome = match safe_read::read_file_nofollow(&item.file) {
            Err(e) if e.is_not_found() => ReleaseOutcome::AlreadyGone,
            Err(e) => ReleaseOutcome::Failed(e.reason()),
            Ok(b) => {
                let now = parse_reservation(&String::from_utf8_lossy(&b));
                if now != (item.container_id.clone(), item.ifname.clone()) {
                    ReleaseOutcome::Changed(format!(
                        "now held by {}{}",
                        now.0,
                        now.1.map(|i| format!(":{i}")).unwrap_or_default()
                    ))
                } else {
                    match std::fs::remove_file(&item.file) {
                        Ok(()) => ReleaseOutcome::Released,
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                            ReleaseOutcome::AlreadyGone
                        }
                        Err(e) => ReleaseOutcome::Failed(e.to_string()),
                    }
                }
            }
        };
        out.push((item.clone(), outcome));
    }
    Ok(out)
}

#[cfg(test)]
#[path = "ipam_tests.rs"]
mod tests;
