//! JSON reading that keeps a plugin's config verbatim.
//!
//! serde_json (with `arbitrary_precision`) keeps a number's digits but rewrites its exponent
//! (`1e400` becomes `1e+400`, `1E5` becomes `1e+5`). Plugins must get their numbers exactly as
//! written, so after serde_json has accepted the text (it decides what is valid JSON and gives
//! the positions of syntax errors) a small builder walks the text again and makes each number
//! from its source text. The builder also recovers a broken file's network name leniently.

use serde_json::{Map, Number, Value};

use super::error::JsonSyntax;

/// Parses `bytes` as one JSON value, keeping every number's text as written. Accepts and
/// rejects exactly what serde_json does.
pub(crate) fn parse_verbatim(bytes: &[u8]) -> Result<Value, JsonSyntax> {
    // Go's decoder (libcni, containerd, CRI-O) reads a string holding invalid UTF-8 with each
    // bad byte replaced by U+FFFD and loads the file; cnictl reads it the same way, so its
    // lookups and listings see the network a runtime sees. (Outside strings such a byte is a
    // syntax error either way.)
    let lossy;
    let bytes = if std::str::from_utf8(bytes).is_ok() {
        bytes
    } else {
        lossy = go_lossy(bytes);
        &lossy
    };
    // serde_json decides what is valid. Checking the text without building its value
    // (IgnoredAny) costs a fraction of a parse into a Value; the builder then makes the value
    // once. What the check and the builder both accept is valid for the full parse too: the
    // builder turns strings with serde_json itself (a lone surrogate fails there) and stops
    // short of serde_json's nesting limit. Anything else takes the full parse, whose verdict
    // and error positions are the ones reported.
    // serde_json gives two private keys a meaning of their own when one opens an object
    // (`$serde_json::private::Number` and `...::RawValue`, from arbitrary_precision and
    // raw_value): the cheap check does not, so a text naming them takes the full parse.
    let private_key = bytes.windows(PRIVATE_KEY.len()).any(|w| w == PRIVATE_KEY);
    if !private_key && serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok() {
        let mut b = Builder::new(bytes);
        b.ws();
        if let Some(v) = b.value() {
            return Ok(v);
        }
    }
    let checked: Value = serde_json::from_slice(bytes).map_err(|e| JsonSyntax::from_serde(&e))?;
    let mut b = Builder::new(bytes);
    b.ws();
    // serde_json accepted the text, so the builder cannot fail; if it ever did, serde_json's
    // own value (with normalised exponents) is still correct JSON.
    Ok(b.value().unwrap_or(checked))
}

/// `bytes` with every byte that is not part of valid UTF-8 replaced by U+FFFD, one per byte, as
/// Go's `encoding/json` does inside strings (Rust's lossy conversion replaces a truncated
/// sequence with a single U+FFFD; Go replaces each of its bytes).
pub(crate) fn go_lossy(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + 16);
    for chunk in bytes.utf8_chunks() {
        out.extend_from_slice(chunk.valid().as_bytes());
        for _ in chunk.invalid() {
            out.extend_from_slice("\u{FFFD}".as_bytes());
        }
    }
    out
}

struct Builder<'a> {
    s: &'a [u8],
    i: usize,
    /// Arrays and objects open around the current position.
    depth: usize,
}

/// The builder gives up deeper than this: serde_json refuses past 128 levels, so whatever it
/// accepts the builder builds too (numbers keep their text at every depth it allows).
const MAX_DEPTH: usize = 128;

/// What serde_json's private keys start with.
const PRIVATE_KEY: &[u8] = b"$serde_json::private::";

impl<'a> Builder<'a> {
    fn new(s: &'a [u8]) -> Self {
        Builder { s, i: 0, depth: 0 }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        if self.peek() == Some(c) {
            self.i += 1;
            Some(())
        } else {
            None
        }
    }

    fn value(&mut self) -> Option<Value> {
        match self.peek()? {
            b'{' | b'[' if self.depth >= MAX_DEPTH => None,
            b'{' => {
                self.depth += 1;
                let v = self.object();
                self.depth -= 1;
                v
            }
            b'[' => {
                self.depth += 1;
                let v = self.array();
                self.depth -= 1;
                v
            }
            b'"' => self.string().map(Value::String),
            b't' => self.literal(b"true", Value::Bool(true)),
            b'f' => self.literal(b"false", Value::Bool(false)),
            b'n' => self.literal(b"null", Value::Null),
            _ => self.number(),
        }
    }

