//! One module per subcommand, each turning an [`Audit`] into a [`Report`].

pub mod assets;
pub mod check;
pub mod cohorts;
pub mod diff;
pub mod html_report;
pub mod snapshot;
pub mod summary;
pub mod trends;
pub mod unused;
pub mod users;

use crate::analysis::{Audit, TrendRequest};
use crate::cli::{AuditArgs, Cli, Command, GateArgs};
use crate::config::Config;
use crate::gates::{report_breaches, Gates};
use crate::input::time::Millis;
use crate::progress::Ticker;
use crate::report::{render, RenderStyle, Report, Value};
use anyhow::Result;
use clap::CommandFactory;
use std::io::{IsTerminal, Write};

/// Runs the parsed command line, writing the report to `out`; returns the exit code.
pub fn run(cli: &Cli, now: Millis, out: &mut dyn Write) -> Result<u8> {
    crate::report::choose_color(cli.color);
    match &cli.command {
        Command::Report { audit, out: path } => {
            let request = TrendRequest {
                period: crate::analysis::periods::Period::Month,
                by: None,
            };
            let config = Config::from_args(audit, now)?;
            if let Some(path) = path {
                crate::output::refuse_input(path, &config.read.inputs())?;
            }
            let audit_data = prepare_with(&config, Some(&request))?;
            let page = crate::report::html::render(&html_report::page(&config, &audit_data)?);
            write_to(path.as_deref(), &config, page.as_bytes(), out)?;
            Ok(crate::error::EXIT_OK)
        }
        Command::Completions { shell } => {
            let mut command = Cli::command();
            clap_complete::generate(*shell, &mut command, "collateral-audit", out);
            Ok(crate::error::EXIT_OK)
        }
        Command::Man { dir } => {
            match dir {
                Some(dir) => drop(crate::manpage::write_all(Cli::command(), dir.as_ref())?),
                None => crate::manpage::write_main(Cli::command(), out)?,
            }
            Ok(crate::error::EXIT_OK)
        }
        Command::Summary {
            audit,
            gates,
            group_by,
        } => {
            let gates = gates_of(gates, None)?;
            let (config, audit_data) = prepare(audit, now, None)?;
            let report = summary::report(&config, &audit_data, group_by.as_deref())?;
            emit(&config, &report, out)?;
            let breaches = gates.check(&snapshot::gate_figures(&audit_data));
            Ok(report_breaches(&breaches))
        }
        Command::Snapshot {
            audit,
            gates,
            out: path,
        } => snapshot::run(audit, gates_of(gates, None)?, path.as_deref(), now, out),
        Command::Diff {
            old,
            new,
            gates,
            fail_if_never_opened_rises_by,
            changes,
            format,
            raw_csv,
        } => {
            let request = diff::DiffRequest {
                old,
                new,
                gates: gates_of(gates, *fail_if_never_opened_rises_by)?,
                changes_in_csv: *changes,
                format: *format,
                raw_csv: *raw_csv,
            };
            diff::run(&request, out)
        }
        Command::Unused { audit } => {
            let (config, audit_data) = prepare(audit, now, None)?;
            emit(&config, &unused::report(&config, &audit_data), out)
        }
        Command::Assets { audit, status } => {
            let (config, audit_data) = prepare(audit, now, None)?;
            emit(&config, &assets::report(&config, &audit_data, status), out)
        }
        Command::Trends { audit, period, by } => {
            let request = TrendRequest {
                period: trends::period_of(*period),
                by: by.clone(),
            };
            let (config, audit_data) = prepare(audit, now, Some(&request))?;
            emit(
                &config,
                &trends::report(&config, &audit_data, by.as_deref()),
                out,
            )
        }
        Command::Cohorts {
            audit,
            period,
            within,
        } => {
            let (config, audit_data) = prepare(audit, now, None)?;
            let report = cohorts::report(&config, &audit_data, trends::period_of(*period), within);
            emit(&config, &report, out)
        }
        Command::Users { audit } => {
            let (config, audit_data) = prepare(audit, now, None)?;
            emit(&config, &users::report(&config, &audit_data), out)
        }
        Command::Check { audit } => check::run(audit, now, out),
    }
}

