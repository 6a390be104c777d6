//! `cohorts`: assets grouped by the period they were created in, and how fast each got its first use.

use crate::analysis::periods::Period;
use crate::analysis::summary::{percent, round2};
use crate::analysis::Audit;
use crate::cli::CohortsArgs;
use crate::commands::trends::period_of;
use crate::commands::{emit, parameters, Ctx};
use crate::config::Config;
use crate::error::Exit;
use crate::input::time::{Millis, MS_PER_DAY};
use crate::model::Status;
use crate::report::fields::values;
use crate::report::{Report, Value};
use anyhow::Result;
use std::collections::BTreeMap;

/// What one cohort's assets did: (created, first counted event) per asset.
type Cohort = Vec<(Millis, Option<Millis>)>;

/// Neither pairs nor teams: a cohort counts assets.
const READS: super::Reads = super::Reads {
    pairs: false,
    teams: false,
};

pub fn run(args: &CohortsArgs, ctx: &mut Ctx) -> Result<Exit> {
    let (config, audit) = super::audit_rows(&args.audit, &args.output, &args.rows, ctx, READS)?;
    // A horizon asked twice is one column.
    let mut within: Vec<u32> = Vec::new();
    for &n in &args.within {
        if !within.contains(&n) {
            within.push(n);
        }
    }
    let report = report(&config, &audit, period_of(args.period), &within);
    emit(&config, report, ctx.out)
}

pub fn report(config: &Config, audit: &Audit, period: Period, within: &[u32]) -> Report {
    let mut cohorts: BTreeMap<i64, Cohort> = BTreeMap::new();
    let mut undated = 0u64;
    for (index, asset) in audit.inventory.assets.iter().enumerate() {
        if audit.statuses[index] == Status::Unpublished {
            continue;
        }
        let Some(created) = asset.created else {
            undated += 1;
            continue;
        };
        let first = audit.usage.assets[index].first();
        cohorts
            .entry(period.ordinal(created))
            .or_default()
            .push((created, first));
    }
    if undated > 0 {
        crate::messages::note(format_args!(
            "{undated} assets have no created date and are left out of the cohorts"
        ));
    }
    let as_of = config.window.as_of;
    let rows = cohorts
        .into_iter()
        .map(|(ordinal, cohort)| {
            let row = cohort_row(period.label(ordinal), &cohort, within, as_of);
            values(&row)
        })
        .collect();
    let mut columns: Vec<String> = [
        "cohort",
        "assets",
        "opened",
        "never",
        "median_days_to_first_open",
    ]
    .iter()
    .map(|c| c.to_string())
    .collect();
    columns.extend(within.iter().map(|n| format!("opened_within_{n}d_pct")));
    let column_refs: Vec<&str> = columns.iter().map(String::as_str).collect();
    let mut params = parameters(config);
    params.push(("period".into(), Value::text(period.as_str())));
    params.push((
        "within_days".into(),
        Value::List(within.iter().map(u32::to_string).collect()),
    ));
    let mut report = Report::rows(params, &column_refs, rows);
    report
        .extra
        .push(("assets_undated".into(), Value::count(undated)));
    report
}

/// One cohort: the assets created in one period and how fast they got their first use.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CohortRow {
    pub cohort: String,
    pub assets: u64,
    pub opened: u64,
    pub never: u64,
    /// Days from created to first counted event, one decimal; null when none was opened.
    pub median_days_to_first_open: Option<f64>,
    /// `opened_within_<N>d_pct` per horizon, in the order asked (null when no asset of the
    /// cohort is N days old).
    #[serde(flatten)]
    pub within: serde_json::Map<String, serde_json::Value>,
}

fn cohort_row(label: String, cohort: &Cohort, within: &[u32], as_of: Millis) -> CohortRow {
    let mut days: Vec<f64> = cohort
        .iter()
        .filter_map(|&(created, first)| first.map(|f| (f - created) as f64 / MS_PER_DAY as f64))
        .collect();
    let opened = days.len() as u64;
    let mut row = CohortRow {
        cohort: label,
        assets: cohort.len() as u64,
        opened,
        never: cohort.len() as u64 - opened,
        median_days_to_first_open: median(&mut days).map(|m| (m * 10.0).round() / 10.0),
        within: serde_json::Map::new(),
    };
    for &n in within {
        let horizon = i64::from(n) * MS_PER_DAY;
        let old_enough: Vec<_> = cohort
            .iter()
            .filter(|(created, _)| as_of - created >= horizon)
            .collect();
        let quick = old_enough
            .iter()
            .filter(|(created, first)| first.is_some_and(|f| f - created < horizon))
            .count();
        let pct = (!old_enough.is_empty())
            .then(|| round2(percent(quick as u64, old_enough.len() as u64)));
        row.within
            .insert(format!("opened_within_{n}d_pct"), pct.into());
    }
    row
}

fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    })
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn median_of_odd_and_even() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&mut []), None);
    }
}
