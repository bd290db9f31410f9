//! Where cnictl looks: an unprivileged user's own directories (rootless defaults, and the
//! chain verbs refused up front), and `--root DIR` over a node's tree.
//!
//! The rootless tests create a user for the run (and remove it) and run cnictl as that user
//! with `setpriv`: they need root, are ignored by default and fail loudly without it. The
//! `--root` tests need nothing special.

mod common;

use common::fake::fake_plugin;
use common::{cnictl_bin, token, Lab, NetnsName, Run};
use serde_json::{json, Value};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;
use std::sync::Mutex;

/// What a refused chain verb prints (the capabilities named).
const NEEDS_ROOT: &str = "needs root: CAP_SYS_ADMIN and CAP_NET_ADMIN";
/// Its exit code.
const NEEDS_ROOT_EXIT: i32 = 77;

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::write(path, text).expect("write");
}

/// Installs the fake plugin as each of `names` in `dir` (copies, so another user can run them).
fn install_plugins(dir: &Path, names: &[&str]) {
    fs::create_dir_all(dir).expect("mkdir");
    for n in names {
        let dest = dir.join(n);
        fs::copy(fake_plugin(), &dest).expect("copy the fake plugin");
        fs::set_permissions(&dest, fs::Permissions::from_mode(0o755)).expect("chmod");
    }
}

fn conflist(name: &str, subnet: &str) -> String {
    json!({
        "cniVersion": "1.0.0",
        "name": name,
        "plugins": [
            {"type": "bridge", "bridge": "cni0", "isGatway": true,
             "ipam": {"type": "host-local", "subnet": subnet}},
            {"type": "portmap", "capabilities": {"portMappings": true}}
        ]
    })
    .to_string()
}

/// A cache entry as libcni writes it, for `network`, with this netns.
fn cache_entry(cache_dir: &Path, network: &str, id: &str, netns: &str, ip: &str) {
    let entry = cnictl::cache::CacheEntry {
        container_id: id.into(),
        config: Some(conflist(network, "10.77.0.0/24").into_bytes()),
        if_name: "eth0".into(),
        network_name: network.into(),
        netns: netns.into(),
        result: Some(json!({
            "cniVersion": "1.0.0",
            "interfaces": [{"name": "eth0", "sandbox": netns}],
            "ips": [{"address": ip, "interface": 0}]
        })),
        ..Default::default()
    };
    cnictl::cache::Cache::new(cache_dir)
        .write(&entry)
        .expect("write a cache entry");
}

// ---------------------------------------------------------------------------------------------
// A user made for the run.

/// useradd and userdel take /etc/passwd's lock: one at a time within this process.
static USERS: Mutex<()> = Mutex::new(());

/// A user created for one test with a temp home it owns; removed (with the home) on drop.
struct TestUser {
    name: String,
    uid: u32,
    gid: u32,
    home: tempfile::TempDir,
}

impl TestUser {
    fn new() -> TestUser {
        assert!(
            nix::unistd::geteuid().is_root(),
            "this test needs root (it creates a user to run cnictl as); run the suite as root \
             with --include-ignored"
        );
        let name = format!("cnictl-p{}", token());
        let home = tempfile::Builder::new()
            .prefix("cnictl-home-")
            .tempdir()
            .expect("tempdir");
        {
            let _lock = USERS.lock().unwrap_or_else(|e| e.into_inner());
            let r = common::run(
                "useradd",
                &[
                    "--no-create-home",
                    "--home-dir",
                    &home.path().to_string_lossy(),
                    "--shell",
                    "/usr/sbin/nologin",
                    "--user-group",
                    &name,
                ],
            );
            assert_eq!(r.code, 0, "useradd {name}: {}", r.stderr);
        }
        let id = |flag: &str| -> u32 {
            let r = common::run("id", &[flag, &name]).expect(0, "id");
            r.stdout.trim().parse().expect("a numeric id")
        };
        let user = TestUser {
            uid: id("-u"),
            gid: id("-g"),
            name,
            home,
        };
        assert_ne!(user.uid, 0);
        user
    }

    fn home(&self) -> &Path {
        self.home.path()
    }

    /// Hands every file under the home to the user.
    fn own_home(&self) {
        let r = common::run(
            "chown",
            &[
                "-R",
                &format!("{}:{}", self.uid, self.gid),
                &self.home().to_string_lossy(),
            ],
        );
        assert_eq!(r.code, 0, "chown: {}", r.stderr);
    }

