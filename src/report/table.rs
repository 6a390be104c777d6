//! Tables for people: aligned columns, thousands separators, fitted to a width.
//!
//! The layout is decided here from widths alone ([`super::fit`]); comfy-table only draws it,
//! its own arrangement off, so colour or its absence never changes what fits.

use super::fit::{cut_end, cut_start, header_lines, wrap_words, Kind, Need, Plan};
use super::labels::{in_words, label};
use super::{group_thousands, Body, RenderStyle, Report, TableHints, Value};
use crate::input::time::format_date;
use anyhow::Result;
use comfy_table::{presets, Attribute, Cell, CellAlignment, Color, ContentArrangement, Table};
use std::io::Write;
use unicode_width::UnicodeWidthStr;

pub fn write(report: &Report, style: RenderStyle, out: &mut dyn Write) -> Result<()> {
    for line in &report.headline {
        prose(out, line, style)?;
    }
    if !report.headline.is_empty() {
        writeln!(out)?;
    }
    write_body(out, &report.params, &report.body, style, &report.hints)?;
    for (title, body) in &report.sections {
        writeln!(out, "\n{}", title_of(title))?;
        write_body(out, &[], body, style, &TableHints::default())?;
    }
    for line in &report.footer {
        prose(out, line, style)?;
    }
    Ok(())
}

/// A line of prose, broken between words to the width when the table is fitted.
fn prose(out: &mut dyn Write, line: &str, style: RenderStyle) -> Result<()> {
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
            let (table, note) = build(columns, rows, style, hints);
            writeln!(out, "{table}")?;
            if let Some(note) = note {
                prose(out, &note, style)?;
            }
        }
    }
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
    let (table, note) = build(&columns, &rows, style, &hints);
    writeln!(out, "{table}")?;
    if let Some(note) = note {
        prose(out, &note, style)?;
    }
    Ok(())
}

/// The table, and a line saying what fitting left out, if anything.
fn build(
    columns: &[String],
    rows: &[Vec<Value>],
    style: RenderStyle,
    hints: &TableHints,
) -> (Table, Option<String>) {
    let fitting = style.width.is_some();
    let mut texts: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|value| {
                    let text = human(value);
                    // A fitted row is one line: a line break in a title would wrap it.
                    if fitting && text.contains('\n') {
                        text.replace('\n', " ")
                    } else {
                        text
                    }
                })
                .collect()
        })
        .collect();
    if hints.blocks {
        let mut previous: Option<String> = None;
        for row in &mut texts {
            if previous.as_deref() == Some(row[0].as_str()) {
                row[0].clear();
            } else {
                previous = Some(row[0].clone());
            }
        }
    }
    let needs: Vec<Need> = columns
        .iter()
        .enumerate()
        .map(|(i, name)| Need {
            kind: kind_of(rows, i),
            header: name.width(),
            cells: texts.iter().map(|r| widest_line(&r[i])).max().unwrap_or(0),
        })
        .collect();
    let plan = match style.width {
        None => Plan::whole(&needs),
        Some(width) => {
            // Columns empty in every row go first, then those the report can best spare.
            let empty = (0..columns.len()).filter(|&i| {
                rows.iter()
                    .all(|r| matches!(&r[i], Value::Null) || r[i] == Value::text(""))
            });
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

    let mut table = Table::new();
    table.load_preset(presets::UTF8_FULL_CONDENSED);
    table.set_content_arrangement(ContentArrangement::Disabled);
    if style.color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    let header = kept.iter().map(|&i| {
        let text = match plan.columns[i] {
            Some(fitted) if fitting => header_lines(&columns[i], fitted.width),
            _ => columns[i].clone(),
        };
        let cell = Cell::new(text);
        if style.color {
            cell.add_attribute(Attribute::Bold)
        } else {
            cell
        }
    });
    if !hints.no_header {
        table.set_header(header);
    }
    for (row, texts) in rows.iter().zip(&texts) {
        table.add_row(kept.iter().map(|&i| {
            let text = match plan.columns[i] {
                Some(fitted) if fitting => fit_cell(&row[i], &texts[i], &columns[i], fitted),
                _ => texts[i].clone(),
            };
            let cell = Cell::new(&text);
            match tone(&columns[i], &text) {
                Some(color) if style.color => cell.fg(color),
                _ => cell,
            }
        }));
    }
    for (k, column) in table.column_iter_mut().enumerate() {
        let i = kept[k];
        if rows
            .iter()
            .all(|r| r[i].is_numeric() || r[i] == Value::Null)
        {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    let note = style
        .width
        .and_then(|width| fit_note(columns, &plan, width));
    (table, note)
}

/// A cell within its fitted width: an instant as its day, text cut with `…`.
fn fit_cell(value: &Value, text: &str, column: &str, fitted: super::fit::Fitted) -> String {
    match value {
        Value::Instant(t) if fitted.as_day => format_date(*t),
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
fn kind_of(rows: &[Vec<Value>], i: usize) -> Kind {
    let any = |f: fn(&Value) -> bool| rows.iter().any(|r| f(&r[i]));
    if any(|v| matches!(v, Value::Text(_) | Value::List(_))) {
        Kind::Cut
    } else if any(|v| matches!(v, Value::Instant(_))) {
        Kind::Instant
    } else {
        Kind::Fixed
    }
}

fn widest_line(text: &str) -> usize {
    text.lines().map(UnicodeWidthStr::width).max().unwrap_or(0)
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

/// A value as a person reads it: `12,345`, `59.76`, dates as ISO.
fn human(value: &Value) -> String {
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
        other => super::escape_controls(&other.plain()).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(!table.to_string().contains('\u{1b}'), "{table}");
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
            let text = table.to_string();
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
