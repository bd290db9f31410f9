//! CNI results of every spec version (0.1.0 … 1.1.0), parsing by `cniVersion`, and the
//! up/down conversions of libcni's `GetAsVersion`.
//!
//! Results are parsed from JSON into one typed struct per version family (0.1.0/0.2.0,
//! 0.3.x/0.4.0, 1.x) with the tolerance of Go's decoder (unknown keys ignored, `null` taken as
//! absent), except that every address must parse as an IP or CIDR. Addresses are kept as the
//! plugin wrote them, so host bits survive (`10.1.2.3/24` stays `10.1.2.3/24`). Encoding
//! follows libcni's output: 0.x results always carry `"dns":{}`, 1.x results drop an empty
//! `dns` and have their keys sorted.

mod convert;
mod encode;
mod parse;
#[cfg(test)]
mod tests;

pub(crate) use parse::kind_of;
use serde_json::{Map, Value};

/// The versions the 0.1.0/0.2.0 result type accepts as its own `cniVersion` (libcni's list,
/// where `""` means 0.1.0).
pub const VERSIONS_020: &[&str] = &["", "0.1.0", "0.2.0"];
/// The versions the 0.3.x/0.4.0 result type accepts.
pub const VERSIONS_040: &[&str] = &["0.3.0", "0.3.1", "0.4.0"];
/// The versions the 1.x result type accepts.
pub const VERSIONS_100: &[&str] = &["1.0.0", "1.1.0"];

/// Why a result could not be parsed or converted. Texts follow libcni.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResultError {
    /// `decoding version from network config: <json err>`
    #[error("decoding version from network config: {0}")]
    Decode(String),
    /// `failed to unmarshal raw result: <json err>`: a plugin's stdout is not a JSON object.
    #[error("failed to unmarshal raw result: {0}")]
    RawResult(String),
    /// `unsupported CNI result version "<v>"`
    #[error("unsupported CNI result version {0:?}")]
    UnsupportedVersion(String),
    /// `result type supports [1.0.0 1.1.0] but unmarshalled CNIVersion is "<v>"`: the JSON was
    /// parsed as one version family but names a version of another.
    #[error("result type supports [{}] but unmarshalled CNIVersion is {got:?}", supported.join(" "))]
    VersionMismatch {
        /// The versions the chosen result type accepts.
        supported: &'static [&'static str],
        /// The `cniVersion` found in the JSON.
        got: String,
    },
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
        /// What is wrong, with the JSON path of the offending value.
        msg: String,
    },
}

/// A route, shared by every result version.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Route {
    /// `dst`: the destination CIDR, as written (host bits kept).
    pub dst: String,
    /// `gw`: the gateway IP.
    pub gw: Option<String>,
    /// `mtu`; 0 means unset and is not written.
    pub mtu: i64,
    /// `advmss`; 0 means unset and is not written.
    pub advmss: i64,
    /// `priority`; 0 means unset and is not written.
    pub priority: i64,
    /// `table`; written whenever set, even when 0.
    pub table: Option<i64>,
    /// `scope` (0 global, 253 link, 254 host); written whenever set, even when 0.
    pub scope: Option<i64>,
}

/// DNS settings, shared by every result version.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Dns {
    /// `nameservers`
    pub nameservers: Vec<String>,
    /// `domain`
    pub domain: String,
    /// `search`
    pub search: Vec<String>,
    /// `options`
    pub options: Vec<String>,
}

impl Dns {
    /// True when no field is set (libcni's `IsEmpty`).
    pub fn is_empty(&self) -> bool {
        self.nameservers.is_empty()
            && self.domain.is_empty()
            && self.search.is_empty()
            && self.options.is_empty()
    }
}

/// An `ip4` or `ip6` entry of a 0.1.0/0.2.0 result.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IpConfig020 {
    /// `ip`: the address with its prefix length, as written.
    pub ip: String,
    /// `gateway`
    pub gateway: Option<String>,
    /// `routes`
    pub routes: Vec<Route>,
}

