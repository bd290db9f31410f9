//! The bad-input corpus: data-driven CLI cases (no root, fake plugins), one table per kind of
//! input under `tests/bad_input/*.json`. Each case names the files to lay out in a sandbox
//! (configs, cache entries, input files), the fake plugin's rules, cnictl's arguments,
//! environment and stdin, and asserts the exit code, the error class (stable substrings of the
//! `error:` lines), no panic, exactly the plugin calls that may run (none, by default), and
//! that nothing was left: no cache entry beyond the expected ones and no namespace created.
//! Every failing case is reported by name, all at once. The format is in
//! `tests/bad_input/README.md`; cases whose right behaviour awaits a fix are listed in
//! `tests/bad_input/PENDING.md`, never asserted here in their broken form.

mod common;

use common::fake::{cnitool_id, error_lines, tags, Sandbox};
use common::{NetnsName, Run};
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

/// The placeholders of a case's strings.
struct Vars {
    ns: String,
    sb: String,
    name: String,
    id: String,
    /// This test process's PID: a process in cnictl's own network namespace.
    pid: String,
}

impl Vars {
    fn subst(&self, s: &str) -> String {
        s.replace("$NS", &self.ns)
            .replace("$SB", &self.sb)
            .replace("$NAME", &self.name)
            .replace("$ID", &self.id)
            .replace("$PID", &self.pid)
    }
}

/// The bytes a blob describes: a string (placeholders replaced), `{"json": V}`, `{"hex": H}`,
/// `{"parts": [blob, ...]}` or `{"repeat": blob, "count": N}`.
fn blob(v: &Value, vars: &Vars) -> Vec<u8> {
    match v {
        Value::String(s) => vars.subst(s).into_bytes(),
        Value::Object(m) => {
            if let Some(j) = m.get("json") {
                vars.subst(&j.to_string()).into_bytes()
            } else if let Some(h) = m.get("hex").and_then(Value::as_str) {
                let h: String = h.split_whitespace().collect();
                (0..h.len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(&h[i..i + 2], 16).expect("hex blob"))
                    .collect()
            } else if let Some(parts) = m.get("parts").and_then(Value::as_array) {
                parts.iter().flat_map(|p| blob(p, vars)).collect()
            } else if let Some(unit) = m.get("repeat") {
                let n = m["count"].as_u64().expect("repeat needs count") as usize;
                blob(unit, vars).repeat(n)
            } else {
                panic!("unknown blob {v}")
            }
        }
        _ => panic!("unknown blob {v}"),
    }
}

fn strings(v: &Value, vars: &Vars) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|s| vars.subst(s.as_str().expect("a string")))
                .collect()
        })
        .unwrap_or_default()
}

/// A case with the table's defaults under it (`files` merged key by key; null removes a file).
fn merged(defaults: &Value, case: &Value) -> Value {
    let mut out = defaults.clone();
    for (k, v) in case.as_object().expect("a case is an object") {
        if k == "files" {
            let files = out["files"].as_object().cloned().unwrap_or_default();
            let mut files: Map<String, Value> = files;
            for (f, b) in v.as_object().expect("files is an object") {
                files.insert(f.clone(), b.clone());
            }
            out["files"] = Value::Object(files);
        } else {
            out[k] = v.clone();
        }
    }
    out
}

/// The cases of `tests/bad_input/<table>.json`.
fn table(name: &str) -> Vec<(String, Value)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/bad_input")
        .join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let t: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let defaults = &t["defaults"];
    let global: Value = serde_json::json!({
        "plugins": ["p1", "p2", "p3"],
        "files": {"net.d/10-n1.conflist": {"json": {"cniVersion": "1.0.0", "name": "n1",
                  "plugins": [{"type": "p1"}, {"type": "p2"}, {"type": "p3"}]}}},
        "code": 2,
    });
    let defaults = merged(&global, defaults);
    let mut seen = std::collections::HashSet::new();
    t["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| {
            let name = c["name"]
                .as_str()
                .expect("every case has a name")
                .to_string();
            assert!(seen.insert(name.clone()), "{name}: duplicate case name");
            (name, merged(&defaults, c))
        })
        .collect()
}

