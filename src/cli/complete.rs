//! `cnictl __complete CWORD WORD...`: the candidates for word CWORD (0-based) of a command
//! line, one per line, for the committed shell scripts in `completions/`. The scripts hand
//! over the whole line, so the options already typed (`--conf-dir`, `--cache-dir`, a network
//! name) decide the live values offered: network names from the config dir, namespace names
//! from /var/run/netns, container IDs from the cache, validate's rule names. Subcommands and
//! options come from the clap model, hidden ones left out.
//!
//! The helper is not a clap subcommand (so no help, man page or completion lists it) and it
//! never fails: anything it cannot read gives no candidates, and it prints nothing on stderr.
//! When it prints nothing, the scripts fall back to file names.

use super::settings::{NodePaths, PathInputs};
use clap::{Arg, Command};
use cnictl::cache::Cache;
use std::collections::{BTreeSet, HashMap};
use std::ffi::OsString;
use std::path::PathBuf;

/// The first argument that selects the helper.
pub const HELPER: &str = "__complete";

/// Runs the helper on the arguments after [`HELPER`]; always exits 0.
pub fn run(args: &[OsString]) -> i32 {
    let words: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let Some((cword, words)) = words.split_first() else {
        return 0;
    };
    let Ok(cword) = cword.parse::<usize>() else {
        return 0;
    };
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    // A bug here must not print a panic into the user's prompt: no candidates instead.
    std::panic::set_hook(Box::new(|_| {}));
    let found = std::panic::catch_unwind(|| candidates(cword, words, &env)).unwrap_or_default();
    // One candidate a line: a name holding a newline or other control character is left out.
    let out: String = found
        .into_iter()
        .filter(|c| !c.chars().any(char::is_control))
        .map(|c| c + "\n")
        .collect();
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    0
}

/// What the words before the current one say.
#[derive(Default)]
struct Line {
    /// Values of the options given, by clap id (the last one wins).
    values: HashMap<String, String>,
    /// Positional words of the innermost subcommand.
    positionals: Vec<String>,
    /// After `--`: no more options.
    dashdash: bool,
    /// The option whose value is the current word, when the last word was one that wants it.
    pending: Option<Arg>,
}

/// The candidates for `words[cword]` (an index one past the end means an empty word).
/// `words[0]` is the program, possibly after `NAME=VALUE` assignments, which override `env`.
pub fn candidates(
    cword: usize,
    words: &[String],
    env: &dyn Fn(&str) -> Option<String>,
) -> Vec<String> {
    candidates_as(cword, words, env, super::settings::lacks_sys_admin())
}

