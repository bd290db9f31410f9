//! `cnictl ipam [NETWORK]...`: host-local's reservations, audited against the cache; with
//! `--release`, the unowned reservations of containers outside a valid set freed.

use super::gc::read_input;
use super::metrics::{self, MetricsArgs};
use super::Settings;
use crate::exit_codes as exit;
use crate::render::{self, Output};
use anyhow::{bail, Context};
use cnictl::config::{self, NetworkConfigList};
use cnictl::inventory::{self, ipam};
use cnictl::runtime::gc::{parse_valid_list, parse_valid_pair};
use cnictl::types::ident::validate_container_id;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// Arguments of `ipam`.
#[derive(Debug, clap::Args)]
#[command(after_long_help = IPAM_HELP)]
pub struct IpamArgs {
    /// Networks to audit (default: every network of the config dir whose chain uses host-local)
    #[arg(value_name = "NETWORK")]
    pub networks: Vec<String>,

    /// Free the unowned reservations (no cache entry) of containers not in the valid set
    #[arg(long)]
    pub release: bool,

    /// A container still in use, CONTAINER_ID or CONTAINER_ID:IFNAME (repeatable)
    #[arg(long, value_name = "ID[:IFNAME]", requires = "release")]
    pub valid: Vec<String>,

    /// Read the containers still in use from FILE, or stdin with -: a JSON array of
    /// {"containerID": .., "ifname": ..} objects, or lines "ID IFNAME"
    #[arg(long, value_name = "FILE", requires = "release")]
    pub valid_from: Option<PathBuf>,

    /// Containers with a cached attachment whose netns still exists are in use
    #[arg(long, requires = "release", conflicts_with_all = ["valid", "valid_from"])]
    pub live: bool,

    /// With --release, print what would be freed; change nothing
    #[arg(long, requires = "release")]
    pub dry_run: bool,

    #[command(flatten)]
    pub metrics: MetricsArgs,
}

const IPAM_HELP: &str = "\
host-local keeps one file per reserved address in <dataDir>/<network> (dataDir defaults to
/var/lib/cni/networks), holding the container ID and ifname. A reservation is owned when a
cached attachment of the network has that container ID and ifname, unowned otherwise: made
through another cache dir (multus, flannel), or leaked.

--release frees unowned reservations only when told which containers are still in use:
--valid / --valid-from (the containers a container runtime has) or --live. A reservation is
kept when its container ID is in that set (whatever the ifname). Only the reservation's file
is removed, while holding host-local's lock; stale cached attachments are gc's job.";

const NO_VALID_SET: &str = "ipam --release needs to know which containers are still in use, and will not guess: give --valid CONTAINER_ID[:IFNAME] or --valid-from FILE (the containers a container runtime has), or --live (containers whose cached netns still exists); nothing was changed";

fn valid_ids(s: &Settings, a: &IpamArgs) -> anyhow::Result<ipam::ValidIds> {
    if a.live {
        let all = inventory::list_attachments(&s.cache, None)
            .with_context(|| format!("cannot list the cache {}", s.cache.dir.display()))?;
        return Ok(ipam::ValidIds::live(&all.attachments));
    }
    if a.valid.is_empty() && a.valid_from.is_none() {
        bail!(NO_VALID_SET);
    }
    let mut ids = BTreeSet::new();
    for v in &a.valid {
        if v.contains(':') {
            ids.insert(parse_valid_pair(v).context("--valid")?.0);
        } else {
            validate_container_id(v)
                .map_err(|e| anyhow::anyhow!("--valid: container ID {v:?}: {}", e.msg))?;
            ids.insert(v.clone());
        }
    }
    if let Some(path) = &a.valid_from {
        let (name, text) = read_input(path)?;
        let list = parse_valid_list(&text).with_context(|| format!("--valid-from {name}"))?;
        ids.extend(list.into_iter().map(|(id, _)| id));
    }
    Ok(ipam::ValidIds(ids))
}

