//! `report` as one Excel workbook: the audit's reports as sheets, built by the same builders
//! as the commands that print them, over the one pass `report` runs.

use crate::analysis::periods::{Period, TrendTally};
use crate::analysis::Audit;
use crate::commands::{assets, cohorts, summary, trends, unused, users};
use crate::config::Config;
use crate::report::xlsx::{label, workbook, ColumnChart, Labelled, Sheet};
use crate::report::{Body, Report};
use anyhow::Result;

/// The horizons of the Cohorts sheet: `cohorts`' defaults.
const COHORT_HORIZONS: [u32; 3] = [7, 30, 90];

/// The workbook: Summary (the headline figures with plain labels, then the parameters),
/// Never opened, Assets, Trends (by month, with a column chart of adoption_pct), Cohorts,
/// Users, and Influence when `influence` (the `influence` report) is given.
pub fn build(
    config: &Config,
    audit: &Audit,
    tally: &TrendTally,
    influence: Option<&Report>,
) -> Result<Vec<u8>> {
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
    let never = unused::report(config, audit);
    let all = assets::report(config, audit, &[]);
    let trend = trends::report(config, audit, tally, None);
    let cohort = cohorts::report(config, audit, Period::Month, &COHORT_HORIZONS);
    let user = users::report(config, audit);
    let sheet = |name, report| Sheet {
        name,
        report,
        chart: None,
    };
    let mut sheets = vec![
        sheet("Never opened", &never),
        sheet("Assets", &all),
        Sheet {
            name: "Trends",
            report: &trend,
            chart: Some(ColumnChart {
                title: "Adoption per month (% of the library opened)",
                categories: "period",
                values: "adoption_pct",
            }),
        },
        sheet("Cohorts", &cohort),
        sheet("Users", &user),
    ];
    if let Some(report) = influence {
        sheets.push(sheet("Influence", report));
    }
    workbook(&sheets, Some(front), config.window.as_of)
}
