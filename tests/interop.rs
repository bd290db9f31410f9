//! Interop with the real libcni (Debian's golang-github-appc-cni-dev, libcni 1.1.2), through
//! the Go helper in tests/libcni-helper, built offline here. Both directions at cniVersion
//! 1.0.0, with the reference plugins running inside the lab's throwaway host namespace (the
//! helper runs under `ip netns exec`, cnictl under --host-netns).

mod common;

use common::{run, Lab, Run};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Builds the helper once per test process; fails loudly when Go or libcni's source is missing.
fn helper() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/libcni-helper");
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("libcni-helper");
        let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("libcni-helper-go");
        std::fs::create_dir_all(work.join("gopath")).unwrap();
        assert!(
            Path::new("/usr/share/gocode/src/github.com/containernetworking/cni/libcni").is_dir(),
            "libcni's source is missing: apt-get install golang-github-appc-cni-dev"
        );
        let o = Command::new("go")
            .args(["build", "-o"])
            .arg(&out)
            .arg(".")
            .current_dir(&src)
            .env("GO111MODULE", "off")
            .env(
                "GOPATH",
                format!("{}:/usr/share/gocode", work.join("gopath").display()),
            )
            .env("GOCACHE", work.join("gocache"))
            .env("GOPROXY", "off")
            .env("GOFLAGS", "")
            .env("GOENV", "off")
            .output()
            .expect("cannot run `go`: apt-get install golang-go");
        assert!(
            o.status.success(),
            "building the libcni helper failed:\n{}",
            String::from_utf8_lossy(&o.stderr)
        );
        out
    })
}

/// Runs the helper inside the lab's host namespace, so the plugins it runs land there.
fn libcni(lab: &Lab, args: &[&str]) -> Run {
    let conf = lab.conf_dir().join("10-interop.conflist");
    let cache = lab.cache_dir();
    let mut a: Vec<String> = vec![
        "netns".into(),
        "exec".into(),
        lab.host.clone(),
        helper().display().to_string(),
    ];
    a.extend(args.iter().map(|s| s.to_string()));
    if args[0] != "cached" {
        a.extend([
            "--conf".into(),
            conf.display().to_string(),
            "--cni-path".into(),
            "/usr/lib/cni".into(),
        ]);
    }
    a.extend(["--cache-dir".into(), cache.display().to_string()]);
    let refs: Vec<&str> = a.iter().map(String::as_str).collect();
    run("ip", &refs)
}

fn setup(lab: &Lab, subnet: &str) {
    lab.write_conf(
        "10-interop.conflist",
        &lab.standard_conf("interop", "1.0.0", "net.core.somaxconn", subnet),
    );
}

#[test]
#[ignore = "needs root, network namespaces, the reference plugins, Go and libcni's source"]
fn libcni_add_then_cnictl_check_and_del() {
    let lab = Lab::new();
    setup(&lab, "10.238.0.0/24");
    let ctr = lab.container("g");
    run("ip", &["netns", "add", &ctr]).expect(0, "ip netns add");
    let netns = format!("/var/run/netns/{ctr}");
    let cap = r#"{"portMappings":[{"hostPort":18081,"containerPort":80,"protocol":"tcp"}]}"#;
    let id = "interop-ctr-1";
    libcni(
        &lab,
        &[
            "add",
            "--container-id",
            id,
            "--netns",
            &netns,
            "--ifname",
            "eth0",
            "--args",
            "IgnoreUnknown=1",
            "--cap-args",
            cap,
        ],
    )
    .expect(0, "libcni add");
    assert!(lab.nat_rules().contains("--dport 18081"));
    assert_eq!(lab.cache_files(), vec![format!("interop-{id}-eth0")]);

    // cnictl reads libcni's entry (no netns field) and checks it
    // (with the cached port mappings: see assert_check_passes_but_for_portmap_bug)
    common::assert_check_passes_but_for_portmap_bug(&lab.cnictl(&[
        "check",
        "interop",
        &ctr,
        "--container-id",
        id,
        "-v",
    ]));
    // and deletes it with the cached capability args: the portmap rule goes away
    lab.cnictl(&["del", "interop", &ctr, "--container-id", id])
        .expect(0, "cnictl del of a libcni attachment");
    assert!(
        !lab.nat_rules().contains("--dport 18081"),
        "portmap rule left:\n{}",
        lab.nat_rules()
    );
    assert!(lab.cache_files().is_empty());
    assert!(lab.reservations("interop").is_empty());
}

