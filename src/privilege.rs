//! What the process may do, told by its effective capabilities rather than its user ID (root
//! in a user namespace is not root on the node, and a non-zero UID may hold capabilities), and
//! where an unprivileged user's CNI files are.
//!
//! Like the rest of the library this reads no environment variable: [`user_paths`] is given
//! the values of `HOME` and `XDG_*`. It never asks the password database (no `getpwuid`), so
//! a static binary does no NSS lookup.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// `CAP_NET_ADMIN`: configure interfaces, addresses, routes, iptables (what plugins do).
pub const CAP_NET_ADMIN: u32 = 12;
/// `CAP_SYS_ADMIN`: `setns` into another network namespace, mount a named namespace.
pub const CAP_SYS_ADMIN: u32 = 21;

/// The capabilities running a plugin chain needs, with their names.
pub const CHAIN_CAPS: &[(u32, &str)] = &[
    (CAP_SYS_ADMIN, "CAP_SYS_ADMIN"),
    (CAP_NET_ADMIN, "CAP_NET_ADMIN"),
];

/// A command that runs plugin chains refused up front: the process lacks capabilities they
/// need. Says which are missing; nothing was run or changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("needs root: CAP_SYS_ADMIN and CAP_NET_ADMIN (cnictl {verb} runs plugins, and this process lacks {}); nothing was run", .missing.join(" and "))]
pub struct NeedsRoot {
    /// The command refused (`add`, `gc`, ...).
    pub verb: String,
    /// The capabilities missing, by name.
    pub missing: Vec<&'static str>,
}

/// Refuses `verb` when `caps` lacks a capability of [`CHAIN_CAPS`]. Unknown capabilities
/// (no /proc) are not refused: the operation then fails where the kernel says so.
pub fn require_chain_caps(verb: &str, caps: Option<Caps>) -> Result<(), NeedsRoot> {
    let missing = caps.map(Caps::missing_for_chains).unwrap_or_default();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(NeedsRoot {
            verb: verb.to_string(),
            missing,
        })
    }
}

/// A set of effective capabilities (bit N = capability N).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caps(pub u64);

impl Caps {
    /// True when capability `cap` is in the set.
    pub fn has(self, cap: u32) -> bool {
        cap < 64 && self.0 & (1u64 << cap) != 0
    }

    /// The names of the capabilities of [`CHAIN_CAPS`] missing from the set.
    pub fn missing_for_chains(self) -> Vec<&'static str> {
        CHAIN_CAPS
            .iter()
            .filter(|(c, _)| !self.has(*c))
            .map(|(_, n)| *n)
            .collect()
    }

    /// The calling thread's effective capabilities (`capget`: one system call, where reading
    /// `/proc/self/status` took a dozen and its parsing); else, should `capget` fail, the
    /// `CapEff` line of `/proc/self/status`; None when neither answers.
    pub fn current() -> Option<Caps> {
        capget_effective().or_else(|| {
            let status = std::fs::read_to_string("/proc/self/status").ok()?;
            parse_cap_eff(&status)
        })
    }
}

/// The effective set from `capget` (version 3: two 32-bit words), None on failure.
fn capget_effective() -> Option<Caps> {
    #[repr(C)]
    struct Header {
        version: u32,
        pid: libc::c_int,
    }
    #[repr(C)]
    #[derive(Clone, Copy, Default)]
    struct Data {
        effective: u32,
        permitted: u32,
        inheritable: u32,
    }
    const LINUX_CAPABILITY_VERSION_3: u32 = 0x2008_0522;
    let mut header = Header {
        version: LINUX_CAPABILITY_VERSION_3,
        pid: 0,
    };
    let mut data = [Data::default(); 2];
    // SAFETY: capget reads the header and writes two data structs (version 3), both valid here.
    let r = unsafe {
        libc::syscall(
            libc::SYS_capget,
            std::ptr::from_mut(&mut header),
            data.as_mut_ptr(),
        )
    };
    (r == 0).then(|| Caps(u64::from(data[0].effective) | (u64::from(data[1].effective) << 32)))
}

