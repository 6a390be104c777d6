//! One self-contained HTML page: inline CSS and SVG, no script, no network, every text escaped.

use super::{format_number, group_thousands, money, Body, Report, Value};
use std::fmt::Write;

/// What the page shows, gathered by the `report` command.
#[derive(Debug, Clone)]
pub struct Page {
    pub headline: Vec<String>,
    pub params: Vec<(String, Value)>,
    /// Key figures, shown as cards.
    pub figures: Vec<(String, Value)>,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone)]
pub enum Section {
    Trend(Vec<TrendPoint>),
    Bars {
        title: String,
        bars: Vec<Bar>,
    },
    /// A table and how many of its rows were left out.
    Table {
        title: String,
        table: (Report, usize),
    },
    Coverage {
        fields: Vec<(String, Value)>,
        silent: (Report, usize),
    },
    /// Content on won deals: the sentence naming the link and model, the figures as cards,
    /// the top assets by attributed revenue, and the notes under them.
    Influence {
        sentence: String,
        fields: Vec<(String, Value)>,
        top: (Report, usize),
        notes: Vec<String>,
    },
    /// A section drawn by its own module (the "Duplicates" section of
    /// [`super::html_duplicates`]), already HTML.
    Html(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct TrendPoint {
    pub label: String,
    pub adoption_pct: f64,
    pub events: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub pct: f64,
    pub detail: String,
    /// What fits beside the bar, e.g. `49/77`.
    pub short: String,
    /// How much the bar stands for (judged assets), for ordering.
    pub weight: u64,
}

const STYLE: &str = "
:root{--ink:#1d2330;--muted:#5b6475;--line:#d9dde5;--accent:#2f6fdf;--bad:#c8382e;--bg:#fff}
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:var(--ink);background:var(--bg);margin:0 auto;max-width:1100px;padding:1rem}
h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.15rem;margin:1.8rem 0 .6rem;border-bottom:1px solid var(--line);padding-bottom:.2rem}
.muted{color:var(--muted)}.headline{font-size:1.1rem;font-weight:600}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:.6rem;margin:1rem 0}
.card{border:1px solid var(--line);border-radius:8px;padding:.6rem .8rem}
.card .value{font-size:1.4rem;font-weight:700;overflow-wrap:anywhere}.card .label{color:var(--muted);font-size:.8rem}
.chart{width:100%;height:auto;display:block}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.85rem}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.num,td.date,td:first-child{white-space:nowrap}
footer{margin-top:2rem;color:var(--muted);font-size:.8rem}
@media print{body{max-width:none;padding:0;font-size:11px}h2{break-after:avoid}tr,.card,svg{break-inside:avoid}.table-wrap{overflow:visible}}
@media (max-width:600px){body{padding:.6rem}.card .value{font-size:1.15rem}td,th{padding:.25rem}}
";

/// Writes the whole page.
pub fn render(page: &Page) -> String {
    let mut html = String::with_capacity(64 * 1024);
    html.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    html.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    html.push_str("<title>Collateral audit</title>\n<style>");
    html.push_str(STYLE);
    html.push_str("</style>\n</head>\n<body>\n<h1>Collateral audit</h1>\n");
    write_params(&mut html, &page.params);
    for line in &page.headline {
        let _ = writeln!(html, "<p class=\"headline\">{}</p>", escape(line));
    }
    write_cards(&mut html, &page.figures);
    for section in &page.sections {
        write_section(&mut html, section);
    }
    html.push_str("<footer>Made by collateral-audit ");
    html.push_str(env!("CARGO_PKG_VERSION"));
    html.push_str(". Definitions: never opened = no counted event in the window among assets old enough to judge.</footer>\n</body>\n</html>\n");
    html
}

/// `&`, `<`, `>`, `"` and `'` as entities, so data can never become markup.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn write_params(html: &mut String, params: &[(String, Value)]) {
    let shown: Vec<String> = params
        .iter()
        .filter(|(_, v)| !matches!(v, Value::Null) && !matches!(v, Value::List(l) if l.is_empty()))
        .map(|(k, v)| format!("{k} {}", v.plain()))
        .collect();
    let _ = writeln!(
        html,
        "<p class=\"muted\">{}</p>",
        escape(&shown.join(" · "))
    );
}

