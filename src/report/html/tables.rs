//! The page's tables: the lists under plain column names, and the table of every asset whose
//! first rows are plain HTML and whose whole data rides along as JSON for the inline script.

use super::{escape, Explorer};
use crate::input::currency::Currency;
use crate::input::time::format_date;
use crate::model::Status;
use crate::report::{group_thousands, money, Body, Report, Value};
use serde_json::json;
use std::fmt::Write;

/// Rows of the asset table written as HTML, shown before (or without) the script.
pub const FIRST_ROWS: usize = 100;

/// A column key as a reader names it.
fn label(key: &str) -> String {
    let known = match key {
        "asset_id" => "ID",
        "title" => "Title",
        "type" => "Type",
        "owner" => "Owner",
        "created" => "Created",
        "age_days" => "Age (days)",
        "cost" => "Cost",
        "status" => "Status",
        "opens" => "Opens",
        "users" => "Reps",
        "user" => "Rep",
        "first_open" => "First open",
        "last_open" => "Last open",
        "days_since_last_open" => "Days since last open",
        "events" => "Events",
        "team" => "Team",
        "deals_won" => "Won deals",
        "win_rate_pct" => "Win rate (%)",
        "revenue_won_attributed" => "Revenue attributed",
        "revenue_won_influenced" => "Revenue influenced",
        other => return other.replace('_', " "),
    };
    known.to_string()
}

/// A status as a reader names it.
pub fn status_label(status: Status) -> &'static str {
    match status {
        Status::Unpublished => "Unpublished",
        Status::New => "Too new to judge",
        Status::Never => "Never opened",
        Status::Stale => "Stale",
        Status::Active => "Active",
    }
}

/// Numbers with thousands separators, dates (and instants: a day is enough to read) as ISO
/// days, empty for nothing.
fn human(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Instant(t) => format_date(*t),
        Value::Int(n) => group_thousands(&n.to_string()),
        Value::Num(x) if x.fract() == 0.0 && x.abs() < 1e15 => {
            group_thousands(&(*x as i64).to_string())
        }
        Value::Num(x) => money(*x),
        other => other.plain(),
    }
}

