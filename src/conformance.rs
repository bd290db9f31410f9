//! The judgments of a conformance run (`cnictl conformance`): which cniVersions to run, the
//! private copy of the network the run uses, whether an ADD result keeps the CNI contract,
//! and what a chain left behind, from snapshots of the namespaces, the plugins' iptables rules
//! and the IPAM data dir taken before and after. The run itself (namespaces made and removed,
//! the plugins called through [`crate::runtime::Runtime`]) is the command line's; everything
//! here is data in, data out, so it is tested without root.

use crate::config::{self, ConfigError, NetworkConfigList};
use crate::inventory::inspect::{claims_of, compare_attachment};
use crate::netlink::Snapshot;
use crate::types::result::CniResult;
use serde_json::{Map, Value};
use std::collections::BTreeSet;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How a step ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    /// Did what the spec requires.
    Pass,
    /// Did it, with something the spec says a plugin *should* do and it did not.
    Warn,
    /// Broke the contract, or failed.
    Fail,
    /// Not run: not part of this cniVersion, or an earlier step failed.
    Skip,
}

impl Verdict {
    /// `pass`, `warn`, `fail`, `skip`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Warn => "warn",
            Verdict::Fail => "fail",
            Verdict::Skip => "skip",
        }
    }
}

/// One step of the lifecycle.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Its stable id (`add`, `check`, `add-eth1`, ..., `gc`, `status`).
    pub id: &'static str,
    /// What it does, for people (`ADD eth0`, `DEL eth0 again`, ...).
    pub name: &'static str,
    /// How it ended.
    pub verdict: Verdict,
    /// Its wall time (plugin calls and snapshots).
    pub elapsed: Duration,
    /// Why it failed, warned or was skipped: one message each.
    pub messages: Vec<String>,
}

