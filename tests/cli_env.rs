//! CLI tests of the environment variables cnitool scripts use (no root, fake plugins):
//! NETCONFPATH, CNI_PATH, CNI_IFNAME, CNI_ARGS and CAP_ARGS are honoured, set-but-empty
//! behaves as unset, flags beat variables, and cnitool's default container ID is used when
//! `--container-id` is not given.

mod common;

use common::fake::{cnitool_id, tags, the_error, Sandbox};
use serde_json::json;
use std::path::Path;

fn sandbox() -> Sandbox {
    let sb = Sandbox::new(&["p1", "p2"]);
    sb.conflist(
        "envnet",
        "1.0.0",
        json!([{"type": "p1", "capabilities": {"mac": true, "portMappings": true}}, {"type": "p2"}]),
    );
    sb
}

#[test]
fn env_vars_configure_cnictl_as_they_do_cnitool() {
    let sb = sandbox();
    let r = sb
        .cnictl()
        .dirs_as_env()
        .args(&["add", "envnet", sb.ns()])
        .env("CNI_IFNAME", "eth3")
        .env("CNI_ARGS", "A=1;B=2")
        .env(
            "CAP_ARGS",
            r#"{"mac":"c2:00:00:00:00:01","portMappings":[{"hostPort":80,"containerPort":80}]}"#,
        )
        .run();
    r.expect(0, "add configured by env");
    let calls = sb.take_calls();
    assert_eq!(tags(&calls), ["p1 ADD", "p2 ADD"]);
    for c in &calls {
        assert_eq!(c.env("CNI_IFNAME").as_deref(), Some("eth3"));
        assert_eq!(c.env("CNI_ARGS").as_deref(), Some("A=1;B=2"));
        assert_eq!(
            c.env("CNI_PATH"),
            Some(sb.bin().to_string_lossy().into_owned())
        );
        // the runtime's own variables are not passed on
        assert!(
            !c.env_keys()
                .iter()
                .any(|k| k == "CAP_ARGS" || k == "NETCONFPATH"),
            "{:?}",
            c.env_keys()
        );
    }
    assert_eq!(
        calls[0].stdin()["runtimeConfig"],
        json!({"mac": "c2:00:00:00:00:01", "portMappings": [{"hostPort": 80, "containerPort": 80}]})
    );
    let id = cnitool_id(sb.ns());
    assert_eq!(sb.cache_files(), [format!("envnet-{id}-eth3")]);
}

#[test]
fn flags_beat_env_vars() {
    let sb = sandbox();
    // NETCONFPATH and CNI_PATH point at nothing useful: the flags win
    let r = sb
        .cnictl()
        .args(&[
            "add",
            "envnet",
            sb.ns(),
            "-i",
            "eth9",
            "--arg",
            "C=3",
            "--cap",
            "mac=\"c2:00:00:00:00:02\"",
        ])
        .env("NETCONFPATH", &sb.path("nowhere").to_string_lossy())
        .env("CNI_PATH", &sb.path("nowhere").to_string_lossy())
        .env("CNI_IFNAME", "eth1")
        .env("CNI_ARGS", "A=1")
        .env(
            "CAP_ARGS",
            r#"{"mac":"c2:00:00:00:00:01","portMappings":[{"hostPort":81,"containerPort":80}]}"#,
        )
        .run();
    r.expect(0, "add");
    let calls = sb.take_calls();
    assert_eq!(tags(&calls), ["p1 ADD", "p2 ADD"]);
    for c in &calls {
        assert_eq!(
            c.env("CNI_IFNAME").as_deref(),
            Some("eth9"),
            "-i beats CNI_IFNAME"
        );
        assert_eq!(
            c.env("CNI_ARGS").as_deref(),
            Some("A=1;C=3"),
            "--arg is merged over CNI_ARGS"
        );
    }
    // --cap is merged over CAP_ARGS
    assert_eq!(
        calls[0].stdin()["runtimeConfig"],
        json!({"mac": "c2:00:00:00:00:02", "portMappings": [{"hostPort": 81, "containerPort": 80}]})
    );
}

