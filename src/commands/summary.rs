//! `summary`: the headline figures, for the whole library or per group.

use crate::analysis::summary::Summary;
use crate::analysis::Audit;
use crate::commands::parameters;
use crate::commands::users::{coverage, coverage_fields};
use crate::config::Config;
use crate::input::headers::quote_list;
use crate::input_error;
use crate::report::{money, Report, Value};
use anyhow::Result;

/// The summary keys, in order, with their values.
pub fn summary_fields(s: &Summary) -> Vec<(String, Value)> {
    let pairs = [
        ("assets_total", Value::count(s.assets_total)),
        ("assets_unpublished", Value::count(s.assets_unpublished)),
        ("assets_too_new", Value::count(s.assets_too_new)),
        ("assets_judged", Value::count(s.assets_judged)),
        ("assets_opened", Value::count(s.assets_opened)),
        ("assets_never_opened", Value::count(s.assets_never_opened)),
        ("never_opened_pct", Value::Num(s.never_opened_pct)),
        ("assets_stale", Value::count(s.assets_stale)),
        ("assets_active", Value::count(s.assets_active)),
        ("cost_total", Value::opt_num(s.cost_total)),
        ("cost_never_opened", Value::opt_num(s.cost_never_opened)),
        ("events_read", Value::count(s.events_read)),
        ("rows_skipped", Value::count(s.rows_skipped)),
        ("events_excluded", Value::count(s.events_excluded)),
        ("events_orphan", Value::count(s.events_orphan)),
        ("events_counted", Value::count(s.events_counted)),
        ("users_active", Value::count(s.users_active)),
    ];
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// Every key of the ungrouped summary, in report order.
pub fn summary_keys() -> Vec<String> {
    let mut keys: Vec<String> = summary_fields(&Summary::default())
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    keys.extend(["users_roster", "coverage_pct"].map(String::from));
    keys.extend(
        [
            "asset_rows_skipped",
            "asset_values_invalid",
            "assets_duplicate",
        ]
        .map(String::from),
    );
    keys
}

/// `users_roster` and `coverage_pct`, null without a roster.
fn roster_fields(audit: &Audit) -> Vec<(String, Value)> {
    let mut fields = coverage_fields(coverage(audit));
    fields.retain(|(key, _)| key == "users_roster" || key == "coverage_pct");
    fields
}

/// The inventory-health figures that go beside the summary.
fn inventory_fields(audit: &Audit) -> Vec<(String, Value)> {
    let stats = &audit.inventory.stats;
    vec![
        (
            "asset_rows_skipped".into(),
            Value::count(stats.rows_skipped),
        ),
        (
            "asset_values_invalid".into(),
            Value::count(stats.values_invalid),
        ),
        ("assets_duplicate".into(), Value::count(stats.duplicates)),
    ]
}

pub fn report(config: &Config, audit: &Audit, group_by: Option<&str>) -> Result<Report> {
    let whole = Summary::whole(audit);
    let Some(column_name) = group_by else {
        let mut fields = summary_fields(&whole);
        fields.extend(roster_fields(audit));
        fields.extend(inventory_fields(audit));
        let mut report = Report::record(parameters(config), fields);
        report.headline = headline(&whole);
        report.warnings = Some(warning_pairs(audit));
        return Ok(report);
    };
    let column = resolve_asset_column(audit, "--group-by", column_name)?;
    let (names, group_of) = audit.inventory.groups_by_column(column);
    let summaries = Summary::by_group(audit, &group_of, names.len());
    let mut columns = vec!["group".to_string()];
    columns.extend(summary_fields(&whole).into_iter().map(|(k, _)| k));
    let rows = names
        .iter()
        .zip(&summaries)
        .map(|(name, s)| {
            let mut row = vec![Value::text(name)];
            row.extend(summary_fields(s).into_iter().map(|(_, v)| v));
            row
        })
        .collect();
    let column_refs: Vec<&str> = columns.iter().map(String::as_str).collect();
    let mut params = parameters(config);
    params.push(("group_by".into(), Value::text(column_name)));
    let mut report = Report::rows(params, &column_refs, rows);
    let mut total = summary_fields(&whole);
    total.extend(roster_fields(audit));
    total.extend(inventory_fields(audit));
    report.extra = total
        .into_iter()
        .map(|(k, v)| (format!("total_{k}"), v))
        .collect();
    report.headline = headline(&whole);
    report.warnings = Some(warning_pairs(audit));
    Ok(report)
}

/// The audit's warnings as (code, message), for the `warnings` JSON key.
pub fn warning_pairs(audit: &Audit) -> Vec<(String, String)> {
    audit
        .warnings
        .iter()
        .map(|w| (w.code.to_string(), w.message.clone()))
        .collect()
}

/// The sentence a person reads first.
fn headline(s: &Summary) -> Vec<String> {
    let mut line = format!(
        "Never opened: {} of {} judged assets ({}%)",
        s.assets_never_opened, s.assets_judged, s.never_opened_pct
    );
    if let Some(cost) = s.cost_never_opened {
        let total = s.cost_total.unwrap_or(0.0);
        line.push_str(&format!(", costing {} of {}", money(cost), money(total)));
    }
    vec![line]
}

/// An inventory column for `--group-by`/`--by`, or a usage error listing the headers.
pub fn resolve_asset_column(audit: &Audit, option: &str, name: &str) -> Result<usize> {
    audit.inventory.column_named(name).ok_or_else(|| {
        input_error!(
            "{option} {name:?}: no such asset column; headers found: {}",
            quote_list(&audit.inventory.headers)
        )
    })
}
