//! Helpers for the CLI tests: the fake plugin (examples/fake_plugin.rs) installed under several
//! plugin names, a network namespace that is not cnictl's own (made without root when need be),
//! and a sandbox of temp dirs in which cnictl runs with a cleared environment.

use super::Run;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The PATH cnictl runs with (and passes on to the plugins).
pub const PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// How long any single cnictl run may take before the test kills it and fails.
const WATCHDOG: Duration = Duration::from_secs(120);

/// The fake plugin binary, built by `cargo test` as `target/<profile>/examples/fake_plugin`;
/// built here (once per test process) when it is missing or older than its source.
pub fn fake_plugin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let exe = std::env::current_exe().expect("the test executable's path");
        // target/<profile>/deps/<test> → target/<profile>
        let profile_dir = exe
            .parent()
            .and_then(Path::parent)
            .expect("the test executable lives in target/<profile>/deps")
            .to_path_buf();
        let bin = profile_dir.join("examples").join("fake_plugin");
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/fake_plugin.rs");
        let mtime = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
        let stale = match (mtime(&bin), mtime(&source)) {
            (Some(b), Some(s)) => b < s,
            (None, _) => true,
            (Some(_), None) => false,
        };
        if stale {
            let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
            let mut cmd = Command::new(cargo);
            cmd.args(["build", "--example", "fake_plugin"])
                .current_dir(env!("CARGO_MANIFEST_DIR"));
            if profile_dir.file_name() == Some("release".as_ref()) {
                cmd.arg("--release");
            }
            if let Some(target) = profile_dir.parent() {
                cmd.env("CARGO_TARGET_DIR", target);
            }
            let status = cmd
                .status()
                .expect("cannot run cargo to build the fake plugin");
            assert!(status.success(), "cargo build --example fake_plugin failed");
            assert!(bin.is_file(), "{} was not built", bin.display());
        }
        bin
    })
}

/// A network namespace for the container side that is not cnictl's own: `/proc/<pid>/ns/net`
/// of a `sleep` started in a new network namespace (inside [`shared_user_ns`] when not root),
/// or, as root when that fails, a named namespace made by `ip netns add` with a per-run token.
/// Plugins never enter it (the fake plugin does nothing in it); cnictl only checks that it is a
/// network namespace other than the one plugins run in. Removed on drop. Panics (fails the
/// test) when no namespace can be made: a CLI test must never skip silently.
pub struct TestNetns {
    path: String,
    sleeper: Option<Child>,
    named: Option<String>,
}

impl TestNetns {
    pub fn new() -> TestNetns {
        let root = nix::unistd::geteuid().is_root();
        let mut failures = Vec::new();
        // Without root, every namespace is made inside the one user namespace of the test
        // process (see `shared_user_ns`), in which cnictl runs too.
        let wrapper: Vec<String> = if root {
            Vec::new()
        } else {
            match shared_user_ns() {
                Ok(userns) => user_ns_wrapper(userns),
                Err(e) => panic!("cannot make a user namespace for the CLI tests: {e}"),
            }
        };
        match Self::unshared(&wrapper, &["--net"]) {
            Ok(ns) => return ns,
            Err(e) => failures.push(format!("unshare --net: {e}")),
        }
        if root {
            let name = format!("cnictl-cli-{}", super::token());
            let out = Command::new("ip").args(["netns", "add", &name]).output();
            match out {
                Ok(o) if o.status.success() => {
                    return TestNetns {
                        path: format!("/var/run/netns/{name}"),
                        sleeper: None,
                        named: Some(name),
                    }
                }
                Ok(o) => failures.push(format!(
                    "ip netns add: {}",
                    String::from_utf8_lossy(&o.stderr).trim()
                )),
                Err(e) => failures.push(format!("ip netns add: {e}")),
            }
        }
        panic!(
            "cannot make a network namespace for the CLI tests ({})",
            failures.join("; ")
        );
    }

