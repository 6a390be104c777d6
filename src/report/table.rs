//! Tables for people: aligned columns, thousands separators, fitted to a width.
//!
//! The layout is decided here from widths alone ([`super::fit`]), so colour or its absence
//! never changes what fits. The lines are drawn by hand as comfy-table draws them (its
//! arrangement off); comfy-table draws a batch only when a value would not fit its column.

use super::fit::{cut_end, cut_start, header_lines, wrap_words, Kind, Need, Plan};
use super::grid::{printable_ascii, ColumnFacts, Grid};
use super::labels::{in_words, label};
use super::{Body, RenderStyle, Report, TableHints, Value};
use crate::input::time::{format_date, Millis};
use anyhow::Result;
use comfy_table::{
    presets, Attribute, Cell, CellAlignment, Color, ColumnConstraint, ContentArrangement, Table,
    Width,
};
use std::borrow::Cow;
use std::io::Write;
use unicode_width::UnicodeWidthStr;

pub fn write(report: &Report, style: RenderStyle, out: &mut dyn Write) -> Result<()> {
    write_headline(out, &report.headline, style)?;
    write_body(out, &report.params, &report.body, style, &report.hints)?;
    for (title, body) in &report.sections {
        write_section(out, title, body, style)?;
    }
    for line in &report.footer {
        prose(out, line, style)?;
    }
    Ok(())
}

/// The lines above the table, and a blank line after them.
pub fn write_headline(out: &mut dyn Write, headline: &[String], style: RenderStyle) -> Result<()> {
    for line in headline {
        prose(out, line, style)?;
    }
    if !headline.is_empty() {
        writeln!(out)?;
    }
    Ok(())
}

/// A line of prose, broken between words to the width when the table is fitted.
pub fn prose(out: &mut dyn Write, line: &str, style: RenderStyle) -> Result<()> {
    let line = super::escape_controls(line);
    match style.width {
        Some(width) => {
            for part in wrap_words(&line, width) {
                writeln!(out, "{part}")?;
            }
        }
        None => writeln!(out, "{line}")?,
    }
    Ok(())
}

/// A section: its title, then its table.
pub fn write_section(
    out: &mut dyn Write,
    title: &str,
    body: &Body,
    style: RenderStyle,
) -> Result<()> {
    writeln!(out, "\n{}", title_of(title))?;
    write_body(out, &[], body, style, &TableHints::default())
}

/// A section's key as a title: `summary` -> `Summary`.
fn title_of(key: &str) -> String {
    label(key)
}

/// A record as its results, then the settings that produced them, in words; or the rows.
fn write_body(
    out: &mut dyn Write,
    params: &[(String, Value)],
    body: &Body,
    style: RenderStyle,
    hints: &TableHints,
) -> Result<()> {
    match body {
        Body::Record(fields) => {
            if !params.is_empty() {
                writeln!(out, "Result")?;
            }
            write_record(out, fields, style)?;
            if !params.is_empty() {
                writeln!(out, "\nSettings")?;
                write_record(out, params, style)?;
            }
        }
        Body::Rows { rows, .. } if rows.is_empty() => {
            if !hints.silent_when_empty {
                writeln!(out, "(no rows)")?;
            }
        }
        Body::Rows { columns, rows } => {
            let grid = grid_of(columns.len(), rows, style, hints);
            write_grid(out, columns, &grid, style, hints)?;
        }
    }
    write_under(out, style, hints)
}

/// A table of rows already in a grid, and the line saying what fitting left out.
pub fn write_grid(
    out: &mut dyn Write,
    columns: &[String],
    grid: &Grid,
    style: RenderStyle,
    hints: &TableHints,
) -> Result<()> {
    if grid.rows() == 0 {
        if !hints.silent_when_empty {
            writeln!(out, "(no rows)")?;
        }
        return Ok(());
    }
    if let Some(note) = draw(out, columns, grid, style, hints)? {
        prose(out, &note, style)?;
    }
    Ok(())
}

/// The grid a table of `rows` is drawn from.
pub fn grid_of(
    columns: usize,
    rows: &[Vec<Value>],
    style: RenderStyle,
    hints: &TableHints,
) -> Grid {
    let mut grid = Grid::new(columns, style.width.is_some(), hints.blocks);
    for row in rows {
        grid.push(row);
    }
    grid
}

