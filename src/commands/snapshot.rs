//! `snapshot`: the audit as one deterministic JSON document, to a file or standard output.

use crate::analysis::duplicates::Duplicates;
use crate::analysis::influence::DealIndex;
use crate::analysis::summary::Summary;
use crate::cli::{DealArgs, OutputArgs, SnapshotArgs};
use crate::commands::duplicates::default_rules;
use crate::commands::influence::{credit, deal_index, model_of};
use crate::commands::{gates_of, prepare_influence, prepare_with, Ctx};
use crate::config::Config;
use crate::error::Exit;
use crate::gates::{report_breaches, GateFigures};
use crate::input::opportunities::{DEFAULT_LOST_STAGES, DEFAULT_WON_STAGES};
use crate::input::source::InputPath;
use crate::results::duplicates::DuplicatesSummary;
use crate::results::influence::Influence;
use crate::snapshot::{file_digest, write, DealPart, Parts};
use anyhow::Result;
use serde_json::{Map, Value as Json};

pub fn run(args: &SnapshotArgs, ctx: &mut Ctx) -> Result<Exit> {
    let gates = gates_of(&args.gates, None)?;
    let out_path = args.out.as_deref();
    let mut config = Config::from_args(&args.audit, &OutputArgs::default(), ctx.now)?;
    config.read.digest_streams = true;
    if let Some(path) = out_path {
        crate::output::refuse_input(path, &config.read.inputs())?;
    }
    // Hashing reads every file a second time, so it runs beside the pass rather than after it.
    let index = match args.opportunities.is_empty() {
        true => None,
        false => Some(deal_index(&config, &args.opportunities, &args.deals)?),
    };
    let (audit, digests) = std::thread::scope(|scope| {
        let hashing = scope.spawn(|| digests(&config, index.as_ref()));
        let audit = match &index {
            Some(index) => prepare_influence(&config, None, index),
            None => prepare_with(&config, None),
        };
        let digests = hashing.join().unwrap_or_else(|_| Ok(Vec::new()));
        (audit, digests)
    });
    let (mut audit, mut digests) = (audit?, digests?);
    let influence = index
        .as_ref()
        .map(|index| credit(&mut audit, index, &args.deals));
    for (digest, input) in digests.iter_mut().zip(inputs(&config, index.as_ref())) {
        if input.is_stream() {
            *digest = input.digest().map(String::from);
        }
    }
    // The audit's own files first, then the opportunities.
    let audit_files = config.read.inputs().len();
    let deals = match (&index, &influence) {
        (Some(index), Some(influence)) => Some(DealPart {
            influence,
            files: (index.files.iter().enumerate())
                .map(|(i, (file, _))| (file, digests.get(audit_files + i).cloned().flatten()))
                .collect(),
            options: deal_options(&args.deals, influence),
        }),
        _ => None,
    };
    let digests = &digests[..audit_files.min(digests.len())];
    let found = Duplicates::find(&audit, &default_rules(&config));
    let duplicates = DuplicatesSummary::of(&audit, &found);
    let parts = Parts {
        deals: deals.as_ref(),
        duplicates: &duplicates,
    };
    match out_path {
        Some(path) => crate::output::write_file(path, &config.read.inputs(), |file| {
            write(&config, &audit, digests, &parts, file)
        })?,
        None => write(&config, &audit, digests, &parts, ctx.out)?,
    }
    let figures = GateFigures::of(&Summary::whole(&audit));
    Ok(report_breaches(&gates.check(&figures)))
}

/// The options that shaped the credit of the deals, as the snapshot's `options` holds them:
/// the stages as given, or their defaults.
fn deal_options(args: &DealArgs, influence: &Influence) -> Map<String, Json> {
    let stages = |given: &[String], default: &[&str]| -> Json {
        match given.is_empty() {
            true => Json::from(default.to_vec()),
            false => Json::from(given.to_vec()),
        }
    };
    let mut options = Map::new();
    options.insert("link".into(), Json::from(influence.summary.link.clone()));
    options.insert("model".into(), Json::from(model_of(args.model).as_str()));
    options.insert("lookback_days".into(), Json::from(args.lookback));
    options.insert("cycle_days".into(), Json::from(args.cycle_days));
    let won = stages(&args.won_stage, &DEFAULT_WON_STAGES);
    options.insert("won_stages".into(), won);
    let lost = stages(&args.lost_stage, &DEFAULT_LOST_STAGES);
    options.insert("lost_stages".into(), lost);
    options
}

/// The input files in the order the snapshot lists them: assets, roster, events, then the
/// opportunities.
fn inputs<'a>(config: &'a Config, deals: Option<&'a DealIndex>) -> Vec<&'a InputPath> {
    let mut inputs = config.read.inputs();
    inputs.extend(
        deals
            .iter()
            .flat_map(|index| index.files.iter().map(|(_, path)| path)),
    );
    inputs
}

/// Each input's SHA-256, in [`inputs`] order; a stream's is taken as it is read.
fn digests(config: &Config, deals: Option<&DealIndex>) -> Result<Vec<Option<String>>> {
    inputs(config, deals)
        .into_iter()
        .map(|input| match input.is_stream() {
            // Hashed as it was read: a stream cannot be read twice.
            true => Ok(None),
            false => file_digest(&input.path),
        })
        .collect()
}
