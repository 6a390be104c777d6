//! Validated settings built once from the command line: the window, filters, thresholds, readers.

use crate::choices::{ColorChoice, Direction, Format, RowPick, SortKey};
use crate::cli::{
    self, AuditArgs, ColorArg, CountArgs, EncodingArg, InputArgs, OutputArgs, RowArgs,
};
use crate::input::date_order::DateOrder;
use crate::input::encoding::Encoding;
use crate::input::headers::ColumnOverride;
use crate::input::numbers::DecimalSeparator;
use crate::input::plan::Parallelism;
use crate::input::source::{parse_delimiter, InputPath};
use crate::input::time::{check_date_format, Millis, TimeParser};
use crate::input_error;
use crate::model::{parse_split, EventFilter, StatusPolicy, WhereClause};
use crate::presets::Preset;
use crate::pseudonym::{show_user, Pseudonymizer};
use anyhow::Result;

/// Assets younger than this at as-of are `new` unless --min-age says otherwise.
pub const DEFAULT_MIN_AGE_DAYS: u32 = 30;
/// Opened assets unused for longer than this are `stale` unless --stale-after says otherwise.
pub const DEFAULT_STALE_AFTER_DAYS: u32 = 90;

pub use crate::input::options::ReadOptions;

impl ReadOptions {
    pub fn from_args(args: &InputArgs) -> Result<ReadOptions> {
        let assets = InputPath::new(&args.assets);
        let mut events = Vec::new();
        for pattern in &args.events {
            events.extend(expand_glob("--events", pattern)?);
        }
        let roster = args.roster.as_deref().map(InputPath::new);
        let stdin_uses = std::iter::once(&assets)
            .chain(&events)
            .chain(&roster)
            .filter(|p| p.is_stdin())
            .count();
        if stdin_uses > 1 {
            return Err(input_error!(
                "standard input (`-`) can feed only one of --assets, --events and --roster"
            ));
        }
        let preset = args.preset.as_deref().map(Preset::named).transpose()?;
        let mut overrides = args
            .columns
            .iter()
            .map(|spec| ColumnOverride::parse(spec))
            .collect::<Result<Vec<_>>>()?;
        overrides.extend(preset.map(Preset::overrides).unwrap_or_default());
        let delimiter = args.delimiter.as_deref().map(parse_delimiter).transpose()?;
        if let Some(format) = &args.date_format {
            check_date_format(format)
                .map_err(|why| input_error!("--date-format {format:?}: {why}"))?;
        }
        let order = if args.day_first {
            Some(DateOrder::DayFirst)
        } else if args.month_first {
            Some(DateOrder::MonthFirst)
        } else {
            None
        };
        Ok(ReadOptions {
            assets,
            events,
            roster,
            overrides,
            delimiter,
            encoding: args.encoding.map(encoding_of),
            time: TimeParser::forced(order, args.date_format.clone()),
            day_first: args.day_first,
            decimal: match (args.decimal_comma, args.decimal_point) {
                (true, _) => Some(DecimalSeparator::Comma),
                (_, true) => Some(DecimalSeparator::Point),
                _ => None,
            },
            strict: args.strict,
            quiet: args.quiet,
            max_record: parse_size("--max-record-size", &args.max_record_size)?,
            digest_streams: false,
            parallel: Parallelism {
                threads: match args.threads {
                    Some(0) => return Err(input_error!("--threads 0: expected at least 1")),
                    Some(n) => n,
                    None => std::thread::available_parallelism().map_or(1, |n| n.get()),
                },
                min_chunk_bytes: args.chunk_bytes.max(1),
            },
            asset_json_key: preset.and_then(|p| p.asset_json_key),
        })
    }
}

/// What `--format` names, in the report layer's terms.
pub fn format_of(arg: cli::Format) -> Format {
    match arg {
        cli::Format::Table => Format::Table,
        cli::Format::Csv => Format::Csv,
        cli::Format::Json => Format::Json,
        cli::Format::Markdown => Format::Markdown,
        cli::Format::Xlsx => Format::Xlsx,
    }
}

/// What `--color` names, in the report layer's terms.
pub fn color_of(arg: ColorArg) -> ColorChoice {
    match arg {
        ColorArg::Auto => ColorChoice::Auto,
        ColorArg::Always => ColorChoice::Always,
        ColorArg::Never => ColorChoice::Never,
    }
}

