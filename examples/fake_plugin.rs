//! A scriptable fake CNI plugin for cnictl's tests. Tests copy or hard-link this one binary under
//! several plugin names (`p1`, `bridge`, ...); its behaviour is chosen by its name (the basename
//! of argv[0]) and `CNI_COMMAND`, following a JSON script whose path is in `FAKE_PLUGIN_SCRIPT`.
//!
//! Script format (every key optional):
//!
//! ```json
//! { "log": "/tmp/x/calls.jsonl",
//!   "rules": [
//!     {"plugin": "p2", "command": "ADD", "action": "result", "result": {"cniVersion": "1.1.0"}},
//!     {"plugin": "p3", "command": "ADD", "action": "error", "code": 7, "msg": "boom",
//!      "details": "more", "stderr": "text", "exit": 1},
//!     {"command": "DEL", "action": "sleep", "secs": 100},
//!     {"action": "sleep_child", "secs": 100, "parent_secs": 100},
//!     {"action": "garbage", "exit": 0},
//!     {"action": "flood", "bytes": 104857600, "stream": "stdout"},
//!     {"action": "signal", "signal": "SEGV"},
//!     {"action": "exit", "code": 1},
//!     {"action": "raw", "stdout": "any text", "exit": 0},
//!     {"action": "version", "supported": ["0.4.0", "1.0.0"]}
//!   ] }
//! ```
//!
//! The first rule whose `plugin`, `command` and `ifname` (each optional) match is applied;
//! a rule with `"when_file": "/path"` matches only while that file exists.
//! Every rule may also carry `"stderr": "text"` (written first), `"read_stdin": false` (do
//! not read stdin at all: a plugin that never reads its input) and `"sh": "command"` (run
//! with /bin/sh -c before the action: a fault injected into the test's own dirs).
//!
//! Actions: `result` prints `result` and exits 0; `error` prints a CNI error object on stdout
//! and exits `exit` (default 1); `sleep` sleeps `secs` then exits 0; `sleep_child` starts a
//! child (in the plugin's process group) that holds stdout/stderr for `secs`, then sleeps
//! `parent_secs` itself (default 0) and exits 0; `garbage` prints non-JSON and exits `exit`
//! (default 0); `flood` writes `bytes` bytes to `stream` (stdout or stderr) and
//! exits `exit` (default 0); `signal` kills itself with `signal` (KILL, SEGV, TERM, ABRT, ...;
//! default KILL, sent with `/bin/sh -c kill`); `exit` exits with `code` and prints nothing;
//! `raw` prints `stdout` verbatim; `version` prints a VERSION answer.
//!
//! Without a matching rule: ADD echoes the request's `prevResult` if any, else a plausible
//! result of the request's `cniVersion` (one interface named `CNI_IFNAME`, one IP); VERSION
//! answers every version from 0.1.0 to 1.1.0; DEL, CHECK, GC and STATUS exit 0 silently.
//!
//! Every call is logged, when a log file is given (`log` in the script, or `FAKE_PLUGIN_LOG`),
//! as one JSON line appended with a single write: `plugin`, `command`, `env` (every `CNI_*`
//! variable), `env_keys` (all variable names, sorted), `has_cap_args`, `has_netconfpath`,
//! `path` (`PATH` or null), `pid`, `netns` (the link `/proc/self/ns/net`: the namespace it
//! ran in), `stdin` (parsed JSON, or the raw text when not JSON) and
//! `stdin_raw` (the bytes read, as lossy UTF-8; null when stdin was not read).
//!
//! Only std and serde_json are used.

use serde_json::{json, Map, Value};
use std::io::{Read, Write};
use std::time::Duration;

const ALL_VERSIONS: [&str; 7] = [
    "0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0",
];

