//! `report`: the audit as one self-contained HTML page for people who never open a terminal.
//!
//! Everything here is gathered from the other reports' builders over one pass; the page itself
//! is drawn by [`crate::report::html`].

use crate::analysis::summary::Summary;
use crate::analysis::Audit;
use crate::cli::StatusArg;
use crate::commands::{assets, summary, trends, unused, users};
use crate::config::Config;
use crate::report::html::{Bar, Page, Section, TrendPoint};
use crate::report::{Body, Report, Value};
use anyhow::Result;

/// Lists longer than this are cut on the page (the CSV reports have them whole).
const LIST_ROWS: usize = 200;
/// Owners shown in the by-owner chart, most judged assets first.
const OWNER_BARS: usize = 15;

pub fn page(config: &Config, audit: &Audit) -> Result<Page> {
    let summary_report = summary::report(config, audit, None)?;
    let whole = Summary::whole(audit);
    let mut sections = vec![
        Section::Trend(trend_points(config, audit)),
        Section::Bars {
            title: "Never-opened share by type".into(),
            bars: never_by(audit, "type", usize::MAX),
        },
        Section::Bars {
            title: "Never-opened share by owner".into(),
            bars: never_by(audit, "owner", OWNER_BARS),
        },
        Section::Table {
            title: never_title(audit),
            table: cut(never_opened(config, audit)),
        },
        Section::Table {
            title: "Stale: opened, but not in the last days".replace(
                "the last days",
                &format!("the last {} days", config.policy.stale_after_days),
            ),
            table: cut(assets::report(config, audit, &[StatusArg::Stale])),
        },
    ];
    if let Some(coverage) = users::coverage(audit) {
        sections.push(Section::Coverage {
            fields: users::coverage_fields(Some(coverage)),
            silent: cut(silent_reps(config, audit)),
        });
    }
    Ok(Page {
        headline: summary_report.headline.clone(),
        params: summary_report.params.clone(),
        figures: key_figures(&whole, &summary_report),
        sections,
    })
}

/// The figures shown as cards at the top.
fn key_figures(whole: &Summary, report: &Report) -> Vec<(String, Value)> {
    let Body::Record(fields) = &report.body else {
        return Vec::new();
    };
    let wanted = [
        "never_opened_pct",
        "assets_never_opened",
        "assets_judged",
        "cost_never_opened",
        "assets_stale",
        "events_counted",
        "users_active",
        "coverage_pct",
    ];
    let mut figures: Vec<(String, Value)> = wanted
        .iter()
        .filter_map(|key| fields.iter().find(|(k, _)| k == key).cloned())
        .filter(|(_, v)| *v != Value::Null)
        .collect();
    if whole.cost_total.is_none() {
        figures.retain(|(k, _)| k != "cost_never_opened");
    }
    figures
}

fn trend_points(config: &Config, audit: &Audit) -> Vec<TrendPoint> {
    let report = trends::report(config, audit, None);
    let Body::Rows { columns, rows } = &report.body else {
        return Vec::new();
    };
    let column = |name: &str| columns.iter().position(|c| c == name);
    let (Some(period), Some(adoption), Some(events)) =
        (column("period"), column("adoption_pct"), column("events"))
    else {
        return Vec::new();
    };
    rows.iter()
        .map(|row| TrendPoint {
            label: row[period].plain(),
            adoption_pct: number(&row[adoption]),
            events: number(&row[events]),
        })
        .collect()
}

fn number(value: &Value) -> f64 {
    match value {
        Value::Int(n) => *n as f64,
        Value::Num(x) => *x,
        _ => 0.0,
    }
}

/// Never-opened share per value of an asset field, largest groups first.
fn never_by(audit: &Audit, field: &str, most: usize) -> Vec<Bar> {
    let Some(column) = audit
        .inventory
        .field_columns
        .iter()
        .find(|(name, _)| *name == field)
        .map(|&(_, c)| c)
    else {
        return Vec::new();
    };
    let (names, group_of) = audit.inventory.groups_by_column(column);
    let summaries = Summary::by_group(audit, &group_of, names.len());
    let mut bars: Vec<Bar> = names
        .into_iter()
        .zip(summaries)
        .filter(|(_, s)| s.assets_judged > 0)
        .map(|(name, s)| Bar {
            label: if name.is_empty() {
                "(none)".into()
            } else {
                name
            },
            pct: s.never_opened_pct,
            detail: format!(
                "{} of {} never opened",
                s.assets_never_opened, s.assets_judged
            ),
            short: format!("{}/{}", s.assets_never_opened, s.assets_judged),
            weight: s.assets_judged,
        })
        .collect();
    bars.sort_by(|a, b| b.weight.cmp(&a.weight).then_with(|| a.label.cmp(&b.label)));
    bars.truncate(most);
    bars
}

fn never_title(audit: &Audit) -> String {
    if audit.inventory.has_cost {
        "Never opened, largest cost first".into()
    } else {
        "Never opened, oldest first".into()
    }
}

/// The `unused` list, reordered by cost (largest first) when the inventory has costs.
fn never_opened(config: &Config, audit: &Audit) -> Report {
    let mut report = unused::report(config, audit);
    if audit.inventory.has_cost {
        if let Body::Rows { rows, .. } = &mut report.body {
            let cost = unused::COLUMNS
                .iter()
                .position(|c| *c == "cost")
                .unwrap_or(0);
            rows.sort_by(|a, b| number(&b[cost]).total_cmp(&number(&a[cost])));
        }
    }
    report
}

/// Roster reps with no counted event.
fn silent_reps(config: &Config, audit: &Audit) -> Report {
    let mut report = users::report(config, audit);
    if let Body::Rows { columns, rows } = &mut report.body {
        let events = columns.iter().position(|c| c == "events").unwrap_or(0);
        rows.retain(|row| row[events] == Value::Int(0));
    }
    report
}

/// At most [`LIST_ROWS`] rows, and how many were left out.
fn cut(mut report: Report) -> (Report, usize) {
    let mut left_out = 0;
    if let Body::Rows { rows, .. } = &mut report.body {
        left_out = rows.len().saturating_sub(LIST_ROWS);
        rows.truncate(LIST_ROWS);
    }
    (report, left_out)
}
