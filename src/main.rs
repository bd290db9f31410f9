//! The `cnictl` binary: parse the command line, run, print the error, exit with the
//! documented code.

mod cli;
mod exit_codes;
mod render;

fn main() {
    // One malloc arena: the namespace thread would otherwise map and fault in an arena of its
    // own for the few allocations of each plugin call (cnictl's threads never allocate at
    // the same time for long).
    // SAFETY: mallopt only sets a parameter of glibc's allocator, before any thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
    cli::settings::drop_empty_env();
    std::process::exit(cli::main());
}