    fn unshared(wrapper: &[String], flags: &[&str]) -> Result<TestNetns, String> {
        let own = std::fs::read_link("/proc/self/ns/net").map_err(|e| e.to_string())?;
        let mut cmd = match wrapper.split_first() {
            Some((prog, args)) => {
                let mut c = Command::new(prog);
                c.args(args).arg("unshare");
                c
            }
            None => Command::new("unshare"),
        };
        let mut child = cmd
            .args(flags)
            .args(["sleep", "600"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| e.to_string())?;
        let path = format!("/proc/{}/ns/net", child.id());
        let until = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                let mut err = String::new();
                if let Some(mut e) = child.stderr.take() {
                    let _ = std::io::Read::read_to_string(&mut e, &mut err);
                }
                return Err(format!("{status}: {}", err.trim()));
            }
            // unshare(1) unshares, then execs sleep: wait until the pid's netns differs.
            match std::fs::read_link(&path) {
                Ok(ns) if ns != own => {
                    return Ok(TestNetns {
                        path,
                        sleeper: Some(child),
                        named: None,
                    })
                }
                _ => {}
            }
            if Instant::now() > until {
                let _ = child.kill();
                let _ = child.wait();
                return Err("its namespace did not appear within 10s".into());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// The path to pass as NETNS.
    pub fn path(&self) -> &str {
        &self.path
    }
}

/// A user namespace owned by the test's user, made once per test process and kept alive by an
/// open descriptor (its maker, a `sleep`, is gone at once): its path, through /proc. Without
/// root, the CLI tests' namespaces are made in it and cnictl runs in it, where both hold
/// CAP_SYS_ADMIN and CAP_NET_ADMIN (add, check, del and gc refuse to run without) and cnictl
/// may look at every namespace the test made (from a sibling user namespace it could not).
pub fn shared_user_ns() -> Result<&'static str, String> {
    static USERNS: OnceLock<Result<(std::fs::File, String), String>> = OnceLock::new();
    let made = USERNS.get_or_init(|| {
        let own = std::fs::read_link("/proc/self/ns/user").map_err(|e| e.to_string())?;
        let mut child = Command::new("unshare")
            .args(["--user", "--map-root-user", "sleep", "60"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("unshare: {e}"))?;
        let path = format!("/proc/{}/ns/user", child.id());
        let until = Instant::now() + Duration::from_secs(10);
        let file = loop {
            if let Ok(Some(status)) = child.try_wait() {
                break Err(format!("unshare --user --map-root-user: {status}"));
            }
            match std::fs::read_link(&path) {
                Ok(ns) if ns != own => {
                    break std::fs::File::open(&path).map_err(|e| format!("{path}: {e}"))
                }
                _ if Instant::now() > until => {
                    break Err("its user namespace did not appear within 10s".into())
                }
                _ => std::thread::sleep(Duration::from_millis(10)),
            }
        };
        // Child::kill signals exactly this child, by its pid.
        let _ = child.kill();
        let _ = child.wait();
        let file = file?;
        use std::os::fd::AsRawFd;
        let fd_path = format!("/proc/{}/fd/{}", std::process::id(), file.as_raw_fd());
        Ok((file, fd_path))
    });
    made.as_ref().map(|(_, p)| p.as_str()).map_err(Clone::clone)
}

/// The words that run a program inside the user namespace at `userns` (nsenter execs it: the
/// pid stays the program's).
pub fn user_ns_wrapper(userns: &str) -> Vec<String> {
    vec![
        "nsenter".to_string(),
        "--preserve-credentials".to_string(),
        format!("--user={userns}"),
        "--".to_string(),
    ]
}

impl Drop for TestNetns {
    fn drop(&mut self) {
        if let Some(child) = &mut self.sleeper {
            // Child::kill signals exactly this child, by its pid.
            let _ = child.kill();
            let _ = child.wait();
        }
        if let Some(name) = &self.named {
            let _ = Command::new("ip").args(["netns", "delete", name]).output();
        }
    }
}

/// One call of the fake plugin, as it logged it.
#[derive(Debug, Clone)]
pub struct Call(pub Value);

impl Call {
    pub fn plugin(&self) -> &str {
        self.0["plugin"].as_str().unwrap_or_default()
    }
    pub fn command(&self) -> &str {
        self.0["command"].as_str().unwrap_or_default()
    }
    /// `"p1 ADD"`, for order assertions.
    pub fn tag(&self) -> String {
        format!("{} {}", self.plugin(), self.command())
    }
    /// Every `CNI_*` variable the plugin got.
    pub fn cni_env(&self) -> BTreeMap<String, String> {
        self.0["env"]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                    .collect()
            })
            .unwrap_or_default()
    }
    pub fn env(&self, key: &str) -> Option<String> {
        self.cni_env().get(key).cloned()
    }
    /// The names of all the plugin's environment variables, sorted.
    pub fn env_keys(&self) -> Vec<String> {
        self.0["env_keys"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    }
    /// The plugin's `PATH`.
    pub fn path(&self) -> Option<&str> {
        self.0["path"].as_str()
    }
    pub fn pid(&self) -> i32 {
        self.0["pid"]
            .as_i64()
            .and_then(|p| i32::try_from(p).ok())
            .expect("pid in the call log")
    }
    /// Stdin, parsed.
    pub fn stdin(&self) -> &Value {
        &self.0["stdin"]
    }
    /// Stdin, exactly as read.
    pub fn stdin_raw(&self) -> &str {
        self.0["stdin_raw"].as_str().unwrap_or_default()
    }
}

/// The tags of a list of calls.
pub fn tags(calls: &[Call]) -> Vec<String> {
    calls.iter().map(Call::tag).collect()
}

/// `value` with `key` set (a copy).
pub fn with(value: &Value, key: &str, v: Value) -> Value {
    let mut out = value.clone();
    out[key] = v;
    out
}

/// `value` without `key` (a copy).
pub fn without(value: &Value, key: &str) -> Value {
    let mut out = value.clone();
    if let Some(m) = out.as_object_mut() {
        m.shift_remove(key);
    }
    out
}

/// A test's world: temp dirs for plugins (`bin`), configs (`net.d`) and the cache, the fake
/// plugin's script and call log, and a container network namespace.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
    pub netns: TestNetns,
}