/// The hints' lines under the body's table.
pub fn write_under(out: &mut dyn Write, style: RenderStyle, hints: &TableHints) -> Result<()> {
    for line in &hints.under {
        prose(out, line, style)?;
    }
    Ok(())
}

/// (label, value) pairs as a two-column table without a header.
fn write_record(out: &mut dyn Write, fields: &[(String, Value)], style: RenderStyle) -> Result<()> {
    let rows: Vec<Vec<Value>> = fields
        .iter()
        .map(|(key, value)| {
            let shown = in_words(key, value).map_or_else(|| value.clone(), Value::Text);
            vec![Value::text(label(key)), shown]
        })
        .collect();
    let columns = ["".to_string(), "".to_string()];
    let hints = TableHints {
        no_header: true,
        ..TableHints::default()
    };
    let grid = grid_of(columns.len(), &rows, style, &hints);
    if let Some(note) = draw(out, &columns, &grid, style, &hints)? {
        prose(out, &note, style)?;
    }
    Ok(())
}

/// Rows of a table drawn at most this many at a time, every column's width fixed to the whole
/// table's, so memory holds one batch's lines (or, drawn by comfy-table, its cells).
const BATCH: usize = 4096;

/// Draws the grid's table and returns a line saying what fitting left out, if anything.
fn draw(
    out: &mut dyn Write,
    columns: &[String],
    grid: &Grid,
    style: RenderStyle,
    hints: &TableHints,
) -> Result<Option<String>> {
    let fitting = style.width.is_some();
    let needs: Vec<Need> = columns
        .iter()
        .enumerate()
        .map(|(i, name)| Need {
            kind: kind_of(&grid.facts[i]),
            header: name.width(),
            cells: grid.facts[i].widest,
        })
        .collect();
    let plan = match style.width {
        None => Plan::whole(&needs),
        Some(width) => {
            // Columns empty in every row go first, then those the report can best spare.
            let empty = (0..columns.len()).filter(|&i| grid.facts[i].empty);
            let named = hints
                .drop_first
                .iter()
                .filter_map(|name| columns.iter().position(|c| c == name));
            let keep = hints
                .keep
                .as_ref()
                .and_then(|name| columns.iter().position(|c| c == name));
            let first: Vec<usize> = empty.chain(named).collect();
            Plan::fit(columns, &needs, &first, keep, width)
        }
    };
    let kept: Vec<usize> = (0..columns.len())
        .filter(|&i| plan.columns[i].is_some())
        .collect();
    let headers: Vec<String> = kept
        .iter()
        .map(|&i| match plan.columns[i] {
            Some(fitted) if fitting => header_lines(&columns[i], fitted.width),
            _ => columns[i].clone(),
        })
        .collect();
    let shown = |row: usize, i: usize| -> Cow<'_, str> {
        match plan.columns[i] {
            Some(fitted) if fitting => Cow::Owned(fit_cell(
                grid.instant(row, i),
                grid.cell(row, i),
                &columns[i],
                fitted,
            )),
            _ => Cow::Borrowed(grid.cell(row, i)),
        }
    };
    // Each column as wide as comfy-table would make it for the whole table: its widest line
    // of header or cell, at least 1.
    let mut widths: Vec<usize> = kept
        .iter()
        .enumerate()
        .map(|(k, &i)| {
            let header = if hints.no_header {
                0
            } else {
                lines_width(&headers[k])
            };
            let cells = if fitting { 0 } else { grid.facts[i].widest };
            header.max(cells).max(1)
        })
        .collect();
    if fitting {
        for row in 0..grid.rows() {
            for (k, &i) in kept.iter().enumerate() {
                widths[k] = widths[k].max(lines_width(&shown(row, i)));
            }
        }
    }
    let rows = grid.rows();
    let numeric: Vec<bool> = kept.iter().map(|&i| grid.facts[i].numeric).collect();
    let names: Vec<&str> = kept.iter().map(|&i| columns[i].as_str()).collect();
    let mut start = 0;
    let mut plain = String::new();
    // Once at least: a record without fields is still drawn (its borders).
    loop {
        let end = rows.min(start + BATCH);
        let header = (start == 0 && !hints.no_header).then_some(&headers[..]);
        let cells = (start..end).map(|row| kept.iter().map(move |&i| shown(row, i)));
        let frame = Frame {
            widths: &widths,
            right: &numeric,
            names: &names,
            color: style.color,
            top: start == 0,
            bottom: end >= rows,
        };
        if !kept.is_empty() && frame.draw_plain(header, cells, &mut plain) {
            out.write_all(plain.as_bytes())?;
        } else {
            let mut table = Table::new();
            table.load_preset(presets::UTF8_FULL_CONDENSED);
            table.set_content_arrangement(ContentArrangement::Disabled);
            if style.color {
                table.enforce_styling();
            } else {
                table.force_no_tty();
            }
            if start == 0 && !hints.no_header {
                table.set_header(headers.iter().map(|text| {
                    let cell = Cell::new(text);
                    if style.color {
                        cell.add_attribute(Attribute::Bold)
                    } else {
                        cell
                    }
                }));
            }
            for row in start..end {
                table.add_row(kept.iter().map(|&i| {
                    let text = shown(row, i);
                    let cell = Cell::new(&text);
                    match tone(&columns[i], &text) {
                        Some(color) if style.color => cell.fg(color),
                        _ => cell,
                    }
                }));
            }
            table.set_constraints(widths.iter().map(|&w| {
                ColumnConstraint::Absolute(Width::Fixed(u16::try_from(w + 2).unwrap_or(u16::MAX)))
            }));
            for (k, column) in table.column_iter_mut().enumerate() {
                if numeric[k] {
                    column.set_cell_alignment(CellAlignment::Right);
                }
            }
            // A batch's top border only above the first, its bottom border only under the last.
            let lines: Vec<String> = table.lines().collect();
            let from = usize::from(start > 0);
            let to = lines.len() - usize::from(end < rows);
            for line in &lines[from..to] {
                writeln!(out, "{line}")?;
            }
        }
        start = end;
        if start >= rows {
            break;
        }
    }
    Ok(style
        .width
        .and_then(|width| fit_note(columns, &plan, width)))
}