fn main() {
    // The child of `sleep_child`: hold the inherited pipes for a while.
    if let Ok(secs) = std::env::var("FAKE_PLUGIN_SLEEPER") {
        std::thread::sleep(Duration::from_secs_f64(secs.parse().unwrap_or(100.0)));
        return;
    }

    let plugin = std::env::args_os()
        .next()
        .map(|a| {
            std::path::Path::new(&a)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        })
        .unwrap_or_default();
    let command = std::env::var("CNI_COMMAND").unwrap_or_default();
    let ifname = std::env::var("CNI_IFNAME").unwrap_or_default();

    let script: Value = std::env::var_os("FAKE_PLUGIN_SCRIPT")
        .and_then(|p| std::fs::read(p).ok())
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or(Value::Null);
    let rule: Option<&Map<String, Value>> = script["rules"].as_array().and_then(|rules| {
        rules.iter().filter_map(Value::as_object).find(|r| {
            let matches = |key: &str, actual: &str| {
                r.get(key)
                    .and_then(Value::as_str)
                    .is_none_or(|want| want == actual)
            };
            // `when_file`: the rule applies only once that file exists (a plugin whose
            // behaviour changes after a first call that creates it with `sh`).
            let when = r
                .get("when_file")
                .and_then(Value::as_str)
                .is_none_or(|f| std::path::Path::new(f).exists());
            matches("plugin", &plugin)
                && matches("command", &command)
                && matches("ifname", &ifname)
                && when
        })
    });

    let read_stdin = rule
        .and_then(|r| r.get("read_stdin"))
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let mut stdin = Vec::new();
    if read_stdin {
        let _ = std::io::stdin().read_to_end(&mut stdin);
    }
    let request: Option<Value> = serde_json::from_slice(&stdin).ok();

    let log_path = script["log"]
        .as_str()
        .map(String::from)
        .or_else(|| std::env::var("FAKE_PLUGIN_LOG").ok());
    if let Some(log_path) = log_path {
        log_call(
            &log_path,
            &plugin,
            &command,
            read_stdin.then_some(&stdin),
            request.as_ref(),
        );
    }

    let request = request.unwrap_or(Value::Null);
    let code = match rule {
        Some(rule) => apply(rule, &request),
        None => default_behaviour(&command, &request),
    };
    let _ = std::io::stdout().flush();
    std::process::exit(code);
}

fn log_call(
    path: &str,
    plugin: &str,
    command: &str,
    stdin: Option<&Vec<u8>>,
    request: Option<&Value>,
) {
    let mut cni = Map::new();
    let mut keys = Vec::new();
    for (k, v) in std::env::vars_os() {
        let k = k.to_string_lossy().into_owned();
        if k.starts_with("CNI_") {
            cni.insert(k.clone(), Value::String(v.to_string_lossy().into_owned()));
        }
        keys.push(k);
    }
    keys.sort();
    let stdin_value = match (request, stdin) {
        (Some(v), _) => v.clone(),
        (None, Some(raw)) => Value::String(String::from_utf8_lossy(raw).into_owned()),
        (None, None) => Value::Null,
    };
    let record = json!({
        "plugin": plugin,
        "command": command,
        "env": cni,
        "env_keys": keys,
        "has_cap_args": std::env::var_os("CAP_ARGS").is_some(),
        "has_netconfpath": std::env::var_os("NETCONFPATH").is_some(),
        "path": std::env::var("PATH").ok(),
        "pid": std::process::id(),
        "netns": std::fs::read_link("/proc/self/ns/net")
            .ok()
            .map(|p| p.to_string_lossy().into_owned()),
        "stdin": stdin_value,
        "stdin_raw": stdin.map(|raw| String::from_utf8_lossy(raw).into_owned()),
    });
    let mut line = record.to_string().into_bytes();
    line.push(b'\n');
    // O_APPEND and one write per record: lines of concurrent plugins do not interleave.
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
    {
        let _ = f.write_all(&line);
    }
}

fn int(rule: &Map<String, Value>, key: &str, default: i64) -> i64 {
    rule.get(key).and_then(Value::as_i64).unwrap_or(default)
}

fn exit_code(rule: &Map<String, Value>, key: &str, default: i32) -> i32 {
    i32::try_from(int(rule, key, i64::from(default))).unwrap_or(default)
}

fn print(bytes: &[u8]) {
    let _ = std::io::stdout().write_all(bytes);
}

