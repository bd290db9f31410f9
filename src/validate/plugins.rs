//! Plugin rules (skipped with `--static`): every plugin `type` and `ipam.type` is found on the
//! CNI path and is executable, and a VERSION call shows it supports the network's selected
//! cniVersion (the one libcni picks from `cniVersions`, which it does without asking the
//! plugins). Each binary is probed once per run, however many networks use it. When no
//! directory of the CNI path exists there is one notice instead of an error per file.

use std::collections::HashMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::invoke::{find_plugin_on, FindError, VersionCache};
use crate::noderoot::NodeRoot;

use super::diag::{
    Sink, PLUGIN_NOT_EXECUTABLE, PLUGIN_NOT_FOUND, PLUGIN_VERSION_UNKNOWN,
    PLUGIN_VERSION_UNSUPPORTED,
};
use super::NetworkFacts;

fn join(dirs: &[PathBuf]) -> String {
    dirs.iter()
        .map(|d| d.display().to_string())
        .collect::<Vec<_>>()
        .join(":")
}

fn executable(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o111 != 0)
}

/// Checks the binaries of every network; returns a notice when the CNI path does not exist.
pub(crate) fn check(
    facts: &[NetworkFacts],
    cni_path: &[PathBuf],
    root: &NodeRoot,
    versions: &VersionCache,
    sink: &mut Sink,
) -> Option<String> {
    let existing: Vec<PathBuf> = cni_path.iter().filter(|d| d.is_dir()).cloned().collect();
    if existing.is_empty() {
        let uses = facts.iter().any(|f| !f.binaries.is_empty());
        return uses.then(|| {
            format!(
                "no directory of the CNI path exists ({}): plugin binaries and versions were not checked",
                if cni_path.is_empty() { "empty".to_string() } else { join(cni_path) }
            )
        });
    }
    let mut found: HashMap<&str, Result<PathBuf, FindError>> = HashMap::new();
    for net in facts {
        for b in &net.binaries {
            if b.name.contains(['/', '\\']) || b.name == "." || b.name == ".." {
                continue; // type-path already reports these
            }
            let what = if b.ipam { "IPAM plugin" } else { "plugin" };
            let path = match found
                .entry(&b.name)
                .or_insert_with(|| find_plugin_on(&b.name, cni_path, root))
            {
                Ok(p) => p.clone(),
                Err(_) => {
                    sink.emit_at(
                        &PLUGIN_NOT_FOUND,
                        &b.pos,
                        format!(
                            "{what} {:?} is not on the CNI path ({})",
                            b.name,
                            join(cni_path)
                        ),
                        Some(not_found_hint(&b.name)),
                    );
                    continue;
                }
            };
            if !executable(&path) {
                sink.emit_at(
                    &PLUGIN_NOT_EXECUTABLE,
                    &b.pos,
                    format!(
                        "{what} {} is not executable: the runtime cannot run it",
                        path.display()
                    ),
                    Some(format!("chmod +x {}", path.display())),
                );
                continue;
            }
            let Some(version) = &net.version else {
                continue;
            };
            let wanted = if version.is_empty() {
                "0.1.0"
            } else {
                version.as_str()
            };
            match versions.supported(&path) {
                Err(e) => sink.emit_at(
                    &PLUGIN_VERSION_UNKNOWN,
                    &b.pos,
                    format!("{what} {}: the VERSION call failed, so the versions it supports are unknown: {e}", path.display()),
                    Some("CRI-O skips networks whose plugins fail VERSION; check that the binary is a CNI plugin".into()),
                ),
                Ok(supported) if !supported.iter().any(|v| v == wanted) => {
                    let how = if net.version_from_list {
                        " (libcni selected it from cniVersions without asking the plugins)"
                    } else {
                        ""
                    };
                    sink.emit_at(
                        &PLUGIN_VERSION_UNSUPPORTED,
                        &b.pos,
                        format!(
                            "{what} {} does not support cniVersion {wanted:?} (line {}){how}; it supports {}",
                            path.display(),
                            net.version_pos.line,
                            supported.join(", ")
                        ),
                        Some(if net.version_from_list {
                            "drop the newer entries from cniVersions, or upgrade the plugin".to_string()
                        } else {
                            "set cniVersion to one of the versions it supports, or upgrade the plugin".to_string()
                        }),
                    );
                }
                Ok(_) => {}
            }
        }
    }
    None
}

/// The binaries of the reference plugins (containernetworking/plugins), which distributions
/// package (Debian: containernetworking-plugins).
const REFERENCE_BINARIES: &[&str] = &[
    "bandwidth",
    "bridge",
    "dhcp",
    "dummy",
    "firewall",
    "host-device",
    "host-local",
    "ipvlan",
    "loopback",
    "macvlan",
    "portmap",
    "ptp",
    "sbr",
    "static",
    "tap",
    "tuning",
    "vlan",
    "vrf",
];

/// How to get a missing binary: the reference plugins from the distribution's package; any
/// other plugin from its own project (its installer usually copies it to /opt/cni/bin).
pub(crate) fn not_found_hint(name: &str) -> String {
    if REFERENCE_BINARIES.contains(&name) {
        "install the reference plugins (Debian: containernetworking-plugins puts them in /usr/lib/cni) or point --cni-path at their directory".to_string()
    } else {
        format!(
            "{name:?} is not a reference plugin: it comes with its own project (usually installed into /opt/cni/bin by its DaemonSet or installer); install it, or point --cni-path at its directory"
        )
    }
}

#[cfg(test)]
mod hint_tests {
    use super::*;

    #[test]
    fn only_reference_plugins_are_sent_to_the_distribution_package() {
        assert!(not_found_hint("bridge").contains("containernetworking-plugins"));
        assert!(not_found_hint("host-local").contains("containernetworking-plugins"));
        for third in [
            "flannel",
            "calico",
            "calico-ipam",
            "cilium-cni",
            "weave-net",
        ] {
            let h = not_found_hint(third);
            assert!(!h.contains("containernetworking-plugins"), "{h}");
            assert!(h.contains("not a reference plugin"), "{h}");
        }
    }
}
