//! Go-style `%q` quoting of plugin output for error messages, and Go-style duration text.
//!
//! libcni quotes a plugin's stderr or stdout with `%q` inside its error messages; this renders
//! the same shape (escapes for quotes, backslashes, control characters and invalid UTF-8) and
//! caps the quoted part so a plugin printing megabytes does not produce a megabyte message.

use std::fmt::Write as _;
use std::time::Duration;

/// How many bytes of plugin output an error message quotes.
pub(crate) const MESSAGE_QUOTE_CAP: usize = 512;

/// Quotes `bytes` like Go's `%q`, keeping at most `cap` bytes and noting how many were left out.
pub(crate) fn quote_capped(bytes: &[u8], cap: usize) -> String {
    let (shown, rest) = if bytes.len() > cap {
        (cut_at_char_boundary(bytes, cap), bytes.len())
    } else {
        (bytes, 0)
    };
    let mut out = String::with_capacity(shown.len() + 2);
    out.push('"');
    for chunk in shown.utf8_chunks() {
        for c in chunk.valid().chars() {
            push_escaped(&mut out, c);
        }
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    out.push('"');
    if rest > 0 {
        let _ = write!(out, " (truncated, {} of {} bytes shown)", shown.len(), rest);
    }
    out
}

/// Quotes a string like Go's `%q`.
pub(crate) fn quote_str(s: &str) -> String {
    quote_capped(s.as_bytes(), usize::MAX)
}

/// Cuts at most `cap` bytes without splitting a UTF-8 sequence (when the input is UTF-8).
fn cut_at_char_boundary(bytes: &[u8], cap: usize) -> &[u8] {
    let is_continuation = |i: usize| bytes.get(i).is_some_and(|b| (b & 0xC0) == 0x80);
    let mut end = cap.min(bytes.len());
    // A UTF-8 character has at most 3 continuation bytes: step back over them.
    while end > 0 && cap - end < 3 && is_continuation(end) {
        end -= 1;
    }
    if is_continuation(end) {
        // Not UTF-8 there anyway: cut at the cap.
        end = cap.min(bytes.len());
    }
    bytes.get(..end).unwrap_or(bytes)
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        '\u{07}' => out.push_str("\\a"),
        '\u{08}' => out.push_str("\\b"),
        '\u{0c}' => out.push_str("\\f"),
        '\u{0b}' => out.push_str("\\v"),
        c if (c as u32) < 0x20 || c == '\u{7f}' => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c if c.is_control() => {
            let _ = write!(out, "\\u{:04x}", c as u32);
        }
        c => out.push(c),
    }
}

/// Formats a duration the way Go's `time.Duration.String` does for common values:
/// `500ms`, `5s`, `1.5s`, `2m0s`, `1h2m3s`.
pub(crate) fn go_duration(d: Duration) -> String {
    let nanos = d.as_nanos();
    if nanos == 0 {
        return "0s".to_string();
    }
    if nanos < 1_000 {
        return format!("{nanos}ns");
    }
    if nanos < 1_000_000 {
        return format!("{}µs", trim_fraction(nanos, 1_000));
    }
    if nanos < 1_000_000_000 {
        return format!("{}ms", trim_fraction(nanos, 1_000_000));
    }
    let total_secs = d.as_secs();
    let hours = total_secs / 3600;
    let mins = (total_secs % 3600) / 60;
    let secs_nanos = nanos - u128::from(hours * 3600 + mins * 60) * 1_000_000_000;
    let secs = trim_fraction(secs_nanos, 1_000_000_000);
    if hours > 0 {
        format!("{hours}h{mins}m{secs}s")
    } else if mins > 0 {
        format!("{mins}m{secs}s")
    } else {
        format!("{secs}s")
    }
}

/// `value / unit` with the fractional digits Go would print (trailing zeros removed).
fn trim_fraction(value: u128, unit: u128) -> String {
    let whole = value / unit;
    let frac = value % unit;
    if frac == 0 {
        return whole.to_string();
    }
    let width = unit.to_string().len() - 1;
    let digits = format!("{frac:0width$}");
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_like_go() {
        assert_eq!(quote_str("some stderr message"), "\"some stderr message\"");
        assert_eq!(quote_str("a\"b\\c\nd\te"), "\"a\\\"b\\\\c\\nd\\te\"");
        assert_eq!(quote_str("\u{1b}[0m"), "\"\\x1b[0m\"");
        assert_eq!(quote_str("héllo ☃"), "\"héllo ☃\"");
        assert_eq!(quote_capped(b"ab\xffc", 100), "\"ab\\xffc\"");
    }

    #[test]
    fn caps_long_output() {
        let q = quote_capped(&[b'x'; 10_000], 10);
        assert_eq!(q, "\"xxxxxxxxxx\" (truncated, 10 of 10000 bytes shown)");
        // A multi-byte character at the cut is not split.
        let q = quote_capped("aé".as_bytes(), 2);
        assert!(q.starts_with("\"a\""), "{q}");
    }

    #[test]
    fn durations_like_go() {
        assert_eq!(go_duration(Duration::from_secs(5)), "5s");
        assert_eq!(go_duration(Duration::from_millis(1500)), "1.5s");
        assert_eq!(go_duration(Duration::from_millis(500)), "500ms");
        assert_eq!(go_duration(Duration::from_secs(120)), "2m0s");
        assert_eq!(go_duration(Duration::from_secs(3723)), "1h2m3s");
    }
}