fn write_cards(html: &mut String, figures: &[(String, Value)]) {
    html.push_str("<div class=\"cards\">\n");
    for (key, value) in figures {
        let shown = match value {
            Value::Num(x) if key.ends_with("_pct") => format!("{}%", format_number(*x)),
            other => human(other),
        };
        let _ = writeln!(
            html,
            "<div class=\"card\" data-figure=\"{}\"><div class=\"value\">{}</div><div class=\"label\">{}</div></div>",
            escape(key),
            escape(&shown),
            escape(&key.replace('_', " "))
        );
    }
    html.push_str("</div>\n");
}

fn write_section(html: &mut String, section: &Section) {
    match section {
        Section::Trend(points) => {
            html.push_str("<h2>Adoption per month</h2>\n");
            html.push_str("<p class=\"muted\">Share of the library opened at least once in each month (bars); counted events on hover.</p>\n");
            html.push_str(&trend_chart(points));
        }
        Section::Bars { title, bars } => {
            let _ = writeln!(html, "<h2>{}</h2>", escape(title));
            html.push_str(&bar_chart(bars));
        }
        Section::Table { title, table } => {
            let _ = writeln!(html, "<h2>{}</h2>", escape(title));
            write_table(html, table);
        }
        Section::Coverage { fields, silent } => {
            html.push_str("<h2>Rep coverage</h2>\n");
            write_cards(html, fields);
            html.push_str("<p class=\"muted\">Roster reps with no counted event:</p>\n");
            write_table(html, silent);
        }
        Section::Influence {
            sentence,
            fields,
            top,
            notes,
        } => {
            html.push_str("<h2 id=\"influence\">Content on won deals</h2>\n");
            let _ = writeln!(html, "<p>{}</p>", escape(sentence));
            write_cards(html, fields);
            html.push_str("<p class=\"muted\">Assets by revenue attributed from won deals:</p>\n");
            write_table(html, top);
            for note in notes {
                let _ = writeln!(html, "<p class=\"muted\">{}</p>", escape(note));
            }
        }
        Section::Html(block) => html.push_str(block),
    }
}

fn write_table(html: &mut String, (report, left_out): &(Report, usize)) {
    let Body::Rows { columns, rows } = &report.body else {
        return;
    };
    if rows.is_empty() {
        html.push_str("<p class=\"muted\">None.</p>\n");
        return;
    }
    let numeric: Vec<bool> = (0..columns.len())
        .map(|i| {
            rows.iter()
                .all(|r| r[i].is_numeric() || r[i] == Value::Null)
        })
        .collect();
    html.push_str("<div class=\"table-wrap\"><table>\n<thead><tr>");
    for (column, numeric) in columns.iter().zip(&numeric) {
        let _ = write!(html, "<th{}>{}</th>", class(*numeric), escape(column));
    }
    html.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        html.push_str("<tr>");
        for (value, numeric) in row.iter().zip(&numeric) {
            let class = match value {
                Value::Date(_) | Value::Instant(_) => " class=\"date\"",
                _ => class(*numeric),
            };
            let _ = write!(html, "<td{class}>{}</td>", escape(&human(value)));
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody></table></div>\n");
    if *left_out > 0 {
        let _ = writeln!(
            html,
            "<p class=\"muted\">… and {left_out} more; the CSV reports list them all.</p>"
        );
    }
}

fn class(numeric: bool) -> &'static str {
    if numeric {
        " class=\"num\""
    } else {
        ""
    }
}

/// Numbers with thousands separators, dates as ISO, empty for nothing.
fn human(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Int(n) => group_thousands(&n.to_string()),
        Value::Num(x) if x.fract() == 0.0 && x.abs() < 1e15 => {
            group_thousands(&(*x as i64).to_string())
        }
        Value::Num(x) => money(*x),
        other => other.plain(),
    }
}

