//! `--help` and `-h` of every command: the global options under their own heading, no
//! `[env: ...]` annotations, nothing internal, and the end is the exit codes and two examples.
//! `--version` names the spec versions.

mod common;

use common::{Run, COMMANDS};
use std::process::Command;

fn help(command: &str, flag: &str) -> Run {
    let mut c = Command::new(common::cnictl_bin());
    c.args(command.split_whitespace()).arg(flag);
    Run::from(c.output().unwrap()).expect(0, &format!("cnictl {command} {flag}"))
}

#[test]
fn every_help_ends_with_exit_codes_and_two_examples() {
    for command in COMMANDS {
        for flag in ["-h", "--help"] {
            let text = help(command, flag).stdout;
            let what = format!("cnictl {command} {flag}");
            let exit = text
                .find("\nExit codes:\n")
                .unwrap_or_else(|| panic!("{what}: no exit codes:\n{text}"));
            let examples = text
                .find("\nExamples:\n")
                .unwrap_or_else(|| panic!("{what}: no examples:\n{text}"));
            assert!(exit < examples, "{what}: examples before exit codes");
            let tail = &text[examples..];
            let lines: Vec<&str> = tail
                .lines()
                .filter(|l| l.starts_with("  cnictl "))
                .collect();
            assert_eq!(lines.len(), 2, "{what}: want two examples:\n{tail}");
            for code in ["\n  0 ", "\n  2 "] {
                assert!(
                    text[exit..examples].contains(code),
                    "{what}: exit code {code:?} missing:\n{}",
                    &text[exit..examples]
                );
            }
            assert!(
                !text.contains("[env:"),
                "{what}: an [env: ...] annotation:\n{text}"
            );
            for internal in ["__complete", "generate-man", "--cap-args", "--cni-args"] {
                assert!(!text.contains(internal), "{what} shows {internal}:\n{text}");
            }
            let global = text
                .find("\nGlobal options:\n")
                .unwrap_or_else(|| panic!("{what}: no global options heading:\n{text}"));
            let conf_dir = text.find("--conf-dir").unwrap();
            assert!(
                conf_dir > global,
                "{what}: --conf-dir is not a global option"
            );
        }
    }
}

#[test]
fn env_backed_options_name_their_variable_and_arg_merges_like_cap() {
    let text = help("add", "--help").stdout;
    for var in ["env: NETCONFPATH", "env: CNI_PATH", "env: CNI_IFNAME"] {
        assert!(text.contains(var), "{var} missing:\n{text}");
    }
    assert!(text.contains("merged over the CNI_ARGS variable"), "{text}");
    assert!(text.contains("merged over the CAP_ARGS variable"), "{text}");
}

#[test]
fn version_names_the_spec_versions() {
    let out = Run::from(
        Command::new(common::cnictl_bin())
            .arg("--version")
            .output()
            .unwrap(),
    )
    .expect(0, "--version");
    assert!(
        out.stdout
            .starts_with(&format!("cnictl {}\n", env!("CARGO_PKG_VERSION"))),
        "{}",
        out.stdout
    );
    let want = format!("CNI spec versions: {}", cnictl::KNOWN_VERSIONS.join(", "));
    assert!(out.stdout.contains(&want), "{}", out.stdout);
    assert!(out.stdout.contains("1.1.0") && out.stdout.contains("0.4.0"));
}