/// Validates the options and runs the pass, then shows the first problems on stderr.
fn prepare(args: &AuditArgs, now: Millis, trend: Option<&TrendRequest>) -> Result<(Config, Audit)> {
    let config = Config::from_args(args, now)?;
    let audit = prepare_with(&config, trend)?;
    Ok((config, audit))
}

/// Runs the pass with a progress bar on a terminal, then shows the first problems on stderr.
pub fn prepare_with(config: &Config, trend: Option<&TrendRequest>) -> Result<Audit> {
    let ticker = (!config.read.quiet && std::io::stderr().is_terminal())
        .then(|| Ticker::start(input_bytes(config)));
    let audit = Audit::run(config, trend);
    drop(ticker);
    let audit = audit?;
    if !config.read.quiet {
        audit.problems.print_warnings();
        for warning in &audit.warnings {
            eprintln!("warning: {}: {}", warning.code, warning.message);
        }
    }
    Ok(audit)
}

/// Writes a document to `--out FILE` (atomically, never over an input), or to standard
/// output without one.
pub fn write_to(
    path: Option<&str>,
    config: &Config,
    bytes: &[u8],
    out: &mut dyn Write,
) -> Result<()> {
    match path {
        Some(path) => crate::output::write_file(path, &config.read.inputs(), |file| {
            Ok(file.write_all(bytes)?)
        }),
        None => Ok(out.write_all(bytes)?),
    }
}

/// The gates asked for, checked before any work: a percentage from 0 to 100, points 0 or more.
fn gates_of(args: &GateArgs, never_opened_rises_by: Option<f64>) -> Result<Gates> {
    let in_range = |option: &str, value: Option<f64>, max: f64| match value {
        Some(v) if !(0.0..=max).contains(&v) => Err(crate::input_error!(
            "{option} {v}: expected a number from 0 to {max}"
        )),
        _ => Ok(value),
    };
    Ok(Gates {
        never_opened_above: in_range(
            "--fail-if-never-opened-above",
            args.fail_if_never_opened_above,
            100.0,
        )?,
        orphans_above: args.fail_if_orphans_above,
        never_opened_rises_by: in_range(
            "--fail-if-never-opened-rises-by",
            never_opened_rises_by,
            100.0,
        )?,
    })
}

fn emit(config: &Config, report: &Report, out: &mut dyn Write) -> Result<u8> {
    let style = RenderStyle::for_stdout(config.raw_csv);
    render(report, config.format, style, out)?;
    Ok(crate::error::EXIT_OK)
}

/// The size on disk of every input file, for the progress bar.
fn input_bytes(config: &Config) -> u64 {
    let read = &config.read;
    std::iter::once(&read.assets)
        .chain(&read.events)
        .chain(&read.roster)
        .filter_map(|p| std::fs::metadata(&p.path).ok())
        .map(|m| m.len())
        .sum()
}

/// The parameters every report carries in JSON: the window and whatever changed what counts.
pub fn parameters(config: &Config) -> Vec<(String, Value)> {
    let list = |values: &[Vec<u8>]| {
        Value::List(
            values
                .iter()
                .map(|v| String::from_utf8_lossy(v).into_owned())
                .collect(),
        )
    };
    let users = |values: &[Vec<u8>]| {
        Value::List(
            values
                .iter()
                .map(|v| config.show_user(&String::from_utf8_lossy(v)))
                .collect(),
        )
    };
    let f = &config.filter;
    vec![
        ("as_of".into(), Value::Instant(config.window.as_of)),
        ("since".into(), Value::opt_instant(config.window.since)),
        ("until".into(), Value::Instant(config.window.until)),
        ("types".into(), list(&f.types)),
        ("teams".into(), list(&f.teams)),
        ("exclude_owners".into(), Value::Bool(f.exclude_owners)),
        ("exclude_users".into(), users(&f.exclude_users)),
        (
            "min_age_days".into(),
            Value::Int(config.policy.min_age_days),
        ),
        (
            "stale_after_days".into(),
            Value::Int(config.policy.stale_after_days),
        ),
    ]
}

/// Whole days from `from` to `to`, rounded down.
pub fn days_between(from: Millis, to: Millis) -> i64 {
    (to - from).div_euclid(crate::input::time::MS_PER_DAY)
}
