//! CLI tests of configs given straight from a file (no root, fake plugins): a NETWORK argument
//! with a `/` is loaded from that file for add, check, del and status; the record names the
//! file, so a later command that names the network uses that file and never a network of
//! the same name in the config dir; `name.conflist` without a slash stays a network name.

mod common;

use common::fake::{cnitool_id, tags, the_error, Sandbox};
use serde_json::json;

/// Writes `<sandbox>/work/<file>` (outside the config dir) and returns its path.
fn work_file(sb: &Sandbox, file: &str, text: &str) -> std::path::PathBuf {
    let dir = sb.path("work");
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(file);
    std::fs::write(&p, text).unwrap();
    p
}

fn list_text(name: &str, plugins: serde_json::Value) -> String {
    json!({"cniVersion": "1.0.0", "name": name, "plugins": plugins}).to_string()
}

#[test]
fn a_conflist_given_as_a_path_runs_add_check_del_with_an_empty_config_dir() {
    let sb = Sandbox::new(&["p1", "p2"]);
    let file = work_file(
        &sb,
        "my.conflist",
        &list_text("filenet", json!([{"type": "p1"}, {"type": "p2"}])),
    );
    let ns = sb.ns().to_string();
    let id = cnitool_id(&ns);
    // Relative to the working directory (the sandbox's root), with a slash.
    let arg = "./work/my.conflist";
    let r = sb.run(&["add", arg, &ns]).expect(0, "add from a file");
    assert!(r.stdout.contains("\"cniVersion\""), "{}", r.stdout);
    assert_eq!(tags(&sb.take_calls()), ["p1 ADD", "p2 ADD"]);
    // Cached under the network's name, the file recorded beside the entry.
    assert_eq!(sb.cache_files(), [format!("filenet-{id}-eth0")]);
    let record = sb.record("filenet", &id, "eth0");
    assert_eq!(record["file"], json!(file.to_str().unwrap()), "{record}");

    sb.run(&["check", arg, &ns])
        .expect(0, "check from the file");
    assert_eq!(tags(&sb.take_calls()), ["p1 CHECK", "p2 CHECK"]);
    sb.run(&["del", arg, &ns]).expect(0, "del from the file");
    assert_eq!(tags(&sb.take_calls()), ["p2 DEL", "p1 DEL"]);
    assert!(sb.cache_files().is_empty());
    assert!(sb.records().is_empty());
    assert_eq!(
        std::fs::read_dir(sb.conf_dir()).unwrap().count(),
        0,
        "nothing was written to the config dir"
    );
}

