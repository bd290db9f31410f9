//! The bytes Go's `encoding/json` writes for a value it decoded into `interface{}`: what libcni's
//! `ConfListFromConf` caches as a wrapped `.conf` file's `config`. cnictl must produce the same
//! bytes, or every DEL of an attachment a libcni-based runtime (containerd, CRI-O, cnitool) made
//! from a `.conf` file would say the config changed since ADD.
//!
//! Go decodes the file into `map[string]interface{}` and marshals it again, so:
//! - object keys come out sorted (byte order), at every depth; a duplicated key keeps its last
//!   value;
//! - every number goes through float64: shortest round-trip digits, plain notation for
//!   1e-6 <= |x| < 1e21, else exponent notation like `1e+21` or `1.5e-7`;
//! - strings are escaped the Go way: `<`, `>`, `&`, U+2028 and U+2029 as `\u003c`..., control
//!   characters as `\n`, `\r`, `\t` or `\u00XX` (Go before 1.22 writes `\b` and `\f` that way
//!   too; libcni in Debian is built with Go 1.19).
//!
//! A number outside float64's range (`1e400`) makes Go fail and libcni refuse the file; cnictl
//! accepts it (see the module docs of `config`) and writes its text as is.

use serde_json::Value;

/// Go's `json.Marshal` of `v` as decoded into `interface{}`.
pub(crate) fn marshal(v: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    write_value(&mut out, v);
    out
}

fn write_value(out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Number(n) => write_number(out, &n.to_string()),
        Value::String(s) => write_string(out, s),
        Value::Array(a) => {
            out.push(b'[');
            for (i, item) in a.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(out, item);
            }
            out.push(b']');
        }
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
            out.push(b'{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_string(out, k);
                out.push(b':');
                if let Some(item) = m.get(k) {
                    write_value(out, item);
                }
            }
            out.push(b'}');
        }
    }
}

/// A JSON number text as Go re-encodes it after decoding it into a float64.
fn write_number(out: &mut Vec<u8>, text: &str) {
    let f: f64 = match text.parse() {
        Ok(f) if f64::is_finite(f) => f,
        // Go fails here (libcni refuses the file); cnictl keeps the text.
        _ => {
            out.extend_from_slice(text.as_bytes());
            return;
        }
    };
    out.extend_from_slice(go_float(f).as_bytes());
}

/// Go's `encoding/json` float64 format: strconv 'f' with the shortest digits, or 'e' (with a
/// signed exponent of at least one digit) below 1e-6 and from 1e21 on.
fn go_float(f: f64) -> String {
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        // Rust writes `1.5e-7` and `1e21`; Go `1.5e-7` and `1e+21`.
        let s = format!("{f:e}");
        match s.split_once('e') {
            Some((mantissa, exp)) if !exp.starts_with('-') => format!("{mantissa}e+{exp}"),
            _ => s,
        }
    } else {
        // Display never uses an exponent and gives the shortest round-trip digits, as strconv
        // does with precision -1 (`-0` stays `-0`).
        format!("{f}")
    }
}

fn write_string(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    for c in s.chars() {
        match c {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\t' => out.extend_from_slice(b"\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' | '\u{0}'..='\u{1f}' => {
                let n = c as u32;
                out.extend_from_slice(b"\\u");
                for shift in [12, 8, 4, 0] {
                    out.push(HEX[((n >> shift) & 0xf) as usize]);
                }
            }
            c => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn go(text: &str) -> String {
        let v = crate::config::json::parse_verbatim(text.as_bytes()).unwrap();
        String::from_utf8(marshal(&v)).unwrap()
    }

    #[test]
    fn keys_sorted_at_every_depth() {
        assert_eq!(
            go(r#"{"z":1,"a":{"y":[{"b":1,"a":2}],"x":null},"M":true}"#),
            r#"{"M":true,"a":{"x":null,"y":[{"a":2,"b":1}]},"z":1}"#
        );
    }

    #[test]
    fn numbers_through_float64() {
        // Expected texts are what Go 1.19's json.Marshal(float64) writes.
        let cases = [
            ("1", "1"),
            ("1.0", "1"),
            ("2.50", "2.5"),
            ("-0", "-0"),
            ("-0.0", "-0"),
            ("1400", "1400"),
            ("1E5", "100000"),
            ("18446744073709551616", "18446744073709552000"),
            ("1e20", "100000000000000000000"),
            ("1e21", "1e+21"),
            ("123456789e20", "1.23456789e+28"),
            ("0.000001", "0.000001"),
            ("1E-7", "1e-7"),
            ("1.5e-10", "1.5e-10"),
            ("0.1", "0.1"),
            ("9007199254740993", "9007199254740992"),
            ("1e400", "1e400"),
        ];
        for (input, want) in cases {
            assert_eq!(go(&format!("[{input}]")), format!("[{want}]"), "{input}");
        }
    }

    #[test]
    fn strings_escaped_like_go() {
        assert_eq!(
            go(r#"["a<b>&c", "\u2028\u2029", "\u0001\b\f\n\r\t", "é\"\\/", "\u007f"]"#),
            "[\"a\\u003cb\\u003e\\u0026c\",\"\\u2028\\u2029\",\"\\u0001\\u0008\\u000c\\n\\r\\t\",\"é\\\"\\\\/\",\"\u{7f}\"]"
        );
    }

    #[test]
    fn duplicate_keys_keep_the_last_value() {
        assert_eq!(go(r#"{"b":1,"a":2,"b":3}"#), r#"{"a":2,"b":3}"#);
    }
}
