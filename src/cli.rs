//! The command line as the user types it: clap definitions only, no validation beyond types.

use clap::{Args, Parser, Subcommand, ValueEnum};

const EXAMPLES_INFLUENCE: &str = "Examples:
  collateral-audit influence --assets assets.csv --events usage.csv --opportunities deals.csv --since 2026-01-01
  collateral-audit influence --assets assets.csv --events usage.csv --opportunities deals.csv --model u-shaped --by type";
const EXAMPLES_DUPLICATES: &str = "Examples:
  collateral-audit duplicates --assets assets.csv --events usage.csv --as-of 2026-11-01
  collateral-audit duplicates --assets assets.csv --events usage.csv --similarity 0.9 --across-types
  collateral-audit duplicates --assets assets.csv --events usage.csv --retire-only --format csv > retire.csv";
const EXAMPLES_SUMMARY: &str = "Examples:
  collateral-audit summary --assets examples/data/assets.csv --events examples/data/events.csv --as-of 2026-11-01
  collateral-audit summary --assets assets.csv --events 'logs/*.csv' --since 2026-01-01 --group-by type
  collateral-audit summary --assets assets.csv --events usage.csv --format json > audit.json";

const EXAMPLES_UNUSED: &str = "Examples:
  collateral-audit unused --assets assets.csv --events usage.csv --since 2026-05-01 --until 2026-11-01
  collateral-audit unused --assets assets.csv --events usage.csv --team Sales --exclude-owners --format csv > unused.csv";

const EXAMPLES_ASSETS: &str = "Examples:
  collateral-audit assets --assets assets.csv --events usage.csv --as-of 2026-11-01
  collateral-audit assets --assets assets.csv --events usage.csv --status never,stale --format csv";

const EXAMPLES_TRENDS: &str = "Examples:
  collateral-audit trends --assets assets.csv --events usage.csv --since 2026-01-01 --until 2026-07-01
  collateral-audit trends --assets assets.csv --events usage.csv --period week --by team --format csv";

const EXAMPLES_COHORTS: &str = "Examples:
  collateral-audit cohorts --assets assets.csv --events usage.csv --as-of 2026-11-01
  collateral-audit cohorts --assets assets.csv --events usage.csv --period quarter --within 14,60";

const EXAMPLES_USERS: &str = "Examples:
  collateral-audit users --assets assets.csv --events usage.csv --roster reps.csv --team Sales
  collateral-audit users --assets assets.csv --events usage.csv --since 2026-08-01 --format csv";

const EXAMPLES_SNAPSHOT: &str = "Examples:
  collateral-audit snapshot --assets assets.csv --events 'logs/*.csv.gz' --as-of 2026-11-01 --out 2026-11.json
  collateral-audit snapshot --assets assets.csv --events usage.csv --until 2026-11-01 --fail-if-never-opened-above 60 > snap.json";

const EXAMPLES_DIFF: &str = "Examples:
  collateral-audit diff 2026-10.json 2026-11.json
  collateral-audit diff 2026-10.json 2026-11.json --fail-if-never-opened-rises-by 2 --format markdown
  collateral-audit diff 2026-10.json 2026-11.json --changes --format csv > changed-assets.csv";

const EXAMPLES_REPORT: &str = "Examples:
  collateral-audit report --assets examples/data/assets.csv --events examples/data/events.csv --as-of 2026-11-01 --out audit.html
  collateral-audit report --assets assets.csv --events 'logs/*.csv.gz' --roster reps.csv --since 2026-05-01 --out audit.html
  collateral-audit report --assets assets.csv --events usage.csv --pseudonymize-users --out shareable.html";

const EXAMPLES_CHECK: &str = "Examples:
  collateral-audit check --assets assets.csv --events usage.csv
  collateral-audit check --assets assets.csv --events usage.csv --col events.user='Rep Email'";

