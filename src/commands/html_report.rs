//! `report`: the audit as one self-contained HTML page for people who never open a terminal.
//!
//! Everything here is gathered from the other reports' builders over one pass; the page itself
//! is drawn by [`crate::report::html`].

use crate::analysis::periods::{Period, TrendTally};
use crate::analysis::summary::Summary;
use crate::analysis::Audit;
use crate::analysis::TrendRequest;
use crate::cli::{Format, OutputArgs, ReportArgs, ReportFormat};
use crate::commands::workbook;
use crate::commands::{assets, parameters, summary, unused, users};
use crate::commands::{audit_with_trend, influence, prepare_influence, write_to, Ctx};
use crate::config::Config;
use crate::error::Exit;
use crate::model::Status;
use crate::report::fields::cells;
use crate::report::html::{Bar, Page, Section, TrendPoint};
use crate::report::{Body, Report, Value};
use crate::results::assets::{unused_rows, UnusedOrder};
use crate::results::coverage::Coverage;
use crate::results::influence::Influence;
use crate::results::summary::Figures;
use crate::results::trends::{trend, Trend};
use crate::results::users::user_rows;
use anyhow::Result;
use std::io::IsTerminal;

/// Lists longer than this are cut on the page (the CSV reports have them whole).
const LIST_ROWS: usize = 200;
/// Owners shown in the by-owner chart, most judged assets first.
const OWNER_BARS: usize = 15;
/// Assets shown in "Content on won deals", most attributed revenue first.
const TOP_ASSETS: usize = 10;
/// The columns of that list (the `influence` report's, fewer).
const TOP_COLUMNS: [&str; 7] = [
    "asset_id",
    "title",
    "type",
    "deals_won",
    "win_rate_pct",
    "revenue_won_attributed",
    "revenue_won_influenced",
];

pub fn run(args: &ReportArgs, ctx: &mut Ctx) -> Result<Exit> {
    let by_extension = args
        .out
        .as_deref()
        .is_some_and(|p| p.to_ascii_lowercase().ends_with(".xlsx"));
    let xlsx = match args.format {
        Some(format) => format == ReportFormat::Xlsx,
        None => by_extension,
    };
    if xlsx && args.out.is_none() && std::io::stdout().is_terminal() {
        return Err(crate::input_error!(
            "report --format xlsx writes a binary workbook: give --out FILE, or redirect standard output to a file"
        ));
    }
    // The workbook's sheets are the machine reports (no bar columns for people).
    let output = OutputArgs {
        format: if xlsx { Format::Xlsx } else { Format::Table },
        ..OutputArgs::default()
    };
    let config = Config::from_args(&args.audit, &output, ctx.now)?;
    if let Some(path) = &args.out {
        crate::output::refuse_input(path, &config.read.inputs())?;
    }
    // The page's adoption chart is by month.
    let request = TrendRequest {
        period: Period::Month,
        by: None,
    };
    let (audit, tally, influence) = if args.opportunities.is_empty() {
        let (audit, tally) = audit_with_trend(&config, &request)?;
        (audit, tally, None)
    } else {
        let index = influence::deal_index(&config, &args.opportunities, &args.deals)?;
        let mut audit = prepare_influence(&config, Some(&request), &index)?;
        let tally = audit.usage.trend.take().ok_or_else(|| {
            anyhow::anyhow!("the pass tallied no trend although one was asked for")
        })?;
        let credited = influence::credit(&mut audit, &index, &args.deals);
        (audit, tally, Some((index, credited)))
    };
    if xlsx {
        let sheet = match &influence {
            Some((index, credited)) => {
                Some(influence::report(&config, &audit, index, credited, None)?)
            }
            None => None,
        };
        let book = workbook::build(&config, &audit, &tally, sheet.as_ref())?;
        write_to(args.out.as_deref(), &config, &book, ctx.out)?;
        return Ok(Exit::Success);
    }
    let mut page = page(&config, &audit, &tally)?;
    if let Some((_, credited)) = &influence {
        page.sections
            .push(influence_section(parameters(&config), &audit, credited));
    }
    let page = crate::report::html::render(&page);
    write_to(args.out.as_deref(), &config, page.as_bytes(), ctx.out)?;
    Ok(Exit::Success)
}

