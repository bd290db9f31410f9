//! Tests that create real network namespaces. They need root, are ignored by a plain
//! `cargo test`, and fail loudly when run without root (`--include-ignored netns`).
//!
//! Every namespace and link name carries a per-run random token, every namespace is removed by
//! a guard also when the test fails, and nothing is done to the machine's own network namespace
//! except reading it (`ip link show`).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;

use super::*;

fn require_root() {
    assert!(
        nix::unistd::geteuid().is_root(),
        "this test creates network namespaces and must run as root \
         (cargo test --lib -- --include-ignored netns, as root)"
    );
}

/// A random token for names, so runs never collide with each other or with anything else.
fn token() -> String {
    let mut bytes = [0u8; 4];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .expect("read /dev/urandom");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A named namespace created by a test, deleted when dropped (also on failure).
struct TestNs {
    name: String,
    path: PathBuf,
}

impl TestNs {
    fn create() -> TestNs {
        let name = format!("cnictl-t-{}-{}", std::process::id(), token());
        let path = create_named(&name).unwrap_or_else(|e| panic!("create_named({name}): {e}"));
        TestNs { name, path }
    }
}

impl Drop for TestNs {
    fn drop(&mut self) {
        // Only ever our own, token-named namespace; already gone is fine.
        let _ = delete_named(&self.name);
    }
}

fn ip(args: &[&str]) -> Output {
    Command::new("ip")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run ip {args:?}: {e}"))
}

fn netns_list_has(name: &str) -> bool {
    let out = ip(&["netns", "list"]);
    assert!(out.status.success(), "ip netns list: {out:?}");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .any(|line| line.split_whitespace().next() == Some(name))
}

/// Runs a command through the spawner (so inside the namespace) and returns its output.
fn spawn_in(spawner: &Spawner, program: &'static str, args: Vec<String>) -> Output {
    let describe = format!("{program} {args:?}");
    let child = spawner(Box::new(move || {
        Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
    }))
    .unwrap_or_else(|e| panic!("spawn {describe}: {e}"));
    child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("wait for {describe}: {e}"))
}

