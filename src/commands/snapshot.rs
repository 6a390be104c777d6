//! `snapshot`: the audit as one deterministic JSON document, to a file or standard output.

use crate::analysis::summary::Summary;
use crate::analysis::Audit;
use crate::cli::AuditArgs;
use crate::commands::prepare_with;
use crate::config::Config;
use crate::gates::{report_breaches, GateFigures, Gates};
use crate::input::time::Millis;
use crate::snapshot::{file_digest, write};
use anyhow::Result;
use std::io::Write;

pub fn run(
    args: &AuditArgs,
    gates: Gates,
    out_path: Option<&str>,
    now: Millis,
    out: &mut dyn Write,
) -> Result<u8> {
    let mut config = Config::from_args(args, now)?;
    config.read.digest_streams = true;
    if let Some(path) = out_path {
        crate::output::refuse_input(path, &config.read.inputs())?;
    }
    // Hashing reads every file a second time, so it runs beside the pass rather than after it.
    let (audit, digests) = std::thread::scope(|scope| {
        let hashing = scope.spawn(|| digests(&config));
        let audit = prepare_with(&config, None);
        let digests = hashing.join().unwrap_or_else(|_| Ok(Vec::new()));
        (audit, digests)
    });
    let (audit, mut digests) = (audit?, digests?);
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
            write(args, &config, &audit, &digests, file)
        })?,
        None => write(args, &config, &audit, &digests, out)?,
    }
    Ok(report_breaches(&gates.check(&gate_figures(&audit))))
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

pub fn gate_figures(audit: &Audit) -> GateFigures {
    let whole = Summary::whole(audit);
    GateFigures {
        never_opened_pct: whole.never_opened_pct,
        events_orphan: whole.events_orphan,
        previous_never_opened_pct: None,
    }
}
