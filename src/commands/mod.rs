//! One module per subcommand, each turning an [`Audit`] into a [`Report`].

pub mod assets;
pub mod check;
pub mod cohorts;
pub mod diff;
pub mod duplicates;
pub mod html_report;
pub mod influence;
pub mod snapshot;
pub mod summary;
pub mod trends;
pub mod unused;
pub mod users;
pub mod workbook;

use crate::analysis::periods::TrendTally;
use crate::analysis::{Audit, TrendRequest};
use crate::cli::{Cli, Command, GateArgs, OutputArgs, RowArgs};
use crate::config::Config;
use crate::error::Exit;
use crate::gates::Gates;
use crate::input::source::InputPath;
use crate::input::time::Millis;
use crate::progress::Ticker;
use crate::report::order::pick_rows;
use crate::report::{render, RenderStyle, Report, Value};
use anyhow::Result;
use clap::CommandFactory;
use std::io::{IsTerminal, Write};

/// What every command runs with: the current time and where its output goes.
pub struct Ctx<'a> {
    pub now: Millis,
    pub out: &'a mut dyn Write,
}

/// Runs the parsed command line, writing the report to `out` (or to its `--out FILE`);
/// returns the exit code.
pub fn run(cli: &Cli, now: Millis, out: &mut dyn Write) -> Result<Exit> {
    crate::report::choose_color(crate::config::color_of(cli.color));
    crate::messages::set_quiet(quiet(&cli.command));
    let Some((output, inputs)) = table_output(&cli.command) else {
        return dispatch(cli, now, out);
    };
    match &output.out {
        None if output.format == crate::cli::Format::Xlsx && std::io::stdout().is_terminal() => {
            Err(crate::input_error!(
                "--format xlsx writes a binary workbook: give --out FILE, or redirect standard output to a file"
            ))
        }
        None => dispatch(cli, now, out),
        Some(path) => {
            let inputs: Vec<InputPath> = inputs.iter().map(|p| InputPath::new(p)).collect();
            crate::output::refuse_input(path, &inputs.iter().collect::<Vec<_>>())?;
            let mut buffer = Vec::new();
            let exit = dispatch(cli, now, &mut buffer)?;
            crate::output::write_file(path, &inputs.iter().collect::<Vec<_>>(), |file| {
                Ok(file.write_all(&buffer)?)
            })?;
            Ok(exit)
        }
    }
}

/// The output options of a command that writes a table, and the paths it reads (which
/// `--out` must not name).
fn table_output(command: &Command) -> Option<(&OutputArgs, Vec<&String>)> {
    let none: &[String] = &[];
    let (output, audit, deals) = match command {
        Command::Summary(a) => (&a.output, &a.audit, none),
        Command::Unused(a) => (&a.output, &a.audit, none),
        Command::Assets(a) => (&a.output, &a.audit, none),
        Command::Trends(a) => (&a.output, &a.audit, none),
        Command::Cohorts(a) => (&a.output, &a.audit, none),
        Command::Users(a) => (&a.output, &a.audit, none),
        Command::Influence(a) => (&a.output, &a.audit, &a.opportunities[..]),
        Command::Check(a) => (&a.output, &a.audit, &a.opportunities[..]),
        Command::Duplicates(a) => (&a.output, &a.audit, none),
        Command::Diff(a) => return Some((&a.output, vec![&a.old, &a.new])),
        // Named one by one, so a new table command cannot be left out of `--out`.
        Command::Snapshot(_) | Command::Report(_) | Command::Completions(_) | Command::Man(_) => {
            return None
        }
    };
    let input = &audit.input;
    let inputs = std::iter::once(&input.assets)
        .chain(&input.events)
        .chain(&input.roster)
        .chain(deals)
        .collect();
    Some((output, inputs))
}