/// Join a sales-collateral inventory with its usage log and report what sales never opens.
#[derive(Debug, Parser)]
#[command(name = "collateral-audit", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Settings file (TOML): column mappings, preset, default filters and gates; command-line
    /// options win over it. Default: collateral-audit.toml in the working directory, if any.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<String>,

    /// Colour in tables: auto (when stdout is a terminal and NO_COLOR is not set), always, never.
    #[arg(long, value_enum, global = true, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The headline: how much of the library was never opened, what it cost.
    #[command(after_long_help = EXAMPLES_SUMMARY)]
    Summary(SummaryArgs),
    /// The assets never opened in the window, oldest first.
    #[command(after_long_help = EXAMPLES_UNUSED)]
    Unused(UnusedArgs),
    /// Every inventory asset with its status and usage, most opened first.
    #[command(after_long_help = EXAMPLES_ASSETS)]
    Assets(AssetsArgs),
    /// Adoption over time: events, users and share of the library used per period.
    #[command(after_long_help = EXAMPLES_TRENDS)]
    Trends(TrendsArgs),
    /// Time to first use: assets grouped by the period they were created in.
    #[command(after_long_help = EXAMPLES_COHORTS)]
    Cohorts(CohortsArgs),
    /// Rep coverage: one row per user with counted events (and every roster rep).
    #[command(after_long_help = EXAMPLES_USERS)]
    Users(UsersArgs),
    /// Revenue influence: which collateral is on the deals sales wins (needs --opportunities).
    #[command(after_long_help = EXAMPLES_INFLUENCE)]
    Influence(InfluenceArgs),
    /// Duplicate collateral: clusters of assets with the same or similar title or the same
    /// content, the one to keep and the ones to retire.
    #[command(after_long_help = EXAMPLES_DUPLICATES)]
    Duplicates(DuplicatesArgs),
    /// Everything needed to compare months later, as one deterministic JSON document.
    #[command(after_long_help = EXAMPLES_SNAPSHOT)]
    Snapshot(SnapshotArgs),
    /// What changed between two snapshots: figures side by side, assets that moved.
    #[command(after_long_help = EXAMPLES_DIFF)]
    Diff(DiffArgs),
    /// One self-contained HTML page for people: headline, trend chart, never-opened by type and
    /// owner, the never-opened and stale lists, rep coverage. No network, no script.
    #[command(after_long_help = EXAMPLES_REPORT)]
    Report(ReportArgs),
    /// Print a shell completion script: collateral-audit completions bash > /etc/bash_completion.d/collateral-audit
    Completions(CompletionsArgs),
    /// Print the man page (roff): collateral-audit man > collateral-audit.1; --dir DIR writes one per subcommand too
    Man(ManArgs),
    /// Validate the inputs without auditing: column mapping, dialect, rows, dates, problems.
    #[command(after_long_help = EXAMPLES_CHECK)]
    Check(CheckArgs),
}

/// How a table-shaped report is written: only commands that render tables take these.
#[derive(Debug, Args, Clone, Default)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// In CSV, leave text that a spreadsheet would run as a formula as it is (no `'` prefix).
    #[arg(long)]
    pub raw_csv: bool,

    /// Lay tables out whole: no cut cells, no left-out columns, whatever the terminal's width.
    #[arg(long)]
    pub wide: bool,

    /// Write the report to this file (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<String>,
}

/// Which rows a table report writes and in what order: commands whose report is rows.
#[derive(Debug, Args, Clone, Default)]
pub struct RowArgs {
    /// Order the rows by an output column (as named in the CSV header); numbers sort largest
    /// first and text and dates ascending unless `:asc` or `:desc` says otherwise; empty
    /// values last either way.
    #[arg(long, value_name = "COLUMN[:asc|desc]")]
    pub sort: Option<String>,

    /// Keep only the first N rows (after --sort).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub top: Option<u64>,
}

#[derive(Debug, Args, Clone)]
pub struct SummaryArgs {
    #[command(flatten)]
    pub audit: AuditArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub rows: RowArgs,
    #[command(flatten)]
    pub gates: GateArgs,
    /// Give the figures per value of this asset column (type, owner, or any inventory header).
    #[arg(long, value_name = "COLUMN")]
    pub group_by: Option<String>,
}

#[derive(Debug, Args, Clone)]
pub struct UnusedArgs {
    #[command(flatten)]
    pub audit: AuditArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub rows: RowArgs,
}

#[derive(Debug, Args, Clone)]
pub struct AssetsArgs {
    #[command(flatten)]
    pub audit: AuditArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub rows: RowArgs,
    /// Keep only assets in these statuses: unpublished, new, never, stale, active.
    #[arg(long, value_delimiter = ',', value_name = "STATUS,...")]
    pub status: Vec<StatusArg>,
}

