//! A quick look at a configuration file during a lookup: is it certainly a good file of some
//! other network? Answered without building a JSON value, in one pass over the bytes.
//!
//! A lookup must know, for every file that sorts before the match, which network it defines
//! and whether it loads (a broken one is warned about, or stops the search). Building each
//! file's value only to drop it costs most of a lookup among thousands of files, so the
//! lookup asks this probe first. The probe is one-sided: [`probe`] answers `Some` only for a
//! file whose full load ([`super::list`]) certainly succeeds with that name; anything it does
//! not fully understand — an escape in a key, a duplicated key the rules read, a string flag,
//! `cniVersions`, deep nesting, bytes that are not UTF-8, any error at all — is `None`, and
//! the caller loads the file the full way, which gives the verdict and the message. So the
//! probe can make a lookup faster, never different. `probe_tests` checks that one-sidedness
//! on mutated inputs against the full load.

use super::dir::FileKind;

/// What the probe learnt of a file that certainly loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Probed<'a> {
    /// The network the file defines.
    pub name: &'a str,
    /// A conflist that reads no plugin subdirectory (`loadOnlyInlinedPlugins`). Always true
    /// for a single-plugin file (libcni reads none for it).
    pub inline_only: bool,
}

/// The probe's verdict on `bytes`, a file of `kind`: `Some` when its full load certainly
/// succeeds — except for a conflist's plugin subdirectory, which the caller must check is
/// absent unless `inline_only` — `None` when the probe cannot tell.
pub(crate) fn probe(bytes: &[u8], kind: FileKind) -> Option<Probed<'_>> {
    let mut s = Scan {
        s: bytes,
        i: 0,
        depth: 0,
    };
    s.ws();
    let probed = match kind {
        FileKind::List => s.list()?,
        FileKind::Single => {
            let name = s.plugin()?;
            Probed {
                name: name.unwrap_or(""),
                inline_only: true,
            }
        }
    };
    s.ws();
    // Trailing characters make serde_json reject the file.
    (s.i == s.s.len()).then_some(probed)
}

/// Nesting deeper than this is left to the full load (serde_json stops at 128).
const MAX_DEPTH: u32 = 64;

/// Numbers longer than this are left to the full load.
const MAX_NUMBER: usize = 64;

/// What serde_json's private keys start with: as the first key of an object they make it a
/// number or a raw value, so an object holding one is left to the full load.
const PRIVATE_KEY: &[u8] = b"$serde_json::private::";

/// The bytes that end a run of plain string text: the quote, a backslash, control characters
/// and non-ASCII bytes (checked for UTF-8).
static SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = b < 0x20 || b == b'"' as usize || b == b'\\' as usize || b >= 0x80;
        b += 1;
    }
    t
};

/// A JSON value's kind, as far as the rules care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind<'a> {
    Null,
    Bool(bool),
    Number,
    /// A string without escapes: its bytes (UTF-8).
    Str(&'a [u8]),
    /// A string with escapes (all valid).
    Escaped,
    Array,
    Object,
}

impl Kind<'_> {
    fn is_string(self) -> bool {
        matches!(self, Kind::Str(_) | Kind::Escaped)
    }
}

struct Scan<'a> {
    /// The file. Outside strings only ASCII is valid JSON, so only strings are checked for
    /// UTF-8 (the full load reads other bytes Go's way, replaced: left to it).
    s: &'a [u8],
    i: usize,
    depth: u32,
}