fn dispatch(cli: &Cli, now: Millis, out: &mut dyn Write) -> Result<Exit> {
    let ctx = &mut Ctx { now, out };
    match &cli.command {
        Command::Summary(args) => summary::run(args, ctx),
        Command::Unused(args) => unused::run(args, ctx),
        Command::Assets(args) => assets::run(args, ctx),
        Command::Trends(args) => trends::run(args, ctx),
        Command::Cohorts(args) => cohorts::run(args, ctx),
        Command::Users(args) => users::run(args, ctx),
        Command::Snapshot(args) => snapshot::run(args, ctx),
        Command::Diff(args) => diff::run(args, ctx),
        Command::Report(args) => html_report::run(args, ctx),
        Command::Influence(args) => influence::run(args, ctx),
        Command::Duplicates(args) => duplicates::run(args, ctx),
        Command::Check(args) => check::run(args, ctx),
        Command::Completions(args) => completions(args.shell, ctx),
        Command::Man(args) => man(args, ctx),
    }
}

/// `-q` as the command was given it (commands without inputs have none).
fn quiet(command: &Command) -> bool {
    let audit = match command {
        Command::Summary(a) => &a.audit,
        Command::Unused(a) => &a.audit,
        Command::Assets(a) => &a.audit,
        Command::Trends(a) => &a.audit,
        Command::Cohorts(a) => &a.audit,
        Command::Users(a) => &a.audit,
        Command::Snapshot(a) => &a.audit,
        Command::Report(a) => &a.audit,
        Command::Influence(a) => &a.audit,
        Command::Duplicates(a) => &a.audit,
        Command::Check(a) => &a.audit,
        Command::Diff(_) | Command::Completions(_) | Command::Man(_) => return false,
    };
    audit.input.quiet
}

fn completions(shell: clap_complete::Shell, ctx: &mut Ctx) -> Result<Exit> {
    let mut command = Cli::command();
    clap_complete::generate(shell, &mut command, "collateral-audit", ctx.out);
    Ok(Exit::Success)
}

fn man(args: &crate::cli::ManArgs, ctx: &mut Ctx) -> Result<Exit> {
    match &args.dir {
        Some(dir) => drop(crate::manpage::write_all(Cli::command(), dir.as_ref())?),
        None => crate::manpage::write_main(Cli::command(), ctx.out)?,
    }
    Ok(Exit::Success)
}

/// What a command reads of the pass beyond its counts, so that the pass keeps nothing more.
#[derive(Debug, Clone, Copy)]
pub struct Reads {
    /// The distinct (asset, user) pairs.
    pub pairs: bool,
    /// Each user's teams.
    pub teams: bool,
}

/// The settings and the finished pass of a command that asks for no trend.
pub fn audit(
    args: &crate::cli::AuditArgs,
    output: &OutputArgs,
    ctx: &Ctx,
    reads: Reads,
) -> Result<(Config, Audit)> {
    let mut config = Config::from_args(args, output, ctx.now)?;
    config.keep_pairs = reads.pairs;
    config.keep_teams = reads.teams;
    let audit = prepare_with(&config, None)?;
    Ok((config, audit))
}

/// The pass for a report that needs a trend: it asks for `request` and gets its tally.
pub fn audit_with_trend(config: &Config, request: &TrendRequest) -> Result<(Audit, TrendTally)> {
    let mut audit = prepare_with(config, Some(request))?;
    let tally =
        audit.usage.trend.take().ok_or_else(|| {
            anyhow::anyhow!("the pass tallied no trend although one was asked for")
        })?;
    Ok((audit, tally))
}

/// Runs the pass with a progress bar on a terminal, then shows the first problems on stderr.
pub fn prepare_with(config: &Config, trend: Option<&TrendRequest>) -> Result<Audit> {
    shown(config, || Audit::run(config, trend), |audit| audit)
}

/// The pass for `influence`, shown as [`prepare_with`] shows it.
pub fn prepare_influence(
    config: &Config,
    trend: Option<&TrendRequest>,
    deals: &crate::analysis::influence::DealIndex,
) -> Result<Audit> {
    shown(
        config,
        || Audit::run_influence(config, trend, deals),
        |audit| audit,
    )
}

