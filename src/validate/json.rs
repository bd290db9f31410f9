//! A JSON reader that keeps where every key and value starts, so that a finding can name the
//! line and column of the misspelled key or the bad value, not only of syntax errors.
//!
//! It accepts and rejects exactly what serde_json accepts and rejects (with the
//! `arbitrary_precision` feature cnictl uses): the same grammar, the same string rules (no raw
//! control characters, valid UTF-8, paired surrogates in `\u` escapes) and the same nesting
//! limit. Tests compare the two on hand-written and mutated inputs. Rejected input is handed to
//! serde_json once more for its message and position, so syntax errors read the way every other
//! cnictl command reports them.
//!
//! Objects keep every member in file order, repeated keys included (the duplicate-key rule
//! needs them); [`Node::get`] returns the last one, which is the one Go and serde_json keep.

/// A JSON value and the byte offset where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Byte offset of the value's first character.
    pub start: usize,
    /// The value.
    pub value: Json,
}

/// One member of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// The key, unescaped.
    pub key: String,
    /// Byte offset of the key's opening quote.
    pub key_start: usize,
    /// The value.
    pub value: Node,
}

/// A JSON value with spans.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number, exactly as written.
    Number(String),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<Node>),
    /// An object, every member in file order (repeated keys kept).
    Object(Vec<Member>),
}

impl Node {
    /// The last member named `key`, when this is an object.
    pub fn get(&self, key: &str) -> Option<&Member> {
        self.members()?.iter().rev().find(|m| m.key == key)
    }