    /// Runs cnictl as the user, with a cleared environment: PATH, HOME (the temp home) and
    /// `env`.
    fn cnictl(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        self.own_home();
        let mut cmd = Command::new("setpriv");
        cmd.arg(format!("--reuid={}", self.uid))
            .arg(format!("--regid={}", self.gid))
            .args(["--clear-groups", "--reset-env", "--", "env"])
            .arg(format!("HOME={}", self.home().display()));
        for (k, v) in env {
            cmd.arg(format!("{k}={v}"));
        }
        cmd.arg(cnictl_bin()).args(args).current_dir(self.home());
        Run::from(cmd.output().expect("cannot run setpriv"))
    }
}

impl Drop for TestUser {
    fn drop(&mut self) {
        let _lock = USERS.lock().unwrap_or_else(|e| e.into_inner());
        let _ = Command::new("userdel").arg(&self.name).output();
        let _ = Command::new("groupdel").arg(&self.name).output();
    }
}

#[test]
#[ignore = "needs root: creates a user to run cnictl as"]
fn rootless_commands_read_the_users_xdg_config_dir() {
    let u = TestUser::new();
    let home = u.home().to_path_buf();
    let bin = home.join("cni-bin");
    install_plugins(&bin, &["bridge", "host-local", "portmap"]);
    let cni_path = bin.to_string_lossy().into_owned();
    // ~/.config/cni/net.d: where rootless podman keeps its configs.
    let user_dir = home.join(".config/cni/net.d");
    let file = user_dir.join("10-usernet.conflist");
    write(&file, &conflist("usernet", "10.77.0.0/24"));
    let cp = ["--cni-path", cni_path.as_str()];

    let ls = u
        .cnictl(&[&cp[..], &["ls", "-o", "json"]].concat(), &[])
        .expect(0, "ls as a user");
    let v = ls.json();
    assert_eq!(v["confDir"], json!(user_dir.to_string_lossy()), "{v}");
    assert_eq!(v["networks"][0]["network"], "usernet", "{v}");
    assert_eq!(v["networks"][0]["status"], "ok", "{v}");

    // validate reads the same file, probes the plugins (run as the user) and finds the typo.
    let val = u
        .cnictl(&[&cp[..], &["validate", "-o", "json"]].concat(), &[])
        .expect(0, "validate as a user (warnings only)");
    let v = val.json();
    assert_eq!(v["summary"]["files"], 1, "{v}");
    let d = &v["diagnostics"][0];
    assert_eq!(d["rule"], "unknown-key", "{v}");
    assert_eq!(d["file"], json!(file.to_string_lossy()), "{v}");

    let plugins = u
        .cnictl(&[&cp[..], &["plugins", "-o", "json"]].concat(), &[])
        .expect(0, "plugins as a user");
    let v = plugins.json();
    let names: Vec<&str> = v["plugins"]
        .as_array()
        .expect("plugins")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(names, ["bridge", "host-local", "portmap"], "{v}");
    assert!(
        v["plugins"][0]["supportedVersions"]
            .as_array()
            .is_some_and(|a| a.contains(&json!("1.0.0"))),
        "the VERSION probe did not run as the user: {v}"
    );

    // The user's cache (~/.cache/cni, when it exists) holds the user's attachments.
    let gone = format!("/var/run/netns/cnictl-paths-gone-{}", token());
    cache_entry(
        &home.join(".cache/cni"),
        "usernet",
        "ctr1",
        &gone,
        "10.77.0.2/24",
    );
    let att = u
        .cnictl(&[&cp[..], &["attachments", "-o", "json"]].concat(), &[])
        .expect(0, "attachments as a user");
    let v = att.json();
    assert_eq!(v["attachments"][0]["containerId"], "ctr1", "{v}");
    assert_eq!(v["attachments"][0]["netnsState"], "gone", "{v}");
    let st = u
        .cnictl(&[&cp[..], &["status", "-o", "json"]].concat(), &[])
        .expect(0, "status as a user");
    assert!(st.stdout.contains("usernet"), "{}", st.stdout);

    // Completions offer what the commands read: the user's network and cached container.
    let c = u
        .cnictl(&["__complete", "2", "cnictl", "status", ""], &[])
        .expect(0, "__complete as a user");
    assert_eq!(c.stdout, "usernet\n", "{}", c.stderr);
    let c = u
        .cnictl(
            &[
                "__complete",
                "4",
                "cnictl",
                "attachments",
                "show",
                "usernet",
                "",
            ],
            &[],
        )
        .expect(0, "__complete as a user");
    assert_eq!(c.stdout, "ctr1\n", "{}", c.stderr);

    // XDG_CONFIG_HOME, when set, is where the config dir is.
    let xdg = home.join("xdg");
    write(
        &xdg.join("cni/net.d/20-xdg.conflist"),
        &conflist("xdgnet", "10.78.0.0/24"),
    );
    let xdg_s = xdg.to_string_lossy().into_owned();
    let v = u
        .cnictl(
            &[&cp[..], &["ls", "--no-probe", "-o", "json"]].concat(),
            &[("XDG_CONFIG_HOME", &xdg_s)],
        )
        .expect(0, "ls with XDG_CONFIG_HOME")
        .json();
    assert_eq!(v["networks"][0]["network"], "xdgnet", "{v}");

    // An explicit --conf-dir or NETCONFPATH wins over the user's dir.
    let other = home.join("other");
    write(
        &other.join("30-o.conflist"),
        &conflist("othernet", "10.79.0.0/24"),
    );
    let other_s = other.to_string_lossy().into_owned();
    for (args, env) in [
        (
            vec![
                "--conf-dir",
                other_s.as_str(),
                "ls",
                "--no-probe",
                "-o",
                "json",
            ],
            vec![],
        ),
        (
            vec!["ls", "--no-probe", "-o", "json"],
            vec![("NETCONFPATH", other_s.as_str())],
        ),
    ] {
        let v = u
            .cnictl(&args, &env)
            .expect(0, "ls with an explicit dir")
            .json();
        assert_eq!(
            v["networks"][0]["network"], "othernet",
            "{args:?} {env:?}: {v}"
        );
    }

    // Without the user's dir, the system default is used: listed, or said to be missing or
    // unreadable (it is root's, and may be 0700), by its name.
    fs::remove_dir_all(home.join(".config")).expect("rm");
    let r = u.cnictl(&["ls", "--no-probe", "-o", "json"], &[]);
    if r.code == 0 {
        assert_eq!(r.json()["confDir"], "/etc/cni/net.d");
    } else {
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(
            r.stderr
                .starts_with("error: config directory /etc/cni/net.d does not exist")
                || r.stderr
                    .starts_with("error: cannot read config directory /etc/cni/net.d: "),
            "{}",
            r.stderr
        );
    }
}

