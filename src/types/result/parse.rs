//! Decoding result JSON into the typed structs, with Go's tolerance: unknown keys are
//! ignored and `null` counts as absent. Addresses must parse as IP / CIDR; errors carry the
//! JSON path of the offending value (`ips[0].address: invalid CIDR address: x`).

use super::{
    Dns, Interface040, Interface100, IpConfig020, IpConfig040, IpConfig100, Result020, Result040,
    Result100, Route,
};
use serde_json::{Map, Value};
use std::net::IpAddr;

type Parsed<T> = Result<T, String>;

/// The JSON type name of a value, for messages.
pub(crate) fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Parses `addr/len`; the prefix length is decimal without sign or leading zeros and at most
/// 32 (IPv4) or 128 (IPv6).
pub(crate) fn parse_cidr(s: &str) -> Option<(IpAddr, u8)> {
    let (ip, bits) = s.split_once('/')?;
    let ip: IpAddr = ip.parse().ok()?;
    if bits.is_empty() || bits.len() > 3 || !bits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if bits.len() > 1 && bits.starts_with('0') {
        return None;
    }
    let n: u8 = bits.parse().ok()?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    (n <= max).then_some((ip, n))
}

/// True when the IP is IPv4 or IPv4-mapped IPv6 (Go's `To4() != nil`).
pub(crate) fn is_v4(ip: &IpAddr) -> bool {
    match ip {
        IpAddr::V4(_) => true,
        IpAddr::V6(a) => a.to_ipv4_mapped().is_some(),
    }
}

/// True when `cidr` parses and its address is IPv4 (or IPv4-mapped). Unparseable counts as
/// not IPv4, as a nil IP does in Go.
pub(crate) fn cidr_is_v4(cidr: &str) -> bool {
    parse_cidr(cidr).is_some_and(|(ip, _)| is_v4(&ip))
}

/// An object being decoded, with its JSON path for messages.
struct Obj<'a> {
    map: &'a Map<String, Value>,
    path: String,
}

impl<'a> Obj<'a> {
    /// The object at `path`; `null` gives `None`.
    fn of(v: &'a Value, path: String) -> Parsed<Option<Obj<'a>>> {
        match v {
            Value::Null => Ok(None),
            Value::Object(map) => Ok(Some(Obj { map, path })),
            other => Err(format!(
                "{}: expected an object, got {}",
                path_or_top(&path),
                kind_of(other)
            )),
        }
    }

    /// An element of an array that must be an object.
    fn element(v: &'a Value, path: String) -> Parsed<Obj<'a>> {
        Obj::of(v, path.clone())?.ok_or_else(|| format!("{path}: expected an object, got null"))
    }

    fn at(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// The value of `key`, `None` when absent or null.
    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    fn string(&self, key: &str) -> Parsed<String> {
        match self.get(key) {
            None => Ok(String::new()),
            Some(v) => as_string(v, &self.at(key)),
        }
    }

    fn int(&self, key: &str) -> Parsed<i64> {
        Ok(self.opt_int(key)?.unwrap_or(0))
    }

    fn opt_int(&self, key: &str) -> Parsed<Option<i64>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .map(Some)
                .ok_or_else(|| format!("{}: expected an integer, got {n}", self.at(key))),
            Some(other) => Err(format!(
                "{}: expected an integer, got {}",
                self.at(key),
                kind_of(other)
            )),
        }
    }

    fn array(&self, key: &str) -> Parsed<&'a [Value]> {
        match self.get(key) {
            None => Ok(&[]),
            Some(Value::Array(a)) => Ok(a),
            Some(other) => Err(format!(
                "{}: expected an array, got {}",
                self.at(key),
                kind_of(other)
            )),
        }
    }