    fn literal(&mut self, word: &[u8], v: Value) -> Option<Value> {
        if self.s.get(self.i..self.i + word.len())? == word {
            self.i += word.len();
            Some(v)
        } else {
            None
        }
    }

    fn number(&mut self) -> Option<Value> {
        let start = self.i;
        while matches!(
            self.peek(),
            Some(b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')
        ) {
            self.i += 1;
        }
        let text = std::str::from_utf8(&self.s[start..self.i]).ok()?;
        if text.is_empty() {
            return None;
        }
        // The text was validated by serde_json as a JSON number.
        Some(Value::Number(Number::from_string_unchecked(
            text.to_string(),
        )))
    }

    fn string(&mut self) -> Option<String> {
        let end = string_end(self.s, self.i)?;
        let raw = &self.s[self.i..end];
        if raw.first() != Some(&b'"') {
            return None;
        }
        // Most strings have no escape and no control character: their text is their value
        // (the input is valid UTF-8 and the quotes are ASCII, so the slice is too). The rest
        // are decoded by serde_json, which also refuses what JSON does not allow.
        let inner = &raw[1..raw.len() - 1];
        let v = if inner.iter().all(|&b| b != b'\\' && b >= 0x20) {
            String::from_utf8(inner.to_vec()).ok()?
        } else {
            serde_json::from_slice::<String>(raw).ok()?
        };
        self.i = end;
        Some(v)
    }

    fn array(&mut self) -> Option<Value> {
        self.eat(b'[')?;
        let mut out = Vec::new();
        self.ws();
        if self.eat(b']').is_some() {
            return Some(Value::Array(out));
        }
        loop {
            self.ws();
            out.push(self.value()?);
            self.ws();
            if self.eat(b',').is_none() {
                self.eat(b']')?;
                return Some(Value::Array(out));
            }
        }
    }

    fn object(&mut self) -> Option<Value> {
        self.eat(b'{')?;
        let mut out = Map::new();
        self.ws();
        if self.eat(b'}').is_some() {
            return Some(Value::Object(out));
        }
        loop {
            self.ws();
            let k = self.string()?;
            self.ws();
            self.eat(b':')?;
            self.ws();
            let v = self.value()?;
            // Like serde_json: a repeated key keeps its first position and takes the last value.
            out.insert(k, v);
            self.ws();
            if self.eat(b',').is_none() {
                self.eat(b'}')?;
                return Some(Value::Object(out));
            }
        }
    }
}

/// Index just past the string literal starting at `start` (a `"`), or None if unterminated.
fn string_end(s: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    loop {
        match s.get(i)? {
            b'"' => return Some(i + 1),
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Open,
    Close,
    Colon,
    Comma,
    Str(Option<String>),
    Other,
}

/// Finds the top-level `"name": "<string>"` of a possibly broken JSON object: the network a
/// broken file meant to define. Tokens are read until the first top-level object closes or an
/// unterminated string ends the text; everything else that is not JSON is skipped.
pub(crate) fn lenient_name(bytes: &[u8]) -> Option<String> {
    let mut depth: usize = 0;
    let mut found = None;
    // The last three tokens seen at depth 1 (inside the top-level object), with a marker for
    // "key position" (just after the opening brace or a comma at depth 1).
    let mut window: Vec<Tok> = Vec::new();
    let mut i = 0;
    let mut started = false;
    while i < bytes.len() {
        let c = bytes[i];
        let tok = match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'{' | b'[' => {
                i += 1;
                Tok::Open
            }
            b'}' | b']' => {
                i += 1;
                Tok::Close
            }
            b':' => {
                i += 1;
                Tok::Colon
            }
            b',' => {
                i += 1;
                Tok::Comma
            }
            b'"' => {
                let end = string_end(bytes, i)?;
                let s = serde_json::from_slice::<String>(&bytes[i..end]).ok();
                i = end;
                Tok::Str(s)
            }
            _ => {
                i += 1;
                Tok::Other
            }
        };
        if !started {
            // The top level must be an object.
            if c != b'{' {
                return None;
            }
            started = true;
            depth = 1;
            window.push(Tok::Comma);
            continue;
        }
        match tok {
            Tok::Open => {
                depth += 1;
                window.clear();
            }
            Tok::Close => {
                depth -= 1;
                window.clear();
                if depth == 0 {
                    break;
                }
            }
            t if depth == 1 => {
                window.push(t);
                if window.len() > 4 {
                    window.remove(0);
                }
                if let [Tok::Comma, Tok::Str(Some(k)), Tok::Colon, Tok::Str(Some(v))] =
                    window.as_slice()
                {
                    if k == "name" {
                        found = Some(v.clone());
                    }
                }
            }
            _ => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_and_errors_are_serde_jsons() {
        // Texts the cheap check (IgnoredAny) and the full parse may see differently: the full
        // parse's verdict and message must come out, whichever path is taken.
        let deep_ok = format!("{}1{}", "[".repeat(120), "]".repeat(120));
        let deep_bad = format!("{}1{}", "[".repeat(200), "]".repeat(200));
        let cases: Vec<Vec<u8>> = vec![
            br#"{"a":"\ud800"}"#.to_vec(),
            br#"{"a":"\udc00x"}"#.to_vec(),
            br#"{"a":"\ud83d\ude00"}"#.to_vec(),
            br#"{"a":"\u12"}"#.to_vec(),
            b"{\"a\":\"\x01\"}".to_vec(),
            br#"{"a":1} x"#.to_vec(),
            br#"{"a":1,}"#.to_vec(),
            br#"{"a":-01}"#.to_vec(),
            br#"{"a":1e5,"b":-0.5E-3,"a":2}"#.to_vec(),
            br#"[1,2"#.to_vec(),
            deep_ok.into_bytes(),
            deep_bad.into_bytes(),
            br#"{"$serde_json::private::Number":"zz"}"#.to_vec(),
            br#"{"$serde_json::private::Number":-0}"#.to_vec(),
            br#"{"$serde_json::private::RawValue":"[1"}"#.to_vec(),
            br#"{"a":{"$serde_json::private::Number":"1"}}"#.to_vec(),
            br#"{"plugins":[{"$serde_json::private::RawValue":"{}"}]}"#.to_vec(),
        ];
        assert_eq!(
            parse_verbatim(br#"{"a":"\ud83d\ude00"}"#).unwrap()["a"],
            "\u{1F600}"
        );
        for text in cases {
            let full = serde_json::from_slice::<Value>(&text);
            let ours = parse_verbatim(&text);
            match (&full, &ours) {
                // Both accept (numbers keep their text in ours: numbers_keep_their_text).
                (Ok(_), Ok(_)) => {}
                (Err(f), Err(o)) => assert_eq!(
                    JsonSyntax::from_serde(f).to_string(),
                    o.to_string(),
                    "{}",
                    String::from_utf8_lossy(&text)
                ),
                _ => panic!(
                    "{}: serde_json {full:?}, parse_verbatim {ours:?}",
                    String::from_utf8_lossy(&text)
                ),
            }
        }
    }

    #[test]
    fn numbers_keep_their_text_at_every_depth_serde_json_accepts() {
        for depth in [90, 110, 127] {
            let text = format!("{}{{\"w\":1E5}}{}", "[".repeat(depth), "]".repeat(depth));
            let v = parse_verbatim(text.as_bytes()).expect("serde_json accepts it");
            assert!(v.to_string().contains("1E5"), "depth {depth}: {v}");
        }
    }

    #[test]
    fn invalid_utf8_in_strings_reads_as_go_reads_it() {
        // One U+FFFD per bad byte, as Go's decoder: a lone continuation byte, a truncated
        // three-byte sequence (two bytes: two U+FFFD, where Rust's lossy gives one), an
        // encoded surrogate (three), a byte that never starts UTF-8.
        let bytes =
            b"{\"name\":\"n\x80t\",\"a\":\"\xe2\x82z\",\"b\":\"\xed\xa0\x80\",\"c\":\"\xff\"}";
        let v = parse_verbatim(bytes).unwrap();
        assert_eq!(v["name"], "n\u{FFFD}t");
        assert_eq!(v["a"], "\u{FFFD}\u{FFFD}z");
        assert_eq!(v["b"], "\u{FFFD}\u{FFFD}\u{FFFD}");
        assert_eq!(v["c"], "\u{FFFD}");
        // outside a string it is still a syntax error
        assert!(parse_verbatim(b"{\"a\":1\x80}").is_err());
        // and the lenient name recovery of a broken file sees the same name
        assert_eq!(
            lenient_name(&go_lossy(b"{\"name\":\"n\x80t\",")).as_deref(),
            Some("n\u{FFFD}t")
        );
    }

    #[test]
    fn numbers_keep_their_text() {
        let text = r#"{"a":1e400,"b":18446744073709551616,"c":1E5,"d":-0,"e":1.50,"f":2e-3,"g":[1E+2,{"h":-1.0e-0}]}"#;
        let v = parse_verbatim(text.as_bytes()).unwrap();
        assert_eq!(serde_json::to_string(&v).unwrap(), text);
    }

    #[test]
    fn strings_and_duplicates_like_serde() {
        let text = r#" { "k\"ey" : "a\u00e9\n" , "x": true, "k\"ey": null, "e": {}, "l": [] } "#;
        let ours = parse_verbatim(text.as_bytes()).unwrap();
        let theirs: Value = serde_json::from_str(text).unwrap();
        assert_eq!(ours, theirs);
        assert_eq!(
            serde_json::to_string(&ours).unwrap(),
            serde_json::to_string(&theirs).unwrap()
        );
    }

    #[test]
    fn rejects_what_serde_rejects() {
        for bad in [
            "",
            "{",
            "{\"a\":1,}",
            "[1,]",
            "01",
            "1.",
            "-",
            "\"\\x\"",
            "{}x",
            "nul",
            "\u{feff}{}",
        ] {
            assert!(
                parse_verbatim(bad.as_bytes()).is_err(),
                "{bad:?} should fail"
            );
            assert!(serde_json::from_str::<Value>(bad).is_err());
        }
        for good in [
            "1",
            "\"s\"",
            "null",
            "[]",
            "-0.5",
            " {\"a\":[true,false]}\n",
        ] {
            assert_eq!(
                parse_verbatim(good.as_bytes()).unwrap(),
                serde_json::from_str::<Value>(good).unwrap(),
                "{good:?}"
            );
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(100_000);
        let e = parse_verbatim(deep.as_bytes()).unwrap_err();
        assert_eq!(e.message, "recursion limit exceeded");
        let deep = format!("{{\"name\":\"n\",\"x\":{}", "{\"a\":".repeat(100_000));
        assert_eq!(lenient_name(deep.as_bytes()), Some("n".into()));
    }

    #[test]
    fn syntax_errors_have_positions() {
        let e = parse_verbatim(b"{\n  \"name\": \"x\",\n}").unwrap_err();
        assert_eq!((e.line, e.column), (3, 1));
        assert_eq!(e.message, "trailing comma");
        let e = parse_verbatim(b"{\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 1));
        assert_eq!(e.message, "EOF while parsing an object");
    }

    #[test]
    fn lenient_name_recovery() {
        assert_eq!(
            lenient_name(br#"{"name":"a","plugins":[{"type":"x",}]}"#),
            Some("a".into())
        );
        assert_eq!(
            lenient_name(br#"{"plugins":[{"name":"inner",}], "name" : "outer""#),
            Some("outer".into())
        );
        assert_eq!(
            lenient_name(br#"{"cniVersion":"1.0.0" "name":"missing-comma"}"#),
            None
        );
        assert_eq!(lenient_name(br#"{"ipam":{"name":"inner"}}"#), None);
        assert_eq!(lenient_name(br#"{"name":1}"#), None);
        assert_eq!(lenient_name(br#"["name","x"]"#), None);
        assert_eq!(lenient_name(br#"{"name":"unterminated"#), None);
        assert_eq!(lenient_name(br#"{"a":"x"}{"name":"second"}"#), None);
        assert_eq!(
            lenient_name(b"{\"name\":\"esc\\u0061ped\", \xff\xfe"),
            Some("escaped".into())
        );
        assert_eq!(lenient_name(b""), None);
    }
}