#[test]
#[ignore = "needs root: creates a user and network namespaces"]
fn rootless_chain_verbs_refuse_up_front_and_create_nothing() {
    let lab = Lab::new();
    let u = TestUser::new();
    let home = u.home().to_path_buf();
    let bin = home.join("cni-bin");
    install_plugins(&bin, &["bridge", "host-local", "portmap"]);
    write(
        &home.join(".config/cni/net.d/10-usernet.conflist"),
        &conflist("usernet", "10.77.0.0/24"),
    );
    let cache = home.join(".cache/cni");
    fs::create_dir_all(&cache).expect("mkdir");
    let log = home.join("calls.jsonl");
    let log_s = log.to_string_lossy().into_owned();
    // An existing throwaway namespace (the user can see it), and a name that does not exist.
    let existing = lab.container("p");
    common::run("ip", &["netns", "add", &existing]).expect(0, "ip netns add");
    let missing = NetnsName::new("cnictl-paths-new");
    let cni_path = bin.to_string_lossy().into_owned();
    let host = lab.host.clone();
    let base = [
        "--cni-path",
        cni_path.as_str(),
        "--host-netns",
        host.as_str(),
    ];
    let commands: Vec<Vec<&str>> = vec![
        vec!["add", "usernet", &existing],
        vec!["add", "usernet", &missing.0],
        vec!["check", "usernet", &existing],
        vec!["del", "usernet", &existing],
        vec!["gc", "usernet", "--all", "--yes"],
        vec!["gc", "usernet", "--live", "--dry-run"],
    ];
    for c in &commands {
        let args = [&base[..], &c[..]].concat();
        let r = u.cnictl(&args, &[("FAKE_PLUGIN_LOG", &log_s)]);
        assert_eq!(
            r.code, NEEDS_ROOT_EXIT,
            "{c:?}: exit {}\n{}{}",
            r.code, r.stdout, r.stderr
        );
        assert_eq!(
            r.stderr.trim(),
            format!(
                "error: {NEEDS_ROOT} (cnictl {} runs plugins, and this process lacks \
                 CAP_SYS_ADMIN and CAP_NET_ADMIN); nothing was run",
                c[0]
            ),
            "{c:?}"
        );
        // -o json: the error object, with the same message.
        let args = [&base[..], &c[..], &["-o", "json"]].concat();
        let r = u.cnictl(&args, &[("FAKE_PLUGIN_LOG", &log_s)]);
        assert_eq!(r.code, NEEDS_ROOT_EXIT, "{c:?} -o json: {}", r.stderr);
        let msg = r.json()["msg"].as_str().unwrap_or_default().to_string();
        assert!(msg.starts_with(NEEDS_ROOT), "{c:?}: {msg}");
    }
    assert!(
        !log.exists(),
        "a plugin ran: {:?}",
        fs::read_to_string(&log)
    );
    let in_cache: Vec<_> = fs::read_dir(&cache).expect("cache").collect();
    assert!(in_cache.is_empty(), "the cache was written: {in_cache:?}");
    assert!(!missing.exists(), "add created netns {}", missing.0);
    // inspect, which only reads, is not refused up front; entering a namespace is what needs
    // CAP_SYS_ADMIN, and the hint says so.
    let r = u.cnictl(&["inspect", &existing], &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("cannot enter (setns) network namespace")
            && r.stderr
                .contains("hint: entering another network namespace needs CAP_SYS_ADMIN"),
        "{}",
        r.stderr
    );
    // The read-only commands still work for the same user.
    u.cnictl(&["--cni-path", &cni_path, "ls", "--no-probe"], &[])
        .expect(0, "ls as the same user");
}