#[derive(Debug, Args, Clone)]
pub struct InfluenceArgs {
    #[command(flatten)]
    pub audit: AuditArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub rows: RowArgs,
    /// An opportunities (deals) CSV; repeat for several files. `-` reads standard input; .gz is decompressed.
    #[arg(long = "opportunities", value_name = "FILE", required = true)]
    pub opportunities: Vec<String>,
    #[command(flatten)]
    pub deals: DealArgs,
    /// A row per value of this inventory column, or per deal owner with `rep`.
    #[arg(long, value_name = "COLUMN")]
    pub by: Option<String>,
}

#[derive(Debug, Args, Clone)]
pub struct DuplicatesArgs {
    #[command(flatten)]
    pub audit: AuditArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub rows: RowArgs,
    /// The least Jaccard similarity of two normalised titles' character trigrams that links
    /// them, above 0 and at most 1, compared exactly (12 of 15 meets 0.8).
    #[arg(
        long,
        value_name = "RATIO",
        default_value = "0.8",
        allow_negative_numbers = true
    )]
    pub similarity: String,
    /// Same and similar titles link assets of different types too.
    #[arg(long)]
    pub across_types: bool,
    /// Only the rows of the assets to retire (same columns), to send back to the platform.
    #[arg(long)]
    pub retire_only: bool,
}

/// How deals are read, found by events and credited: `influence`, and `report` and `snapshot`
/// with `--opportunities`.
#[derive(Debug, Args, Clone)]
pub struct DealArgs {
    /// How events find deals: opportunity, account or owner [default: the first whose columns exist].
    #[arg(long, value_enum, value_name = "RULE", requires = "opportunities")]
    pub link: Option<LinkArg>,
    /// How a won deal's amount is shared among its touched assets.
    #[arg(long, value_enum, default_value_t = ModelArg::Linear, requires = "opportunities")]
    pub model: ModelArg,
    /// Days before a deal's created day that its window starts.
    #[arg(
        long,
        value_name = "DAYS",
        default_value_t = 30,
        requires = "opportunities"
    )]
    pub lookback: u32,
    /// The length assumed for a deal without a created date, in days.
    #[arg(
        long,
        value_name = "DAYS",
        default_value_t = 180,
        requires = "opportunities"
    )]
    pub cycle_days: u32,
    /// A stage that means won, when the deals have no won column (any case); repeatable [default: Won, Closed Won].
    #[arg(long, value_name = "STAGE", requires = "opportunities")]
    pub won_stage: Vec<String>,
    /// A stage that means lost, when the deals have no closed column (any case); repeatable [default: Lost, Closed Lost].
    #[arg(long, value_name = "STAGE", requires = "opportunities")]
    pub lost_stage: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LinkArg {
    Opportunity,
    Account,
    Owner,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModelArg {
    Linear,
    First,
    Last,
    UShaped,
}

#[derive(Debug, Args, Clone)]
pub struct TrendsArgs {
    #[command(flatten)]
    pub audit: AuditArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub rows: RowArgs,
    /// Period length.
    #[arg(long, value_enum, default_value_t = PeriodArg::Month)]
    pub period: PeriodArg,
    /// Split every period by an asset column (type, owner...) or by `team`.
    #[arg(long, value_name = "COLUMN")]
    pub by: Option<String>,
}

#[derive(Debug, Args, Clone)]
pub struct CohortsArgs {
    #[command(flatten)]
    pub audit: AuditArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub rows: RowArgs,
    /// Cohort period length.
    #[arg(long, value_enum, default_value_t = PeriodArg::Month)]
    pub period: PeriodArg,
    /// Horizons in days for the opened_within_<N>d_pct columns.
    #[arg(long, value_delimiter = ',', value_name = "DAYS,...", default_values_t = [7, 30, 90])]
    pub within: Vec<u32>,
}

#[derive(Debug, Args, Clone)]
pub struct UsersArgs {
    #[command(flatten)]
    pub audit: AuditArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub rows: RowArgs,
}

#[derive(Debug, Args, Clone)]
pub struct SnapshotArgs {
    #[command(flatten)]
    pub audit: AuditArgs,
    /// An opportunities (deals) CSV, as for `influence`: the snapshot gains an `influence` object; repeatable.
    #[arg(long = "opportunities", value_name = "FILE")]
    pub opportunities: Vec<String>,
    #[command(flatten)]
    pub deals: DealArgs,
    #[command(flatten)]
    pub gates: GateArgs,
    /// Write the snapshot to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<String>,
}

#[derive(Debug, Args, Clone)]
pub struct DiffArgs {
    /// The earlier snapshot.
    #[arg(value_name = "OLD.json")]
    pub old: String,
    /// The later snapshot.
    #[arg(value_name = "NEW.json")]
    pub new: String,
    #[command(flatten)]
    pub gates: GateArgs,
    /// Fail (exit 1) when never_opened_pct rose by more than this many points.
    #[arg(long, value_name = "POINTS")]
    pub fail_if_never_opened_rises_by: Option<f64>,
    /// In CSV, write the changed assets instead of the figures.
    #[arg(long)]
    pub changes: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args, Clone)]
