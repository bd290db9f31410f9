//! The `cnictl` binary: parse the command line, run, print the error, exit with the
//! documented code.

mod cli;
mod exit_codes;
mod render;

fn main() {
    cli::settings::drop_empty_env();
    std::process::exit(cli::main());
}
