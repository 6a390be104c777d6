//! Excel workbooks (`--format xlsx`): each report a sheet of typed cells, written from the
//! report's [`Value`]s, never from rendered text.
//!
//! A sheet has its header bold, frozen and filtered, its columns sized to their content.
//! Numbers are numbers; a `_pct` column holds the fraction (58.95 is written 0.5895) shown
//! with the format `0.00%`, so it reads 58.95% and sums as a share; dates are Excel dates
//! (`yyyy-mm-dd`) and instants Excel date-times in UTC (`yyyy-mm-dd hh:mm:ss`); every text is
//! written as text, so an id keeps its leading zeros and a title starting with `=` is never
//! a formula. The workbook's creation time is the report's as-of, so the same inputs give the
//! same bytes. A streamed report's sheet is written as its rows are made, each row kept as XML
//! in a temporary file until the workbook is zipped ([`Book`]).

use super::stream::RowStream;
use super::{Body, Report, Value};
use crate::input::time::{Millis, MS_PER_DAY};
use anyhow::{Context, Result};
use rust_xlsxwriter::{
    Chart, ChartType, DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError,
};
use std::borrow::Cow;

/// Excel's serial day of 1970-01-01 in its 1900 date system.
const UNIX_EPOCH_SERIAL: f64 = 25_569.0;
/// Excel keeps at most this many characters in a cell.
const CELL_CHARS: usize = 32_767;
/// Columns are sized to their widest cell, up to this many characters.
const MAX_WIDTH: usize = 60;

/// One sheet of a workbook: a table under a name, and perhaps a chart of it.
pub struct Sheet<'a> {
    pub name: &'a str,
    pub table: Table<'a>,
    pub chart: Option<ColumnChart<'a>>,
}

impl<'a> Sheet<'a> {
    pub fn new(name: &'a str, table: Table<'a>) -> Sheet<'a> {
        Sheet {
            name,
            table,
            chart: None,
        }
    }
}

/// A sheet's table: its columns, and its rows read once, in order, as they are written (a
/// streamed report's rows are made one at a time and never held together).
pub struct Table<'a> {
    columns: Cow<'a, [String]>,
    rows: Box<dyn Iterator<Item = Cow<'a, [Value]>> + 'a>,
    keep: Keep,
}

impl<'a> Table<'a> {
    /// A report's table: a record is one row under its keys, parameters first, as in CSV.
    pub fn of(report: &'a Report) -> Table<'a> {
        match &report.body {
            Body::Record(fields) => {
                let all: Vec<&(String, Value)> = report.params.iter().chain(fields).collect();
                let columns = all.iter().map(|(k, _)| k.clone()).collect();
                let row: Vec<Value> = all.iter().map(|(_, v)| v.clone()).collect();
                Table {
                    columns: Cow::Owned(columns),
                    rows: Box::new(std::iter::once(Cow::Owned(row))),
                    keep: Keep::Memory,
                }
            }
            Body::Rows { columns, rows } => Table {
                columns: Cow::Borrowed(columns),
                rows: Box::new(rows.iter().map(|row| Cow::Borrowed(row.as_slice()))),
                keep: Keep::Memory,
            },
        }
    }

    /// A streamed report's table (its rows, as a whole report's, without its parameters).
    pub fn stream(stream: RowStream<'a>) -> Table<'a> {
        Table {
            columns: Cow::Owned(stream.columns),
            rows: Box::new(stream.rows.map(Cow::Owned)),
            keep: Keep::Disk,
        }
    }
}

/// A native column chart of one column of a sheet's table against another.
pub struct ColumnChart<'a> {
    pub title: &'a str,
    /// The column naming the categories (periods).
    pub categories: &'a str,
    /// The column charted.
    pub values: &'a str,
}

/// A figures table for people: rows of label, value, key.
pub struct Labelled<'a> {
    pub name: &'a str,
    pub lines: &'a [String],
    pub rows: Vec<(String, Value, String)>,
}

/// `report` as a workbook of one sheet.
pub fn write(report: &Report, out: &mut dyn std::io::Write) -> Result<()> {
    let mut book = Book::new(created_of(report))?;
    book.add(Sheet::new("Report", Table::of(report)))?;
    book.finish(out)
}