/// The number of cases in every table (the corpus must keep at least 200).
const TABLES: [&str; 9] = [
    "config",
    "result",
    "version",
    "cache",
    "cni_args",
    "cap_args",
    "valid_from",
    "identifier",
    "netns",
];

/// Runs one case; Err(why) when it does not behave as the table says.
fn run_case(case: &Value) -> Result<(), String> {
    let plugins = strings(&case["plugins"], &Vars::empty());
    let refs: Vec<&str> = plugins.iter().map(String::as_str).collect();
    let sb = Sandbox::new(&refs);
    let name = NetnsName::new("cnictl-bad");
    let vars = Vars {
        ns: sb.ns().to_string(),
        sb: sb.dir.path().to_string_lossy().into_owned(),
        name: name.0.clone(),
        id: cnitool_id(sb.ns()),
        pid: std::process::id().to_string(),
    };
    let _ = std::fs::remove_file(sb.conf_dir().join("10-n1.conflist"));
    for (rel, b) in case["files"].as_object().into_iter().flatten() {
        if b.is_null() {
            continue;
        }
        let p = sb.dir.path().join(vars.subst(rel));
        if let Some(d) = p.parent() {
            std::fs::create_dir_all(d).map_err(|e| format!("mkdir {}: {e}", d.display()))?;
        }
        if let Some(target) = b.get("symlink").and_then(Value::as_str) {
            std::os::unix::fs::symlink(vars.subst(target), &p)
                .map_err(|e| format!("symlink {}: {e}", p.display()))?;
        } else if b.get("dir").is_some() {
            std::fs::create_dir_all(&p).map_err(|e| format!("mkdir {}: {e}", p.display()))?;
        } else {
            std::fs::write(&p, blob(b, &vars)).map_err(|e| format!("{}: {e}", p.display()))?;
        }
    }
    if let Some(rules) = case.get("rules") {
        sb.rules(
            serde_json::from_slice(&blob(&serde_json::json!({"json": rules}), &vars)).unwrap(),
        );
    }
    let args = strings(&case["args"], &vars);
    let mut cmd = sb
        .cnictl()
        .args(&args.iter().map(String::as_str).collect::<Vec<_>>());
    for (k, v) in case["env"].as_object().into_iter().flatten() {
        cmd = cmd.env(k, &vars.subst(v.as_str().expect("env values are strings")));
    }
    if let Some(input) = case.get("stdin") {
        // {"file": path}: stdin is that file itself (e.g. /dev/zero), not a blob's bytes
        let file = match input.get("file").and_then(Value::as_str) {
            Some(path) => PathBuf::from(vars.subst(path)),
            None => {
                let file = sb.path("stdin.input");
                std::fs::write(&file, blob(input, &vars)).map_err(|e| e.to_string())?;
                file
            }
        };
        let redirect = format!("exec \"$0\" \"$@\" < '{}'", file.display());
        cmd = cmd.wrapped(&["sh", "-c", &redirect]);
    }
    let cache_before: Vec<String> = sb.cache_files();
    let r: Run = cmd.run();

    let mut problems = Vec::new();
    let want_code = case["code"].as_i64().expect("code") as i32;
    if r.code != want_code {
        problems.push(format!("exit code {} (want {want_code})", r.code));
    }
    if r.stderr.contains("panicked") {
        problems.push("cnictl panicked".into());
    }
    let errors = error_lines(&r).join("\n");
    let want_errors = strings(&case["error"], &vars);
    if want_errors.is_empty() && case.get("stderr").is_none() && case.get("stdout").is_none() {
        problems.push("the case asserts no error class".into());
    }
    if !want_errors.is_empty() && error_lines(&r).is_empty() {
        problems.push("no error: line".into());
    }
    for w in &want_errors {
        if !errors.contains(w.as_str()) {
            problems.push(format!("error lacks {w:?}"));
        }
    }
    for w in strings(&case["stderr"], &vars) {
        if !r.stderr.contains(w.as_str()) {
            problems.push(format!("stderr lacks {w:?}"));
        }
    }
    if case.get("stdout").is_none() && !r.stdout.is_empty() {
        problems.push("unexpected stdout".into());
    }
    for w in strings(&case["stdout"], &vars) {
        if !r.stdout.contains(w.as_str()) {
            problems.push(format!("stdout lacks {w:?}"));
        }
    }
    let want_calls = strings(&case["calls"], &vars);
    let calls = tags(&sb.take_calls());
    if calls != want_calls {
        problems.push(format!("plugin calls {calls:?} (want {want_calls:?})"));
    }
    // the cache: no entry added; entries present before are kept or removed as the case says
    let want_cache: Vec<String> = match case.get("cache_after") {
        Some(v) => strings(v, &vars),
        None => cache_before.clone(),
    };
    let mut want_cache = want_cache;
    want_cache.sort();
    let cache_after = sb.cache_files();
    if cache_after != want_cache {
        problems.push(format!(
            "cache results/ holds {cache_after:?} (want {want_cache:?})"
        ));
    }
    if name.exists() {
        problems.push(format!("namespace {} was created", name.0));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}\n    stdout: {}\n    stderr: {}",
            problems.join("; "),
            r.stdout.chars().take(600).collect::<String>().trim_end(),
            r.stderr.chars().take(1500).collect::<String>().trim_end()
        ))
    }
}

