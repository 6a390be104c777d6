//! `trends`: per period, how much of the library was used and by how many reps.

use crate::analysis::periods::{Period, TrendTally};
use crate::analysis::Audit;
use crate::analysis::TrendRequest;
use crate::cli::TrendsArgs;
use crate::commands::{audit_with_trend, emit, parameters, Ctx};
use crate::config::Config;
use crate::error::Exit;
use crate::report::fields::cells;
use crate::report::{Report, TableHints, Value};
use crate::results::trends::{trend, TrendRow};
use anyhow::Result;
use rustc_hash::FxHashMap;

pub const COLUMNS: [&str; 10] = [
    "period",
    "start",
    "end",
    "events",
    "users",
    "assets_used",
    "library_size",
    "adoption_pct",
    "ever_used_pct",
    "new_assets",
];

pub fn run(args: &TrendsArgs, ctx: &mut Ctx) -> Result<Exit> {
    let pick = crate::config::row_pick(&args.rows)?;
    let mut config = Config::from_args(&args.audit, &args.output, ctx.now)?;
    config.pick = pick;
    config.keep_pairs = false;
    // `--by team` reads the teams whatever this says.
    config.keep_teams = false;
    let request = TrendRequest {
        period: period_of(args.period),
        by: args.by.clone(),
    };
    let (audit, tally) = audit_with_trend(&config, &request)?;
    let report = report(&config, &audit, &tally, args.by.as_deref());
    emit(&config, report, ctx.out)
}

/// The trend the pass tallied, as a report; `by` names the split, if any.
pub fn report(config: &Config, audit: &Audit, tally: &TrendTally, by: Option<&str>) -> Report {
    let trend = trend(config.window, audit, tally);
    let mut columns: Vec<&str> = COLUMNS.to_vec();
    if trend.grouped {
        columns.insert(1, "group");
    }
    let mut rows: Vec<Vec<Value>> = trend.rows.iter().map(|r| cells(r, &columns)).collect();
    if config.format == crate::report::Format::Table {
        add_trend_columns(&mut columns, &mut rows, &trend.rows);
    }
    let mut params = parameters(config);
    params.push(("period".into(), Value::text(trend.period.as_str())));
    params.push(("by".into(), by.map_or(Value::Null, Value::text)));
    let mut report = Report::rows(params, &columns, rows);
    report.hints = TableHints {
        drop_first: [
            "start",
            "end",
            "ever_used_pct",
            "library_size",
            "new_assets",
        ]
        .map(String::from)
        .to_vec(),
        ..TableHints::default()
    };
    report
}

/// For people: a bar of adoption_pct and its change against the group's previous period.
fn add_trend_columns(columns: &mut Vec<&str>, cells: &mut [Vec<Value>], rows: &[TrendRow]) {
    columns.push("adoption");
    columns.push("change");
    let mut previous: FxHashMap<&str, f64> = FxHashMap::default();
    for (row, cells) in rows.iter().zip(cells.iter_mut()) {
        let pct = row.adoption_pct;
        let group = row.group.as_deref().unwrap_or_default();
        let change = match previous.insert(group, pct) {
            None => String::new(),
            Some(before) => format!("{:+.2} pts", pct - before),
        };
        cells.push(Value::text(bar(pct)));
        cells.push(Value::text(change));
    }
}

/// A 20-cell bar of a percentage with eighth-block precision.
fn bar(pct: f64) -> String {
    const BLOCKS: [char; 8] = ['▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];
    let eighths = (pct.clamp(0.0, 100.0) / 100.0 * 160.0).round() as usize;
    let mut out = "█".repeat(eighths / 8);
    if eighths % 8 > 0 {
        out.push(BLOCKS[eighths % 8 - 1]);
    }
    out
}

pub fn period_of(arg: crate::cli::PeriodArg) -> Period {
    use crate::cli::PeriodArg;
    match arg {
        PeriodArg::Day => Period::Day,
        PeriodArg::Week => Period::Week,
        PeriodArg::Month => Period::Month,
        PeriodArg::Quarter => Period::Quarter,
    }
}

#[cfg(test)]
mod tests {
    use super::bar;

    #[test]
    fn bars_scale_to_twenty_cells() {
        assert_eq!(bar(100.0).chars().count(), 20);
        assert_eq!(bar(0.0), "");
        assert_eq!(bar(50.0), "█".repeat(10));
        assert_eq!(bar(2.5), "▌");
    }
}
