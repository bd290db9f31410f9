//! The committed completions and man pages match what the clap definition generates now.
//! Regenerate them with scripts/generate.sh.

mod common;

use std::path::Path;
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn completions_are_up_to_date() {
    for (shell, file) in [
        ("bash", "cnictl.bash"),
        ("zsh", "_cnictl"),
        ("fish", "cnictl.fish"),
        ("elvish", "cnictl.elv"),
        ("powershell", "_cnictl.ps1"),
    ] {
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
    }
}

#[test]
fn man_pages_are_up_to_date() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(common::cnictl_bin())
        .arg("generate-man")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cnictl generate-man failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut generated: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    generated.sort();
    let mut committed: Vec<String> = std::fs::read_dir(root().join("man"))
        .expect("man/ is missing: run scripts/generate.sh")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    committed.sort();
    assert_eq!(
        generated, committed,
        "man/ has other pages than generated: run scripts/generate.sh"
    );
    assert!(generated.iter().any(|f| f == "cnictl.1"));
    for f in &generated {
        let want = std::fs::read(dir.path().join(f)).unwrap();
        let have = std::fs::read(root().join("man").join(f)).unwrap();
        assert!(
            want == have,
            "man/{f} is out of date: run scripts/generate.sh"
        );
    }
}