/// [`candidates`] for a process that lacks CAP_SYS_ADMIN or not (the user's directories are
/// then the defaults, as for the commands).
fn candidates_as(
    cword: usize,
    words: &[String],
    env: &dyn Fn(&str) -> Option<String>,
    lacks_sys_admin: bool,
) -> Vec<String> {
    // `NETCONFPATH=/x cnictl ...`: assignments before the program name.
    let start = words
        .iter()
        .position(|w| !is_assignment(w))
        .unwrap_or(words.len());
    if cword <= start || start == words.len() {
        return Vec::new();
    }
    let mut assigned: HashMap<String, String> = HashMap::new();
    for w in &words[..start] {
        if let Some((k, v)) = w.split_once('=') {
            assigned.insert(k.to_string(), v.to_string());
        }
    }
    let env = |k: &str| match assigned.get(k) {
        Some(v) if v.is_empty() => None,
        Some(v) => Some(v.clone()),
        None => env(k),
    };
    let words = &words[start..];
    let cword = cword - start;
    let mut cur = words.get(cword).cloned().unwrap_or_default();
    let mut before: Vec<String> = words
        .get(1..cword.min(words.len()))
        .unwrap_or_default()
        .to_vec();

    // bash splits `--opt=value` at `=` into three words (and completes only what follows the
    // `=`); glue the earlier ones back, and complete a bare value after `--opt =`.
    let mut split_value_of: Option<String> = None;
    if cur == "=" && before.last().is_some_and(|w| w.starts_with("--")) {
        split_value_of = before.pop();
        cur = String::new();
    } else if before.len() >= 2
        && before[before.len() - 1] == "="
        && before[before.len() - 2].starts_with("--")
    {
        before.pop();
        split_value_of = before.pop();
    }
    let before = join_equals(&before);

    let mut root = super::command();
    root.build();
    let (cmd, line) = walk(&root, &before);
    let globals: Vec<&Arg> = root.get_arguments().filter(|a| a.is_global_set()).collect();

    let ctx = Ctx {
        line: &line,
        env: &env,
        lacks_sys_admin,
    };
    if let Some(opt) = split_value_of {
        let name = opt.trim_start_matches('-');
        return match find_long(cmd, &globals, name) {
            Some(arg) if takes_value(arg) => filter(ctx.values_for(cmd, arg), &cur),
            _ => Vec::new(),
        };
    }
    if let Some(arg) = &line.pending {
        return filter(ctx.values_for(cmd, arg), &cur);
    }
    if !line.dashdash {
        if let Some((opt, value)) = cur.split_once('=').filter(|_| cur.starts_with("--")) {
            return match find_long(cmd, &globals, &opt[2..]) {
                Some(arg) if takes_value(arg) => filter(ctx.values_for(cmd, arg), value)
                    .into_iter()
                    .map(|v| format!("{opt}={v}"))
                    .collect(),
                _ => Vec::new(),
            };
        }
        if cur.starts_with('-') {
            return filter(option_names(cmd, &globals), &cur);
        }
    }
    let subs: Vec<String> = cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set())
        .map(|s| s.get_name().to_string())
        .collect();
    if !subs.is_empty() && line.positionals.is_empty() && !line.dashdash {
        return filter(subs, &cur);
    }
    match positional_at(cmd, line.positionals.len()) {
        Some(arg) => filter(ctx.values_for(cmd, arg), &cur),
        None if line.dashdash => Vec::new(),
        // Nothing positional left: the options are all there is to type.
        None => filter(option_names(cmd, &globals), &cur),
    }
}

fn is_assignment(w: &str) -> bool {
    match w.split_once('=') {
        Some((k, _)) => {
            !k.is_empty()
                && !k.starts_with(|c: char| c.is_ascii_digit())
                && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        }
        None => false,
    }
}

/// `--opt`, `=`, `value` (bash's word splitting) back into `--opt=value`.
fn join_equals(words: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        if words[i] == "=" && i + 1 < words.len() && out.last().is_some_and(|w| w.starts_with("--"))
        {
            let opt = out.pop().unwrap_or_default();
            out.push(format!("{opt}={}", words[i + 1]));
            i += 2;
            continue;
        }
        out.push(words[i].clone());
        i += 1;
    }
    out
}

/// Follows the words through the subcommands; returns the innermost one and what was given.
fn walk<'a>(root: &'a Command, words: &[String]) -> (&'a Command, Line) {
    let globals: Vec<&Arg> = root.get_arguments().filter(|a| a.is_global_set()).collect();
    let mut cmd = root;
    let mut line = Line::default();
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        i += 1;
        if line.dashdash {
            line.positionals.push(w.clone());
            continue;
        }
        if w == "--" {
            line.dashdash = true;
            continue;
        }
        if let Some(long) = w.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            if let Some(arg) = find_long(cmd, &globals, name) {
                if takes_value(arg) && inline.is_none() {
                    match words.get(i) {
                        Some(v) => {
                            line.values.insert(arg.get_id().to_string(), v.clone());
                            i += 1;
                        }
                        None => line.pending = Some(arg.clone()),
                    }
                } else if let Some(v) = inline {
                    line.values.insert(arg.get_id().to_string(), v);
                }
            }
            continue;
        }
        if w.len() > 1 && w.starts_with('-') {
            let shorts: Vec<char> = w[1..].chars().collect();
            for (k, c) in shorts.iter().enumerate() {
                let Some(arg) = find_short(cmd, &globals, *c) else {
                    continue;
                };
                if takes_value(arg) {
                    let rest: String = shorts[k + 1..].iter().collect();
                    if !rest.is_empty() {
                        line.values.insert(arg.get_id().to_string(), rest);
                    } else if let Some(v) = words.get(i) {
                        line.values.insert(arg.get_id().to_string(), v.clone());
                        i += 1;
                    } else {
                        line.pending = Some(arg.clone());
                    }
                    break;
                }
            }
            continue;
        }
        if line.positionals.is_empty() {
            if let Some(sub) = cmd.find_subcommand(w) {
                cmd = sub;
                continue;
            }
        }
        line.positionals.push(w.clone());
    }
    (cmd, line)
}