/// A list, and "… and N more" when rows were left out.
pub fn write(html: &mut String, (report, left_out): &(Report, usize), currency: Option<&Currency>) {
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
        let _ = write!(
            html,
            "<th{}>{}</th>",
            class(*numeric),
            escape(&label(column))
        );
    }
    html.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        html.push_str("<tr>");
        for ((value, numeric), column) in row.iter().zip(&numeric).zip(columns) {
            let class = match value {
                Value::Date(_) | Value::Instant(_) => " class=\"date\"",
                _ if column == "asset_id" => " class=\"id\"",
                _ => class(*numeric),
            };
            let mut shown = human(value);
            if let (Some(c), true, false) = (currency, column == "cost", shown.is_empty()) {
                shown = c.amount(&shown);
            }
            let _ = write!(html, "<td{class}>{}</td>", escape(&shown));
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody></table></div>\n");
    if *left_out > 0 {
        let _ = writeln!(
            html,
            "<p class=\"more\">… and {} more; the CSV reports list them all.</p>",
            group_thousands(&left_out.to_string())
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

/// The columns of the asset table: (key, label, numeric).
fn explorer_columns(e: &Explorer<'_>) -> Vec<(&'static str, &'static str, bool)> {
    let mut columns = vec![("title", "Title", false)];
    if e.has_type {
        columns.push(("type", "Type", false));
    }
    if e.has_owner {
        columns.push(("owner", "Owner", false));
    }
    columns.extend([
        ("status", "Status", false),
        ("opens", "Opens", true),
        ("users", "Reps", true),
        ("last_open", "Last open", false),
    ]);
    if e.has_cost {
        columns.push(("cost", "Cost", true));
    }
    columns
}

/// The table of every asset: controls (shown by the script), the first rows as HTML, and
/// every row as JSON (`<` written as `\u003c`, so no text can close the script element).
pub fn explorer(html: &mut String, e: &Explorer<'_>, currency: Option<&Currency>) {
    let columns = explorer_columns(e);
    let total = e.total;
    let _ = writeln!(
        html,
        "<p class=\"muted\">All {} assets, most opened first. Click a column to sort; filter by status, type and owner; search by title.</p>",
        group_thousands(&total.to_string())
    );
    html.push_str("<div class=\"controls\" id=\"asset-controls\" hidden><input type=\"search\" id=\"asset-search\" placeholder=\"Search titles\" aria-label=\"Search titles\"></div>\n");
    html.push_str("<div class=\"table-wrap\"><table id=\"asset-table\">\n<thead><tr>");
    for (i, (_, name, numeric)) in columns.iter().enumerate() {
        let _ = write!(
            html,
            "<th{} data-col=\"{i}\" tabindex=\"0\">{name}</th>",
            class(*numeric)
        );
    }
    html.push_str("</tr></thead>\n<tbody>\n");
    let cost = |c: Option<f64>| -> String {
        match (c, currency) {
            (None, _) => String::new(),
            (Some(x), Some(cur)) => cur.amount(&human(&Value::Num(x))),
            (Some(x), None) => human(&Value::Num(x)),
        }
    };
    for row in (e.rows)().take(FIRST_ROWS) {
        let mut cells = vec![escape(row.title)];
        if e.has_type {
            cells.push(escape(row.kind));
        }
        if e.has_owner {
            cells.push(escape(row.owner));
        }
        cells.push(status_label(row.status).to_string());
        html.push_str("<tr>");
        for cell in cells {
            let _ = write!(html, "<td>{cell}</td>");
        }
        let _ = write!(
            html,
            "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"date\">{}</td>",
            group_thousands(&row.opens.to_string()),
            group_thousands(&row.users.to_string()),
            row.last_open.map(format_date).unwrap_or_default()
        );
        if e.has_cost {
            let _ = write!(html, "<td class=\"num\">{}</td>", escape(&cost(row.cost)));
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody></table></div>\n");
    let _ = writeln!(
        html,
        "<p class=\"more\" id=\"asset-more\">{}</p>",
        if total > FIRST_ROWS {
            format!(
                "The first {FIRST_ROWS} of {} assets; with script on, the page sorts, filters and shows them all.",
                group_thousands(&total.to_string())
            )
        } else {
            String::new()
        }
    );
    html.push_str("<button type=\"button\" id=\"asset-show-more\" hidden>Show more</button>\n");
    let _ = writeln!(
        html,
        "<script type=\"application/json\" id=\"asset-data\">{}</script>",
        data(e, &columns, currency)
    );
}

/// Every row as JSON: types and owners as indexes into their lists, statuses by index into
/// the labels, numbers as numbers.
fn data(
    e: &Explorer<'_>,
    columns: &[(&'static str, &'static str, bool)],
    currency: Option<&Currency>,
) -> String {
    let (mut types, mut owners) = (Interner::default(), Interner::default());
    let statuses: Vec<&str> = Status::ALL.iter().map(|s| status_label(*s)).collect();
    // Each row serialised as it is made, as `serde_json` writes the whole document compactly
    // (no whitespace, so the rows joined with `,` are the array): a million rows as one
    // `serde_json::Value` took several hundred megabytes.
    let mut rows = String::from("[");
    for (k, r) in (e.rows)().enumerate() {
        let status = Status::ALL.iter().position(|s| *s == r.status).unwrap_or(0);
        let row = json!([
            r.title,
            types.index(r.kind),
            owners.index(r.owner),
            status,
            r.opens,
            r.users,
            r.last_open.map(format_date),
            r.cost
        ]);
        if k > 0 {
            rows.push(',');
        }
        rows.push_str(&row.to_string());
    }
    rows.push(']');
    let keys: Vec<&str> = columns.iter().map(|(k, _, _)| *k).collect();
    let head = json!({
        "columns": keys,
        "statuses": statuses,
        "types": types.list,
        "owners": owners.list,
        "currency": currency.map(|c| c.amount("")),
        "first": FIRST_ROWS,
    })
    .to_string();
    // `{...,"first":100}` + `,"rows":[...]}`
    let mut text = String::with_capacity(head.len() + rows.len() + 8);
    text.push_str(&head[..head.len() - 1]);
    text.push_str(",\"rows\":");
    text.push_str(&rows);
    text.push('}');
    drop(rows);
    safe_in_script(&text)
}

/// `<`, `>` and `&` as JSON escapes, so no text can close the script element.
fn safe_in_script(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c => out.push(c),
        }
    }
    out
}

/// Distinct texts in the order first seen, each with its index (a few dozen types and
/// owners, kept as their own strings: the rows they come from are made one at a time).
#[derive(Default)]
struct Interner {
    list: Vec<String>,
    seen: rustc_hash::FxHashMap<String, usize>,
}

impl Interner {
    fn index(&mut self, text: &str) -> usize {
        if let Some(&i) = self.seen.get(text) {
            return i;
        }
        let next = self.list.len();
        self.seen.insert(text.to_string(), next);
        self.list.push(text.to_string());
        next
    }
}
