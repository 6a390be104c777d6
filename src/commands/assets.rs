//! `assets`: every inventory asset with its status and usage, most opened first.

use crate::analysis::Audit;
use crate::cli::{AssetsArgs, StatusArg};
use crate::commands::{parameters, Ctx};
use crate::config::Config;
use crate::error::Exit;
use crate::model::Status;
use crate::report::fields::cells;
use crate::report::order::pick_stream;
use crate::report::stream::{render_stream, RowStream};
use crate::report::{TableHints, Value};
use crate::results::assets::{asset_rows, AssetOrder};
use anyhow::Result;

pub const COLUMNS: [&str; 11] = [
    "asset_id",
    "title",
    "type",
    "owner",
    "created",
    "status",
    "opens",
    "users",
    "first_open",
    "last_open",
    "days_since_last_open",
];

fn wanted(filter: &[Status], status: Status) -> bool {
    filter.is_empty() || filter.contains(&status)
}

/// `--status` in the model's terms.
fn statuses(args: &[StatusArg]) -> Vec<Status> {
    args.iter()
        .map(|arg| match arg {
            StatusArg::Unpublished => Status::Unpublished,
            StatusArg::New => Status::New,
            StatusArg::Never => Status::Never,
            StatusArg::Stale => Status::Stale,
            StatusArg::Active => Status::Active,
        })
        .collect()
}

/// The pairs, for each asset's users; no team.
const READS: super::Reads = super::Reads {
    pairs: true,
    teams: false,
};

pub fn run(args: &AssetsArgs, ctx: &mut Ctx) -> Result<Exit> {
    let (config, audit) = super::audit_rows(&args.audit, &args.output, &args.rows, ctx, READS)?;
    let filter = statuses(&args.status);
    let stream = pick_stream(rows(&config, &audit, &filter), &config.pick)?;
    render_stream(stream, config.format, super::style(&config), ctx.out)?;
    Ok(Exit::Success)
}

/// The report, its rows made as they are written.
pub fn rows<'a>(config: &Config, audit: &'a Audit, filter: &[Status]) -> RowStream<'a> {
    let rows = asset_rows(
        audit,
        config.window.as_of,
        |status| wanted(filter, status),
        AssetOrder::MostOpened,
    );
    let mut params = parameters(config);
    let statuses: Vec<String> = Status::ALL
        .iter()
        .filter(|s| filter.is_empty() || wanted(filter, **s))
        .map(|s| s.as_str().to_string())
        .collect();
    params.push(("status".into(), Value::List(statuses)));
    let mut stream = RowStream::new(params, &COLUMNS, rows.map(|row| cells(&row, &COLUMNS)));
    stream.hints = TableHints {
        drop_first: [
            "first_open",
            "created",
            "users",
            "type",
            "owner",
            "last_open",
        ]
        .map(String::from)
        .to_vec(),
        ..TableHints::default()
    };
    stream
}
