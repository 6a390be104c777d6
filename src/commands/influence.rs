//! `influence`: which collateral is on the deals sales wins, per asset, group or rep.

use crate::analysis::influence::{DealIndex, Link, Model, WindowRules};
use crate::analysis::Audit;
use crate::cli::{DealArgs, InfluenceArgs, LinkArg, ModelArg};
use crate::commands::summary::resolve_asset_column;
use crate::commands::{parameters, Ctx};
use crate::config::{expand_glob, Config};
use crate::error::Exit;
use crate::input::opportunities::{load_deals, StageRules};
use crate::input::problems::Problems;
use crate::input::source::InputPath;
use crate::input_error;
use crate::report::fields::{cells, fields};
use crate::report::order::pick_stream;
use crate::report::stream::{render_stream, RowStream};
use crate::report::{money, Body, TableHints, Value};
use crate::results::influence::{Influence, InfluenceSummary};
use anyhow::Result;

/// Closes every table and Markdown output of the command.
pub const CAUTION: &str = "Deals that saw content are not proof that content won them.";
/// Said under the per-asset table.
pub const NOT_ADDITIVE: &str = "revenue_won_influenced counts a won deal's whole amount for every asset on it, so it does not add up across assets; revenue_won_attributed does, to revenue_won_touched.";

pub const ASSET_COLUMNS: [&str; 14] = [
    "asset_id",
    "title",
    "type",
    "owner",
    "status",
    "deals_touched",
    "deals_won",
    "deals_lost",
    "deals_open",
    "win_rate_pct",
    "revenue_won_influenced",
    "revenue_won_attributed",
    "first_touch_won",
    "last_touch_won",
];

pub const GROUP_COLUMNS: [&str; 9] = [
    "group",
    "assets",
    "deals_touched",
    "deals_won",
    "deals_lost",
    "deals_open",
    "win_rate_pct",
    "revenue_won_influenced",
    "revenue_won_attributed",
];

pub const REP_COLUMNS: [&str; 11] = [
    "rep",
    "deals_in_scope",
    "deals_won",
    "deals_lost",
    "deals_open",
    "win_rate_pct",
    "deals_touched",
    "touched_pct",
    "revenue_won",
    "revenue_won_touched",
    "touches_per_deal_touched",
];

pub fn model_of(arg: ModelArg) -> Model {
    match arg {
        ModelArg::Linear => Model::Linear,
        ModelArg::First => Model::First,
        ModelArg::Last => Model::Last,
        ModelArg::UShaped => Model::UShaped,
    }
}

fn link_of(arg: LinkArg) -> Link {
    match arg {
        LinkArg::Opportunity => Link::Opportunity,
        LinkArg::Account => Link::Account,
        LinkArg::Owner => Link::Owner,
    }
}

pub fn run(args: &InfluenceArgs, ctx: &mut Ctx) -> Result<Exit> {
    let pick = crate::config::row_pick(&args.rows)?;
    let mut config = Config::from_args(&args.audit, &args.output, ctx.now)?;
    config.pick = pick;
    config.keep_pairs = false;
    config.keep_teams = false;
    let paths = deal_paths(&config, &args.opportunities)?;
    let (mut audit, index) = super::prepare_influence_loading(&config, None, || {
        load_deal_index(&config, &paths, &args.deals)
    })?;
    let influence = credit(&mut audit, &index, &args.deals);
    let stream = rows(&config, &audit, &index, &influence, args.by.as_deref())?;
    let stream = pick_stream(stream, &config.pick)?;
    render_stream(stream, config.format, super::style(&config), ctx.out)?;
    Ok(Exit::Success)
}

/// Reads the deals of `opportunities` (globs, `-`) and indexes them for the pass.
pub fn deal_index(config: &Config, opportunities: &[String], args: &DealArgs) -> Result<DealIndex> {
    load_deal_index(config, &deal_paths(config, opportunities)?, args)
}

/// The files `opportunities` (globs, `-`) name, refused when standard input would feed two
/// inputs.
pub fn deal_paths(config: &Config, opportunities: &[String]) -> Result<Vec<InputPath>> {
    let mut paths = Vec::new();
    for pattern in opportunities {
        paths.extend(expand_glob("--opportunities", pattern)?);
    }
    let stdin_elsewhere = config.read.inputs().iter().any(|p| p.is_stdin());
    if paths.iter().filter(|p| p.is_stdin()).count() + usize::from(stdin_elsewhere) > 1 {
        return Err(input_error!(
            "standard input (`-`) can feed only one of --assets, --events, --roster and --opportunities"
        ));
    }
    Ok(paths)
}

