//! Headlines that rest on something that looks like a mistake (a filter that matches nothing,
//! a window beside the log, times that cannot be dates, ids that do not join): found once from
//! the pass's tallies, shown on stderr, in `check`, and in the JSON of `summary` and `snapshot`.

use crate::analysis::aggregate::Aggregate;
use crate::analysis::file_tally::{FileTally, ValueCounts};
use crate::config::Config;
use crate::input::file_report::FileReport;
use crate::input::headers::{Field, Role};
use crate::input::time::{format_date, format_instant, Millis, MS_PER_DAY};
use crate::model::{Inventory, WhereOutcome};

/// `Deck (3), Video (2), … and 4 more`: the ten values with most assets.
fn describe_values(values: &[(String, u64)]) -> String {
    if values.is_empty() {
        return "(none)".to_string();
    }
    let mut text: Vec<String> = values
        .iter()
        .take(VALUES_SHOWN)
        .map(|(value, n)| {
            let shown = if value.is_empty() { "(empty)" } else { value };
            format!("{shown} ({n})")
        })
        .collect();
    if values.len() > VALUES_SHOWN {
        text.push(format!("… and {} more", values.len() - VALUES_SHOWN));
    }
    text.join(", ")
}

/// A `--types`, `--team` or `--exclude-user` value that no event has, or a `--where` that
/// matches no asset.
pub const FILTER_MATCHED_NOTHING: &str = "filter_matched_nothing";
/// Events were read but none counted.
pub const NOTHING_COUNTED: &str = "nothing_counted";
/// The window and the events' times do not overlap.
pub const WINDOW_OUTSIDE_EVENTS: &str = "window_outside_events";
/// The last counted event is more than `--stale-after` days before as-of.
pub const EVENTS_STALE: &str = "events_stale";
/// A file's times cannot be the dates they were read as.
pub const TIMES_IMPLAUSIBLE: &str = "times_implausible";
/// More than half of the readable events are orphans.
pub const MOSTLY_ORPHANS: &str = "mostly_orphans";

/// How many values a warning lists.
const VALUES_SHOWN: usize = 10;
/// How many ids of each side `mostly_orphans` shows.
const IDS_SHOWN: usize = 3;
/// Times before this (1990-01-01) cannot be a content platform's events.
const EARLIEST_PLAUSIBLE: Millis = 631_152_000_000;

/// One warning: a stable code for machines, a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub code: &'static str,
    pub message: String,
    /// The input file it is about, when it is about one.
    pub file: Option<String>,
}

impl Warning {
    fn new(code: &'static str, message: String) -> Warning {
        Warning {
            code,
            message,
            file: None,
        }
    }
}

/// What the warnings are found from.
pub struct Findings<'a> {
    pub config: &'a Config,
    pub inventory: &'a Inventory,
    pub usage: &'a Aggregate,
    pub files: &'a [FileReport],
    /// Values were tallied over every readable row (`check`), not only the window's.
    pub all_rows: bool,
    /// What `--where` kept of the inventory.
    pub asset_where: &'a WhereOutcome,
}