/// A 0.1.0 or 0.2.0 result.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Result020 {
    /// `cniVersion`
    pub cni_version: String,
    /// `ip4`
    pub ip4: Option<IpConfig020>,
    /// `ip6`
    pub ip6: Option<IpConfig020>,
    /// `dns` (always written)
    pub dns: Dns,
}

/// An interface of a 0.3.x/0.4.0 result.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Interface040 {
    /// `name` (always written)
    pub name: String,
    /// `mac`
    pub mac: String,
    /// `sandbox`: the netns path, empty for host interfaces.
    pub sandbox: String,
}

/// An `ips` entry of a 0.3.x/0.4.0 result.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IpConfig040 {
    /// `version`: `"4"` or `"6"` (kept as written; always written).
    pub version: String,
    /// `interface`: index into `interfaces` (some plugins send -1).
    pub interface: Option<i64>,
    /// `address`: the address with its prefix length, as written.
    pub address: String,
    /// `gateway`
    pub gateway: Option<String>,
}

/// A 0.3.0, 0.3.1 or 0.4.0 result.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Result040 {
    /// `cniVersion`
    pub cni_version: String,
    /// `interfaces`
    pub interfaces: Vec<Interface040>,
    /// `ips`
    pub ips: Vec<IpConfig040>,
    /// `routes`
    pub routes: Vec<Route>,
    /// `dns` (always written)
    pub dns: Dns,
}

/// An interface of a 1.x result.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Interface100 {
    /// `name` (always written)
    pub name: String,
    /// `mac`
    pub mac: String,
    /// `mtu`; 0 means unset.
    pub mtu: i64,
    /// `sandbox`: the netns path, empty for host interfaces.
    pub sandbox: String,
    /// `socketPath`
    pub socket_path: String,
    /// `pciID`
    pub pci_id: String,
}

/// An `ips` entry of a 1.x result.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IpConfig100 {
    /// `interface`: index into `interfaces` (some plugins send -1).
    pub interface: Option<i64>,
    /// `address`: the address with its prefix length, as written.
    pub address: String,
    /// `gateway`
    pub gateway: Option<String>,
}

/// A 1.0.0 or 1.1.0 result.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Result100 {
    /// `cniVersion`
    pub cni_version: String,
    /// `interfaces`
    pub interfaces: Vec<Interface100>,
    /// `ips`
    pub ips: Vec<IpConfig100>,
    /// `routes`
    pub routes: Vec<Route>,
    /// `dns` (omitted when empty)
    pub dns: Dns,
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

/// The result type a version belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    F020,
    F040,
    F100,
}

impl Family {
    /// The family whose creator handles `version` (`""` belongs to 0.1.0/0.2.0).
    pub(crate) fn of(version: &str) -> Option<Family> {
        if VERSIONS_020.contains(&version) {
            Some(Family::F020)
        } else if VERSIONS_040.contains(&version) {
            Some(Family::F040)
        } else if VERSIONS_100.contains(&version) {
            Some(Family::F100)
        } else {
            None
        }
    }

    fn supported(self) -> &'static [&'static str] {
        match self {
            Family::F020 => VERSIONS_020,
            Family::F040 => VERSIONS_040,
            Family::F100 => VERSIONS_100,
        }
    }
}

