//! `report` as one Excel workbook: the audit's reports as sheets, built by the same builders
//! as the commands that print them, over the one pass `report` runs.

use crate::analysis::periods::{Period, TrendTally};
use crate::analysis::Audit;
use crate::commands::{assets, cohorts, summary, trends, unused, users};
use crate::config::Config;
use crate::report::stream::RowStream;
use crate::report::xlsx::{label, Book, ColumnChart, Labelled, Sheet, Table};
use crate::report::Body;
use anyhow::Result;
use std::io::Write;

/// The horizons of the Cohorts sheet: `cohorts`' defaults.
const COHORT_HORIZONS: [u32; 3] = [7, 30, 90];

/// The workbook: Summary (the headline figures with plain labels, then the parameters),
/// Never opened, Assets, Trends (by month, with a column chart of adoption_pct), Cohorts,
/// Users, and Influence when `influence` (the `influence` report's rows) is given.
pub fn build(
    config: &Config,
    audit: &Audit,
    tally: &TrendTally,
    influence: Option<RowStream>,
    out: &mut dyn Write,
) -> Result<()> {
    let summary = summary::report(config, audit)?;
    let mut rows = Vec::new();
    if let Body::Record(fields) = &summary.body {
        rows.extend(fields.iter().map(|(k, v)| (label(k), v.clone(), k.clone())));
    }
    rows.extend(summary.params.iter().map(|(k, v)| {
        (
            format!("Parameter: {}", label(k).to_lowercase()),
            v.clone(),
            k.clone(),
        )
    }));
    let front = Labelled {
        name: "Summary",
        lines: &summary.headline,
        rows,
    };
    // Each sheet's report is made as it is written, and a sheet of a row per asset from its
    // stream: no two of them are held at once.
    let mut book = Book::new(config.window.as_of)?;
    book.front(front)?;
    book.add(Sheet::new(
        "Never opened",
        Table::stream(unused::rows(config, audit)),
    ))?;
    book.add(Sheet::new(
        "Assets",
        Table::stream(assets::rows(config, audit, &[])),
    ))?;
    let trend = trends::report(config, audit, tally, None);
    book.add(Sheet {
        name: "Trends",
        table: Table::of(&trend),
        chart: Some(ColumnChart {
            title: "Adoption per month (% of the library opened)",
            categories: "period",
            values: "adoption_pct",
        }),
    })?;
    drop(trend);
    let cohort = cohorts::report(config, audit, Period::Month, &COHORT_HORIZONS);
    book.add(Sheet::new("Cohorts", Table::of(&cohort)))?;
    drop(cohort);
    let user = users::report(config, audit);
    book.add(Sheet::new("Users", Table::of(&user)))?;
    drop(user);
    if let Some(influence) = influence {
        book.add(Sheet::new("Influence", Table::stream(influence)))?;
    }
    book.finish(out)
}
