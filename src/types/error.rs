//! The CNI error object a plugin prints on failure, and the well-known error codes.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The CNI error object: `{"code": .., "msg": .., "details": ..}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CniError {
    /// The error code; 0–99 are reserved by the spec, 100 and above are the plugin's.
    #[serde(default)]
    pub code: u64,
    /// The short message.
    #[serde(default)]
    pub msg: String,
    /// Longer details; omitted when empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub details: String,
}

impl CniError {
    /// Builds an error with a code and message.
    pub fn new(code: u64, msg: impl Into<String>) -> Self {
        CniError {
            code,
            msg: msg.into(),
            details: String::new(),
        }
    }

    /// Builds an error with a code, message and details.
    pub fn with_details(code: u64, msg: impl Into<String>, details: impl Into<String>) -> Self {
        CniError {
            code,
            msg: msg.into(),
            details: details.into(),
        }
    }

    /// The name of a well-known code, if this is one.
    pub fn code_name(&self) -> Option<&'static str> {
        code_name(self.code)
    }
}

/// Names the well-known CNI error codes (spec table plus libcni's 8 and 999).
pub fn code_name(code: u64) -> Option<&'static str> {
    Some(match code {
        0 => "unknown",
        1 => "incompatible CNI version",
        2 => "unsupported field in network configuration",
        3 => "container unknown or does not exist",
        4 => "invalid necessary environment variables",
        5 => "I/O failure",
        6 => "failed to decode content",
        7 => "invalid network config",
        8 => "invalid network namespace",
        11 => "try again later",
        50 => "plugin not available",
        51 => "plugin not available, existing containers may have limited connectivity",
        999 => "internal error",
        _ => return None,
    })
}

impl fmt::Display for CniError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.details.is_empty() {
            write!(f, "{}", self.msg)
        } else {
            write!(f, "{}; {}", self.msg, self.details)
        }
    }
}

impl std::error::Error for CniError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_joins_details() {
        assert_eq!(CniError::new(7, "bad").to_string(), "bad");
        assert_eq!(CniError::with_details(4, "x", "y").to_string(), "x; y");
        let e: CniError =
            serde_json::from_str(r#"{"code":999,"msg":"plugin error: banana"}"#).unwrap();
        assert_eq!(e.code, 999);
        assert_eq!(e.to_string(), "plugin error: banana");
        assert_eq!(e.code_name(), Some("internal error"));
    }
}