#[test]
fn a_single_plugin_conf_given_as_a_path_is_wrapped_as_libcni_wraps_it() {
    let sb = Sandbox::new(&["p1"]);
    let text = r#"{"cniVersion":"1.0.0","name":"single","type":"p1","zeta":1,"alpha":2}"#;
    let file = work_file(&sb, "one.conf", text);
    let ns = sb.ns().to_string();
    sb.run(&["add", file.to_str().unwrap(), &ns])
        .expect(0, "add from a .conf");
    let calls = sb.take_calls();
    assert_eq!(tags(&calls), ["p1 ADD"]);
    assert_eq!(calls[0].stdin()["name"], "single");
    // The cached config is the synthetic list libcni writes (keys sorted).
    let entry = sb.cache_entry("single", &cnitool_id(&ns), "eth0");
    let config: String = entry["config"].as_str().unwrap().to_string();
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(config)
        .unwrap();
    let text = String::from_utf8(bytes).unwrap();
    assert!(
        text.starts_with(r#"{"cniVersion":"1.0.0","name":"single","plugins":[{"alpha":2"#),
        "{text}"
    );
}

#[test]
fn del_by_name_of_an_attachment_added_from_a_file_uses_that_file_not_the_config_dir() {
    let sb = Sandbox::new(&["p1", "p2", "installed"]);
    // The config dir holds a network of the same name with another plugin.
    sb.conflist("same", "1.0.0", json!([{"type": "installed"}]));
    let file = work_file(
        &sb,
        "same.conflist",
        &list_text("same", json!([{"type": "p1"}, {"type": "p2"}])),
    );
    let ns = sb.ns().to_string();
    sb.run(&["add", file.to_str().unwrap(), &ns])
        .expect(0, "add from the file");
    sb.take_calls();

    sb.run(&["check", "same", &ns]).expect(0, "check by name");
    assert_eq!(tags(&sb.take_calls()), ["p1 CHECK", "p2 CHECK"]);
    sb.run(&["del", "same", &ns]).expect(0, "del by name");
    assert_eq!(
        tags(&sb.take_calls()),
        ["p2 DEL", "p1 DEL"],
        "the installed network's plugin never ran"
    );
    assert!(sb.cache_files().is_empty());
}

#[test]
fn del_by_name_when_the_file_is_gone_uses_the_chain_recorded_at_add() {
    let sb = Sandbox::new(&["p1", "installed"]);
    sb.conflist("gone", "1.0.0", json!([{"type": "installed"}]));
    let file = work_file(
        &sb,
        "gone.conflist",
        &list_text("gone", json!([{"type": "p1"}])),
    );
    let ns = sb.ns().to_string();
    sb.run(&["add", file.to_str().unwrap(), &ns])
        .expect(0, "add from the file");
    sb.take_calls();
    std::fs::remove_file(&file).unwrap();

    // CHECK does not guess: it names the file and runs nothing.
    let r = sb.run(&["check", "gone", &ns]).expect(2, "check by name");
    let line = the_error(&r);
    assert!(
        line.contains(file.to_str().unwrap()) && line.contains("give the file as NETWORK"),
        "{line}"
    );
    assert!(sb.take_calls().is_empty());

    let r = sb.run(&["del", "gone", &ns]).expect(0, "del by name");
    assert!(
        r.stderr.contains("chain recorded at ADD") && r.stderr.contains(file.to_str().unwrap()),
        "{}",
        r.stderr
    );
    assert_eq!(tags(&sb.take_calls()), ["p1 DEL"]);
    assert!(sb.cache_files().is_empty());
}

#[test]
fn a_name_ending_in_conflist_without_a_slash_is_a_network_name() {
    let sb = Sandbox::new(&["p1"]);
    // A file of that name in the working directory is not read.
    work_file(&sb, "x.conflist", &list_text("x", json!([{"type": "p1"}])));
    let r = sb
        .cnictl()
        .cwd(&sb.path("work"))
        .args(&["add", "x.conflist", sb.ns()])
        .run()
        .expect(2, "add by a name");
    let line = the_error(&r);
    assert!(line.contains("\"x.conflist\""), "{line}");
    assert!(sb.calls().is_empty());
}

#[test]
fn a_broken_or_missing_file_is_an_error_naming_it_and_runs_nothing() {
    let sb = Sandbox::new(&["p1"]);
    let broken = work_file(&sb, "broken.conflist", "{\"name\": ");
    for (arg, what) in [
        (broken.to_str().unwrap().to_string(), "broken.conflist"),
        ("./work/missing.conflist".to_string(), "missing.conflist"),
    ] {
        for verb in ["add", "check", "del"] {
            let r = sb.run(&[verb, &arg, sb.ns()]).expect(2, verb);
            let line = the_error(&r);
            assert!(line.contains(what), "{verb}: {line}");
        }
        let r = sb.run(&["status", &arg]).expect(2, "status");
        assert!(the_error(&r).contains(what));
    }
    assert!(sb.calls().is_empty());
}

#[test]
fn status_reads_a_file_given_as_a_path() {
    let sb = Sandbox::new(&["p1"]);
    let file = work_file(
        &sb,
        "s.conflist",
        &json!({"cniVersion": "1.1.0", "name": "snet", "plugins": [{"type": "p1"}]}).to_string(),
    );
    let r = sb
        .run(&["status", file.to_str().unwrap(), "-o", "json"])
        .expect(0, "status of a file");
    let v = r.json();
    assert_eq!(v["networks"][0]["network"], "snet", "{v}");
    assert!(tags(&sb.take_calls()).contains(&"p1 STATUS".to_string()));
}

#[test]
fn gc_of_an_attachment_added_from_a_file_never_runs_the_config_dirs_network_of_that_name() {
    let sb = Sandbox::new(&["p1", "installed"]);
    sb.conflist("same", "1.0.0", json!([{"type": "installed"}]));
    let file = work_file(
        &sb,
        "same.conflist",
        &list_text("same", json!([{"type": "p1"}])),
    );
    let ns = sb.ns().to_string();
    sb.run(&["add", file.to_str().unwrap(), &ns])
        .expect(0, "add from the file");
    sb.take_calls();
    let r = sb
        .run(&["gc", "same", "--all", "--yes"])
        .expect(0, "gc of the network");
    let dels: Vec<String> = tags(&sb.take_calls())
        .into_iter()
        .filter(|t| t.ends_with(" DEL"))
        .collect();
    assert_eq!(dels, ["p1 DEL"], "{}", r.stderr);
    assert!(
        r.stderr.contains("was given the config file")
            && r.stderr.contains("chain recorded at ADD"),
        "{}",
        r.stderr
    );
    assert!(sb.cache_files().is_empty());
}
