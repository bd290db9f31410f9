//! The one table writer: borderless columns two spaces apart, as kubectl, podman and `ip`
//! print, the same on a terminal and in a pipe. A row is always one line: a cell never wraps,
//! so no word is ever broken; when the table is wider than the width allowed, the widest
//! columns are shortened first, each cut cell ending in `…` (`-o wide` and `-o json` give them
//! whole). Cells may carry the colour escapes of the semantic helpers; widths ignore them.
//!
//! Linear in the number of cells: one pass measures, one pass writes.

use unicode_width::UnicodeWidthChar;

/// Columns narrower than this are never shortened (nor shortened below it).
const MIN_SHRUNK: usize = 8;
/// Spaces between columns.
const GAP: usize = 2;

/// A table being filled.
#[derive(Debug, Clone)]
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    /// Total width allowed; None: never shorten (`-o wide`).
    width: Option<usize>,
    headers: bool,
    /// Columns that may be cut (all when empty): long cells such as paths and reasons, never
    /// state words.
    shrink: Vec<bool>,
}

impl Table {
    /// A table with these column titles; `width` None means never shorten.
    pub fn new(header: Vec<String>, width: Option<usize>, headers: bool) -> Self {
        Table {
            header,
            rows: Vec::new(),
            width,
            headers,
            shrink: Vec::new(),
        }
    }

    /// Only the columns with these titles may be cut to fit (unless nothing else fits).
    pub fn shrink(&mut self, titles: &[&str]) -> &mut Self {
        self.shrink = self
            .header
            .iter()
            .map(|h| titles.contains(&h.as_str()))
            .collect();
        self
    }

    /// Appends a row (missing cells print empty, extra cells are dropped).
    pub fn add_row(&mut self, row: Vec<String>) -> &mut Self {
        self.rows.push(row);
        self
    }

    /// The widths each column gets.
    fn layout(&self) -> Vec<usize> {
        let n = self.header.len();
        let mut natural: Vec<usize> = self.header.iter().map(|h| display_width(h)).collect();
        for row in &self.rows {
            for (w, cell) in natural.iter_mut().zip(row) {
                *w = (*w).max(display_width(cell));
            }
        }
        let Some(limit) = self.width else {
            return natural;
        };
        let total = |ws: &[usize]| ws.iter().sum::<usize>() + GAP * n.saturating_sub(1);
        if total(&natural) <= limit {
            return natural;
        }
        let budget = limit.saturating_sub(GAP * n.saturating_sub(1));
        let may_cut = |i: usize| self.shrink.is_empty() || self.shrink.get(i) == Some(&true);
        let fixed: usize = (0..n).filter(|&i| !may_cut(i)).map(|i| natural[i]).sum();
        let cuttable: Vec<usize> = (0..n).filter(|&i| may_cut(i)).map(|i| natural[i]).collect();
        let own = if fixed <= budget {
            water_level(&cuttable, budget - fixed)
        } else {
            None
        };
        // When the cuttable columns cannot make room alone, every column may be cut.
        let (cap, everything) = match own {
            Some(cap) => (cap, false),
            None => (water_level(&natural, budget).unwrap_or(MIN_SHRUNK), true),
        };
        natural
            .iter()
            .enumerate()
            .map(|(i, &w)| {
                if (everything || may_cut(i)) && w > cap {
                    cap
                } else {
                    w
                }
            })
            .collect()
    }

    /// The table as text, one line per row (and the header line), each ending in a newline.
    pub fn render(&self) -> String {
        let widths = self.layout();
        let mut out = String::new();
        if self.headers {
            write_line(&mut out, &self.header, &widths);
        }
        for row in &self.rows {
            write_line(&mut out, row, &widths);
        }
        out
    }
}

/// The largest cap such that these widths, each cut to it, sum to at most `budget` (the widest
/// lose first); None when even a cap of MIN_SHRUNK does not fit. Sorting keeps it O(k log k)
/// in the number of columns.
fn water_level(widths: &[usize], budget: usize) -> Option<usize> {
    let mut sorted = widths.to_vec();
    sorted.sort_unstable();
    let n = sorted.len();
    let mut below = 0usize; // sum of the columns narrower than the candidate cap
    for (i, &w) in sorted.iter().enumerate() {
        let rest = n - i; // columns at least w wide
        let c = budget.saturating_sub(below) / rest;
        if c < w {
            let at_min: usize = sorted.iter().map(|&x| x.min(MIN_SHRUNK)).sum();
            return (c >= MIN_SHRUNK || at_min <= budget).then_some(c.max(MIN_SHRUNK));
        }
        below += w;
    }
    Some(usize::MAX)
}

fn write_line(out: &mut String, cells: &[String], widths: &[usize]) {
    let start = out.len();
    for (i, &w) in widths.iter().enumerate() {
        let cell = cells.get(i).map(String::as_str).unwrap_or("");
        let (text, used) = fit(cell, w);
        out.push_str(&text);
        if i + 1 < widths.len() {
            out.push_str(&" ".repeat(w - used + GAP));
        }
    }
    // No padding at the end of a line.
    let trimmed = out[start..].trim_end_matches(' ').len();
    out.truncate(start + trimmed);
    out.push('\n');
}

