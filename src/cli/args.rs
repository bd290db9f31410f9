//! Arguments shared by add, check and del, and the parsers of their values.

use anyhow::{anyhow, bail, Context};
use serde_json::{Map, Value};
use std::time::Duration;

/// Identity of an attachment: network, namespace, container ID, interface and runtime args.
#[derive(Debug, Clone, clap::Args)]
pub struct AttachmentArgs {
    /// Network name (the `name` of a config in the config directory), or a config file: an
    /// argument with a `/` (./my.conflist, /tmp/x.conf) is loaded from that file, a .conflist
    /// or a single-plugin .conf/.json, and the config directory is not read; my.conflist
    /// without a slash is a network name
    pub network: String,

    /// Network namespace: a name (meaning /var/run/netns/NAME) or a path such as
    /// /proc/PID/ns/net
    pub netns: String,

    /// Interface name inside the container (env: CNI_IFNAME)
    #[arg(
        short,
        long,
        env = "CNI_IFNAME",
        default_value = "eth0",
        value_name = "IFNAME",
        hide_env = true
    )]
    pub ifname: String,

    /// Container ID [default: cnitool's: "cnitool-" + a hash of the netns path]
    #[arg(long, value_name = "ID")]
    pub container_id: Option<String>,

    /// A CNI_ARGS pair (repeatable), merged over the CNI_ARGS variable (K=V;K2=V2): a key
    /// given here replaces the variable's pair of that key
    #[arg(long = "arg", value_name = "K=V")]
    pub args: Vec<String>,

    /// The CNI_ARGS variable
    #[arg(
        long = "cni-args",
        env = "CNI_ARGS",
        value_name = "K=V;...",
        hide = true,
        hide_env_values = true
    )]
    pub cni_args_env: Option<String>,

    /// A capability argument, e.g. portMappings='[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]'
    /// (repeatable), merged over the CAP_ARGS variable (a JSON object): a key given here
    /// replaces the variable's value of that key
    #[arg(long = "cap", value_name = "KEY=JSON")]
    pub caps: Vec<String>,

    /// Capability arguments as one JSON object
    #[arg(
        long = "cap-args",
        env = "CAP_ARGS",
        value_name = "JSON",
        hide = true,
        hide_env_values = true
    )]
    pub cap_args: Option<String>,
}

impl AttachmentArgs {
    /// The CNI_ARGS pairs (the variable's, each --arg merged over them: one of the same key
    /// replaces the pair in place, others follow), or None when neither was given.
    pub fn cni_args(&self) -> anyhow::Result<Option<Vec<(String, String)>>> {
        if self.args.is_empty() && self.cni_args_env.is_none() {
            return Ok(None);
        }
        let mut pairs = match &self.cni_args_env {
            Some(env) => env
                .split(';')
                .map(parse_pair)
                .collect::<anyhow::Result<Vec<_>>>()?,
            None => Vec::new(),
        };
        for arg in &self.args {
            let (k, v) = parse_pair(arg)?;
            match pairs.iter_mut().find(|(key, _)| *key == k) {
                Some(pair) => pair.1 = v,
                None => pairs.push((k, v)),
            }
        }
        Ok(Some(pairs))
    }

    /// The capability args (CAP_ARGS with each --cap merged over it), or None when none given.
    pub fn capability_args(&self) -> anyhow::Result<Option<Map<String, Value>>> {
        if self.caps.is_empty() && self.cap_args.is_none() {
            return Ok(None);
        }
        let mut map = match &self.cap_args {
            Some(json) => match serde_json::from_str::<Value>(json) {
                Ok(Value::Object(m)) => m,
                Ok(_) => bail!("CAP_ARGS must be a JSON object"),
                Err(e) => bail!("CAP_ARGS is not valid JSON: {e}"),
            },
            None => Map::new(),
        };
        for cap in &self.caps {
            let (key, json) = cap
                .split_once('=')
                .ok_or_else(|| anyhow!("--cap {cap:?}: expected KEY=JSON"))?;
            if key.is_empty() {
                bail!("--cap {cap:?}: the key is empty");
            }
            let value: Value = serde_json::from_str(json)
                .with_context(|| format!("--cap {key}: the value is not valid JSON"))?;
            map.insert(key.to_string(), value);
        }
        Ok(Some(map))
    }
}

/// One CNI_ARGS pair: exactly one `=`, both sides non-empty (cnitool's rule).
pub fn parse_pair(pair: &str) -> anyhow::Result<(String, String)> {
    let parts: Vec<&str> = pair.split('=').collect();
    match parts.as_slice() {
        [k, v] if !k.is_empty() && !v.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => {
            bail!("invalid CNI_ARGS pair {pair:?} (from --arg or CNI_ARGS): expected KEY=VALUE with no '=' or ';' in either")
        }
    }
}

/// Parses `500ms`, `5s`, `2m`, `1h` or a bare number of seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("invalid duration {s:?} (try 500ms, 5s or 2m)"))?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "" | "s" => n,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        _ => {
            return Err(format!(
                "invalid duration unit in {s:?} (use ms, s, m or h)"
            ))
        }
    };
    if !secs.is_finite() || secs <= 0.0 || secs > 86_400.0 * 365.0 {
        return Err(format!("duration {s:?} out of range"));
    }
    Ok(Duration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_follow_cnitool() {
        assert_eq!(parse_pair("A=1").unwrap(), ("A".into(), "1".into()));
        assert!(parse_pair("").is_err());
        assert!(parse_pair("A=b=c")
            .unwrap_err()
            .to_string()
            .contains("\"A=b=c\""));
        assert!(parse_pair("A").is_err());
        assert!(parse_pair("=1").is_err());
    }

    fn attachment(args: &[&str], env: Option<&str>) -> AttachmentArgs {
        AttachmentArgs {
            network: "n".into(),
            netns: "x".into(),
            ifname: "eth0".into(),
            container_id: None,
            args: args.iter().map(|a| a.to_string()).collect(),
            cni_args_env: env.map(str::to_string),
            caps: Vec::new(),
            cap_args: None,
        }
    }

    #[test]
    fn arg_flags_merge_over_the_variable_as_cap_flags_do() {
        let pairs = |a: AttachmentArgs| a.cni_args().unwrap();
        let p = |k: &str, v: &str| (k.to_string(), v.to_string());
        assert_eq!(pairs(attachment(&[], None)), None);
        assert_eq!(
            pairs(attachment(&[], Some("A=1;B=2"))),
            Some(vec![p("A", "1"), p("B", "2")])
        );
        assert_eq!(
            pairs(attachment(&["B=3", "C=4"], Some("A=1;B=2"))),
            Some(vec![p("A", "1"), p("B", "3"), p("C", "4")])
        );
        assert_eq!(pairs(attachment(&["C=4"], None)), Some(vec![p("C", "4")]));
        assert!(attachment(&["C=4"], Some("A=1;"))
            .cni_args()
            .unwrap_err()
            .to_string()
            .contains("\"\""));
        let mut a = attachment(&[], None);
        a.cap_args = Some(r#"{"mac":"m1","bandwidth":{}}"#.into());
        a.caps = vec![r#"mac="m2""#.into()];
        assert_eq!(
            serde_json::to_string(&a.capability_args().unwrap().unwrap()).unwrap(),
            r#"{"mac":"m2","bandwidth":{}}"#
        );
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("5s").unwrap(), Duration::from_secs(5));
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("2m").unwrap(), Duration::from_secs(120));
        assert_eq!(parse_duration("3").unwrap(), Duration::from_secs(3));
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("5x").is_err());
        assert!(parse_duration("").is_err());
    }
}
