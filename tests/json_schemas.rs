//! Every command's `-o json` output, made for real with the fake plugin, validates against its
//! schema in docs/schemas (draft 2020-12); failures validate against error.v1.json. Keys are
//! camelCase everywhere (the CNI result of `add` and the spec-shaped valid-attachments list
//! excepted), and state values lowercase kebab-case.

mod common;

use common::fake::Sandbox;
use serde_json::{json, Value};
use std::path::Path;

const NET: &str = "schemas";

fn schema(name: &str) -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("docs/schemas/{name}.v1.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(
        v["$schema"], "https://json-schema.org/draft/2020-12/schema",
        "{name}: not draft 2020-12"
    );
    jsonschema::draft202012::new(&v).unwrap_or_else(|e| panic!("{name}: bad schema: {e}"))
}

fn assert_valid(name: &str, what: &str, doc: &Value) {
    let errors: Vec<String> = schema(name)
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "{what}: does not match {name}.v1.json:\n{}\n{doc:#}",
        errors.join("\n")
    );
}

/// camelCase keys; `skip` names the keys whose values are foreign shapes.
fn assert_casing(what: &str, v: &Value, skip: &[&str], path: &str) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let camel = k.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                    && k.chars().all(|c| c.is_ascii_alphanumeric());
                assert!(camel, "{what}: key {path}/{k} is not camelCase");
                if !skip.contains(&k.as_str()) {
                    assert_casing(what, x, skip, &format!("{path}/{k}"));
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| assert_casing(what, x, skip, path)),
        _ => {}
    }
}

/// The state fields hold lowercase kebab-case words.
fn assert_enum_style(what: &str, v: &Value) {
    const STATE_KEYS: &[&str] = &[
        "status",
        "state",
        "kind",
        "role",
        "netnsState",
        "addState",
        "action",
        "reason",
        "outcome",
        "verdict",
        "stage",
        "validSet",
        "config",
        "severity",
        "rule",
        "result",
    ];
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if let (true, Value::String(s)) = (STATE_KEYS.contains(&k.as_str()), x) {
                    // reasons are sentences in some shapes; a one-word value must be kebab-case
                    if !s.contains(' ') {
                        assert!(
                            s.chars()
                                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                            "{what}: {k} = {s:?} is not lowercase kebab-case"
                        );
                    }
                }
                assert_enum_style(what, x);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| assert_enum_style(what, x)),
        _ => {}
    }
}

fn json_of(sb: &Sandbox, args: &[&str], codes: &[i32]) -> Value {
    let mut all = args.to_vec();
    all.extend(["-o", "json"]);
    let r = sb.run(&all);
    assert!(
        codes.contains(&r.code),
        "{args:?}: exit {}\n{}",
        r.code,
        r.stderr
    );
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?}: stdout is not one JSON document ({e}):\n{}",
            r.stdout
        )
    })
}

fn check(sb: &Sandbox, name: &str, args: &[&str], codes: &[i32]) -> Value {
    let v = json_of(sb, args, codes);
    let what = format!("{args:?}");
    assert_valid(name, &what, &v);
    if name != "add" {
        // foreign shapes printed as they are: the spec's valid-attachments list, and in
        // `attachments show` the user's config, the plugins' result and the runtime's
        // capability args
        let foreign: &[&str] = if name == "attachments-show" {
            &["config", "result", "capabilityArgs"]
        } else {
            &["validAttachments"]
        };
        assert_casing(&what, &v, foreign, "");
        assert_enum_style(&what, &v);
    }
    v
}