/// Characters that would break the one-row-one-line rule print as a space.
fn flat(c: char) -> char {
    if c == '\n' || c == '\r' || c == '\t' {
        ' '
    } else {
        c
    }
}

/// Skips an escape sequence starting at `i` (an ESC), returning the index after it.
fn escape_end(bytes: &[u8], i: usize) -> usize {
    let mut j = i + 1;
    if bytes.get(j) == Some(&b'[') {
        j += 1;
        while j < bytes.len() && !(0x40..=0x7e).contains(&bytes[j]) {
            j += 1;
        }
        j + 1
    } else {
        j + 1
    }
    .min(bytes.len())
}

/// The display width of a cell, escape sequences excluded.
pub fn display_width(s: &str) -> usize {
    let bytes = s.as_bytes();
    let mut w = 0;
    let mut i = 0;
    while i < s.len() {
        if bytes[i] == 0x1b {
            i = escape_end(bytes, i);
            continue;
        }
        let Some(c) = s[i..].chars().next() else {
            break;
        };
        w += flat(c).width().unwrap_or(0);
        i += c.len_utf8();
    }
    w
}

/// The cell cut to `width` columns (ending in `…` when cut), and the width it takes.
fn fit(s: &str, width: usize) -> (String, usize) {
    let full = display_width(s);
    let needs_cut = full > width;
    let room = if needs_cut {
        width.saturating_sub(1)
    } else {
        width
    };
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut used = 0;
    let mut styled = false;
    let mut i = 0;
    while i < s.len() {
        if bytes[i] == 0x1b {
            let end = escape_end(bytes, i);
            out.push_str(&s[i..end]);
            styled = true;
            i = end;
            continue;
        }
        let Some(c) = s[i..].chars().next() else {
            break;
        };
        let c = flat(c);
        let cw = c.width().unwrap_or(0);
        if needs_cut && used + cw > room {
            break;
        }
        out.push(c);
        used += cw;
        i += s[i..].chars().next().map(char::len_utf8).unwrap_or(1);
    }
    if needs_cut {
        out.push('…');
        used += 1;
        if styled {
            out.push_str("\x1b[0m");
        }
    }
    (out, used)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(width: Option<usize>, rows: &[&[&str]]) -> String {
        let mut t = Table::new(rows[0].iter().map(|s| s.to_string()).collect(), width, true);
        for r in &rows[1..] {
            t.add_row(r.iter().map(|s| s.to_string()).collect());
        }
        t.render()
    }

    #[test]
    fn columns_two_spaces_apart_no_trailing_padding() {
        let s = table(
            None,
            &[&["NAME", "DIR"], &["bridge", "/usr/lib/cni"], &["x", ""]],
        );
        assert_eq!(s, "NAME    DIR\nbridge  /usr/lib/cni\nx\n");
    }

    #[test]
    fn widest_column_is_cut_with_an_ellipsis_and_fits() {
        let long = "a reason that is much too long to fit beside the other columns of this table";
        let s = table(
            Some(40),
            &[&["FILE", "WHY"], &["10-a.conflist", long], &["b", "short"]],
        );
        for line in s.lines() {
            assert!(display_width(line) <= 40, "{line:?}");
        }
        assert!(s.contains("10-a.conflist"), "{s}");
        assert!(s.lines().nth(1).unwrap().ends_with('…'), "{s}");
        assert_eq!(s.lines().count(), 3);
    }

    #[test]
    fn only_the_columns_named_are_cut() {
        let mut t = Table::new(vec!["STATE".into(), "WHY".into()], Some(30), true);
        t.shrink(&["WHY"]);
        t.add_row(vec!["cannot-report".into(), "x".repeat(40)]);
        let s = t.render();
        assert!(s.contains("cannot-report  xxx"), "{s}");
        for line in s.lines() {
            assert!(display_width(line) <= 30, "{line:?}");
        }
        // when cutting those is not enough, every column gives
        let mut t = Table::new(vec!["A".into(), "B".into()], Some(20), true);
        t.shrink(&["B"]);
        t.add_row(vec!["a".repeat(30), "b".repeat(30)]);
        for line in t.render().lines() {
            assert!(display_width(line) <= 20, "{line:?}");
        }
    }

    #[test]
    fn wide_characters_count_double() {
        assert_eq!(display_width("日本"), 4);
        let (cut, used) = fit("日本語です", 5);
        assert_eq!((cut.as_str(), used), ("日本…", 5));
    }

    #[test]
    fn escapes_are_kept_and_not_counted() {
        let red = "\x1b[31merror: something long\x1b[0m";
        assert_eq!(display_width(red), 21);
        let (cut, used) = fit(red, 6);
        assert_eq!(used, 6);
        assert!(cut.starts_with("\x1b[31merror…"), "{cut:?}");
        assert!(cut.ends_with("\x1b[0m"));
    }

    #[test]
    fn newlines_never_break_a_row() {
        let s = table(None, &[&["A", "B"], &["x\ny", "z"]]);
        assert_eq!(s, "A    B\nx y  z\n");
    }

    #[test]
    fn no_headers_and_empty() {
        let mut t = Table::new(vec!["A".into()], None, false);
        assert_eq!(t.render(), "");
        assert_eq!(Table::new(vec!["A".into()], None, true).render(), "A\n");
        t.add_row(vec!["v".into()]);
        assert_eq!(t.render(), "v\n");
    }
}
