//! The table view of a CNI result: interfaces, addresses, routes and DNS.

use super::Printer;
use cnictl::types::result::CniResult;
use serde_json::Value;

fn s(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| a.iter().map(|x| s(Some(x))).collect())
        .unwrap_or_default()
}

/// Renders a result (any version) as tables, reading it in the 1.1.0 shape.
pub fn result_table(p: &Printer, result: &CniResult) -> String {
    // Every version converts up to 1.1.0 losslessly; fall back to the result as it is.
    let v = result
        .convert_to("1.1.0")
        .map(|r| r.to_value())
        .unwrap_or_else(|_| result.to_value());
    let empty = Vec::new();
    let interfaces = v
        .get("interfaces")
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    let mut out = String::new();
    if !interfaces.is_empty() {
        let mut t = p.table(&["INTERFACE", "MAC", "MTU", "SANDBOX"]);
        t.shrink(&["INTERFACE", "SANDBOX"]);
        for i in interfaces {
            t.add_row(vec![
                s(i.get("name")),
                s(i.get("mac")),
                s(i.get("mtu")),
                s(i.get("sandbox")),
            ]);
        }
        out.push_str(&format!("{}\n", super::table_text(&t)));
    }
    let ips = v.get("ips").and_then(Value::as_array).unwrap_or(&empty);
    if !ips.is_empty() {
        let mut t = p.table(&["ADDRESS", "GATEWAY", "INTERFACE"]);
        for ip in ips {
            let iface = match ip.get("interface").and_then(Value::as_i64) {
                Some(i) if i >= 0 => interfaces
                    .get(i as usize)
                    .map(|x| s(x.get("name")))
                    .unwrap_or_else(|| format!("#{i}")),
                _ => String::new(),
            };
            t.add_row(vec![s(ip.get("address")), s(ip.get("gateway")), iface]);
        }
        out.push_str(&format!("\n{}\n", super::table_text(&t)));
    }
    let routes = v.get("routes").and_then(Value::as_array).unwrap_or(&empty);
    if !routes.is_empty() {
        let mut t = p.table(&["ROUTE", "GATEWAY"]);
        for r in routes {
            t.add_row(vec![s(r.get("dst")), s(r.get("gw"))]);
        }
        out.push_str(&format!("\n{}\n", super::table_text(&t)));
    }
    if let Some(dns) = v
        .get("dns")
        .filter(|d| d.as_object().is_some_and(|o| !o.is_empty()))
    {
        let mut t = p.table(&["DNS", "VALUE"]);
        t.shrink(&["VALUE"]);
        let ns = strings(dns.get("nameservers"));
        if !ns.is_empty() {
            t.add_row(vec!["nameservers".to_string(), ns.join(", ")]);
        }
        if let Some(d) = dns.get("domain") {
            t.add_row(vec!["domain".to_string(), s(Some(d))]);
        }
        let search = strings(dns.get("search"));
        if !search.is_empty() {
            t.add_row(vec!["search".to_string(), search.join(", ")]);
        }
        let opts = strings(dns.get("options"));
        if !opts.is_empty() {
            t.add_row(vec!["options".to_string(), opts.join(", ")]);
        }
        out.push_str(&format!("\n{}\n", super::table_text(&t)));
    }
    if out.is_empty() {
        out.push_str("(the result has no interfaces, addresses, routes or DNS)\n");
    }
    out.trim_start_matches('\n').to_string()
}