// ---------------------------------------------------------------------------------------------
// --root over a node's tree.

/// Every path under `dir` (links not followed), with its size, sorted.
fn tree_listing(dir: &Path) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in fs::read_dir(&d).expect("read_dir").flatten() {
            let meta = e.path().symlink_metadata().expect("lstat");
            out.push((e.path().to_string_lossy().into_owned(), meta.len()));
            if meta.is_dir() {
                todo.push(e.path());
            }
        }
    }
    out.sort();
    out
}

/// A fake node's tree under a temp dir: its config dir, plugins in /opt/cni/bin, libcni's cache
/// in /var/lib/cni, host-local's store, /run/netns, and Debian's `/var/run -> /run` (an
/// absolute link, which must resolve inside the tree).
struct Node {
    dir: tempfile::TempDir,
    token: String,
}

impl Node {
    fn new() -> Node {
        let dir = tempfile::Builder::new()
            .prefix("cnictl-node-")
            .tempdir()
            .expect("tempdir");
        let node = Node {
            dir,
            token: token(),
        };
        let r = node.root();
        install_plugins(&r.join("opt/cni/bin"), &["bridge", "host-local", "portmap"]);
        write(
            &r.join("etc/cni/net.d/10-nodenet.conflist"),
            &conflist("nodenet", "10.77.0.0/24"),
        );
        fs::create_dir_all(r.join("run/netns")).expect("mkdir");
        fs::create_dir_all(r.join("var")).expect("mkdir");
        std::os::unix::fs::symlink("/run", r.join("var/run")).expect("symlink /var/run");
        // Two attachments whose namespaces are gone on the node and on this machine alike.
        for (id, ip) in [("ctr-a", "10.77.0.2/24"), ("ctr-b", "10.77.0.3/24")] {
            cache_entry(&r.join("var/lib/cni"), "nodenet", id, &node.netns(id), ip);
        }
        node
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn root_s(&self) -> String {
        self.root().to_string_lossy().into_owned()
    }

    /// A netns path as the node records it, unique to the run.
    fn netns(&self, what: &str) -> String {
        format!("/var/run/netns/cnictl-node-{what}-{}", self.token)
    }

    /// The same tree named by explicit flags (what `--root` must amount to).
    fn flags(&self) -> Vec<String> {
        let r = self.root();
        vec![
            "--conf-dir".into(),
            r.join("etc/cni/net.d").to_string_lossy().into_owned(),
            "--cni-path".into(),
            format!(
                "{}:{}",
                r.join("opt/cni/bin").display(),
                r.join("usr/lib/cni").display()
            ),
            "--cache-dir".into(),
            r.join("var/lib/cni").to_string_lossy().into_owned(),
        ]
    }

    fn cnictl(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = Command::new(cnictl_bin());
        cmd.env_clear()
            .env("PATH", common::fake::PATH)
            .args(args)
            .current_dir(self.root());
        for (k, v) in env {
            cmd.env(k, v);
        }
        Run::from(cmd.output().expect("cannot run cnictl"))
    }
}

#[test]
fn root_gives_what_the_same_tree_gives_through_explicit_flags() {
    // The test cannot write the real / to compare `--root DIR` with the same tree at `/`; it
    // compares with the same directories named by --conf-dir, --cni-path and --cache-dir,
    // which is what `--root` must resolve them to (the default CNI path included).
    let node = Node::new();
    let root = node.root_s();
    let flags = node.flags();
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    for cmd in [
        &["ls", "-o", "json"][..],
        &["attachments", "-o", "json"],
        &["status", "-o", "json"],
        &["plugins", "-o", "json"],
        &["validate", "-o", "json"],
    ] {
        let rooted = node
            .cnictl(&[&["--root", root.as_str()][..], cmd].concat(), &[])
            .expect(0, &format!("--root {cmd:?}"));
        let explicit = node
            .cnictl(&[&flags[..], cmd].concat(), &[])
            .expect(0, &format!("explicit flags {cmd:?}"));
        assert_eq!(rooted.json(), explicit.json(), "{cmd:?}");
        // CNICTL_ROOT is the same as --root.
        let env = node
            .cnictl(cmd, &[("CNICTL_ROOT", root.as_str())])
            .expect(0, &format!("CNICTL_ROOT {cmd:?}"));
        assert_eq!(env.json(), rooted.json(), "{cmd:?}");
    }
    // And they show the node: its network, its plugins (probed), its cache.
    let ls = node
        .cnictl(&["--root", &root, "ls", "-o", "json"], &[])
        .json();
    assert_eq!(ls["networks"][0]["network"], "nodenet", "{ls}");
    assert_eq!(ls["networks"][0]["status"], "ok", "{ls}");
    assert_eq!(
        ls["confDir"],
        json!(node.root().join("etc/cni/net.d").to_string_lossy())
    );
    let att = node
        .cnictl(&["--root", &root, "attachments", "-o", "json"], &[])
        .json();
    let ids: Vec<&str> = att["attachments"]
        .as_array()
        .expect("attachments")
        .iter()
        .filter_map(|a| a["containerId"].as_str())
        .collect();
    assert_eq!(ids, ["ctr-a", "ctr-b"], "{att}");
    assert_eq!(att["attachments"][0]["netnsState"], "gone", "{att}");
}

#[test]
fn root_looks_for_recorded_netns_paths_through_the_trees_var_run_link() {
    let node = Node::new();
    let r = node.root();
    // The node recorded /var/run/netns/X; on the node that is /run/netns/X (the link), which
    // here holds an empty placeholder: "not a netns", not "gone" as on this machine.
    let recorded = node.netns("placeholder");
    let name = Path::new(&recorded).file_name().expect("name").to_owned();
    fs::write(r.join("run/netns").join(&name), "").expect("placeholder");
    cache_entry(
        &r.join("var/lib/cni"),
        "nodenet",
        "ctr-p",
        &recorded,
        "10.77.0.9/24",
    );
    let state = |args: &[&str]| -> Value {
        let v = node.cnictl(args, &[]).expect(0, "attachments").json();
        v["attachments"]
            .as_array()
            .expect("attachments")
            .iter()
            .find(|a| a["containerId"] == "ctr-p")
            .map(|a| a["netnsState"].clone())
            .unwrap_or_else(|| panic!("no ctr-p in {v}"))
    };
    assert_eq!(
        state(&["--root", &node.root_s(), "attachments", "-o", "json"]),
        "not-a-netns"
    );
    let flags = node.flags();
    let mut args: Vec<&str> = flags.iter().map(String::as_str).collect();
    args.extend(["attachments", "-o", "json"]);
    assert_eq!(state(&args), "gone");
    // attachments show too.
    let v = node
        .cnictl(
            &[
                "--root",
                &node.root_s(),
                "attachments",
                "show",
                "nodenet",
                "ctr-p",
                "-o",
                "json",
            ],
            &[],
        )
        .expect(0, "attachments show")
        .json();
    assert!(v.to_string().contains("not-a-netns"), "{v}");
}

#[test]
fn root_reads_host_locals_store_under_the_tree() {
    let node = Node::new();
    let r = node.root();
    // The default dataDir (/var/lib/cni/networks), and one behind the /var/run link.
    let store = r.join("var/lib/cni/networks/nodenet");
    write(&store.join("10.77.0.2"), "ctr-a\r\neth0");
    write(&store.join("10.77.0.50"), "leaked-1\r\neth0");
    let other = json!({
        "cniVersion": "1.0.0", "name": "runnet",
        "plugins": [{"type": "bridge",
                     "ipam": {"type": "host-local", "subnet": "10.88.0.0/24",
                              "dataDir": "/var/run/ipam"}}]
    });
    write(
        &r.join("etc/cni/net.d/20-runnet.conflist"),
        &other.to_string(),
    );
    write(&r.join("run/ipam/runnet/10.88.0.7"), "ctr-z\r\neth0");
    let v = node
        .cnictl(&["--root", &node.root_s(), "ipam", "-o", "json"], &[])
        .expect(0, "ipam --root")
        .json();
    let text = v.to_string();
    for want in ["10.77.0.2", "10.77.0.50", "leaked-1", "10.88.0.7", "ctr-z"] {
        assert!(text.contains(want), "{want} missing: {v}");
    }
    assert!(
        text.contains(&r.join("run/ipam/runnet").to_string_lossy().into_owned()),
        "the /var/run/ipam store was not read under the tree's /run: {v}"
    );
}

#[test]
fn root_is_refused_by_the_commands_that_change_a_node() {
    let node = Node::new();
    let root = node.root_s();
    let before = tree_listing(node.root());
    for c in [
        &["add", "nodenet", "x"][..],
        &["check", "nodenet", "x"],
        &["del", "nodenet", "x"],
        &["gc", "nodenet", "--all", "--yes"],
        &["ipam", "--release", "--live"],
    ] {
        let r = node.cnictl(&[&["--root", root.as_str()][..], c].concat(), &[]);
        assert_eq!(r.code, 2, "{c:?}: {}", r.stderr);
        assert!(
            r.stderr.contains("changes the node, and --root")
                && r.stderr.contains(&root)
                && r.stderr.lines().count() == 1,
            "{c:?}: {}",
            r.stderr
        );
    }
    assert_eq!(
        tree_listing(node.root()),
        before,
        "a refused command changed the tree"
    );
    // A relative node path, and a root that is not a directory, are usage errors.
    let r = node.cnictl(&["--root", &root, "--conf-dir", "etc/cni", "ls"], &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("give the absolute path on the node"),
        "{}",
        r.stderr
    );
    let nowhere = node.root().join("nowhere");
    let r = node.cnictl(&["--root", &nowhere.to_string_lossy(), "ls"], &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("no such directory"), "{}", r.stderr);
}

#[test]
fn root_keeps_a_tree_link_that_points_outside_inside_the_tree() {
    // The node's /etc/cni/net.d is a link to an absolute path that also exists on this machine:
    // it is followed within the tree, never to this machine's directory.
    let node = Node::new();
    let r = node.root();
    let outside = tempfile::tempdir().expect("tempdir");
    write(
        &outside.path().join("99-outside.conflist"),
        &conflist("outside", "10.90.0.0/24"),
    );
    let in_tree = r.join(outside.path().strip_prefix("/").expect("absolute"));
    write(
        &in_tree.join("05-inside.conflist"),
        &conflist("inside", "10.91.0.0/24"),
    );
    fs::rename(r.join("etc/cni/net.d"), r.join("etc/cni/old")).expect("mv");
    std::os::unix::fs::symlink(outside.path(), r.join("etc/cni/net.d")).expect("symlink");
    let v = node
        .cnictl(
            &["--root", &node.root_s(), "ls", "--no-probe", "-o", "json"],
            &[],
        )
        .expect(0, "ls through the link")
        .json();
    let nets: Vec<&str> = v["networks"]
        .as_array()
        .expect("networks")
        .iter()
        .filter_map(|n| n["network"].as_str())
        .collect();
    assert_eq!(nets, ["inside"], "{v}");
    assert_eq!(v["confDir"], json!(in_tree.to_string_lossy()), "{v}");
}

/// Unmounts a bind mount on drop (before the tree holding it is removed).
struct Unmount(std::path::PathBuf);

impl Drop for Unmount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).output();
    }
}