/// The networks to audit: those named, or every network of the config dir (first file wins,
/// as libcni's lookup by name).
fn networks(s: &Settings, a: &IpamArgs) -> anyhow::Result<Vec<NetworkConfigList>> {
    let mut out: Vec<NetworkConfigList> = Vec::new();
    if a.networks.is_empty() {
        for f in config::scan_on(&s.conf_dir, &s.node_root)? {
            match f.result {
                Ok(l) if !out.iter().any(|o| o.name == l.name) => out.push(l),
                Ok(_) => {}
                Err(e) => s.printer.warning(&format!("{e} (skipped)")),
            }
        }
        return Ok(out);
    }
    for name in &a.networks {
        if out.iter().any(|o| &o.name == name) {
            continue;
        }
        let loaded = super::attach::load_named(s, name)??;
        for w in loaded.warnings {
            s.printer.warning(&w.to_string());
        }
        out.push(loaded.list);
    }
    Ok(out)
}

/// The audit of every network asked about.
fn audits(s: &Settings, a: &IpamArgs) -> anyhow::Result<Vec<ipam::NetworkIpam>> {
    let lists = networks(s, a)?;
    let cached = inventory::list_attachments(&s.cache, None)
        .with_context(|| format!("cannot list the cache {}", s.cache.dir.display()))?;
    let mut audits = Vec::new();
    for l in &lists {
        // dataDir names a directory of the node: under --root, looked for there.
        let mut hls = ipam::host_locals(l);
        for h in &mut hls {
            h.data_dir = s.node_root.resolve(&h.data_dir)?;
        }
        if hls.is_empty() && !a.networks.is_empty() {
            bail!(
                "network {:?} ({}) does not use host-local",
                l.name,
                l.source
                    .as_ref()
                    .map_or(String::new(), |p| p.display().to_string())
            );
        }
        for h in &hls {
            audits.push(ipam::audit(&l.name, h, &cached.attachments)?);
        }
    }
    Ok(audits)
}

/// Runs `ipam`.
pub fn run(s: &Settings, a: IpamArgs) -> anyhow::Result<i32> {
    if a.metrics.wanted(s)? {
        if a.release {
            bail!("ipam --release prints no metrics: run ipam -o prometheus (or --metrics-file) without it");
        }
        return metrics::run(s, &a.metrics, "ipam", || {
            let audits = audits(s, &a)?;
            for n in &audits {
                for problem in n.host_local.problems.iter().chain(&n.problems) {
                    s.printer
                        .warning(&format!("network {}: {problem}", n.network));
                }
            }
            Ok((render::ipam::metrics(&audits), exit::OK))
        });
    }
    let valid = if a.release {
        Some(valid_ids(s, &a)?)
    } else {
        None
    };
    let audits = audits(s, &a)?;
    let mut release = None;
    let mut failed = false;
    if let Some(valid) = &valid {
        let mut done = Vec::new();
        for n in &audits {
            let plan = ipam::plan_release(n, valid);
            if plan.is_empty() {
                continue;
            }
            if a.dry_run {
                done.extend(plan.into_iter().map(|i| (i, None)));
            } else {
                for (i, o) in ipam::release(&n.store, &plan)? {
                    failed |= matches!(o, ipam::ReleaseOutcome::Failed(_));
                    done.push((i, Some(o)));
                }
            }
        }
        release = Some(render::ipam::Release {
            dry_run: a.dry_run,
            items: done,
        });
    }
    match s.printer.format(Output::Table) {
        Output::Json => render::print_json(&render::ipam::ipam_json(&audits, release.as_ref())),
        _ => {
            if audits.is_empty() {
                s.printer.note(&format!(
                    "no network of {} uses host-local",
                    s.conf_dir.display()
                ));
            }
            render::ipam::print(&s.printer, &audits, release.as_ref());
        }
    }
    Ok(if failed { exit::FAILED } else { exit::OK })
}