impl Sandbox {
    /// A sandbox with the fake plugin installed as each of `plugins`.
    pub fn new(plugins: &[&str]) -> Sandbox {
        let dir = tempfile::Builder::new()
            .prefix("cnictl-cli-")
            .tempdir()
            .expect("tempdir");
        let sb = Sandbox {
            dir,
            netns: TestNetns::new(),
        };
        for d in [sb.bin(), sb.conf_dir()] {
            std::fs::create_dir_all(d).expect("create a sandbox dir");
        }
        for p in plugins {
            sb.install(p);
        }
        sb.rules(json!([]));
        sb
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }
    pub fn bin(&self) -> PathBuf {
        self.path("bin")
    }
    pub fn conf_dir(&self) -> PathBuf {
        self.path("net.d")
    }
    pub fn cache_dir(&self) -> PathBuf {
        self.path("cache")
    }
    pub fn log_path(&self) -> PathBuf {
        self.path("calls.jsonl")
    }
    pub fn script_path(&self) -> PathBuf {
        self.path("script.json")
    }
    /// The container namespace's path.
    pub fn ns(&self) -> &str {
        self.netns.path()
    }

    /// Installs the fake plugin as `bin/<name>`.
    pub fn install(&self, name: &str) {
        self.install_at(&self.bin().join(name));
    }

    /// Installs the fake plugin at `dest`: a hard link (nothing is written, so no ETXTBSY
    /// while other test threads fork), or a symlink when a hard link is impossible.
    pub fn install_at(&self, dest: &Path) {
        let src = fake_plugin();
        if std::fs::hard_link(src, dest).is_err() {
            std::os::unix::fs::symlink(src, dest)
                .unwrap_or_else(|e| panic!("cannot install {}: {e}", dest.display()));
        }
    }