#[test]
#[ignore = "needs root: makes a network namespace and bind-mounts it into a fake node tree"]
fn root_inspect_enters_the_nodes_namespace_and_finds_its_cached_attachment() {
    assert!(
        nix::unistd::geteuid().is_root(),
        "this test needs root (it makes a network namespace and a bind mount); run the suite \
         as root with --include-ignored"
    );
    let node = Node::new();
    let name = NetnsName::new("cnictl-paths-i");
    common::run("ip", &["netns", "add", &name.0]).expect(0, "ip netns add");
    // The node's /run/netns/NAME as a pod sees it through its /host mount: a bind mount of the
    // namespace. NAME means /var/run/netns/NAME, found through the tree's /var/run link.
    let in_tree = node.root().join("run/netns").join(&name.0);
    fs::write(&in_tree, "").expect("mount point");
    let src = format!("/run/netns/{}", name.0);
    common::run("mount", &["--bind", &src, &in_tree.to_string_lossy()]).expect(0, "mount");
    let _unmount = Unmount(in_tree.clone());
    let recorded = format!("/var/run/netns/{}", name.0);
    cache_entry(
        &node.root().join("var/lib/cni"),
        "nodenet",
        "ctr-i",
        &recorded,
        "10.77.0.20/24",
    );
    // The plugins' namespace is named in the tree only, where it does not exist: the host side
    // is reported unreadable, and nothing is read in this machine's own namespace.
    let nohost = format!("cnictl-paths-nohost-{}", token());
    let r = node.cnictl(
        &[
            "--root",
            &node.root_s(),
            "--host-netns",
            &nohost,
            "inspect",
            &name.0,
            "-o",
            "json",
        ],
        &[],
    );
    // The cached eth0 is not there: a difference, exit 1.
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    let v = r.json();
    assert_eq!(v["netns"], json!(recorded), "{v}");
    let att = &v["attachments"][0];
    assert_eq!(att["containerId"], "ctr-i", "{v}");
    assert!(
        att["hostProblem"]
            .as_str()
            .is_some_and(|p| p.contains(&nohost)),
        "{v}"
    );
    let links: Vec<&str> = v["links"]
        .as_array()
        .expect("links")
        .iter()
        .filter_map(|l| l["name"].as_str())
        .collect();
    assert_eq!(links, ["lo"], "{v}");
    // Without --root, the same name is this machine's namespace, but the tree's cache is not
    // read: no attachment.
    let r = node.cnictl(
        &[
            "--cache-dir",
            &node.root().join("nowhere").to_string_lossy(),
            "--host-netns",
            &nohost,
            "inspect",
            &name.0,
            "-o",
            "json",
        ],
        &[],
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(r.json()["attachments"], json!([]));
}

/// A plugin that leaves `marker` behind when it runs, and answers VERSION.
fn marking_plugin(path: &Path, marker: &Path) {
    write(
        path,
        &format!(
            "#!/bin/sh\ntouch '{}'\necho '{{\"cniVersion\":\"1.0.0\",\"supportedVersions\":[\"0.4.0\",\"1.0.0\"]}}'\n",
            marker.display()
        ),
    );
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).expect("chmod");
}