#[test]
fn empty_env_vars_behave_as_unset() {
    let sb = sandbox();
    sb.cnictl()
        .args(&["add", "envnet", sb.ns()])
        .env("CNI_IFNAME", "")
        .env("CNI_ARGS", "")
        .env("CAP_ARGS", "")
        .run()
        .expect(0, "add with empty variables");
    let calls = sb.take_calls();
    assert_eq!(tags(&calls), ["p1 ADD", "p2 ADD"]);
    for c in &calls {
        assert_eq!(c.env("CNI_IFNAME").as_deref(), Some("eth0"));
        assert_eq!(c.env("CNI_ARGS").as_deref(), Some(""));
    }
    assert!(calls[0].stdin().get("runtimeConfig").is_none());
    let id = cnitool_id(sb.ns());
    let entry = sb.cache_entry("envnet", &id, "eth0");
    assert_eq!(entry["cniArgs"], json!(null), "{entry}");

    // CNI_PATH="" means the default path, not "no paths": the plugin is looked for there.
    // The network's plugin name is unique to this run, so nothing real is found or run.
    let odd = format!("cnictl-test-{}", common::token());
    sb.conflist("odd", "1.0.0", json!([{"type": odd}]));
    let r = sb
        .cnictl()
        .dirs_as_env()
        .cni_path("")
        .args(&["add", "odd", sb.ns()])
        .run()
        .expect(2, "add with CNI_PATH empty");
    let line = the_error(&r);
    assert!(
        line.contains(&format!("\"{odd}\""))
            && line.contains("/opt/cni/bin")
            && line.contains("/usr/lib/cni"),
        "{line}"
    );
}

#[test]
fn empty_entries_of_cni_path_are_dropped() {
    let sb = sandbox();
    let bin = sb.bin().to_string_lossy().into_owned();
    sb.cnictl()
        .dirs_as_env()
        .cni_path(&format!(":{bin}::"))
        .args(&["add", "envnet", sb.ns()])
        .run()
        .expect(0, "add");
    for c in sb.take_calls() {
        assert_eq!(c.env("CNI_PATH"), Some(bin.clone()), "{}", c.tag());
    }
}

#[test]
fn default_container_id_is_cnitools() {
    // digest case 69, so the helper below is right
    assert_eq!(
        cnitool_id("/var/run/netns/testing"),
        "cnitool-77383ca0a0715733ca6f"
    );
    let sb = sandbox();
    let ns = sb.ns().to_string();
    let (parent, last) = ns.rsplit_once('/').expect("a path");
    let parent = Path::new(parent);
    // a symlinked way to the namespace's directory
    let link = sb.path("link");
    std::os::unix::fs::symlink(parent, &link).unwrap();
    let uncleaned = format!("{}/./{last}", parent.display());
    let relative = format!("./{last}");
    let kernel_cwd = std::fs::canonicalize(parent).unwrap().join(last);
    let via_link = link.join(last);
    // (NETNS as written, cwd, $PWD, the absolute path cnitool would use and hash)
    let cases: [(&str, Option<&Path>, Option<&Path>, String); 5] = [
        (&ns, None, None, ns.clone()),
        (&uncleaned, None, None, ns.clone()),
        // relative: joined to the cwd, which without $PWD is the kernel's, symlinks resolved
        (
            &relative,
            Some(parent),
            None,
            kernel_cwd.display().to_string(),
        ),
        (
            &relative,
            Some(&link),
            None,
            kernel_cwd.display().to_string(),
        ),
        // with $PWD naming the cwd, Go's os.Getwd (so cnitool) uses it as written
        (
            &relative,
            Some(&link),
            Some(&link),
            via_link.display().to_string(),
        ),
    ];
    for (spelling, cwd, pwd, abs) in cases {
        let what = format!("{spelling} in {cwd:?} with PWD {pwd:?}");
        let id = cnitool_id(&abs);
        let mut cmd = sb.cnictl().args(&["add", "envnet", spelling]);
        if let Some(cwd) = cwd {
            cmd = cmd.cwd(cwd);
        }
        if let Some(pwd) = pwd {
            cmd = cmd.env("PWD", &pwd.to_string_lossy());
        }
        cmd.run().expect(0, &what);
        let calls = sb.take_calls();
        assert_eq!(tags(&calls), ["p1 ADD", "p2 ADD"], "{what}");
        for c in &calls {
            assert_eq!(c.env("CNI_CONTAINERID"), Some(id.clone()), "{what}");
            assert_eq!(c.env("CNI_NETNS"), Some(abs.clone()), "{what}");
        }
        assert_eq!(sb.cache_files(), [format!("envnet-{id}-eth0")], "{what}");
        sb.run(&["del", "envnet", "--container-id", &id, &abs])
            .expect(0, "del");
        sb.take_calls();
        assert_eq!(sb.cache_files(), Vec::<String>::new(), "{what}");
    }
}
