//! The manifests under deploy/ parse (YAML with serde-saphyr, JSON with serde_json), and every
//! cnictl command line in them (and in deploy/README.md's examples) is accepted by this
//! command line: parsed by the same clap definition, with an `-o` the command prints.

use super::{command, formats, Cli};
use clap::FromArgMatches;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn deploy_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy")
}

/// Every file of deploy/ with its text.
fn files() -> Vec<(PathBuf, String)> {
    let mut out: Vec<(PathBuf, String)> = std::fs::read_dir(deploy_dir())
        .expect("deploy/ exists")
        .map(|e| e.expect("a deploy/ entry").path())
        .map(|p| {
            let text =
                std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p, text)
        })
        .collect();
    out.sort();
    out
}

fn ext(p: &Path) -> &str {
    p.extension().and_then(|e| e.to_str()).unwrap_or("")
}

/// The parsed manifests: every .yaml/.yml and .json file of deploy/.
fn manifests() -> Vec<(PathBuf, Value)> {
    let mut out = Vec::new();
    for (p, text) in files() {
        let v: Value = match ext(&p) {
            "yaml" | "yml" => serde_saphyr::from_str(&text)
                .unwrap_or_else(|e| panic!("{} is not YAML: {e}", p.display())),
            "json" => serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{} is not JSON: {e}", p.display())),
            _ => continue,
        };
        out.push((p, v));
    }
    out
}

