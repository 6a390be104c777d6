//! `report`: the audit as one self-contained HTML page for people who never open a terminal.
//!
//! Everything here is gathered from the other reports' builders over one pass; the page itself
//! is drawn by [`crate::report::html`].

use crate::analysis::periods::{Period, TrendTally};
use crate::analysis::Audit;
use crate::analysis::TrendRequest;
use crate::cli::{Format, OutputArgs, ReportArgs, ReportFormat};
use crate::commands::workbook;
use crate::commands::{
    audit_with_trend, influence, prepare_influence_loading, write_to, write_with, Ctx,
};
use crate::commands::{parameters, unused, users};
use crate::config::Config;
use crate::error::Exit;
use crate::input::currency::Currency;
use crate::model::Status;
use crate::report::fields::cells;
use crate::report::group_thousands;
use crate::report::html::{Card, Explorer, Figure, Page, Section};
use crate::report::{Body, Report, Value};
use crate::results::assets::{asset_rows, unused_rows, AssetOrder, AssetRow, UnusedOrder};
use crate::results::coverage::Coverage;
use crate::results::influence::Influence;
use crate::results::page::{self, Breakdown, Headline};
use crate::results::params::Parameters;
use crate::results::summary::Figures;
use crate::results::trends::trend;
use crate::results::users::user_rows;
use anyhow::Result;
use std::io::IsTerminal;

/// Lists longer than this are cut on the page (the CSV reports have them whole).
const LIST_ROWS: usize = 200;
/// Types shown in the by-type chart, worst first; the rest are counted as "and N more".
const TYPE_BARS: usize = 12;
/// Owners shown in the by-owner chart, worst first.
const OWNER_BARS: usize = 10;
/// The columns of the stale list (the `assets` report's, fewer).
const STALE_COLUMNS: [&str; 8] = [
    "asset_id",
    "title",
    "type",
    "owner",
    "last_open",
    "opens",
    "users",
    "cost",
];
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
    let currency = crate::config::currency_of(args.currency.as_deref())?;
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
        let paths = influence::deal_paths(&config, &args.opportunities)?;
        let (mut audit, index) = prepare_influence_loading(&config, Some(&request), || {
            influence::load_deal_index(&config, &paths, &args.deals)
        })?;
        let tally = audit.usage.trend.take().ok_or_else(|| {
            anyhow::anyhow!("the pass tallied no trend although one was asked for")
        })?;
        let credited = influence::credit(&mut audit, &index, &args.deals);
        (audit, tally, Some((index, credited)))
    };
    if xlsx {
        let sheet = match &influence {
            Some((index, credited)) => {
                Some(influence::rows(&config, &audit, index, credited, None)?)
            }
            None => None,
        };
        write_with(args.out.as_deref(), &config, ctx.out, |out| {
            workbook::build(&config, &audit, &tally, sheet, out)
        })?;
        return Ok(Exit::Success);
    }
    let mut page = page(&config, &audit, &tally, currency.as_ref())?;
    if let Some((_, credited)) = &influence {
        page.add_before_explorer(influence_section(parameters(&config), &audit, credited));
    }
    if let Some(section) = super::duplicates::html_section(&config, &audit) {
        page.add_before_explorer(Section::Duplicates(section));
    }
    let page = crate::report::html::render(&page);
    write_to(args.out.as_deref(), &config, page.as_bytes(), ctx.out)?;
    Ok(Exit::Success)
}

pub fn page<'a>(
    config: &Config,
    audit: &'a Audit,
    tally: &TrendTally,
    currency: Option<&Currency>,
) -> Result<Page<'a>> {
    let figures = Figures::of(audit);
    let s = &figures.summary;
    let currency = page::currency(currency, audit);
    let mut sections = vec![Section::Trend(trend(config.window, audit, tally).rows)];
    for (field, title, noun, top) in [
        ("type", "Never opened by type", "types", TYPE_BARS),
        ("owner", "Never opened by owner", "owners", OWNER_BARS),
    ] {
        if let Some(breakdown) = Breakdown::of(audit, field, top) {
            sections.push(Section::Breakdown {
                title: title.into(),
                noun,
                breakdown,
            });
        }
    }
    let (order, intro) = never_order(audit);
    sections.push(Section::Table {
        title: "Never opened in this window".into(),
        intro: intro.into(),
        table: never_opened(config, audit, order),
    });
    sections.push(Section::Table {
        title: "Stale: opened, but not lately".into(),
        intro: format!(
            "Opened in the window, but not in the {} days before {}; most opened first.",
            config.policy.stale_after_days,
            crate::input::time::format_date(config.window.as_of)
        ),
        table: stale(config, audit),
    });
    if let Some(coverage) = Coverage::of(audit) {
        sections.push(Section::Coverage {
            cards: vec![Card {
                key: "coverage_pct",
                label: "Roster reps who opened something",
                value: Figure::Percent(coverage.coverage_pct),
                note: Some(format!(
                    "{} of {} reps on the roster",
                    coverage.users_covered, coverage.users_roster
                )),
            }],
            silent: cut(silent_reps(config, audit)),
        });
    }
    sections.push(Section::Explorer(explorer(config, audit)));
    Ok(Page {
        headline: Headline::of(config.window, s, currency.clone()),
        cards: key_figures(config, &figures, currency.as_ref()),
        sections,
        method: Parameters::of(config),
        currency,
    })
}