/// The width tables for people fit, in terminal columns, or `None` to lay them out whole:
/// none with `--wide`; else `COLUMNS` when it holds a positive number (terminal or not, so a
/// script or a test can ask for a width); else the terminal's when stdout is one. Output to a
/// pipe or a file is not fitted: nothing is cut that a later `less -S` or `grep` could want.
pub fn table_width(wide: bool) -> Option<usize> {
    if wide {
        return None;
    }
    let columns = std::env::var("COLUMNS").ok();
    if let Some(n) = columns.and_then(|c| c.trim().parse::<usize>().ok()) {
        if n > 0 {
            return Some(n);
        }
    }
    terminal_width()
}

/// The terminal's width when stdout is one.
fn terminal_width() -> Option<usize> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        return None;
    }
    comfy_table::Table::new().width().map(usize::from)
}

/// `--sort COLUMN[:asc|desc]` and `--top N`; whether COLUMN exists is known only once the
/// report has its columns.
pub fn row_pick(args: &RowArgs) -> Result<RowPick> {
    let sort = match args.sort.as_deref() {
        None => None,
        Some(text) => Some(sort_key(text)?),
    };
    let top = args.top.map(|n| usize::try_from(n).unwrap_or(usize::MAX));
    Ok(RowPick { sort, top })
}

fn sort_key(text: &str) -> Result<SortKey> {
    let (column, direction) = match text.rsplit_once(':') {
        None => (text, None),
        Some((column, way)) => match way.trim().to_ascii_lowercase().as_str() {
            "asc" => (column, Some(Direction::Asc)),
            "desc" => (column, Some(Direction::Desc)),
            _ => {
                return Err(input_error!(
                    "--sort {text:?}: expected COLUMN, COLUMN:asc or COLUMN:desc"
                ))
            }
        },
    };
    let column = column.trim();
    if column.is_empty() {
        return Err(input_error!(
            "--sort {text:?}: expected COLUMN, COLUMN:asc or COLUMN:desc"
        ));
    }
    Ok(SortKey {
        column: column.to_string(),
        direction,
    })
}

// Until src/commands/ takes the report's types from the config (diff's --format, the global
// --color, trends' test of the format still name clap's), these let it pass clap's.

/// What `--encoding` names, in the input layer's terms.
fn encoding_of(arg: EncodingArg) -> Encoding {
    match arg {
        EncodingArg::Utf8 => Encoding::Utf8,
        EncodingArg::Latin1 | EncodingArg::Windows1252 => Encoding::Windows1252,
        EncodingArg::Utf16 => Encoding::Utf16,
    }
}

/// Reads a size such as `64MiB`, `512k`, `1G` or `1000000` (bytes); suffixes are powers of 1024.
/// `--similarity RATIO`: a decimal above 0 and at most 1, kept as an exact fraction.
pub fn similarity_of(text: &str) -> Result<crate::model::title::Threshold> {
    crate::model::title::Threshold::parse(text)
        .map_err(|why| input_error!("--similarity {text:?}: {why}"))
}

pub fn parse_size(option: &str, text: &str) -> Result<u64> {
    let trimmed = text.trim();
    let split = trimmed
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(trimmed.len());
    let (digits, unit) = trimmed.split_at(split);
    let multiplier: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => 0,
    };
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(multiplier))
        .filter(|&n| n > 0)
        .ok_or_else(|| {
            input_error!("{option} {text:?}: expected a size such as 64MiB, 512KiB or 1000000")
        })
}

/// Expands a shell-style pattern the shell left alone (`'logs/2026-*.csv.gz'`), in name order.
/// A path that exists, or holds no wildcard, is taken as it is.
pub fn expand_glob(option: &str, pattern: &str) -> Result<Vec<InputPath>> {
    let has_wildcard = pattern.contains(['*', '?', '[']);
    if !has_wildcard || pattern == "-" || std::path::Path::new(pattern).exists() {
        return Ok(vec![InputPath::new(pattern)]);
    }
    let paths =
        glob::glob(pattern).map_err(|e| input_error!("{option} {pattern:?}: bad pattern: {e}"))?;
    let mut found: Vec<String> = paths
        .filter_map(|p| p.ok())
        .filter(|p| p.is_file())
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    found.sort();
    if found.is_empty() {
        return Err(input_error!("{option} {pattern:?}: no file matches"));
    }
    Ok(found.iter().map(|p| InputPath::new(p)).collect())
}

