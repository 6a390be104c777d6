//! `diff`: two snapshots compared; the figures with deltas, and the assets that changed.

use crate::cli::DiffArgs;
use crate::commands::{gates_of, Ctx};
use crate::error::Exit;
use crate::gates::{report_breaches, GateFigures};
use crate::report::{render, Body, RenderStyle, Report, Value};
use crate::snapshot::diff::{Change, Diff, FigureDelta};
use crate::snapshot::{load, Loaded};
use anyhow::Result;
use serde_json::Value as Json;

pub const FIGURE_COLUMNS: [&str; 4] = ["figure", "old", "new", "delta"];
pub const CHANGE_COLUMNS: [&str; 9] = [
    "change",
    "asset_id",
    "title",
    "type",
    "owner",
    "old_status",
    "new_status",
    "old_opens",
    "new_opens",
];

pub fn run(args: &DiffArgs, ctx: &mut Ctx) -> Result<Exit> {
    let gates = gates_of(&args.gates, args.fail_if_never_opened_rises_by)?;
    let format = crate::config::format_of(args.output.format);
    let (old, new) = (load(&args.old)?, load(&args.new)?);
    let diff = Diff::between(&old, &new);
    let params = params(&old, &new);
    // The two snapshots' assets (hundreds of megabytes for a million each) are done with.
    drop((old, new));
    let mut report = report(params, &diff);
    if format == crate::report::Format::Csv && args.changes {
        let (_, changes) = report.sections.remove(0);
        report.body = changes;
    }
    let width = crate::config::table_width(args.output.wide);
    let style = RenderStyle::for_stdout(width, args.output.raw_csv);
    let breaches = gates.check(&gate_figures(&diff));
    // Its changes are in the report's rows now.
    drop(diff);
    render(&report, format, style, ctx.out)?;
    Ok(report_breaches(&breaches))
}

fn params(old: &Loaded, new: &Loaded) -> Vec<(String, Value)> {
    vec![
        ("old".into(), Value::text(&old.path)),
        ("new".into(), Value::text(&new.path)),
        ("old_as_of".into(), Value::text(&old.as_of)),
        ("new_as_of".into(), Value::text(&new.as_of)),
    ]
}

fn report(params: Vec<(String, Value)>, diff: &Diff) -> Report {
    let mut report = Report::rows(params, &FIGURE_COLUMNS, figure_rows(diff));
    let changes = Body::Rows {
        columns: CHANGE_COLUMNS.iter().map(|c| c.to_string()).collect(),
        rows: change_rows(diff),
    };
    report.sections.push(("changes".into(), changes));
    report.extra = Change::ALL
        .iter()
        .map(|c| {
            (
                format!("assets_{}", c.as_str()),
                Value::count(diff.count(*c) as u64),
            )
        })
        .collect();
    report.headline = headline(diff);
    report
}

fn figure_rows(diff: &Diff) -> Vec<Vec<Value>> {
    diff.figures
        .iter()
        .map(|f| {
            vec![
                Value::text(&f.figure),
                from_json(&f.old),
                from_json(&f.new),
                delta_value(f),
            ]
        })
        .collect()
}

/// Whole figures keep a whole delta; the rest are rounded to two decimals already.
fn delta_value(figure: &FigureDelta) -> Value {
    match (figure.old.as_i64(), figure.new.as_i64(), figure.delta) {
        (Some(old), Some(new), _) => Value::Int(new - old),
        (_, _, Some(delta)) => Value::Num(delta),
        _ => Value::Null,
    }
}

fn change_rows(diff: &Diff) -> Vec<Vec<Value>> {
    diff.changes
        .iter()
        .map(|c| {
            vec![
                Value::text(c.change.as_str()),
                Value::text(&c.asset_id),
                from_json(&c.title),
                from_json(&c.kind),
                from_json(&c.owner),
                from_json(&c.old_status),
                from_json(&c.new_status),
                from_json(&c.old_opens),
                from_json(&c.new_opens),
            ]
        })
        .collect()
}

/// Snapshot values back into report cells (dates and instants stay the text they were).
fn from_json(value: &Json) -> Value {
    match value {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => n
            .as_i64()
            .map_or_else(|| Value::opt_num(n.as_f64()), Value::Int),
        Json::String(s) => Value::text(s),
        other => Value::text(other.to_string()),
    }
}

fn headline(diff: &Diff) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(pct) = diff.figure("never_opened_pct") {
        lines.push(format!(
            "Never opened: {}% → {}% ({} points)",
            from_json(&pct.old).plain(),
            from_json(&pct.new).plain(),
            pct.delta.map_or("?".to_string(), signed),
        ));
    }
    let counts: Vec<String> = Change::ALL
        .iter()
        .map(|c| format!("{} {}", diff.count(*c), c.as_str().replace('_', " ")))
        .collect();
    lines.push(format!("Assets: {}", counts.join(", ")));
    lines
}

fn signed(x: f64) -> String {
    let plain = crate::report::format_number(x);
    if x > 0.0 {
        format!("+{plain}")
    } else {
        plain
    }
}

fn gate_figures(diff: &Diff) -> GateFigures {
    let number = |name: &str, new: bool| {
        diff.figure(name)
            .and_then(|f| if new { f.new.as_f64() } else { f.old.as_f64() })
    };
    GateFigures {
        never_opened_pct: number("never_opened_pct", true).unwrap_or(0.0),
        events_orphan: number("events_orphan", true).unwrap_or(0.0) as u64,
        previous_never_opened_pct: number("never_opened_pct", false),
    }
}
