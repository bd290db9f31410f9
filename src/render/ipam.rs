//! `cnictl ipam`: host-local's reservations and usage, as tables or JSON (shape:
//! docs/schemas/ipam.v1.json).

use super::{Printer, State};
use cnictl::inventory::ipam::{NetworkIpam, Owner, ReleaseItem, ReleaseOutcome};
use cnictl::inventory::{state_word, NetnsState};
use serde_json::{json, Value};

/// What `--release` did (or would do, `dry_run`): each item with its outcome (None in a dry
/// run).
pub struct Release {
    /// True with `--dry-run`.
    pub dry_run: bool,
    /// The planned releases.
    pub items: Vec<(ReleaseItem, Option<ReleaseOutcome>)>,
}

fn owner_word(o: &Owner) -> &'static str {
    match o {
        Owner::Cached { .. } => "cached",
        Owner::Unowned => "unowned",
    }
}

fn outcome_word(o: Option<&ReleaseOutcome>) -> &'static str {
    match o {
        None => "would-release",
        Some(ReleaseOutcome::Released) => "released",
        Some(ReleaseOutcome::AlreadyGone) => "already-gone",
        Some(ReleaseOutcome::Changed(_)) => "changed",
        Some(ReleaseOutcome::Failed(_)) => "failed",
    }
}

/// The `-o prometheus` metrics of the audits (names documented in the README). Counts are
/// summed over the host-local stores of a network (a chain with two host-locals).
pub fn metrics(audits: &[NetworkIpam]) -> super::metrics::Metrics {
    use super::metrics::bool_label;
    const RESERVATIONS_HELP: &str = "host-local reservations by network; owned=\"false\" when no \
        cached attachment of the network holds that container ID and ifname (made through \
        another cache dir, or leaked)";
    let mut m = super::metrics::Metrics::new();
    for n in audits {
        let network = n.network.as_str();
        for owned in [true, false] {
            m.add(
                "cnictl_ipam_reservations",
                RESERVATIONS_HELP,
                &[("network", network), ("owned", bool_label(owned))],
                0.0,
            );
        }
        for r in &n.reservations {
            let owned = matches!(r.owner, Owner::Cached { .. });
            m.add(
                "cnictl_ipam_reservations",
                RESERVATIONS_HELP,
                &[("network", network), ("owned", bool_label(owned))],
                1.0,
            );
        }
        for u in &n.usage {
            let set = u.set.index.to_string();
            let labels = [("network", network), ("set", set.as_str())];
            m.add(
                "cnictl_ipam_range_set_used",
                "Addresses reserved in a host-local range set (set: its index in ranges)",
                &labels,
                u.used as f64,
            );
            m.add(
                "cnictl_ipam_range_set_size",
                "Addresses a host-local range set can hand out",
                &labels,
                u.size as f64,
            );
            m.add(
                "cnictl_ipam_range_set_full",
                "1 when host-local has no address left to hand out in the range set",
                &labels,
                if u.next.is_none() { 1.0 } else { 0.0 },
            );
        }
        m.add(
            "cnictl_ipam_missing_reservations",
            "Addresses of cached attachments that have no host-local reservation",
            &[("network", network)],
            n.missing.len() as f64,
        );
        let problems = n.host_local.problems.len()
            + n.problems.len()
            + n.reservations
                .iter()
                .filter(|r| r.problem.is_some())
                .count();
        m.add(
            "cnictl_ipam_problems",
            "Problems in a network's host-local config or store (unreadable or unexpected \
             files, reservations that make no sense)",
            &[("network", network)],
            problems as f64,
        );
    }
    m
}

