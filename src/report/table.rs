//! Tables for people: aligned columns, thousands separators, fitted to the terminal.

use super::{group_thousands, record_rows, Body, RenderStyle, Report, Value};
use anyhow::Result;
use comfy_table::{presets, Attribute, Cell, CellAlignment, Color, ContentArrangement, Table};
use std::io::Write;

pub fn write(report: &Report, style: RenderStyle, out: &mut dyn Write) -> Result<()> {
    for line in &report.headline {
        writeln!(out, "{}", super::escape_controls(line))?;
    }
    if !report.headline.is_empty() {
        writeln!(out)?;
    }
    write_body(out, &report.params, &report.body, style)?;
    for (title, body) in &report.sections {
        writeln!(out, "\n{title}")?;
        write_body(out, &[], body, style)?;
    }
    for line in &report.footer {
        writeln!(out, "{}", super::escape_controls(line))?;
    }
    Ok(())
}

/// A record as a two-column table of figures (after `params`), or the rows as they are.
fn write_body(
    out: &mut dyn Write,
    params: &[(String, Value)],
    body: &Body,
    style: RenderStyle,
) -> Result<()> {
    let table = match body {
        Body::Record(fields) => {
            let rows = record_rows(params, fields);
            build(&["figure".to_string(), "value".to_string()], &rows, style)
        }
        Body::Rows { rows, .. } if rows.is_empty() => {
            writeln!(out, "(no rows)")?;
            return Ok(());
        }
        Body::Rows { columns, rows } => build(columns, rows, style),
    };
    writeln!(out, "{table}")?;
    Ok(())
}

fn build(columns: &[String], rows: &[Vec<Value>], style: RenderStyle) -> Table {
    let mut table = Table::new();
    table.load_preset(presets::UTF8_FULL_CONDENSED);
    table.set_content_arrangement(if style.fit_terminal {
        ContentArrangement::Dynamic
    } else {
        ContentArrangement::Disabled
    });
    if style.fit_terminal {
        // The terminal's width, read before colour is decided: with colour off the table is
        // told it is not on a terminal, which would also turn fitting off.
        if let Some(width) = Table::new().width() {
            table.set_width(width);
        }
    }
    if style.color {
        table.enforce_styling();
        table.set_header(
            columns
                .iter()
                .map(|c| Cell::new(c).add_attribute(Attribute::Bold)),
        );
    } else {
        table.force_no_tty();
        table.set_header(columns);
    }
    for row in rows {
        table.add_row(row.iter().zip(columns).map(|(value, column)| {
            let mut text = human(value);
            if style.fit_terminal {
                text = truncate(&text, MAX_CELL_CHARS);
            }
            let cell = Cell::new(&text);
            match tone(column, &text) {
                Some(color) if style.color => cell.fg(color),
                _ => cell,
            }
        }));
    }
    for (i, column) in table.column_iter_mut().enumerate() {
        if rows
            .iter()
            .all(|r| r[i].is_numeric() || r[i] == Value::Null)
        {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    table
}

/// Longer text (titles, mostly) is cut on a terminal so the table fits; CSV and JSON keep all.
const MAX_CELL_CHARS: usize = 48;

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let head: String = text.chars().take(max - 1).collect();
    format!("{head}…")
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
        let table = build(&["title".to_string()], &rows, RenderStyle::default()).to_string();
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
    fn long_cells_are_cut_with_an_ellipsis() {
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("abcdefghijkl", 5), "abcd…");
        assert_eq!(truncate("ééééééé", 4), "ééé…");
    }
}