/// A streamed report as a workbook of one sheet, its rows written as they are made.
pub fn write_stream(stream: RowStream, out: &mut dyn std::io::Write) -> Result<()> {
    let created = created_in(&stream.params);
    let mut book = Book::new(created)?;
    book.add(Sheet::new("Report", Table::stream(stream)))?;
    book.finish(out)
}

/// The creation time a report's workbook carries: its as-of (or, for a report without one,
/// Excel's first day), so the bytes depend on the inputs only.
pub fn created_of(report: &Report) -> Millis {
    created_in(&report.params)
}

fn created_in(params: &[(String, Value)]) -> Millis {
    params
        .iter()
        .find_map(|(key, value)| match (key.as_str(), value) {
            ("as_of", Value::Instant(t) | Value::Date(t)) => Some(*t),
            _ => None,
        })
        .unwrap_or(0)
}

/// Where a sheet's cells wait until the workbook is saved.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Keep {
    /// All of them in memory (rust_xlsxwriter's default worksheet): a whole report's table,
    /// which is small or already held. Its texts join the workbook's shared strings when the
    /// workbook is saved, and a chart of it caches its values then.
    Memory,
    /// One row in memory, the rows before it as XML in a temporary file (rust_xlsxwriter's
    /// "low memory" worksheet): a streamed table's. Its texts join the shared strings as they
    /// are written; the sheet is the same but for the optional `spans` attribute of each
    /// `<row>`, which it leaves out. A chart of it would cache no values.
    Disk,
}

/// A workbook being written, one sheet after the other.
pub struct Book {
    book: Workbook,
    /// Every sheet in memory, as every workbook was written before streamed sheets (the
    /// reference the tests compare with).
    all_in_memory: bool,
}

impl Book {
    /// A workbook created at `created`.
    pub fn new(created: Millis) -> Result<Book> {
        Book::with(created, false)
    }

    fn with(created: Millis, all_in_memory: bool) -> Result<Book> {
        let mut book = Workbook::new();
        let when = ExcelDateTime::from_timestamp(created.div_euclid(1000))
            .or_else(|_| ExcelDateTime::from_timestamp(0))
            .map_err(xlsx_error)?;
        book.set_properties(&DocProperties::new().set_creation_datetime(&when));
        if !all_in_memory {
            // rust_xlsxwriter would panic on a temporary directory it cannot write to when a
            // sheet is added; this checks it first.
            let dir = std::env::temp_dir();
            book.set_tempdir(&dir).map_err(|e| {
                anyhow::anyhow!(
                    "workbook: cannot write the sheets' rows to the temporary directory {} ({e}); set TMPDIR to a writable directory",
                    dir.display()
                )
            })?;
        }
        Ok(Book {
            book,
            all_in_memory,
        })
    }

    fn worksheet(&mut self, keep: Keep, name: &str) -> Result<&mut Worksheet> {
        let keep = if self.all_in_memory {
            Keep::Memory
        } else {
            keep
        };
        let ws = match keep {
            Keep::Memory => self.book.add_worksheet(),
            Keep::Disk => self.book.add_worksheet_with_low_memory(),
        };
        ws.set_name(name).map_err(xlsx_error)?;
        Ok(ws)
    }

    /// Adds a sheet of labelled figures. It is kept on disk: a workbook's first sheet, its
    /// texts join the shared strings before those of the streamed sheets after it, as they
    /// did when every sheet was in memory.
    pub fn front(&mut self, front: Labelled) -> Result<()> {
        let styles = Styles::new();
        let ws = self.worksheet(Keep::Disk, front.name)?;
        write_labelled(ws, &front, &styles).map_err(xlsx_error)
    }

    /// Adds `sheet`, its rows written as they are read.
    pub fn add(&mut self, sheet: Sheet) -> Result<()> {
        let styles = Styles::new();
        let Table {
            columns,
            rows,
            keep,
        } = sheet.table;
        let ws = self.worksheet(keep, sheet.name)?;
        let written = write_table(ws, &columns, rows, &styles).map_err(xlsx_error)?;
        if let Some(spec) = &sheet.chart {
            chart(ws, sheet.name, spec, &columns, written).map_err(xlsx_error)?;
        }
        Ok(())
    }

