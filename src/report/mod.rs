//! The report layer: reports are plain data ([`Report`]), rendered by one module per format.

mod csv_out;
pub mod fields;
mod fit;
pub mod grid;
pub mod html;
pub mod json_out;
mod labels;
mod markdown;
pub mod order;
pub mod stream;
mod table;
pub mod xlsx;

use crate::input::time::{push_date, push_instant, Millis};
use anyhow::Result;
use std::io::{IsTerminal, Write};
use std::sync::OnceLock;

pub use crate::choices::{ColorChoice, Format, RenderStyle};

/// One cell of a report.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Text(String),
    Int(i64),
    /// Already rounded where the definition says so.
    Num(f64),
    /// A calendar day (midnight UTC), shown as `YYYY-MM-DD`.
    Date(Millis),
    /// An instant, shown as RFC 3339 in UTC.
    Instant(Millis),
    Bool(bool),
    /// A list of texts (JSON array; joined with `,` in CSV and tables).
    List(Vec<String>),
}

impl Value {
    pub fn text(s: impl Into<String>) -> Value {
        Value::Text(s.into())
    }

    pub fn count(n: u64) -> Value {
        Value::Int(i64::try_from(n).unwrap_or(i64::MAX))
    }

    pub fn opt_num(n: Option<f64>) -> Value {
        n.map_or(Value::Null, Value::Num)
    }

    pub fn opt_date(t: Option<Millis>) -> Value {
        t.map_or(Value::Null, Value::Date)
    }

    pub fn opt_instant(t: Option<Millis>) -> Value {
        t.map_or(Value::Null, Value::Instant)
    }

    /// [`Value::plain`] appended to `out`, with no allocation for most values (a writer of
    /// many rows reuses one buffer).
    pub fn write_plain(&self, out: &mut String) {
        use std::fmt::Write;
        match self {
            Value::Null => {}
            Value::Text(s) => out.push_str(s),
            Value::Int(n) => {
                let _ = write!(out, "{n}");
            }
            Value::Num(x) => out.push_str(&format_number(*x)),
            Value::Date(t) => push_date(*t, out),
            Value::Instant(t) => push_instant(*t, out),
            Value::Bool(b) => {
                let _ = write!(out, "{b}");
            }
            Value::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(item);
                }
            }
        }
    }

    /// The plain text of the value for CSV: ISO dates, dot decimals, no separators.
    pub fn plain(&self) -> String {
        let mut out = String::new();
        self.write_plain(&mut out);
        out
    }

    pub fn is_numeric(&self) -> bool {
        matches!(self, Value::Int(_) | Value::Num(_))
    }
}

/// Text for a terminal: control characters (an escape sequence in a title could recolour or
/// rewrite the screen; a carriage return hides what precedes it) shown as `\u{1b}`, `\r`,
/// `\t`; line breaks stay.
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() && c != '\n') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push('\n'),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `1234567` -> `1,234,567` (keeps a leading minus).
pub fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    push_grouped_thousands(digits, &mut out);
    out
}

/// [`group_thousands`] appended to `out`.
pub fn push_grouped_thousands(digits: &str, out: &mut String) {
    let digits = match digits.strip_prefix('-') {
        Some(unsigned) => {
            out.push('-');
            unsigned
        }
        None => digits,
    };
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
}

/// An amount for people: `1234567.5` -> `1,234,567.50`.
pub fn money(x: f64) -> String {
    let cents = format!("{x:.2}");
    let (whole, fraction) = cents.split_once('.').unwrap_or((&cents, "00"));
    format!("{}.{fraction}", group_thousands(whole))
}

pub use crate::model::format_number;

/// What a report holds: one record (the summary) or rows with fixed columns.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Record(Vec<(String, Value)>),
    Rows {
        columns: Vec<String>,
        rows: Vec<Vec<Value>>,
    },
}

