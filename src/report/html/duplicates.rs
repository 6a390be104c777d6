//! The "Duplicates" section of the HTML page, drawn on its own: the clusters found, what
//! retiring the duplicates would save, and the largest clusters. Every text is escaped.

use super::{escape, write_cards, Card, Currency};
use crate::report::{format_number, group_thousands, money, Value};
use std::fmt::Write;

/// What the section shows, gathered by the `report` command.
#[derive(Debug, Clone, PartialEq)]
pub struct DuplicatesSection {
    /// The `duplicates` headline.
    pub sentence: String,
    /// The summary figures shown as cards, in plain words.
    pub cards: Vec<Card>,
    pub columns: Vec<String>,
    /// The largest clusters, each with its rows (cut) and how many of its rows were left out.
    pub clusters: Vec<(Vec<Vec<Value>>, usize)>,
    /// Clusters not shown.
    pub clusters_left_out: usize,
    /// The rules the clusters were found with, in a sentence.
    pub rules: String,
}

/// Writes the section's HTML (inside the page's `<section>`).
pub fn write(html: &mut String, section: &DuplicatesSection, currency: Option<&Currency>) {
    html.push_str("<section>\n<h2 id=\"duplicates\">Duplicates</h2>\n");
    let _ = writeln!(html, "<p>{}</p>", escape(&section.sentence));
    write_cards(html, &section.cards, currency);
    let _ = writeln!(
        html,
        "<p class=\"muted\">The largest clusters, the asset to keep first:</p>"
    );
    html.push_str("<div class=\"table-wrap\"><table>\n<thead><tr>");
    for column in &section.columns {
        let _ = write!(html, "<th>{}</th>", escape(column));
    }
    html.push_str("</tr></thead>\n<tbody>\n");
    for (rows, left_out) in &section.clusters {
        for row in rows {
            html.push_str("<tr>");
            for value in row {
                let class = match value {
                    Value::Int(_) | Value::Num(_) => " class=\"num\"",
                    Value::Date(_) | Value::Instant(_) => " class=\"date\"",
                    _ => "",
                };
                let _ = write!(html, "<td{class}>{}</td>", escape(&shown(value)));
            }
            html.push_str("</tr>\n");
        }
        if *left_out > 0 {
            let _ = writeln!(
                html,
                "<tr><td colspan=\"{}\" class=\"muted\">… and {left_out} more in this cluster</td></tr>",
                section.columns.len()
            );
        }
    }
    html.push_str("</tbody></table></div>\n");
    if section.clusters_left_out > 0 {
        let _ = writeln!(
            html,
            "<p class=\"muted\">… and {} more clusters; <code>duplicates --format csv</code> lists them all.</p>",
            section.clusters_left_out
        );
    }
    let _ = writeln!(html, "<p class=\"muted\">{}</p>", escape(&section.rules));
}

/// Numbers with thousands separators, booleans as keep / retire, empty for nothing.
fn shown(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        // A day is enough to read, as in the page's other lists.
        Value::Instant(t) => crate::input::time::format_date(*t),
        Value::Int(n) => group_thousands(&n.to_string()),
        Value::Num(x) if x.fract() == 0.0 && x.abs() < 1e15 => format_number(*x),
        Value::Num(x) => money(*x),
        Value::Bool(true) => "keep".into(),
        Value::Bool(false) => "retire".into(),
        other => other.plain(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_section_escapes_its_data() {
        let section = DuplicatesSection {
            sentence: "Duplicates: 1 cluster".into(),
            cards: Vec::new(),
            columns: vec!["asset_id".into(), "keep".into()],
            clusters: vec![(vec![vec![Value::text("<b>A</b>"), Value::Bool(true)]], 2)],
            clusters_left_out: 0,
            rules: "Titles at least 0.8 similar.".into(),
        };
        let mut html = String::new();
        write(&mut html, &section, None);
        assert!(html.contains("&lt;b&gt;A&lt;/b&gt;"), "{html}");
        assert!(!html.contains("<b>A"));
        assert!(html.contains("<td>keep</td>"));
        assert!(html.contains("… and 2 more in this cluster"));
    }
}
