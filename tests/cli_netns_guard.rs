//! CLI tests of the netns guard (fake plugins only): a container NETNS that is the plugins'
//! namespace, the node's or cnictl's own, however it is spelled, and a path whose meaning
//! depends on the reader (`/proc/self/...`), are refused by add, check and del before any
//! plugin runs, and gc neither DELs nor forgets cached entries that point there. The dangerous
//! cases never reach a real plugin: every plugin here is the recording fake one.

mod common;

use common::fake::{tags, the_error, Sandbox};
use common::Run;
use serde_json::{json, Value};
use std::os::unix::fs::MetadataExt;
use std::path::Path;

const NET: &str = "n1";

fn sandbox() -> Sandbox {
    let sb = Sandbox::new(&["p1", "p2"]);
    sb.conflist(NET, "1.0.0", json!([{"type": "p1"}, {"type": "p2"}]));
    sb
}

fn require_root() {
    assert!(
        nix::unistd::geteuid().is_root(),
        "this test enters namespaces with --host-netns (setns needs CAP_SYS_ADMIN) and must run \
         as root: cargo test --test cli_netns_guard -- --include-ignored"
    );
}

/// Runs cnictl with `pre` (global flags) then `verb NET netns`, and asserts a refusal before
/// anything ran: exit 2, one error line containing every one of `parts`, no plugin call, no
/// cache entry.
fn refused(sb: &Sandbox, pre: &[&str], verb: &str, netns: &str, parts: &[&str]) -> Run {
    let mut args: Vec<&str> = pre.to_vec();
    args.extend([verb, NET, netns]);
    let r = sb.run(&args).expect(2, &format!("{verb} {netns} refused"));
    let line = the_error(&r);
    for p in parts {
        assert!(line.contains(p), "{verb} {netns}: {p:?} missing in: {line}");
    }
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert_eq!(r.stdout, "", "{verb} {netns}: stdout of a refusal");
    assert_eq!(
        tags(&sb.take_calls()),
        Vec::<String>::new(),
        "{verb} {netns}: no plugin may run"
    );
    assert_eq!(sb.cache_files(), Vec::<String>::new(), "no cache entry");
    r
}

const HINT: &[&str] = &["ip netns attach NAME PID", "/var/run/netns"];

#[test]
fn reader_dependent_spellings_are_refused_with_a_hint() {
    let sb = sandbox();
    let pid = std::process::id();
    let cases = [
        "/proc/self/ns/net".to_string(),
        "/proc/thread-self/ns/net".to_string(),
        "/proc//self/./ns/net".to_string(),
        "/proc/self/task/1/../../ns/net".to_string(),
        format!("/proc/self/task/{pid}/ns/net"),
        "/dev/fd/0".to_string(),
    ];
    for netns in &cases {
        for verb in ["add", "check", "del"] {
            let mut parts = vec!["refusing network namespace path"];
            parts.extend_from_slice(HINT);
            refused(&sb, &[], verb, netns, &parts);
        }
    }
    // Relative spellings that lead there after cleaning against the working directory.
    for verb in ["add", "check", "del"] {
        let r = sb
            .cnictl()
            .cwd(Path::new("/proc"))
            .args(&[verb, NET, "self/ns/net"])
            .run()
            .expect(2, "relative /proc/self");
        assert!(the_error(&r).contains("ip netns attach"), "{}", r.stderr);
        assert_eq!(tags(&sb.take_calls()), Vec::<String>::new());
    }
    // A symlink to /proc/self/ns/net (cnictl would see its own namespace, the plugin its own).
    let link = sb.path("link-to-self");
    std::os::unix::fs::symlink("/proc/self/ns/net", &link).expect("symlink");
    let l = link.to_string_lossy().into_owned();
    for verb in ["add", "check", "del"] {
        refused(&sb, &[], verb, &l, &["leads to /proc/self/ns/net", HINT[0]]);
    }
}

#[test]
fn an_empty_netns_is_a_usage_error() {
    let sb = sandbox();
    for verb in ["add", "check", "del"] {
        refused(&sb, &[], verb, "", &["network namespace path is empty"]);
    }
}

/// A process in cnictl's (the test's) namespace that is neither cnictl nor this test.
struct Sleeper(std::process::Child);

impl Sleeper {
    fn new() -> Sleeper {
        Sleeper(
            std::process::Command::new("sleep")
                .arg("600")
                .spawn()
                .expect("spawn sleep"),
        )
    }
    fn netns(&self) -> String {
        format!("/proc/{}/ns/net", self.0.id())
    }
}

