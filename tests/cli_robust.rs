//! CLI tests (no root) of issue 7's runtime holes, with the fake plugin only: a corrupt cache
//! entry in the way of an ADD, a rollback that hangs and a second signal, VERSION probes that
//! hang (status, validate), CHECK with disableCheck over a corrupt entry, long container IDs,
//! and configs with invalid UTF-8.

mod common;

use common::fake::{the_error, wait_group_gone, Call, Sandbox};
use serde_json::json;
use std::time::{Duration, Instant};

const ID: &str = "ctr-7";

/// Kills the process group of every logged call still alive (the test's own plugins only:
/// each pgid comes from the fake plugin's log), so a failing test leaves nothing running.
struct Reaper<'a>(&'a Sandbox);

impl Drop for Reaper<'_> {
    fn drop(&mut self) {
        for c in self.0.calls() {
            let pid = nix::unistd::Pid::from_raw(c.pid());
            if !common::fake::live_group_members(c.pid()).is_empty() {
                let _ = nix::sys::signal::killpg(pid, nix::sys::signal::Signal::SIGKILL);
            }
        }
    }
}

// ---- hole 4: an unreadable entry in the way of an ADD ----

#[test]
fn corrupt_entry_of_another_network_with_the_same_id_and_ifname_refuses_add() {
    let sb = Sandbox::new(&["pa", "pb"]);
    sb.conflist("neta", "1.0.0", json!([{"type": "pa"}]));
    sb.conflist("netb", "1.0.0", json!([{"type": "pb"}]));
    sb.run(&["add", "neta", sb.ns(), "--container-id", ID, "-i", "eth0"])
        .expect(0, "add neta");
    let a = sb.cache_file("neta", ID, "eth0");
    let bytes = std::fs::read(&a).expect("neta's entry");
    std::fs::write(&a, &bytes[..bytes.len() / 2]).expect("truncate neta's entry");
    sb.take_calls();
    let r = sb
        .run(&["add", "netb", sb.ns(), "--container-id", ID, "-i", "eth0"])
        .expect(2, "add netb over a corrupt neta entry");
    let line = the_error(&r);
    assert!(
        line.contains(&a.display().to_string()) && line.contains("eth0"),
        "{line}"
    );
    assert!(sb.take_calls().is_empty(), "a plugin ran");
    assert_eq!(sb.cache_files(), [format!("neta-{ID}-eth0")]);
    // another interface name is not in the way
    sb.run(&["add", "netb", sb.ns(), "--container-id", ID, "-i", "eth1"])
        .expect(0, "add netb on eth1");
}

#[test]
fn corrupt_entry_of_the_same_network_refuses_add_naming_the_file() {
    let sb = Sandbox::new(&["pa"]);
    sb.conflist("neta", "1.0.0", json!([{"type": "pa"}]));
    let a = sb.cache_file("neta", ID, "eth0");
    std::fs::create_dir_all(a.parent().unwrap()).unwrap();
    std::fs::write(&a, "{\"kind\":\"cniCacheV1\",").unwrap();
    let r = sb
        .run(&["add", "neta", sb.ns(), "--container-id", ID, "-i", "eth0"])
        .expect(2, "add over a corrupt own entry");
    let line = the_error(&r);
    assert!(
        line.contains(&a.display().to_string()) && line.contains("cannot be read"),
        "{line}"
    );
    assert!(sb.take_calls().is_empty(), "a plugin ran");
}