/// Where a batch of rows sits in the table comfy-table would draw, for drawing it without
/// comfy-table: its columns' widths (inside the padding), which are right-aligned, their
/// names (for their colours), whether colour is on, and whether the batch starts or ends the
/// table.
struct Frame<'a> {
    widths: &'a [usize],
    right: &'a [bool],
    names: &'a [&'a str],
    color: bool,
    top: bool,
    bottom: bool,
}

impl Frame<'_> {
    /// Writes into `into` the lines comfy-table draws (its `UTF8_FULL_CONDENSED` preset, and
    /// its escapes for a bold header and coloured words) for `header` and the rows of `cells`:
    /// a few string pushes a cell instead of comfy-table's cells, styles and line splitting
    /// (which took 17 µs a row). False, with `into` left to be cleared, when a value is wider
    /// than its column or a colour is not one of the three: comfy-table then draws the batch.
    fn draw_plain<'c>(
        &self,
        header: Option<&[String]>,
        cells: impl Iterator<Item = impl Iterator<Item = Cow<'c, str>>>,
        into: &mut String,
    ) -> bool {
        into.clear();
        if self.top {
            self.border(into, '┌', '─', '┬', '┐');
        }
        let mut values: Vec<Cow<'c, str>> = Vec::with_capacity(self.widths.len());
        if let Some(header) = header {
            values.extend(header.iter().map(|h| Cow::Owned(h.clone())));
            if !self.row(into, &values, true) {
                return false;
            }
            self.border(into, '╞', '═', '╪', '╡');
        }
        for row in cells {
            values.clear();
            values.extend(row);
            if !self.row(into, &values, false) {
                return false;
            }
        }
        if self.bottom {
            self.border(into, '└', '─', '┴', '┘');
        }
        true
    }

    fn border(&self, into: &mut String, left: char, line: char, between: char, right: char) {
        into.push(left);
        for (k, &width) in self.widths.iter().enumerate() {
            if k > 0 {
                into.push(between);
            }
            into.extend(std::iter::repeat_n(line, width + 2));
        }
        into.push(right);
        into.push('\n');
    }

    /// One row's lines (as many as its tallest value has, a shorter one's ended by blanks);
    /// false when a value is wider than its column.
    fn row(&self, into: &mut String, values: &[Cow<'_, str>], header: bool) -> bool {
        if values.len() != self.widths.len() {
            return false;
        }
        let lines = if values.iter().any(|v| v.contains('\n')) {
            values
                .iter()
                .map(|v| v.split('\n').count())
                .max()
                .unwrap_or(1)
        } else {
            1
        };
        for line in 0..lines {
            into.push('│');
            for (k, value) in values.iter().enumerate() {
                // A line past the value's own is blank, and not styled.
                let (part, own) = if lines == 1 {
                    (&value[..], true)
                } else {
                    value
                        .split('\n')
                        .nth(line)
                        .map_or(("", false), |part| (part, true))
                };
                let (width, used) = (self.widths[k], text_width(part));
                if used > width {
                    return false;
                }
                if k > 0 {
                    into.push('┆');
                }
                // As comfy-table styles a cell: around its padding too.
                let (open, close) = match (self.color && own, header) {
                    (false, _) => ("", ""),
                    (true, true) => ("\u{1b}[1m", "\u{1b}[0m"),
                    (true, false) => match tone(self.names[k], value) {
                        None => ("", ""),
                        Some(Color::Red) => ("\u{1b}[38;5;9m", "\u{1b}[39m"),
                        Some(Color::Green) => ("\u{1b}[38;5;10m", "\u{1b}[39m"),
                        Some(Color::Yellow) => ("\u{1b}[38;5;11m", "\u{1b}[39m"),
                        Some(_) => return false,
                    },
                };
                into.push_str(open);
                into.push(' ');
                if self.right[k] {
                    push_spaces(into, width - used);
                    into.push_str(part);
                } else {
                    into.push_str(part);
                    push_spaces(into, width - used);
                }
                into.push(' ');
                into.push_str(close);
            }
            into.push_str("│\n");
        }
        true
    }
}

