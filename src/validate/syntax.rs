//! File-level rules: empty files, JSON syntax, a top level that is not an object, repeated
//! keys, and numbers Go cannot hold.

use std::collections::HashMap;

use super::diag::{
    FileCtx, Sink, DUPLICATE_KEY, EMPTY_FILE, INVALID_UTF8, JSON_SYNTAX, NOT_AN_OBJECT,
    NUMBER_OUT_OF_RANGE,
};
use super::json::{self, Json, Node};

/// The file's bytes as Go's decoder reads them (each byte that is not UTF-8 becomes U+FFFD,
/// as libcni and containerd load such a file), and the offset of the first such byte.
pub(crate) fn go_decoded(bytes: Vec<u8>) -> (Vec<u8>, Option<usize>) {
    match std::str::from_utf8(&bytes) {
        Ok(_) => (bytes, None),
        Err(e) => (crate::config::json::go_lossy(&bytes), Some(e.valid_up_to())),
    }
}

/// Warns about the first byte that is not UTF-8 (`offset` in the decoded text).
pub(crate) fn invalid_utf8(file: &FileCtx, offset: Option<usize>, sink: &mut Sink) {
    if let Some(offset) = offset {
        sink.emit_hint(
            &INVALID_UTF8,
            file,
            offset,
            "a byte that is not UTF-8 (shown as U+FFFD)".into(),
            Some("runtimes load the file, reading each such byte in a string as U+FFFD; write the text in UTF-8"),
        );
    }
}

/// Parses a file's bytes, reporting what keeps it from being a JSON object. Returns the root
/// object when there is one; repeated keys and out-of-range numbers are reported but do not
/// stop the other checks.
pub(crate) fn check(file: &FileCtx, bytes: &[u8], sink: &mut Sink) -> Option<Node> {
    if bytes
        .iter()
        .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
    {
        sink.emit_hint(
            &EMPTY_FILE,
            file,
            0,
            "the file is empty".into(),
            Some("runtimes fail to load it (\"unexpected end of JSON input\"); delete it or give it a network"),
        );
        return None;
    }
    let root = match json::parse(bytes) {
        Ok(root) => root,
        Err(e) => {
            let hint = syntax_hint(&e.message, bytes, e.offset);
            sink.emit_hint(&JSON_SYNTAX, file, e.offset, e.message, hint);
            return None;
        }
    };
    walk(file, &root, sink);
    if root.members().is_none() {
        sink.emit(
            &NOT_AN_OBJECT,
            file,
            root.start,
            format!(
                "the top level is {} {}; a network configuration is a JSON object",
                article(root.kind()),
                root.kind()
            ),
        );
        return None;
    }
    Some(root)
}

/// "a" or "an" before a JSON kind.
pub(crate) fn article(kind: &str) -> &'static str {
    if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// A hint for serde_json's message `message` about byte `offset` of `bytes`.
fn syntax_hint(message: &str, bytes: &[u8], offset: usize) -> Option<String> {
    let hint = if message.starts_with("trailing comma") {
        "JSON allows no comma after the last element"
    } else if message.starts_with("key must be a string") {
        "keys are written in double quotes"
    } else if message.starts_with("control character") {
        "write a newline or tab inside a string as \\n or \\t"
    } else if message.starts_with("expected `,` or") {
        // serde_json points at what follows the missing comma: the first thing on its line
        // when the comma belongs at the end of an earlier line.
        let offset = offset.min(bytes.len());
        let line_start = bytes[..offset]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        if bytes[line_start..offset]
            .iter()
            .all(|b| matches!(b, b' ' | b'\t' | b'\r'))
        {
            "a comma is probably missing at the end of the previous line"
        } else {
            "a comma is probably missing just before this point"
        }
    } else {
        return None;
    };
    Some(hint.to_string())
}

/// Reports repeated keys and numbers outside float64's range anywhere in the document.
fn walk(file: &FileCtx, node: &Node, sink: &mut Sink) {
    match &node.value {
        Json::Object(members) => {
            duplicates(file, members, sink);
            for m in members {
                walk(file, &m.value, sink);
            }
        }
        Json::Array(items) => {
            for item in items {
                walk(file, item, sink);
            }
        }
        // Go decodes numbers of a generic map as float64 and fails on overflow (underflow to
        // zero is accepted).
        Json::Number(text) if text.parse::<f64>().map_or(true, f64::is_infinite) => {
            let message = format!(
                "the number {text} is beyond float64's range: libcni and Go plugins fail to decode the file"
            );
            let hint = Some("write a smaller number, or a string if the plugin expects one");
            sink.emit_hint(&NUMBER_OUT_OF_RANGE, file, node.start, message, hint);
        }
        _ => {}
    }
}

fn duplicates(file: &FileCtx, members: &[json::Member], sink: &mut Sink) {
    // Most objects are small: comparing each key with the ones before it costs less than
    // hashing them all.
    const SMALL: usize = 16;
    let mut first: HashMap<&str, usize> = HashMap::new();
    for (i, m) in members.iter().enumerate() {
        let earlier = if members.len() <= SMALL {
            members[..i]
                .iter()
                .find(|e| e.key == m.key)
                .map(|e| e.key_start)
        } else {
            first.get(m.key.as_str()).copied()
        };
        match earlier {
            Some(at) => {
                let (line, col) = file.index.position(at);
                sink.emit_hint(
                    &DUPLICATE_KEY,
                    file,
                    m.key_start,
                    format!(
                        "key {:?} is repeated (first at line {line}, column {col}); runtimes silently use this last value",
                        m.key
                    ),
                    Some("remove one of the two"),
                );
            }
            None if members.len() > SMALL => {
                first.insert(&m.key, m.key_start);
            }
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hint_for(text: &str) -> Option<String> {
        let e = json::parse(text.as_bytes()).unwrap_err();
        syntax_hint(&e.message, text.as_bytes(), e.offset)
    }

    #[test]
    fn missing_comma_hint_names_the_right_line() {
        let previous = "a comma is probably missing at the end of the previous line";
        let here = "a comma is probably missing just before this point";
        assert_eq!(
            hint_for("{\n  \"a\": 1\n  \"b\": 2\n}").as_deref(),
            Some(previous)
        );
        assert_eq!(
            hint_for("{\n  \"a\": 1\n\n\t\"b\": 2\n}").as_deref(),
            Some(previous)
        );
        assert_eq!(hint_for("{\"a\": 1 \"b\": 2}").as_deref(), Some(here));
        assert_eq!(
            hint_for("{\n  \"p\": [1\n  2]\n}").as_deref(),
            Some(previous)
        );
        assert_eq!(hint_for("{\n  \"p\": [1 2]\n}").as_deref(), Some(here));
    }
}