/// The containers of a Kubernetes object, wherever its pod template is.
fn containers(v: &Value, out: &mut Vec<Value>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == "containers" || k == "initContainers" {
                    if let Value::Array(cs) = x {
                        out.extend(cs.iter().cloned());
                    }
                } else {
                    containers(x, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| containers(x, out)),
        _ => {}
    }
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|s| s.as_str().expect("a string").to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// A cnictl command line found in deploy/: where, and its words (program first).
struct Line {
    place: String,
    argv: Vec<String>,
}

/// Every cnictl command line: containers of the cnictl image (whose entrypoint is cnictl) or
/// whose command is cnictl, node-problem-detector rules whose path is cnictl, and lines of
/// deploy/README.md's code blocks that start with `cnictl` (or run `/cnictl` after `--`).
fn command_lines() -> Vec<Line> {
    let mut out = Vec::new();
    for (p, v) in manifests() {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let mut cs = Vec::new();
        containers(&v, &mut cs);
        for c in cs {
            let image = c["image"].as_str().unwrap_or("");
            let mut argv = strings(&c["command"]);
            if argv.is_empty() && image.contains("/cnictl:") {
                argv.push("/cnictl".into());
            }
            if argv.first().is_some_and(|a| a.ends_with("cnictl")) {
                argv.extend(strings(&c["args"]));
                out.push(Line {
                    place: format!("{name}: container {}", c["name"]),
                    argv,
                });
            }
        }
        for r in v["rules"].as_array().into_iter().flatten() {
            let path = r["path"].as_str().unwrap_or("");
            if path.ends_with("cnictl") {
                let mut argv = vec![path.to_string()];
                argv.extend(strings(&r["args"]));
                out.push(Line {
                    place: format!("{name}: rule {}", r["reason"]),
                    argv,
                });
            }
        }
    }
    let readme = std::fs::read_to_string(deploy_dir().join("README.md")).expect("deploy/README.md");
    let mut in_code = false;
    for (n, l) in readme.lines().enumerate() {
        if l.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        let mut words: Vec<String> = l.split_whitespace().map(String::from).collect();
        // `kubectl debug ... -- /cnictl ARGS`: the words after `--`.
        if let Some(i) = words.iter().position(|w| w == "--") {
            if words.get(i + 1).is_some_and(|w| w == "/cnictl") {
                words.drain(..=i);
            }
        }
        if in_code
            && words
                .first()
                .is_some_and(|w| w == "cnictl" || w == "/cnictl")
        {
            out.push(Line {
                place: format!("deploy/README.md line {}", n + 1),
                argv: words,
            });
        }
    }
    out
}

/// Whether this command line has `--root` (added on another branch; until it is here, the
/// manifests' `--root /host` is set aside and everything else is still checked).
fn has_root_option() -> bool {
    command()
        .get_arguments()
        .any(|a| a.get_long() == Some("root"))
}

#[test]
fn manifests_parse_and_every_cnictl_command_line_is_accepted() {
    let names: Vec<String> = manifests()
        .iter()
        .map(|(p, _)| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.contains(&"daemonset.yaml".to_string())
            && names.contains(&"npd-cnictl-monitor.json".to_string()),
        "{names:?}"
    );
    let lines = command_lines();
    assert!(
        lines.len() >= 6,
        "too few cnictl command lines found: {:?}",
        lines.iter().map(|l| &l.place).collect::<Vec<_>>()
    );
    let root = has_root_option();
    if !root {
        eprintln!("note: this cnictl has no --root yet: the manifests' --root /host is set aside");
    }
    for line in &lines {
        let mut argv = line.argv.clone();
        // The node's tree: every command line of deploy/ reads the node through /host.
        let pos = argv.iter().position(|w| w == "--root");
        if line.place.starts_with("deploy/README.md") {
            // Examples may run on the node itself.
        } else {
            let pos = pos.unwrap_or_else(|| panic!("{}: no --root: {argv:?}", line.place));
            assert_eq!(argv.get(pos + 1).map(String::as_str), Some("/host"));
        }
        if !root {
            if let Some(pos) = argv.iter().position(|w| w == "--root") {
                argv.drain(pos..pos + 2);
            }
        }
        let m = command()
            .try_get_matches_from(&argv)
            .unwrap_or_else(|e| panic!("{}: {argv:?} is refused:\n{e}", line.place));
        let cli =
            Cli::from_arg_matches(&m).unwrap_or_else(|e| panic!("{}: {argv:?}: {e}", line.place));
        if let Some(out) = cli.global.output {
            let name = cli.command.name();
            assert!(
                formats(name).contains(&out),
                "{}: {name} does not print -o {}",
                line.place,
                out.name()
            );
        }
    }
}

#[test]
fn the_daemonset_mounts_the_node_read_only_and_writes_only_the_textfile_dir() {
    let (_, ds) = manifests()
        .into_iter()
        .find(|(p, _)| p.ends_with("daemonset.yaml"))
        .expect("deploy/daemonset.yaml");
    assert_eq!(ds["kind"], "DaemonSet");
    let spec = &ds["spec"]["template"]["spec"];
    let textfile: Vec<&str> = spec["volumes"]
        .as_array()
        .expect("volumes")
        .iter()
        .filter(|v| v["name"] == "textfile")
        .map(|v| v["hostPath"]["path"].as_str().expect("a hostPath"))
        .collect();
    assert_eq!(textfile.len(), 1, "one textfile volume");
    let mut cs = Vec::new();
    containers(&ds, &mut cs);
    let mut commands = Vec::new();
    for c in &cs {
        let args = strings(&c["args"]);
        for m in c["volumeMounts"].as_array().expect("volumeMounts") {
            let writable = m["readOnly"] != Value::Bool(true);
            assert_eq!(
                writable,
                m["name"] == "textfile",
                "container {}: mount {m} (only the textfile dir may be writable)",
                c["name"]
            );
        }
        assert_eq!(c["securityContext"]["readOnlyRootFilesystem"], true);
        // Each loops, and writes into the textfile mount a file the collector reads.
        let every = args.iter().position(|a| a == "--every");
        assert!(every.is_some(), "container {}: no --every", c["name"]);
        let file = args
            .iter()
            .position(|a| a == "--metrics-file")
            .and_then(|i| args.get(i + 1))
            .unwrap_or_else(|| panic!("container {}: no --metrics-file", c["name"]));
        assert!(
            file.starts_with("/textfile/") && file.ends_with(".prom"),
            "{file}"
        );
        commands.push(
            args.iter()
                .find(|a| ["status", "attachments", "ipam", "validate"].contains(&a.as_str()))
                .cloned()
                .unwrap_or_default(),
        );
    }
    commands.sort();
    assert_eq!(commands, ["attachments", "ipam", "status", "validate"]);
}

#[test]
fn the_npd_rule_uses_the_one_line_mode_within_npds_limits() {
    let (_, npd) = manifests()
        .into_iter()
        .find(|(p, _)| p.ends_with("npd-cnictl-monitor.json"))
        .expect("deploy/npd-cnictl-monitor.json");
    assert_eq!(npd["plugin"], "custom");
    assert_eq!(npd["pluginConfig"]["max_output_length"], 80);
    let rules = npd["rules"].as_array().expect("rules");
    assert!(!rules.is_empty());
    let conditions: Vec<&Value> = npd["conditions"]
        .as_array()
        .expect("conditions")
        .iter()
        .map(|c| &c["type"])
        .collect();
    for r in rules {
        let args = strings(&r["args"]);
        assert!(args.windows(2).any(|w| w == ["-o", "npd"]), "{args:?}");
        assert_eq!(r["type"], "permanent");
        assert!(conditions.contains(&&r["condition"]), "{r}");
    }
}

#[test]
fn the_containerfile_copies_the_static_binary_into_scratch() {
    let text = std::fs::read_to_string(deploy_dir().join("Containerfile")).unwrap();
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
        .collect();
    assert_eq!(
        lines,
        [
            "FROM scratch",
            "COPY cnictl /cnictl",
            "ENTRYPOINT [\"/cnictl\"]"
        ]
    );
}
