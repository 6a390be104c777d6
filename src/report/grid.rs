//! A table's cells as people read them, kept in one buffer, and what each column holds.
//!
//! A million rows of eleven cells as separate values, then as separate strings, then as
//! comfy-table cells cost several gigabytes; their text is a few hundred megabytes. The grid
//! keeps the text once (and the instants, when a fitted table may show them as days), so a
//! streamed report's rows can be dropped as they are read.

use super::{escape_controls, push_grouped_thousands, Value};
use crate::input::time::Millis;
use std::borrow::Cow;
use unicode_width::UnicodeWidthStr;

/// What a column's values were, over every row.
#[derive(Debug, Clone, Copy)]
pub struct ColumnFacts {
    /// Some value is text or a list.
    pub any_text: bool,
    /// Some value is an instant.
    pub any_instant: bool,
    /// Every value is a number or empty (`Null`).
    pub numeric: bool,
    /// Every value is `Null` or empty text.
    pub empty: bool,
    /// The widest line of a cell's text.
    pub widest: usize,
}

/// The cells, row after row, as one text with each cell's end.
pub struct Grid {
    columns: usize,
    text: String,
    ends: Vec<usize>,
    /// Each cell's instant, kept only when the table is fitted (it may show it as a day).
    instants: Vec<Option<Millis>>,
    fitting: bool,
    blocks: bool,
    /// The first cell of the previous row, as made (for `blocks`).
    previous: Option<String>,
    pub facts: Vec<ColumnFacts>,
}

impl Grid {
    /// An empty grid of `columns` columns; `fitting` makes each cell one line and keeps
    /// instants; `blocks` shows the first cell only where it changes.
    pub fn new(columns: usize, fitting: bool, blocks: bool) -> Grid {
        let facts = ColumnFacts {
            any_text: false,
            any_instant: false,
            numeric: true,
            empty: true,
            widest: 0,
        };
        Grid {
            columns,
            text: String::new(),
            ends: Vec::new(),
            instants: Vec::new(),
            fitting,
            blocks,
            previous: None,
            facts: vec![facts; columns],
        }
    }

    /// Adds a row (as many values as columns).
    pub fn push(&mut self, row: &[Value]) {
        for (i, value) in row.iter().enumerate().take(self.columns) {
            // Made in place, at the end of the grid's text: no string of its own a cell.
            let start = self.text.len();
            push_human(value, &mut self.text);
            // A fitted row is one line: a line break in a title would wrap it.
            if self.fitting && self.text[start..].contains('\n') {
                let text = self.text[start..].replace('\n', " ");
                self.text.truncate(start);
                self.text.push_str(&text);
            }
            if i == 0 && self.blocks {
                let text = &self.text[start..];
                if self.previous.as_deref() == Some(text) {
                    self.text.truncate(start);
                } else {
                    let previous = self.previous.get_or_insert_with(String::new);
                    previous.clear();
                    previous.push_str(text);
                }
            }
            let facts = &mut self.facts[i];
            facts.any_text |= matches!(value, Value::Text(_) | Value::List(_));
            facts.any_instant |= matches!(value, Value::Instant(_));
            facts.numeric &= value.is_numeric() || *value == Value::Null;
            facts.empty &=
                matches!(value, Value::Null) || matches!(value, Value::Text(t) if t.is_empty());
            facts.widest = facts.widest.max(widest_line(&self.text[start..]));
            self.ends.push(self.text.len());
            if self.fitting {
                self.instants.push(match value {
                    Value::Instant(t) => Some(*t),
                    _ => None,
                });
            }
        }
    }

    pub fn rows(&self) -> usize {
        self.ends.len().checked_div(self.columns).unwrap_or(0)
    }

    /// The text of cell `i` of row `row`.
    pub fn cell(&self, row: usize, i: usize) -> &str {
        let k = row * self.columns + i;
        let start = if k == 0 { 0 } else { self.ends[k - 1] };
        &self.text[start..self.ends[k]]
    }

    /// The instant behind cell `i` of row `row`, in a fitted grid.
    pub fn instant(&self, row: usize, i: usize) -> Option<Millis> {
        self.instants.get(row * self.columns + i).copied().flatten()
    }
}