#[test]
fn every_command_json_validates_against_its_schema() {
    let sb = Sandbox::new(&["p1", "p2"]);
    sb.conflist(NET, "1.1.0", json!([{"type": "p1"}, {"type": "p2"}]));
    sb.conflist(
        "broken",
        "1.0.0",
        json!([{"type": "p1"}, {"type": "absent"}]),
    );
    sb.write_conf("30-bad.conf", "{not json");
    // host-local's store for `ipam`, in the sandbox, with one reservation no cache entry
    // explains
    let data = sb.path("ipam");
    sb.conflist(
        "pool",
        "1.0.0",
        json!([{"type": "p1", "ipam": {"type": "host-local", "dataDir": data,
            "ranges": [[{"subnet": "10.66.0.0/24"}]]}}]),
    );
    std::fs::create_dir_all(data.join("pool")).unwrap();
    std::fs::write(data.join("pool/10.66.0.7"), "leaked\r\neth0").unwrap();
    std::fs::write(data.join("pool/last_reserved_ip.0"), "10.66.0.7").unwrap();
    let ns = sb.ns().to_string();

    let add = check(&sb, "add", &["add", NET, &ns, "--container-id", "c1"], &[0]);
    assert!(add["cniVersion"].is_string(), "{add}");
    check(&sb, "add", &["add", NET, &ns, "--container-id", "c2"], &[0]);
    let c = check(
        &sb,
        "check",
        &["check", NET, &ns, "--container-id", "c1"],
        &[0],
    );
    assert_eq!(c["ok"], true);
    check(&sb, "ls", &["ls"], &[0]);
    check(&sb, "ls", &["ls", "--no-probe"], &[0]);
    check(&sb, "plugins", &["plugins"], &[0]);
    let a = check(&sb, "attachments", &["attachments"], &[0]);
    assert_eq!(a["attachments"].as_array().map(Vec::len), Some(2), "{a}");
    check(&sb, "status", &["status"], &[0, 1]);
    check(&sb, "status", &["status", NET], &[0, 1]);
    let show = check(
        &sb,
        "attachments-show",
        &["attachments", "show", NET, "c2", "eth0"],
        &[0],
    );
    assert_eq!(show["containerId"], "c2", "{show}");
    let ip = check(&sb, "ipam", &["ipam"], &[0]);
    let pool = ip["networks"]
        .as_array()
        .and_then(|n| n.iter().find(|n| n["network"] == "pool"))
        .unwrap_or_else(|| panic!("no pool network: {ip}"));
    assert_eq!(pool["reservations"][0]["owner"], "unowned", "{ip}");
    let rel = check(
        &sb,
        "ipam",
        &["ipam", "pool", "--release", "--dry-run", "--valid", "c1"],
        &[0],
    );
    assert_eq!(
        rel["release"]["items"][0]["outcome"], "would-release",
        "{rel}"
    );
    // inspect only reads: cnictl's own namespace, exit 1 when a link is unexplained
    let i = check(&sb, "inspect", &["inspect", "/proc/self/ns/net"], &[0, 1]);
    assert!(i["links"].as_array().is_some_and(|l| !l.is_empty()), "{i}");
    let v = check(&sb, "validate", &["validate"], &[1]);
    assert!(v["summary"]["errors"].as_u64() > Some(0), "{v}");
    let g = check(
        &sb,
        "gc",
        &["gc", "--dry-run", "--valid", "c1:eth0", NET],
        &[0],
    );
    assert_eq!(g["networks"][0]["attachments"][0]["action"], "would-remove");
    let g = check(&sb, "gc", &["gc", "--valid", "c1:eth0", NET], &[0]);
    assert_eq!(g["networks"][0]["attachments"][0]["action"], "removed");
    let d = check(&sb, "del", &["del", NET, &ns, "--container-id", "c1"], &[0]);
    assert_eq!(d["containerId"], "c1");

    // cnictl's own error: code null
    let e = check(&sb, "error", &["add", "no-such-network", &ns], &[2]);
    assert_eq!(e["code"], Value::Null, "{e}");
    let e = check(
        &sb,
        "error",
        &["check", NET, &ns, "--container-id", "never-added"],
        &[1, 2],
    );
    assert!(e["msg"].is_string(), "{e}");
    // a plugin's error: its code
    sb.rules(
        json!([{"plugin": "p2", "command": "ADD", "action": "error", "code": 7, "msg": "boom"}]),
    );
    let e = check(
        &sb,
        "error",
        &["add", NET, &ns, "--container-id", "c3"],
        &[1],
    );
    assert_eq!(e["code"], 7, "{e}");
    assert_eq!(e["command"], "ADD", "{e}");
}

#[test]
#[ignore = "needs root: conformance makes network namespaces"]
fn conformance_json_validates_against_its_schema() {
    let sb = Sandbox::new(&["p1", "p2"]);
    // An empty ADD result (nothing to look for in the container); p2 not ready at 1.1.0.
    sb.rules(json!([
        {"plugin": "p1", "command": "ADD", "action": "result", "result": {}},
        {"plugin": "p2", "command": "STATUS", "action": "error", "code": 50, "msg": "busy"},
    ]));
    let file = sb.path("c.conflist");
    let conf = json!({"cniVersion": "1.0.0", "cniVersions": ["1.0.0", "1.1.0"],
        "name": "conf", "plugins": [{"type": "p1"}, {"type": "p2"}]});
    std::fs::write(&file, conf.to_string()).unwrap();
    let v = check(
        &sb,
        "conformance",
        &["conformance", file.to_str().unwrap()],
        &[1],
    );
    assert_eq!(v["summary"]["failed"], 1, "{v}");
    assert_eq!(v["file"], file.to_str().unwrap());
    let v = check(
        &sb,
        "conformance",
        &["conformance", file.to_str().unwrap(), "--versions", "0.3.1"],
        &[0],
    );
    assert_eq!(
        v["rounds"][0]["steps"][1]["result"], "skip",
        "CHECK predates 0.4.0: {v}"
    );
}

#[test]
fn every_schema_is_draft_2020_12_and_versioned() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/schemas");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).expect("docs/schemas") {
        let p = e.expect("entry").path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".json") {
            continue; // README.md
        }
        let Some(stem) = name.strip_suffix(".v1.json") else {
            assert!(
                name.ends_with(".json") && name.contains(".v"),
                "{name}: schemas are named <command>.v<N>.json"
            );
            continue;
        };
        schema(stem);
        n += 1;
    }
    assert!(n >= 10, "only {n} schemas");
}