    /// An array of objects, each decoded by `f` with its path.
    fn objects<T>(&self, key: &str, f: impl Fn(&Obj<'a>) -> Parsed<T>) -> Parsed<Vec<T>> {
        let base = self.at(key);
        self.array(key)?
            .iter()
            .enumerate()
            .map(|(i, v)| f(&Obj::element(v, format!("{base}[{i}]"))?))
            .collect()
    }

    fn strings(&self, key: &str) -> Parsed<Vec<String>> {
        let base = self.at(key);
        self.array(key)?
            .iter()
            .enumerate()
            .map(|(i, v)| match v {
                Value::Null => Ok(String::new()),
                v => as_string(v, &format!("{base}[{i}]")),
            })
            .collect()
    }

    /// A required CIDR (`addr/len`), kept as written.
    fn cidr(&self, key: &str) -> Parsed<String> {
        let path = self.at(key);
        let s = match self.get(key) {
            None => return Err(format!("{path}: missing")),
            Some(v) => as_string(v, &path)?,
        };
        match parse_cidr(&s) {
            Some(_) => Ok(s),
            None => Err(format!("{path}: invalid CIDR address: {s}")),
        }
    }

    /// An optional IP; `""` counts as absent (Go's `net.IP` decoding).
    fn ip(&self, key: &str) -> Parsed<Option<String>> {
        let s = self.string(key)?;
        if s.is_empty() {
            return Ok(None);
        }
        match s.parse::<IpAddr>() {
            Ok(_) => Ok(Some(s)),
            Err(_) => Err(format!("{}: invalid IP address: {s}", self.at(key))),
        }
    }
}

fn path_or_top(path: &str) -> &str {
    if path.is_empty() {
        "result"
    } else {
        path
    }
}

fn as_string(v: &Value, path: &str) -> Parsed<String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        other => Err(format!("{path}: expected a string, got {}", kind_of(other))),
    }
}

fn top(map: &Map<String, Value>) -> Obj<'_> {
    Obj {
        map,
        path: String::new(),
    }
}

fn route(o: &Obj<'_>) -> Parsed<Route> {
    Ok(Route {
        dst: o.cidr("dst")?,
        gw: o.ip("gw")?,
        mtu: o.int("mtu")?,
        advmss: o.int("advmss")?,
        priority: o.int("priority")?,
        table: o.opt_int("table")?,
        scope: o.opt_int("scope")?,
    })
}

fn dns(o: &Obj<'_>) -> Parsed<Dns> {
    let Some(v) = o.get("dns") else {
        return Ok(Dns::default());
    };
    let Some(d) = Obj::of(v, o.at("dns"))? else {
        return Ok(Dns::default());
    };
    Ok(Dns {
        nameservers: d.strings("nameservers")?,
        domain: d.string("domain")?,
        search: d.strings("search")?,
        options: d.strings("options")?,
    })
}

fn ip_config020(o: &Obj<'_>, key: &str) -> Parsed<Option<IpConfig020>> {
    let Some(v) = o.get(key) else {
        return Ok(None);
    };
    let Some(c) = Obj::of(v, o.at(key))? else {
        return Ok(None);
    };
    Ok(Some(IpConfig020 {
        ip: c.cidr("ip")?,
        gateway: c.ip("gateway")?,
        routes: c.objects("routes", route)?,
    }))
}

/// Decodes a 0.1.0/0.2.0 result (its `cniVersion` is set by the caller).
pub(crate) fn result020(map: &Map<String, Value>) -> Parsed<Result020> {
    let o = top(map);
    Ok(Result020 {
        cni_version: String::new(),
        ip4: ip_config020(&o, "ip4")?,
        ip6: ip_config020(&o, "ip6")?,
        dns: dns(&o)?,
    })
}

/// Decodes a 0.3.x/0.4.0 result (its `cniVersion` is set by the caller).
pub(crate) fn result040(map: &Map<String, Value>) -> Parsed<Result040> {
    let o = top(map);
    Ok(Result040 {
        cni_version: String::new(),
        interfaces: o.objects("interfaces", |i| {
            Ok(Interface040 {
                name: i.string("name")?,
                mac: i.string("mac")?,
                sandbox: i.string("sandbox")?,
            })
        })?,
        ips: o.objects("ips", |c| {
            Ok(IpConfig040 {
                version: c.string("version")?,
                interface: c.opt_int("interface")?,
                address: c.cidr("address")?,
                gateway: c.ip("gateway")?,
            })
        })?,
        routes: o.objects("routes", route)?,
        dns: dns(&o)?,
    })
}

/// Decodes a 1.x result (its `cniVersion` is set by the caller). A `version` in an `ips`
/// entry is ignored.
pub(crate) fn result100(map: &Map<String, Value>) -> Parsed<Result100> {
    let o = top(map);
    Ok(Result100 {
        cni_version: String::new(),
        interfaces: o.objects("interfaces", |i| {
            Ok(Interface100 {
                name: i.string("name")?,
                mac: i.string("mac")?,
                mtu: i.int("mtu")?,
                sandbox: i.string("sandbox")?,
                socket_path: i.string("socketPath")?,
                pci_id: i.string("pciID")?,
            })
        })?,
        ips: o.objects("ips", |c| {
            Ok(IpConfig100 {
                interface: c.opt_int("interface")?,
                address: c.cidr("address")?,
                gateway: c.ip("gateway")?,
            })
        })?,
        routes: o.objects("routes", route)?,
        dns: dns(&o)?,
    })
}