pub struct ReportArgs {
    #[command(flatten)]
    pub audit: AuditArgs,
    /// An opportunities (deals) CSV, as for `influence`: the page gains a section "Content on won deals"; repeatable.
    #[arg(long = "opportunities", value_name = "FILE")]
    pub opportunities: Vec<String>,
    #[command(flatten)]
    pub deals: DealArgs,
    /// The currency of the inventory's costs, as an ISO code (USD, EUR); shown on the page. Without it, the currency every cost is written with ($, €, USD), if they share one.
    #[arg(long, value_name = "CODE")]
    pub currency: Option<String>,
    /// Write the page to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<String>,
    /// html (the page, default) or xlsx (the whole audit as one workbook); an --out FILE
    /// ending in .xlsx chooses xlsx.
    #[arg(long, value_enum)]
    pub format: Option<ReportFormat>,
}

/// What `report` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Html,
    Xlsx,
}

#[derive(Debug, Args, Clone)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args, Clone)]
pub struct ManArgs {
    /// Write the main page and one page per subcommand (collateral-audit-summary.1 ...)
    /// into this directory, created if missing, instead of the main page to standard output.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<String>,
}

#[derive(Debug, Args, Clone)]
pub struct CheckArgs {
    #[command(flatten)]
    pub audit: AuditArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// An opportunities CSV for `influence`: its mapping and rows are checked too; repeatable.
    #[arg(long = "opportunities", value_name = "FILE")]
    pub opportunities: Vec<String>,
}

/// Where the data comes from and how to read it.
#[derive(Debug, Args, Clone)]
pub struct InputArgs {
    /// The asset inventory CSV (one row per asset); `-` reads standard input.
    #[arg(long, value_name = "FILE")]
    pub assets: String,

    /// A usage-log CSV; repeat for several files. `-` reads standard input; .gz is decompressed.
    #[arg(long = "events", value_name = "FILE", required = true)]
    pub events: Vec<String>,

    /// A CSV of reps (user, team): adds silent reps to `users` and coverage to `summary`.
    #[arg(long, value_name = "FILE")]
    pub roster: Option<String>,

    /// Map a field to a header by hand, e.g. events.user="Rep Email", assets.created=Published, roster.user=Email.
    #[arg(long = "col", value_name = "FILE.FIELD=HEADER")]
    pub columns: Vec<String>,

    /// The export's platform: showpad, salesforce-content, m365-purview, google-drive. Its header
    /// names are tried first and its event types understood (see the README's Presets).
    #[arg(long, value_name = "NAME")]
    pub preset: Option<String>,

    /// Field delimiter for every input (default: sniffed among , ; tab |). `tab` is accepted.
    #[arg(long, value_name = "CHAR")]
    pub delimiter: Option<String>,

    /// Force one text encoding for every input (default: decided per file: a byte-order mark,
    /// UTF-16 by its NULs, else UTF-8, or the legacy encoding detected when it is not UTF-8).
    #[arg(long, value_enum, value_name = "ENCODING")]
    pub encoding: Option<EncodingArg>,

    /// Read every slashed date day-first (03/04/2026 is 3 April). Without it or --month-first,
    /// each file's time column (and the created dates) is decided by its values: a first
    /// number above 12 means day-first, a second above 12 month-first (a note says which).
    #[arg(long)]
    pub day_first: bool,

    /// Read every slashed date month-first, US style (03/04/2026 is 4 March), whatever the values say.
    #[arg(long, conflicts_with = "day_first")]
    pub month_first: bool,

    /// Read every time value with this chrono format (e.g. "%d.%m.%Y %H:%M").
    #[arg(long, value_name = "FORMAT")]
    pub date_format: Option<String>,

    /// Read costs with a decimal comma (`1.234,56`), whatever the cost column's values suggest.
    #[arg(long, conflicts_with = "decimal_point")]
    pub decimal_comma: bool,

    /// Read costs with a decimal point (`1,234.56`), whatever the cost column's values suggest.
    #[arg(long)]
    pub decimal_point: bool,