fn takes_value(arg: &Arg) -> bool {
    arg.get_action().takes_values()
}

fn find_long<'a>(cmd: &'a Command, globals: &[&'a Arg], name: &str) -> Option<&'a Arg> {
    cmd.get_arguments()
        .chain(globals.iter().copied())
        .find(|a| {
            a.get_long() == Some(name) || a.get_all_aliases().is_some_and(|al| al.contains(&name))
        })
}

fn find_short<'a>(cmd: &'a Command, globals: &[&'a Arg], c: char) -> Option<&'a Arg> {
    cmd.get_arguments()
        .chain(globals.iter().copied())
        .find(|a| a.get_short() == Some(c))
}

/// The long options of `cmd` and the global ones, hidden ones left out.
fn option_names(cmd: &Command, globals: &[&Arg]) -> Vec<String> {
    let mut names = BTreeSet::new();
    for a in cmd.get_arguments().chain(globals.iter().copied()) {
        if a.is_hide_set() || a.is_positional() {
            continue;
        }
        if let Some(l) = a.get_long() {
            names.insert(format!("--{l}"));
        }
    }
    names.into_iter().collect()
}

/// The positional argument that takes positional word `n` (a repeatable last one takes the
/// rest).
fn positional_at(cmd: &Command, n: usize) -> Option<&Arg> {
    let mut pos: Vec<&Arg> = cmd.get_positionals().filter(|a| !a.is_hide_set()).collect();
    pos.sort_by_key(|a| a.get_index().unwrap_or(usize::MAX));
    match pos.get(n) {
        Some(a) => Some(a),
        None => pos
            .last()
            .copied()
            .filter(|a| matches!(a.get_action(), clap::ArgAction::Append)),
    }
}

fn filter(values: Vec<String>, prefix: &str) -> Vec<String> {
    values
        .into_iter()
        .filter(|v| v.starts_with(prefix))
        .collect()
}

/// The live sources of values.
struct Ctx<'a> {
    line: &'a Line,
    env: &'a dyn Fn(&str) -> Option<String>,
    lacks_sys_admin: bool,
}

impl Ctx<'_> {
    /// The values `arg` can take, by what it is.
    fn values_for(&self, cmd: &Command, arg: &Arg) -> Vec<String> {
        let possible: Vec<String> = arg
            .get_possible_values()
            .iter()
            .filter(|p| !p.is_hide_set())
            .map(|p| p.get_name().to_string())
            .collect();
        if !possible.is_empty() {
            // -o: only the formats the command accepts.
            if arg.get_id() == "output" {
                if let Some((_, fs)) = super::FORMATS.iter().find(|(c, _)| *c == cmd.get_name()) {
                    return fs.iter().map(|f| f.name().to_string()).collect();
                }
            }
            return possible;
        }
        let value_name = arg
            .get_value_names()
            .and_then(|n| n.first())
            .map(|n| n.as_str());
        match (arg.get_id().as_str(), value_name) {
            ("network" | "networks" | "default_network", _) => self.networks(),
            ("netns" | "host_netns", _) => self.netns_names(),
            ("container_id", _) => self.container_ids(cmd),
            (_, Some("RULE")) => cnictl::validate::RULES
                .iter()
                .map(|r| r.id.to_string())
                .collect(),
            _ => Vec::new(),
        }
    }

    /// An option's value from the line, else its variable; `~/` counts from `HOME` (the shell
    /// has not expanded it in the line being completed).
    fn given(&self, id: &str, var: Option<&str>) -> Option<PathBuf> {
        let given = self
            .line
            .values
            .get(id)
            .cloned()
            .or_else(|| var.and_then(|v| (self.env)(v)))?;
        Some(match given.strip_prefix("~/") {
            Some(rest) => match (self.env)("HOME") {
                Some(home) => PathBuf::from(home).join(rest),
                None => PathBuf::from(given),
            },
            None => PathBuf::from(given),
        })
    }

    /// The directories the command would read, resolved as the commands resolve them
    /// ([`NodePaths::resolve`]: `--root`, the rootless defaults); None when it would refuse.
    fn node_paths(&self) -> Option<NodePaths> {
        let root = self.given("root", Some("CNICTL_ROOT"));
        let conf_dir = self.given("conf_dir", Some("NETCONFPATH"));
        let cache_dir = self.given("cache_dir", None);
        let cni_path = self
            .line
            .values
            .get("cni_path")
            .cloned()
            .or_else(|| (self.env)("CNI_PATH"))
            .unwrap_or_else(|| super::DEFAULT_CNI_PATH.to_string());
        let env = |k: &str| (self.env)(k).map(OsString::from);
        NodePaths::resolve(&PathInputs {
            root: root.as_deref(),
            conf_dir: conf_dir.as_deref(),
            cache_dir: cache_dir.as_deref(),
            cni_path: &cni_path,
            env: &env,
            lacks_sys_admin: self.lacks_sys_admin,
        })
        .ok()
    }

    /// The network names of the config dir, broken files whose name can be read included.
    fn networks(&self) -> Vec<String> {
        let Some(paths) = self.node_paths() else {
            return Vec::new();
        };
        let Ok(files) = cnictl::config::scan_on(&paths.conf_dir, &paths.root) else {
            return Vec::new();
        };
        let names: BTreeSet<String> = files.into_iter().filter_map(|f| f.name).collect();
        names.into_iter().collect()
    }

    /// The names under the node's /var/run/netns.
    fn netns_names(&self) -> Vec<String> {
        let run_dir = std::path::Path::new(cnictl::netns::NETNS_RUN_DIR);
        match self.node_paths().map(|p| p.root.resolve(run_dir)) {
            Some(Ok(dir)) => netns_names_in(&dir),
            _ => Vec::new(),
        }
    }

    /// The container IDs of the cache: of the network on the line when there is one.
    fn container_ids(&self, cmd: &Command) -> Vec<String> {
        let Some(paths) = self.node_paths() else {
            return Vec::new();
        };
        let Ok(entries) = Cache::of_node(paths.cache_dir, paths.root).attachments(None) else {
            return Vec::new();
        };
        let first_is_network = positional_at(cmd, 0).is_some_and(|a| a.get_id() == "network");
        let network = self
            .line
            .positionals
            .first()
            .filter(|_| first_is_network)
            .cloned();
        let ids: BTreeSet<String> = entries
            .into_iter()
            .filter(|e| network.as_ref().is_none_or(|n| &e.network_name == n))
            .map(|e| e.container_id)
            .collect();
        ids.into_iter().collect()
    }
}

