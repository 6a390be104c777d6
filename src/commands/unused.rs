//! `unused`: the never-opened assets, oldest first.

use crate::analysis::Audit;
use crate::commands::{days_between, parameters};
use crate::config::Config;
use crate::model::Status;
use crate::report::{Report, Value};

pub const COLUMNS: [&str; 7] = [
    "asset_id", "title", "type", "owner", "created", "age_days", "cost",
];

pub fn report(config: &Config, audit: &Audit) -> Report {
    let assets = &audit.inventory.assets;
    let mut never: Vec<usize> = (0..assets.len())
        .filter(|&i| audit.statuses[i] == Status::Never)
        .collect();
    // Oldest first, undated last, ties by id as plain text.
    never.sort_by(|&a, &b| {
        let key = |i: usize| {
            (
                assets[i].created.is_none(),
                assets[i].created,
                &assets[i].id,
            )
        };
        key(a).cmp(&key(b))
    });
    let as_of = config.window.as_of;
    let rows = never
        .into_iter()
        .map(|i| {
            let asset = &assets[i];
            vec![
                Value::text(&asset.id),
                Value::text(&asset.title),
                Value::text(&asset.kind),
                Value::text(&asset.owner),
                Value::opt_date(asset.created),
                asset
                    .created
                    .map_or(Value::Null, |c| Value::Int(days_between(c, as_of))),
                Value::opt_num(asset.cost),
            ]
        })
        .collect();
    Report::rows(parameters(config), &COLUMNS, rows)
}