/// The steps of one cniVersion.
#[derive(Debug, Clone, PartialEq)]
pub struct Round {
    /// The cniVersion the chain ran with.
    pub cni_version: String,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

/// The lifecycle, in order: (id, name). GC and STATUS only run for 1.1.0 and later.
pub const STEPS: &[(&str, &str)] = &[
    ("add", "ADD eth0"),
    ("check", "CHECK eth0"),
    ("add-eth1", "ADD eth1"),
    ("check-both", "CHECK eth0, eth1"),
    ("del-eth1", "DEL eth1"),
    ("del", "DEL eth0"),
    ("del-again", "DEL eth0 again"),
    ("del-netns-gone", "DEL, netns gone"),
    ("add-again", "ADD eth0 again"),
    ("del-final", "DEL eth0, final"),
    ("gc", "GC, empty valid set"),
    ("status", "STATUS"),
];

/// The versions a run covers: `--versions` when given, else the list's `cniVersions` (every
/// one, in the order written), else its `cniVersion`.
pub fn round_versions(list: &NetworkConfigList, asked: &[String]) -> Vec<String> {
    if !asked.is_empty() {
        return asked.to_vec();
    }
    let top = serde_json::from_slice::<Value>(&list.bytes).ok();
    let listed: Vec<String> = top
        .as_ref()
        .and_then(|t| t.get("cniVersions"))
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let mut out: Vec<String> = Vec::new();
    for v in listed {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    if out.is_empty() {
        out.push(list.cni_version.clone());
    }
    out
}

/// The network as the run uses it: renamed to `name` (so its state never mixes with an
/// installed network's), at `version`, with every plugin of the chain inline (those of the
/// plugin subdirectory included), and host-local's `dataDir` pointed at `data_dir`.
pub fn private_list(
    list: &NetworkConfigList,
    name: &str,
    version: &str,
    data_dir: &Path,
) -> Result<NetworkConfigList, ConfigError> {
    let mut top = match config::json::parse_verbatim(&list.bytes) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    top.remove("cniVersions");
    top.remove("loadOnlyInlinedPlugins");
    top.insert("cniVersion".into(), Value::String(version.to_string()));
    top.insert("name".into(), Value::String(name.to_string()));
    let plugins = list
        .plugins
        .iter()
        .map(|p| {
            let mut raw = p.raw.clone();
            if let Some(Value::Object(ipam)) = raw.get_mut("ipam") {
                if ipam.get("type").and_then(Value::as_str) == Some("host-local") {
                    ipam.insert(
                        "dataDir".into(),
                        Value::String(data_dir.display().to_string()),
                    );
                }
            }
            // A single-plugin file's own cniVersion and name would disagree with the list's.
            if raw.contains_key("cniVersion") {
                raw.insert("cniVersion".into(), Value::String(version.to_string()));
            }
            if raw.contains_key("name") {
                raw.insert("name".into(), Value::String(name.to_string()));
            }
            Value::Object(raw)
        })
        .collect();
    top.insert("plugins".into(), Value::Array(plugins));
    let bytes = serde_json::to_vec(&Value::Object(top)).unwrap_or_default();
    let mut private = config::list_from_bytes(&bytes)?;
    private.source = list.source.clone();
    Ok(private)
}

/// What is wrong with an ADD result: errors break the contract, warnings break a "should".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResultCheck {
    /// Contract broken.
    pub errors: Vec<String>,
    /// A "should" not kept.
    pub warnings: Vec<String>,
}

fn parse_cidr(s: &str) -> Option<(IpAddr, u8)> {
    let (ip, len) = s.split_once('/')?;
    let ip: IpAddr = ip.parse().ok()?;
    let len: u8 = len.parse().ok()?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    (len <= max).then_some((ip, len))
}

fn covers(net: (IpAddr, u8), ip: IpAddr) -> bool {
    match (net.0, ip) {
        (IpAddr::V4(n), IpAddr::V4(i)) => {
            let mask = if net.1 == 0 {
                0
            } else {
                u32::MAX << (32 - u32::from(net.1))
            };
            u32::from(n) & mask == u32::from(i) & mask
        }
        (IpAddr::V6(n), IpAddr::V6(i)) => {
            let mask = if net.1 == 0 {
                0
            } else {
                u128::MAX << (128 - u32::from(net.1))
            };
            u128::from(n) & mask == u128::from(i) & mask
        }
        _ => false,
    }
}

/// Checks an ADD result against the spec of `version` and against the container namespace
/// as it is right after the ADD (`container`, read through netlink): the result names
/// `version`; it parses as a result of that version; every address, gateway and route
/// parses; each `ips[].interface` is an index into `interfaces`; the container interface
/// (`ifname`) is there with its addresses and routes; each route's gateway is reachable
/// from the container (on the subnet of one of its addresses, or covered by a route without
/// a gateway). `sandbox` missing on the container interface is a warning (a "should").
pub fn check_result(
    result: &Value,
    version: &str,
    ifname: &str,
    netns: &str,
    container: &Snapshot,
) -> ResultCheck {
    let mut c = ResultCheck::default();
    match result.get("cniVersion").and_then(Value::as_str) {
        Some(v) if v == version => {}
        Some(v) => c.errors.push(format!(
            "the result's cniVersion is \"{v}\"; the config asked for \"{version}\""
        )),
        None => c
            .errors
            .push("the result has no cniVersion (it must be the config's)".into()),
    }
    let typed = match CniResult::from_value(result) {
        Ok(t) => t,
        Err(e) => {
            c.errors.push(format!("the result does not parse: {e}"));
            return c;
        }
    };
    // 0.3.0 to 0.4.0 results name each address's family ("4" or "6").
    if matches!(typed, CniResult::V040(_)) {
        let raw_ips = result.get("ips").and_then(Value::as_array);
        for (i, ip) in raw_ips.into_iter().flatten().enumerate() {
            let family = ip
                .get("address")
                .and_then(Value::as_str)
                .and_then(parse_cidr)
                .map(|c| if c.0.is_ipv4() { "4" } else { "6" });
            match (ip.get("version").and_then(Value::as_str), family) {
                (Some(v), Some(f)) if v == f => {}
                (Some(v), Some(f)) => c.errors.push(format!(
                    "ips[{i}].version is \"{v}\" but the address is IPv{f}"
                )),
                (None, _) => c.errors.push(format!(
                    "ips[{i}].version is missing (required before 1.0.0: \"4\" or \"6\")"
                )),
                (Some(_), None) => {}
            }
        }
    }
    // One shape for the checks: 0.x results converted up as libcni converts them.
    let value = match typed.convert_to("1.0.0") {
        Ok(t) => t.to_value(),
        Err(e) => {
            c.errors
                .push(format!("the result cannot be converted to 1.0.0: {e}"));
            return c;
        }
    };
    let empty = Vec::new();
    let interfaces = value
        .get("interfaces")
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    let ips = value.get("ips").and_then(Value::as_array).unwrap_or(&empty);
    let routes = value
        .get("routes")
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    for (i, iface) in interfaces.iter().enumerate() {
        let name = iface.get("name").and_then(Value::as_str).unwrap_or("");
        if name.is_empty() {
            c.errors
                .push(format!("interfaces[{i}] has no name (required)"));
        }
    }
    let has_interfaces = result.get("interfaces").is_some();
    match interfaces
        .iter()
        .position(|i| i.get("name").and_then(Value::as_str) == Some(ifname))
    {
        Some(i) => {
            let sandbox = interfaces[i]
                .get("sandbox")
                .and_then(Value::as_str)
                .unwrap_or("");
            if sandbox.is_empty() {
                c.warnings.push(format!(
                    "interfaces[{i}] ({ifname}) has no sandbox: the spec says a container interface should name its netns ({netns})"
                ));
            } else if sandbox != netns {
                c.warnings.push(format!(
                    "interfaces[{i}] ({ifname}) has sandbox {sandbox}, not the CNI_NETNS given ({netns})"
                ));
            }
        }
        None if has_interfaces => c.warnings.push(format!(
            "the result lists no interface named {ifname} (CNI_IFNAME)"
        )),
        None => {}
    }
    let mut subnets = Vec::new();
    for (i, ip) in ips.iter().enumerate() {
        let address = ip.get("address").and_then(Value::as_str).unwrap_or("");
        let Some(cidr) = parse_cidr(address) else {
            c.errors.push(format!(
                "ips[{i}].address {address:?} is not an address with a prefix length"
            ));
            continue;
        };
        subnets.push(cidr);
        if let Some(gw) = ip.get("gateway").and_then(Value::as_str) {
            match gw.parse::<IpAddr>() {
                Ok(g) if g.is_ipv4() != cidr.0.is_ipv4() => c.errors.push(format!(
                    "ips[{i}].gateway {gw} is not of the address's family ({address})"
                )),
                Ok(_) => {}
                Err(_) => c
                    .errors
                    .push(format!("ips[{i}].gateway {gw:?} is not an IP address")),
            }
        }
        if let Some(idx) = ip.get("interface") {
            match idx.as_u64() {
                Some(n) if (n as usize) < interfaces.len() => {}
                _ => c.errors.push(format!(
                    "ips[{i}].interface {idx} is out of range: the result has {} interface(s)",
                    interfaces.len()
                )),
            }
        }
    }
    for (i, r) in routes.iter().enumerate() {
        let dst = r.get("dst").and_then(Value::as_str).unwrap_or("");
        if parse_cidr(dst).is_none() {
            c.errors.push(format!(
                "routes[{i}].dst {dst:?} is not an address with a prefix length"
            ));
            continue;
        }
        let Some(gw) = r.get("gw").and_then(Value::as_str) else {
            continue;
        };
        let Ok(g) = gw.parse::<IpAddr>() else {
            c.errors
                .push(format!("routes[{i}].gw {gw:?} is not an IP address"));
            continue;
        };
        let on_subnet = subnets.iter().any(|s| covers(*s, g))
            || container
                .addresses
                .iter()
                .any(|a| covers((a.address, a.prefix_len), g));
        let routed = container.routes.iter().any(|k| {
            k.gateway.is_none()
                && k.destination
                    .is_some_and(|d| d.0.is_ipv4() == g.is_ipv4() && covers(d, g))
        });
        if !on_subnet && !routed {
            c.errors.push(format!(
                "routes[{i}] {dst} via {gw}: the gateway is not reachable from the container (on none of its subnets, and no route leads to it)"
            ));
        }
    }
    // What the result claims for the container interface is really there (a result that
    // names no interface of that name and no address claims nothing to look for).
    let lists_ifname = interfaces
        .iter()
        .any(|i| i.get("name").and_then(Value::as_str) == Some(ifname));
    if !lists_ifname && ips.is_empty() {
        return c;
    }
    let entry = crate::cache::CacheEntry {
        container_id: String::new(),
        config: None,
        if_name: ifname.to_string(),
        network_name: String::new(),
        netns: netns.to_string(),
        cni_args: Vec::new(),
        capability_args: Map::new(),
        result: Some(result.clone()),
    };
    for d in compare_attachment("", ifname, &claims_of(&entry), container) {
        c.errors.push(format!(
            "{} in the container: {}",
            d.kind.as_str(),
            d.subject
        ));
    }
    c
}

/// What the run can see of the chain's effects at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    /// The plugins' namespace: links, addresses, routes.
    pub host: Snapshot,
    /// The plugins' namespace's iptables rules ([`rule_lines`]), or why they cannot be read.
    pub rules: Result<BTreeSet<String>, String>,
    /// Each container namespace that exists, by label.
    pub containers: Vec<(String, Snapshot)>,
    /// The files under the IPAM data dir, relative to it.
    pub ipam: BTreeSet<String>,
}

