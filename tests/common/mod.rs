//! Helpers shared by the integration tests: running the cnictl binary, and the throwaway
//! "lab" that end-to-end tests run the real plugins in.
#![allow(dead_code)]

pub mod fake;
pub mod prom;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};

/// Every command as typed after `cnictl` ("" for cnictl itself), hidden ones excepted: what
/// the help and man page tests walk.
pub const COMMANDS: &[&str] = &[
    "",
    "add",
    "check",
    "del",
    "gc",
    "status",
    "ls",
    "plugins",
    "attachments",
    "attachments show",
    "ipam",
    "inspect",
    "validate",
    "completions",
    "conformance",
];

/// The cnictl binary under test: cargo's build of it, or the one `CNICTL_TEST_BIN` names (CI
/// runs the suite a second time against the static build, whose start-up is its own).
pub fn cnictl_bin() -> PathBuf {
    match std::env::var_os("CNICTL_TEST_BIN") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => PathBuf::from(env!("CARGO_BIN_EXE_cnictl")),
    }
}

/// A short token unique to this process and call, for names of namespaces and links.
pub fn token() -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let n = N.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{:x}",
        (std::process::id() as u64 * 7919 + n as u64 * 104_729 + nanos as u64 / 1000) % 0xff_ffff
    )
}

