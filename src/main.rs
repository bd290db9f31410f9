//! The `cnictl` binary: parse the command line, run, print the error, exit with the
//! documented code.
//!
//! `main` is the C entry point, not Rust's: std's start-up installs a stack-overflow handler
//! whose set-up reads and parses `/proc/self/maps` (and maps an alternate signal stack) on every
//! run, a fixed cost that showed in every `add` and `del` (issue 8). What else std's start-up
//! does and cnictl relies on is done here: the standard descriptors are open (a plugin's pipes
//! must not land on 0, 1 or 2), SIGPIPE is ignored (a plugin that closes its stdin, or a reader
//! of cnictl's output that goes away, is an error to handle, not death), and a panic ends the
//! process with std's code 101 after its message. The arguments are std's as ever (captured
//! before `main` on glibc); `std::process::exit` flushes stdout as std's `main` would.

// Tests keep libtest's own `main`.
#![cfg_attr(not(test), no_main)]

mod cli;
mod exit_codes;
mod render;
// The static build's start-up without glibc's CPU probe (scripts/build-static.sh).
#[cfg(all(cnictl_glibc_start, not(test)))]
mod start;

#[cfg(not(test))]
use std::ffi::{c_char, c_int};

#[cfg(not(test))]
#[no_mangle]
extern "C" fn main(_argc: c_int, _argv: *const *const c_char) -> c_int {
    standard_fds();
    // SAFETY: setting a signal's disposition to SIG_IGN runs no code of ours; the process has
    // one thread here.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
    let code = std::panic::catch_unwind(|| {
        cli::settings::drop_empty_env();
        cli::main()
    })
    .unwrap_or(101);
    std::process::exit(code)
}

#[cfg(not(test))]
/// Opens `/dev/null` on whichever of descriptors 0, 1 and 2 is closed, as std's start-up does.
fn standard_fds() {
    for fd in 0..3 {
        // SAFETY: F_GETFD only asks whether `fd` is open.
        if unsafe { libc::fcntl(fd, libc::F_GETFD) } == -1 {
            // The lowest free descriptor is `fd` itself (the lower ones are open by now).
            // Without /dev/null, std's start-up aborts: so does this (a pipe to a plugin must
            // never land on 0, 1 or 2).
            // SAFETY: a plain open of a constant C string; abort ends the process.
            if unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_RDWR) } != fd {
                std::process::abort();
            }
        }
    }
}

/// In tests libtest's `main` runs instead; this one keeps the command line reachable there.
#[cfg(test)]
fn main() {
    cli::settings::drop_empty_env();
    std::process::exit(cli::main())
}
