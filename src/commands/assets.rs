//! `assets`: every inventory asset with its status and usage, most opened first.

use crate::analysis::Audit;
use crate::cli::StatusArg;
use crate::commands::{days_between, parameters};
use crate::config::Config;
use crate::model::Status;
use crate::report::{Report, Value};

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

fn wanted(filter: &[StatusArg], status: Status) -> bool {
    filter.is_empty()
        || filter.iter().any(|f| {
            matches!(
                (f, status),
                (StatusArg::Unpublished, Status::Unpublished)
                    | (StatusArg::New, Status::New)
                    | (StatusArg::Never, Status::Never)
                    | (StatusArg::Stale, Status::Stale)
                    | (StatusArg::Active, Status::Active)
            )
        })
}

pub fn report(config: &Config, audit: &Audit, filter: &[StatusArg]) -> Report {
    let assets = &audit.inventory.assets;
    let usage = &audit.usage.assets;
    let users = audit.users_per_asset();
    let mut chosen: Vec<usize> = (0..assets.len())
        .filter(|&i| wanted(filter, audit.statuses[i]))
        .collect();
    chosen.sort_by(|&a, &b| {
        usage[b]
            .opens
            .cmp(&usage[a].opens)
            .then_with(|| assets[a].id.cmp(&assets[b].id))
    });
    let as_of = config.window.as_of;
    let rows = chosen
        .into_iter()
        .map(|i| {
            let (asset, used) = (&assets[i], &usage[i]);
            vec![
                Value::text(&asset.id),
                Value::text(&asset.title),
                Value::text(&asset.kind),
                Value::text(&asset.owner),
                Value::opt_date(asset.created),
                Value::text(audit.statuses[i].as_str()),
                Value::count(used.opens),
                Value::count(users[i]),
                Value::opt_instant(used.first),
                Value::opt_instant(used.last),
                used.last
                    .map_or(Value::Null, |l| Value::Int(days_between(l, as_of))),
            ]
        })
        .collect();
    let mut params = parameters(config);
    let statuses: Vec<String> = Status::ALL
        .iter()
        .filter(|s| filter.is_empty() || wanted(filter, **s))
        .map(|s| s.as_str().to_string())
        .collect();
    params.push(("status".into(), Value::List(statuses)));
    Report::rows(params, &COLUMNS, rows)
}
