//! Pure path handling: how the NETNS argument becomes a path, and cnitool's container ID.
//!
//! cnitool hashes the netns path *as written*, made absolute and cleaned lexically by Go's
//! `filepath.Abs` (never canonicalised), so the cleaning here follows Go's `filepath.Clean`
//! exactly; otherwise the default container ID, and with it libcni's cache entry, would differ.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha512};

use super::{NetnsError, NETNS_RUN_DIR};

/// Longest file name the kernel accepts (`NAME_MAX`), the limit `ip netns` applies to names.
const NAME_MAX: usize = 255;

/// Cleans a path lexically like Go's `filepath.Clean` on Unix: repeated slashes collapse, `.`
/// elements go, `..` removes the element before it (and is dropped right after the root), the
/// trailing slash goes; an empty result is `.`. Symlinks are never looked at.
pub fn clean_path(path: &str) -> String {
    let cleaned = clean_bytes(path.as_bytes());
    // Cleaning only drops whole `/`-separated elements, so UTF-8 input stays UTF-8.
    String::from_utf8(cleaned)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn clean_bytes(path: &[u8]) -> Vec<u8> {
    let rooted = path.first() == Some(&b'/');
    let mut kept: Vec<&[u8]> = Vec::new();
    for element in path.split(|&b| b == b'/') {
        match element {
            b"" | b"." => {}
            b".." => {
                if kept.last().is_some_and(|last| *last != b"..") {
                    kept.pop();
                } else if !rooted {
                    kept.push(element);
                }
                // `..` right after the root stays at the root.
            }
            _ => kept.push(element),
        }
    }
    let mut out = Vec::with_capacity(path.len());
    if rooted {
        out.push(b'/');
    }
    for (i, element) in kept.iter().enumerate() {
        if i > 0 {
            out.push(b'/');
        }
        out.extend_from_slice(element);
    }
    if out.is_empty() {
        out.push(b'.');
    }
    out
}

/// True when `arg` is a bare namespace name (no `/`, not empty, not `.` or `..`), which means
/// `/var/run/netns/NAME`. Only such namespaces are created by `add` and removed by
/// `del --rm-netns`.
pub fn is_bare_name(arg: &str) -> bool {
    !arg.is_empty() && !arg.contains('/') && arg != "." && arg != ".."
}

/// True when [`resolve_netns_arg`] joins `arg` to the working directory: it is neither a bare
/// name nor absolute.
pub fn needs_cwd(arg: &str) -> bool {
    !is_bare_name(arg) && !arg.starts_with('/')
}

/// Checks a namespace name the way `ip netns` does: not empty, at most 255 bytes, no `/`, not
/// `.` or `..` (and no NUL byte, which no path can hold).
pub fn validate_name(name: &str) -> Result<(), NetnsError> {
    let reason = if name.is_empty() {
        "it is empty"
    } else if name.len() > NAME_MAX {
        "it is longer than 255 bytes"
    } else if name.contains('/') {
        "it contains '/'"
    } else if name == "." || name == ".." {
        "it is '.' or '..'"
    } else if name.contains('\0') {
        "it contains a NUL byte"
    } else {
        return Ok(());
    };
    Err(NetnsError::InvalidName {
        name: name.to_string(),
        reason,
    })
}

/// Turns the NETNS argument into a path. A bare name (see [`is_bare_name`]) means
/// `/var/run/netns/NAME`; anything else is a path, made absolute against `cwd` and cleaned with
/// [`clean_path`]'s rules, exactly as cnitool's `filepath.Abs` does (an empty argument is `cwd`).
/// Nothing is looked up on disk.
pub fn resolve_netns_arg(arg: &str, cwd: &Path) -> PathBuf {
    if is_bare_name(arg) {
        return Path::new(NETNS_RUN_DIR).join(arg);
    }
    let joined: Vec<u8> = if arg.starts_with('/') {
        arg.as_bytes().to_vec()
    } else {
        let mut joined = cwd.as_os_str().as_bytes().to_vec();
        joined.push(b'/');
        joined.extend_from_slice(arg.as_bytes());
        joined
    };
    PathBuf::from(OsStr::from_bytes(&clean_bytes(&joined)))
}

/// cnitool's container ID for a netns path: `cnitool-` followed by the lowercase hex of the
/// first 10 bytes of the SHA-512 of the path's bytes. Pass the path from
/// [`resolve_netns_arg`], so the ID matches cnitool's for the same argument and directory.
pub fn default_container_id(netns_path: &Path) -> String {
    let digest = Sha512::digest(netns_path.as_os_str().as_bytes());
    let mut id = String::from("cnitool-");
    for byte in &digest[..10] {
        id.push(char::from(HEX[usize::from(byte >> 4)]));
        id.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    id
}

const HEX: &[u8; 16] = b"0123456789abcdef";

#[cfg(test)]
mod tests {
    use super::*;

    /// Go's `filepath.Clean` test table (`cleantests` and the Unix-only `nonwincleantests`).
    const GO_CLEAN_TABLE: &[(&str, &str)] = &[
        // Already clean
        ("abc", "abc"),
        ("abc/def", "abc/def"),
        ("a/b/c", "a/b/c"),
        (".", "."),
        ("..", ".."),
        ("../..", "../.."),
        ("../../abc", "../../abc"),
        ("/abc", "/abc"),
        ("/", "/"),
        // Empty is current dir
        ("", "."),
        // Remove trailing slash
        ("abc/", "abc"),
        ("abc/def/", "abc/def"),
        ("a/b/c/", "a/b/c"),
        ("./", "."),
        ("../", ".."),
        ("../../", "../.."),
        ("/abc/", "/abc"),
        // Remove doubled slash
        ("abc//def//ghi", "abc/def/ghi"),
        ("//abc", "/abc"),
        ("///abc", "/abc"),
        ("//abc//", "/abc"),
        ("abc//", "abc"),
        // Remove . elements
        ("abc/./def", "abc/def"),
        ("/./abc/def", "/abc/def"),
        ("abc/.", "abc"),
        // Remove .. elements
        ("abc/def/ghi/../jkl", "abc/def/jkl"),
        ("abc/def/../ghi/../jkl", "abc/jkl"),
        ("abc/def/..", "abc"),
        ("abc/def/../..", "."),
        ("/abc/def/../..", "/"),
        ("abc/def/../../..", ".."),
        ("/abc/def/../../..", "/"),
        ("abc/def/../../../ghi/jkl/../../../mno", "../../mno"),
        ("/../abc", "/abc"),
        ("a/../b:/../../c", "../c"),
        // Combinations
        ("abc/./../def", "def"),
        ("abc//./../def", "def"),
        ("abc/../../././../def", "../../def"),
        // Unix only
        ("//abc", "/abc"),
        ("///abc", "/abc"),
        ("//abc//", "/abc"),
        // Extra: `..` at the root, names that only look like dots
        ("/..", "/"),
        ("/../..", "/"),
        ("/...", "/..."),
        ("a/.../b", "a/.../b"),
        ("/.hidden/./x/", "/.hidden/x"),
    ];

    #[test]
    fn clean_path_matches_go_clean_table() {
        for (input, want) in GO_CLEAN_TABLE {
            assert_eq!(clean_path(input), *want, "clean_path({input:?})");
            // Clean is idempotent.
            assert_eq!(clean_path(want), *want, "clean_path({want:?})");
        }
    }

    #[test]
    fn clean_path_keeps_non_ascii_elements() {
        assert_eq!(clean_path("/ü//ñ/./é/.."), "/ü/ñ");
    }

    #[test]
    fn resolve_netns_arg_bare_names_and_paths() {
        let cwd = Path::new("/home/u/work");
        let cases: &[(&str, &str)] = &[
            ("testing", "/var/run/netns/testing"),
            ("with.dot", "/var/run/netns/with.dot"),
            ("...", "/var/run/netns/..."),
            ("/var/run/netns/testing", "/var/run/netns/testing"),
            ("/var/run/netns/testing/", "/var/run/netns/testing"),
            ("/run//netns/./blue", "/run/netns/blue"),
            ("/proc/1234/ns/net", "/proc/1234/ns/net"),
            ("/..", "/"),
            ("./x", "/home/u/work/x"),
            ("x/", "/home/u/work/x"),
            ("../x", "/home/u/x"),
            ("../../../../x", "/x"),
            (".", "/home/u/work"),
            ("..", "/home/u"),
            ("", "/home/u/work"),
        ];
        for (arg, want) in cases {
            assert_eq!(
                resolve_netns_arg(arg, cwd),
                PathBuf::from(want),
                "resolve_netns_arg({arg:?})"
            );
        }
        // The cwd itself is cleaned too, as Go's Join does.
        assert_eq!(
            resolve_netns_arg("./x", Path::new("/a//b/./")),
            PathBuf::from("/a/b/x")
        );
        // Symlinks are never resolved: /var/run stays /var/run even where it links to /run.
        assert_eq!(
            resolve_netns_arg("/var/run/../run/netns/x", cwd),
            PathBuf::from("/var/run/netns/x")
        );
    }

    #[test]
    fn bare_names() {
        for name in ["a", "testing", "with.dot", "...", "-x", "a b"] {
            assert!(is_bare_name(name), "{name:?}");
            assert!(validate_name(name).is_ok(), "{name:?}");
        }
        for arg in ["", ".", "..", "a/b", "/a", "a/", "./a"] {
            assert!(!is_bare_name(arg), "{arg:?}");
            assert!(
                matches!(validate_name(arg), Err(NetnsError::InvalidName { .. })),
                "{arg:?}"
            );
        }
        assert!(validate_name(&"n".repeat(255)).is_ok());
        let err = validate_name(&"n".repeat(256)).unwrap_err();
        assert!(err.to_string().contains("longer than 255"), "{err}");
        assert!(validate_name("a\0b").is_err());
        let err = validate_name("a/b").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid network namespace name \"a/b\": it contains '/'"
        );
    }

    #[test]
    fn default_container_id_matches_cnitool() {
        let cwd = Path::new("/");
        let cases: &[(&str, &str)] = &[
            ("/var/run/netns/testing", "cnitool-77383ca0a0715733ca6f"),
            ("/run/netns/blue", "cnitool-df26705e2e4ffd095eb1"),
            ("/var/run/netns/testing/", "cnitool-77383ca0a0715733ca6f"),
            ("testing", "cnitool-77383ca0a0715733ca6f"),
        ];
        for (arg, want) in cases {
            let id = default_container_id(&resolve_netns_arg(arg, cwd));
            assert_eq!(id, *want, "{arg:?}");
        }
        let relative = resolve_netns_arg("netns/testing", Path::new("/var/run"));
        assert_eq!(
            default_container_id(&relative),
            "cnitool-77383ca0a0715733ca6f"
        );
        let id = default_container_id(Path::new("/x"));
        assert_eq!(id.len(), "cnitool-".len() + 20);
        assert!(id[8..]
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    }
}
