//! Shell completions and man pages, generated from the clap definition. The committed copies
//! in `completions/` and `man/` are checked against these by a test.

use anyhow::Context;
use std::path::PathBuf;

/// Arguments of `completions`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Arguments of the hidden `generate-man`.
#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Directory to write the pages into
    pub dir: PathBuf,
}

/// Prints completions for a shell.
pub fn completions(a: CompletionsArgs) -> anyhow::Result<i32> {
    let mut cmd = super::command();
    let mut buf = Vec::new();
    clap_complete::generate(a.shell, &mut cmd, "cnictl", &mut buf);
    crate::render::write_stdout(&String::from_utf8_lossy(&buf));
    Ok(0)
}

/// Writes `cnictl.1` and one page per subcommand.
pub fn man(a: ManArgs) -> anyhow::Result<i32> {
    std::fs::create_dir_all(&a.dir)
        .with_context(|| format!("cannot create {}", a.dir.display()))?;
    let cmd = super::command();
    clap_mangen::generate_to(cmd, &a.dir)
        .with_context(|| format!("cannot write man pages into {}", a.dir.display()))?;
    Ok(0)
}