    /// Writes the fake plugin's script: these rules, and the call log.
    pub fn rules(&self, rules: Value) {
        let script = json!({"log": self.log_path(), "rules": rules});
        std::fs::write(self.script_path(), script.to_string()).expect("write the script");
    }

    /// Writes `net.d/<file>` verbatim.
    pub fn write_conf(&self, file: &str, text: &str) -> PathBuf {
        let p = self.conf_dir().join(file);
        std::fs::write(&p, text).expect("write a config");
        p
    }

    /// Writes `net.d/10-<name>.conflist` for `plugins` at `version`.
    pub fn conflist(&self, name: &str, version: &str, plugins: Value) -> PathBuf {
        let conf = json!({"cniVersion": version, "name": name, "plugins": plugins});
        self.write_conf(&format!("10-{name}.conflist"), &conf.to_string())
    }

    /// A cnictl command with the sandbox's dirs as flags.
    pub fn cnictl(&self) -> Cnictl<'_> {
        Cnictl {
            sb: self,
            args: Vec::new(),
            env: Vec::new(),
            dirs_as_env: false,
            no_dirs: false,
            wrapper: Vec::new(),
            conf_dir: None,
            cni_path: None,
            cwd: None,
        }
    }

    /// Runs cnictl with these arguments.
    pub fn run(&self, args: &[&str]) -> Run {
        self.cnictl().args(args).run()
    }

    /// Every call logged so far.
    pub fn calls(&self) -> Vec<Call> {
        let text = match std::fs::read_to_string(self.log_path()) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => panic!("cannot read the call log: {e}"),
        };
        text.lines()
            .map(|l| {
                Call(serde_json::from_str(l).unwrap_or_else(|e| panic!("bad log line {l}: {e}")))
            })
            .collect()
    }

    /// The calls logged so far; the log is emptied.
    pub fn take_calls(&self) -> Vec<Call> {
        let calls = self.calls();
        std::fs::write(self.log_path(), "").expect("truncate the call log");
        calls
    }

    /// Waits until a call matching `pred` is logged.
    pub fn wait_for_call(&self, what: &str, pred: impl Fn(&Call) -> bool) -> Call {
        let until = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(c) = self.calls().into_iter().find(|c| pred(c)) {
                return c;
            }
            assert!(Instant::now() < until, "no {what} call within 30s");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The file names under `<cache>/results`.
    pub fn cache_files(&self) -> Vec<String> {
        let Ok(rd) = std::fs::read_dir(self.cache_dir().join("results")) else {
            return Vec::new();
        };
        let mut v: Vec<String> = rd
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    /// The path of a cache entry.
    pub fn cache_file(&self, network: &str, container_id: &str, ifname: &str) -> PathBuf {
        self.cache_dir()
            .join("results")
            .join(format!("{network}-{container_id}-{ifname}"))
    }

    /// A cache entry, parsed.
    pub fn cache_entry(&self, network: &str, container_id: &str, ifname: &str) -> Value {
        let p = self.cache_file(network, container_id, ifname);
        let bytes =
            std::fs::read(&p).unwrap_or_else(|e| panic!("cache entry {}: {e}", p.display()));
        serde_json::from_slice(&bytes).expect("the cache entry is JSON")
    }

    /// The names of cnictl's records (`<cache>/cnictl/records`), sorted.
    pub fn records(&self) -> Vec<String> {
        let Ok(rd) = std::fs::read_dir(self.cache_dir().join("cnictl/records")) else {
            return Vec::new();
        };
        let mut v: Vec<String> = rd
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    /// cnictl's record of an attachment, parsed.
    pub fn record(&self, network: &str, container_id: &str, ifname: &str) -> Value {
        let p = self
            .cache_dir()
            .join(format!("cnictl/records/{network}-{container_id}-{ifname}"));
        let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("record {}: {e}", p.display()));
        serde_json::from_slice(&bytes).expect("the record is JSON")
    }
}

/// A cnictl command line being built.
pub struct Cnictl<'a> {
    sb: &'a Sandbox,
    args: Vec<OsString>,
    env: Vec<(String, String)>,
    dirs_as_env: bool,
    no_dirs: bool,
    wrapper: Vec<String>,
    conf_dir: Option<String>,
    cni_path: Option<String>,
    cwd: Option<PathBuf>,
}