/// "Content on won deals": the `influence` command's summary and its asset rows, the assets on
/// no won deal left out, at most [`TOP_ASSETS`] of them.
fn influence_section<'a>(
    params: Vec<(String, Value)>,
    audit: &Audit,
    credited: &Influence,
) -> Section<'a> {
    let s = &credited.summary;
    let mut cards = Vec::new();
    let rates = [
        (
            "win_rate_touched_pct",
            "Win rate with content",
            s.win_rate_touched_pct,
            "of closed deals that saw content",
        ),
        (
            "win_rate_untouched_pct",
            "Win rate without content",
            s.win_rate_untouched_pct,
            "of closed deals that saw none",
        ),
        (
            "win_rate_pct",
            "Win rate, every deal",
            s.win_rate_pct,
            "of closed deals",
        ),
    ];
    for (key, label, pct, note) in rates {
        if let Some(pct) = pct {
            cards.push(Card {
                key,
                label,
                value: Figure::Percent(pct),
                note: Some(note.into()),
            });
        }
    }
    cards.push(Card {
        key: "revenue_won_touched",
        label: "Won revenue with content",
        value: Figure::Amount(s.revenue_won_touched),
        note: Some(match s.revenue_touched_pct {
            Some(p) => format!("{p}% of {} won", money_whole(s.revenue_won, None)),
            None => "no revenue won".into(),
        }),
    });
    cards.push(Card {
        key: "deals_won_touched",
        label: "Won deals with content",
        value: Figure::Count(s.deals_won_touched),
        note: Some(format!("of {} won deals", s.deals_won)),
    });
    let on_won: Vec<_> = credited
        .asset_rows(audit)
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
        cards,
        top: (Report::rows(params, &TOP_COLUMNS, rows), left_out),
        notes: vec![
            format!("Model {}: {}", s.model, influence::model_note(&s.model)),
            influence::NOT_ADDITIVE.to_string(),
            influence::CAUTION.to_string(),
        ],
    }
}

/// The figures shown as cards at the top, in plain words.
fn key_figures(config: &Config, figures: &Figures, currency: Option<&Currency>) -> Vec<Card> {
    let s = &figures.summary;
    let mut cards = vec![Card {
        key: "never_opened_pct",
        label: "Never opened",
        value: Figure::Percent(s.never_opened_pct),
        note: Some(format!(
            "{} of {} assets old enough to judge, in this window",
            group_thousands(&s.assets_never_opened.to_string()),
            group_thousands(&s.assets_judged.to_string())
        )),
    }];
    if let Some(cost) = s.cost_never_opened {
        cards.push(Card {
            key: "cost_never_opened",
            label: "Cost of unopened material",
            value: Figure::Cost(cost),
            note: Some(format!(
                "of {} spent on the assets judged",
                money_whole(s.cost_total.unwrap_or(0.0), currency)
            )),
        });
    }
    cards.push(Card {
        key: "users_active",
        label: "Reps who opened something",
        value: Figure::Count(s.users_active),
        note: Some(match (figures.users_roster, figures.coverage_pct) {
            (Some(roster), Some(pct)) => format!("{pct}% of the {roster} reps on the roster"),
            _ => "in this window".into(),
        }),
    });
    cards.push(Card {
        key: "assets_stale",
        label: "Opened, but not lately",
        value: Figure::Count(s.assets_stale),
        note: Some(format!(
            "not opened in the last {} days",
            config.policy.stale_after_days
        )),
    });
    cards.push(Card {
        key: "events_counted",
        label: "Events counted",
        value: Figure::Count(s.events_counted),
        note: Some("usage events in this window".into()),
    });
    cards
}