/// A finished report: figures only, no formatting decisions.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The parameters that produced it (JSON keys before the body).
    pub params: Vec<(String, Value)>,
    pub body: Body,
    /// JSON keys after `rows` (e.g. totals), not shown in CSV.
    pub extra: Vec<(String, Value)>,
    /// Further named tables after the body (JSON keys, titled tables); not written in CSV,
    /// which holds one table.
    pub sections: Vec<(String, Body)>,
    /// Lines for people, shown above the table in table and markdown formats only.
    pub headline: Vec<String>,
    /// (code, message) of each warning, as the JSON key `warnings` when set (people read
    /// them on stderr, so other formats leave them out).
    pub warnings: Option<Vec<(String, String)>>,
    /// Lines for people, shown after the last table in table and markdown formats only.
    pub footer: Vec<String>,
    /// How a table for people may be laid out.
    pub hints: TableHints,
}

/// How a table for people may be laid out; other formats ignore it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TableHints {
    /// Columns a narrow table leaves out first, in this order (then the rightmost).
    pub drop_first: Vec<String>,
    /// Show the first column's value only where it changes, a block of rows per value.
    pub blocks: bool,
    /// Say nothing for a table without rows (instead of `(no rows)`).
    pub silent_when_empty: bool,
    /// Draw no header row (a record's label and value).
    pub no_header: bool,
    /// A column never left out (the one the rows are sorted by).
    pub keep: Option<String>,
    /// Lines right under the body's table (before any section), in tables and Markdown.
    pub under: Vec<String>,
}

impl Report {
    pub fn rows(params: Vec<(String, Value)>, columns: &[&str], rows: Vec<Vec<Value>>) -> Report {
        Report {
            params,
            body: Body::Rows {
                columns: columns.iter().map(|c| c.to_string()).collect(),
                rows,
            },
            extra: Vec::new(),
            sections: Vec::new(),
            headline: Vec::new(),
            warnings: None,
            footer: Vec::new(),
            hints: TableHints::default(),
        }
    }

    pub fn record(params: Vec<(String, Value)>, fields: Vec<(String, Value)>) -> Report {
        Report {
            params,
            body: Body::Record(fields),
            extra: Vec::new(),
            sections: Vec::new(),
            headline: Vec::new(),
            warnings: None,
            footer: Vec::new(),
            hints: TableHints::default(),
        }
    }
}

/// A record as the rows of a two-column `figure,value` table, after `params`.
pub fn record_rows(params: &[(String, Value)], fields: &[(String, Value)]) -> Vec<Vec<Value>> {
    params
        .iter()
        .chain(fields)
        .map(|(key, value)| vec![Value::text(key.clone()), value.clone()])
        .collect()
}

/// `--color`, decided once for the run.
static COLOR: OnceLock<bool> = OnceLock::new();

/// Decides colour from `--color`: `auto` means stdout is a terminal and `NO_COLOR` is unset
/// or empty (<https://no-color.org>).
pub fn choose_color(choice: ColorChoice) {
    let wanted = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let _ = COLOR.set(wanted);
}

impl RenderStyle {
    /// The style for writing to stdout: the width the settings chose (see
    /// `config::table_width`), the colour chosen for the run.
    pub fn for_stdout(width: Option<usize>, raw_csv: bool) -> RenderStyle {
        RenderStyle {
            width,
            raw_csv,
            color: COLOR.get().copied().unwrap_or(false),
        }
    }
}

/// Writes `report` in `format`.
pub fn render(
    report: &Report,
    format: Format,
    style: RenderStyle,
    out: &mut dyn Write,
) -> Result<()> {
    match format {
        Format::Table => table::write(report, style, out),
        Format::Csv => csv_out::write(report, style.raw_csv, out),
        Format::Json => json_out::write(report, out),
        Format::Markdown => markdown::write(report, out),
        Format::Xlsx => xlsx::write(report, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_plain() {
        assert_eq!(Value::Num(59.76).plain(), "59.76");
        assert_eq!(Value::Num(100.0).plain(), "100");
        assert_eq!(Value::Num(-3.5).plain(), "-3.5");
        assert_eq!(Value::Int(1234567).plain(), "1234567");
        assert_eq!(Value::Null.plain(), "");
    }

    #[test]
    fn amounts_for_people_are_grouped_with_cents() {
        assert_eq!(money(1061385.524), "1,061,385.52");
        assert_eq!(money(999.0), "999.00");
        assert_eq!(money(-1234.5), "-1,234.50");
        assert_eq!(group_thousands("-1000"), "-1,000");
        assert_eq!(group_thousands("100"), "100");
    }
}