/// The rules of an `iptables-save` (or `ip6tables-save`) dump as comparable lines, each
/// prefixed with `<prefix><table>: `: user chains (`:NAME`) and rules (`-A ...`); comments,
/// counters and the built-in chains' policies are left out.
pub fn rule_lines(text: &str, prefix: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut table = String::new();
    for line in text.lines() {
        let line = line.trim_end();
        if let Some(t) = line.strip_prefix('*') {
            table = t.to_string();
        } else if let Some(chain) = line.strip_prefix(':') {
            let mut words = chain.split_whitespace();
            if let (Some(name), Some("-")) = (words.next(), words.next()) {
                out.insert(format!("{prefix}{table}: :{name}"));
            }
        } else if line.starts_with("-A ") {
            out.insert(format!("{prefix}{table}: {line}"));
        }
    }
    out
}

/// The files under `dir` (two levels: host-local keeps `<dataDir>/<network>/<ip>`), relative
/// to it. A missing dir has none.
pub fn ipam_files(dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            if let Ok(inner) = std::fs::read_dir(e.path()) {
                for f in inner.flatten() {
                    out.insert(format!("{name}/{}", f.file_name().to_string_lossy()));
                }
            }
        } else {
            out.insert(name);
        }
    }
    out
}

/// host-local's bookkeeping, kept by design after the last release: its lock and the
/// last address it handed out per range set.
fn ipam_bookkeeping(path: &str) -> bool {
    let base = path.rsplit('/').next().unwrap_or(path);
    base == "lock" || base.starts_with("last_reserved_ip")
}