/// Applies a rule; returns the exit code.
fn apply(rule: &Map<String, Value>, request: &Value) -> i32 {
    // A fault injected from outside the plugin (the tests' way to break the cache mid-run).
    if let Some(cmd) = rule.get("sh").and_then(Value::as_str) {
        let _ = std::process::Command::new("/bin/sh")
            .args(["-c", cmd])
            .status();
    }
    if let Some(text) = rule.get("stderr").and_then(Value::as_str) {
        let _ = std::io::stderr().write_all(text.as_bytes());
    }
    let action = rule.get("action").and_then(Value::as_str).unwrap_or("exit");
    match action {
        "result" => {
            print(
                rule.get("result")
                    .unwrap_or(&Value::Null)
                    .to_string()
                    .as_bytes(),
            );
            0
        }
        "error" => {
            let mut e = Map::new();
            if let Some(v) = request["cniVersion"].as_str() {
                e.insert("cniVersion".into(), v.into());
            }
            e.insert("code".into(), int(rule, "code", 999).into());
            e.insert(
                "msg".into(),
                rule.get("msg")
                    .cloned()
                    .unwrap_or_else(|| "fake plugin error".into()),
            );
            if let Some(d) = rule.get("details") {
                e.insert("details".into(), d.clone());
            }
            print(Value::Object(e).to_string().as_bytes());
            exit_code(rule, "exit", 1)
        }
        "sleep" => {
            sleep(rule);
            0
        }
        "sleep_child" => {
            let secs = rule.get("secs").and_then(Value::as_f64).unwrap_or(100.0);
            if let Ok(me) = std::env::current_exe() {
                let _ = std::process::Command::new(me)
                    .env("FAKE_PLUGIN_SLEEPER", secs.to_string())
                    .stdin(std::process::Stdio::null())
                    .spawn();
            }
            let parent = rule
                .get("parent_secs")
                .and_then(Value::as_f64)
                .unwrap_or(0.0);
            std::thread::sleep(Duration::from_secs_f64(parent.clamp(0.0, 1e6)));
            0
        }
        "garbage" => {
            print(b"this is not JSON {");
            exit_code(rule, "exit", 0)
        }
        "flood" => {
            let mut left = u64::try_from(int(rule, "bytes", 100 << 20)).unwrap_or(0);
            let chunk = vec![b'x'; 64 * 1024];
            let to_stderr = rule.get("stream").and_then(Value::as_str) == Some("stderr");
            while left > 0 {
                let n = usize::try_from(left.min(chunk.len() as u64)).unwrap_or(chunk.len());
                let ok = if to_stderr {
                    std::io::stderr().write_all(&chunk[..n]).is_ok()
                } else {
                    std::io::stdout().write_all(&chunk[..n]).is_ok()
                };
                if !ok {
                    break;
                }
                left -= n as u64;
            }
            exit_code(rule, "exit", 0)
        }
        "signal" => {
            let sig = rule
                .get("signal")
                .and_then(Value::as_str)
                .unwrap_or("KILL")
                .trim_start_matches("SIG")
                .to_string();
            if sig == "ABRT" {
                std::process::abort();
            }
            // Rust's runtime swallows the first SIGSEGV/SIGBUS sent by kill (it only handles
            // stack overflows, then restores the default action): send until it takes.
            for _ in 0..50 {
                let _ = std::process::Command::new("/bin/sh")
                    .arg("-c")
                    .arg(format!("kill -s {sig} {}", std::process::id()))
                    .status();
                std::thread::sleep(Duration::from_millis(100));
            }
            99
        }
        "exit" => exit_code(rule, "code", 1),
        "raw" => {
            print(
                rule.get("stdout")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .as_bytes(),
            );
            exit_code(rule, "exit", 0)
        }
        "version" => {
            let supported = rule
                .get("supported")
                .cloned()
                .unwrap_or_else(|| json!(ALL_VERSIONS));
            let version = rule
                .get("cniVersion")
                .cloned()
                .unwrap_or_else(|| json!("1.1.0"));
            print(
                json!({"cniVersion": version, "supportedVersions": supported})
                    .to_string()
                    .as_bytes(),
            );
            0
        }
        other => {
            let _ = writeln!(std::io::stderr(), "fake_plugin: unknown action {other:?}");
            98
        }
    }
}

fn sleep(rule: &Map<String, Value>) {
    let secs = rule.get("secs").and_then(Value::as_f64).unwrap_or(100.0);
    std::thread::sleep(Duration::from_secs_f64(secs.max(0.0)));
}

/// What a well-behaved plugin does when no rule matches.
fn default_behaviour(command: &str, request: &Value) -> i32 {
    match command {
        "ADD" => {
            let prev = &request["prevResult"];
            if !prev.is_null() {
                print(prev.to_string().as_bytes());
            } else {
                print(default_result(request).to_string().as_bytes());
            }
            0
        }
        "VERSION" => {
            print(
                json!({"cniVersion": "1.1.0", "supportedVersions": ALL_VERSIONS})
                    .to_string()
                    .as_bytes(),
            );
            0
        }
        _ => 0,
    }
}

/// A plausible ADD result in the request's spec version.
fn default_result(request: &Value) -> Value {
    let version = request["cniVersion"].as_str().unwrap_or("").to_string();
    let ifname = std::env::var("CNI_IFNAME").unwrap_or_else(|_| "eth0".into());
    let netns = std::env::var("CNI_NETNS").unwrap_or_default();
    let mut result = Map::new();
    if !version.is_empty() {
        result.insert("cniVersion".into(), version.clone().into());
    }
    match version.as_str() {
        "" | "0.1.0" | "0.2.0" => {
            result.insert(
                "ip4".into(),
                json!({"ip": "10.99.0.2/24", "gateway": "10.99.0.1"}),
            );
        }
        v => {
            let mut ip = json!({"address": "10.99.0.2/24", "gateway": "10.99.0.1", "interface": 0});
            if v.starts_with("0.") {
                ip["version"] = json!("4");
            }
            result.insert(
                "interfaces".into(),
                json!([{"name": ifname, "mac": "0a:58:0a:63:00:02", "sandbox": netns}]),
            );
            result.insert("ips".into(), json!([ip]));
        }
    }
    result.insert("dns".into(), json!({}));
    Value::Object(result)
}
