//! The environment of a plugin process (libcni `Args.AsEnv`): the caller's environment with the
//! six `CNI_*` variables set, minus the variables that only configure the runtime itself.
//!
//! The parent environment is an input (a slice), never read from the process: the library does
//! not read environment variables.

use super::{CniArgs, Command};
use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

/// The environment cnictl started with, read once and shared by whatever runs plugins.
pub type ParentEnv = std::sync::Arc<Vec<(OsString, OsString)>>;

/// The `PATH` a plugin gets when the parent environment has none (plugins run `iptables` and
/// friends through it).
pub const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// The variables the runtime sets on every call.
const CNI_VARS: [&str; 6] = [
    "CNI_COMMAND",
    "CNI_CONTAINERID",
    "CNI_NETNS",
    "CNI_IFNAME",
    "CNI_ARGS",
    "CNI_PATH",
];

/// Variables that configure cnitool/cnictl and mean nothing to a plugin.
const RUNTIME_ONLY: [&str; 2] = ["CAP_ARGS", "NETCONFPATH"];

/// Joins `CNI_ARGS` pairs as libcni does: `K=V;K2=V2`, no escaping, `""` when there are none.
pub fn join_cni_args(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(";")
}

/// Joins `CNI_PATH` directories with `:`.
fn join_path_list(dirs: &[PathBuf]) -> OsString {
    let mut out = Vec::new();
    for (i, d) in dirs.iter().enumerate() {
        if i > 0 {
            out.push(b':');
        }
        out.extend_from_slice(d.as_os_str().as_bytes());
    }
    OsStr::from_bytes(&out).to_os_string()
}

/// The plugin's env: parent env minus CAP_ARGS/NETCONFPATH (and old CNI_*), plus the six
/// CNI_* vars; a default PATH when the parent has none (or an empty one).
///
/// Parent entries keep their order; a key repeated in the parent keeps its last value (as
/// libcni's de-duplication does). The six `CNI_*` variables come last, in a fixed order.
pub fn build_env(
    parent: &[(OsString, OsString)],
    command: Command,
    args: &CniArgs,
) -> Vec<(OsString, OsString)> {
    let vars: [(&str, OsString); 6] = [
        ("CNI_COMMAND", command.as_str().into()),
        ("CNI_CONTAINERID", args.container_id.clone().into()),
        ("CNI_NETNS", args.netns.clone().into()),
        ("CNI_IFNAME", args.ifname.clone().into()),
        ("CNI_ARGS", join_cni_args(&args.args).into()),
        ("CNI_PATH", join_path_list(&args.path)),
    ];
    assemble(parent, vars)
}

/// The env of a VERSION call: `CNI_COMMAND=VERSION`, `CNI_NETNS`, `CNI_IFNAME` and `CNI_PATH`
/// set to `dummy`, `CNI_CONTAINERID` and `CNI_ARGS` empty (libcni `GetVersionInfo`).
pub fn version_env(parent: &[(OsString, OsString)]) -> Vec<(OsString, OsString)> {
    let vars: [(&str, OsString); 6] = [
        ("CNI_COMMAND", "VERSION".into()),
        ("CNI_CONTAINERID", "".into()),
        ("CNI_NETNS", "dummy".into()),
        ("CNI_IFNAME", "dummy".into()),
        ("CNI_ARGS", "".into()),
        ("CNI_PATH", "dummy".into()),
    ];
    assemble(parent, vars)
}