/// Output as text, for assertions and failure messages.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }

    /// Panics with the whole output unless the exit code is `code`.
    pub fn expect(self, code: i32, what: &str) -> Run {
        assert_eq!(
            self.code, code,
            "{what}: exit code {} (want {code})\nstdout:\n{}\nstderr:\n{}",
            self.code, self.stdout, self.stderr
        );
        self
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

/// Asserts a `cnictl check -v` of the standard chain: bridge's CHECK passed, and the check
/// passed too or failed only in portmap with Debian's portmap 1.1.1 bug (upstream
/// containernetworking/plugins#819: with port mappings, its CHECK looks for the DNAT chain in
/// ip6tables as well, so it fails wherever ip6tables works).
pub fn assert_check_passes_but_for_portmap_bug(c: &Run) {
    assert!(
        c.stderr.contains("bridge       CHECK") && c.stderr.contains("exit 0"),
        "bridge CHECK did not pass: {}",
        c.stderr
    );
    if c.code != 0 {
        assert_eq!(c.code, 1, "{}", c.stderr);
        assert!(
            c.stderr.contains("plugin \"portmap\" failed (CHECK)")
                && c.stderr.contains("ipv6 dnat"),
            "unexpected check failure: {}",
            c.stderr
        );
    }
}

/// Runs a program and captures its output.
pub fn run(prog: &str, args: &[&str]) -> Run {
    let o = Command::new(prog)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {prog}: {e}"));
    Run::from(o)
}

/// Fails loudly (never skips) when the end-to-end prerequisites are missing.
pub fn require_root_and_plugins() {
    let euid = nix::unistd::geteuid();
    assert!(euid.is_root(), "this end-to-end test needs root (it creates network namespaces); run the suite as root with --include-ignored");
    for p in ["bridge", "host-local", "portmap", "tuning", "loopback"] {
        let path = Path::new("/usr/lib/cni").join(p);
        assert!(
            path.is_file(),
            "{} is missing: install Debian's containernetworking-plugins",
            path.display()
        );
    }
    assert!(run("ip", &["-V"]).code == 0, "iproute2's `ip` is missing");
}

/// A throwaway lab: a "host" network namespace the plugins run in (--host-netns), temp dirs
/// for config, cache and IPAM data, and every container namespace it names, all removed on
/// drop, also when the test fails.
pub struct Lab {
    pub token: String,
    pub host: String,
    pub dir: tempfile::TempDir,
    pub containers: std::cell::RefCell<Vec<String>>,
    /// The fake plugin's script, once [`Lab::fake_plugins`] installed it.
    pub fake_script: std::cell::RefCell<Option<PathBuf>>,
}

impl Lab {
    pub fn new() -> Lab {
        require_root_and_plugins();
        let token = token();
        let host = format!("cnictl-e2e-h-{token}");
        run("ip", &["netns", "add", &host]).expect(0, "ip netns add (host)");
        let dir = tempfile::Builder::new()
            .prefix("cnictl-e2e-")
            .tempdir()
            .expect("tempdir");
        std::fs::create_dir_all(dir.path().join("net.d")).unwrap();
        Lab {
            token,
            host,
            dir,
            containers: Default::default(),
            fake_script: Default::default(),
        }
    }

    /// Installs the fake plugin (examples/fake_plugin.rs) as each of `names` in `<lab>/bin`,
    /// searched before /usr/lib/cni, with these rules (a JSON array; see the fake plugin).
    /// Returns the call log's path.
    pub fn fake_plugins(&self, names: &[&str], rules: serde_json::Value) -> PathBuf {
        let bin = self.dir.path().join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        for n in names {
            let dest = bin.join(n);
            if !dest.exists() {
                std::fs::hard_link(fake::fake_plugin(), &dest)
                    .or_else(|_| std::os::unix::fs::symlink(fake::fake_plugin(), &dest))
                    .unwrap_or_else(|e| panic!("cannot install {}: {e}", dest.display()));
            }
        }
        let log = self.dir.path().join("calls.jsonl");
        let script = self.dir.path().join("script.json");
        std::fs::write(
            &script,
            serde_json::json!({"log": log, "rules": rules}).to_string(),
        )
        .unwrap();
        *self.fake_script.borrow_mut() = Some(script);
        log
    }

    /// The CNI path: `<lab>/bin` first once fake plugins are installed, then /usr/lib/cni.
    pub fn cni_path(&self) -> String {
        match &*self.fake_script.borrow() {
            Some(_) => format!("{}:/usr/lib/cni", self.dir.path().join("bin").display()),
            None => "/usr/lib/cni".to_string(),
        }
    }

    pub fn conf_dir(&self) -> PathBuf {
        self.dir.path().join("net.d")
    }
    pub fn cache_dir(&self) -> PathBuf {
        self.dir.path().join("cache")
    }
    pub fn ipam_dir(&self) -> PathBuf {
        self.dir.path().join("ipam")
    }

    /// A container namespace name, removed on drop if it still exists.
    pub fn container(&self, suffix: &str) -> String {
        let name = format!("cnictl-e2e-c{suffix}-{}", self.token);
        self.containers.borrow_mut().push(name.clone());
        name
    }

    /// A bridge name carrying the token (at most 15 bytes).
    pub fn bridge(&self) -> String {
        format!("cb{}", &self.token)
    }

    pub fn write_conf(&self, file: &str, json: &serde_json::Value) {
        std::fs::write(
            self.conf_dir().join(file),
            serde_json::to_vec_pretty(json).unwrap(),
        )
        .unwrap();
    }

    /// bridge (host-local) + portmap + tuning at `version`; tuning sets `sysctl`.
    pub fn standard_conf(
        &self,
        name: &str,
        version: &str,
        sysctl: &str,
        subnet: &str,
    ) -> serde_json::Value {
        serde_json::json!({
            "cniVersion": version,
            "name": name,
            "plugins": [
                {"type": "bridge", "bridge": self.bridge(), "isGateway": true, "ipMasq": true,
                 "ipam": {"type": "host-local", "dataDir": self.ipam_dir(), "ranges": [[{"subnet": subnet}]],
                          "routes": [{"dst": "0.0.0.0/0"}]}},
                {"type": "portmap", "capabilities": {"portMappings": true}},
                {"type": "tuning", "sysctl": {sysctl: "512"}}
            ]
        })
    }

    /// Runs cnictl with the lab's dirs and --host-netns.
    pub fn cnictl(&self, args: &[&str]) -> Run {
        self.cnictl_env(args, &[])
    }

    pub fn cnictl_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        Run::from(self.command(args, env).output().expect("run cnictl"))
    }

    /// The cnictl command `cnictl_env` runs (to spawn it instead).
    pub fn command(&self, args: &[&str], env: &[(&str, &str)]) -> Command {
        let mut cmd = Command::new(cnictl_bin());
        cmd.env_clear()
            .env(
                "PATH",
                "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            )
            .arg("--conf-dir")
            .arg(self.conf_dir())
            .args(["--cni-path", &self.cni_path()])
            .arg("--cache-dir")
            .arg(self.cache_dir())
            .args(["--host-netns", &self.host])
            .args(args);
        if let Some(script) = &*self.fake_script.borrow() {
            cmd.env("FAKE_PLUGIN_SCRIPT", script);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd
    }

    /// `ip -n <ns> ...`
    pub fn ip(&self, ns: &str, args: &[&str]) -> Run {
        let mut a = vec!["-n", ns];
        a.extend_from_slice(args);
        run("ip", &a)
    }

    /// iptables-save (nat table) inside the host namespace.
    pub fn nat_rules(&self) -> String {
        run(
            "ip",
            &["netns", "exec", &self.host, "iptables-save", "-t", "nat"],
        )
        .stdout
    }

    /// veth links in the host namespace.
    pub fn host_veths(&self) -> String {
        self.ip(&self.host, &["-o", "link", "show", "type", "veth"])
            .stdout
    }

    /// Files of host-local's dataDir for `network` that are IP reservations.
    pub fn reservations(&self, network: &str) -> Vec<String> {
        let dir = self.ipam_dir().join(network);
        let Ok(rd) = std::fs::read_dir(&dir) else {
            return Vec::new();
        };
        rd.filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.parse::<std::net::IpAddr>().is_ok())
            .collect()
    }

    /// The cache result files.
    pub fn cache_files(&self) -> Vec<String> {
        let Ok(rd) = std::fs::read_dir(self.cache_dir().join("results")) else {
            return Vec::new();
        };
        rd.filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect()
    }

    pub fn netns_exists(name: &str) -> bool {
        Path::new("/var/run/netns").join(name).exists()
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        for c in self.containers.borrow().iter() {
            if Lab::netns_exists(c) {
                let _ = Command::new("ip").args(["netns", "delete", c]).output();
            }
        }
        let _ = Command::new("ip")
            .args(["netns", "delete", &self.host])
            .output();
    }
}

/// A bare netns name (with a per-run token) that does not exist yet, for tests asserting
/// that nothing was created; deleted on drop if cnictl created it after all.
pub struct NetnsName(pub String);

impl NetnsName {
    pub fn new(prefix: &str) -> NetnsName {
        NetnsName(format!("{prefix}-{}", token()))
    }

    pub fn exists(&self) -> bool {
        Path::new("/var/run/netns").join(&self.0).exists()
    }
}

impl Drop for NetnsName {
    fn drop(&mut self) {
        if self.exists() {
            let _ = Command::new("ip")
                .args(["netns", "delete", &self.0])
                .output();
        }
    }
}