impl CniResult {
    /// Parses a result by its own `cniVersion` (absent or `""` = 0.1.0), as libcni's
    /// `CreateFromBytes` does.
    pub fn from_value(v: &Value) -> Result<CniResult, ResultError> {
        let version = match v {
            Value::Null => String::new(),
            Value::Object(m) => match m.get("cniVersion") {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(s)) => s.clone(),
                Some(other) => {
                    return Err(ResultError::Decode(format!(
                        "cniVersion: expected a string, got {}",
                        parse::kind_of(other)
                    )))
                }
            },
            other => {
                return Err(ResultError::Decode(format!(
                    "expected a JSON object, got {}",
                    parse::kind_of(other)
                )))
            }
        };
        let version = if version.is_empty() {
            "0.1.0".to_string()
        } else {
            version
        };
        CniResult::from_value_as(&version, v)
    }

    /// Parses JSON bytes by their own `cniVersion`; a JSON syntax error reads
    /// `decoding version from network config: <err>` as in libcni.
    pub fn from_slice(bytes: &[u8]) -> Result<CniResult, ResultError> {
        let v: Value = serde_json::from_slice(bytes)
            .map_err(|e| ResultError::Decode(describe_json_error(bytes, &e)))?;
        CniResult::from_value(&v)
    }

    /// Parses a result as the type of `version` (libcni's `Create`): the JSON's own
    /// `cniVersion` must be one that type accepts, otherwise
    /// `result type supports [...] but unmarshalled CNIVersion is "<v>"`.
    pub fn from_value_as(version: &str, v: &Value) -> Result<CniResult, ResultError> {
        let family = Family::of(version)
            .ok_or_else(|| ResultError::UnsupportedVersion(version.to_string()))?;
        let shape = |msg: String| ResultError::Shape {
            version: version.to_string(),
            msg,
        };
        let empty = Map::new();
        let map = match v {
            Value::Null => &empty,
            Value::Object(m) => m,
            other => {
                return Err(shape(format!(
                    "expected a JSON object, got {}",
                    parse::kind_of(other)
                )))
            }
        };
        let own = match map.get("cniVersion") {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(other) => {
                return Err(shape(format!(
                    "cniVersion: expected a string, got {}",
                    parse::kind_of(other)
                )))
            }
        };
        if !family.supported().contains(&own.as_str()) {
            return Err(ResultError::VersionMismatch {
                supported: family.supported(),
                got: own,
            });
        }
        let own_label = if own.is_empty() {
            "0.1.0".to_string()
        } else {
            own.clone()
        };
        let shape = |msg: String| ResultError::Shape {
            version: own_label.clone(),
            msg,
        };
        match family {
            Family::F020 => {
                let mut r = parse::result020(map).map_err(shape)?;
                r.cni_version = own_label.clone();
                Ok(CniResult::V020(r))
            }
            Family::F040 => {
                let mut r = parse::result040(map).map_err(shape)?;
                r.cni_version = own;
                Ok(CniResult::V040(r))
            }
            Family::F100 => {
                let mut r = parse::result100(map).map_err(shape)?;
                r.cni_version = own;
                Ok(CniResult::V100(r))
            }
        }
    }

    /// The result's version string (empty only for a result built in code without one).
    pub fn version(&self) -> &str {
        match self {
            CniResult::V020(r) => &r.cni_version,
            CniResult::V040(r) => &r.cni_version,
            CniResult::V100(r) => &r.cni_version,
        }
    }

    /// Converts to another version (`""` = 0.1.0) with libcni's rules.
    pub fn convert_to(&self, to: &str) -> Result<CniResult, ResultError> {
        convert::convert(self, to)
    }

    /// Encodes as JSON the way libcni would.
    pub fn to_value(&self) -> Value {
        match self {
            CniResult::V020(r) => encode::result020(r),
            CniResult::V040(r) => encode::result040(r),
            CniResult::V100(r) => sort_keys(&encode::result100(r)),
        }
    }

    /// The JSON libcni's `Print` writes: indented by four spaces, no trailing newline.
    pub fn to_pretty_string(&self) -> String {
        use serde::Serialize;
        let mut out = Vec::new();
        let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
        let mut ser = serde_json::Serializer::with_formatter(&mut out, fmt);
        // Serializing a Value into a Vec cannot fail.
        let _ = self.to_value().serialize(&mut ser);
        String::from_utf8_lossy(&out).into_owned()
    }
}

