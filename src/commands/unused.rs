//! `unused`: the never-opened assets, oldest first.

use crate::analysis::Audit;
use crate::cli::UnusedArgs;
use crate::commands::{emit, parameters, Ctx};
use crate::config::Config;
use crate::error::Exit;
use crate::report::fields::cells;
use crate::report::{Report, TableHints};
use crate::results::assets::{unused_rows, UnusedOrder};
use anyhow::Result;

pub const COLUMNS: [&str; 7] = [
    "asset_id", "title", "type", "owner", "created", "age_days", "cost",
];

pub fn run(args: &UnusedArgs, ctx: &mut Ctx) -> Result<Exit> {
    let (config, audit) = super::audit_rows(&args.audit, &args.output, &args.rows, ctx, true)?;
    emit(&config, report(&config, &audit), ctx.out)
}

pub fn report(config: &Config, audit: &Audit) -> Report {
    let rows = unused_rows(audit, config.window.as_of, UnusedOrder::Oldest);
    let rows = rows.iter().map(|r| cells(r, &COLUMNS)).collect();
    let mut report = Report::rows(parameters(config), &COLUMNS, rows);
    report.hints = TableHints {
        drop_first: ["created", "owner", "type"].map(String::from).to_vec(),
        ..TableHints::default()
    };
    report
}