    /// The members, when this is an object.
    pub fn members(&self) -> Option<&[Member]> {
        match &self.value {
            Json::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The elements, when this is an array.
    pub fn items(&self) -> Option<&[Node]> {
        match &self.value {
            Json::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The string, when this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, when this is a boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Json::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// True for `null`.
    pub fn is_null(&self) -> bool {
        matches!(self.value, Json::Null)
    }

    /// The JSON kind, as messages name it: `string`, `number`, `object`, ...
    pub fn kind(&self) -> &'static str {
        match self.value {
            Json::Null => "null",
            Json::Bool(_) => "boolean",
            Json::Number(_) => "number",
            Json::String(_) => "string",
            Json::Array(_) => "array",
            Json::Object(_) => "object",
        }
    }

    /// The value as serde_json builds it (numbers in serde_json's spelling: `1E5` is `1e+5`).
    pub fn to_serde(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.value {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => Value::Number(
                n.parse()
                    .unwrap_or_else(|_| serde_json::Number::from_string_unchecked(n.clone())),
            ),
            Json::String(s) => Value::String(s.clone()),
            Json::Array(a) => Value::Array(a.iter().map(Node::to_serde).collect()),
            Json::Object(m) => {
                let mut map = serde_json::Map::new();
                for member in m {
                    map.insert(member.key.clone(), member.value.to_serde());
                }
                Value::Object(map)
            }
        }
    }
}

/// A syntax error: serde_json's message and where it points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// serde_json's message without its position suffix (`trailing comma`, ...).
    pub message: String,
    /// Byte offset the error points at.
    pub offset: usize,
}

/// serde_json's nesting limit: 127 nested arrays or objects parse, 128 do not.
const MAX_DEPTH: usize = 127;

/// Parses `bytes` as one JSON document, keeping spans.
pub fn parse(bytes: &[u8]) -> Result<Node, SyntaxError> {
    let mut p = Parser { s: bytes, i: 0 };
    let parsed = p.ws_value_end();
    match parsed {
        Some(node) => Ok(node),
        None => Err(serde_error(bytes)),
    }
}

/// serde_json's verdict on a document this parser rejected: its message and position. If
/// serde_json accepts it (which the equivalence tests rule out), a generic message is given.
fn serde_error(bytes: &[u8]) -> SyntaxError {
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(_) => SyntaxError {
            message: "invalid JSON".to_string(),
            offset: 0,
        },
        Err(e) => {
            let full = e.to_string();
            let suffix = format!(" at line {} column {}", e.line(), e.column());
            let message = full.strip_suffix(&suffix).unwrap_or(&full).to_string();
            let index = LineIndex::new(bytes);
            SyntaxError {
                message,
                offset: index.offset_of(e.line(), e.column()),
            }
        }
    }
}

/// serde_json's private keys. With the `arbitrary_precision` and `raw_value` features cnictl
/// uses, serde_json reads an object whose first key is one of these as a number (its value must
/// be a string holding one) or as the JSON text its string value holds, and rejects anything
/// else. The reader mirrors that so it agrees with the loaders (libcni, in Go, sees ordinary
/// keys).
const SERDE_TOKENS: [&str; 2] = [
    "$serde_json::private::Number",
    "$serde_json::private::RawValue",
];

/// `object` as serde_json reads `text` (the object's bytes): unchanged unless its first key is
/// a [`SERDE_TOKENS`] key; then what serde_json makes of it, every span at the object's start,
/// or None when serde_json rejects it.
fn serde_token(text: &[u8], start: usize, object: Json) -> Option<Json> {
    let Json::Object(members) = &object else {
        return Some(object);
    };
    if !members
        .first()
        .is_some_and(|m| SERDE_TOKENS.contains(&m.key.as_str()))
    {
        return Some(object);
    }
    let value: serde_json::Value = serde_json::from_slice(text).ok()?;
    Some(from_serde(&value, start).value)
}

/// A node for a serde_json value, every span at `start`.
fn from_serde(v: &serde_json::Value, start: usize) -> Node {
    use serde_json::Value;
    let value = match v {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Number(n) => Json::Number(n.to_string()),
        Value::String(s) => Json::String(s.clone()),
        Value::Array(a) => Json::Array(a.iter().map(|v| from_serde(v, start)).collect()),
        Value::Object(m) => Json::Object(
            m.iter()
                .map(|(k, v)| Member {
                    key: k.clone(),
                    key_start: start,
                    value: from_serde(v, start),
                })
                .collect(),
        ),
    };
    Node { start, value }
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn ws_value_end(&mut self) -> Option<Node> {
        self.ws();
        let v = self.value(0)?;
        self.ws();
        (self.i == self.s.len()).then_some(v)
    }

    fn value(&mut self, depth: usize) -> Option<Node> {
        let start = self.i;
        let value = match self.peek()? {
            b'{' => {
                let object = self.object(depth + 1)?;
                serde_token(&self.s[start..self.i], start, object)?
            }
            b'[' => self.array(depth + 1)?,
            b'"' => Json::String(self.string()?),
            b't' => self.word(b"true", Json::Bool(true))?,
            b'f' => self.word(b"false", Json::Bool(false))?,
            b'n' => self.word(b"null", Json::Null)?,
            b'-' | b'0'..=b'9' => Json::Number(self.number()?),
            _ => return None,
        };
        Some(Node { start, value })
    }

    fn word(&mut self, w: &[u8], v: Json) -> Option<Json> {
        if self.s.get(self.i..self.i + w.len())? == w {
            self.i += w.len();
            Some(v)
        } else {
            None
        }
    }

    fn digits(&mut self) -> usize {
        let from = self.i;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.i += 1;
        }
        self.i - from
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    fn number(&mut self) -> Option<String> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek()? {
            b'0' => {
                self.i += 1;
                if matches!(self.peek(), Some(b'0'..=b'9')) {
                    return None;
                }
            }
            b'1'..=b'9' => {
                self.digits();
            }
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return None;
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if self.digits() == 0 {
                return None;
            }
        }
        // Only ASCII was consumed.
        std::str::from_utf8(&self.s[start..self.i])
            .ok()
            .map(str::to_string)
    }

    fn hex4(&mut self) -> Option<u32> {
        let h = self.s.get(self.i..self.i + 4)?;
        let mut n = 0u32;
        for &c in h {
            n = n * 16 + (c as char).to_digit(16)?;
        }
        self.i += 4;
        Some(n)
    }

