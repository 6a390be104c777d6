//! `trends`: per period, how much of the library was used and by how many reps.

use crate::analysis::periods::{Period, TrendSplit, TrendTally, NO_TEAM};
use crate::analysis::summary::percent;
use crate::analysis::Audit;
use crate::cli::Format;
use crate::commands::parameters;
use crate::config::Config;
use crate::input::time::Millis;
use crate::report::{Report, Value};
use rustc_hash::FxHashMap;

pub const COLUMNS: [&str; 10] = [
    "period",
    "start",
    "end",
    "events",
    "users",
    "assets_used",
    "library_size",
    "adoption_pct",
    "ever_used_pct",
    "new_assets",
];

/// One group's library: sorted created dates (undated ones counted apart) and first uses.
struct Library {
    name: String,
    id: u32,
    created: Vec<Millis>,
    undated: u64,
    /// (created or None, first counted event) of each asset that has one.
    first_uses: Vec<(Option<Millis>, Millis)>,
}

impl Library {
    fn size_before(&self, end: Millis) -> u64 {
        self.created.partition_point(|&c| c < end) as u64 + self.undated
    }

    fn created_in(&self, start: Millis, end: Millis) -> u64 {
        (self.created.partition_point(|&c| c < end) - self.created.partition_point(|&c| c < start))
            as u64
    }

    fn ever_used_before(&self, end: Millis) -> u64 {
        self.first_uses
            .iter()
            .filter(|(created, first)| *first < end && created.is_none_or(|c| c < end))
            .count() as u64
    }
}

pub fn report(config: &Config, audit: &Audit, by: Option<&str>) -> Report {
    let tally = audit
        .usage
        .trend
        .as_ref()
        .expect("the pass was asked for a trend");
    let libraries = libraries(audit, tally);
    let window = config.window;
    let first_event = audit.usage.assets.iter().filter_map(|u| u.first).min();
    let start = window.since.or(first_event);
    let users = tally.users.counts();
    let assets = tally.assets.counts();
    let period = tally.period;
    let mut rows = Vec::new();
    if let Some(start) = start.filter(|&s| s < window.until) {
        for ordinal in period.ordinal(start)..=period.ordinal(window.until - 1) {
            let from = period.start(ordinal).max(window.since.unwrap_or(i64::MIN));
            let to = period.end(ordinal).min(window.until);
            for library in &libraries {
                let key = (ordinal, library.id);
                let get = |map: &FxHashMap<(i64, u32), u64>| map.get(&key).copied().unwrap_or(0);
                let size = library.size_before(to);
                let used = get(&assets);
                let mut row = vec![Value::text(period.label(ordinal))];
                if by.is_some() {
                    row.push(Value::text(&library.name));
                }
                row.extend([
                    Value::Date(period.start(ordinal)),
                    Value::Date(period.end(ordinal)),
                    Value::count(get(&tally.events)),
                    Value::count(get(&users)),
                    Value::count(used),
                    Value::count(size),
                    Value::Num(percent(used, size)),
                    Value::Num(percent(library.ever_used_before(to), size)),
                    Value::count(library.created_in(from, to)),
                ]);
                rows.push(row);
            }
        }
    }
    let mut columns: Vec<&str> = COLUMNS.to_vec();
    if by.is_some() {
        columns.insert(1, "group");
    }
    if config.format == Format::Table {
        add_trend_columns(&mut columns, &mut rows, by.is_some());
    }
    let mut params = parameters(config);
    params.push(("period".into(), Value::text(period.as_str())));
    params.push(("by".into(), by.map_or(Value::Null, Value::text)));
    Report::rows(params, &columns, rows)
}

/// The libraries a trend compares against: the whole inventory, or one per group.
fn libraries(audit: &Audit, tally: &TrendTally) -> Vec<Library> {
    let inventory = &audit.inventory;
    let build = |name: String,
                 id: u32,
                 members: &dyn Fn(usize) -> bool,
                 first: &dyn Fn(usize) -> Option<Millis>| {
        let mut library = Library {
            name,
            id,
            created: Vec::new(),
            undated: 0,
            first_uses: Vec::new(),
        };
        for (index, asset) in inventory
            .assets
            .iter()
            .enumerate()
            .filter(|(i, _)| members(*i))
        {
            match asset.created {
                Some(c) => library.created.push(c),
                None => library.undated += 1,
            }
            if let Some(f) = first(index) {
                library.first_uses.push((asset.created, f));
            }
        }
        library.created.sort_unstable();
        library
    };
    let first_overall = |i: usize| audit.usage.assets[i].first;
    match &tally.split {
        TrendSplit::Whole => vec![build(String::new(), 0, &|_| true, &first_overall)],
        TrendSplit::ByAsset(group_of) => audit
            .trend_groups
            .iter()
            .enumerate()
            .map(|(g, name)| {
                build(
                    name.clone(),
                    g as u32,
                    &|i| group_of[i] == g as u32,
                    &first_overall,
                )
            })
            .collect(),
        TrendSplit::ByTeam => {
            let mut teams: Vec<(String, u32)> = (0..audit.usage.teams.len() as u32)
                .map(|t| (audit.usage.teams.spelling(t).to_string(), t))
                .collect();
            if tally.events.keys().any(|&(_, g)| g == NO_TEAM) {
                teams.push((String::new(), NO_TEAM));
            }
            teams.sort();
            teams
                .into_iter()
                .map(|(name, team)| {
                    let first = |i: usize| tally.first_by_team.get(&(team, i as u32)).copied();
                    build(name, team, &|_| true, &first)
                })
                .collect()
        }
    }
}

/// For people: a bar of adoption_pct and its change against the previous period.
fn add_trend_columns(columns: &mut Vec<&str>, rows: &mut [Vec<Value>], grouped: bool) {
    columns.push("adoption");
    columns.push("change");
    let adoption_at = if grouped { 8 } else { 7 };
    let group_at = if grouped { Some(1) } else { None };
    let mut previous: FxHashMap<String, f64> = FxHashMap::default();
    for row in rows.iter_mut() {
        let Value::Num(pct) = row[adoption_at] else {
            continue;
        };
        let group = group_at.map(|i| row[i].plain()).unwrap_or_default();
        let change = match previous.insert(group, pct) {
            None => String::new(),
            Some(before) => format!("{:+.2} pts", pct - before),
        };
        row.push(Value::text(bar(pct)));
        row.push(Value::text(change));
    }
}

/// A 20-cell bar of a percentage with eighth-block precision.
fn bar(pct: f64) -> String {
    const BLOCKS: [char; 8] = ['▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];
    let eighths = (pct.clamp(0.0, 100.0) / 100.0 * 160.0).round() as usize;
    let mut out = "█".repeat(eighths / 8);
    if eighths % 8 > 0 {
        out.push(BLOCKS[eighths % 8 - 1]);
    }
    out
}

pub fn period_of(arg: crate::cli::PeriodArg) -> Period {
    use crate::cli::PeriodArg;
    match arg {
        PeriodArg::Day => Period::Day,
        PeriodArg::Week => Period::Week,
        PeriodArg::Month => Period::Month,
        PeriodArg::Quarter => Period::Quarter,
    }
}

#[cfg(test)]
mod tests {
    use super::bar;

    #[test]
    fn bars_scale_to_twenty_cells() {
        assert_eq!(bar(100.0).chars().count(), 20);
        assert_eq!(bar(0.0), "");
        assert_eq!(bar(50.0), "█".repeat(10));
        assert_eq!(bar(2.5), "▌");
    }
}