/// [`prepare_influence`] with the deals read by `load_deals` while the inventory is read.
pub fn prepare_influence_loading(
    config: &Config,
    trend: Option<&TrendRequest>,
    load_deals: impl FnOnce() -> Result<crate::analysis::influence::DealIndex> + Send,
) -> Result<(Audit, crate::analysis::influence::DealIndex)> {
    shown(
        config,
        || Audit::run_influence_loading(config, trend, load_deals),
        |(audit, _)| audit,
    )
}

/// Runs `pass` under the progress ticker, then tells the problems and warnings of its audit
/// (found in what it returns by `audit_of`).
fn shown<T>(
    config: &Config,
    pass: impl FnOnce() -> Result<T>,
    audit_of: impl Fn(&T) -> &Audit,
) -> Result<T> {
    let ticker = (!crate::messages::quiet() && std::io::stderr().is_terminal())
        .then(|| Ticker::start(input_bytes(config)));
    let done = pass();
    drop(ticker);
    let done = done?;
    let audit = audit_of(&done);
    audit.problems.print_warnings();
    for warning in &audit.warnings {
        crate::messages::warning(format_args!("{}: {}", warning.code, warning.message));
    }
    Ok(done)
}

/// Writes a document to `--out FILE` (atomically, never over an input), or to standard
/// output without one.
pub fn write_to(
    path: Option<&str>,
    config: &Config,
    bytes: &[u8],
    out: &mut dyn Write,
) -> Result<()> {
    write_with(path, config, out, |w| Ok(w.write_all(bytes)?))
}

/// As [`write_to`] for a document `write` writes as it is made.
pub fn write_with(
    path: Option<&str>,
    config: &Config,
    out: &mut dyn Write,
    write: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    match path {
        Some(path) => crate::output::write_file(path, &config.read.inputs(), write),
        None => write(out),
    }
}

/// The gates asked for, checked before any work: a percentage from 0 to 100, points 0 or more.
pub fn gates_of(args: &GateArgs, never_opened_rises_by: Option<f64>) -> Result<Gates> {
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

/// Writes a table-shaped report in the format asked for, its rows as `--sort` and `--top`
/// pick them.
pub fn emit(config: &Config, mut report: Report, out: &mut dyn Write) -> Result<Exit> {
    pick_rows(&mut report, &config.pick)?;
    render(&report, config.format, style(config), out)?;
    Ok(Exit::Success)
}

/// How this run writes tables to stdout.
pub fn style(config: &Config) -> RenderStyle {
    RenderStyle::for_stdout(config.width, config.raw_csv)
}

/// The settings and the finished pass of a command whose report is rows: `--sort` and
/// `--top` are read first, so a typo costs no pass.
pub fn audit_rows(
    args: &crate::cli::AuditArgs,
    output: &OutputArgs,
    rows: &RowArgs,
    ctx: &Ctx,
    reads: Reads,
) -> Result<(Config, Audit)> {
    let pick = crate::config::row_pick(rows)?;
    let (mut config, audit) = audit(args, output, ctx, reads)?;
    config.pick = pick;
    Ok((config, audit))
}

/// The size on disk of every input file, for the progress bar.
fn input_bytes(config: &Config) -> u64 {
    config
        .read
        .inputs()
        .into_iter()
        .filter_map(|p| std::fs::metadata(&p.path).ok())
        .map(|m| m.len())
        .sum()
}

/// The parameters every report carries in JSON: the window and whatever changed what counts.
pub fn parameters(config: &Config) -> Vec<(String, Value)> {
    crate::report::fields::fields(&crate::results::params::Parameters::of(config))
}

/// Whole days from `from` to `to`, rounded down.
pub fn days_between(from: Millis, to: Millis) -> i64 {
    (to - from).div_euclid(crate::input::time::MS_PER_DAY)
}
