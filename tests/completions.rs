//! The committed completion scripts, run by their shells against a temp setup: a config dir
//! with two networks, a cache dir with one entry, and (as root) a throwaway namespace. bash and
//! zsh get the completion variables set as their completion systems set them and the script's
//! function is called; fish runs its own machinery (`complete -C`). Each offers the live
//! values `cnictl __complete` finds.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("completions")
        .join(name)
}

/// A PATH on which `cnictl` is the binary under test.
fn path_with_cnictl() -> String {
    let bin_dir = common::cnictl_bin().parent().unwrap().to_path_buf();
    format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

struct Setup {
    _tmp: tempfile::TempDir,
    conf: String,
    cache: String,
}

fn setup() -> Setup {
    let tmp = tempfile::tempdir().unwrap();
    let conf = tmp.path().join("net.d");
    std::fs::create_dir(&conf).unwrap();
    std::fs::write(
        conf.join("10-cmplnet.conflist"),
        r#"{"cniVersion":"1.0.0","name":"cmplnet","plugins":[{"type":"bridge"}]}"#,
    )
    .unwrap();
    std::fs::write(
        conf.join("20-other.conf"),
        r#"{"cniVersion":"1.0.0","name":"othernet","type":"ptp"}"#,
    )
    .unwrap();
    let results = tmp.path().join("cache/results");
    std::fs::create_dir_all(&results).unwrap();
    std::fs::write(
        results.join("cmplnet-cmpl-container-1-eth0"),
        r#"{"kind":"cniCacheV1","containerId":"cmpl-container-1","config":"eyJjbmlWZXJzaW9uIjoiMS4wLjAiLCJuYW1lIjoiY21wbG5ldCIsInBsdWdpbnMiOlt7InR5cGUiOiJicmlkZ2UifV19","ifName":"eth0","networkName":"cmplnet","netns":"/var/run/netns/x","result":{"cniVersion":"1.0.0","ips":[{"address":"10.1.0.5/24"}]}}"#,
    )
    .unwrap();
    Setup {
        conf: conf.display().to_string(),
        cache: tmp.path().join("cache").display().to_string(),
        _tmp: tmp,
    }
}

/// What the bash script puts in COMPREPLY for `line` (the last word is the one completed),
/// with COMP_WORDS split as bash splits it (at spaces and at `=`).
fn bash(line: &str) -> Vec<String> {
    let words: Vec<&str> = line.split(' ').collect();
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let cword = words.len() - 1;
    let prog = format!(
        "source '{}' || exit 3\n\
         complete -p cnictl | grep -q -- '-F _cnictl' || exit 4\n\
         COMP_WORDS=({})\nCOMP_CWORD={cword}\nCOMP_LINE='{line}'\nCOMP_POINT=${{#COMP_LINE}}\n\
         _cnictl cnictl \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script("cnictl.bash").display(),
        quoted.join(" ")
    );
    run_shell(Command::new("bash").args(["--norc", "-c", &prog]), "bash")
}

/// What the zsh script hands to compadd for `line`, with compsys's `words` and `CURRENT`
/// (which leave out assignments before the command) and `BUFFER` (the whole line).
fn zsh(line: &str) -> Vec<String> {
    let words: Vec<&str> = line
        .split(' ')
        .skip_while(|w| w.contains('=') && !w.starts_with('-'))
        .collect();
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let prog = format!(
        "compdef() {{ registered=\"$*\" }}\n\
         compadd() {{ [[ $1 == -- ]] && shift; print -rl -- \"$@\" }}\n\
         _files() {{ print -r -- FILES }}\n\
         source '{}' || exit 3\n\
         [[ $registered == '_cnictl cnictl' ]] || exit 4\n\
         BUFFER='{line}'\nwords=({})\nCURRENT={}\n_cnictl",
        script("_cnictl").display(),
        quoted.join(" "),
        words.len()
    );
    run_shell(Command::new("zsh").args(["-f", "-c", &prog]), "zsh")
}

/// What fish offers for `line` through its own completion machinery.
fn fish(line: &str) -> Vec<String> {
    let prog = format!(
        "source '{}'; or exit 3\ncomplete -C '{line}'",
        script("cnictl.fish").display()
    );
    run_shell(
        Command::new("fish").args(["--no-config", "-c", &prog]),
        "fish",
    )
    .into_iter()
    .map(|l| l.split('\t').next().unwrap_or_default().to_string())
    .collect()
}

fn run_shell(cmd: &mut Command, shell: &str) -> Vec<String> {
    let out = cmd
        .env("PATH", path_with_cnictl())
        .env_remove("NETCONFPATH")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {shell} (apt-get install {shell}): {e}"));
    assert!(
        out.status.success(),
        "{shell} failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn bash_offers_networks_container_ids_subcommands_and_options() {
    let s = setup();
    let conf = &s.conf;
    assert_eq!(
        bash(&format!("cnictl --conf-dir {conf} add ")),
        ["cmplnet", "othernet"]
    );
    assert_eq!(
        bash(&format!("cnictl --conf-dir = {conf} del cm")),
        ["cmplnet"]
    );
    assert_eq!(
        bash(&format!(
            "cnictl --cache-dir {} check cmplnet x --container-id ",
            s.cache
        )),
        ["cmpl-container-1"]
    );
    assert_eq!(bash("cnictl --color ="), ["auto", "always", "never"]);
    assert_eq!(bash("cnictl vali"), ["validate"]);
    assert_eq!(
        bash("cnictl validate --deny cni-version-m"),
        ["cni-version-missing"]
    );
    let opts = bash("cnictl del --");
    assert!(opts.contains(&"--rm-netns".to_string()), "{opts:?}");
    assert!(!opts.iter().any(|o| o == "--cap-args"), "{opts:?}");
    let subs = bash("cnictl ");
    assert!(subs.contains(&"inspect".to_string()), "{subs:?}");
    assert!(
        !subs
            .iter()
            .any(|s| s.starts_with("__") || s == "generate-man"),
        "{subs:?}"
    );
    // A bad directory gives no candidates (bash then offers file names).
    assert!(bash("cnictl --conf-dir /nonexistent/cnictl add ").is_empty());
}

#[test]
fn zsh_offers_networks_and_container_ids() {
    let s = setup();
    assert_eq!(
        zsh(&format!("cnictl --conf-dir={} status ", s.conf)),
        ["cmplnet", "othernet"]
    );
    assert_eq!(
        zsh(&format!(
            "cnictl --cache-dir {} attachments show cmplnet ",
            s.cache
        )),
        ["cmpl-container-1"]
    );
    assert_eq!(zsh("cnictl validate "), ["FILES"]);
    assert_eq!(
        zsh(&format!("NETCONFPATH={} cnictl check c", s.conf)),
        ["cmplnet"]
    );
}

#[test]
fn fish_offers_networks_and_container_ids() {
    let s = setup();
    assert_eq!(
        fish(&format!("cnictl --conf-dir {} gc ", s.conf)),
        ["cmplnet", "othernet"]
    );
    assert_eq!(
        fish(&format!(
            "cnictl --cache-dir {} del cmplnet x --container-id ",
            s.cache
        )),
        ["cmpl-container-1"]
    );
    assert_eq!(fish("cnictl --color "), ["always", "auto", "never"]);
    assert_eq!(
        fish(&format!("NETCONFPATH={} cnictl add oth", s.conf)),
        ["othernet"]
    );
}

#[test]
fn the_variable_netconfpath_on_the_line_is_honoured() {
    let s = setup();
    let out = Command::new(common::cnictl_bin())
        .args(["__complete", "3"])
        .args([&format!("NETCONFPATH={}", s.conf), "cnictl", "add", "oth"])
        .env_remove("NETCONFPATH")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), "othernet\n");
    let out = Command::new(common::cnictl_bin())
        .args(["__complete", "2", "cnictl", "ls", ""])
        .env("NETCONFPATH", &s.conf)
        .output()
        .unwrap();
    assert!(out.status.success() && out.stderr.is_empty());
}