/// The bridges the chain's bridge plugins name (their `bridge` key, `cni0` by default): the
/// plugin keeps its bridge for the next container, so a DEL that leaves one is no leak.
pub fn kept_bridges(list: &NetworkConfigList) -> BTreeSet<String> {
    list.plugins
        .iter()
        .filter(|p| p.plugin_type == "bridge")
        .map(|p| {
            p.raw
                .get("bridge")
                .and_then(Value::as_str)
                .unwrap_or("cni0")
                .to_string()
        })
        .collect()
}

/// What `after` holds that `before` did not, one line each (`host: link veth1a2b (veth)`,
/// `container eth0-ns: address 10.1.0.2/24 on eth0`, `iptables nat: -A ...`, `ipam:
/// net/10.1.0.2`), and what is kept by design (a new bridge of the plugins' namespace named
/// in `bridges` ([`kept_bridges`]): bridge plugins keep their bridge, its addresses and
/// routes for the next container; any other new bridge is left). New links are reported
/// whole (not their addresses and routes); host-local's lock and `last_reserved_ip` files
/// are bookkeeping, not reservations.
pub fn leftovers(
    before: &State,
    after: &State,
    bridges: &BTreeSet<String>,
) -> (Vec<String>, Vec<String>) {
    let mut left = Vec::new();
    let mut kept = Vec::new();
    let (l, k) = snapshot_leftovers("host", &before.host, &after.host, bridges);
    left.extend(l);
    kept.extend(k);
    for (label, snap) in &after.containers {
        let Some((_, old)) = before.containers.iter().find(|(l, _)| l == label) else {
            continue;
        };
        let (l, k) = snapshot_leftovers(&format!("container {label}"), old, snap, &BTreeSet::new());
        left.extend(l);
        kept.extend(k);
    }
    if let (Ok(b), Ok(a)) = (&before.rules, &after.rules) {
        left.extend(a.difference(b).map(|r| format!("iptables {r}")));
    }
    left.extend(
        after
            .ipam
            .difference(&before.ipam)
            .filter(|f| !ipam_bookkeeping(f))
            .map(|f| format!("ipam: {f} (a reservation)")),
    );
    (left, kept)
}

