//! `snapshot`: the audit as one deterministic JSON document, to a file or standard output.

use crate::analysis::summary::Summary;
use crate::cli::{OutputArgs, SnapshotArgs};
use crate::commands::influence::{credit, deal_index};
use crate::commands::{gates_of, prepare_influence, prepare_with, Ctx};
use crate::config::Config;
use crate::error::Exit;
use crate::gates::{report_breaches, GateFigures};
use crate::snapshot::{file_digest, write};
use anyhow::Result;

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
        let hashing = scope.spawn(|| digests(&config));
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
    let read = &config.read;
    let inputs = std::iter::once(&read.assets)
        .chain(&read.roster)
        .chain(&read.events);
    for (digest, input) in digests.iter_mut().zip(inputs) {
        if input.is_stream() {
            *digest = input.digest().map(String::from);
        }
    }
    match out_path {
        Some(path) => crate::output::write_file(path, &config.read.inputs(), |file| {
            write(&config, &audit, &digests, influence.as_ref(), file)
        })?,
        None => write(&config, &audit, &digests, influence.as_ref(), ctx.out)?,
    }
    let figures = GateFigures::of(&Summary::whole(&audit));
    Ok(report_breaches(&gates.check(&figures)))
}

/// The input files in the order the audit reports them: assets, roster, events.
fn digests(config: &Config) -> Result<Vec<Option<String>>> {
    let read = &config.read;
    std::iter::once(&read.assets)
        .chain(&read.roster)
        .chain(&read.events)
        .map(|input| match input.is_stream() {
            // Hashed as it was read: a stream cannot be read twice.
            true => Ok(None),
            false => file_digest(&input.path),
        })
        .collect()
}