impl<'a> Cnictl<'a> {
    pub fn arg(mut self, a: impl Into<OsString>) -> Self {
        self.args.push(a.into());
        self
    }
    pub fn args(mut self, args: &[&str]) -> Self {
        self.args.extend(args.iter().map(OsString::from));
        self
    }
    /// Sets a variable in cnictl's (otherwise cleared) environment.
    pub fn env(mut self, k: &str, v: &str) -> Self {
        self.env.push((k.to_string(), v.to_string()));
        self
    }
    /// Passes the config dir and the plugin dir as NETCONFPATH and CNI_PATH instead of flags.
    pub fn dirs_as_env(mut self) -> Self {
        self.dirs_as_env = true;
        self
    }

    /// Passes no directory at all: the arguments must name them (e.g. a command cnictl printed).
    pub fn without_dirs(mut self) -> Self {
        self.no_dirs = true;
        self
    }

    /// Uses this config dir instead of the sandbox's.
    pub fn conf_dir(mut self, dir: &str) -> Self {
        self.conf_dir = Some(dir.to_string());
        self
    }

    /// Uses this plugin path instead of the sandbox's `bin`.
    pub fn cni_path(mut self, path: &str) -> Self {
        self.cni_path = Some(path.to_string());
        self
    }

    /// Runs cnictl in this directory (default: the sandbox's root).
    pub fn cwd(mut self, dir: &Path) -> Self {
        self.cwd = Some(dir.to_path_buf());
        self
    }

    /// Runs cnictl through this program (e.g. `prlimit --as=...`).
    pub fn wrapped(mut self, wrapper: &[&str]) -> Self {
        self.wrapper = wrapper.iter().map(|s| s.to_string()).collect();
        self
    }

    /// The command: cleared env plus PATH and the fake plugin's script, the sandbox's dirs.
    pub fn command(&self, out_dir: &Path) -> Command {
        // add, check, del and gc refuse to run without CAP_SYS_ADMIN and CAP_NET_ADMIN. As
        // root they have them; otherwise cnictl runs in the test's user namespace (see
        // `shared_user_ns`), where it holds them, as the fake plugins need no more.
        let mut wrapper = self.wrapper.clone();
        if !nix::unistd::geteuid().is_root() {
            let userns = shared_user_ns().expect("the CLI tests' user namespace");
            wrapper.splice(0..0, user_ns_wrapper(userns));
        }
        let mut cmd = match wrapper.split_first() {
            Some((prog, args)) => {
                let mut c = Command::new(prog);
                c.args(args).arg(super::cnictl_bin());
                c
            }
            None => Command::new(super::cnictl_bin()),
        };
        cmd.env_clear()
            .env("PATH", PATH)
            .env("FAKE_PLUGIN_SCRIPT", self.sb.script_path())
            .current_dir(self.cwd.as_deref().unwrap_or(self.sb.dir.path()))
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(out_dir.join("stdout")).expect("stdout file"))
            .stderr(std::fs::File::create(out_dir.join("stderr")).expect("stderr file"));
        let conf_dir: OsString = match &self.conf_dir {
            Some(d) => d.into(),
            None => self.sb.conf_dir().into(),
        };
        let cni_path: OsString = match &self.cni_path {
            Some(p) => p.into(),
            None => self.sb.bin().into(),
        };
        if self.no_dirs {
            // the arguments carry them
        } else if self.dirs_as_env {
            cmd.env("NETCONFPATH", conf_dir).env("CNI_PATH", cni_path);
            cmd.arg("--cache-dir").arg(self.sb.cache_dir());
        } else {
            cmd.arg("--conf-dir")
                .arg(conf_dir)
                .arg("--cni-path")
                .arg(cni_path);
            cmd.arg("--cache-dir").arg(self.sb.cache_dir());
        }
        cmd.args(&self.args);
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }

    /// Starts cnictl; stdout and stderr go to files read by [`Running::wait`].
    pub fn spawn(self) -> Running {
        let out_dir = tempfile::Builder::new()
            .prefix("out-")
            .tempdir_in(self.sb.dir.path())
            .expect("output dir");
        let child = self
            .command(out_dir.path())
            .spawn()
            .expect("cannot start cnictl");
        Running {
            child,
            out_dir,
            started: Instant::now(),
        }
    }

    /// Runs cnictl to the end (killed, and the test failed, past a generous watchdog).
    pub fn run(self) -> Run {
        self.spawn().wait()
    }
}