impl Drop for Sleeper {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
#[ignore = "needs root: enters a throwaway namespace with --host-netns"]
fn own_namespace_is_refused_under_host_netns_whatever_the_spelling() {
    require_root();
    let sb = sandbox();
    // The plugins' namespace: a throwaway one (the sandbox's), so nothing could touch the node.
    let host_ns = sb.ns().to_string();
    let host = ["--host-netns", host_ns.as_str()];
    let sleeper = Sleeper::new();
    let pid = std::process::id();
    let spid = sleeper.0.id();
    // PID 1's namespace: the node's. Unreadable on some machines even to root; when readable
    // it is usually cnictl's too.
    let ino = |p: &str| std::fs::metadata(p).map(|m| (m.dev(), m.ino())).ok();
    let init = ino("/proc/1/ns/net");
    let own = ino("/proc/self/ns/net");
    let init_is_own = init.is_some() && init == own;
    let own_cases = [
        sleeper.netns(),
        format!("/proc/{spid}/task/{spid}/ns/net"),
        // This test process: in cnictl's namespace, but not cnictl.
        format!("/proc/{pid}/ns/net"),
        format!("/proc/{pid}/task/{pid}/ns/net"),
    ];
    for netns in &own_cases {
        for verb in ["add", "check", "del"] {
            let mut parts = vec!["refusing network namespace", netns.as_str(), "cnictl's own"];
            if init_is_own {
                parts.push("the node's own network namespace (init)");
            }
            refused(&sb, &host, verb, netns, &parts);
        }
    }
    for verb in ["add", "check", "del"] {
        if init.is_some() {
            let mut parts = vec!["the node's own network namespace (init)"];
            if init_is_own {
                parts.push("cnictl's own");
            }
            refused(&sb, &host, verb, "/proc/1/ns/net", &parts);
        } else {
            // Unreadable: not checkable, so refused all the same, and nothing runs.
            let r = sb
                .run(&["--host-netns", &host_ns, verb, NET, "/proc/1/ns/net"])
                .expect(2, "init unreadable");
            assert!(the_error(&r).contains("/proc/1/ns/net"), "{}", r.stderr);
            assert_eq!(tags(&sb.take_calls()), Vec::<String>::new(), "{}", r.stderr);
        }
    }
    // The plugins' namespace itself.
    for verb in ["add", "check", "del"] {
        refused(
            &sb,
            &host,
            verb,
            &host_ns,
            &["the plugins' namespace (--host-netns)"],
        );
    }
}

/// Bind-mounts `src` onto a new file `dst`; unmounted on drop.
struct BindMount(std::path::PathBuf);

impl BindMount {
    fn new(src: &str, dst: std::path::PathBuf) -> BindMount {
        std::fs::File::create(&dst).expect("mount point");
        nix::mount::mount(
            Some(src),
            &dst,
            None::<&str>,
            nix::mount::MsFlags::MS_BIND,
            None::<&str>,
        )
        .expect("bind mount");
        BindMount(dst)
    }
}

impl Drop for BindMount {
    fn drop(&mut self) {
        let _ = nix::mount::umount2(&self.0, nix::mount::MntFlags::MNT_DETACH);
    }
}

#[test]
#[ignore = "needs root: bind-mounts a namespace file and enters a throwaway namespace"]
fn bind_mounts_and_symlinks_of_the_own_namespace_are_refused() {
    require_root();
    let sb = sandbox();
    let host_ns = sb.ns().to_string();
    let host = ["--host-netns", host_ns.as_str()];
    // The test process is in cnictl's namespace: a bind mount of its namespace file looks
    // like any container's namespace by name.
    let mount = BindMount::new("/proc/self/ns/net", sb.path("pod-netns"));
    let m = mount.0.to_string_lossy().into_owned();
    let sleeper = Sleeper::new();
    let link = sb.path("pod-link");
    std::os::unix::fs::symlink(sleeper.netns(), &link).expect("symlink");
    let l = link.to_string_lossy().into_owned();
    for netns in [&m, &l] {
        for verb in ["add", "check", "del"] {
            refused(
                &sb,
                &host,
                verb,
                netns,
                &["refusing", netns, "cnictl's own"],
            );
        }
    }
    // Without --host-netns too (the plugins would run right there).
    for verb in ["add", "check", "del"] {
        refused(
            &sb,
            &[],
            verb,
            &m,
            &["cnictl's own (where the plugins run)"],
        );
    }
}

/// Rewrites the `netns` of the cache entry of `id`.
fn set_cached_netns(sb: &Sandbox, id: &str, netns: &str) {
    let p = sb.cache_file(NET, id, "eth0");
    let mut v: Value = sb.cache_entry(NET, id, "eth0");
    v["netns"] = json!(netns);
    std::fs::write(&p, v.to_string()).expect("rewrite the cache entry");
}

#[test]
fn gc_neither_deletes_nor_forgets_entries_that_point_at_forbidden_or_reader_dependent_paths() {
    let sb = sandbox();
    let sleeper = Sleeper::new();
    // Three attachments made properly, then their cached netns rewritten to what an older
    // tool, or a hostile hand, could have left.
    let wants = [
        ("c-self", "/proc/self/ns/net".to_string()),
        ("c-thread", "/proc/thread-self/ns/net".to_string()),
        ("c-node", sleeper.netns()),
    ];
    for (id, _) in &wants {
        sb.run(&["add", NET, sb.ns(), "--container-id", id])
            .expect(0, "add");
    }
    for (id, netns) in &wants {
        set_cached_netns(&sb, id, netns);
    }
    sb.take_calls();
    let before = sb.cache_files();
    assert_eq!(before.len(), 3);

    // --live: nothing can be told about them; kept and reported.
    let r = sb.run(&["gc", NET, "--live"]).expect(0, "gc --live");
    assert!(
        r.stderr.contains("c-self/eth0") && r.stderr.contains("proves nothing"),
        "{}",
        r.stderr
    );
    assert_eq!(tags(&sb.take_calls()), Vec::<String>::new());

    // --all --yes: each refused, no DEL run, each entry kept; exit 1.
    let r = sb
        .run(&["-o", "json", "gc", NET, "--all", "--yes"])
        .expect(1, "gc --all refuses");
    assert_eq!(
        tags(&sb.take_calls()),
        Vec::<String>::new(),
        "no plugin ran"
    );
    assert_eq!(sb.cache_files(), before, "entries kept");
    let v = r.json();
    let atts = v["networks"][0]["attachments"]
        .as_array()
        .expect("attachments");
    assert_eq!(atts.len(), 3, "{v}");
    for a in atts {
        assert_eq!(a["action"], "refused", "{a}");
        let msg = a["error"]["msg"].as_str().unwrap_or_default();
        match a["containerId"].as_str() {
            Some("c-node") => {
                assert_eq!(a["netnsState"], "plugins-own", "{a}");
                assert!(msg.contains("cnictl's own"), "{msg}");
            }
            _ => {
                assert_eq!(a["netnsState"], "reader-dependent", "{a}");
                assert!(msg.contains("ip netns attach NAME PID"), "{msg}");
            }
        }
    }
    // The table says so too.
    let r = sb
        .run(&["gc", NET, "--all", "--yes"])
        .expect(1, "gc --all refuses");
    assert!(
        r.stderr
            .contains("c-self/eth0: not deleted, no plugin was run"),
        "{}",
        r.stderr
    );
    assert_eq!(tags(&sb.take_calls()), Vec::<String>::new());

    // attachments shows the reader-dependent ones for what they are.
    let r = sb
        .run(&["-o", "json", "attachments"])
        .expect(0, "attachments");
    let v = r.json();
    let states: Vec<(String, String)> = v["attachments"]
        .as_array()
        .expect("attachments")
        .iter()
        .map(|a| {
            (
                a["containerId"].as_str().unwrap_or_default().to_string(),
                a["netnsState"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert!(
        states.contains(&("c-self".into(), "reader-dependent".into())),
        "{states:?}"
    );
    assert!(
        states.contains(&("c-node".into(), "exists".into())),
        "{states:?}"
    );
}

/// A bare netns name with a per-run token; deleted on drop.
struct NamedNs(String);

impl Drop for NamedNs {
    fn drop(&mut self) {
        if Path::new("/var/run/netns").join(&self.0).exists() {
            let _ = std::process::Command::new("ip")
                .args(["netns", "delete", &self.0])
                .output();
        }
    }
}

#[test]
#[ignore = "needs root: creates a named network namespace"]
fn concurrent_adds_creating_one_named_namespace_all_succeed() {
    require_root();
    let sb = sandbox();
    let name = NamedNs(format!("cnictl-cli-race-{}", common::token()));
    let runs: Vec<Run> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let (sb, name) = (&sb, &name.0);
                scope.spawn(move || {
                    let id = format!("race-{i}");
                    sb.run(&["add", NET, name, "--container-id", &id])
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("no panic"))
            .collect()
    });
    for (i, r) in runs.into_iter().enumerate() {
        r.expect(0, &format!("add {i} of the shared name"));
    }
    let path = Path::new("/var/run/netns").join(&name.0);
    let sandboxes: std::collections::BTreeSet<String> = sb
        .take_calls()
        .iter()
        .map(|c| c.env("CNI_NETNS").unwrap_or_default())
        .collect();
    assert_eq!(
        sandboxes.into_iter().collect::<Vec<_>>(),
        vec![path.to_string_lossy().into_owned()],
        "every ADD got the one named namespace"
    );
    let out = std::process::Command::new("ip")
        .args(["netns", "exec", &name.0, "true"])
        .output()
        .expect("ip netns exec");
    // setns into an unmounted placeholder fails: this proves a namespace is mounted there.
    assert!(out.status.success(), "a mounted namespace: {out:?}");
    assert_eq!(sb.cache_files().len(), 8);
}
