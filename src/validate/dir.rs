//! Directory rules: two files defining one network (which wins, and why), a `.conflist`
//! shadowing a `.conf`, files a runtime skips because of their extension, and host-local
//! subnets that overlap between the networks of one directory.
//!
//! The overlap check sorts every subnet once and sweeps with a stack of the subnets that
//! contain the current one (CIDR blocks either nest or are disjoint), so 10,000 networks take
//! O(n log n), not a comparison of every pair.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::config::FileKind;

use super::diag::{
    Pos, Sink, CONFLIST_SHADOWS_CONF, DUPLICATE_NETWORK, IGNORED_EXTENSION, SUBNET_OVERLAP,
};
use super::net::Family;
use super::NetworkFacts;

fn start_of(path: &Path) -> Pos {
    Pos {
        file: path.to_path_buf(),
        line: 1,
        column: 1,
    }
}

/// A file of a scanned directory whose extension runtimes skip: reported when its name
/// suggests it was meant as a config (`10-net.conf.bak`, `net.CONFLIST`, `x.json~`).
pub(crate) fn ignored_in_dir(path: &Path, sink: &mut Sink) {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if name.contains(".conf") || name.contains(".json") {
        sink.emit_at(
            &IGNORED_EXTENSION,
            &start_of(path),
            "runtimes skip this file: they load only names ending in .conflist, .conf or .json (case-sensitive)".into(),
            Some("rename it if it should be loaded; move it out of the directory if not".into()),
        );
    }
}

/// A file named on the command line whose extension runtimes skip.
pub(crate) fn ignored_explicit(path: &Path, sink: &mut Sink) {
    sink.emit_at(
        &IGNORED_EXTENSION,
        &start_of(path),
        "runtimes would skip this file in a config directory: they load only names ending in .conflist, .conf or .json; it was checked by its content".into(),
        Some("name it .conflist (a list) or .conf (a single plugin)".into()),
    );
}