#[test]
fn root_runs_the_nodes_binary_behind_an_absolute_plugin_link() {
    // Debian's /opt/cni/bin/bridge -> /usr/lib/cni/bridge: the link's target counts from the
    // node's /, where the binary is; this machine has no such file (the directory is unique).
    let node = Node::new();
    let r = node.root();
    let lib = format!("/usr/lib/cnictl-node-{}", node.token);
    assert!(!Path::new(&lib).exists());
    let in_tree = r.join(lib.trim_start_matches('/'));
    install_plugins(&in_tree, &["bridge"]);
    fs::remove_file(r.join("opt/cni/bin/bridge")).expect("rm");
    std::os::unix::fs::symlink(format!("{lib}/bridge"), r.join("opt/cni/bin/bridge"))
        .expect("symlink");
    // portmap's link names a file that exists only outside the tree: missing on the node, and
    // never run.
    let outside = tempfile::tempdir().expect("tempdir");
    let marker = outside.path().join("ran");
    marking_plugin(&outside.path().join("portmap"), &marker);
    fs::remove_file(r.join("opt/cni/bin/portmap")).expect("rm");
    std::os::unix::fs::symlink(
        outside.path().join("portmap"),
        r.join("opt/cni/bin/portmap"),
    )
    .expect("symlink");
    let root = node.root_s();

    let ls = node
        .cnictl(&["--root", &root, "ls", "-o", "json"], &[])
        .expect(0, "ls")
        .json();
    let plugin = |name: &str| -> Value {
        ls["networks"][0]["plugins"]
            .as_array()
            .expect("plugins")
            .iter()
            .find(|p| p["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("no {name} in {ls}"))
    };
    // The binary run (probed) is the node's file behind the link.
    assert_eq!(
        plugin("bridge")["path"],
        json!(in_tree.join("bridge").to_string_lossy()),
        "{ls}"
    );
    assert!(plugin("bridge")["supportedVersions"].is_array(), "{ls}");
    assert_eq!(plugin("portmap")["path"], Value::Null, "{ls}");
    assert_eq!(ls["networks"][0]["status"], "plugin-missing", "{ls}");
    let plugins = node
        .cnictl(&["--root", &root, "plugins", "-o", "json"], &[])
        .expect(0, "plugins")
        .json();
    let listed: Vec<(&str, bool)> = plugins["plugins"]
        .as_array()
        .expect("plugins")
        .iter()
        .filter_map(|p| Some((p["name"].as_str()?, p["supportedVersions"].is_array())))
        .collect();
    assert_eq!(
        listed,
        [("bridge", true), ("host-local", true)],
        "{plugins}"
    );
    // validate finds bridge and not portmap.
    let v = node.cnictl(&["--root", &root, "validate", "-o", "json"], &[]);
    assert!(
        v.stdout
            .contains("plugin \\\"portmap\\\" is not on the CNI path")
            && !v
                .stdout
                .contains("plugin \\\"bridge\\\" is not on the CNI path"),
        "{}",
        v.stdout
    );
    // status looks bridge up as well.
    let st = node.cnictl(&["--root", &root, "status", "-o", "json"], &[]);
    assert!(
        st.stdout
            .contains(&*in_tree.join("bridge").to_string_lossy()),
        "{}{}",
        st.stdout,
        st.stderr
    );
    assert!(
        !marker.exists(),
        "a command under --root ran the binary outside the tree"
    );
}

#[test]
fn root_reads_a_config_file_linked_to_an_absolute_path_inside_the_tree() {
    // /etc/cni/net.d/20-linked.conflist -> /srv/cnictl-<token>/linked.conflist: the target counts
    // from the node's /, and this machine has no such file.
    let node = Node::new();
    let r = node.root();
    let target = format!("/srv/cnictl-node-{}/linked.conflist", node.token);
    assert!(!Path::new(&target).exists());
    write(
        &r.join(target.trim_start_matches('/')),
        &conflist("linked", "10.78.0.0/24"),
    );
    std::os::unix::fs::symlink(&target, r.join("etc/cni/net.d/20-linked.conflist"))
        .expect("symlink");
    // 30-outside.conflist links to a file that exists only outside the tree: unreadable on
    // the node, and never read here.
    let outside = tempfile::tempdir().expect("tempdir");
    let out_file = outside.path().join("outside.conflist");
    write(&out_file, &conflist("outsidenet", "10.79.0.0/24"));
    std::os::unix::fs::symlink(&out_file, r.join("etc/cni/net.d/30-outside.conflist"))
        .expect("symlink");
    let root = node.root_s();

    let ls = node
        .cnictl(&["--root", &root, "ls", "--no-probe", "-o", "json"], &[])
        .expect(0, "ls")
        .json();
    let nets: Vec<(Value, Value)> = ls["networks"]
        .as_array()
        .expect("networks")
        .iter()
        .map(|n| (n["network"].clone(), n["status"].clone()))
        .collect();
    assert_eq!(
        nets,
        [
            (json!("nodenet"), json!("ok")),
            (json!("linked"), json!("ok")),
            (Value::Null, json!("invalid")),
        ],
        "{ls}"
    );
    assert_eq!(
        ls["networks"][1]["file"],
        json!(r.join("etc/cni/net.d/20-linked.conflist").to_string_lossy()),
        "a linked file is shown by its name in the config dir: {ls}"
    );
    assert!(!ls.to_string().contains("outsidenet"), "{ls}");
    // status finds the network by name; validate (the node's config dir) reads it.
    node.cnictl(&["--root", &root, "status", "linked", "-o", "json"], &[])
        .expect(0, "status linked");
    let v = node
        .cnictl(
            &["--root", &root, "validate", "--static", "-o", "json"],
            &[],
        )
        .json();
    let rules_of = |file: &str| -> Vec<&str> {
        v["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .filter(|d| d["file"].as_str().is_some_and(|f| f.ends_with(file)))
            .filter_map(|d| d["rule"].as_str())
            .collect()
    };
    assert_eq!(rules_of("/20-linked.conflist"), ["unknown-key"], "{v}");
    assert_eq!(rules_of("/30-outside.conflist"), ["unreadable-file"], "{v}");
    assert_eq!(v["summary"]["files"], 3, "{v}");
}

#[test]
fn root_reads_files_named_on_the_line_as_given() {
    // A NETWORK given as a file path, and validate's PATH, are the files named here, not the
    // node's: the same absolute path inside the tree is not what is read. The plugins the file
    // names are looked up on the node's CNI path.
    let node = Node::new();
    let r = node.root();
    let here = tempfile::tempdir().expect("tempdir");
    let file = here.path().join("given.conflist");
    write(&file, &conflist("givennet", "10.80.0.0/24"));
    write(
        &r.join(file.strip_prefix("/").expect("absolute")),
        &conflist("treenet", "10.81.0.0/24"),
    );
    let f = file.to_string_lossy().into_owned();
    let root = node.root_s();
    let st = node
        .cnictl(&["--root", &root, "status", &f, "-o", "json"], &[])
        .expect(0, "status FILE")
        .stdout;
    assert!(st.contains("givennet") && !st.contains("treenet"), "{st}");
    assert!(
        st.contains(&*r.join("opt/cni/bin/bridge").to_string_lossy()),
        "the file's plugins are not looked up on the node's CNI path: {st}"
    );
    let v = node
        .cnictl(
            &["--root", &root, "validate", "--static", &f, "-o", "json"],
            &[],
        )
        .json();
    assert_eq!(v["diagnostics"][0]["file"], json!(f), "{v}");
    // --help says so.
    let help = node.cnictl(&["--help"], &[]).expect(0, "help").stdout;
    assert!(
        help.contains("Files named on the command line are read as given, not under DIR"),
        "{help}"
    );
}
