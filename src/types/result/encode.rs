//! Encoding the typed results as libcni writes them: struct key order, zero `mtu`/`advmss`/
//! `priority` and empty strings or lists omitted, `table`/`scope` kept when set, 0.x `dns`
//! always present. (The caller sorts the keys of 1.x results.)

use super::{Dns, IpConfig020, Result020, Result040, Result100, Route};
use serde_json::{Map, Value};

fn put_str(m: &mut Map<String, Value>, key: &str, s: &str) {
    if !s.is_empty() {
        m.insert(key.to_string(), Value::String(s.to_string()));
    }
}

fn put_opt_str(m: &mut Map<String, Value>, key: &str, s: &Option<String>) {
    if let Some(s) = s {
        put_str(m, key, s);
    }
}

fn put_int(m: &mut Map<String, Value>, key: &str, n: i64) {
    if n != 0 {
        m.insert(key.to_string(), Value::from(n));
    }
}

fn put_opt_int(m: &mut Map<String, Value>, key: &str, n: Option<i64>) {
    if let Some(n) = n {
        m.insert(key.to_string(), Value::from(n));
    }
}

fn put_list(m: &mut Map<String, Value>, key: &str, items: Vec<Value>) {
    if !items.is_empty() {
        m.insert(key.to_string(), Value::Array(items));
    }
}

fn strings(v: &[String]) -> Vec<Value> {
    v.iter().map(|s| Value::String(s.clone())).collect()
}

pub(crate) fn route(r: &Route) -> Value {
    let mut m = Map::new();
    m.insert("dst".to_string(), Value::String(r.dst.clone()));
    put_opt_str(&mut m, "gw", &r.gw);
    put_int(&mut m, "mtu", r.mtu);
    put_int(&mut m, "advmss", r.advmss);
    put_int(&mut m, "priority", r.priority);
    put_opt_int(&mut m, "table", r.table);
    put_opt_int(&mut m, "scope", r.scope);
    Value::Object(m)
}

fn routes(rs: &[Route]) -> Vec<Value> {
    rs.iter().map(route).collect()
}

pub(crate) fn dns(d: &Dns) -> Value {
    let mut m = Map::new();
    put_list(&mut m, "nameservers", strings(&d.nameservers));
    put_str(&mut m, "domain", &d.domain);
    put_list(&mut m, "search", strings(&d.search));
    put_list(&mut m, "options", strings(&d.options));
    Value::Object(m)
}

fn ip_config020(c: &IpConfig020) -> Value {
    let mut m = Map::new();
    m.insert("ip".to_string(), Value::String(c.ip.clone()));
    put_opt_str(&mut m, "gateway", &c.gateway);
    put_list(&mut m, "routes", routes(&c.routes));
    Value::Object(m)
}

pub(crate) fn result020(r: &Result020) -> Value {
    let mut m = Map::new();
    put_str(&mut m, "cniVersion", &r.cni_version);
    if let Some(c) = &r.ip4 {
        m.insert("ip4".to_string(), ip_config020(c));
    }
    if let Some(c) = &r.ip6 {
        m.insert("ip6".to_string(), ip_config020(c));
    }
    m.insert("dns".to_string(), dns(&r.dns));
    Value::Object(m)
}

pub(crate) fn result040(r: &Result040) -> Value {
    let mut m = Map::new();
    put_str(&mut m, "cniVersion", &r.cni_version);
    let interfaces = r
        .interfaces
        .iter()
        .map(|i| {
            let mut o = Map::new();
            o.insert("name".to_string(), Value::String(i.name.clone()));
            put_str(&mut o, "mac", &i.mac);
            put_str(&mut o, "sandbox", &i.sandbox);
            Value::Object(o)
        })
        .collect();
    put_list(&mut m, "interfaces", interfaces);
    let ips = r
        .ips
        .iter()
        .map(|c| {
            let mut o = Map::new();
            o.insert("version".to_string(), Value::String(c.version.clone()));
            put_opt_int(&mut o, "interface", c.interface);
            o.insert("address".to_string(), Value::String(c.address.clone()));
            put_opt_str(&mut o, "gateway", &c.gateway);
            Value::Object(o)
        })
        .collect();
    put_list(&mut m, "ips", ips);
    put_list(&mut m, "routes", routes(&r.routes));
    m.insert("dns".to_string(), dns(&r.dns));
    Value::Object(m)
}

/// The 1.x encoding in struct order; `CniResult::to_value` sorts its keys as libcni does.
pub(crate) fn result100(r: &Result100) -> Value {
    let mut m = Map::new();
    put_str(&mut m, "cniVersion", &r.cni_version);
    let interfaces = r
        .interfaces
        .iter()
        .map(|i| {
            let mut o = Map::new();
            o.insert("name".to_string(), Value::String(i.name.clone()));
            put_str(&mut o, "mac", &i.mac);
            put_int(&mut o, "mtu", i.mtu);
            put_str(&mut o, "sandbox", &i.sandbox);
            put_str(&mut o, "socketPath", &i.socket_path);
            put_str(&mut o, "pciID", &i.pci_id);
            Value::Object(o)
        })
        .collect();
    put_list(&mut m, "interfaces", interfaces);
    let ips = r
        .ips
        .iter()
        .map(|c| {
            let mut o = Map::new();
            put_opt_int(&mut o, "interface", c.interface);
            o.insert("address".to_string(), Value::String(c.address.clone()));
            put_opt_str(&mut o, "gateway", &c.gateway);
            Value::Object(o)
        })
        .collect();
    put_list(&mut m, "ips", ips);
    put_list(&mut m, "routes", routes(&r.routes));
    if !r.dns.is_empty() {
        m.insert("dns".to_string(), dns(&r.dns));
    }
    Value::Object(m)
}