fn file_name(p: &Path) -> String {
    p.file_name().map_or_else(
        || p.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// The directory rules over the networks of every scanned directory.
pub(crate) fn check(facts: &[NetworkFacts], sink: &mut Sink) {
    let mut groups: HashMap<&Path, Vec<&NetworkFacts>> = HashMap::new();
    let mut order: Vec<&Path> = Vec::new();
    for f in facts {
        let g = f.group.as_deref().unwrap_or(Path::new(""));
        if !groups.contains_key(g) {
            order.push(g);
        }
        groups.entry(g).or_default().push(f);
    }
    for g in order {
        let nets = &groups[g];
        duplicates(nets, sink);
        overlaps(nets, sink);
    }
}

/// Files defining one network name. libcni (cnitool, cnictl, lookups by name) takes the first
/// .conflist in name order, else the first .conf/.json; containerd and CRI-O take files in
/// name order regardless of extension.
fn duplicates(nets: &[&NetworkFacts], sink: &mut Sink) {
    let mut by_name: HashMap<&str, Vec<&NetworkFacts>> = HashMap::new();
    for n in nets {
        if let Some(name) = n.name.as_deref().filter(|n| !n.is_empty()) {
            by_name.entry(name).or_default().push(n);
        }
    }
    let mut names: Vec<_> = by_name.into_iter().filter(|(_, v)| v.len() > 1).collect();
    names.sort_by(|a, b| a.0.cmp(b.0));
    for (name, files) in names {
        let libcni = files
            .iter()
            .filter(|f| f.kind == FileKind::List)
            .min_by(|a, b| a.file.cmp(&b.file))
            .or_else(|| files.iter().min_by(|a, b| a.file.cmp(&b.file)))
            .copied();
        let by_order = files.iter().min_by(|a, b| a.file.cmp(&b.file)).copied();
        let (Some(winner), Some(first)) = (libcni, by_order) else {
            continue;
        };
        for f in &files {
            if std::ptr::eq(*f, winner) {
                continue;
            }
            let mut message = format!(
                "network {name:?} is also defined in {}",
                file_name(&winner.file)
            );
            let rule = if winner.kind == FileKind::List && f.kind == FileKind::Single {
                message.push_str(", which libcni (cnitool, cnictl, runtimes looking up a network by name) always uses: a .conflist beats a .conf");
                &CONFLIST_SHADOWS_CONF
            } else {
                message.push_str(", which libcni uses: it sorts first");
                &DUPLICATE_NETWORK
            };
            if std::ptr::eq(*f, first) {
                message
                    .push_str("; containerd and CRI-O take files in name order and pick this one");
            }
            sink.emit_at(
                rule,
                &f.name_pos,
                message,
                Some("give each network its own name, or remove the stale file".into()),
            );
        }
    }
}

struct Entry<'a> {
    family: Family,
    first: u128,
    last: u128,
    network: &'a str,
    file: &'a PathBuf,
    text: String,
    pos: &'a Pos,
}

fn overlaps(nets: &[&NetworkFacts], sink: &mut Sink) {
    let mut entries: Vec<Entry> = Vec::new();
    for n in nets {
        let Some(name) = n.name.as_deref() else {
            continue;
        };
        for s in &n.subnets {
            entries.push(Entry {
                family: s.cidr.addr.family,
                first: s.cidr.network().value,
                last: s.cidr.last().value,
                network: name,
                file: &n.file,
                text: s.cidr.network_string(),
                pos: &s.pos,
            });
        }
    }
    // Containing blocks first: by family, start, then widest.
    entries.sort_by(|a, b| {
        (a.family, a.first, std::cmp::Reverse(a.last)).cmp(&(
            b.family,
            b.first,
            std::cmp::Reverse(b.last),
        ))
    });
    let mut stack: Vec<&Entry> = Vec::new();
    for e in &entries {
        while stack
            .last()
            .is_some_and(|top| top.family != e.family || top.last < e.first)
        {
            stack.pop();
        }
        if let Some(other) = stack.iter().rev().find(|o| o.network != e.network) {
            sink.emit_at(
                &SUBNET_OVERLAP,
                e.pos,
                format!(
                    "subnet {} of network {:?} overlaps subnet {} of network {:?} ({} line {})",
                    e.text,
                    e.network,
                    other.text,
                    other.network,
                    file_name(other.file),
                    other.pos.line
                ),
                Some("networks on one node need their own address ranges, or containers of both get clashing addresses and routes".into()),
            );
        }
        // An identical block of the same network adds nothing to the stack (and keeps it
        // shallow when many networks repeat one subnet).
        let same = stack.last().is_some_and(|t| {
            t.network == e.network && t.family == e.family && t.first == e.first && t.last == e.last
        });
        if !same {
            stack.push(e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::net::Cidr;
    use crate::validate::SubnetUse;

    fn net(name: &str, file: &str, kind: FileKind, subnets: &[(&str, usize)]) -> NetworkFacts {
        let pos = |line| Pos {
            file: PathBuf::from(file),
            line,
            column: 1,
        };
        NetworkFacts {
            file: PathBuf::from(file),
            kind,
            group: Some(PathBuf::from("d")),
            name: Some(name.to_string()),
            name_pos: pos(1),
            version: Some("1.0.0".into()),
            version_from_list: false,
            version_pos: pos(1),
            binaries: Vec::new(),
            subnets: subnets
                .iter()
                .map(|(c, line)| SubnetUse {
                    cidr: Cidr::parse(c).unwrap(),
                    pos: pos(*line),
                })
                .collect(),
        }
    }

    #[test]
    fn libcni_and_containerd_winners() {
        let nets = [
            net("a", "d/10-a.conf", FileKind::Single, &[]),
            net("a", "d/20-a.conflist", FileKind::List, &[]),
            net("a", "d/30-a.conflist", FileKind::List, &[]),
            net("b", "d/40-b.conf", FileKind::Single, &[]),
            net("b", "d/50-b.json", FileKind::Single, &[]),
        ];
        let mut sink = Sink::default();
        check(&nets, &mut sink);
        let got: Vec<(&str, String)> = sink
            .diagnostics
            .iter()
            .map(|d| (d.rule, d.file.display().to_string()))
            .collect();
        assert_eq!(
            got,
            [
                ("conflist-shadows-conf", "d/10-a.conf".to_string()),
                ("duplicate-network", "d/30-a.conflist".to_string()),
                ("duplicate-network", "d/50-b.json".to_string()),
            ]
        );
        // 10-a.conf sorts first: containerd and CRI-O pick it, libcni does not.
        assert!(sink.diagnostics[0].message.contains("20-a.conflist"));
        assert!(sink.diagnostics[0].message.contains("containerd"));
        assert!(!sink.diagnostics[1].message.contains("containerd"));
    }

    /// The sweep against comparing every pair: each finding is a real overlap with another
    /// network, and every overlapping pair of networks gets at least one finding.
    #[test]
    fn overlap_sweep_agrees_with_all_pairs() {
        let mut rng = crate::test_rng::Rng(0x2545_f491_4f6c_dd1d);
        for _ in 0..200 {
            let mut cidrs = Vec::new();
            for i in 0..40 {
                let prefix = 8 + rng.below(17) as u32;
                let addr = (10u32 << 24) | ((rng.below(1 << 20) as u32) << 4);
                let mask = u32::MAX << (32 - prefix);
                let c = format!("{}/{prefix}", std::net::Ipv4Addr::from(addr & mask));
                cidrs.push((format!("n{}", rng.below(8)), c, i + 1));
            }
            let nets: Vec<NetworkFacts> = cidrs
                .iter()
                .map(|(n, c, line)| {
                    net(n, &format!("d/{n}.conflist"), FileKind::List, &[(c, *line)])
                })
                .collect();
            let mut sink = Sink::default();
            overlaps(&nets.iter().collect::<Vec<_>>(), &mut sink);
            let flagged: Vec<usize> = sink.diagnostics.iter().map(|d| d.line).collect();
            let parsed: Vec<(String, Cidr)> = cidrs
                .iter()
                .map(|(n, c, _)| (n.clone(), Cidr::parse(c).unwrap()))
                .collect();
            let meets = |a: &Cidr, b: &Cidr| a.contains(b.network()) || b.contains(a.network());
            for (i, (na, a)) in parsed.iter().enumerate() {
                let has_other = parsed.iter().any(|(nb, b)| nb != na && meets(a, b));
                assert!(!flagged.contains(&(i + 1)) || has_other, "{cidrs:?}");
                for (j, (nb, b)) in parsed.iter().enumerate().skip(i + 1) {
                    if na != nb && meets(a, b) {
                        assert!(
                            flagged.contains(&(i + 1)) || flagged.contains(&(j + 1)),
                            "{} and {} overlap, neither reported: {cidrs:?}",
                            cidrs[i].1,
                            cidrs[j].1
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn many_networks_sharing_one_subnet_stay_fast() {
        let nets: Vec<NetworkFacts> = (0..20_000)
            .map(|i| {
                let n = format!("n{}", i % 2);
                net(&n, "d/x.conflist", FileKind::List, &[("10.0.0.0/8", i + 1)])
            })
            .collect();
        let start = std::time::Instant::now();
        let mut sink = Sink::default();
        overlaps(&nets.iter().collect::<Vec<_>>(), &mut sink);
        assert_eq!(sink.diagnostics.len(), 19_999);
        assert!(
            start.elapsed() < std::time::Duration::from_secs(5),
            "{:?}",
            start.elapsed()
        );
    }
}