    /// Writes the workbook to `out`. It is zipped into a temporary file first (the zip needs
    /// to seek back), not into memory: a workbook of a million rows is over 100 MB.
    pub fn finish(mut self, out: &mut dyn std::io::Write) -> Result<()> {
        use std::io::Seek;
        let mut zipped = tempfile::tempfile().context("cannot write the workbook")?;
        self.book
            .save_to_writer(&mut zipped)
            .map_err(xlsx_error)
            .context("cannot write the workbook")?;
        zipped.rewind()?;
        std::io::copy(&mut zipped, out)?;
        Ok(())
    }

    /// The workbook's bytes.
    #[cfg(test)]
    fn bytes(self) -> Vec<u8> {
        let mut bytes = Vec::new();
        self.finish(&mut bytes).unwrap();
        bytes
    }
}

fn xlsx_error(e: XlsxError) -> anyhow::Error {
    anyhow::anyhow!("workbook: {e}")
}

struct Styles {
    header: Format,
    percent: Format,
    date: Format,
    instant: Format,
}

impl Styles {
    fn new() -> Styles {
        Styles {
            header: Format::new().set_bold(),
            percent: Format::new().set_num_format("0.00%"),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            instant: Format::new().set_num_format("yyyy-mm-dd hh:mm:ss"),
        }
    }
}

/// The column's content decides a percentage: `_pct` at the end of its name.
fn is_percent(column: &str) -> bool {
    column.ends_with("_pct")
}

