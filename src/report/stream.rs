//! Tables written as their rows are produced: CSV, JSON, Markdown and a workbook's sheet hold
//! one row at a time, so memory does not grow with what is printed. A table for people is
//! laid out once every row is read (its columns are sized to their widest cell), from the
//! rows' text alone.

use super::csv_out::{needs_neutralising, neutralise};
use super::json_out::{
    to_json, warnings_array, write_key, write_rows, write_section, write_value, SCHEMA_VERSION,
};
use super::{Body, Format, RenderStyle, TableHints, Value};
use anyhow::Result;
use serde_json::Value as Json;
use std::io::Write;

/// A table-shaped report whose rows come from an iterator.
pub struct RowStream<'a> {
    pub params: Vec<(String, Value)>,
    pub columns: Vec<String>,
    pub rows: Box<dyn Iterator<Item = Vec<Value>> + 'a>,
    /// JSON keys after `rows`.
    pub extra: Vec<(String, Value)>,
    /// Lines for people, above the table and Markdown.
    pub headline: Vec<String>,
    /// (code, message) of each warning, as the last JSON key when set.
    pub warnings: Option<Vec<(String, String)>>,
    /// Lines for people after the table and Markdown, made once the rows are written (a
    /// count of them may be among them).
    pub footer: Box<dyn FnOnce() -> Vec<String> + 'a>,
    /// How a table for people may be laid out.
    pub hints: TableHints,
    /// Further named tables after the footer (as a report's sections, which follow its
    /// `under` lines): JSON keys after `extra`, titled tables; not in CSV.
    pub sections: Vec<(String, Body)>,
    /// Lines for people after the sections (a report's footer, when it has sections).
    pub after: Vec<String>,
}

impl<'a> RowStream<'a> {
    pub fn new(
        params: Vec<(String, Value)>,
        columns: &[&str],
        rows: impl Iterator<Item = Vec<Value>> + 'a,
    ) -> Self {
        RowStream {
            params,
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: Box::new(rows),
            extra: Vec::new(),
            headline: Vec::new(),
            warnings: None,
            footer: Box::new(Vec::new),
            hints: TableHints::default(),
            sections: Vec::new(),
            after: Vec::new(),
        }
    }
}

/// Writes `stream` in `format`, byte for byte as the whole report would be written.
pub fn render_stream(
    stream: RowStream,
    format: Format,
    style: RenderStyle,
    out: &mut dyn Write,
) -> Result<()> {
    match format {
        Format::Table => table(stream, style, out),
        Format::Xlsx => super::xlsx::write_stream(stream, out),
        Format::Csv => csv(stream, style.raw_csv, out),
        Format::Json => json(stream, out),
        Format::Markdown => markdown(stream, out),
    }
}

/// A table for people: its rows kept as their text only ([`super::grid`]), laid out once all
/// are read.
fn table(stream: RowStream, style: RenderStyle, out: &mut dyn Write) -> Result<()> {
    use super::table::{grid_of, write_grid, write_headline, write_under};
    let mut grid = grid_of(stream.columns.len(), &[], style, &stream.hints);
    for row in stream.rows {
        grid.push(&row);
    }
    write_headline(out, &stream.headline, style)?;
    write_grid(out, &stream.columns, &grid, style, &stream.hints)?;
    write_under(out, style, &stream.hints)?;
    drop(grid);
    for line in (stream.footer)() {
        super::table::prose(out, &line, style)?;
    }
    for (title, body) in &stream.sections {
        super::table::write_section(out, title, body, style)?;
    }
    for line in &stream.after {
        super::table::prose(out, line, style)?;
    }
    Ok(())
}

fn csv(stream: RowStream, raw: bool, out: &mut dyn Write) -> Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(&stream.columns)?;
    // Each cell written from the value or one reused buffer, not a string made per cell.
    let mut text = String::new();
    for row in stream.rows {
        for value in &row {
            match value {
                Value::Text(t) if !raw && needs_neutralising(t) => {
                    writer.write_field(neutralise(t))?
                }
                Value::Text(t) => writer.write_field(t)?,
                other => {
                    text.clear();
                    other.write_plain(&mut text);
                    writer.write_field(&text)?;
                }
            }
        }
        writer.write_record(None::<&[u8]>)?;
    }
    writer.flush()?;
    Ok(())
}

/// As `serde_json::to_writer_pretty` writes `{"schema_version", params, "rows", extra}`.
fn json(stream: RowStream, out: &mut dyn Write) -> Result<()> {
    out.write_all(b"{")?;
    write_key(0, "schema_version", 1, out)?;
    write_value(&Json::from(SCHEMA_VERSION), 1, out)?;
    let mut keys = 1;
    for (key, value) in &stream.params {
        write_key(keys, key, 1, out)?;
        write_value(&to_json(value), 1, out)?;
        keys += 1;
    }
    write_key(keys, "rows", 1, out)?;
    keys += 1;
    write_rows(&stream.columns, stream.rows, out)?;
    for (key, value) in &stream.extra {
        write_key(keys, key, 1, out)?;
        write_value(&to_json(value), 1, out)?;
        keys += 1;
    }
    for (key, body) in &stream.sections {
        write_section(keys, key, body, out)?;
        keys += 1;
    }
    if let Some(warnings) = &stream.warnings {
        write_key(keys, "warnings", 1, out)?;
        write_value(&warnings_array(warnings), 1, out)?;
    }
    out.write_all(b"\n}\n")?;
    Ok(())
}

fn markdown(stream: RowStream, out: &mut dyn Write) -> Result<()> {
    use super::markdown::{escape, header_lines};
    for line in &stream.headline {
        writeln!(out, "{}  ", escape(line))?;
    }
    if !stream.headline.is_empty() {
        writeln!(out)?;
    }
    let mut rows = stream.rows.peekable();
    header_lines(out, &stream.columns, rows.peek().map(Vec::as_slice))?;
    for row in rows {
        let cells: Vec<String> = row.iter().map(|v| escape(&v.plain())).collect();
        writeln!(out, "| {} |", cells.join(" | "))?;
    }
    let footer = (stream.footer)();
    if !footer.is_empty() {
        writeln!(out)?;
    }
    for line in &footer {
        writeln!(out, "{}  ", escape(line))?;
    }
    for (title, body) in &stream.sections {
        super::markdown::write_section(out, title, body)?;
    }
    if !stream.after.is_empty() {
        writeln!(out)?;
    }
    for line in &stream.after {
        writeln!(out, "{}  ", escape(line))?;
    }
    Ok(())
}
