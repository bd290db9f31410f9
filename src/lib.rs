//! cnictl: a command-line CNI runtime.
//!
//! The library does what a container runtime does with a CNI network: it finds a network's
//! configuration ([`config`]), resolves and runs the plugin chain ([`invoke`], [`runtime`]),
//! keeps libcni's results cache ([`cache`]) and prepares network namespaces ([`netns`]).
//! It never prints, never exits and never reads environment variables: callers pass every
//! input explicitly and get data and typed errors back. The command-line front end lives in
//! `src/cli` and `src/render`, which are compiled into the binary only.
//!
//! ```
//! // A conflist parsed as libcni would, with each plugin's JSON kept verbatim.
//! let list = cnictl::config::list_from_bytes(br#"{
//!     "cniVersion": "1.0.0", "name": "mynet",
//!     "plugins": [{"type": "bridge", "ipam": {"type": "host-local"}}, {"type": "portmap"}]
//! }"#).unwrap();
//! assert_eq!(list.name, "mynet");
//! assert_eq!(list.plugins[0].ipam_type.as_deref(), Some("host-local"));
//!
//! // cnitool's default container ID for a netns path.
//! let id = cnictl::netns::default_container_id(std::path::Path::new("/var/run/netns/testing"));
//! assert_eq!(id, "cnitool-77383ca0a0715733ca6f");
//! ```

pub mod cache;
pub mod config;
pub mod conformance;
pub mod inventory;
pub mod invoke;
pub mod netlink;
pub mod netns;
pub mod noderoot;
pub mod privilege;
pub mod runtime;
pub mod safe_read;
pub mod types;
pub mod validate;

#[cfg(test)]
mod test_rng;

pub use types::error::CniError;
pub use types::version::{Version, CURRENT_VERSION, KNOWN_VERSIONS};
