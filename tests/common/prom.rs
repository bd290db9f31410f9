//! A strict reader of the classic Prometheus text format, as node-exporter's textfile
//! collector takes it, narrowed to what cnictl promises: every family has a HELP and a TYPE
//! line before its samples, every TYPE is `gauge`, no other comment (no OpenMetrics `# EOF`),
//! a family's samples are together, no series twice, the text ends with a newline.

use std::collections::BTreeMap;

/// One series.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub labels: BTreeMap<String, String>,
    pub value: f64,
}

/// One metric family.
#[derive(Debug, Clone, PartialEq)]
pub struct Family {
    pub name: String,
    pub help: String,
    pub kind: String,
    pub samples: Vec<Sample>,
}

/// Parsed exposition, by family name.
#[derive(Debug, Clone, Default)]
pub struct Exposition {
    pub families: BTreeMap<String, Family>,
}

impl Exposition {
    /// The value of the series `name{labels}` (exactly these labels), if present.
    pub fn get(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        let want: BTreeMap<String, String> = labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        self.families
            .get(name)?
            .samples
            .iter()
            .find(|s| s.labels == want)
            .map(|s| s.value)
    }

    /// Like `get`, but the test fails with the whole family when the series is absent.
    pub fn value(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.get(name, labels).unwrap_or_else(|| {
            panic!(
                "no series {name}{labels:?}; the family: {:#?}",
                self.families.get(name)
            )
        })
    }

    /// The family names.
    pub fn names(&self) -> Vec<&str> {
        self.families.keys().map(String::as_str).collect()
    }
}

fn valid_metric_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

fn valid_label_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !s.starts_with("__")
}

/// Undoes HELP escaping (`\\` and `\n` only).
fn unescape_help(s: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('\\') => out.push('\\'),
                Some('n') => out.push('\n'),
                other => return Err(format!("bad escape \\{other:?} in HELP")),
            }
        } else {
            out.push(c);
        }
    }
    Ok(out)
}

fn parse_value(s: &str) -> Result<f64, String> {
    match s {
        "+Inf" => Ok(f64::INFINITY),
        "-Inf" => Ok(f64::NEG_INFINITY),
        "NaN" => Ok(f64::NAN),
        _ if s.chars().all(|c| c.is_ascii_digit() || "+-.eE".contains(c)) && !s.is_empty() => {
            s.parse().map_err(|e| format!("bad value {s:?}: {e}"))
        }
        _ => Err(format!("bad value {s:?}")),
    }
}

/// `{a="x",b="y"}` at the start of `s`: the labels and the rest after `}`.
fn parse_labels(s: &str) -> Result<(BTreeMap<String, String>, &str), String> {
    let mut labels = BTreeMap::new();
    let mut rest = s.strip_prefix('{').ok_or("expected {")?;
    if let Some(r) = rest.strip_prefix('}') {
        return Ok((labels, r));
    }
    loop {
        let eq = rest.find('=').ok_or("a label without =")?;
        let name = &rest[..eq];
        if !valid_label_name(name) {
            return Err(format!("bad label name {name:?}"));
        }
        rest = rest[eq + 1..]
            .strip_prefix('"')
            .ok_or("a label value must be quoted")?;
        let mut value = String::new();
        let mut chars = rest.char_indices();
        let end = loop {
            match chars.next() {
                None => return Err("unterminated label value".into()),
                Some((i, '"')) => break i,
                Some((_, '\\')) => match chars.next() {
                    Some((_, '\\')) => value.push('\\'),
                    Some((_, '"')) => value.push('"'),
                    Some((_, 'n')) => value.push('\n'),
                    other => return Err(format!("bad escape in a label value: {other:?}")),
                },
                Some((_, '\n')) => return Err("raw newline in a label value".into()),
                Some((_, c)) => value.push(c),
            }
        };
        if labels.insert(name.to_string(), value).is_some() {
            return Err(format!("label {name} twice"));
        }
        rest = &rest[end + 1..];
        if let Some(r) = rest.strip_prefix(',') {
            rest = r;
        } else if let Some(r) = rest.strip_prefix('}') {
            return Ok((labels, r));
        } else {
            return Err("expected , or } after a label".into());
        }
    }
}

