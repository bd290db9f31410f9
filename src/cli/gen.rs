//! `cnictl completions SHELL`: the committed scripts of `completions/` for bash, zsh and fish
//! (they ask `cnictl __complete` for live values), clap_complete's static ones for elvish and
//! PowerShell. Man pages are not made by the binary: see `examples/gen-man.rs`.

/// Arguments of `completions`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// The bash script, as committed.
pub const BASH: &str = include_str!("../../completions/cnictl.bash");
/// The zsh script, as committed.
pub const ZSH: &str = include_str!("../../completions/_cnictl");
/// The fish script, as committed.
pub const FISH: &str = include_str!("../../completions/cnictl.fish");

/// Prints completions for a shell.
pub fn completions(a: CompletionsArgs) -> anyhow::Result<i32> {
    use clap_complete::Shell;
    let text = match a.shell {
        Shell::Bash => BASH.to_string(),
        Shell::Zsh => ZSH.to_string(),
        Shell::Fish => FISH.to_string(),
        shell => {
            let mut cmd = super::command();
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut cmd, "cnictl", &mut buf);
            without_hidden(&String::from_utf8_lossy(&buf), &hidden_longs())
        }
    };
    crate::render::write_stdout(&text);
    Ok(0)
}

/// The long names of the hidden options, each as `--name`.
fn hidden_longs() -> Vec<String> {
    let mut cmd = super::command();
    cmd.build();
    let mut names = Vec::new();
    let mut stack = vec![&cmd];
    while let Some(c) = stack.pop() {
        for a in c.get_arguments().filter(|a| a.is_hide_set()) {
            if let Some(l) = a.get_long() {
                names.push(format!("--{l}"));
            }
        }
        stack.extend(c.get_subcommands());
    }
    names
}

/// clap_complete's elvish and PowerShell scripts offer hidden options too: drop the lines
/// that offer one (each candidate is one line, naming the option as a whole word).
fn without_hidden(script: &str, hidden: &[String]) -> String {
    let offers = |line: &str| {
        hidden.iter().any(|h| {
            line.split(|c: char| c.is_whitespace() || c == '\'' || c == ',')
                .any(|w| w == h)
        })
    };
    script
        .lines()
        .filter(|l| !offers(l))
        .map(|l| format!("{l}\n"))
        .collect()
}