/// Vertical bars of adoption_pct per period, on a 0–100% scale.
fn trend_chart(points: &[TrendPoint]) -> String {
    if points.is_empty() {
        return "<p class=\"muted\">No periods in the window.</p>\n".into();
    }
    let (width, height, left, bottom) = (800.0, 260.0, 40.0, 40.0);
    let plot_height = height - bottom - 10.0;
    let step = (width - left) / points.len() as f64;
    let mut svg = format!(
        "<svg class=\"chart\" role=\"img\" aria-label=\"Adoption per month\" viewBox=\"0 0 {width} {height}\">\n"
    );
    for pct in [0.0, 25.0, 50.0, 75.0, 100.0] {
        let y = 10.0 + plot_height * (1.0 - pct / 100.0);
        let _ = writeln!(
            svg,
            "<line x1=\"{left}\" x2=\"{width}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#d9dde5\"/><text x=\"{}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"#5b6475\">{pct}%</text>",
            left - 4.0,
            y + 4.0
        );
    }
    let label_every = (points.len() / 12).max(1);
    for (i, point) in points.iter().enumerate() {
        let bar_height = plot_height * point.adoption_pct.clamp(0.0, 100.0) / 100.0;
        let x = left + step * i as f64 + step * 0.15;
        let _ = writeln!(
            svg,
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bar_height:.1}\" fill=\"#2f6fdf\"><title>{}: {}% of the library used, {} events</title></rect>",
            10.0 + plot_height - bar_height,
            step * 0.7,
            escape(&point.label),
            format_number(point.adoption_pct),
            group_thousands(&point.events.to_string())
        );
        if i % label_every == 0 {
            let _ = writeln!(
                svg,
                "<text x=\"{:.1}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#5b6475\">{}</text>",
                x + step * 0.35,
                height - bottom + 16.0,
                escape(&point.label)
            );
        }
    }
    svg.push_str("</svg>\n");
    svg
}

/// Horizontal bars of a percentage per group.
fn bar_chart(bars: &[Bar]) -> String {
    if bars.is_empty() {
        return "<p class=\"muted\">The inventory has no such column.</p>\n".into();
    }
    let (width, row, label_width) = (800.0, 26.0, 220.0);
    let height = row * bars.len() as f64 + 10.0;
    let plot = width - label_width - 110.0;
    let mut svg = format!("<svg class=\"chart\" role=\"img\" viewBox=\"0 0 {width} {height}\">\n");
    for (i, bar) in bars.iter().enumerate() {
        let y = 5.0 + row * i as f64;
        let length = plot * bar.pct.clamp(0.0, 100.0) / 100.0;
        let label: String = bar.label.chars().take(32).collect();
        let _ = writeln!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"end\" fill=\"#1d2330\">{}</text><rect x=\"{label_width}\" y=\"{:.1}\" width=\"{plot:.1}\" height=\"16\" fill=\"#eef0f4\"/><rect x=\"{label_width}\" y=\"{:.1}\" width=\"{length:.1}\" height=\"16\" fill=\"#c8382e\"><title>{}: {}</title></rect><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" fill=\"#1d2330\">{}% ({})</text>",
            label_width - 8.0,
            y + 13.0,
            escape(&label),
            y,
            y,
            escape(&bar.label),
            escape(&bar.detail),
            label_width + plot + 8.0,
            y + 13.0,
            format_number(bar.pct),
            escape(&bar.short)
        );
    }
    svg.push_str("</svg>\n");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_leaves_no_markup() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(escape("Déck plain"), "Déck plain");
    }

    #[test]
    fn charts_escape_their_labels() {
        let bars = [Bar {
            label: "<img src=x onerror=alert(1)>".into(),
            pct: 50.0,
            detail: "1 of 2 never opened".into(),
            short: "1/2".into(),
            weight: 2,
        }];
        let svg = bar_chart(&bars);
        assert!(!svg.contains("<img"), "{svg}");
        assert!(svg.contains("&lt;img src=x"));
        let points = [TrendPoint {
            label: "2026-03".into(),
            adoption_pct: 150.0,
            events: 1234.0,
        }];
        let svg = trend_chart(&points);
        assert!(svg.contains("1,234 events"), "{svg}");
        assert!(svg.starts_with("<svg"));
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(human(&Value::Int(-1234567)), "-1,234,567");
        assert_eq!(human(&Value::Num(1234.5)), "1,234.50");
        assert_eq!(human(&Value::Num(-1186489.031)), "-1,186,489.03");
        assert_eq!(human(&Value::Num(2000.0)), "2,000");
        assert_eq!(human(&Value::Null), "");
    }
}