/// Reads the deals of `paths` and indexes them for the pass; their problems are told here.
pub fn load_deal_index(config: &Config, paths: &[InputPath], args: &DealArgs) -> Result<DealIndex> {
    let rules = StageRules::new(&args.won_stage, &args.lost_stage);
    let mut problems = Problems::new(config.read.strict);
    let (deals, reports) = load_deals(paths, &config.read, &rules, &mut problems)?;
    problems.print_warnings();
    let mut index = DealIndex::new(
        deals,
        config.window,
        WindowRules {
            lookback_days: i64::from(args.lookback),
            cycle_days: i64::from(args.cycle_days),
            link: args.link.map(link_of),
        },
    );
    index.files = reports.into_iter().zip(paths.iter().cloned()).collect();
    Ok(index)
}

/// Credits the deals the pass's counted events touched, under `--model`.
pub fn credit(audit: &mut Audit, index: &DealIndex, args: &DealArgs) -> Influence {
    let mut touches = std::mem::take(&mut audit.usage.touches);
    Influence::of(audit, index, &mut touches, model_of(args.model))
}

/// The report, its rows made as they are written (a row per asset of a million-asset
/// library is never held).
pub fn rows<'a>(
    config: &Config,
    audit: &'a Audit,
    index: &DealIndex,
    influence: &'a Influence,
    by: Option<&str>,
) -> Result<RowStream<'a>> {
    let mut params = parameters(config);
    let mut stream = match by {
        None => {
            let rows = influence
                .asset_rows(audit)
                .map(|r| cells(&r, &ASSET_COLUMNS));
            let mut stream = RowStream::new(params, &ASSET_COLUMNS, rows);
            stream.after.push(NOT_ADDITIVE.to_string());
            stream
        }
        Some("rep") => {
            params.push(("by".into(), Value::text("rep")));
            let rows = influence.rep_rows(index);
            let rows = rows.into_iter().map(|r| cells(&r, &REP_COLUMNS));
            RowStream::new(params, &REP_COLUMNS, rows)
        }
        Some(name) => {
            let column = resolve_asset_column(audit, "--by", name)?;
            params.push(("by".into(), Value::text(name)));
            let groups = audit.inventory.groups_by_column(column);
            let rows = influence.group_rows(index, &groups);
            let rows = rows.into_iter().map(|r| cells(&r, &GROUP_COLUMNS));
            let mut stream = RowStream::new(params, &GROUP_COLUMNS, rows);
            stream.after.push(NOT_ADDITIVE.to_string());
            stream
        }
    };
    stream.hints = TableHints {
        drop_first: [
            "first_touch_won",
            "last_touch_won",
            "deals_open",
            "deals_lost",
            "type",
            "owner",
            "status",
            "touches_per_deal_touched",
            "revenue_won",
        ]
        .map(String::from)
        .to_vec(),
        ..TableHints::default()
    };
    stream.headline = headline(&influence.summary);
    stream
        .sections
        .push(("summary".into(), Body::Record(fields(&influence.summary))));
    stream.after.push(CAUTION.to_string());
    Ok(stream)
}

/// The sentence a person reads first.
pub fn headline(s: &InfluenceSummary) -> Vec<String> {
    let rate = |r: Option<f64>| r.map_or("n/a".to_string(), |r| format!("{r}%"));
    vec![format!(
        "Won deals that saw content: {} of {}, {} of {} won revenue; win rate {} with content, {} without (link: {}, model: {})",
        s.deals_won_touched,
        s.deals_won,
        money(s.revenue_won_touched),
        money(s.revenue_won),
        rate(s.win_rate_touched_pct),
        rate(s.win_rate_untouched_pct),
        s.link,
        s.model
    )]
}

/// What a model does with a won deal's amount, in a sentence.
pub fn model_note(model: &str) -> &'static str {
    match model {
        "first" => "each won deal's whole amount goes to the asset of its first touch.",
        "last" => "each won deal's whole amount goes to the asset of its last touch.",
        "u-shaped" => "40% of each won deal's amount goes to its first touch's asset, 40% to its last's, 20% in equal shares to the others (to the first and last when there are none).",
        _ => "each won deal's amount is shared equally among the distinct assets it touched.",
    }
}
