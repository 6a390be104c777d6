//! `summary`: the headline figures, for the whole library or per group.

use crate::analysis::summary::Summary;
use crate::analysis::Audit;
use crate::cli::SummaryArgs;
use crate::commands::{gates_of, parameters, Ctx};
use crate::config::Config;
use crate::error::Exit;
use crate::gates::{report_breaches, GateFigures};
use crate::input::headers::quote_list;
use crate::input_error;
use crate::report::fields::{fields, values};
use crate::report::order::{natural, pick_stream};
use crate::report::stream::{render_stream, RowStream};
use crate::report::{money, render, Report, TableHints, Value};
use crate::results::summary::{Figures, WarningEntry};
use anyhow::Result;

/// The headline figures' keys, in order, with their values.
pub fn summary_fields(s: &Summary) -> Vec<(String, Value)> {
    fields(s)
}

pub fn run(args: &SummaryArgs, ctx: &mut Ctx) -> Result<Exit> {
    let gates = gates_of(&args.gates, None)?;
    if args.group_by.is_none() && (args.rows.sort.is_some() || args.rows.top.is_some()) {
        return Err(input_error!(
            "--sort and --top order rows: summary has rows with --group-by COLUMN"
        ));
    }
    // Only the groups' distinct users read the (asset, user) pairs; no team is shown.
    let reads = super::Reads {
        pairs: args.group_by.is_some(),
        teams: false,
    };
    let (config, audit) = super::audit_rows(&args.audit, &args.output, &args.rows, ctx, reads)?;
    let style = super::style(&config);
    match args.group_by.as_deref() {
        None => render(&report(&config, &audit)?, config.format, style, ctx.out)?,
        Some(column) => {
            let stream = pick_stream(grouped(&config, &audit, column)?, &config.pick)?;
            render_stream(stream, config.format, style, ctx.out)?
        }
    }
    let figures = GateFigures::of(&Summary::whole(&audit));
    Ok(report_breaches(&gates.check(&figures)))
}

/// The summary of the whole library.
pub fn report(config: &Config, audit: &Audit) -> Result<Report> {
    let figures = Figures::of(audit);
    let mut report = Report::record(parameters(config), fields(&figures));
    report.headline = headline(&figures.summary);
    report.warnings = Some(warning_pairs(audit));
    Ok(report)
}

/// The figures per value of an asset column, a row made as it is written (a column of
/// ids has as many groups as assets), then the whole library's as `total_*`. The worst
/// group comes first: the highest never-opened share, then the most assets never opened,
/// then the group's name in natural order.
pub fn grouped<'a>(config: &Config, audit: &'a Audit, column_name: &str) -> Result<RowStream<'a>> {
    let figures = Figures::of(audit);
    let column = resolve_asset_column(audit, "--group-by", column_name)?;
    let groups = audit.inventory.groups_by_column(column);
    let summaries = Summary::by_group(audit, &groups);
    let mut groups: Vec<(String, Summary)> = groups.names.into_iter().zip(summaries).collect();
    groups.sort_by(|(a_name, a), (b_name, b)| {
        b.never_opened_pct
            .total_cmp(&a.never_opened_pct)
            .then(b.assets_never_opened.cmp(&a.assets_never_opened))
            .then_with(|| natural(a_name, b_name))
    });
    let mut columns = vec!["group".to_string()];
    columns.extend(summary_fields(&figures.summary).into_iter().map(|(k, _)| k));
    let rows = groups.into_iter().map(|(name, s)| {
        let mut row = vec![Value::text(name)];
        row.extend(values(&s));
        row
    });
    let mut params = parameters(config);
    params.push(("group_by".into(), Value::text(column_name)));
    let column_refs: Vec<&str> = columns.iter().map(String::as_str).collect();
    let mut stream = RowStream::new(params, &column_refs, rows);
    stream.extra = fields(&figures)
        .into_iter()
        .map(|(k, v)| (format!("total_{k}"), v))
        .collect();
    stream.headline = headline(&figures.summary);
    stream.hints = TableHints {
        drop_first: [
            "assets_total",
            "assets_unpublished",
            "assets_too_new",
            "rows_skipped",
            "events_orphan",
            "events_excluded",
            "events_read",
            "assets_opened",
            "assets_stale",
            "assets_active",
            "cost_total",
        ]
        .map(String::from)
        .to_vec(),
        ..TableHints::default()
    };
    stream.warnings = Some(warning_pairs(audit));
    Ok(stream)
}

/// The audit's warnings as (code, message), for the `warnings` JSON key.
pub fn warning_pairs(audit: &Audit) -> Vec<(String, String)> {
    WarningEntry::all(&audit.warnings)
        .into_iter()
        .map(|w| (w.code, w.message))
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