/// The widest line as comfy-table measures it (lines split at `\n` only).
fn lines_width(text: &str) -> usize {
    text.split('\n').map(text_width).max().unwrap_or(0)
}

/// A line's width in columns: its length when it is printable ASCII.
fn text_width(line: &str) -> usize {
    if printable_ascii(line) {
        line.len()
    } else {
        line.width()
    }
}

/// `n` spaces, pushed a slice at a time rather than a character at a time.
fn push_spaces(into: &mut String, mut n: usize) {
    const SPACES: &str = "                                                                ";
    while n > 0 {
        let take = n.min(SPACES.len());
        into.push_str(&SPACES[..take]);
        n -= take;
    }
}

/// A cell within its fitted width: an instant as its day, text cut with `…`.
fn fit_cell(
    instant: Option<Millis>,
    text: &str,
    column: &str,
    fitted: super::fit::Fitted,
) -> String {
    match instant {
        Some(t) if fitted.as_day => format_date(t),
        _ if column == "file" => cut_start(text, fitted.width),
        _ => cut_end(text, fitted.width),
    }
}

/// What a narrowed table does not show, and how to see it.
fn fit_note(columns: &[String], plan: &Plan, width: usize) -> Option<String> {
    let left_out: Vec<&str> = columns
        .iter()
        .zip(&plan.columns)
        .filter(|(_, fitted)| fitted.is_none())
        .map(|(c, _)| c.as_str())
        .collect();
    let as_day: Vec<&str> = columns
        .iter()
        .zip(&plan.columns)
        .filter(|(_, fitted)| fitted.is_some_and(|f| f.as_day))
        .map(|(c, _)| c.as_str())
        .collect();
    let mut said = Vec::new();
    if !left_out.is_empty() {
        said.push(format!("left out {}", left_out.join(", ")));
    }
    if !as_day.is_empty() {
        said.push(format!("{} as days", as_day.join(", ")));
    }
    (!said.is_empty()).then(|| {
        format!(
            "Fitted to {width} columns (--wide shows all): {}.",
            said.join("; ")
        )
    })
}

/// What a column's cells can give up to fit: text is cut, instants lose their time.
fn kind_of(facts: &ColumnFacts) -> Kind {
    if facts.any_text {
        Kind::Cut
    } else if facts.any_instant {
        Kind::Instant
    } else {
        Kind::Fixed
    }
}

