//! CLI tests of bad input (no root, fake plugins): each is refused with one clear error line
//! naming what is wrong and the documented exit code, never a panic, and leaves nothing
//! behind — no cache entry, no namespace, no plugin run (for what must be refused before
//! anything runs) or a complete rollback (for plugins that misbehave).

mod common;

use common::fake::{tags, the_error, Sandbox};
use common::{NetnsName, Run};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// Every file and directory under the sandbox except cnictl's captured output, cnictl's own
/// lock files (and the cache dir holding them) and the call log: what a refused command must
/// not change.
fn snapshot(sb: &Sandbox) -> Vec<PathBuf> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for e in rd.filter_map(|e| e.ok()) {
            let p = e.path();
            let rel = p.strip_prefix(root).unwrap_or(&p).to_path_buf();
            let s = rel.to_string_lossy();
            // cnictl's lock files (the container lock is taken before the namespace is
            // looked at) are not state; the results directory is
            if s.starts_with("out-")
                || s == "calls.jsonl"
                || s == "cache"
                || s.starts_with("cache/cnictl")
            {
                continue;
            }
            out.push(rel);
            if p.is_dir() && !p.is_symlink() {
                walk(root, &p, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(sb.dir.path(), sb.dir.path(), &mut out);
    out.sort();
    out
}

/// Runs `args` (after the sandbox's dir flags) and asserts a refusal before anything ran:
/// `code`, one error line containing every one of `parts`, no panic, nothing on stdout, no
/// plugin call, no cache entry, no file added or removed.
fn refused(sb: &Sandbox, args: &[&str], code: i32, parts: &[&str]) -> Run {
    refused_with(sb, sb.cnictl().args(args), code, parts)
}

fn refused_with(sb: &Sandbox, cmd: common::fake::Cnictl<'_>, code: i32, parts: &[&str]) -> Run {
    let before = snapshot(sb);
    let r = cmd.run();
    let r = r.expect(code, &format!("refusal containing {parts:?}"));
    let line = the_error(&r);
    for p in parts {
        assert!(line.contains(p), "{p:?} missing in: {line}");
    }
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert_eq!(r.stdout, "", "stdout of a refusal");
    assert_eq!(
        tags(&sb.take_calls()),
        Vec::<String>::new(),
        "no plugin ran"
    );
    assert_eq!(sb.cache_files(), Vec::<String>::new(), "no cache entry");
    assert_eq!(snapshot(sb), before, "files changed");
    r
}

fn sandbox() -> Sandbox {
    let sb = Sandbox::new(&["p1", "p2", "p3"]);
    sb.conflist(
        "n1",
        "1.0.0",
        json!([{"type": "p1"}, {"type": "p2"}, {"type": "p3"}]),
    );
    sb
}

#[test]
fn missing_conf_dir() {
    let sb = sandbox();
    let absent = sb.path("absent.d");
    let name = NetnsName::new("cnictl-cli-bad");
    let absent_s = absent.to_string_lossy().into_owned();
    refused_with(
        &sb,
        sb.cnictl()
            .conf_dir(&absent_s)
            .args(&["add", "n1", &name.0]),
        2,
        &[&absent_s, "does not exist"],
    );
    assert!(!name.exists(), "a netns was created");
}

#[test]
fn unknown_network_lists_the_networks_present() {
    let sb = sandbox();
    sb.write_conf(
        "20-n2.conf",
        &json!({"cniVersion": "1.0.0", "name": "n2", "type": "p1"}).to_string(),
    );
    let name = NetnsName::new("cnictl-cli-bad");
    let conf = sb.conf_dir().to_string_lossy().into_owned();
    refused(
        &sb,
        &["add", "nX", &name.0],
        2,
        &["\"nX\"", "\"n1\"", "\"n2\"", &conf],
    );
    assert!(!name.exists(), "a netns was created");
}

#[test]
fn malformed_json_names_file_line_and_column() {
    let sb = sandbox();
    sb.write_conf(
        "05-bad.conflist",
        "{\"cniVersion\": \"1.0.0\",\n \"name\": \"bad\",\n \"plugins\": [{\"type\": \"p1\",}]}\n",
    );
    let name = NetnsName::new("cnictl-cli-bad");
    refused(&sb, &["add", "bad", &name.0], 2, &["05-bad.conflist:3:28"]);
    assert!(!name.exists(), "a netns was created");
}

#[test]
fn plugin_not_on_the_path_lists_the_dirs_searched() {
    let sb = sandbox();
    sb.conflist("n1", "1.0.0", json!([{"type": "p1"}, {"type": "p9"}]));
    let bin = sb.bin().to_string_lossy().into_owned();
    let other = sb.path("other").to_string_lossy().into_owned();
    let path = format!("{bin}:{other}");
    let name = NetnsName::new("cnictl-cli-bad");
    let r = refused_with(
        &sb,
        sb.cnictl().cni_path(&path).args(&["add", "n1", &name.0]),
        2,
        &["\"p9\"", &bin, &other],
    );
    assert!(
        r.stderr.contains("hint: install the reference plugins"),
        "{}",
        r.stderr
    );
    assert!(!name.exists(), "a netns was created");
}

#[test]
fn ipam_plugin_not_on_the_path_lists_the_dirs_searched() {
    let sb = sandbox();
    sb.conflist(
        "n1",
        "1.0.0",
        json!([{"type": "p1"}, {"type": "p2", "ipam": {"type": "nosuch-ipam"}}]),
    );
    let bin = sb.bin().to_string_lossy().into_owned();
    let name = NetnsName::new("cnictl-cli-bad");
    refused(&sb, &["add", "n1", &name.0], 2, &["\"nosuch-ipam\"", &bin]);
    assert!(!name.exists(), "a netns was created");
}

#[test]
fn plugin_type_with_a_path_is_refused_even_when_the_file_exists() {
    let sb = sandbox();
    // bin/../x exists and is the fake plugin: only the name check stops it
    sb.install_at(&sb.path("x"));
    sb.conflist("n1", "1.0.0", json!([{"type": "../x"}]));
    let name = NetnsName::new("cnictl-cli-bad");
    let r = refused(
        &sb,
        &["add", "n1", &name.0],
        2,
        &["invalid plugin name", "../x"],
    );
    assert!(!name.exists(), "a netns was created");
    assert!(
        !r.stderr.contains("install the reference plugins"),
        "installing does not fix a bad name:\n{}",
        r.stderr
    );
    // the same for an IPAM type
    sb.conflist(
        "n1",
        "1.0.0",
        json!([{"type": "p1", "ipam": {"type": "../x"}}]),
    );
    refused(
        &sb,
        &["add", "n1", &name.0],
        2,
        &["invalid plugin name", "../x"],
    );
}

#[test]
fn netns_that_is_not_a_network_namespace() {
    let sb = sandbox();
    let file = sb.path("not-a-netns");
    std::fs::write(&file, "").unwrap();
    let f = file.to_string_lossy().into_owned();
    for verb in ["add", "check", "del"] {
        refused(&sb, &[verb, "n1", &f], 2, &[&f, "not a network namespace"]);
    }
    // a directory is not one either
    let d = sb.conf_dir().to_string_lossy().into_owned();
    refused(&sb, &["add", "n1", &d], 2, &[&d]);
}

#[test]
fn invalid_identifiers_are_refused_by_every_verb() {
    let sb = sandbox();
    let ns = sb.ns().to_string();
    for verb in ["add", "check", "del"] {
        refused(
            &sb,
            &[verb, "n1", &ns, "-i", "a/b"],
            2,
            &["interface name", "\"a/b\""],
        );
        refused(
            &sb,
            &[verb, "n1", &ns, "-i", "abcdefghijklmnop"],
            2,
            &["interface name", "too long"],
        );
        refused(
            &sb,
            &[verb, "n1", &ns, "--container-id", "../../etc/x"],
            2,
            &["container ID", "\"../../etc/x\""],
        );
        // A NETWORK with a '/' is a config file path: one that does not exist is refused
        // naming it.
        refused(
            &sb,
            &[verb, "../../etc/x", &ns],
            2,
            &[
                "cannot load network config file ../../etc/x",
                "error reading",
            ],
        );
    }
    assert!(!sb.path("etc").exists() && !sb.cache_dir().join("etc").exists());
}

#[test]
fn arg_without_equals_sign() {
    let sb = sandbox();
    let name = NetnsName::new("cnictl-cli-bad");
    refused(
        &sb,
        &["add", "n1", &name.0, "--arg", "FOO"],
        2,
        &["\"FOO\""],
    );
    // the CNI_ARGS variable follows the same rule (cnitool: invalid CNI_ARGS pair "")
    refused_with(
        &sb,
        sb.cnictl()
            .args(&["add", "n1", &name.0])
            .env("CNI_ARGS", "A=1;"),
        2,
        &["invalid CNI_ARGS pair \"\""],
    );
    assert!(!name.exists(), "a netns was created");
}

#[test]
fn cap_with_invalid_json() {
    let sb = sandbox();
    let name = NetnsName::new("cnictl-cli-bad");
    refused(
        &sb,
        &["add", "n1", &name.0, "--cap", "portMappings=[{"],
        2,
        &["portMappings", "not valid JSON"],
    );
    refused(
        &sb,
        &["add", "n1", &name.0, "--cap", "portMappings"],
        2,
        &["portMappings", "KEY=JSON"],
    );
    refused_with(
        &sb,
        sb.cnictl()
            .args(&["add", "n1", &name.0])
            .env("CAP_ARGS", "{nope"),
        2,
        &["CAP_ARGS", "not valid JSON"],
    );
    assert!(!name.exists(), "a netns was created");
}

/// p2 misbehaves on ADD as `rule` says: the ADD fails (exit 1) naming p2, the chain is rolled
/// back, no cache entry is left; returns the run and its one error line.
fn misbehaving(rule: Value) -> (Run, String, Sandbox) {
    misbehaving_with(rule, &[])
}

fn misbehaving_with(rule: Value, wrapper: &[&str]) -> (Run, String, Sandbox) {
    let sb = sandbox();
    let mut rule = rule;
    rule["plugin"] = json!("p2");
    rule["command"] = json!("ADD");
    sb.rules(json!([rule]));
    let r = sb
        .cnictl()
        .wrapped(wrapper)
        .args(&["add", "n1", sb.ns()])
        .run();
    let r = r.expect(1, "add with a misbehaving p2");
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert_eq!(r.stdout, "");
    assert_eq!(
        tags(&sb.take_calls()),
        ["p1 ADD", "p2 ADD", "p3 DEL", "p2 DEL", "p1 DEL"]
    );
    assert_eq!(sb.cache_files(), Vec::<String>::new(), "no cache entry");
    let line = the_error(&r);
    assert!(
        line.starts_with("error: plugin \"p2\" failed (ADD): "),
        "{line}"
    );
    (r, line, sb)
}

#[test]
fn plugin_that_fails_with_no_output() {
    let (_, line, _) = misbehaving(json!({"action": "exit", "code": 3}));
    assert!(
        line.ends_with("netplugin failed with no error message: exit status 3"),
        "{line}"
    );
}

#[test]
fn plugin_that_succeeds_with_no_output() {
    let (_, line, _) = misbehaving(json!({"action": "exit", "code": 0}));
    assert!(line.contains("unexpected end of JSON input"), "{line}");
}

#[test]
fn plugin_that_prints_garbage() {
    let (_, line, _) = misbehaving(json!({"action": "garbage", "exit": 0}));
    assert!(line.contains("invalid result"), "{line}");
    let (_, line, _) = misbehaving(json!({"action": "garbage", "exit": 1}));
    assert!(
        line.contains("error parsing its diagnostic message \"this is not JSON {\""),
        "{line}"
    );
}

/// 64 MiB of address space for cnictl (and the plugins it starts): it cannot hold a 100 MB
/// output, so completing at all proves the output was capped.
const LIMIT_AS: &str = "--as=67108864";

#[test]
fn plugin_that_prints_100_mb_on_stdout() {
    for exit in [0, 1] {
        let (r, line, _) = misbehaving_with(
            json!({"action": "flood", "bytes": 104_857_600, "stream": "stdout", "exit": exit}),
            &["prlimit", LIMIT_AS],
        );
        assert!(line.len() < 8192, "error line of {} bytes", line.len());
        assert!(
            r.stderr.len() < 64 * 1024,
            "stderr of {} bytes",
            r.stderr.len()
        );
        // Cut at the cap: never parsed, whatever the exit status.
        assert!(
            line.ends_with(&format!(
                ": output cut at 16777216 bytes, the most cnictl reads of a plugin's stdout: exit status {exit}"
            )),
            "{line}"
        );
    }
}

#[test]
fn plugin_that_prints_100_mb_on_stderr() {
    let (r, line, _) = misbehaving_with(
        json!({"action": "flood", "bytes": 104_857_600, "stream": "stderr", "exit": 1}),
        &["prlimit", LIMIT_AS],
    );
    assert!(line.len() < 8192, "error line of {} bytes", line.len());
    assert!(
        r.stderr.len() < 3 << 20,
        "stderr of {} bytes",
        r.stderr.len()
    );
    assert!(
        r.stderr
            .contains("[cnictl: stderr truncated after 1048576 bytes]"),
        "no truncation note"
    );
}

#[test]
fn plugin_killed_by_a_signal_is_named() {
    for (sig, name, text) in [
        ("SEGV", "SIGSEGV", "signal: segmentation fault"),
        ("KILL", "SIGKILL", "signal: killed"),
    ] {
        let (_, line, _) = misbehaving(json!({"action": "signal", "signal": sig}));
        assert!(line.contains(text) && line.contains(name), "{line}");
    }
    // and in the JSON error object
    let sb = sandbox();
    sb.rules(json!([{"plugin": "p2", "command": "ADD", "action": "signal", "signal": "SEGV"}]));
    let j = sb
        .run(&["-o", "json", "add", "n1", sb.ns()])
        .expect(1, "add -o json")
        .json();
    assert_eq!(j["plugin"], json!("p2"));
    assert_eq!(j["signal"], json!("SIGSEGV"));
    assert_eq!(j["exit"], json!(null));
}
