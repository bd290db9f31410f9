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
            String::from_utf8_lossy(&buf).into_owned()
        }
    };
    crate::render::write_stdout(&text);
    Ok(0)
}