/// The names under /var/run/netns (the node's, under `--root`).
fn netns_names_in(run_dir: &std::path::Path) -> Vec<String> {
    let Ok(dir) = std::fs::read_dir(run_dir) else {
        return Vec::new();
    };
    let names: BTreeSet<String> = dir
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        line.split(' ').map(str::to_string).collect()
    }

    fn complete(line: &str) -> Vec<String> {
        let w = words(line);
        candidates(w.len() - 1, &w, &|_| None)
    }

    #[test]
    fn subcommands_without_hidden_ones() {
        let c = complete("cnictl ");
        assert!(c.contains(&"add".to_string()), "{c:?}");
        assert!(c.contains(&"validate".to_string()), "{c:?}");
        assert!(
            !c.iter().any(|s| s.starts_with("__") || s == "generate-man"),
            "{c:?}"
        );
        assert_eq!(complete("cnictl at"), ["attachments"]);
        assert_eq!(complete("cnictl attachments s"), ["show"]);
    }

    #[test]
    fn options_of_the_command_and_global_ones_without_hidden_ones() {
        let c = complete("cnictl add --");
        for want in [
            "--container-id",
            "--cap",
            "--arg",
            "--conf-dir",
            "--no-rollback",
            "--help",
        ] {
            assert!(c.contains(&want.to_string()), "{want} missing: {c:?}");
        }
        assert!(!c.contains(&"--cap-args".to_string()), "{c:?}");
        assert!(!c.contains(&"--rm-netns".to_string()), "{c:?}");
        assert_eq!(complete("cnictl validate --deny-w"), ["--deny-warnings"]);
    }

    #[test]
    fn enumerated_values_and_rules() {
        assert_eq!(complete("cnictl --color n"), ["never"]);
        assert_eq!(complete("cnictl ls -o w"), ["wide"]);
        assert_eq!(complete("cnictl check -o "), ["table", "json"]);
        assert_eq!(complete("cnictl validate --output s"), ["sarif"]);
        assert!(complete("cnictl ls -o s").is_empty());
        assert_eq!(complete("cnictl ls --output=js"), ["--output=json"]);
        assert_eq!(complete("cnictl completions fi"), ["fish"]);
        let r = complete("cnictl validate --allow cni-version-o");
        assert_eq!(r, ["cni-version-old"]);
        // bash's word splitting at '='
        assert_eq!(
            complete("cnictl validate --warn = unknown-k"),
            ["unknown-key"]
        );
        assert_eq!(complete("cnictl --color ="), ["auto", "always", "never"]);
    }

    /// A network file `name` in `dir`.
    fn network_in(dir: &std::path::Path, name: &str) {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(
            dir.join(format!("10-{name}.conflist")),
            format!(r#"{{"cniVersion":"1.0.0","name":"{name}","plugins":[{{"type":"bridge"}}]}}"#),
        )
        .unwrap();
    }

    #[test]
    fn the_node_root_on_the_line_or_in_the_variable_is_where_networks_are() {
        let t = tempfile::tempdir().unwrap();
        let r = t.path();
        network_in(&r.join("etc/cni/net.d"), "nodenet");
        // A config dir given with --root is on the node, and its links stay in the tree.
        std::os::unix::fs::symlink("/etc/cni/net.d", r.join("confs")).unwrap();
        let root = r.display().to_string();
        assert_eq!(complete(&format!("cnictl --root {root} add ")), ["nodenet"]);
        assert_eq!(
            complete(&format!("cnictl --root {root} --conf-dir /confs status ")),
            ["nodenet"]
        );
        let env = |k: &str| (k == "CNICTL_ROOT").then(|| root.clone());
        assert_eq!(candidates(2, &words("cnictl status "), &env), ["nodenet"]);
        let w = words(&format!("CNICTL_ROOT={root} cnictl status "));
        assert_eq!(candidates(3, &w, &|_| None), ["nodenet"]);
        // A root that is not a directory: nothing, as the command would refuse.
        let missing = r.join("missing").display().to_string();
        assert!(complete(&format!("cnictl --root {missing} add ")).is_empty());
    }

    #[test]
    fn without_cap_sys_admin_the_users_dirs_are_the_defaults() {
        // The same resolution as the commands' (NodePaths::resolve): the user's config dir
        // when the process lacks CAP_SYS_ADMIN and it exists, and never with --root.
        let home = tempfile::tempdir().unwrap();
        network_in(&home.path().join(".config/cni/net.d"), "usernet");
        let h = home.path().display().to_string();
        let env = |k: &str| (k == "HOME").then(|| h.clone());
        let w = words("cnictl add ");
        assert_eq!(candidates_as(2, &w, &env, true), ["usernet"]);
        assert!(!candidates_as(2, &w, &env, false).contains(&"usernet".to_string()));
        let xdg = tempfile::tempdir().unwrap();
        network_in(&xdg.path().join("cni/net.d"), "xdgnet");
        let x = xdg.path().display().to_string();
        let env = |k: &str| match k {
            "HOME" => Some(h.clone()),
            "XDG_CONFIG_HOME" => Some(x.clone()),
            _ => None,
        };
        assert_eq!(candidates_as(2, &w, &env, true), ["xdgnet"]);
        let t = tempfile::tempdir().unwrap();
        network_in(&t.path().join("etc/cni/net.d"), "nodenet");
        let w = words(&format!("cnictl --root {} add ", t.path().display()));
        assert_eq!(candidates_as(4, &w, &env, true), ["nodenet"]);
    }

    #[test]
    fn networks_from_the_dir_on_the_line_or_the_variable() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("10-a.conflist"),
            r#"{"cniVersion":"1.0.0","name":"alpha","plugins":[{"type":"bridge"}]}"#,
        )
        .unwrap();
        std::fs::write(
            dir.path().join("20-b.conf"),
            r#"{"name":"beta","type":"x",}"#,
        )
        .unwrap();
        let d = dir.path().display().to_string();
        assert_eq!(
            complete(&format!("cnictl --conf-dir {d} add ")),
            ["alpha", "beta"]
        );
        assert_eq!(complete(&format!("cnictl add --conf-dir={d} a")), ["alpha"]);
        assert_eq!(
            complete(&format!("cnictl status --conf-dir = {d} b")),
            ["beta"]
        );
        let w = words(&format!("NETCONFPATH={d} cnictl del "));
        assert_eq!(candidates(3, &w, &|_| None), ["alpha", "beta"]);
        let w = words("cnictl gc ");
        let env = |k: &str| (k == "NETCONFPATH").then(|| d.clone());
        assert_eq!(candidates(2, &w, &env), ["alpha", "beta"]);
        // gc takes several networks
        assert_eq!(
            candidates(3, &words("cnictl gc alpha "), &env),
            ["alpha", "beta"]
        );
        assert_eq!(
            complete(&format!("cnictl --conf-dir {d} attachments --network ")),
            ["alpha", "beta"]
        );
    }

    #[test]
    fn bad_dirs_give_nothing() {
        assert!(complete("cnictl --conf-dir /nonexistent/cnictl add ").is_empty());
        assert!(complete("cnictl --conf-dir /etc/passwd add ").is_empty());
        assert!(complete("cnictl --cache-dir /nonexistent/c add n x --container-id ").is_empty());
        assert!(complete("cnictl --cache-dir /etc/passwd add n x --container-id ").is_empty());
        assert!(candidates(9, &words("cnictl add"), &|_| None).is_empty());
        assert!(candidates(0, &words("cnictl"), &|_| None).is_empty());
    }

    #[test]
    fn a_fifo_in_the_config_dir_does_not_hang_the_helper() {
        let dir = tempfile::tempdir().unwrap();
        nix::unistd::mkfifo(
            &dir.path().join("05-fifo.conf"),
            nix::sys::stat::Mode::from_bits_truncate(0o600),
        )
        .unwrap();
        std::fs::write(
            dir.path().join("10-a.conflist"),
            r#"{"cniVersion":"1.0.0","name":"alpha","plugins":[{"type":"bridge"}]}"#,
        )
        .unwrap();
        let line = format!("cnictl --conf-dir {} add ", dir.path().display());
        assert_eq!(complete(&line), ["alpha"]);
    }

    #[test]
    fn garbage_arguments_give_nothing() {
        assert!(candidates(5, &[], &|_| None).is_empty());
        assert!(candidates(1, &words("A=1 B=2"), &|_| None).is_empty());
        assert!(complete("cnictl -- ").is_empty());
    }

    #[test]
    fn paths_and_free_values_are_left_to_the_shell() {
        assert!(complete("cnictl --conf-dir ").is_empty());
        assert!(complete("cnictl validate ").is_empty());
        assert!(complete("cnictl add -i ").is_empty());
    }
}
