//! CNI spec version strings: parsing and ordering as libcni's `pkg/version` does.

use std::cmp::Ordering;
use std::fmt;

/// The newest spec version cnictl speaks; what it sends in a VERSION request.
pub const CURRENT_VERSION: &str = "1.1.0";

/// Every spec version cnictl knows, oldest first (Go's `version.All`).
pub const KNOWN_VERSIONS: &[&str] = &[
    "0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0",
];

/// A parsed spec version. `""` parses as 0.1.0; missing minor/micro parts are 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Version {
    /// Major part.
    pub major: i64,
    /// Minor part.
    pub minor: i64,
    /// Micro part.
    pub micro: i64,
}

/// Why a version string could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    /// More than three dot-separated parts.
    #[error("invalid version {0:?}: too many parts")]
    TooManyParts(String),
    /// A part that is not an integer.
    #[error("failed to convert version {part:?} of {version:?}: not an integer")]
    NotANumber {
        /// The offending part.
        part: String,
        /// The whole version string.
        version: String,
    },
}

impl Version {
    /// 0.4.0: the first version with CHECK and cached prevResult on DEL.
    pub const V0_4_0: Version = Version::new(0, 4, 0);
    /// 1.0.0.
    pub const V1_0_0: Version = Version::new(1, 0, 0);
    /// 1.1.0: the first version with GC and STATUS.
    pub const V1_1_0: Version = Version::new(1, 1, 0);

    /// Builds a version from its parts.
    pub const fn new(major: i64, minor: i64, micro: i64) -> Self {
        Version {
            major,
            minor,
            micro,
        }
    }

    /// Parses a version string the way libcni does (Go `Atoi` on each part, so `+1` parses).
    pub fn parse(s: &str) -> Result<Version, VersionError> {
        if s.is_empty() {
            return Ok(Version::new(0, 1, 0));
        }
        let parts: Vec<&str> = s.split('.').collect();
        if parts.len() >= 4 {
            return Err(VersionError::TooManyParts(s.to_string()));
        }
        let mut nums = [0i64; 3];
        for (i, p) in parts.iter().enumerate() {
            nums[i] = parse_go_int(p).ok_or_else(|| VersionError::NotANumber {
                part: (*p).to_string(),
                version: s.to_string(),
            })?;
        }
        Ok(Version::new(nums[0], nums[1], nums[2]))
    }

    /// True when the string is one of the versions cnictl knows.
    pub fn is_known(s: &str) -> bool {
        KNOWN_VERSIONS.contains(&s)
    }
}

/// Go's `strconv.Atoi`: optional sign, then ASCII digits, no spaces.
fn parse_go_int(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<i64>().ok()
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.major, self.minor, self.micro).cmp(&(other.major, other.minor, other.micro))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.micro)
    }
}

/// True when `v` parses and is at least `min`; an unparseable version counts as "no".
pub fn at_least(v: &str, min: Version) -> bool {
    Version::parse(v).map(|p| p >= min).unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_libcni() {
        assert_eq!(Version::parse("").unwrap(), Version::new(0, 1, 0));
        assert_eq!(Version::parse("1").unwrap(), Version::new(1, 0, 0));
        assert_eq!(Version::parse("1.1").unwrap(), Version::new(1, 1, 0));
        assert_eq!(Version::parse("+1.0.0").unwrap(), Version::new(1, 0, 0));
        for bad in ["asdf", "asdf.", ".x", "0.", "..", "1.0.f"] {
            assert!(Version::parse(bad).is_err(), "{bad} should fail");
        }
        assert_eq!(
            Version::parse("1.2.3.4.5").unwrap_err().to_string(),
            "invalid version \"1.2.3.4.5\": too many parts"
        );
    }

    #[test]
    fn orders_numerically() {
        assert!(Version::parse("0.10.0").unwrap() > Version::parse("0.4.0").unwrap());
        assert!(at_least("1.1.0", Version::V1_1_0));
        assert!(!at_least("1.0.0", Version::V1_1_0));
        assert!(!at_least("garbage", Version::V0_4_0));
    }
}