fn assemble(
    parent: &[(OsString, OsString)],
    vars: [(&str, OsString); 6],
) -> Vec<(OsString, OsString)> {
    let mut out: Vec<(OsString, OsString)> = Vec::with_capacity(parent.len() + 7);
    for (k, v) in parent {
        let dropped = k
            .to_str()
            .is_some_and(|k| CNI_VARS.contains(&k) || RUNTIME_ONLY.contains(&k));
        if dropped || k.is_empty() {
            continue;
        }
        match out.iter_mut().find(|(ok, _)| ok == k) {
            Some(slot) => slot.1 = v.clone(),
            None => out.push((k.clone(), v.clone())),
        }
    }
    let has_path = out.iter().any(|(k, v)| k == "PATH" && !v.is_empty());
    if !has_path {
        out.retain(|(k, _)| k != "PATH");
        out.push(("PATH".into(), DEFAULT_PATH.into()));
    }
    out.extend(vars.into_iter().map(|(k, v)| (OsString::from(k), v)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(OsString, OsString)> {
        list.iter()
            .map(|(k, v)| (OsString::from(k), OsString::from(v)))
            .collect()
    }

    fn get<'a>(env: &'a [(OsString, OsString)], key: &str) -> Option<&'a str> {
        env.iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| v.to_str())
    }

    #[test]
    fn replaces_parent_cni_vars_and_drops_runtime_vars() {
        // Digest case 37: the parent's CNI_* values are replaced, never doubled.
        let parent = pairs(&[
            ("PATH", "/bin"),
            ("CNI_COMMAND", "DEL"),
            ("CNI_IFNAME", "eth0"),
            ("CNI_CONTAINERID", "old"),
            ("CNI_NETNS", "/old"),
            ("CNI_ARGS", "X=1"),
            ("CNI_PATH", "/old"),
            ("CAP_ARGS", "{}"),
            ("NETCONFPATH", "/etc/cni/net.d"),
            ("HOME", "/root"),
        ]);
        let args = CniArgs {
            container_id: "some-container-id".into(),
            netns: "/var/run/netns/x".into(),
            ifname: "eth7".into(),
            args: vec![
                ("KEY1".into(), "VALUE1".into()),
                ("KEY2".into(), "VALUE2".into()),
            ],
            path: vec![PathBuf::from("/opt/cni/bin"), PathBuf::from("/usr/lib/cni")],
        };
        let env = build_env(&parent, Command::Add, &args);
        assert_eq!(
            env,
            pairs(&[
                ("PATH", "/bin"),
                ("HOME", "/root"),
                ("CNI_COMMAND", "ADD"),
                ("CNI_CONTAINERID", "some-container-id"),
                ("CNI_NETNS", "/var/run/netns/x"),
                ("CNI_IFNAME", "eth7"),
                ("CNI_ARGS", "KEY1=VALUE1;KEY2=VALUE2"),
                ("CNI_PATH", "/opt/cni/bin:/usr/lib/cni"),
            ])
        );
    }

    #[test]
    fn default_path_and_empty_args() {
        let env = build_env(
            &pairs(&[("PATH", ""), ("A", "1"), ("A", "2")]),
            Command::Gc,
            &CniArgs::default(),
        );
        assert_eq!(get(&env, "PATH"), Some(DEFAULT_PATH));
        assert_eq!(get(&env, "A"), Some("2"));
        assert_eq!(env.iter().filter(|(k, _)| k == "A").count(), 1);
        assert_eq!(get(&env, "CNI_ARGS"), Some(""));
        assert_eq!(get(&env, "CNI_PATH"), Some(""));
        assert_eq!(get(&env, "CNI_COMMAND"), Some("GC"));
        assert_eq!(env.len(), 8);
        // No escaping in CNI_ARGS, as libcni.
        assert_eq!(join_cni_args(&[("A".into(), "b;c=d".into())]), "A=b;c=d");
    }

    #[test]
    fn a_repeated_key_keeps_its_first_place_and_its_last_value() {
        let env = build_env(
            &pairs(&[
                ("B", "1"),
                ("A", "x"),
                ("C", "y"),
                ("B", "2"),
                ("A", "z"),
                ("B", "3"),
                ("", "no key"),
            ]),
            Command::Add,
            &CniArgs::default(),
        );
        let parent_part: Vec<_> = env
            .iter()
            .take_while(|(k, _)| k != "PATH")
            .cloned()
            .collect();
        assert_eq!(parent_part, pairs(&[("B", "3"), ("A", "z"), ("C", "y")]));
    }

    #[test]
    fn version_env_uses_dummies() {
        let env = version_env(&pairs(&[("PATH", "/x"), ("CNI_NETNS", "/real")]));
        assert_eq!(
            env,
            pairs(&[
                ("PATH", "/x"),
                ("CNI_COMMAND", "VERSION"),
                ("CNI_CONTAINERID", ""),
                ("CNI_NETNS", "dummy"),
                ("CNI_IFNAME", "dummy"),
                ("CNI_ARGS", ""),
                ("CNI_PATH", "dummy"),
            ])
        );
    }
}
