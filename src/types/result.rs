//! CNI results of every spec version (0.1.0 … 1.1.0), parsing by `cniVersion`, and the
//! up/down conversions of libcni's `GetAsVersion`.
//!
//! INTERFACE STUB — to be implemented.

use serde_json::Value;

/// Why a result could not be parsed or converted. Texts follow libcni.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResultError {
    /// `decoding version from network config: <json err>`
    #[error("decoding version from network config: {0}")]
    Decode(String),
    /// `unsupported CNI result version "<v>"`
    #[error("unsupported CNI result version {0:?}")]
    UnsupportedVersion(String),
    /// `cannot convert: no valid IP addresses`
    #[error("cannot convert: no valid IP addresses")]
    NoValidIp,
    /// `no converter for CNI result version <a> to <b>`
    #[error("no converter for CNI result version {from} to {to}")]
    NoConverter {
        /// Source version.
        from: String,
        /// Target version.
        to: String,
    },
    /// The JSON does not match the result shape of its version.
    #[error("failed to parse {version} result: {msg}")]
    Shape {
        /// The result's version.
        version: String,
        /// serde's message.
        msg: String,
    },
}

/// A parsed result, typed by its version family.
#[derive(Debug, Clone, PartialEq)]
pub enum CniResult {
    /// 0.1.0 / 0.2.0
    V020(Result020),
    /// 0.3.0 / 0.3.1 / 0.4.0
    V040(Result040),
    /// 1.0.0 / 1.1.0
    V100(Result100),
}

/// Placeholder; the implementation defines the real fields.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Result020 {}
/// Placeholder; the implementation defines the real fields.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Result040 {}
/// Placeholder; the implementation defines the real fields.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Result100 {}

impl CniResult {
    /// Parses a result by its own `cniVersion` (absent or `""` = 0.1.0).
    pub fn from_value(_v: &Value) -> Result<CniResult, ResultError> {
        unimplemented!()
    }
    /// The result's version string.
    pub fn version(&self) -> &str {
        unimplemented!()
    }
    /// Converts to another version (`""` = 0.1.0) with libcni's rules.
    pub fn convert_to(&self, _to: &str) -> Result<CniResult, ResultError> {
        unimplemented!()
    }
    /// Encodes as JSON the way libcni would.
    pub fn to_value(&self) -> Value {
        unimplemented!()
    }
}

/// libcni's `fixupResultVersion` + create: parse a plugin's ADD stdout; write the config's
/// version (`""` → `0.1.0`) into the result when it has none or an empty/non-string one.
/// Returns the fixed-up JSON (otherwise as the plugin printed it) and the typed result.
pub fn parse_plugin_result(_stdout: &[u8], _config_version: &str) -> Result<(Value, CniResult), ResultError> {
    unimplemented!()
}