/// The `CapEff:` line of a `/proc/PID/status` text: a hexadecimal mask (16 digits on current
/// kernels, fewer on old ones). None when the line is missing or not hexadecimal.
pub fn parse_cap_eff(status: &str) -> Option<Caps> {
    let line = status.lines().find_map(|l| l.strip_prefix("CapEff:"))?;
    let hex = line.trim();
    if hex.is_empty() || hex.len() > 16 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u64::from_str_radix(hex, 16).ok().map(Caps)
}

/// An unprivileged user's CNI directories, derived from `HOME` and `XDG_*` only.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UserPaths {
    /// `$XDG_CONFIG_HOME/cni/net.d`, else `$HOME/.config/cni/net.d` (where rootless podman
    /// keeps its CNI configs).
    pub conf_dir: Option<PathBuf>,
    /// `$XDG_CACHE_HOME/cni`, else `$HOME/.cache/cni`.
    pub cache_dir: Option<PathBuf>,
}

/// The user's directories for these values of `HOME`, `XDG_CONFIG_HOME` and `XDG_CACHE_HOME`.
/// As the XDG base directory spec says, an `XDG_*` value that is empty or relative is ignored;
/// so is such a `HOME`. None where no directory can be derived.
pub fn user_paths(
    home: Option<&OsStr>,
    xdg_config_home: Option<&OsStr>,
    xdg_cache_home: Option<&OsStr>,
) -> UserPaths {
    let absolute = |v: Option<&OsStr>| {
        v.map(Path::new)
            .filter(|p| p.is_absolute())
            .map(Path::to_path_buf)
    };
    let home = absolute(home);
    let base = |xdg: Option<&OsStr>, fallback: &str| {
        absolute(xdg).or_else(|| home.as_ref().map(|h| h.join(fallback)))
    };
    UserPaths {
        conf_dir: base(xdg_config_home, ".config").map(|d| d.join("cni").join("net.d")),
        cache_dir: base(xdg_cache_home, ".cache").map(|d| d.join("cni")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROOT_STATUS: &str = "Name:\tcat\nUmask:\t0022\nState:\tR (running)\nUid:\t0\t0\t0\t0\n\
        CapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\nCapEff:\t000001ffffffffff\n\
        CapBnd:\t000001ffffffffff\nCapAmb:\t0000000000000000\nNoNewPrivs:\t0\n";

    #[test]
    fn cap_eff_of_root_has_both() {
        let caps = parse_cap_eff(ROOT_STATUS).expect("parsed");
        assert_eq!(caps, Caps(0x1ff_ffff_ffff));
        assert!(caps.has(CAP_SYS_ADMIN) && caps.has(CAP_NET_ADMIN));
        assert!(caps.missing_for_chains().is_empty());
    }

    #[test]
    fn cap_eff_of_a_user_has_none() {
        let status = ROOT_STATUS.replace("CapEff:\t000001ffffffffff", "CapEff:\t0000000000000000");
        let caps = parse_cap_eff(&status).expect("parsed");
        assert_eq!(caps, Caps(0));
        assert_eq!(
            caps.missing_for_chains(),
            vec!["CAP_SYS_ADMIN", "CAP_NET_ADMIN"]
        );
    }

    #[test]
    fn cap_eff_names_the_one_missing() {
        // CAP_NET_ADMIN (bit 12) only: 0x1000.
        let caps = parse_cap_eff("CapEff:\t0000000000001000\n").expect("parsed");
        assert!(caps.has(CAP_NET_ADMIN) && !caps.has(CAP_SYS_ADMIN));
        assert_eq!(caps.missing_for_chains(), vec!["CAP_SYS_ADMIN"]);
        // CAP_SYS_ADMIN (bit 21) only: 0x200000; fewer digits, as old kernels print.
        let caps = parse_cap_eff("CapEff:\t00200000").expect("parsed");
        assert_eq!(caps.missing_for_chains(), vec!["CAP_NET_ADMIN"]);
    }

    #[test]
    fn cap_eff_missing_or_garbled_is_none() {
        for bad in [
            "",
            "Name:\tx\nCapPrm:\t0000000000000000\n",
            "CapEff:\t\n",
            "CapEff:\tzz00000000000000\n",
            "CapEff:\t00000000000000000\n",
            "CapEff:\t-1\n",
        ] {
            assert_eq!(parse_cap_eff(bad), None, "{bad:?}");
        }
        // The line is found wherever it is; CapPrm is not mistaken for it.
        assert_eq!(parse_cap_eff("CapPrm:\tffff\nCapEff:\t0\n"), Some(Caps(0)));
    }

    #[test]
    fn refusal_names_what_is_missing() {
        let e = require_chain_caps("add", Some(Caps(0))).expect_err("refused");
        assert_eq!(
            e.to_string(),
            "needs root: CAP_SYS_ADMIN and CAP_NET_ADMIN (cnictl add runs plugins, and this \
             process lacks CAP_SYS_ADMIN and CAP_NET_ADMIN); nothing was run"
        );
        let e = require_chain_caps("gc", Some(Caps(1 << CAP_SYS_ADMIN))).expect_err("refused");
        assert!(e.to_string().ends_with(
            "(cnictl gc runs plugins, and this process lacks CAP_NET_ADMIN); nothing was run"
        ));
        let both = Caps((1 << CAP_SYS_ADMIN) | (1 << CAP_NET_ADMIN));
        assert_eq!(require_chain_caps("del", Some(both)), Ok(()));
        assert_eq!(require_chain_caps("del", None), Ok(()));
    }

    #[test]
    fn the_current_process_has_a_cap_eff_line() {
        assert!(Caps::current().is_some());
    }

    #[test]
    fn capget_agrees_with_proc_status() {
        let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
        let from_proc = parse_cap_eff(&status).expect("CapEff line");
        assert_eq!(capget_effective(), Some(from_proc));
        assert_eq!(Caps::current(), Some(from_proc));
    }

    #[test]
    fn user_paths_from_home_and_xdg() {
        let os = |s: &'static str| Some(OsStr::new(s));
        let p = user_paths(os("/home/u"), None, None);
        assert_eq!(
            p.conf_dir.as_deref(),
            Some(Path::new("/home/u/.config/cni/net.d"))
        );
        assert_eq!(
            p.cache_dir.as_deref(),
            Some(Path::new("/home/u/.cache/cni"))
        );
        let p = user_paths(os("/home/u"), os("/x/conf"), os("/x/cache"));
        assert_eq!(p.conf_dir.as_deref(), Some(Path::new("/x/conf/cni/net.d")));
        assert_eq!(p.cache_dir.as_deref(), Some(Path::new("/x/cache/cni")));
        // Relative or empty XDG values are ignored (the spec says so); HOME is used instead.
        let p = user_paths(os("/home/u"), os("rel"), os(""));
        assert_eq!(
            p.conf_dir.as_deref(),
            Some(Path::new("/home/u/.config/cni/net.d"))
        );
        assert_eq!(
            p.cache_dir.as_deref(),
            Some(Path::new("/home/u/.cache/cni"))
        );
        // No usable HOME and no XDG: nothing.
        assert_eq!(user_paths(None, None, None), UserPaths::default());
        assert_eq!(user_paths(os("relative"), None, None), UserPaths::default());
        // XDG alone is enough.
        let p = user_paths(None, os("/c"), None);
        assert_eq!(p.conf_dir.as_deref(), Some(Path::new("/c/cni/net.d")));
        assert_eq!(p.cache_dir, None);
    }
}
