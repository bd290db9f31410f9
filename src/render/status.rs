//! `cnictl status`: one row per plugin (IPAM plugins included) with the network's verdict, or
//! the same as JSON.

use super::metrics::Metrics;
use super::{error::plugin_json, print_json, write_stdout, Output, Printer, State};
use cnictl::runtime::status::{
    NetworkState, NetworkStatus, PluginReport, PluginStatus, StatusSkip,
};
use cnictl::types::version::Version;
use cnictl::KNOWN_VERSIONS;
use serde_json::{json, Value};

/// The one-word verdict (single tokens, so piped tables split on whitespace).
fn state_word(s: &NetworkState) -> &'static str {
    match s {
        NetworkState::Ready => "ready",
        NetworkState::NotReady { .. } => "not-ready",
        NetworkState::CannotReport { .. } => "cannot-report",
    }
}

/// `0.1.0-1.0.0` when the versions are a run of the known ones, else the list.
pub fn versions_text(versions: &[String]) -> String {
    let mut sorted: Vec<&String> = versions.iter().collect();
    sorted.sort_by_key(|v| Version::parse(v).ok());
    let first = sorted
        .first()
        .and_then(|f| KNOWN_VERSIONS.iter().position(|k| k == f));
    if let (Some(start), true) = (first, sorted.len() > 2) {
        let run = KNOWN_VERSIONS.get(start..start + sorted.len());
        if run.is_some_and(|r| r.iter().zip(&sorted).all(|(k, v)| k == v)) {
            return format!("{}-{}", sorted[0], sorted[sorted.len() - 1]);
        }
    }
    sorted
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// What the STATUS column says about a plugin.
fn status_text(r: &PluginReport, network: &NetworkStatus) -> String {
    match &r.status {
        PluginStatus::Ready => "ready".into(),
        PluginStatus::NotReady(e) => {
            let err = &e.failure.error;
            let mut s = format!("not ready: code {}", err.code);
            if let Some(name) = err.code_name() {
                s.push_str(&format!(" ({name})"));
            }
            s.push_str(&format!(": {}", err.msg));
            if !err.details.is_empty() {
                s.push_str(&format!("; {}", err.details));
            }
            s
        }
        PluginStatus::NotCalled(skip) => format!("not called: {}", row_skip_text(r, skip, network)),
    }
}

/// Why STATUS was not called; a plugin whose VERSION probe failed (timed out, was killed,
/// answered garbage) is not said to lack the version: it could not be asked.
fn row_skip_text(r: &PluginReport, skip: &StatusSkip, network: &NetworkStatus) -> String {
    match (skip, &r.versions) {
        (StatusSkip::Unsupported { up_to: None }, Some(Err(e))) => {
            format!("VERSION failed: {e}")
        }
        _ => skip_text(skip, network),
    }
}

fn skip_text(skip: &StatusSkip, network: &NetworkStatus) -> String {
    match skip {
        StatusSkip::NetworkVersion => match &network.state {
            NetworkState::CannotReport { reason } => reason.clone(),
            _ => format!("STATUS not supported by cniVersion {}", network.cni_version),
        },
        StatusSkip::Missing { binary } => format!("\"{binary}\" is not on the CNI path"),
        StatusSkip::Unsupported { up_to } => match up_to {
            Some(u) => format!("supports up to {u}"),
            None => format!("does not support cniVersion {}", network.cni_version),
        },
        StatusSkip::IpamUnsupported { ipam, up_to } => match up_to {
            Some(u) => format!("its IPAM plugin \"{ipam}\" supports up to {u}"),
            None => format!(
                "its IPAM plugin \"{ipam}\" does not support cniVersion {}",
                network.cni_version
            ),
        },
        StatusSkip::EarlierNotReady => "an earlier plugin is not ready".into(),
        StatusSkip::Delegated { by } => {
            format!("IPAM plugin; \"{by}\" forwards STATUS to it")
        }
    }
}

fn plugin_json_row(r: &PluginReport, network: &NetworkStatus) -> Value {
    let mut v = json!({
        "type": r.plugin,
        "ipamOf": r.ipam_of,
        "path": r.path.as_ref().ok().map(|p| p.display().to_string()),
        "supportedVersions": r.versions.as_ref().and_then(|v| v.as_ref().ok()),
    });
    if let Err(e) = &r.path {
        v["pathError"] = json!(e);
    }
    if let Some(Err(e)) = &r.versions {
        v["versionError"] = json!(e);
    }
    match &r.status {
        PluginStatus::Ready => v["status"] = json!("ready"),
        PluginStatus::NotReady(e) => {
            v["status"] = json!("not-ready");
            v["error"] = plugin_json(e);
        }
        PluginStatus::NotCalled(skip) => {
            v["status"] = json!("not-called");
            v["reason"] = json!(row_skip_text(r, skip, network));
        }
    }
    v
}

/// The JSON form of a report.
pub fn status_json(statuses: &[NetworkStatus], invalid: &[(String, String)], ok: bool) -> Value {
    let networks: Vec<Value> = statuses
        .iter()
        .map(|n| {
            let (state, reason) = match &n.state {
                NetworkState::Ready => ("ready", None),
                NetworkState::NotReady { reason } => ("not-ready", Some(reason)),
                NetworkState::CannotReport { reason } => ("cannot-report", Some(reason)),
            };
            json!({
                "network": n.network,
                "cniVersion": n.cni_version,
                "file": n.source.as_ref().map(|p| p.display().to_string()),
                "state": state,
                "reason": reason,
                "plugins": n.plugins.iter().map(|r| plugin_json_row(r, n)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let invalid: Vec<Value> = invalid
        .iter()
        .map(|(file, error)| json!({"file": file, "error": error}))
        .collect();
    json!({"networks": networks, "invalid": invalid, "ok": ok})
}

/// Prints the report (table or JSON on stdout, verdict notes on stderr).
pub fn print(
    p: &Printer,
    statuses: &[NetworkStatus],
    invalid: &[(String, String)],
    ok: bool,
    strict: bool,
) {
    print_invalid(p, invalid);
    if p.format(Output::Table) == Output::Json {
        print_json(&status_json(statuses, invalid, ok));
    } else {
        // The plugin's path only with -o wide: at 80 columns it would crowd out STATUS.
        let wide = p.wide();
        let mut header = vec![
            "NETWORK", "VERSION", "STATE", "PLUGIN", "PATH", "SUPPORTS", "STATUS",
        ];
        if !wide {
            header.remove(4);
        }
        let mut t = p.table(&header);
        t.shrink(&["PLUGIN", "PATH", "STATUS"]);
        for n in statuses {
            for r in &n.plugins {
                let plugin = match &r.ipam_of {
                    Some(_) => format!("ipam:{}", r.plugin),
                    None => r.plugin.clone(),
                };
                let path = match &r.path {
                    Ok(path) => path.display().to_string(),
                    Err(_) => "not-found".into(),
                };
                let supports = match &r.versions {
                    None => "-".into(),
                    Some(Ok(v)) => versions_text(v),
                    Some(Err(_)) => "unknown".into(),
                };
                let mut row = vec![
                    n.network.clone(),
                    if n.cni_version.is_empty() {
                        "\"\"".into()
                    } else {
                        n.cni_version.clone()
                    },
                    p.state(
                        state_word(&n.state),
                        match n.state {
                            NetworkState::Ready => State::Good,
                            NetworkState::NotReady { .. } => State::Bad,
                            NetworkState::CannotReport { .. } => State::Warn,
                        },
                    ),
                    plugin,
                    path,
                    supports,
                    status_text(r, n),
                ];
                if !wide {
                    row.remove(4);
                }
                t.add_row(row);
            }
        }
        write_stdout(&format!("{}\n", super::table_text(&t)));
    }
    print_verdicts(p, statuses, strict);
}

fn print_invalid(p: &Printer, invalid: &[(String, String)]) {
    for (file, error) in invalid {
        p.error(&format!(
            "{file} cannot be loaded, so the node is not ready for a runtime that reads it: {error}"
        ));
    }
}

/// What `print` says on stderr, without the report (for `-o prometheus`).
pub fn print_diagnostics(
    p: &Printer,
    statuses: &[NetworkStatus],
    invalid: &[(String, String)],
    strict: bool,
) {
    print_invalid(p, invalid);
    print_verdicts(p, statuses, strict);
}

fn print_verdicts(p: &Printer, statuses: &[NetworkStatus], strict: bool) {
    for n in statuses {
        for r in &n.plugins {
            if let Some(Err(e)) = &r.versions {
                p.warning(&format!(
                    "network \"{}\": VERSION probe of \"{}\" failed: {e}",
                    n.network, r.plugin
                ));
            }
        }
        match &n.state {
            NetworkState::Ready => {}
            NetworkState::NotReady { reason } => {
                p.error(&format!("network \"{}\" is not ready: {reason}", n.network))
            }
            NetworkState::CannotReport { reason } => p.note(&format!(
                "network \"{}\" cannot report readiness: {reason}{}",
                n.network,
                if strict {
                    " (--strict: counted as not ready)"
                } else {
                    ""
                }
            )),
        }
    }
}

/// The `-o prometheus` metrics of a report (names documented in the README).
pub fn metrics(statuses: &[NetworkStatus], invalid: &[(String, String)]) -> Metrics {
    let mut m = Metrics::new();
    for n in statuses {
        let network = [("network", n.network.as_str())];
        let (supported, ready) = match n.state {
            NetworkState::Ready => (true, Some(true)),
            NetworkState::NotReady { .. } => (true, Some(false)),
            NetworkState::CannotReport { .. } => (false, None),
        };
        m.set(
            "cnictl_network_status_supported",
            "1 when the network can report readiness (CNI STATUS: cniVersion 1.1.0 or later \
             and plugins that support it), 0 when it cannot (not a problem by itself)",
            &network,
            if supported { 1.0 } else { 0.0 },
        );
        if let Some(ready) = ready {
            m.set(
                "cnictl_network_ready",
                "1 when every plugin of the network answered STATUS with success, 0 when one \
                 did not or is missing; absent for a network that cannot report",
                &network,
                if ready { 1.0 } else { 0.0 },
            );
        }
        let plugins_missing = n.plugins.iter().filter(|r| r.path.is_err()).count();
        m.set(
            "cnictl_network_plugins_missing",
            "Plugins (IPAM included) of the network not found on the CNI path",
            &network,
            plugins_missing as f64,
        );
    }
    m.set(
        "cnictl_config_invalid_files",
        "Network config files that cannot be loaded (a runtime reading one reports the node \
         not ready)",
        &[],
        invalid.len() as f64,
    );
    m
}

/// `-o npd`: the one line node-problem-detector shows (its first 80 characters say what is
/// wrong) and whether the node is OK. A network that cannot report readiness is fine unless
/// `strict`.
pub fn npd_line(
    statuses: &[NetworkStatus],
    invalid: &[(String, String)],
    strict: bool,
) -> (String, bool) {
    let one_line = |s: &str| s.replace(['\n', '\r'], " ");
    let mut problems: Vec<String> = Vec::new();
    for n in statuses {
        match &n.state {
            NetworkState::NotReady { reason } => problems.push(format!(
                "network \"{}\" not ready: {}",
                n.network,
                one_line(reason)
            )),
            NetworkState::CannotReport { reason } if strict => problems.push(format!(
                "network \"{}\" cannot report readiness: {}",
                n.network,
                one_line(reason)
            )),
            _ => {}
        }
    }
    for (file, error) in invalid {
        problems.push(format!("{file} does not load: {}", one_line(error)));
    }
    if let Some(first) = problems.first() {
        let line = match problems.len() {
            1 => first.clone(),
            k => format!("{k} problems; {first}"),
        };
        return (line, false);
    }
    let ready = statuses
        .iter()
        .filter(|n| matches!(n.state, NetworkState::Ready))
        .count();
    let cannot = statuses.len() - ready;
    let mut line = format!("ok: {ready} network(s) ready");
    if cannot > 0 {
        line.push_str(&format!(", {cannot} cannot report readiness"));
    }
    (line, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_runs_are_shortened() {
        let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            versions_text(&v(&["0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0"])),
            "0.1.0-1.0.0"
        );
        assert_eq!(
            versions_text(&v(&["1.1.0", "0.4.0", "1.0.0"])),
            "0.4.0-1.1.0"
        );
        assert_eq!(versions_text(&v(&["0.4.0", "1.1.0"])), "0.4.0,1.1.0");
        assert_eq!(
            versions_text(&v(&["0.3.1", "1.0.0", "1.1.0"])),
            "0.3.1,1.0.0,1.1.0"
        );
        assert_eq!(versions_text(&v(&["x", "0.4.0"])), "x,0.4.0");
    }
}