/// A cnictl process started by a test.
pub struct Running {
    pub child: Child,
    out_dir: tempfile::TempDir,
    pub started: Instant,
}

impl Running {
    /// cnictl's pid.
    pub fn pid(&self) -> nix::unistd::Pid {
        nix::unistd::Pid::from_raw(i32::try_from(self.child.id()).expect("pid"))
    }

    /// Waits for cnictl to exit and collects its output.
    pub fn wait(mut self) -> Run {
        let status = loop {
            if let Some(st) = self.child.try_wait().expect("wait for cnictl") {
                break st;
            }
            if self.started.elapsed() > WATCHDOG {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!("cnictl still running after {WATCHDOG:?}: killed");
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        let read = |f: &str| {
            let b = std::fs::read(self.out_dir.path().join(f)).expect("read cnictl's output");
            String::from_utf8_lossy(&b).into_owned()
        };
        Run {
            code: status.code().unwrap_or(-1),
            stdout: read("stdout"),
            stderr: read("stderr"),
        }
    }
}

/// The live (not zombie) processes whose process group is `pgid`.
pub fn live_group_members(pgid: i32) -> Vec<i32> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir("/proc") else {
        return out;
    };
    for e in rd.filter_map(|e| e.ok()) {
        let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(e.path().join("stat")) else {
            continue;
        };
        // pid (comm) state ppid pgrp ...: comm may hold spaces, so split after the last ')'.
        let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
            continue;
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        if fields.get(2).and_then(|g| g.parse::<i32>().ok()) == Some(pgid)
            && fields.first() != Some(&"Z")
        {
            out.push(pid);
        }
    }
    out
}

/// Waits up to `limit` for the process group `pgid` to have no live member; returns the
/// members still alive then.
pub fn wait_group_gone(pgid: i32, limit: Duration) -> Vec<i32> {
    let until = Instant::now() + limit;
    loop {
        let live = live_group_members(pgid);
        if live.is_empty() || Instant::now() > until {
            return live;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The `error:` lines of a run's stderr.
pub fn error_lines(r: &Run) -> Vec<&str> {
    r.stderr
        .lines()
        .filter(|l| l.starts_with("error:"))
        .collect()
}

/// The single `error:` line of a failed run (fails when there are none or several).
pub fn the_error(r: &Run) -> String {
    let lines = error_lines(r);
    assert_eq!(
        lines.len(),
        1,
        "want exactly one error line; stderr:\n{}",
        r.stderr
    );
    lines[0].to_string()
}

/// The cnitool default container ID of a netns path (cleaned, absolute).
pub fn cnitool_id(netns: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha512::digest(netns.as_bytes());
    let hex: String = digest[..10].iter().map(|b| format!("{b:02x}")).collect();
    format!("cnitool-{hex}")
}
