//! `cnictl inspect NETNS`: what a namespace holds (read through netlink on a thread inside it)
//! beside what the cached results of the attachments in it claim, the host side of each
//! attachment (veth peer and bridge in the plugins' namespace, portmap's DNAT rules), and every
//! difference flagged. Only reads: any namespace may be inspected, the node's own included.

use super::Settings;
use crate::render::inspect::{AttachmentView, HostSide, Report, RuleState};
use crate::render::{self, Output};
use anyhow::Context;
use cnictl::cache::CacheEntry;
use cnictl::inventory::inspect::{self as cmp, DiffKind, Difference};
use cnictl::invoke::run_tool;
use cnictl::netlink::{self, Snapshot};
use cnictl::netns::{self, NsId, NsThread, Spawner};
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Arguments of `inspect`.
#[derive(Debug, clap::Args)]
pub struct InspectArgs {
    /// Network namespace: a name (meaning /var/run/netns/NAME) or a path such as
    /// /proc/PID/ns/net
    pub netns: String,
}

/// A namespace to read in: cnictl's own (the calling thread) or a thread inside another.
enum Place {
    Here,
    Thread(Arc<NsThread>),
}

impl Place {
    fn open(path: &Path, own: NsId) -> anyhow::Result<(Place, NsId)> {
        let id = netns::netns_id(path)?;
        if id == own {
            return Ok((Place::Here, id));
        }
        let t = NsThread::enter(path)?;
        Ok((Place::Thread(Arc::new(t)), id))
    }

    fn run<R: Send + 'static>(&self, f: impl FnOnce() -> R + Send + 'static) -> anyhow::Result<R> {
        match self {
            Place::Here => Ok(f()),
            Place::Thread(t) => Ok(t.run(f)?),
        }
    }

    fn spawner(&self) -> Option<Spawner> {
        match self {
            Place::Here => None,
            Place::Thread(t) => Some(t.spawner()),
        }
    }
}

/// Runs `inspect`.
pub fn run(s: &Settings, a: InspectArgs) -> anyhow::Result<i32> {
    if a.netns.is_empty() {
        return Err(netns::NetnsError::Empty.into());
    }
    // NETNS names a namespace of the node: under --root, looked for there (shown as given).
    let path = netns::resolve_netns_arg(&a.netns, s.cwd_for(&a.netns)?);
    let here = s.node_root.resolve(&path)?;
    let own =
        netns::current_netns_id().context("cannot identify cnictl's own network namespace")?;
    let (place, id) = Place::open(&here, own)?;
    let snap = place
        .run(netlink::read_snapshot)?
        .with_context(|| format!("cannot read network namespace {}", path.display()))?;
    let names: BTreeMap<i32, String> = place
        .run({
            let dir = s.node_root.resolve(Path::new(netns::NETNS_RUN_DIR))?;
            move || netns::named_nsids_in(&dir)
        })?
        .into_iter()
        .map(|(name, _, nsid)| (nsid, name))
        .collect();

    // Every cached attachment (any runtime) whose netns is this namespace, by identity.
    let entries: Vec<CacheEntry> = s
        .cache
        .attachments(None)
        .with_context(|| format!("cannot list the cache {}", s.cache.dir.display()))?
        .into_iter()
        .filter(|e| {
            !e.netns.is_empty()
                && s.node_root
                    .resolve(Path::new(&e.netns))
                    .ok()
                    .and_then(|p| netns::netns_id(&p).ok())
                    == Some(id)
        })
        .collect();

    let mut differences = Vec::new();
    let mut views = Vec::new();
    let mut hosts: BTreeMap<NsId, Result<HostNs, String>> = BTreeMap::new();
    for e in &entries {
        let label = format!("{}/{}/{}", e.network_name, e.container_id, e.if_name);
        let claims = cmp::claims_of(e);
        differences.extend(cmp::compare_attachment(&label, &e.if_name, &claims, &snap));
        let (plugin_path, recorded_id) = plugin_ns_of(s, e, own);
        let host = match netns::netns_id(&plugin_path) {
            Ok(pid) if recorded_id.is_none_or(|r| r == pid) => hosts
                .entry(pid)
                .or_insert_with(|| HostNs::read(&plugin_path, own).map_err(|e| format!("{e:#}")))
                .as_ref()
                .map_err(Clone::clone),
            Ok(_) => Err(format!(
                "{} is no longer the namespace the plugins ran in",
                plugin_path.display()
            )),
            Err(err) => Err(err.to_string()),
        };
        let mut view = AttachmentView {
            network: e.network_name.clone(),
            container_id: e.container_id.clone(),
            ifname: e.if_name.clone(),
            addresses: claims.addresses.iter().map(cmp::cidr_text).collect(),
            routes: claims.routes.iter().map(cmp::route_text).collect(),
            plugin_netns: plugin_path.display().to_string(),
            host: None,
            host_problem: None,
            port_mappings: Vec::new(),
        };
        match host {
            Ok(h) => {
                if let Some(link) = snap.link_named(&e.if_name) {
                    match link.peer_index.and_then(|i| h.snap.link(i)) {
                        Some(peer) if peer.peer_index.is_none_or(|p| p == link.index) => {
                            view.host = Some(HostSide {
                                veth: peer.name.clone(),
                                index: peer.index,
                                bridge: peer
                                    .master
                                    .and_then(|m| h.snap.link(m))
                                    .map(|b| b.name.clone()),
                            });
                        }
                        _ if link.peer_index.is_some() => differences.push(Difference {
                            kind: DiffKind::HostVethGone,
                            attachment: Some(label.clone()),
                            subject: format!(
                                "index {} in {}",
                                link.peer_index.unwrap_or_default(),
                                plugin_path.display()
                            ),
                        }),
                        _ => {}
                    }
                }
                for m in &claims.port_mappings {
                    // Only the IPv4 rules are read (iptables-save): a container without an
                    // IPv4 address cannot be judged.
                    let v4 = claims.addresses.iter().any(|a| a.0.is_ipv4());
                    let state = match &h.nat {
                        Err(_) => RuleState::Unknown,
                        Ok(_) if !v4 => RuleState::Unknown,
                        Ok(text) => {
                            let (rules, chains) = cmp::parse_dnat(text, &e.container_id);
                            if cmp::dnat_present(m, &claims.addresses, &rules, &chains) {
                                RuleState::Present
                            } else {
                                RuleState::Missing
                            }
                        }
                    };
                    if state == RuleState::Missing {
                        differences.push(Difference {
                            kind: DiffKind::DnatMissing,
                            attachment: Some(label.clone()),
                            subject: format!(
                                "{}/{} -> {}",
                                m.host_port, m.protocol, m.container_port
                            ),
                        });
                    }
                    view.port_mappings.push((m.clone(), state));
                }
                if let (Err(why), false) = (&h.nat, claims.port_mappings.is_empty()) {
                    view.host_problem = Some(format!("cannot read the NAT rules: {why}"));
                }
            }
            Err(why) => {
                view.host_problem = Some(why);
                for m in &claims.port_mappings {
                    view.port_mappings.push((m.clone(), RuleState::Unknown));
                }
            }
        }
        views.push(view);
    }
    let ifnames: Vec<&str> = entries.iter().map(|e| e.if_name.as_str()).collect();
    for l in cmp::unexplained(&snap, &ifnames) {
        differences.push(Difference {
            kind: DiffKind::UnexplainedInterface,
            attachment: None,
            subject: l.name.clone(),
        });
    }

    let report = Report {
        netns: path.display().to_string(),
        snapshot: snap,
        peer_netns: names,
        attachments: views,
        differences,
    };
    match s.printer.format(Output::Table) {
        Output::Json => render::print_json(&render::inspect::inspect_json(&report)),
        _ => render::write_stdout(&render::inspect::inspect_table(&s.printer, &report)),
    }
    Ok(if report.differences.is_empty() { 0 } else { 1 })
}