impl<'a> Scan<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }

    /// Any value, checked and skipped.
    fn value(&mut self) -> Option<Kind<'a>> {
        match self.peek()? {
            b'{' => {
                self.object(|s, _| s.value().map(drop))?;
                Some(Kind::Object)
            }
            b'[' => {
                self.array(|s| s.value().map(drop))?;
                Some(Kind::Array)
            }
            b'"' => self.string(),
            b't' => self.literal(b"true", Kind::Bool(true)),
            b'f' => self.literal(b"false", Kind::Bool(false)),
            b'n' => self.literal(b"null", Kind::Null),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    fn literal(&mut self, word: &[u8], kind: Kind<'a>) -> Option<Kind<'a>> {
        let end = self.i + word.len();
        (self.s.get(self.i..end)? == word).then(|| {
            self.i = end;
            kind
        })
    }

    /// A number as JSON writes it: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    fn number(&mut self) -> Option<Kind<'a>> {
        let start = self.i;
        let _ = self.eat(b'-');
        match self.peek()? {
            b'0' => self.i += 1,
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.eat(b'.').is_some() {
            self.some_digits()?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            self.some_digits()?;
        }
        (self.i - start <= MAX_NUMBER).then_some(Kind::Number)
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
    }

    fn some_digits(&mut self) -> Option<()> {
        let start = self.i;
        self.digits();
        (self.i > start).then_some(())
    }

    /// A string: its bytes when it has no escapes. Control characters, bytes that are not
    /// UTF-8, bad escapes and escaped surrogates (serde_json refuses a lone one) are left to
    /// the full load.
    fn string(&mut self) -> Option<Kind<'a>> {
        self.eat(b'"')?;
        let start = self.i;
        let mut escaped = false;
        let mut wide = false;
        loop {
            while !SPECIAL[*self.s.get(self.i)? as usize] {
                self.i += 1;
            }
            match self.s[self.i] {
                b'"' => break,
                b'\\' => {
                    escaped = true;
                    self.i += 1;
                    match self.peek()? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.i += 1,
                        b'u' => {
                            let hex = self.s.get(self.i + 1..self.i + 5)?;
                            if !hex.iter().all(u8::is_ascii_hexdigit) {
                                return None;
                            }
                            let unit = hex
                                .iter()
                                .fold(0u32, |u, &h| u << 4 | (h as char).to_digit(16).unwrap_or(0));
                            if (0xD800..=0xDFFF).contains(&unit) {
                                return None;
                            }
                            self.i += 5;
                        }
                        _ => return None,
                    }
                }
                0x80.. => {
                    wide = true;
                    self.i += 1;
                }
                _ => return None,
            }
        }
        let text = &self.s[start..self.i];
        self.i += 1;
        if wide {
            std::str::from_utf8(text).ok()?;
        }
        Some(if escaped {
            Kind::Escaped
        } else {
            Kind::Str(text)
        })
    }

    fn enter(&mut self, open: u8) -> Option<()> {
        self.eat(open)?;
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    /// An object: `member` is called with each key (escape-free: a key with an escape, or a
    /// serde_json private key, is left to the full load) positioned at its value, and must
    /// consume the value.
    fn object(&mut self, mut member: impl FnMut(&mut Self, &'a [u8]) -> Option<()>) -> Option<()> {
        self.sequence(b'{', b'}', |s| {
            let Kind::Str(key) = s.string()? else {
                return None;
            };
            if key.starts_with(PRIVATE_KEY) {
                return None;
            }
            s.ws();
            s.eat(b':')?;
            s.ws();
            member(s, key)
        })
        .map(drop)
    }

    /// An array: `element` consumes each element. Returns the number of elements.
    fn array(&mut self, element: impl FnMut(&mut Self) -> Option<()>) -> Option<usize> {
        self.sequence(b'[', b']', element)
    }

    /// What arrays and objects share: `open`, items separated by commas (each consumed by
    /// `item`), `close`. Returns the number of items.
    fn sequence(
        &mut self,
        open: u8,
        close: u8,
        mut item: impl FnMut(&mut Self) -> Option<()>,
    ) -> Option<usize> {
        self.enter(open)?;
        self.ws();
        let mut n = 0;
        if self.eat(close).is_none() {
            loop {
                item(self)?;
                n += 1;
                self.ws();
                match self.peek()? {
                    b',' => {
                        self.i += 1;
                        self.ws();
                    }
                    c if c == close => {
                        self.i += 1;
                        break;
                    }
                    _ => return None,
                }
            }
        }
        self.depth -= 1;
        Some(n)
    }

    /// A value that must be an object or null, each member as `member` says.
    fn object_or_null(
        &mut self,
        member: impl FnMut(&mut Self, &'a [u8]) -> Option<()>,
    ) -> Option<()> {
        match self.peek()? {
            b'n' => self.literal(b"null", Kind::Null).map(drop),
            b'{' => self.object(member),
            _ => None,
        }
    }

    /// A value that must be a string or null.
    fn string_or_null(&mut self) -> Option<Option<&'a str>> {
        match self.value()? {
            Kind::Null => Some(None),
            Kind::Str(s) => std::str::from_utf8(s).ok().map(Some),
            // An escaped name would need decoding: left to the full load.
            _ => None,
        }
    }

    /// A value that must be a string or null, whose text does not matter.
    fn any_string_or_null(&mut self) -> Option<()> {
        let k = self.value()?;
        (k == Kind::Null || k.is_string()).then_some(())
    }

    /// A value that must be null or a list of strings and nulls.
    fn string_list(&mut self) -> Option<()> {
        match self.peek()? {
            b'n' => self.literal(b"null", Kind::Null).map(drop),
            b'[' => self.array(|s| s.any_string_or_null()).map(drop),
            _ => None,
        }
    }

    /// A conflist (libcni `NetworkConfFromBytes`): name and flags, and at least one plugin
    /// inline, each a good plugin object.
    fn list(&mut self) -> Option<Probed<'a>> {
        let mut name = None;
        let mut seen = Seen::default();
        let mut inline_only = false;
        let mut plugins = 0;
        self.object(|s, key| match key {
            b"name" => {
                seen.first(0)?;
                match s.value()? {
                    Kind::Str(n) => {
                        name = Some(std::str::from_utf8(n).ok()?);
                        Some(())
                    }
                    _ => None,
                }
            }
            b"cniVersion" => {
                seen.first(1)?;
                s.value()?.is_string().then_some(())
            }
            b"disableCheck" | b"disableGC" | b"loadOnlyInlinedPlugins" => {
                seen.first(match key {
                    b"disableCheck" => 2,
                    b"disableGC" => 3,
                    _ => 4,
                })?;
                let Kind::Bool(on) = s.value()? else {
                    return None;
                };
                if key == b"loadOnlyInlinedPlugins" {
                    inline_only = on;
                }
                Some(())
            }
            b"plugins" => {
                seen.first(5)?;
                if s.peek()? != b'[' {
                    return None;
                }
                plugins = s.array(|s| s.plugin().map(drop))?;
                Some(())
            }
            // The version choice is left to the full load.
            b"cniVersions" => None,
            _ => s.value().map(drop),
        })?;
        (plugins > 0).then_some(())?;
        Some(Probed {
            name: name?,
            inline_only,
        })
    }

    /// A plugin object (libcni's `types.PluginConf` over the map): a non-empty string `type`,
    /// and every field libcni decodes of its JSON type. Returns its `name`.
    fn plugin(&mut self) -> Option<Option<&'a str>> {
        let mut name = None;
        let mut has_type = false;
        let mut seen = Seen::default();
        self.object(|s, key| match key {
            b"cniVersion" => {
                seen.first(0)?;
                s.any_string_or_null()
            }
            b"name" => {
                seen.first(1)?;
                name = s.string_or_null()?;
                Some(())
            }
            b"type" => {
                seen.first(2)?;
                has_type = matches!(s.value()?, Kind::Str(t) if !t.is_empty());
                has_type.then_some(())
            }
            b"capabilities" => {
                seen.first(3)?;
                s.object_or_null(|s, _| match s.value()? {
                    Kind::Bool(_) | Kind::Null => Some(()),
                    _ => None,
                })
            }
            b"ipam" => {
                seen.first(4)?;
                let mut typed = false;
                s.object_or_null(|s, key| {
                    if key == b"type" {
                        // A second `type` would replace the first: left to the full load.
                        (!typed).then_some(())?;
                        typed = true;
                        s.any_string_or_null()
                    } else {
                        s.value().map(drop)
                    }
                })
            }
            b"dns" => {
                seen.first(5)?;
                s.object_or_null(|s, key| match key {
                    b"nameservers" | b"search" | b"options" => s.string_list(),
                    b"domain" => s.any_string_or_null(),
                    _ => s.value().map(drop),
                })
            }
            b"prevResult" => {
                seen.first(6)?;
                s.object_or_null(|s, _| s.value().map(drop))
            }
            b"cni.dev/valid-attachments" => {
                seen.first(7)?;
                match s.peek()? {
                    b'n' => s.literal(b"null", Kind::Null).map(drop),
                    b'[' => s
                        .array(|s| {
                            s.object_or_null(|s, key| match key {
                                b"containerID" | b"ifname" => s.any_string_or_null(),
                                _ => s.value().map(drop),
                            })
                        })
                        .map(drop),
                    _ => None,
                }
            }
            _ => s.value().map(drop),
        })?;
        has_type.then_some(name)
    }
}

/// Which of an object's rule-bearing keys were met: a key met twice (the last one wins in
/// the full load) is left to it.
#[derive(Default)]
struct Seen(u8);

impl Seen {
    fn first(&mut self, bit: u8) -> Option<()> {
        let mask = 1 << bit;
        let fresh = self.0 & mask == 0;
        self.0 |= mask;
        fresh.then_some(())
    }
}

#[cfg(test)]
#[path = "probe_tests.rs"]
mod tests;
