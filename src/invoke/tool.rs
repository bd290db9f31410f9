//! Running a system tool (not a plugin) and capturing its output, e.g. `iptables-save` inside a
//! namespace for `inspect`. Only the invoke module starts processes.

use crate::netns::Spawner;
use std::ffi::OsString;
use std::io::{self, Read};
use std::path::Path;
use std::process::{Command, Stdio};

/// Output of a tool larger than this is cut (iptables-save of a busy node is a few MB).
pub const TOOL_OUTPUT_CAP: u64 = 32 << 20;

/// What a tool printed and how it ended.
#[derive(Debug, Clone)]
pub struct ToolOutput {
    /// Its stdout, at most [`TOOL_OUTPUT_CAP`] bytes.
    pub stdout: Vec<u8>,
    /// Its stderr, at most 64 KiB.
    pub stderr: Vec<u8>,
    /// True when it exited with status 0.
    pub success: bool,
}

/// Runs `program args` with the environment `env` only (stdin closed), started through
/// `spawner` when given (so it inherits that thread's network namespace), and waits for it.
pub fn run_tool(
    program: &Path,
    args: &[&str],
    env: &[(OsString, OsString)],
    spawner: Option<&Spawner>,
) -> io::Result<ToolOutput> {
    let program = program.to_path_buf();
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let env = env.to_vec();
    let mut child = spawn_with(spawner, move || {
        Command::new(&program)
            .args(&args)
            .env_clear()
            .envs(env)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
    })?;
    let stderr = child.stderr.take();
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(e) = stderr {
            let _ = e.take(64 << 10).read_to_end(&mut buf);
        }
        buf
    });
    let mut stdout = Vec::new();
    if let Some(out) = child.stdout.take() {
        let mut limited = out.take(TOOL_OUTPUT_CAP);
        limited.read_to_end(&mut stdout)?;
        // Drain the rest so the tool is not stuck on a full pipe.
        let mut rest = limited.into_inner();
        let _ = io::copy(&mut rest, &mut io::sink());
    }
    let status = child.wait()?;
    let stderr = err_reader.join().unwrap_or_default();
    Ok(ToolOutput {
        stdout,
        stderr,
        success: status.success(),
    })
}

fn spawn_with(
    spawner: Option<&Spawner>,
    f: impl FnOnce() -> io::Result<std::process::Child> + Send + 'static,
) -> io::Result<std::process::Child> {
    match spawner {
        Some(s) => s(Box::new(f)),
        None => f(),
    }
}