/// The plugins' namespace of an entry: cnictl's record of the ADD, else --host-netns, else
/// cnictl's own; and the identity the record holds, to tell a reused name.
fn plugin_ns_of(s: &Settings, e: &CacheEntry, own: NsId) -> (PathBuf, Option<NsId>) {
    let record = s
        .cache
        .read_record(&e.network_name, &e.container_id, &e.if_name)
        .ok()
        .flatten()
        .filter(|r| r.describes(e))
        .and_then(|r| r.plugin_ns);
    match record {
        Some(r) => {
            let path = match &r.path {
                // A path whose links cannot be followed within --root is not opened: the
                // namespace is named by its recorded identity instead, as when unnamed.
                Some(p) => s
                    .node_root
                    .resolve(Path::new(p))
                    .unwrap_or_else(|_| PathBuf::from(format!("net:[{}]", r.ino))),
                None => PathBuf::from("/proc/self/ns/net"),
            };
            // cnictl's own namespace is recorded without a path; it is only this process's
            // when the identity matches.
            let path = if r.path.is_none() && (r.dev, r.ino) != own {
                PathBuf::from(format!("net:[{}]", r.ino))
            } else {
                path
            };
            (path, Some((r.dev, r.ino)))
        }
        None => (
            s.host_netns
                .clone()
                .unwrap_or_else(|| PathBuf::from("/proc/self/ns/net")),
            None,
        ),
    }
}

/// What the host side holds: its links and its NAT rules (`iptables-save -t nat`).
struct HostNs {
    snap: Snapshot,
    nat: Result<String, String>,
}

impl HostNs {
    fn read(path: &Path, own: NsId) -> anyhow::Result<HostNs> {
        let (place, _) = Place::open(path, own)?;
        let snap = place
            .run(netlink::read_snapshot)?
            .with_context(|| format!("cannot read network namespace {}", path.display()))?;
        let nat = iptables_save(place.spawner().as_ref());
        Ok(HostNs { snap, nat })
    }
}

fn iptables_save(spawner: Option<&Spawner>) -> Result<String, String> {
    save_rules("iptables-save", &["-t", "nat"], spawner)
}

/// Runs `program` (`iptables-save`, `ip6tables-save`), found in the system's sbin and bin
/// dirs, with `args`, inside the namespace of `spawner` (cnictl's own without one), and
/// returns what it printed.
pub(super) fn save_rules(
    program: &str,
    args: &[&str],
    spawner: Option<&Spawner>,
) -> Result<String, String> {
    let dirs = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"];
    let Some(program) = dirs
        .iter()
        .map(|d| Path::new(d).join(program))
        .find(|p| p.exists())
    else {
        return Err(format!(
            "{program} not found in /usr/sbin, /sbin, /usr/bin or /bin"
        ));
    };
    let env = vec![(
        OsString::from("PATH"),
        OsString::from("/usr/sbin:/usr/bin:/sbin:/bin"),
    )];
    match run_tool(&program, args, &env, spawner) {
        Ok(out) if out.success => Ok(String::from_utf8_lossy(&out.stdout).into_owned()),
        Ok(out) => Err(format!(
            "{} failed: {}",
            program.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        )),
        Err(e) => Err(format!("cannot run {}: {e}", program.display())),
    }
}
