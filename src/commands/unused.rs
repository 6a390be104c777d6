//! `unused`: the never-opened assets, oldest first.

use crate::analysis::Audit;
use crate::cli::UnusedArgs;
use crate::commands::{parameters, Ctx};
use crate::config::Config;
use crate::error::Exit;
use crate::report::fields::cells;
use crate::report::order::pick_stream;
use crate::report::stream::{render_stream, RowStream};
use crate::report::TableHints;
use crate::results::assets::{unused_rows, UnusedOrder};
use anyhow::Result;

pub const COLUMNS: [&str; 7] = [
    "asset_id", "title", "type", "owner", "created", "age_days", "cost",
];

/// The pairs, for each asset's users; no team.
const READS: super::Reads = super::Reads {
    pairs: true,
    teams: false,
};

pub fn run(args: &UnusedArgs, ctx: &mut Ctx) -> Result<Exit> {
    let (config, audit) = super::audit_rows(&args.audit, &args.output, &args.rows, ctx, READS)?;
    let stream = pick_stream(rows(&config, &audit), &config.pick)?;
    render_stream(stream, config.format, super::style(&config), ctx.out)?;
    Ok(Exit::Success)
}

/// The report, its rows made as they are written.
pub fn rows<'a>(config: &Config, audit: &'a Audit) -> RowStream<'a> {
    let rows = unused_rows(audit, config.window.as_of, UnusedOrder::Oldest);
    let mut stream = RowStream::new(
        parameters(config),
        &COLUMNS,
        rows.map(|r| cells(&r, &COLUMNS)),
    );
    stream.hints = TableHints {
        drop_first: ["created", "owner", "type"].map(String::from).to_vec(),
        ..TableHints::default()
    };
    stream
}