    /// Make the first bad row an error (exit 2) instead of a counted skip.
    #[arg(long)]
    pub strict: bool,

    /// The longest record read (a stray quote or a file without line ends stops here, exit 2).
    #[arg(long, value_name = "SIZE", default_value = "64MiB")]
    pub max_record_size: String,

    /// Threads for reading large event files (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,

    /// Smallest byte range worth a thread of its own (for testing the parallel path).
    #[arg(long, value_name = "BYTES", default_value_t = 32 << 20, hide = true)]
    pub chunk_bytes: u64,

    /// Print no warnings or progress on stderr (errors still print).
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// What counts: the window, the filters and the status thresholds.
#[derive(Debug, Args, Clone)]
pub struct CountArgs {
    /// Count events at or after this date or instant.
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,

    /// Count events before this date or instant (exclusive). Defaults to --as-of.
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,

    /// The audit's "now", for ages and statuses. Defaults to --until, else the current time.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,

    /// Count only these event types (case-insensitive), e.g. view,download.
    #[arg(long, value_delimiter = ',', value_name = "TYPE,...")]
    pub types: Vec<String>,

    /// Count only events by this team (case-insensitive); repeatable.
    #[arg(long, value_name = "TEAM")]
    pub team: Vec<String>,

    /// Do not count an asset's events by its own owner.
    #[arg(long)]
    pub exclude_owners: bool,

    /// Do not count events by this user (admins, authors, test accounts); repeatable.
    #[arg(long, value_name = "USER")]
    pub exclude_user: Vec<String>,

    /// Assets younger than this many days at as-of are `new`, not judged [default: 30].
    #[arg(long, value_name = "DAYS")]
    pub min_age: Option<u32>,

    /// Opened assets whose last counted event is older than this many days are `stale` [default: 90].
    #[arg(long, value_name = "DAYS")]
    pub stale_after: Option<u32>,

    /// Keep only the inventory assets whose column equals VALUE (trimmed, any case); `!=`
    /// leaves them out. Repeatable: values for one column mean any of them, several columns all.
    /// Events on the assets left out are counted as excluded, not as orphans.
    #[arg(long = "where", value_name = "COLUMN=VALUE")]
    pub asset_where: Vec<String>,

    /// A multi-valued inventory column (genres = `Comedy|Drama`): in --group-by and --by an
    /// asset counts in each group it lists (values trimmed, empty parts ignored). Repeatable.
    #[arg(long, value_name = "COLUMN=SEP")]
    pub split: Vec<String>,
}

/// The options every audit command shares.
#[derive(Debug, Args, Clone)]
pub struct AuditArgs {
    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub count: CountArgs,

    /// Show every user as a stable keyed hash (`user-3f9a0c41b2d7`) instead of their name.
    #[arg(long)]
    pub pseudonymize_users: bool,

    /// The secret key for --pseudonymize-users; the same key gives the same pseudonyms.
    #[arg(
        long,
        value_name = "KEY",
        env = "COLLATERAL_AUDIT_PSEUDONYM_KEY",
        hide_env_values = true
    )]
    pub pseudonym_key: Option<String>,
}

/// Thresholds for CI: a breached one prints why on stderr and exits 1 (the report is still written).
#[derive(Debug, Args, Clone, Default)]
pub struct GateArgs {
    /// Fail (exit 1) when never_opened_pct is above this percentage.
    #[arg(long, value_name = "PCT")]
    pub fail_if_never_opened_above: Option<f64>,

    /// Fail (exit 1) when more than this many events are orphans.
    #[arg(long, value_name = "N")]
    pub fail_if_orphans_above: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Format {
    #[default]
    Table,
    Csv,
    Json,
    Markdown,
    /// An Excel workbook (binary): to --out FILE, or to standard output when it is not a terminal.
    Xlsx,
}

/// Encodings spreadsheet programs still write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EncodingArg {
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    /// Read as Windows-1252, the superset browsers and spreadsheets use for Latin-1.
    #[value(name = "latin1", alias = "iso-8859-1")]
    Latin1,
    #[value(name = "windows-1252", alias = "cp1252")]
    Windows1252,
    /// Little-endian unless a byte-order mark says otherwise.
    #[value(name = "utf-16", alias = "utf16")]
    Utf16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PeriodArg {
    Day,
    Week,
    Month,
    Quarter,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusArg {
    Unpublished,
    New,
    Never,
    Stale,
    Active,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
