//! cnictl: a command-line CNI runtime.
//!
//! The library does what a container runtime does with a CNI network: it finds a network's
//! configuration ([`config`]), resolves and runs the plugin chain ([`invoke`], [`runtime`]),
//! keeps libcni's results cache ([`cache`]) and prepares network namespaces ([`netns`]).
//! It never prints, never exits and never reads environment variables: callers pass every
//! input explicitly and get data and typed errors back. The command-line front end lives in
//! `src/cli` and `src/render`, which are compiled into the binary only.

pub mod cache;
pub mod config;
pub mod invoke;
pub mod netns;
pub mod runtime;
pub mod types;
pub mod validate;

pub use types::error::CniError;
pub use types::version::{Version, CURRENT_VERSION, KNOWN_VERSIONS};