pub fn page(config: &Config, audit: &Audit, tally: &TrendTally) -> Result<Page> {
    let summary_report = summary::report(config, audit)?;
    let figures = Figures::of(audit);
    let mut sections = vec![
        Section::Trend(trend_points(&trend(config.window, audit, tally))),
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
            table: cut(assets::report(config, audit, &[Status::Stale])),
        },
    ];
    if let Some(coverage) = Coverage::of(audit) {
        sections.push(Section::Coverage {
            fields: users::coverage_fields(Some(coverage)),
            silent: cut(silent_reps(config, audit)),
        });
    }
    Ok(Page {
        headline: summary_report.headline.clone(),
        params: summary_report.params.clone(),
        figures: key_figures(&figures),
        sections,
    })
}

/// "Content on won deals": the `influence` command's summary and its asset rows, the assets on
/// no won deal left out, at most [`TOP_ASSETS`] of them.
fn influence_section(params: Vec<(String, Value)>, audit: &Audit, credited: &Influence) -> Section {
    let s = &credited.summary;
    let cards = [
        (
            "win_rate_touched_pct",
            Value::opt_num(s.win_rate_touched_pct),
        ),
        (
            "win_rate_untouched_pct",
            Value::opt_num(s.win_rate_untouched_pct),
        ),
        ("win_rate_pct", Value::opt_num(s.win_rate_pct)),
        ("revenue_won_touched", Value::Num(s.revenue_won_touched)),
        ("revenue_won", Value::Num(s.revenue_won)),
        ("revenue_touched_pct", Value::opt_num(s.revenue_touched_pct)),
        ("deals_won_touched", Value::count(s.deals_won_touched)),
        ("deals_won", Value::count(s.deals_won)),
    ];
    let fields = cards
        .into_iter()
        .filter(|(_, v)| *v != Value::Null)
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    let on_won: Vec<_> = credited
        .asset_rows(audit)
        .into_iter()
        .filter(|r| r.deals_won > 0)
        .collect();
    let left_out = on_won.len().saturating_sub(TOP_ASSETS);
    let rows = on_won
        .iter()
        .take(TOP_ASSETS)
        .map(|r| cells(r, &TOP_COLUMNS))
        .collect();
    Section::Influence {
        sentence: influence::headline(s).concat(),
        fields,
        top: (Report::rows(params, &TOP_COLUMNS, rows), left_out),
        notes: vec![
            format!("Model {}: {}", s.model, influence::model_note(&s.model)),
            influence::NOT_ADDITIVE.to_string(),
            influence::CAUTION.to_string(),
        ],
    }
}

/// The figures shown as cards at the top (those without a value left out).
fn key_figures(figures: &Figures) -> Vec<(String, Value)> {
    let s = &figures.summary;
    let cards = [
        ("never_opened_pct", Value::Num(s.never_opened_pct)),
        ("assets_never_opened", Value::count(s.assets_never_opened)),
        ("assets_judged", Value::count(s.assets_judged)),
        ("cost_never_opened", Value::opt_num(s.cost_never_opened)),
        ("assets_stale", Value::count(s.assets_stale)),
        ("events_counted", Value::count(s.events_counted)),
        ("users_active", Value::count(s.users_active)),
        ("coverage_pct", Value::opt_num(figures.coverage_pct)),
    ];
    cards
        .into_iter()
        .filter(|(_, v)| *v != Value::Null)
        .map(|(k, v)| (k.to_string(), v))
        .collect()
}

fn trend_points(trend: &Trend) -> Vec<TrendPoint> {
    trend
        .rows
        .iter()
        .map(|row| TrendPoint {
            label: row.period.clone(),
            adoption_pct: row.adoption_pct,
            events: row.events as f64,
        })
        .collect()
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

/// The never-opened list, largest cost first when the inventory has costs.
fn never_opened(config: &Config, audit: &Audit) -> Report {
    let order = if audit.inventory.has_cost {
        UnusedOrder::Costliest
    } else {
        UnusedOrder::Oldest
    };
    let rows = unused_rows(audit, config.window.as_of, order);
    let rows = rows.iter().map(|r| cells(r, &unused::COLUMNS)).collect();
    Report::rows(parameters(config), &unused::COLUMNS, rows)
}

/// Roster reps with no counted event.
fn silent_reps(config: &Config, audit: &Audit) -> Report {
    let rows = user_rows(config, audit)
        .iter()
        .filter(|r| r.events == 0)
        .map(|r| cells(r, &users::COLUMNS))
        .collect();
    Report::rows(parameters(config), &users::COLUMNS, rows)
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
