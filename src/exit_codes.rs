//! Exit codes: one table for every command (the README and the man page carry it). Both the
//! command line and the renderer name codes from here, so neither imports the other for them.

/// Success.
pub const OK: i32 = 0;
/// The operation ran and failed.
pub const FAILED: i32 = 1;
/// cnictl could not start the operation; nothing was run.
pub const USAGE: i32 = 2;
/// Interrupted by SIGINT (after rollback).
pub const SIGINT: i32 = 130;
/// Interrupted by SIGTERM (after rollback).
pub const SIGTERM: i32 = 143;
/// `status -o npd`: the state could not be found out (node-problem-detector's Unknown).
pub const UNKNOWN: i32 = 2;