impl Vars {
    fn empty() -> Vars {
        Vars {
            ns: String::new(),
            sb: String::new(),
            name: String::new(),
            id: String::new(),
            pid: String::new(),
        }
    }
}

/// Runs every case of a table; fails naming every case that misbehaved.
fn run_table(name: &str) {
    let cases = table(name);
    assert!(!cases.is_empty(), "{name}: no cases");
    let only = std::env::var("BAD_INPUT_CASE").ok();
    let mut failed = Vec::new();
    for (case_name, case) in &cases {
        if only.as_deref().is_some_and(|o| !case_name.contains(o)) {
            continue;
        }
        // a panic (e.g. in the sandbox's set-up) fails this case, not the rest of the table
        match std::panic::catch_unwind(|| run_case(case)) {
            Ok(Ok(())) => {}
            Ok(Err(why)) => failed.push(format!("{name}/{case_name}: {why}")),
            Err(p) => {
                let msg = p
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                failed.push(format!("{name}/{case_name}: panicked: {msg}"));
            }
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} cases failed:\n{}",
        failed.len(),
        cases.len(),
        failed.join("\n")
    );
}

#[test]
fn the_corpus_has_at_least_200_cases() {
    let n: usize = TABLES.iter().map(|t| table(t).len()).sum();
    assert!(n >= 200, "the bad-input corpus has {n} cases");
    // every table file is listed above: none is silently left out
    let dir: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_input");
    for e in std::fs::read_dir(&dir).unwrap().filter_map(|e| e.ok()) {
        let f = e.file_name().to_string_lossy().into_owned();
        if let Some(stem) = f.strip_suffix(".json") {
            assert!(TABLES.contains(&stem), "{f} is not in TABLES");
        }
    }
}

#[test]
fn configs() {
    run_table("config");
}

#[test]
fn results_of_every_version() {
    run_table("result");
}

#[test]
fn version_answers() {
    run_table("version");
}

#[test]
fn cache_entries() {
    run_table("cache");
}

#[test]
fn cni_args() {
    run_table("cni_args");
}

#[test]
fn cap_args() {
    run_table("cap_args");
}

#[test]
fn valid_from() {
    run_table("valid_from");
}

#[test]
fn identifiers() {
    run_table("identifier");
}

#[test]
fn netns_spellings() {
    run_table("netns");
}