/// The counting window and the audit's "now".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Inclusive; `None` counts from the first event.
    pub since: Option<Millis>,
    /// Exclusive.
    pub until: Millis,
    pub as_of: Millis,
}

impl Window {
    #[inline]
    pub fn contains(&self, t: Millis) -> bool {
        t < self.until && self.since.is_none_or(|s| t >= s)
    }

    /// Resolves `--since/--until/--as-of`: as-of defaults to until, until to as-of, both to `now`.
    pub fn from_args(args: &CountArgs, day_first: bool, now: Millis) -> Result<Window> {
        let time = &TimeParser::new(day_first, None);
        let since = parse_option("--since", args.since.as_deref(), time)?;
        let until = parse_option("--until", args.until.as_deref(), time)?;
        let as_of = parse_option("--as-of", args.as_of.as_deref(), time)?;
        let until_resolved = until.or(as_of).unwrap_or(now);
        let as_of_resolved = as_of.or(until).unwrap_or(now);
        if let Some(since) = since {
            if since > until_resolved {
                return Err(input_error!(
                    "--since {} is after --until {}: the window would be empty",
                    args.since.as_deref().unwrap_or_default(),
                    args.until
                        .as_deref()
                        .or(args.as_of.as_deref())
                        .unwrap_or("now")
                ));
            }
        }
        Ok(Window {
            since,
            until: until_resolved,
            as_of: as_of_resolved,
        })
    }
}

/// Options always take the standard shapes, whatever `--date-format` says about the files.
fn parse_option(name: &str, value: Option<&str>, time: &TimeParser) -> Result<Option<Millis>> {
    let Some(text) = value else { return Ok(None) };
    time.parse_str(text).map(Some).ok_or_else(|| {
        input_error!("{name} {text:?}: not a date or time (try 2026-03-15 or 2026-03-15T14:05:00Z)")
    })
}

/// `--types`, `--team`, `--exclude-owners`, `--exclude-user`, and the preset's type spellings.
fn event_filter(args: &CountArgs, preset: Option<&Preset>) -> EventFilter {
    EventFilter::new(
        &args.types,
        &args.team,
        args.exclude_owners,
        &args.exclude_user,
        preset.map(|p| p.event_types).unwrap_or_default(),
    )
}

/// How the inputs were asked to be read, as typed: what a snapshot records so that two
/// snapshots made differently can be told apart.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct ReadingAsked {
    pub columns: Vec<String>,
    pub preset: Option<String>,
    pub delimiter: Option<String>,
    pub day_first: bool,
    pub date_format: Option<String>,
    /// `comma` or `point` when forced.
    pub decimal: Option<&'static str>,
}

impl ReadingAsked {
    fn of(input: &InputArgs) -> ReadingAsked {
        ReadingAsked {
            columns: input.columns.clone(),
            preset: input.preset.clone(),
            delimiter: input.delimiter.clone(),
            day_first: input.day_first,
            date_format: input.date_format.clone(),
            decimal: match (input.decimal_comma, input.decimal_point) {
                (true, _) => Some("comma"),
                (_, true) => Some("point"),
                _ => None,
            },
        }
    }
}

/// `report --currency CODE`, validated (a usage error otherwise); `None` when not given.
pub fn currency_of(code: Option<&str>) -> Result<Option<crate::input::currency::Currency>> {
    code.map(|c| {
        crate::input::currency::Currency::from_code(c).map_err(|why| input_error!("{why}"))
    })
    .transpose()
}

/// Everything an audit command needs, validated.
#[derive(Debug, Clone)]
pub struct Config {
    pub read: ReadOptions,
    pub window: Window,
    pub filter: EventFilter,
    pub policy: StatusPolicy,
    pub format: Format,
    pub raw_csv: bool,
    /// The width tables fit (see [`table_width`]).
    pub width: Option<usize>,
    /// `--sort` and `--top`, for the commands whose report is rows (empty for the others).
    pub pick: RowPick,
    /// Set by `--pseudonymize-users`: every user value shown goes through it.
    pub pseudonyms: Option<Pseudonymizer>,
    pub asked: ReadingAsked,
    /// `--where`: which inventory assets the audit keeps.
    pub asset_where: Vec<WhereClause>,
    /// `--split COLUMN=SEP`, as (column, separator).
    pub splits: Vec<(String, String)>,
    /// The pass keeps the distinct (asset, user) pairs: false for a command that reads none
    /// (set by the command, not by an option).
    pub keep_pairs: bool,
    /// The pass looks up each row's team for the report (a filter, `--by team` and `check`
    /// look it up whatever this says): false for a command that shows no team (set by the
    /// command, not by an option).
    pub keep_teams: bool,
}