#[test]
#[ignore = "needs root, network namespaces, the reference plugins, Go and libcni's source"]
fn cnictl_add_then_libcni_reads_checks_and_deletes() {
    let lab = Lab::new();
    setup(&lab, "10.239.0.0/24");
    let ctr = lab.container("h");
    let id = "interop-ctr-2";
    lab.cnictl(&[
        "add",
        "interop",
        &ctr,
        "--container-id",
        id,
        "--arg",
        "IgnoreUnknown=1",
        "--cap",
        r#"portMappings=[{"hostPort":18082,"containerPort":80,"protocol":"tcp"}]"#,
    ])
    .expect(0, "cnictl add");
    let netns = format!("/var/run/netns/{ctr}");

    // libcni lists the attachment cnictl cached, with its args
    let cached = libcni(&lab, &["cached"]).expect(0, "libcni cached").json();
    let list = cached.as_array().expect("array");
    assert_eq!(list.len(), 1, "{cached}");
    assert_eq!(list[0]["containerID"], id);
    assert_eq!(list[0]["network"], "interop");
    assert_eq!(list[0]["netns"], netns.as_str());
    let r = libcni(
        &lab,
        &[
            "cached-result",
            "--container-id",
            id,
            "--netns",
            &netns,
            "--ifname",
            "eth0",
        ],
    )
    .expect(0, "cached-result")
    .json();
    assert!(
        r["result"]["ips"][0]["address"]
            .as_str()
            .unwrap_or("")
            .starts_with("10.239.0."),
        "{r}"
    );
    assert_eq!(r["args"], serde_json::json!([["IgnoreUnknown", "1"]]));
    assert_eq!(r["capabilityArgs"]["portMappings"][0]["hostPort"], 18082);

    libcni(
        &lab,
        &[
            "check",
            "--container-id",
            id,
            "--netns",
            &netns,
            "--ifname",
            "eth0",
            "--args",
            "IgnoreUnknown=1",
        ],
    )
    .expect(0, "libcni check");
    let cap = r#"{"portMappings":[{"hostPort":18082,"containerPort":80,"protocol":"tcp"}]}"#;
    libcni(
        &lab,
        &[
            "del",
            "--container-id",
            id,
            "--netns",
            &netns,
            "--ifname",
            "eth0",
            "--args",
            "IgnoreUnknown=1",
            "--cap-args",
            cap,
        ],
    )
    .expect(0, "libcni del");
    assert!(
        lab.cache_files().is_empty(),
        "libcni removed cnictl's entry"
    );
    assert!(lab.reservations("interop").is_empty());
    assert!(!lab.nat_rules().contains("--dport 18082"));
    lab.cnictl(&["del", "interop", &ctr, "--container-id", id, "--rm-netns"])
        .expect(0, "rm netns");
}

/// A single-plugin `.conf` file is wrapped into a list by libcni (`ConfListFromConf`), and the
/// wrapped bytes are what it caches as `config`: cnictl must produce the same bytes, or every
/// DEL of an attachment made by containerd or cnitool from a `.conf` says "config changed
/// since ADD". The fake plugin runs under both (no root: nothing touches a namespace).
#[test]
#[ignore = "needs Go and libcni's source (golang-go, golang-github-appc-cni-dev)"]
fn conf_file_wrapping_caches_the_bytes_libcni_caches() {
    use base64::Engine;
    let sb = common::fake::Sandbox::new(&["pconf"]);
    // unsorted keys at two depths, numbers Go rewrites, strings Go escapes
    let conf = sb.write_conf(
        "10-single.conf",
        r#"{"type":"pconf","name":"single","cniVersion":"1.0.0","mtu":1400.0,
           "zeta":{"b":2.50,"a":[1E2,1e21,0.0000001]},"html":"<a&b>","big":18446744073709551616}"#,
    );
    let o = Command::new(helper())
        .args(["add", "--conf"])
        .arg(&conf)
        .arg("--cni-path")
        .arg(sb.bin())
        .arg("--cache-dir")
        .arg(sb.cache_dir())
        .args([
            "--container-id",
            "by-libcni",
            "--netns",
            sb.ns(),
            "--ifname",
            "eth0",
        ])
        .env("FAKE_PLUGIN_SCRIPT", sb.script_path())
        .output()
        .expect("run the libcni helper");
    Run::from(o).expect(0, "libcni add of a .conf");
    let config = |id: &str| {
        let entry = sb.cache_entry("single", id, "eth0");
        let b64 = entry["config"]
            .as_str()
            .expect("config in the entry")
            .to_string();
        base64::engine::general_purpose::STANDARD
            .decode(b64)
            .expect("base64")
    };
    let libcni_bytes = config("by-libcni");

    // cnictl caches the same bytes for its own ADD of the file
    sb.run(&["add", "single", sb.ns(), "--container-id", "by-cnictl"])
        .expect(0, "cnictl add of a .conf");
    assert_eq!(
        String::from_utf8_lossy(&config("by-cnictl")),
        String::from_utf8_lossy(&libcni_bytes)
    );

    // and deletes libcni's attachment without "config changed since ADD"
    let r = sb
        .run(&[
            "del",
            "single",
            sb.ns(),
            "--container-id",
            "by-libcni",
            "-v",
        ])
        .expect(0, "cnictl del of libcni's .conf attachment");
    assert!(!r.stderr.contains("changed since ADD"), "{}", r.stderr);
}
