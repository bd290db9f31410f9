//! The committed man pages (`man/`, made by `examples/gen-man.rs`) and the static completions
//! (elvish, PowerShell) match what the clap model generates now; each page renders with
//! `man -l` and has the sections a man page needs. Regenerate them with scripts/generate.sh.
//! (The bash, zsh and fish scripts are written by hand; tests/completions.rs runs them.)

mod common;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Words the user never types: they must not show up in anything generated.
const INTERNAL: &[&str] = &["__complete", "generate-man", "cap-args", "cni-args"];

#[test]
fn static_completions_are_up_to_date_and_show_nothing_internal() {
    for (shell, file) in [("elvish", "cnictl.elv"), ("powershell", "_cnictl.ps1")] {
        let out = Command::new(common::cnictl_bin())
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(out.status.success(), "cnictl completions {shell} failed");
        let committed = std::fs::read(root().join("completions").join(file))
            .unwrap_or_else(|e| panic!("completions/{file}: {e}; run scripts/generate.sh"));
        assert!(
            committed == out.stdout,
            "completions/{file} is out of date: run scripts/generate.sh"
        );
        let text = String::from_utf8_lossy(&committed);
        for word in INTERNAL {
            assert!(!text.contains(word), "completions/{file} offers {word}");
        }
    }
}

/// Builds and runs the man page generator into a temp dir.
fn generate_man() -> tempfile::TempDir {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().and_then(Path::parent).unwrap().to_path_buf();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let mut build = Command::new(cargo);
    build
        .args(["build", "--quiet", "--example", "gen-man"])
        .current_dir(root());
    if profile_dir.file_name() == Some("release".as_ref()) {
        build.arg("--release");
    }
    if let Some(target) = profile_dir.parent() {
        build.env("CARGO_TARGET_DIR", target);
    }
    assert!(
        build.status().expect("cannot run cargo").success(),
        "cargo build --example gen-man failed"
    );
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(profile_dir.join("examples").join("gen-man"))
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "gen-man failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}; run scripts/generate.sh", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn man_pages_are_up_to_date() {
    let dir = generate_man();
    let generated = names(dir.path());
    let committed = names(&root().join("man"));
    assert_eq!(
        generated, committed,
        "man/ has other pages than generated: run scripts/generate.sh"
    );
    for f in &generated {
        let want = std::fs::read(dir.path().join(f)).unwrap();
        let have = std::fs::read(root().join("man").join(f)).unwrap();
        assert!(
            want == have,
            "man/{f} is out of date: run scripts/generate.sh"
        );
    }
}

/// Every page renders with man -l, without warnings, and has the sections users look for.
#[test]
fn man_pages_render_and_have_every_section() {
    let committed = names(&root().join("man"));
    let want_pages: Vec<String> = common::COMMANDS
        .iter()
        .map(|c| match *c {
            "" => "cnictl.1".to_string(),
            c => format!("cnictl-{}.1", c.replace(' ', "-")),
        })
        .collect();
    for page in &want_pages {
        assert!(
            committed.contains(page),
            "no man page {page}: one per command"
        );
    }
    for page in &committed {
        let path: PathBuf = root().join("man").join(page);
        let out = Command::new("man")
            .args(["--warnings", "-l"])
            .arg(&path)
            .env("MANWIDTH", "100")
            .env("MAN_KEEP_FORMATTING", "0")
            .env_remove("MANPAGER")
            .env("PAGER", "cat")
            .output()
            .expect("cannot run man (apt-get install man-db)");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "man -l {page} failed: {stderr}");
        assert!(stderr.trim().is_empty(), "man -l {page} warns: {stderr}");
        // Strip overstrike bold/underline, as col -b would.
        let raw = String::from_utf8_lossy(&out.stdout);
        let mut text = String::new();
        for c in raw.chars() {
            if c == '\u{8}' {
                text.pop();
            } else {
                text.push(c);
            }
        }
        for section in [
            "NAME",
            "SYNOPSIS",
            "DESCRIPTION",
            "OPTIONS",
            "GLOBAL OPTIONS",
            "EXIT STATUS",
            "ENVIRONMENT",
            "FILES",
            "EXAMPLES",
            "SEE ALSO",
        ] {
            assert!(
                text.lines().any(|l| l == section),
                "{page} has no {section} section:\n{text}"
            );
        }
        for file in [
            "/etc/cni/net.d",
            "/var/lib/cni/results",
            "/opt/cni/bin",
            "cnictl/lock",
        ] {
            assert!(text.contains(file), "{page}: FILES does not name {file}");
        }
        // Every variable that changes what even the read-only commands read.
        let environment = section_text(&text, "ENVIRONMENT");
        for var in [
            "NETCONFPATH",
            "CNI_PATH",
            "CNICTL_ROOT",
            "HOME",
            "XDG_CONFIG_HOME",
            "XDG_CACHE_HOME",
        ] {
            assert!(
                // A tag: the first word of a line indented less than the descriptions.
                environment
                    .lines()
                    .filter(|l| l.len() - l.trim_start().len() < 10)
                    .any(|l| l.split_whitespace().next() == Some(var)),
                "{page}: ENVIRONMENT does not name {var}:\n{environment}"
            );
        }
        let synopsis = section_text(&text, "SYNOPSIS");
        assert!(synopsis.contains("cnictl"), "{page}: {synopsis}");
        let examples = section_text(&text, "EXAMPLES");
        assert_eq!(
            examples
                .lines()
                .filter(|l| l.trim_start().starts_with("cnictl "))
                .count(),
            2,
            "{page}: two examples:\n{examples}"
        );
        let exit = section_text(&text, "EXIT STATUS");
        assert!(exit.contains("0 ") && exit.contains("2 "), "{page}: {exit}");
        for repo_path in ["docs/", "src/", "tests/", "examples/", "scripts/", ".md"] {
            assert!(
                !text.contains(repo_path),
                "{page} refers to {repo_path}:\n{text}"
            );
        }
        for word in INTERNAL {
            assert!(!text.contains(word), "{page} shows {word}");
        }
    }
    // SYNOPSIS carries value names.
    let add = std::fs::read_to_string(root().join("man/cnictl-add.1")).unwrap();
    let synopsis = &add[add.find(".SH SYNOPSIS").unwrap()..add.find(".SH DESCRIPTION").unwrap()];
    for v in ["IFNAME", "K=V", "KEY=JSON", "NETWORK", "NETNS"] {
        assert!(synopsis.contains(v), "add's SYNOPSIS lacks {v}: {synopsis}");
    }
    let top = std::fs::read_to_string(root().join("man/cnictl.1")).unwrap();
    let synopsis = &top[top.find(".SH SYNOPSIS").unwrap()..top.find(".SH DESCRIPTION").unwrap()];
    for v in ["conf\\-dir", "DIR", "DURATION", "COMMAND"] {
        assert!(
            synopsis.contains(v),
            "cnictl's SYNOPSIS lacks {v}: {synopsis}"
        );
    }
}

/// The lines of `section` (up to the next heading).
fn section_text(text: &str, section: &str) -> String {
    text.lines()
        .skip_while(|l| *l != section)
        .skip(1)
        .take_while(|l| l.is_empty() || l.starts_with(' '))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_shipped_binary_makes_no_man_pages() {
    let out = Command::new(common::cnictl_bin())
        .args(["generate-man", "/nonexistent"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "generate-man is still a command"
    );
}