/// Colours for the words a reader scans for: what needs attention red, what is fine green.
fn tone(column: &str, text: &str) -> Option<Color> {
    match (column, text) {
        ("status" | "new_status", "never") => Some(Color::Red),
        ("status" | "new_status", "stale") => Some(Color::Yellow),
        ("status" | "new_status", "active") => Some(Color::Green),
        ("change", "became_never" | "removed") => Some(Color::Red),
        ("change", "went_stale") => Some(Color::Yellow),
        ("change", "first_use" | "added") => Some(Color::Green),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::grid::human;

    /// The table as drawn, and the fitting note.
    fn build(
        columns: &[String],
        rows: &[Vec<Value>],
        style: RenderStyle,
        hints: &TableHints,
    ) -> (String, Option<String>) {
        let grid = grid_of(columns.len(), rows, style, hints);
        let mut out = Vec::new();
        let note = draw(&mut out, columns, &grid, style, hints).unwrap();
        (String::from_utf8(out).unwrap(), note)
    }

    /// The table as comfy-table draws it whole, as it was drawn before batches.
    fn whole(columns: &[String], rows: &[Vec<Value>], numeric: &[bool]) -> String {
        let mut table = Table::new();
        table.load_preset(presets::UTF8_FULL_CONDENSED);
        table.set_content_arrangement(ContentArrangement::Disabled);
        table.force_no_tty();
        table.set_header(columns);
        for row in rows {
            table.add_row(row.iter().map(|v| Cell::new(human(v))));
        }
        for (k, column) in table.column_iter_mut().enumerate() {
            if numeric[k] {
                column.set_cell_alignment(CellAlignment::Right);
            }
        }
        format!("{table}\n")
    }

    #[test]
    fn batches_draw_the_table_comfy_table_draws_whole() {
        // Drawn by hand, a batch at a time: wide, zero-width and combining characters, empty
        // cells, values of several lines, numbers right-aligned, a header wider than its cells.
        let columns: Vec<String> = ["asset_id", "a rather long title header", "opens", "x"]
            .map(String::from)
            .to_vec();
        let titles = [
            "",
            "Deck",
            "Ünïcødé 漢字 title",
            "two\nlines",
            "a\n\nb\n",
            "wide 🎉",
            "e\u{301}te\u{301}",
            "a\u{200b}b",
        ];
        for n in [0, 1, BATCH - 1, BATCH, BATCH + 1, 2 * BATCH + 7] {
            let rows: Vec<Vec<Value>> = (0..n)
                .map(|i| {
                    vec![
                        Value::text(format!("AST-{i}")),
                        Value::text(titles[i % titles.len()]),
                        Value::Int(i as i64 * 37),
                        if i % 3 == 0 {
                            Value::Null
                        } else {
                            Value::Num(i as f64 / 7.0)
                        },
                    ]
                })
                .collect();
            let (drawn, _) = build(
                &columns,
                &rows,
                RenderStyle::default(),
                &TableHints::default(),
            );
            let expected = if n == 0 {
                // No row: every column counts as numeric (`all` of nothing), as before.
                whole(&columns, &rows, &[true, true, true, true])
            } else {
                whole(&columns, &rows, &[false, false, true, true])
            };
            assert_eq!(drawn, expected, "{n} rows");
        }
    }

    #[test]
    fn a_record_drawn_without_comfy_table_is_what_it_draws() {
        // A record: two columns and no header.
        let hints = TableHints {
            no_header: true,
            ..TableHints::default()
        };
        let rows = vec![
            vec![Value::text("Assets judged"), Value::Int(1234)],
            vec![Value::text("Never opened"), Value::text("61.5% (3 of 5)")],
        ];
        let two = ["".to_string(), "".to_string()];
        let (drawn, _) = build(&two, &rows, RenderStyle::default(), &hints);
        let mut table = Table::new();
        table.load_preset(presets::UTF8_FULL_CONDENSED);
        table.set_content_arrangement(ContentArrangement::Disabled);
        table.force_no_tty();
        for row in &rows {
            table.add_row(row.iter().map(|v| Cell::new(human(v))));
        }
        assert_eq!(drawn, format!("{table}\n"));
    }

    #[test]
    fn coloured_rows_drawn_without_comfy_table_are_what_it_draws() {
        // Headers and values of several lines too: a line past a value's own is not styled.
        let columns: Vec<String> = ["asset_id", "status", "change", "opens\nin all", "note"]
            .map(String::from)
            .to_vec();
        let notes = ["a\nb", "", "x\n\ny\n", "one"];
        let words = [
            "never",
            "stale",
            "active",
            "became_never",
            "went_stale",
            "first_use",
            "added",
            "removed",
            "other",
            "",
        ];
        let rows: Vec<Vec<Value>> = (0..40)
            .map(|i| {
                vec![
                    Value::text(format!("AST-{i}")),
                    Value::text(words[i % words.len()]),
                    Value::text(words[(i * 7 + 3) % words.len()]),
                    Value::Int(i as i64 * 1_001),
                    Value::text(notes[i % notes.len()]),
                ]
            })
            .collect();
        let style = RenderStyle {
            width: None,
            raw_csv: false,
            color: true,
        };
        let (drawn, _) = build(&columns, &rows, style, &TableHints::default());
        let mut table = Table::new();
        table.load_preset(presets::UTF8_FULL_CONDENSED);
        table.set_content_arrangement(ContentArrangement::Disabled);
        table.enforce_styling();
        table.set_header(
            columns
                .iter()
                .map(|c| Cell::new(c).add_attribute(Attribute::Bold)),
        );
        for row in &rows {
            table.add_row(row.iter().zip(&columns).map(|(v, c)| {
                let text = human(v);
                match tone(c, &text) {
                    Some(color) => Cell::new(&text).fg(color),
                    None => Cell::new(&text),
                }
            }));
        }
        if let Some(column) = table.column_mut(3) {
            column.set_cell_alignment(CellAlignment::Right);
        }
        assert!(drawn.contains("\u{1b}[38;5;9m"), "{drawn}");
        assert_eq!(drawn, format!("{table}\n"));
    }

    #[test]
    fn control_characters_are_shown_escaped() {
        let title = Value::Text("Deck\u{1b}[31mRED\u{7}\rX\u{9b}".into());
        assert_eq!(human(&title), "Deck\\u{1b}[31mRED\\u{7}\\rX\\u{9b}");
        let rows = vec![vec![title]];
        let hints = TableHints::default();
        let (table, _) = build(
            &["title".to_string()],
            &rows,
            RenderStyle::default(),
            &hints,
        );
        assert!(!table.contains('\u{1b}'), "{table}");
    }

    #[test]
    fn people_get_separators() {
        assert_eq!(human(&Value::Int(1234567)), "1,234,567");
        assert_eq!(human(&Value::Int(-1000)), "-1,000");
        assert_eq!(human(&Value::Num(59.5)), "59.5");
        assert_eq!(human(&Value::Num(1200.0)), "1,200");
        assert_eq!(human(&Value::Num(-0.25)), "-0.25");
        assert_eq!(human(&Value::Null), "-");
    }

    #[test]
    fn a_fitted_table_keeps_within_its_width_with_or_without_colour() {
        let columns: Vec<String> = ["asset_id", "title", "last_open", "opens"]
            .map(String::from)
            .to_vec();
        let rows: Vec<Vec<Value>> = (0..3)
            .map(|i| {
                vec![
                    Value::text(format!("AST-{i}")),
                    Value::text(
                        "A very long title that goes on and on about the product ".repeat(2),
                    ),
                    Value::Instant(1_790_000_000_000),
                    Value::Int(1234 * i),
                ]
            })
            .collect();
        for color in [false, true] {
            let style = RenderStyle {
                width: Some(50),
                raw_csv: false,
                color,
            };
            let (table, note) = build(&columns, &rows, style, &TableHints::default());
            let text = table;
            for line in text.lines() {
                let plain: String = strip_ansi(line);
                assert!(plain.width() <= 50, "{plain:?} is wider than 50\n{text}");
            }
            assert!(text.contains('…'), "{text}");
            assert_eq!(
                note.as_deref(),
                Some("Fitted to 50 columns (--wide shows all): last_open as days.")
            );
        }
    }

    fn strip_ansi(line: &str) -> String {
        let mut out = String::new();
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            if c == '\u{1b}' {
                for d in chars.by_ref() {
                    if d.is_ascii_alphabetic() {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }
}