/// Parses `text`, failing on anything the classic format (or cnictl's promise) forbids.
pub fn parse(text: &str) -> Result<Exposition, String> {
    let mut out = Exposition::default();
    if text.is_empty() {
        return Ok(out);
    }
    if !text.ends_with('\n') {
        return Err("the text does not end with a newline".into());
    }
    // Families whose samples have ended (another family started since).
    let mut closed: Vec<String> = Vec::new();
    let mut current: Option<String> = None;
    for (n, line) in text.lines().enumerate() {
        let at = |e: String| format!("line {}: {e}: {line:?}", n + 1);
        if line.is_empty() {
            continue;
        }
        let switch = |name: &str, current: &mut Option<String>, closed: &mut Vec<String>| {
            if current.as_deref() != Some(name) {
                if closed.iter().any(|c| c == name) {
                    return Err(format!("family {name} appears again after another one"));
                }
                if let Some(c) = current.take() {
                    closed.push(c);
                }
                *current = Some(name.to_string());
            }
            Ok(())
        };
        if line.starts_with('#') {
            let comment = line
                .strip_prefix("# ")
                .ok_or_else(|| at("a comment that is neither HELP nor TYPE".into()))?;
            let words: Vec<&str> = comment.splitn(3, ' ').collect();
            match words.as_slice() {
                ["HELP", name, rest @ ..] => {
                    let help = rest.first().copied().unwrap_or("");
                    if !valid_metric_name(name) {
                        return Err(at(format!("bad metric name {name:?}")));
                    }
                    switch(name, &mut current, &mut closed).map_err(at)?;
                    let f = out.families.entry(name.to_string()).or_insert(Family {
                        name: name.to_string(),
                        help: String::new(),
                        kind: String::new(),
                        samples: Vec::new(),
                    });
                    if !f.samples.is_empty() {
                        return Err(at("HELP after the family's samples".into()));
                    }
                    if !f.help.is_empty() {
                        return Err(at("a second HELP".into()));
                    }
                    f.help = unescape_help(help).map_err(at)?;
                    if f.help.is_empty() {
                        return Err(at("empty HELP".into()));
                    }
                }
                ["TYPE", name, kind] => {
                    if *kind != "gauge" {
                        return Err(at(format!("type {kind:?}: cnictl writes gauges only")));
                    }
                    switch(name, &mut current, &mut closed).map_err(at)?;
                    let f = out
                        .families
                        .get_mut(*name)
                        .ok_or_else(|| at("TYPE before HELP".into()))?;
                    if !f.samples.is_empty() || !f.kind.is_empty() {
                        return Err(at("TYPE after samples, or twice".into()));
                    }
                    f.kind = kind.to_string();
                }
                _ => return Err(at("a comment that is neither HELP nor TYPE".into())),
            }
            continue;
        }
        let name_end = line
            .find(['{', ' '])
            .ok_or_else(|| at("a sample without a value".into()))?;
        let name = &line[..name_end];
        if !valid_metric_name(name) {
            return Err(at(format!("bad metric name {name:?}")));
        }
        let (labels, rest) = if line[name_end..].starts_with('{') {
            parse_labels(&line[name_end..]).map_err(at)?
        } else {
            (BTreeMap::new(), &line[name_end..])
        };
        let rest = rest
            .strip_prefix(' ')
            .ok_or_else(|| at("expected a space before the value".into()))?;
        let mut parts = rest.split(' ');
        let value = parse_value(parts.next().unwrap_or("")).map_err(at)?;
        if let Some(ts) = parts.next() {
            ts.parse::<i64>()
                .map_err(|_| at(format!("bad timestamp {ts:?}")))?;
        }
        if parts.next().is_some() {
            return Err(at("extra fields after the value".into()));
        }
        switch(name, &mut current, &mut closed).map_err(at)?;
        let f = out
            .families
            .get_mut(name)
            .ok_or_else(|| at("a sample without HELP and TYPE".into()))?;
        if f.kind.is_empty() {
            return Err(at("a sample without a TYPE line".into()));
        }
        if f.samples.iter().any(|s| s.labels == labels) {
            return Err(at("the same series twice".into()));
        }
        f.samples.push(Sample { labels, value });
    }
    Ok(out)
}

/// Parses `text` or fails the test showing it.
pub fn must_parse(text: &str) -> Exposition {
    parse(text).unwrap_or_else(|e| panic!("not the classic text format: {e}\n{text}"))
}