    fn string(&mut self) -> Option<String> {
        self.i += 1; // the opening quote
        let mut out = String::new();
        let mut run = self.i;
        loop {
            let c = self.peek()?;
            match c {
                b'"' => {
                    out.push_str(std::str::from_utf8(&self.s[run..self.i]).ok()?);
                    self.i += 1;
                    return Some(out);
                }
                b'\\' => {
                    out.push_str(std::str::from_utf8(&self.s[run..self.i]).ok()?);
                    self.i += 1;
                    let e = self.peek()?;
                    self.i += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => out.push(self.unicode_escape()?),
                        _ => return None,
                    }
                    run = self.i;
                }
                0x00..=0x1f => return None,
                _ => self.i += 1,
            }
        }
    }

    /// After `\u`: one code point, surrogate pairs joined; lone surrogates are errors.
    fn unicode_escape(&mut self) -> Option<char> {
        let n = self.hex4()?;
        match n {
            0xDC00..=0xDFFF => None,
            0xD800..=0xDBFF => {
                if self.s.get(self.i..self.i + 2)? != b"\\u" {
                    return None;
                }
                self.i += 2;
                let lo = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&lo) {
                    return None;
                }
                char::from_u32(0x10000 + ((n - 0xD800) << 10) + (lo - 0xDC00))
            }
            _ => char::from_u32(n),
        }
    }

    fn array(&mut self, depth: usize) -> Option<Json> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.i += 1;
        let mut out = Vec::new();
        self.ws();
        if self.peek()? == b']' {
            self.i += 1;
            return Some(Json::Array(out));
        }
        loop {
            self.ws();
            out.push(self.value(depth)?);
            self.ws();
            match self.peek()? {
                b',' => self.i += 1,
                b']' => {
                    self.i += 1;
                    return Some(Json::Array(out));
                }
                _ => return None,
            }
        }
    }

    fn object(&mut self, depth: usize) -> Option<Json> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.i += 1;
        let mut out = Vec::new();
        self.ws();
        if self.peek()? == b'}' {
            self.i += 1;
            return Some(Json::Object(out));
        }
        loop {
            self.ws();
            if self.peek()? != b'"' {
                return None;
            }
            let key_start = self.i;
            let key = self.string()?;
            self.ws();
            if self.peek()? != b':' {
                return None;
            }
            self.i += 1;
            self.ws();
            let value = self.value(depth)?;
            out.push(Member {
                key,
                key_start,
                value,
            });
            self.ws();
            match self.peek()? {
                b',' => self.i += 1,
                b'}' => {
                    self.i += 1;
                    return Some(Json::Object(out));
                }
                _ => return None,
            }
        }
    }
}

/// Line starts of a text, to turn byte offsets into 1-based lines and columns. Columns count
/// characters (a tab is one column), as editors and GitHub's annotations do.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// Characters in `text[..i * CHAR_BLOCK]` for each i, made at the first column asked on a
    /// long line: a column is then found by counting at most one block, not the whole line
    /// (one line of megabytes would make the lookups quadratic).
    chars: std::sync::OnceLock<Vec<usize>>,
    text: Vec<u8>,
}

/// Bytes per entry of [`LineIndex::chars`]; a column this close to its line's start is counted
/// directly.
const CHAR_BLOCK: usize = 256;

/// Characters (bytes that are not UTF-8 continuation bytes) in `bytes`.
fn char_count(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &[u8]) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.iter()
                .enumerate()
                .filter(|(_, &b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex {
            starts,
            chars: std::sync::OnceLock::new(),
            text: text.to_vec(),
        }
    }

    /// Characters before byte `offset` (at most the text's length).
    fn chars_before(&self, offset: usize) -> usize {
        let chars = self.chars.get_or_init(|| {
            let mut chars = Vec::with_capacity(self.text.len() / CHAR_BLOCK + 1);
            let mut total = 0;
            chars.push(0);
            for block in self.text.chunks_exact(CHAR_BLOCK) {
                total += char_count(block);
                chars.push(total);
            }
            chars
        });
        let block = offset / CHAR_BLOCK;
        let from = block * CHAR_BLOCK;
        chars.get(block).copied().unwrap_or_default()
            + char_count(self.text.get(from..offset).unwrap_or_default())
    }

    /// The 1-based (line, column) of byte `offset` (clamped to the text).
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let col = if offset - start <= 2 * CHAR_BLOCK {
            char_count(&self.text[start..offset])
        } else {
            self.chars_before(offset) - self.chars_before(start)
        };
        (line, col + 1)
    }

    /// The byte offset of serde_json's (line, byte column) position. serde_json counts the
    /// column in bytes and reports column 0 for the end of input right after a newline.
    pub fn offset_of(&self, line: usize, column: usize) -> usize {
        let line = line.clamp(1, self.starts.len());
        let start = self.starts[line - 1];
        (start + column.saturating_sub(1)).min(self.text.len())
    }
}

#[cfg(test)]
#[path = "json_tests.rs"]
mod tests;
