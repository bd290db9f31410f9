//! Inventories of a node's CNI setup, for `cnictl ls`, `cnictl plugins` and
//! `cnictl attachments`: what the config directory defines and what each network needs, which
//! network each container runtime would pick as its default and why, which plugin binaries the
//! CNI path holds and which spec versions they speak, and what libcni's cache remembers.
//!
//! Everything here returns data; nothing prints. Reading configs goes through [`crate::config`],
//! running plugins (only `VERSION`) through [`crate::invoke::VersionCache`], the cache through
//! [`crate::cache`] and namespace checks through [`crate::netns`].
//!
//! * [`networks`]: every config file of a directory with its chain and a status (ok, shadowed,
//!   invalid, plugin missing, version unsupported).
//! * [`runtimes`]: the default-network rules of containerd (go-cni), CRI-O (ocicni) and the
//!   by-name lookup of libcni and cnitool, applied to a scanned directory.
//! * [`plugins`]: the binaries of the CNI path and the versions each supports.
//! * [`attachments`]: the cache's attachments, whether their namespace still exists, and their
//!   addresses.

pub mod attachments;
pub mod inspect;
pub mod ipam;
pub mod networks;
pub mod plugins;
pub mod runtimes;

#[cfg(test)]
mod tests;

pub use attachments::{
    list_attachments, state_word, AttachmentInfo, AttachmentList, NetnsState, StaleReason,
};
pub use networks::{
    error_reason, scan_networks, NetworkEntry, PluginCheck, PluginRole, Problem, ScanOptions,
};
pub use plugins::{scan_plugins, DirState, PluginBinary, PluginScan};
pub use runtimes::{
    containerd_default, crio_default, libcni_lookups, ContainerdModel, ContainerdNetwork,
    ContainerdOutcome, CrioFile, CrioModel, CrioOutcome, CrioVerdict, Lookup, SkipStage,
};
