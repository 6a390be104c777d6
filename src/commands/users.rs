//! `users`: rep coverage, one row per user with counted events and per silent roster rep.

use crate::analysis::Audit;
use crate::cli::UsersArgs;
use crate::commands::{emit, parameters, Ctx};
use crate::config::Config;
use crate::error::Exit;
use crate::report::fields::{cells, fields};
use crate::report::{Report, TableHints, Value};
use crate::results::coverage::Coverage;
use crate::results::users::user_rows;
use anyhow::Result;

pub const COLUMNS: [&str; 7] = [
    "user",
    "team",
    "events",
    "assets",
    "first_event",
    "last_event",
    "in_roster",
];

/// The pairs, for each user's assets, and each user's teams.
const READS: super::Reads = super::Reads {
    pairs: true,
    teams: true,
};

pub fn run(args: &UsersArgs, ctx: &mut Ctx) -> Result<Exit> {
    let (config, audit) = super::audit_rows(&args.audit, &args.output, &args.rows, ctx, READS)?;
    emit(&config, report(&config, &audit), ctx.out)
}

pub fn report(config: &Config, audit: &Audit) -> Report {
    let rows = user_rows(config, audit);
    let values = rows.iter().map(|r| cells(r, &COLUMNS)).collect();
    let mut report = Report::rows(parameters(config), &COLUMNS, values);
    report.extra = coverage_fields(Coverage::of(audit));
    report.hints = TableHints {
        drop_first: ["first_event", "in_roster", "team"]
            .map(String::from)
            .to_vec(),
        ..TableHints::default()
    };
    if let Some(c) = Coverage::of(audit) {
        report.headline = vec![format!(
            "Coverage: {} of {} roster reps opened something ({}%); {} users in the log are not in the roster",
            c.users_covered, c.users_roster, c.coverage_pct, c.users_not_in_roster
        )];
    }
    report
}

/// The coverage keys for JSON (null without a roster).
pub fn coverage_fields(c: Option<Coverage>) -> Vec<(String, Value)> {
    match c {
        Some(c) => fields(&c),
        None => Coverage::KEYS
            .iter()
            .map(|k| (k.to_string(), Value::Null))
            .collect(),
    }
}