pub fn widest_line(text: &str) -> usize {
    if printable_ascii(text) {
        return text.len();
    }
    text.lines().map(UnicodeWidthStr::width).max().unwrap_or(0)
}

/// Every byte is printable ASCII (a space to `~`): one line, one column a byte, nothing to
/// escape. Most cells of most tables are, and need no lookup in the Unicode width tables.
#[inline]
pub fn printable_ascii(text: &str) -> bool {
    text.bytes().all(|b| (b' '..=b'~').contains(&b))
}

/// A value as a person reads it: `12,345`, `59.76`, dates as ISO.
pub fn human(value: &Value) -> String {
    let mut out = String::new();
    push_human(value, &mut out);
    out
}

/// [`human`] appended to `out`.
pub fn push_human(value: &Value, out: &mut String) {
    match value {
        Value::Int(n) => push_grouped(*n, out),
        Value::Num(x) => {
            let text = format!("{x:.2}");
            let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
            push_grouped_thousands(int, out);
            match frac.trim_end_matches('0') {
                "" => {}
                f => {
                    out.push('.');
                    out.push_str(f);
                }
            }
        }
        Value::Null => out.push('-'),
        other => {
            let start = out.len();
            other.write_plain(out);
            if !printable_ascii(&out[start..]) {
                if let Cow::Owned(escaped) = escape_controls(&out[start..]) {
                    out.truncate(start);
                    out.push_str(&escaped);
                }
            }
        }
    }
}

/// `n` with its thousands separated, its digits written on the stack (no string of its own).
fn push_grouped(n: i64, out: &mut String) {
    let mut text = [0u8; 20];
    let (mut left, mut at) = (n.unsigned_abs(), text.len());
    loop {
        at -= 1;
        text[at] = b'0' + (left % 10) as u8;
        left /= 10;
        if left == 0 {
            break;
        }
    }
    if n < 0 {
        at -= 1;
        text[at] = b'-';
    }
    // Only ASCII digits and a sign were written.
    let text = std::str::from_utf8(&text[at..]).unwrap_or_default();
    push_grouped_thousands(text, out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::group_thousands;

    #[test]
    fn a_cell_made_in_place_is_the_text_of_the_old_way() {
        let old = |value: &Value| match value {
            Value::Int(n) => group_thousands(&n.to_string()),
            Value::Null => "-".to_string(),
            Value::Num(x) => {
                let text = format!("{x:.2}");
                let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
                let int = group_thousands(int);
                match frac.trim_end_matches('0') {
                    "" => int,
                    f => format!("{int}.{f}"),
                }
            }
            other => escape_controls(&other.plain()).into_owned(),
        };
        let values = [
            Value::Int(0),
            Value::Int(7),
            Value::Int(999),
            Value::Int(1000),
            Value::Int(-1000),
            Value::Int(123_456_789),
            Value::Int(i64::MAX),
            Value::Int(i64::MIN),
            Value::Null,
            Value::Num(0.0),
            Value::Num(1234.5),
            Value::Num(-1234567.891),
            Value::Num(59.76),
            Value::text(""),
            Value::text("Deck \u{1b}[31mred\r"),
            Value::text("Ünïcödé — 表"),
            Value::text("two\nlines\tand a tab"),
            Value::List(vec!["a".into(), "b\u{7}".into()]),
            Value::Bool(true),
            Value::Date(86_400_000),
            Value::Instant(1_700_000_000_123),
        ];
        for value in &values {
            let mut out = String::from("before|");
            push_human(value, &mut out);
            assert_eq!(out, format!("before|{}", old(value)), "{value:?}");
        }
    }

    #[test]
    fn printable_ascii_is_measured_as_unicode_width_measures_it() {
        for text in ["", " ", "abc ~", "a\tb", "a\nb", "é", "\u{7f}", "x\r"] {
            let slow = text.lines().map(UnicodeWidthStr::width).max().unwrap_or(0);
            assert_eq!(widest_line(text), slow, "{text:?}");
        }
        assert!(printable_ascii("AST-00001 Deck ~"));
        assert!(!printable_ascii("a\tb"));
        assert!(!printable_ascii("\u{7f}"));
        assert!(!printable_ascii("é"));
    }
}