/// A whole amount with thousands separators and the currency, for a card's note.
fn money_whole(x: f64, currency: Option<&Currency>) -> String {
    let whole = group_thousands(&format!("{:.0}", x.round()));
    currency.map_or_else(|| whole.clone(), |c| c.amount(&whole))
}

/// How the never-opened list is ordered, and the sentence that says so: by cost then title
/// without created dates (an order by id would mean nothing), else by cost then age when
/// there are costs, else oldest first.
fn never_order(audit: &Audit) -> (UnusedOrder, &'static str) {
    let dated = audit.inventory.assets.iter().any(|a| a.created.is_some());
    match (dated, audit.inventory.has_cost) {
        (false, _) => (
            UnusedOrder::CostThenTitle,
            "Old enough to judge and never opened; largest cost first, then by title. The table of every asset below filters by status.",
        ),
        (true, true) => (
            UnusedOrder::Costliest,
            "Old enough to judge and never opened; largest cost first, then oldest. The table of every asset below filters by status.",
        ),
        (true, false) => (
            UnusedOrder::Oldest,
            "Old enough to judge and never opened; oldest first. The table of every asset below filters by status.",
        ),
    }
}

/// The never-opened list in `order`: its first rows, the columns empty on every row left
/// out, and how many rows were left out.
fn never_opened(config: &Config, audit: &Audit, order: UnusedOrder) -> (Report, usize) {
    let rows = unused_rows(audit, config.window.as_of, order).map(|r| cells(&r, &unused::COLUMNS));
    listed(parameters(config), &unused::COLUMNS, rows)
}

/// The stale assets, most opened first: as [`never_opened`].
fn stale(config: &Config, audit: &Audit) -> (Report, usize) {
    let keep = |s: Status| s == Status::Stale;
    let rows = asset_rows(audit, config.window.as_of, keep, AssetOrder::MostOpened)
        .map(|r| cells(&r, &STALE_COLUMNS));
    listed(parameters(config), &STALE_COLUMNS, rows)
}

/// The first [`LIST_ROWS`] of `rows` without the columns empty on every row (all of them,
/// not only those shown), and how many were left out: the list is read once, never held
/// (a million-asset library's never-opened list took hundreds of megabytes).
fn listed(
    params: Vec<(String, Value)>,
    columns: &[&str],
    rows: impl Iterator<Item = Vec<Value>>,
) -> (Report, usize) {
    let mut used = vec![false; columns.len()];
    let mut shown = Vec::new();
    let mut total = 0;
    for row in rows {
        for (c, value) in row.iter().enumerate() {
            used[c] |= !is_empty(value);
        }
        if shown.len() < LIST_ROWS {
            shown.push(row);
        }
        total += 1;
    }
    let mut report = Report::rows(params, columns, shown);
    if let Body::Rows { columns, rows } = &mut report.body {
        let mut i = 0;
        columns.retain(|_| (used[i], i += 1).0);
        for row in rows.iter_mut() {
            let mut i = 0;
            row.retain(|_| (used[i], i += 1).0);
        }
    }
    (report, total - total.min(LIST_ROWS))
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Text(t) => t.trim().is_empty(),
        _ => false,
    }
}

/// Every asset for the table at the foot of the page, most opened first.
fn explorer<'a>(config: &Config, audit: &'a Audit) -> Explorer<'a> {
    let as_of = config.window.as_of;
    let rows = move || -> Box<dyn Iterator<Item = AssetRow<'a>> + 'a> {
        Box::new(asset_rows(audit, as_of, |_| true, AssetOrder::MostOpened))
    };
    let inventory = &audit.inventory;
    let has = |field: &str| inventory.field_columns.iter().any(|(f, _)| *f == field);
    // A row per asset, its type, owner and cost the asset's own: read from the inventory,
    // not from a pass making (and sorting) every row.
    let assets = &inventory.assets;
    Explorer {
        has_type: has("type") && assets.iter().any(|a| !a.kind().is_empty()),
        has_owner: inventory.has_owner && assets.iter().any(|a| !a.owner().is_empty()),
        has_cost: inventory.has_cost && assets.iter().any(|a| a.cost.is_some()),
        rows: Box::new(rows),
        total: assets.len(),
    }
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