impl Findings<'_> {
    /// Every warning, root causes first: implausible times, the window, the filters, then
    /// what they lead to.
    pub fn warnings(&self) -> Vec<Warning> {
        let mut found: Vec<Warning> = self
            .usage
            .files
            .iter()
            .filter_map(|file| self.implausible_times(file))
            .collect();
        // Times that are not dates make the window and staleness advice meaningless.
        let dated = found.is_empty();
        if dated {
            found.extend(self.window_outside_events());
        }
        found.extend(self.where_matching_nothing());
        found.extend(self.filters_matching_nothing());
        found.extend(self.nothing_counted());
        found.extend(self.mostly_orphans());
        if dated {
            found.extend(self.events_stale());
        }
        found
    }

    /// The header read for `field` in the first file of `role` (`None` when not mapped).
    fn header_of(&self, role: Role, field: Field) -> Option<&str> {
        let file = self.files.iter().find(|f| f.role == role)?;
        let column = file.header.column(field)?;
        Some(file.header.headers[column].as_str())
    }

    fn implausible_times(&self, file: &FileTally) -> Option<Warning> {
        let (first, last) = file.times.get()?;
        let readable = file.readable();
        let (raw, read_as) = file.time_sample.as_ref()?;
        let sample = format!("{raw:?} read as {}", format_instant(*read_as));
        let range = format!("{} to {}", format_instant(first), format_instant(last));
        let column = self
            .files
            .iter()
            .find(|f| f.role == Role::Events && f.path == file.path)
            .and_then(|f| Some(f.header.headers[f.header.column(Field::Time)?].clone()))
            .unwrap_or_else(|| "time".to_string());
        let path = &file.path;
        let mut message = if file.small_integer_times == readable {
            format!(
                "{path}: every readable time in column {column:?} is a small whole number read as seconds since 1970 (e.g. {sample}; {readable} times, {range}): it looks like a relative day or a counter, not a date. Map the real time column with --col events.time=HEADER, or convert the column to dates"
            )
        } else if last < EARLIEST_PLAUSIBLE {
            format!(
                "{path}: every readable time in column {column:?} is before 1990 (e.g. {sample}; {readable} times, {range}): check the column (--col events.time=HEADER) and how it is read (--date-format, --day-first)"
            )
        } else if first > self.config.window.as_of + 365 * MS_PER_DAY {
            format!(
                "{path}: every readable time in column {column:?} is more than a year after as-of {} (e.g. {sample}; {readable} times, {range}): check --as-of, and how the column is read (--date-format, --day-first)",
                format_instant(self.config.window.as_of)
            )
        } else {
            return None;
        };
        if file.skipped > 0 {
            message.push_str(&format!(
                "; {} more rows of the file could not be read at all",
                file.skipped
            ));
        }
        Some(Warning {
            code: TIMES_IMPLAUSIBLE,
            message,
            file: Some(path.clone()),
        })
    }

    fn window_text(&self) -> String {
        let window = self.config.window;
        match window.since {
            Some(since) => format!(
                "{} to {}",
                format_instant(since),
                format_instant(window.until)
            ),
            None => format!("everything before {}", format_instant(window.until)),
        }
    }

    /// A window ending the day after the last event (from its first day when `--since` was
    /// given); `--until` and `--as-of` both, as either may have been given.
    fn options_for_events(&self, first: Millis, last: Millis) -> String {
        let after_last = format_date(last.div_euclid(MS_PER_DAY) * MS_PER_DAY + MS_PER_DAY);
        let end = format!("--until {after_last} --as-of {after_last}");
        match self.config.window.since {
            Some(_) => format!("--since {} {end}", format_date(first)),
            None => end,
        }
    }

    fn window_outside_events(&self) -> Option<Warning> {
        let (first, last) = self.usage.time_range.get()?;
        let window = self.config.window;
        let overlaps = first < window.until && window.since.is_none_or(|since| last >= since);
        if overlaps {
            return None;
        }
        Some(Warning::new(
            WINDOW_OUTSIDE_EVENTS,
            format!(
                "the window ({}) and the events' times ({} to {}) do not overlap, so no event can count; to audit the log, pass {}",
                self.window_text(),
                format_instant(first),
                format_instant(last),
                self.options_for_events(first, last)
            ),
        ))
    }

    /// A `--where` value no asset holds (the column's values listed), or clauses that
    /// together keep no asset: every figure would be about an empty library.
    fn where_matching_nothing(&self) -> Vec<Warning> {
        let outcome = self.asset_where;
        let mut found = Vec::new();
        for (clause, holding) in &outcome.clauses {
            if *holding > 0 {
                continue;
            }
            let values = outcome
                .seen
                .iter()
                .find(|(column, _)| *column == clause.column)
                .map(|(_, values)| describe_values(values))
                .unwrap_or_else(|| "(none)".to_string());
            let effect = if clause.negated {
                ", so it leaves out nothing"
            } else {
                ""
            };
            found.push(Warning::new(
                FILTER_MATCHED_NOTHING,
                format!(
                    "--where {:?} matches no asset of the {} in the inventory{effect}; the values of column {:?} there: {values}",
                    clause.text, outcome.assets_before, clause.column
                ),
            ));
        }
        if found.is_empty() && outcome.assets_before > 0 && outcome.assets_kept == 0 {
            let given: Vec<&str> = outcome
                .clauses
                .iter()
                .map(|(c, _)| c.text.as_str())
                .collect();
            found.push(Warning::new(
                FILTER_MATCHED_NOTHING,
                format!(
                    "--where {} together keep no asset of the {} in the inventory: every figure is about an empty library",
                    given.join(" --where "),
                    outcome.assets_before
                ),
            ));
        }
        found
    }

    fn filters_matching_nothing(&self) -> Vec<Warning> {
        let merged = |pick: fn(&FileTally) -> &ValueCounts| {
            let mut all = ValueCounts::default();
            for file in &self.usage.files {
                all.merge(pick(file));
            }
            all
        };
        let filter = &self.config.filter;
        // A filter sees the rows in the window that passed the filters before it.
        let scope = |earlier: &[(&str, bool)]| {
            let passed: Vec<&str> = earlier.iter().filter(|e| e.1).map(|e| e.0).collect();
            if self.all_rows {
                "no event".to_string()
            } else if passed.is_empty() {
                "no event in the window".to_string()
            } else {
                format!(
                    "no event in the window that passed {}",
                    passed.join(" and ")
                )
            }
        };
        let (types_on, teams_on) = (!filter.types.is_empty(), !filter.teams.is_empty());
        let same = |s: &str| s.to_string();
        let user = |s: &str| self.config.show_user(s);
        let mut found = Vec::new();
        let mut check = |option: &str,
                         scope: String,
                         plural: &str,
                         wanted: &[Vec<u8>],
                         seen: &ValueCounts,
                         matches: &dyn Fn(&[u8], &[u8]) -> bool,
                         show: &dyn Fn(&str) -> String| {
            if seen.is_empty() {
                return; // no event reached this filter: the window or another warning says why
            }
            for value in wanted {
                let hit = seen
                    .ranked()
                    .iter()
                    .any(|&(key, _, n)| n > 0 && matches(value, key));
                if !hit {
                    let name = show(&String::from_utf8_lossy(value));
                    found.push(Warning::new(
                        FILTER_MATCHED_NOTHING,
                        format!(
                            "{option} {name:?} matches {scope}; the {plural} seen there: {}",
                            seen.describe(VALUES_SHOWN, show)
                        ),
                    ));
                }
            }
        };
        check(
            "--types",
            scope(&[]),
            "types",
            &filter.types,
            &merged(|f| &f.types),
            &|wanted, kind| filter.type_is(wanted, kind),
            &same,
        );
        check(
            "--team",
            scope(&[("--types", types_on)]),
            "teams",
            &filter.teams,
            &merged(|f| &f.teams),
            &|wanted, team| wanted == team,
            &same,
        );
        check(
            "--exclude-user",
            scope(&[("--types", types_on), ("--team", teams_on)]),
            "users",
            &filter.exclude_users,
            &merged(|f| &f.users),
            &|wanted, seen| wanted == seen,
            &user,
        );
        found
    }

    fn nothing_counted(&self) -> Option<Warning> {
        let counts = &self.usage.counts;
        if counts.read() == 0 || counts.counted > 0 {
            return None;
        }
        let by = &self.usage.excluded_by;
        let steps = [
            (counts.skipped, "skipped as bad rows"),
            (by.window, "outside the window"),
            (by.types, "left out by --types"),
            (by.teams, "left out by --team"),
            (by.users, "left out by --exclude-user or --exclude-owners"),
            (by.assets, "on assets --where left out"),
            (counts.orphan, "orphans (asset id not in the inventory)"),
        ];
        let said: Vec<String> = steps
            .iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, what)| format!("{n} {what}"))
            .collect();
        Some(Warning::new(
            NOTHING_COUNTED,
            format!(
                "{} events were read but none counted: {}",
                counts.read(),
                said.join(", ")
            ),
        ))
    }

    fn mostly_orphans(&self) -> Option<Warning> {
        let counts = &self.usage.counts;
        let readable = counts.read() - counts.skipped;
        if readable == 0 || counts.orphan * 2 <= readable {
            return None;
        }
        let mut orphans: Vec<(&[u8], u64)> = self
            .usage
            .orphan_ids
            .iter()
            .map(|(id, &n)| (&**id, n))
            .collect();
        orphans.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let orphan_ids: Vec<String> = orphans
            .iter()
            .take(IDS_SHOWN)
            .map(|(id, n)| format!("{:?} ({n})", String::from_utf8_lossy(id)))
            .collect();
        let inventory_ids: Vec<String> = self
            .inventory
            .assets
            .iter()
            .take(IDS_SHOWN)
            .map(|a| format!("{:?}", a.id()))
            .collect();
        let inventory_ids = if inventory_ids.is_empty() {
            "(the inventory is empty)".to_string()
        } else {
            inventory_ids.join(", ")
        };
        let now = |role, field| {
            self.header_of(role, field)
                .map_or(String::new(), |h| format!(" (now {h:?})"))
        };
        Some(Warning::new(
            MOSTLY_ORPHANS,
            format!(
                "{} of {readable} readable events ({:.1}%) are orphans, their asset id not in the inventory: orphan ids {} beside inventory ids {inventory_ids}. If the ids sit in another column, map it with --col events.asset=HEADER{} or --col assets.id=HEADER{}",
                counts.orphan,
                counts.orphan as f64 * 100.0 / readable as f64,
                orphan_ids.join(", "),
                now(Role::Events, Field::EventAsset),
                now(Role::Assets, Field::AssetId),
            ),
        ))
    }

    fn events_stale(&self) -> Option<Warning> {
        let last = self.usage.assets.iter().filter_map(|a| a.last()).max()?;
        let policy = &self.config.policy;
        if last >= policy.as_of - policy.stale_after_days * MS_PER_DAY {
            return None;
        }
        let (first, last_read) = self.usage.time_range.get().unwrap_or((last, last));
        Some(Warning::new(
            EVENTS_STALE,
            format!(
                "the last counted event ({}) is {} days before as-of {}, more than --stale-after {}: the log may be an old export, and every asset looks stale or never opened. The window is {}; the events' times run from {} to {}. To audit as of the log's end, pass {}",
                format_instant(last),
                (policy.as_of - last).div_euclid(MS_PER_DAY),
                format_instant(policy.as_of),
                policy.stale_after_days,
                self.window_text(),
                format_instant(first),
                format_instant(last_read),
                self.options_for_events(first, last_read)
            ),
        ))
    }
}