/// Writes the header and `rows`; returns how many rows were written.
fn write_table<'a>(
    ws: &mut Worksheet,
    columns: &[String],
    rows: impl Iterator<Item = Cow<'a, [Value]>>,
    styles: &Styles,
) -> Result<usize, XlsxError> {
    let mut widths: Vec<usize> = columns.iter().map(|c| c.chars().count()).collect();
    for (c, name) in columns.iter().enumerate() {
        write_str(ws, 0, c as u16, name, Some(&styles.header))?;
    }
    let mut written = 0;
    for (r, row) in rows.enumerate() {
        written += 1;
        let r = r as u32 + 1;
        for (c, value) in row.iter().enumerate() {
            let percent = columns.get(c).is_some_and(|name| is_percent(name));
            let width = write_cell(ws, r, c as u16, value, percent, styles)?;
            if let Some(w) = widths.get_mut(c) {
                *w = (*w).max(width);
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    if !columns.is_empty() {
        ws.autofilter(0, 0, written as u32, columns.len() as u16 - 1)?;
    }
    for (c, width) in widths.into_iter().enumerate() {
        // Room for the filter button beside the header.
        ws.set_column_width(c as u16, (width.min(MAX_WIDTH) + 3) as f64)?;
    }
    Ok(written)
}

/// Writes one cell; returns its width in characters as shown.
fn write_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    value: &Value,
    percent: bool,
    styles: &Styles,
) -> Result<usize, XlsxError> {
    Ok(match value {
        Value::Null => 0,
        Value::Text(text) => write_text(ws, row, col, text)?,
        Value::List(items) => write_text(ws, row, col, &items.join(","))?,
        Value::Int(n) if percent => {
            ws.write_number_with_format(row, col, *n as f64 / 100.0, &styles.percent)?;
            n.to_string().len() + 1
        }
        Value::Num(x) if percent => {
            ws.write_number_with_format(row, col, x / 100.0, &styles.percent)?;
            format!("{x:.2}").len() + 1
        }
        Value::Int(n) => {
            ws.write_number(row, col, *n as f64)?;
            n.to_string().len()
        }
        Value::Num(x) => {
            ws.write_number(row, col, *x)?;
            value.plain().len()
        }
        Value::Date(t) => {
            ws.write_number_with_format(row, col, serial(*t), &styles.date)?;
            10
        }
        Value::Instant(t) => {
            ws.write_number_with_format(row, col, serial(*t), &styles.instant)?;
            19
        }
        Value::Bool(b) => {
            ws.write_boolean(row, col, *b)?;
            5
        }
    })
}

/// Text as text, whatever it looks like (never a formula, a number or a date), cut at Excel's
/// limit for a cell.
fn write_text(ws: &mut Worksheet, row: u32, col: u16, text: &str) -> Result<usize, XlsxError> {
    let text = match text.char_indices().nth(CELL_CHARS) {
        Some((cut, _)) => &text[..cut],
        None => text,
    };
    write_str(ws, row, col, text, None)?;
    Ok(text.lines().map(|l| l.chars().count()).max().unwrap_or(0))
}

/// Writes `text` as a string cell (with `format`, if any). rust_xlsxwriter writes a string
/// that starts with `<r>` and ends with `</r>` into the workbook as raw rich-text XML, so such
/// a text (a title, a group) would make a broken workbook or show as another text: it is
/// written as a rich string of one plain run instead, which escapes it and reads back as
/// written.
fn write_str(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    text: &str,
    format: Option<&Format>,
) -> Result<(), XlsxError> {
    let looks_rich = text.starts_with("<r>") && text.ends_with("</r>");
    match (looks_rich, format) {
        (false, None) => ws.write_string(row, col, text)?,
        (false, Some(format)) => ws.write_string_with_format(row, col, text, format)?,
        (true, None) => ws.write_rich_string(row, col, &[(&Format::default(), text)])?,
        (true, Some(format)) => {
            ws.write_rich_string_with_format(row, col, &[(&Format::default(), text)], format)?
        }
    };
    Ok(())
}

/// An instant as Excel's serial date-time (days since 1899-12-30, the day's fraction after).
pub fn serial(t: Millis) -> f64 {
    UNIX_EPOCH_SERIAL + t as f64 / MS_PER_DAY as f64
}

fn write_labelled(ws: &mut Worksheet, front: &Labelled, styles: &Styles) -> Result<(), XlsxError> {
    let mut r = 0;
    for line in front.lines {
        write_text(ws, r, 0, line)?;
        r += 1;
    }
    if !front.lines.is_empty() {
        r += 1;
    }
    let header = r;
    for (c, name) in ["figure", "value", "key"].iter().enumerate() {
        ws.write_string_with_format(r, c as u16, *name, &styles.header)?;
    }
    let mut widths = [6, 5, 3];
    for (label, value, key) in &front.rows {
        r += 1;
        widths[0] = widths[0].max(write_text(ws, r, 0, label)?);
        widths[1] = widths[1].max(write_cell(ws, r, 1, value, is_percent(key), styles)?);
        widths[2] = widths[2].max(write_text(ws, r, 2, key)?);
    }
    ws.set_freeze_panes(header + 1, 0)?;
    for (c, width) in widths.into_iter().enumerate() {
        ws.set_column_width(c as u16, (width.min(MAX_WIDTH) + 3) as f64)?;
    }
    Ok(())
}

/// A key as a label for people: `assets_never_opened` -> `Assets never opened`,
/// `never_opened_pct` -> `Never opened (%)`.
pub fn label(key: &str) -> String {
    let words = key.strip_suffix("_pct").map_or_else(
        || key.replace('_', " "),
        |k| format!("{} (%)", k.replace('_', " ")),
    );
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => words,
    }
}

fn chart(
    ws: &mut Worksheet,
    sheet: &str,
    spec: &ColumnChart,
    columns: &[String],
    rows: usize,
) -> Result<(), XlsxError> {
    let (Some(cat), Some(val)) = (
        columns.iter().position(|c| c == spec.categories),
        columns.iter().position(|c| c == spec.values),
    ) else {
        return Ok(());
    };
    if rows == 0 {
        return Ok(());
    }
    let last = rows as u32;
    let mut chart = Chart::new(ChartType::Column);
    chart
        .add_series()
        .set_name(spec.values)
        .set_categories((sheet, 1, cat as u16, last, cat as u16))
        .set_values((sheet, 1, val as u16, last, val as u16));
    chart.title().set_name(spec.title);
    chart.legend().set_hidden();
    if is_percent(spec.values) {
        chart.y_axis().set_num_format("0%");
    }
    // Beside the table, below the header.
    ws.insert_chart(1, columns.len() as u16 + 1, &chart)?;
    Ok(())
}

#[cfg(test)]
mod tests;
