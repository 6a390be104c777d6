//! A table's cells as people read them, kept in one buffer, and what each column holds.
//!
//! A million rows of eleven cells as separate values, then as separate strings, then as
//! comfy-table cells cost several gigabytes; their text is a few hundred megabytes. The grid
//! keeps the text once (and the instants, when a fitted table may show them as days), so a
//! streamed report's rows can be dropped as they are read.

use super::{escape_controls, group_thousands, Value};
use crate::input::time::Millis;
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
            let mut text = human(value);
            // A fitted row is one line: a line break in a title would wrap it.
            if self.fitting && text.contains('\n') {
                text = text.replace('\n', " ");
            }
            if i == 0 && self.blocks {
                if self.previous.as_deref() == Some(text.as_str()) {
                    text.clear();
                } else {
                    self.previous = Some(text.clone());
                }
            }
            let facts = &mut self.facts[i];
            facts.any_text |= matches!(value, Value::Text(_) | Value::List(_));
            facts.any_instant |= matches!(value, Value::Instant(_));
            facts.numeric &= value.is_numeric() || *value == Value::Null;
            facts.empty &=
                matches!(value, Value::Null) || matches!(value, Value::Text(t) if t.is_empty());
            facts.widest = facts.widest.max(widest_line(&text));
            self.text.push_str(&text);
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
    text.lines().map(UnicodeWidthStr::width).max().unwrap_or(0)
}

/// A value as a person reads it: `12,345`, `59.76`, dates as ISO.
pub fn human(value: &Value) -> String {
    match value {
        Value::Int(n) => group_thousands(&n.to_string()),
        Value::Num(x) => {
            let text = format!("{x:.2}");
            let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
            let int = group_thousands(int);
            match frac.trim_end_matches('0') {
                "" => int,
                f => format!("{int}.{f}"),
            }
        }
        Value::Null => "-".to_string(),
        other => escape_controls(&other.plain()).into_owned(),
    }
}