/// libcni's `fixupResultVersion` + create: parse a plugin's ADD stdout; write the config's
/// version (`""` → `0.1.0`) into the result when it has none or an empty/non-string one.
/// Returns the fixed-up JSON (otherwise as the plugin printed it) and the typed result.
///
/// A `null` output counts as an empty object. An added `cniVersion` goes first; one that was
/// present (but empty or not a string) is replaced in place.
pub fn parse_plugin_result(
    stdout: &[u8],
    config_version: &str,
) -> Result<(Value, CniResult), ResultError> {
    let raw: Value = serde_json::from_slice(stdout)
        .map_err(|e| ResultError::RawResult(describe_json_error(stdout, &e)))?;
    let mut map = match raw {
        Value::Null => Map::new(),
        Value::Object(m) => m,
        other => {
            return Err(ResultError::RawResult(format!(
                "expected a JSON object, got {}",
                parse::kind_of(&other)
            )))
        }
    };
    let version = match map.get("cniVersion") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        present => {
            let conf = if config_version.is_empty() {
                "0.1.0"
            } else {
                config_version
            };
            if present.is_some() {
                map.insert("cniVersion".to_string(), Value::String(conf.to_string()));
            } else {
                let mut fixed = Map::with_capacity(map.len() + 1);
                fixed.insert("cniVersion".to_string(), Value::String(conf.to_string()));
                fixed.extend(map);
                map = fixed;
            }
            conf.to_string()
        }
    };
    let value = Value::Object(map);
    let result = CniResult::from_value_as(&version, &value)?;
    Ok((value, result))
}

/// The addresses of a result of any version, as written (host bits kept): `ips[].address`
/// (0.3.0 and later), then `ip4.ip` and `ip6.ip` (0.1.0, 0.2.0). Works on raw JSON, so a cached
/// result that does not parse as its version still shows what it holds; entries that are not
/// strings are left out. The one extractor behind `attachments` and `gc`.
pub fn addresses(result: &Value) -> Vec<String> {
    let mut out: Vec<String> = result
        .get("ips")
        .and_then(Value::as_array)
        .map(|ips| {
            ips.iter()
                .filter_map(|ip| ip.get("address").and_then(Value::as_str))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    for family in ["ip4", "ip6"] {
        if let Some(ip) = result
            .get(family)
            .and_then(|f| f.get("ip"))
            .and_then(Value::as_str)
        {
            out.push(ip.to_string());
        }
    }
    out
}

/// A copy of `v` with the keys of every object sorted (what Go's encoding of maps does).
pub fn sort_keys(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut entries: Vec<(&String, &Value)> = m.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.clone(), sort_keys(v)))
                    .collect(),
            )
        }
        Value::Array(a) => Value::Array(a.iter().map(sort_keys).collect()),
        other => other.clone(),
    }
}

/// Describes a JSON decoding error in Go's words where they are easy to match:
/// `unexpected end of JSON input` for truncated or empty input and
/// `invalid character 'x' looking for beginning of value` for input that does not start a
/// JSON value. Other errors keep serde's text.
pub fn describe_json_error(input: &[u8], err: &serde_json::Error) -> String {
    if err.is_eof() {
        return "unexpected end of JSON input".to_string();
    }
    if err.is_syntax() {
        let first = input
            .iter()
            .copied()
            .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
        match first {
            None => return "unexpected end of JSON input".to_string(),
            Some(b)
                if !matches!(
                    b,
                    b'{' | b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n'
                ) =>
            {
                return format!(
                    "invalid character {} looking for beginning of value",
                    quote_byte(b)
                );
            }
            Some(_) => {}
        }
    }
    err.to_string()
}

/// Quotes one byte the way Go's JSON scanner does in its messages (`'a'`, `'\''`, `'\x01'`).
fn quote_byte(b: u8) -> String {
    match b {
        b'\'' => "'\\''".to_string(),
        b'"' => "'\"'".to_string(),
        0x20..=0x7e => format!("'{}'", b as char),
        b'\n' => "'\\n'".to_string(),
        b'\t' => "'\\t'".to_string(),
        b'\r' => "'\\r'".to_string(),
        _ => format!("'\\x{b:02x}'"),
    }
}