/// Prints the tables (stdout) and the findings (stderr).
pub fn print(p: &Printer, audits: &[NetworkIpam], release: Option<&Release>) {
    for n in audits {
        for problem in n.host_local.problems.iter().chain(&n.problems) {
            p.warning(&format!("network {}: {problem}", n.network));
        }
        if !n.store_exists {
            p.note(&format!(
                "network {}: {} does not exist (host-local has reserved nothing yet)",
                n.network,
                n.store.display()
            ));
        }
        for m in &n.missing {
            p.warning(&format!(
                "network {}: cached attachment {}:{} holds {}, which has no reservation in {}",
                n.network,
                m.container_id,
                m.ifname,
                m.ip,
                n.store.display()
            ));
        }
    }
    let mut out = String::new();
    if !audits.is_empty() {
        let mut t = p.table(&["NETWORK", "SET", "RANGES", "USED", "SIZE", "NEXT"]);
        t.shrink(&["NETWORK", "RANGES"]);
        for n in audits {
            for u in &n.usage {
                let ranges: Vec<String> = u
                    .set
                    .ranges
                    .iter()
                    .map(|r| format!("{}-{}", r.start, r.end))
                    .collect();
                t.add_row(vec![
                    n.network.clone(),
                    u.set.index.to_string(),
                    ranges.join(","),
                    u.used.to_string(),
                    u.size.to_string(),
                    u.next
                        .map_or_else(|| p.state("full", State::Bad), |i| i.to_string()),
                ]);
            }
        }
        out.push_str(&super::table_text(&t));
        out.push('\n');
    }
    let rows: Vec<_> = audits
        .iter()
        .flat_map(|n| n.reservations.iter().map(move |r| (n, r)))
        .collect();
    if !rows.is_empty() {
        let mut t = p.table(&["NETWORK", "IP", "CONTAINER", "IFNAME", "OWNER", "NETNS"]);
        // IDs and the reasons of unreadable files are cut to fit; `-o wide` prints them whole.
        t.shrink(&["NETWORK", "CONTAINER", "OWNER"]);
        for (n, r) in rows {
            let (owner, netns) = match (&r.problem, &r.owner) {
                (Some(why), _) => (
                    p.state(&format!("unreadable: {why}"), State::Bad),
                    "-".to_string(),
                ),
                (None, Owner::Unowned) => (p.state("unowned", State::Warn), "-".to_string()),
                (None, Owner::Cached { netns_state, .. }) => {
                    let w = state_word(netns_state);
                    let w = match netns_state {
                        NetnsState::Exists | NetnsState::NotRecorded => w.to_string(),
                        _ => p.state(w, State::Warn),
                    };
                    ("cached".to_string(), w)
                }
            };
            t.add_row(vec![
                n.network.clone(),
                r.ip.to_string(),
                if r.container_id.is_empty() {
                    "-".into()
                } else {
                    r.container_id.clone()
                },
                r.ifname.clone().unwrap_or_else(|| "-".into()),
                owner,
                netns,
            ]);
        }
        out.push('\n');
        out.push_str(&super::table_text(&t));
        out.push('\n');
    }
    if let Some(rel) = release {
        if rel.items.is_empty() {
            p.note("nothing to release: every unowned reservation belongs to a valid container");
        } else {
            let mut t = p.table(&["NETWORK", "IP", "CONTAINER", "ACTION"]);
            t.shrink(&["NETWORK", "CONTAINER", "ACTION"]);
            for (i, o) in &rel.items {
                let word = outcome_word(o.as_ref());
                let action = match o {
                    Some(ReleaseOutcome::Changed(w)) | Some(ReleaseOutcome::Failed(w)) => {
                        format!("{}: {w}", p.state(word, State::Bad))
                    }
                    _ => word.to_string(),
                };
                t.add_row(vec![
                    i.network.clone(),
                    i.ip.to_string(),
                    i.container_id.clone(),
                    action,
                ]);
            }
            out.push('\n');
            out.push_str(&super::table_text(&t));
            out.push('\n');
        }
    }
    super::write_stdout(&out);
}

/// The JSON document.
pub fn ipam_json(audits: &[NetworkIpam], release: Option<&Release>) -> Value {
    let networks: Vec<Value> = audits
        .iter()
        .map(|n| {
            let range_sets: Vec<Value> = n
                .usage
                .iter()
                .map(|u| {
                    json!({
                        "index": u.set.index,
                        "ranges": u.set.ranges.iter().map(|r| json!({
                            "subnet": r.subnet,
                            "rangeStart": r.start.to_string(),
                            "rangeEnd": r.end.to_string(),
                            "gateway": r.gateway.to_string(),
                        })).collect::<Vec<_>>(),
                        "used": u.used,
                        "size": u.size,
                        "lastReservedIp": u.last_reserved.map(|i| i.to_string()),
                        "nextIp": u.next.map(|i| i.to_string()),
                    })
                })
                .collect();
            let reservations: Vec<Value> = n
                .reservations
                .iter()
                .map(|r| {
                    let (netns, state) = match &r.owner {
                        Owner::Cached { netns, netns_state } => {
                            (Some(netns.clone()), Some(state_word(netns_state)))
                        }
                        Owner::Unowned => (None, None),
                    };
                    json!({
                        "ip": r.ip.to_string(),
                        "file": r.file.to_string_lossy(),
                        "containerId": if r.problem.is_some() { None } else { Some(&r.container_id) },
                        "ifname": r.ifname,
                        "rangeSet": r.range_set,
                        "owner": owner_word(&r.owner),
                        "netns": netns,
                        "netnsState": state,
                        "problem": r.problem,
                    })
                })
                .collect();
            json!({
                "network": n.network,
                "plugin": n.host_local.plugin,
                "dataDir": n.host_local.data_dir.to_string_lossy(),
                "dataDirDefault": n.host_local.data_dir_default,
                "store": n.store.to_string_lossy(),
                "storeExists": n.store_exists,
                "lockPresent": n.lock_present,
                "rangeSets": range_sets,
                "reservations": reservations,
                "missingReservations": n.missing.iter().map(|m| json!({
                    "containerId": m.container_id,
                    "ifname": m.ifname,
                    "ip": m.ip.to_string(),
                })).collect::<Vec<_>>(),
                "problems": n.host_local.problems.iter().chain(&n.problems).collect::<Vec<_>>(),
            })
        })
        .collect();
    let release = release.map(|r| {
        json!({
            "dryRun": r.dry_run,
            "items": r.items.iter().map(|(i, o)| json!({
                "network": i.network,
                "ip": i.ip.to_string(),
                "file": i.file.to_string_lossy(),
                "containerId": i.container_id,
                "ifname": i.ifname,
                "outcome": outcome_word(o.as_ref()),
                "detail": match o {
                    Some(ReleaseOutcome::Changed(w)) | Some(ReleaseOutcome::Failed(w)) => Some(w),
                    _ => None,
                },
            })).collect::<Vec<_>>(),
        })
    });
    json!({"networks": networks, "release": release})
}