/// What `after` lost that `before` held: links (of the plugins' namespace and of each
/// container namespace still there) and iptables rules, which another attachment may need.
pub fn removed(before: &State, after: &State) -> Vec<String> {
    let mut out = Vec::new();
    let gone = |label: &str, b: &Snapshot, a: &Snapshot, out: &mut Vec<String>| {
        for l in &b.links {
            if a.link_named(&l.name).is_none() {
                out.push(format!("{label}: link {}", l.name));
            }
        }
    };
    gone("host", &before.host, &after.host, &mut out);
    for (label, snap) in &after.containers {
        if let Some((_, old)) = before.containers.iter().find(|(l, _)| l == label) {
            gone(&format!("container {label}"), old, snap, &mut out);
        }
    }
    if let (Ok(b), Ok(a)) = (&before.rules, &after.rules) {
        out.extend(b.difference(a).map(|r| format!("iptables {r}")));
    }
    out
}

fn link_names(s: &Snapshot) -> std::collections::BTreeMap<u32, &str> {
    s.links.iter().map(|l| (l.index, l.name.as_str())).collect()
}

fn snapshot_leftovers(
    label: &str,
    before: &Snapshot,
    after: &Snapshot,
    bridges: &BTreeSet<String>,
) -> (Vec<String>, Vec<String>) {
    let mut left = Vec::new();
    let mut kept = Vec::new();
    let old_names: BTreeSet<&str> = before.links.iter().map(|l| l.name.as_str()).collect();
    let mut skip: BTreeSet<&str> = BTreeSet::new();
    for l in &after.links {
        if old_names.contains(l.name.as_str()) {
            continue;
        }
        skip.insert(l.name.as_str());
        let kind = l.kind.as_deref().unwrap_or("no kind");
        if kind == "bridge" && bridges.contains(&l.name) {
            kept.push(format!(
                "{label}: bridge {} (a bridge plugin keeps its bridge for the next container)",
                l.name
            ));
        } else {
            left.push(format!("{label}: link {} ({kind})", l.name));
        }
    }
    let names_a = link_names(after);
    let names_b = link_names(before);
    let addr_key = |names: &std::collections::BTreeMap<u32, &str>, a: &crate::netlink::Address| {
        format!(
            "{}/{} on {}",
            a.address,
            a.prefix_len,
            names.get(&a.index).copied().unwrap_or("?")
        )
    };
    let old_addrs: BTreeSet<String> = before
        .addresses
        .iter()
        .map(|a| addr_key(&names_b, a))
        .collect();
    for a in &after.addresses {
        let on = names_a.get(&a.index).copied().unwrap_or("?");
        let key = addr_key(&names_a, a);
        if skip.contains(on) || old_addrs.contains(&key) {
            continue;
        }
        left.push(format!("{label}: address {key}"));
    }
    let route_key = |names: &std::collections::BTreeMap<u32, &str>, r: &crate::netlink::Route| {
        let dst = match r.destination {
            Some((ip, len)) => format!("{ip}/{len}"),
            None => "default".into(),
        };
        let via = r.gateway.map(|g| format!(" via {g}")).unwrap_or_default();
        let dev = r
            .oif
            .and_then(|i| names.get(&i).copied())
            .map(|n| format!(" dev {n}"))
            .unwrap_or_default();
        format!("{dst}{via}{dev}")
    };
    let old_routes: BTreeSet<String> = before
        .routes
        .iter()
        .map(|r| route_key(&names_b, r))
        .collect();
    for r in &after.routes {
        let on = r.oif.and_then(|i| names_a.get(&i).copied()).unwrap_or("");
        let key = route_key(&names_a, r);
        if skip.contains(on) || old_routes.contains(&key) {
            continue;
        }
        left.push(format!("{label}: route {key}"));
    }
    (left, kept)
}

/// The directories a run makes for itself and removes at its end.
#[derive(Debug, Clone)]
pub struct PrivateDirs {
    /// The root (under the system's temp dir, as the caller gives it).
    pub root: PathBuf,
}

impl PrivateDirs {
    /// Makes `<base>/cnictl-conformance-<token>` (mode 0700, never an existing one).
    pub fn create(base: &Path, token: &str) -> std::io::Result<PrivateDirs> {
        use std::os::unix::fs::DirBuilderExt;
        let root = base.join(format!("cnictl-conformance-{token}"));
        std::fs::DirBuilder::new().mode(0o700).create(&root)?;
        Ok(PrivateDirs { root })
    }

    /// The results cache of the run.
    pub fn cache(&self) -> PathBuf {
        self.root.join("cache")
    }

    /// host-local's data dir of the run.
    pub fn ipam(&self) -> PathBuf {
        self.root.join("ipam")
    }

    /// Removes everything.
    pub fn remove(&self) -> std::io::Result<()> {
        std::fs::remove_dir_all(&self.root)
    }
}

#[cfg(test)]
mod tests;