impl Config {
    /// A user value as reports show it: as given, or pseudonymized.
    pub fn show_user(&self, user: &str) -> String {
        show_user(self.pseudonyms.as_ref(), user)
    }

    /// The settings of an audit command; `output` is how it writes tables (a command that
    /// writes no table passes the default).
    pub fn from_args(args: &AuditArgs, output: &OutputArgs, now: Millis) -> Result<Config> {
        let read = ReadOptions::from_args(&args.input)?;
        let window = Window::from_args(&args.count, read.day_first, now)?;
        let policy = StatusPolicy {
            as_of: window.as_of,
            min_age_days: i64::from(args.count.min_age.unwrap_or(DEFAULT_MIN_AGE_DAYS)),
            stale_after_days: i64::from(args.count.stale_after.unwrap_or(DEFAULT_STALE_AFTER_DAYS)),
        };
        Ok(Config {
            read,
            window,
            filter: event_filter(
                &args.count,
                args.input
                    .preset
                    .as_deref()
                    .map(Preset::named)
                    .transpose()?,
            ),
            policy,
            format: format_of(output.format),
            raw_csv: output.raw_csv,
            width: table_width(output.wide),
            keep_pairs: true,
            keep_teams: true,
            pick: RowPick::default(),
            pseudonyms: Pseudonymizer::from_options(
                args.pseudonymize_users,
                args.pseudonym_key.as_deref(),
            )?,
            asked: ReadingAsked::of(&args.input),
            asset_where: args
                .count
                .asset_where
                .iter()
                .map(|spec| WhereClause::parse(spec))
                .collect::<Result<_>>()?,
            splits: args
                .count
                .split
                .iter()
                .map(|spec| parse_split(spec))
                .collect::<Result<_>>()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count_args(since: Option<&str>, until: Option<&str>, as_of: Option<&str>) -> CountArgs {
        CountArgs {
            since: since.map(String::from),
            until: until.map(String::from),
            as_of: as_of.map(String::from),
            types: vec![],
            team: vec![],
            exclude_owners: false,
            exclude_user: vec![],
            min_age: None,
            stale_after: None,
            asset_where: vec![],
            split: vec![],
        }
    }

    fn day(text: &str) -> Millis {
        TimeParser::default().parse_str(text).unwrap()
    }

    #[test]
    fn as_of_and_until_default_to_each_other_then_now() {
        let time = false;
        let now = day("2026-11-22");
        let w = Window::from_args(&count_args(None, Some("2026-06-01"), None), time, now).unwrap();
        assert_eq!((w.until, w.as_of), (day("2026-06-01"), day("2026-06-01")));
        let w = Window::from_args(&count_args(None, None, Some("2026-05-01")), time, now).unwrap();
        assert_eq!((w.until, w.as_of), (day("2026-05-01"), day("2026-05-01")));
        let w = Window::from_args(&count_args(None, None, None), time, now).unwrap();
        assert_eq!((w.until, w.as_of), (now, now));
    }

    #[test]
    fn since_after_until_is_a_usage_error() {
        let time = false;
        let args = count_args(Some("2026-07-01"), Some("2026-06-01"), None);
        assert!(Window::from_args(&args, time, 0).is_err());
    }

    #[test]
    fn sort_keys_read_column_and_direction() {
        let key = |t: &str| sort_key(t).ok();
        assert_eq!(
            key("opens"),
            Some(SortKey {
                column: "opens".into(),
                direction: None
            })
        );
        assert_eq!(
            key("title:ASC").and_then(|k| k.direction),
            Some(Direction::Asc)
        );
        assert_eq!(
            key("cost:desc").map(|k| (k.column, k.direction)),
            Some(("cost".to_string(), Some(Direction::Desc)))
        );
        assert!(key("cost:up").is_none());
        assert!(key(":desc").is_none());
    }

    #[test]
    fn window_is_inclusive_then_exclusive() {
        let w = Window {
            since: Some(10),
            until: 20,
            as_of: 20,
        };
        assert!(w.contains(10) && w.contains(19));
        assert!(!w.contains(9) && !w.contains(20));
    }
}
