//! `duplicates`: clusters of duplicate collateral, the asset to keep in each and the ones to
//! retire.

use crate::analysis::duplicates::{DuplicateRules, Duplicates};
use crate::analysis::Audit;
use crate::cli::DuplicatesArgs;
use crate::commands::{parameters, Ctx};
use crate::config::{similarity_of, Config};
use crate::error::Exit;
use crate::report::fields::{cells, fields};
use crate::report::html::duplicates::DuplicatesSection;
use crate::report::html::{Card, Figure};
use crate::report::order::pick_stream;
use crate::report::stream::{render_stream, RowStream};
use crate::report::{group_thousands, money, Body, Value};
use crate::results::duplicates::{duplicate_rows, DuplicatesSummary};
use anyhow::Result;

pub const COLUMNS: [&str; 12] = [
    "cluster",
    "asset_id",
    "title",
    "type",
    "owner",
    "created",
    "status",
    "opens",
    "users",
    "last_open",
    "similarity",
    "keep",
];

/// The pairs, for each asset's users; no team.
const READS: super::Reads = super::Reads {
    pairs: true,
    teams: false,
};

pub fn run(args: &DuplicatesArgs, ctx: &mut Ctx) -> Result<Exit> {
    let threshold = similarity_of(&args.similarity)?;
    let (config, audit) = super::audit_rows(&args.audit, &args.output, &args.rows, ctx, READS)?;
    let rules = DuplicateRules {
        threshold,
        across_types: args.across_types,
        threads: config.read.parallel.threads,
    };
    let found = Duplicates::find(&audit, &rules);
    let stream = rows(&config, &audit, &found, &rules, args.retire_only);
    let stream = pick_stream(stream, &config.pick)?;
    render_stream(stream, config.format, super::style(&config), ctx.out)?;
    Ok(Exit::Success)
}

/// The clusters found with the default rules (the snapshot's and the HTML page's).
pub fn default_rules(config: &Config) -> DuplicateRules {
    DuplicateRules {
        threshold: crate::model::title::Threshold::DEFAULT,
        across_types: false,
        threads: config.read.parallel.threads,
    }
}

/// The report: a row per clustered asset (or per asset to retire), then the summary.
/// The report, its rows made as they are written (a million clustered assets are never held
/// as rows).
pub fn rows<'a>(
    config: &Config,
    audit: &'a Audit,
    found: &'a Duplicates,
    rules: &DuplicateRules,
    retire_only: bool,
) -> RowStream<'a> {
    let mut params = parameters(config);
    params.push(("similarity".into(), Value::Num(rules.threshold.as_f64())));
    params.push(("across_types".into(), Value::Bool(rules.across_types)));
    params.push(("retire_only".into(), Value::Bool(retire_only)));
    let rows = duplicate_rows(audit, found)
        .filter(move |r| !retire_only || !r.keep)
        .map(|r| cells(&r, &COLUMNS));
    let summary = DuplicatesSummary::of(audit, found);
    let mut stream = RowStream::new(params, &COLUMNS, rows);
    stream.headline = vec![headline(&summary)];
    stream
        .sections
        .push(("summary".into(), Body::Record(fields(&summary))));
    stream
}

pub fn headline(s: &DuplicatesSummary) -> String {
    if s.clusters == 0 {
        return "No duplicates: no two assets share a title, a content hash or URL, or a similar title.".into();
    }
    let count = |n: u64| group_thousands(&n.to_string());
    let saving = match s.retire_cost {
        Some(cost) => format!(", costing {}", money(cost)),
        None => String::new(),
    };
    format!(
        "Duplicates: {} {} of {} assets; {} could be retired ({} of them never opened{saving}), keeping the most opened of each.",
        count(s.clusters),
        if s.clusters == 1 { "cluster" } else { "clusters" },
        count(s.assets_in_clusters),
        count(s.assets_to_retire),
        count(s.retire_never_opened),
    )
}

/// Clusters the HTML page shows, largest first.
const PAGE_CLUSTERS: usize = 5;
/// Rows shown of each of them.
const PAGE_ROWS: usize = 10;
/// The columns of the page's table (the report's, fewer).
const PAGE_COLUMNS: [&str; 9] = [
    "cluster",
    "asset_id",
    "title",
    "type",
    "status",
    "opens",
    "last_open",
    "similarity",
    "keep",
];

/// The "Duplicates" section of the HTML page at the default rules; none when no cluster was
/// found (a clean library's page stays as it was).
pub fn html_section(config: &Config, audit: &Audit) -> Option<DuplicatesSection> {
    let rules = default_rules(config);
    let found = Duplicates::find(audit, &rules);
    if found.clusters.is_empty() {
        return None;
    }
    let summary = DuplicatesSummary::of(audit, &found);
    let shown = Duplicates {
        clusters: found.clusters.iter().take(PAGE_CLUSTERS).cloned().collect(),
    };
    let rows: Vec<_> = duplicate_rows(audit, &shown).collect();
    let clusters = shown
        .clusters
        .iter()
        .enumerate()
        .map(|(k, cluster)| {
            let members: Vec<Vec<Value>> = rows
                .iter()
                .filter(|r| r.cluster == k as u64 + 1)
                .take(PAGE_ROWS)
                .map(|r| cells(r, &PAGE_COLUMNS))
                .collect();
            (members, cluster.members.len().saturating_sub(PAGE_ROWS))
        })
        .collect();
    let mut cards = vec![
        Card {
            key: "clusters",
            label: "Clusters of duplicates",
            value: Figure::Count(summary.clusters),
            note: Some(format!(
                "holding {} assets",
                group_thousands(&summary.assets_in_clusters.to_string())
            )),
        },
        Card {
            key: "assets_to_retire",
            label: "Copies to retire",
            value: Figure::Count(summary.assets_to_retire),
            note: Some(format!(
                "{} of them never opened in this window",
                group_thousands(&summary.retire_never_opened.to_string())
            )),
        },
    ];
    if let Some(cost) = summary.retire_cost {
        cards.push(Card {
            key: "retire_cost",
            label: "Cost of the copies",
            value: Figure::Cost(cost),
            note: Some("what the copies to retire cost to make".into()),
        });
    }
    Some(DuplicatesSection {
        sentence: headline(&summary),
        cards,
        columns: PAGE_COLUMNS.iter().map(|c| c.to_string()).collect(),
        clusters,
        clusters_left_out: found.clusters.len().saturating_sub(PAGE_CLUSTERS),
        rules: format!(
            "Assets are linked by the same normalised title or a title at least {} similar (character trigrams), both within a type, or by the same content hash or URL; the one kept has the most opens in the window. The duplicates command lists every cluster and states every definition.",
            crate::model::format_number(rules.threshold.as_f64())
        ),
    })
}