/// Removes the throwaway namespace, also when the test fails.
struct Netns(String);

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip")
            .args(["netns", "delete", &self.0])
            .status();
    }
}

#[test]
#[ignore = "needs root: creates a throwaway network namespace"]
fn every_shell_offers_a_namespace_name() {
    let name = format!("cnictl-cmpl-{}", common::token());
    let st = Command::new("ip")
        .args(["netns", "add", &name])
        .status()
        .expect("cannot run ip (apt-get install iproute2)");
    assert!(st.success(), "ip netns add {name} failed (needs root)");
    let _ns = Netns(name.clone());
    // The whole name as the prefix: other runs may have namespaces of their own.
    assert_eq!(bash(&format!("cnictl add mynet {name}")), [name.as_str()]);
    assert_eq!(
        bash(&format!("cnictl --host-netns {name}")),
        [name.as_str()]
    );
    assert_eq!(zsh(&format!("cnictl inspect {name}")), [name.as_str()]);
    assert_eq!(fish(&format!("cnictl del mynet {name}")), [name.as_str()]);
    assert_eq!(
        fish(&format!("cnictl ls --host-netns {name}")),
        [name.as_str()]
    );
}

#[test]
fn complete_with_root_offers_what_ls_lists_under_it() {
    // A node tree: networks in its /etc/cni/net.d, a cache entry in its /var/lib/cni.
    let t = tempfile::tempdir().unwrap();
    let r = t.path();
    let conf = r.join("etc/cni/net.d");
    std::fs::create_dir_all(&conf).unwrap();
    std::fs::write(
        conf.join("10-nodenet.conflist"),
        r#"{"cniVersion":"1.0.0","name":"nodenet","plugins":[{"type":"bridge"}]}"#,
    )
    .unwrap();
    let results = r.join("var/lib/cni/results");
    std::fs::create_dir_all(&results).unwrap();
    std::fs::write(
        results.join("nodenet-ctr-node-eth0"),
        r#"{"kind":"cniCacheV1","containerId":"ctr-node","config":"e30=","ifName":"eth0","networkName":"nodenet","netns":"/var/run/netns/x","result":{"cniVersion":"1.0.0"}}"#,
    )
    .unwrap();
    let root = r.display().to_string();
    let complete = |args: &[&str], env: &[(&str, &str)]| -> String {
        let mut cmd = Command::new(common::cnictl_bin());
        cmd.arg("__complete")
            .arg((args.len() - 1).to_string())
            .args(args)
            .env_remove("NETCONFPATH")
            .env_remove("CNICTL_ROOT");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert_eq!(
        complete(&["cnictl", "--root", &root, "status", ""], &[]),
        "nodenet\n"
    );
    assert_eq!(
        complete(&["cnictl", "status", ""], &[("CNICTL_ROOT", &root)]),
        "nodenet\n"
    );
    assert_eq!(
        complete(
            &[
                "cnictl",
                "--root",
                &root,
                "attachments",
                "show",
                "nodenet",
                ""
            ],
            &[]
        ),
        "ctr-node\n"
    );
    // What ls lists there.
    let ls = Command::new(common::cnictl_bin())
        .args(["--root", &root, "ls", "--no-probe", "-o", "json"])
        .env_remove("NETCONFPATH")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&ls.stdout).contains("\"network\": \"nodenet\""));
}