fn link_names(out: &Output) -> Vec<String> {
    // `ip -o link` lines look like "1: lo: <LOOPBACK> ...".
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| line.split(':').nth(1))
        .map(|name| name.trim().split('@').next().unwrap_or("").to_string())
        .collect()
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_create_identify_list_delete() {
    require_root();
    let ns = TestNs::create();
    assert_eq!(ns.path, Path::new(NETNS_RUN_DIR).join(&ns.name));

    let id = netns_id(&ns.path).expect("netns_id of the created namespace");
    let via_run = netns_id(&Path::new("/run/netns").join(&ns.name)).expect("via /run");
    assert_eq!(
        id, via_run,
        "two spellings of one namespace must have one identity"
    );
    let host = current_netns_id().expect("current_netns_id");
    assert_ne!(id, host, "a created namespace must not be the machine's");
    assert!(
        netns_list_has(&ns.name),
        "ip netns list must show {}",
        ns.name
    );

    // Usable by iproute2 too, and empty apart from lo.
    let out = ip(&["netns", "exec", &ns.name, "ip", "-o", "link"]);
    assert!(out.status.success(), "ip netns exec: {out:?}");
    assert_eq!(link_names(&out), vec!["lo".to_string()]);

    delete_named(&ns.name).expect("delete_named");
    assert!(netns_id(&ns.path).unwrap_err().is_not_found());
    assert!(!ns.path.exists());
    assert!(
        !netns_list_has(&ns.name),
        "ip netns list still shows {}",
        ns.name
    );
    assert_eq!(current_netns_id().expect("current"), host);
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_create_existing_name_errors_and_keeps_namespace() {
    require_root();
    let ns = TestNs::create();
    let id = netns_id(&ns.path).expect("netns_id");
    match create_named(&ns.name) {
        Err(NetnsError::AlreadyExists { path }) => assert_eq!(path, ns.path),
        other => panic!("second create_named: expected AlreadyExists, got {other:?}"),
    }
    assert_eq!(netns_id(&ns.path).expect("still there"), id);
    assert!(netns_list_has(&ns.name));
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_delete_missing_is_not_found() {
    require_root();
    let name = format!("cnictl-t-{}-{}-missing", std::process::id(), token());
    let err = delete_named(&name).unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_netns_id_errors() {
    require_root();
    let ns = TestNs::create();
    // The empty placeholder of a namespace that is not mounted.
    delete_named(&ns.name).expect("delete");
    std::fs::File::create(&ns.path).expect("create placeholder");
    match netns_id(&ns.path) {
        Err(NetnsError::NotANamespace { what, .. }) => assert!(what.contains("empty"), "{what}"),
        other => panic!("placeholder: expected NotANamespace, got {other:?}"),
    }
    assert!(matches!(
        netns_id(Path::new("/proc/self/ns/uts")),
        Err(NetnsError::WrongType { kind: "uts", .. })
    ));
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("regular");
    std::fs::write(&file, b"x").expect("write");
    assert!(matches!(
        netns_id(&file),
        Err(NetnsError::NotANamespace { .. })
    ));
    // delete_named cleans the placeholder up (and the guard finds nothing left).
    delete_named(&ns.name).expect("delete placeholder");
    assert!(!ns.path.exists());
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_nsthread_runs_and_spawns_inside() {
    require_root();
    let host = current_netns_id().expect("host id");
    let ns = TestNs::create();
    let id = netns_id(&ns.path).expect("netns_id");

    let thread = Arc::new(NsThread::enter(&ns.path).expect("enter"));
    assert_eq!(thread.id(), id);
    assert_eq!(thread.path(), ns.path);
    let inside = thread
        .run(current_netns_id)
        .expect("run")
        .expect("id inside");
    assert_eq!(inside, id, "closures must run inside the namespace");
    assert_eq!(
        current_netns_id().expect("caller"),
        host,
        "caller must stay out"
    );

    // A panic comes back as an error, and the thread keeps working.
    match thread.run(|| -> u8 { panic!("boom") }) {
        Err(NetnsError::Panicked { message, .. }) => assert_eq!(message, "boom"),
        other => panic!("expected Panicked, got {other:?}"),
    }
    assert_eq!(thread.run(|| 7).expect("after panic"), 7);

    // Children inherit the thread's namespace: only lo there.
    let spawner = thread.spawner();
    let out = spawn_in(&spawner, "ip", vec!["-o".into(), "link".into()]);
    assert!(out.status.success(), "ip -o link: {out:?}");
    assert_eq!(link_names(&out), vec!["lo".to_string()]);

    // A link made by a spawned child exists in the namespace and not in the machine's.
    let link = format!("cnt{}", token());
    let peer = format!("{link}p");
    let out = spawn_in(
        &spawner,
        "ip",
        vec![
            "link".into(),
            "add".into(),
            link.clone(),
            "type".into(),
            "dummy".into(),
        ],
    );
    if !out.status.success() {
        // Kernels without the dummy driver: a veth pair, both ends inside the namespace.
        let out = spawn_in(
            &spawner,
            "ip",
            ["link", "add", &link, "type", "veth", "peer", "name", &peer]
                .iter()
                .map(|s| s.to_string())
                .collect(),
        );
        assert!(
            out.status.success(),
            "ip link add (dummy, then veth): {out:?}"
        );
    }
    let out = ip(&["-n", &ns.name, "-o", "link", "show", "dev", &link]);
    assert!(
        out.status.success(),
        "{link} must exist in {}: {out:?}",
        ns.name
    );
    let out = ip(&["-o", "link", "show", "dev", &link]);
    assert!(
        !out.status.success(),
        "{link} must not exist in the machine's namespace"
    );
    assert!(!link_names(&ip(&["-o", "link"])).contains(&link));

    // Spawn errors come back as io errors.
    let err = spawner(Box::new(|| {
        Command::new("/nonexistent/cnictl-none").spawn()
    }))
    .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::NotFound);

    drop(spawner);
    drop(thread);
    delete_named(&ns.name).expect("delete");
    assert!(netns_id(&ns.path).unwrap_err().is_not_found());
    assert!(!netns_list_has(&ns.name));
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_ensure_creates_named_and_refuses_plugin_namespace() {
    require_root();
    let name = format!("cnictl-t-{}-{}", std::process::id(), token());
    let ns = TestNs {
        name: name.clone(),
        path: Path::new(NETNS_RUN_DIR).join(&name),
    };
    let guard = Guard::new(None).expect("guard");
    let cwd = Path::new("/");
    let first = ensure(&name, cwd, &guard).expect("ensure creates");
    assert!(first.created);
    assert_eq!(first.path, ns.path);
    let again = ensure(&name, cwd, &guard).expect("ensure finds");
    assert!(!again.created);
    assert_eq!(again.id, first.id);
    let by_path = ensure(&format!("/run/netns/{name}"), cwd, &guard).expect("by path");
    assert_eq!(by_path.id, first.id);

    // cnictl's own namespace is refused, however it is spelled; the reader-dependent
    // spellings are refused as such, before their identity is looked at.
    assert!(matches!(
        ensure("/proc/self/ns/net", cwd, &guard),
        Err(NetnsError::ReaderDependent { .. })
    ));
    assert!(matches!(ensure("", cwd, &guard), Err(NetnsError::Empty)));
    // The plugins' namespace (--host-netns) is refused.
    let thread = NsThread::enter(&ns.path).expect("enter");
    let host_guard = Guard::new(Some(thread.id())).expect("guard");
    match ensure(&name, cwd, &host_guard) {
        Err(NetnsError::Forbidden { reasons, .. }) => {
            assert_eq!(reasons, vec![Forbidden::HostNetns]);
        }
        other => panic!("expected Forbidden, got {other:?}"),
    }
    // The host-netns thread's own /proc path is cnictl's: refused by spelling.
    let tid = thread.run(|| nix::unistd::gettid().as_raw()).expect("tid");
    let by_tid = format!("/proc/{}/task/{tid}/ns/net", std::process::id());
    assert!(matches!(
        ensure(&by_tid, cwd, &host_guard),
        Err(NetnsError::ReaderDependent { .. })
    ));
    drop(thread);
    assert!(
        netns_id(&ns.path).is_ok(),
        "a refused namespace is left alone"
    );

    // A path that does not exist is not created.
    let missing = format!("/run/netns/{name}-missing");
    assert!(ensure(&missing, cwd, &guard).unwrap_err().is_not_found());
    assert!(!Path::new(&missing).exists());
}

#[test]
#[ignore = "needs root: creates network namespaces and mounts"]
fn root_guard_sees_through_bind_mounts_and_symlinks_of_own_namespace() {
    require_root();
    let host = TestNs::create();
    let thread = NsThread::enter(&host.path).expect("enter host");
    let guard = Guard::new(Some(thread.id())).expect("guard");
    // A bind mount of cnictl's own namespace onto a file of a namespace-like name, made the
    // way `ip netns attach` would (the test process is in cnictl's namespace).
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("looks-like-a-container");
    std::fs::File::create(&target).expect("create");
    nix::mount::mount(
        Some("/proc/self/ns/net"),
        &target,
        None::<&str>,
        nix::mount::MsFlags::MS_BIND,
        None::<&str>,
    )
    .expect("bind-mount own netns");
    struct Unmount(PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = nix::mount::umount2(&self.0, nix::mount::MntFlags::MNT_DETACH);
        }
    }
    let _unmount = Unmount(target.clone());
    let res = guard.existing(&target);
    match res {
        Err(NetnsError::Forbidden { reasons, .. }) => {
            assert!(
                reasons.contains(&Forbidden::Own { plugins: false }),
                "{reasons:?}"
            );
        }
        other => panic!("bind mount of own namespace: expected Forbidden, got {other:?}"),
    }
    // A symlink to the host namespace's file.
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(&host.path, &link).expect("symlink");
    match guard.existing(&link) {
        Err(NetnsError::Forbidden { reasons, .. }) => {
            assert_eq!(reasons, vec![Forbidden::HostNetns]);
        }
        other => panic!("symlink to the host netns: expected Forbidden, got {other:?}"),
    }
    // And a namespace that is neither is fine.
    let other = TestNs::create();
    assert_eq!(
        guard.existing(&other.path).expect("other namespace"),
        netns_id(&other.path).expect("id")
    );
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_concurrent_ensure_of_one_name_all_succeed() {
    require_root();
    let guard = Arc::new(Guard::new(None).expect("guard"));
    for round in 0..5 {
        let name = format!("cnictl-t-{}-{}-race{round}", std::process::id(), token());
        let ns = TestNs {
            name: name.clone(),
            path: Path::new(NETNS_RUN_DIR).join(&name),
        };
        let barrier = Arc::new(std::sync::Barrier::new(12));
        let workers: Vec<_> = (0..12)
            .map(|_| {
                let (name, guard, barrier) = (name.clone(), guard.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    ensure(&name, Path::new("/"), &guard)
                })
            })
            .collect();
        let results: Vec<Result<Ensured, NetnsError>> = workers
            .into_iter()
            .map(|w| w.join().expect("worker panicked"))
            .collect();
        let ok: Vec<&Ensured> = results
            .iter()
            .map(|r| r.as_ref().unwrap_or_else(|e| panic!("round {round}: {e}")))
            .collect();
        assert_eq!(
            ok.iter().filter(|e| e.created).count(),
            1,
            "round {round}: exactly one creator"
        );
        let id = netns_id(&ns.path).expect("mounted");
        assert!(
            ok.iter().all(|e| e.id == id),
            "round {round}: one namespace"
        );
    }
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_ensure_waits_for_a_placeholder_being_mounted() {
    require_root();
    // What `ip netns add` shows for a moment: the empty file, the namespace not mounted yet.
    let name = format!("cnictl-t-{}-{}-ph", std::process::id(), token());
    let path = Path::new(NETNS_RUN_DIR).join(&name);
    let ns = TestNs {
        name: name.clone(),
        path: path.clone(),
    };
    std::fs::create_dir_all(NETNS_RUN_DIR).expect("netns dir");
    std::fs::File::create(&ns.path).expect("placeholder");
    let waiter = {
        let name = name.clone();
        std::thread::spawn(move || {
            let guard = Guard::new(None).expect("guard");
            ensure(&name, Path::new("/"), &guard)
        })
    };
    std::thread::sleep(std::time::Duration::from_millis(300));
    // Mount a fresh namespace on the placeholder, as the other creator would.
    named::mount_new_netns(&path).expect("mount");
    let got = waiter.join().expect("no panic").expect("ensure waited");
    assert!(!got.created, "the namespace was someone else's");
    assert_eq!(got.id, netns_id(&path).expect("id"));
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_plugins_enter_the_namespace_through_its_descriptor() {
    use crate::invoke::{Exec, ExecLimits, RawExec};
    require_root();
    let host = current_netns_id().expect("host id");
    let ns = TestNs::create();
    let (fd, id) = open_for_plugins(&ns.path).expect("open_for_plugins");
    assert_eq!(id, netns_id(&ns.path).expect("netns_id"));
    let exec = RawExec::entering(Arc::new(fd));
    let env = vec![("PATH".into(), "/usr/bin:/bin".into())];
    let out = exec
        .exec(
            Path::new("/bin/sh"),
            b"stat -L -c '%d %i' /proc/self/ns/net\n",
            &env,
            &ExecLimits::default(),
        )
        .expect("exec");
    assert!(out.is_success(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut words = text.split_whitespace().map(|w| w.parse::<u64>().ok());
    let (Some(Some(dev)), Some(Some(ino))) = (words.next(), words.next()) else {
        panic!("unexpected stat output {text:?}");
    };
    assert_eq!((dev, ino), id, "the plugin must run inside the namespace");
    assert_eq!(
        current_netns_id().expect("caller"),
        host,
        "no thread of the caller changes namespace"
    );
    // Something that is no network namespace is refused before any plugin runs.
    assert!(matches!(
        open_for_plugins(Path::new("/proc/self/ns/uts")),
        Err(NetnsError::WrongType { .. })
    ));
}
