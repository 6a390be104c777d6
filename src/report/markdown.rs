//! Markdown: pipe tables that render on common code-hosting sites and wikis.

use super::{record_rows, Body, Report, Value};
use anyhow::Result;
use std::io::Write;

pub fn write(report: &Report, out: &mut dyn Write) -> Result<()> {
    for line in &report.headline {
        writeln!(out, "{}  ", escape(line))?;
    }
    if !report.headline.is_empty() {
        writeln!(out)?;
    }
    write_body(out, &report.params, &report.body)?;
    if !report.hints.under.is_empty() {
        writeln!(out)?;
    }
    for line in &report.hints.under {
        writeln!(out, "{}  ", escape(line))?;
    }
    for (title, body) in &report.sections {
        write_section(out, title, body)?;
    }
    if !report.footer.is_empty() {
        writeln!(out)?;
    }
    for line in &report.footer {
        writeln!(out, "{}  ", escape(line))?;
    }
    Ok(())
}

/// A section: its title, then its table.
pub(super) fn write_section(out: &mut dyn Write, title: &str, body: &Body) -> Result<()> {
    writeln!(out, "\n### {}\n", escape(title))?;
    write_body(out, &[], body)
}

fn write_body(out: &mut dyn Write, params: &[(String, Value)], body: &Body) -> Result<()> {
    match body {
        Body::Record(fields) => {
            let rows = record_rows(params, fields);
            write_table(out, &["figure".to_string(), "value".to_string()], &rows)
        }
        Body::Rows { columns, rows } => write_table(out, columns, rows),
    }
}

fn write_table(out: &mut dyn Write, columns: &[String], rows: &[Vec<Value>]) -> Result<()> {
    header_lines(out, columns, rows.first().map(Vec::as_slice))?;
    for row in rows {
        let cells: Vec<String> = row.iter().map(|v| escape(&v.plain())).collect();
        writeln!(out, "| {} |", cells.join(" | "))?;
    }
    Ok(())
}

/// The header and the rule under it, numeric columns (as in the first row) right-aligned.
pub(super) fn header_lines(
    out: &mut dyn Write,
    columns: &[String],
    first: Option<&[Value]>,
) -> Result<()> {
    let header: Vec<String> = columns.iter().map(|c| escape(c)).collect();
    writeln!(out, "| {} |", header.join(" | "))?;
    let rule: Vec<&str> = columns
        .iter()
        .enumerate()
        .map(|(i, _)| match first.map(|r| r[i].is_numeric()) {
            Some(true) => "---:",
            _ => "---",
        })
        .collect();
    writeln!(out, "| {} |", rule.join(" | "))?;
    Ok(())
}

/// Pipes would end a cell and newlines a row; markup characters would format the text.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' | '\\' | '*' | '_' | '`' | '<' | '>' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_break_the_table() {
        assert_eq!(escape("a|b\nc"), "a\\|b c");
        assert_eq!(escape("<script>"), "\\<script\\>");
    }
}
