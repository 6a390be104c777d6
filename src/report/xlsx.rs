//! Excel workbooks (`--format xlsx`): each report a sheet of typed cells, written from the
//! report's [`Value`]s, never from rendered text.
//!
//! A sheet has its header bold, frozen and filtered, its columns sized to their content.
//! Numbers are numbers; a `_pct` column holds the fraction (58.95 is written 0.5895) shown
//! with the format `0.00%`, so it reads 58.95% and sums as a share; dates are Excel dates
//! (`yyyy-mm-dd`) and instants Excel date-times in UTC (`yyyy-mm-dd hh:mm:ss`); every text is
//! written as text, so an id keeps its leading zeros and a title starting with `=` is never
//! a formula. The workbook's creation time is the report's as-of, so the same inputs give the
//! same bytes.

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

/// One sheet of a workbook: a report's table under a name, and perhaps a chart of it.
pub struct Sheet<'a> {
    pub name: &'a str,
    pub report: &'a Report,
    pub chart: Option<ColumnChart<'a>>,
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
    let sheet = Sheet {
        name: "Report",
        report,
        chart: None,
    };
    out.write_all(&workbook(&[sheet], None, created_of(report))?)?;
    Ok(())
}

/// The creation time a report's workbook carries: its as-of (or, for a report without one,
/// Excel's first day), so the bytes depend on the inputs only.
pub fn created_of(report: &Report) -> Millis {
    report
        .params
        .iter()
        .find_map(|(key, value)| match (key.as_str(), value) {
            ("as_of", Value::Instant(t) | Value::Date(t)) => Some(*t),
            _ => None,
        })
        .unwrap_or(0)
}

/// A workbook of `sheets`, after a `front` sheet of labelled figures when given.
pub fn workbook(sheets: &[Sheet], front: Option<Labelled>, created: Millis) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    let when = ExcelDateTime::from_timestamp(created.div_euclid(1000))
        .or_else(|_| ExcelDateTime::from_timestamp(0))
        .map_err(xlsx_error)?;
    book.set_properties(&DocProperties::new().set_creation_datetime(&when));
    let styles = Styles::new();
    if let Some(front) = front {
        let ws = book.add_worksheet();
        ws.set_name(front.name).map_err(xlsx_error)?;
        write_labelled(ws, &front, &styles).map_err(xlsx_error)?;
    }
    for sheet in sheets {
        let ws = book.add_worksheet();
        ws.set_name(sheet.name).map_err(xlsx_error)?;
        let (columns, rows) = table(sheet.report);
        write_table(ws, &columns, &rows, &styles).map_err(xlsx_error)?;
        if let Some(spec) = &sheet.chart {
            chart(ws, sheet.name, spec, &columns, rows.len()).map_err(xlsx_error)?;
        }
    }
    book.save_to_buffer()
        .map_err(xlsx_error)
        .context("cannot write the workbook")
}

fn xlsx_error(e: XlsxError) -> anyhow::Error {
    anyhow::anyhow!("workbook: {e}")
}

/// The report's table: a record is one row under its keys, parameters first, as in CSV.
fn table(report: &Report) -> (Cow<'_, [String]>, Cow<'_, [Vec<Value>]>) {
    match &report.body {
        Body::Record(fields) => {
            let all: Vec<&(String, Value)> = report.params.iter().chain(fields).collect();
            let columns = all.iter().map(|(k, _)| k.clone()).collect();
            let row = all.iter().map(|(_, v)| v.clone()).collect();
            (Cow::Owned(columns), Cow::Owned(vec![row]))
        }
        Body::Rows { columns, rows } => (Cow::Borrowed(columns), Cow::Borrowed(rows)),
    }
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

fn write_table(
    ws: &mut Worksheet,
    columns: &[String],
    rows: &[Vec<Value>],
    styles: &Styles,
) -> Result<(), XlsxError> {
    let mut widths: Vec<usize> = columns.iter().map(|c| c.chars().count()).collect();
    for (c, name) in columns.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, name, &styles.header)?;
    }
    for (r, row) in rows.iter().enumerate() {
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
        ws.autofilter(0, 0, rows.len() as u32, columns.len() as u16 - 1)?;
    }
    for (c, width) in widths.into_iter().enumerate() {
        // Room for the filter button beside the header.
        ws.set_column_width(c as u16, (width.min(MAX_WIDTH) + 3) as f64)?;
    }
    Ok(())
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
    ws.write_string(row, col, text)?;
    Ok(text.lines().map(|l| l.chars().count()).max().unwrap_or(0))
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
mod tests {
    use super::*;

    #[test]
    fn serials_are_excels() {
        // 2026-11-01 is Excel's day 46327; noon adds half a day.
        let day = 1_793_491_200_000;
        assert_eq!(serial(day), 46_327.0);
        assert_eq!(serial(day + MS_PER_DAY / 2), 46_327.5);
    }

    #[test]
    fn keys_read_as_labels() {
        assert_eq!(label("assets_never_opened"), "Assets never opened");
        assert_eq!(label("never_opened_pct"), "Never opened (%)");
        assert_eq!(label("as_of"), "As of");
    }
}
