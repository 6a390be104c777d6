//! Adoption over time: per period (and group), how much of the library was used and by how
//! many reps.

use crate::analysis::periods::{Period, TrendSplit, TrendTally, NO_TEAM};
use crate::analysis::summary::percent;
use crate::analysis::Audit;
use crate::config::Window;
use crate::input::time::Millis;
use rustc_hash::FxHashMap;
use serde::Serialize;

/// One period of one group (`group` is `None` for the whole library).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendRow {
    pub period: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(serialize_with = "super::time_format::date")]
    pub start: Millis,
    #[serde(serialize_with = "super::time_format::date")]
    pub end: Millis,
    pub events: u64,
    pub users: u64,
    pub assets_used: u64,
    pub library_size: u64,
    pub adoption_pct: f64,
    pub ever_used_pct: f64,
    pub new_assets: u64,
}

/// A trend: its period length and its rows, period by period, groups in order within each.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trend {
    pub period: Period,
    pub grouped: bool,
    pub rows: Vec<TrendRow>,
}

/// The trend tallied in `tally` over `window`; `grouped` when the tally split the events.
pub fn trend(window: Window, audit: &Audit, tally: &TrendTally) -> Trend {
    let grouped = !matches!(tally.split, TrendSplit::Whole);
    let libraries = libraries(audit, tally);
    let first_event = audit.usage.assets.iter().filter_map(|u| u.first()).min();
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
                rows.push(TrendRow {
                    period: period.label(ordinal),
                    group: grouped.then(|| library.name.clone()),
                    start: period.start(ordinal),
                    end: period.end(ordinal),
                    events: get(tally.events()),
                    users: get(&users),
                    assets_used: used,
                    library_size: size,
                    adoption_pct: percent(used, size),
                    ever_used_pct: percent(library.ever_used_before(to), size),
                    new_assets: library.created_in(from, to),
                });
            }
        }
    }
    Trend {
        period,
        grouped,
        rows,
    }
}

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
    let first_overall = |i: usize| audit.usage.assets[i].first();
    match &tally.split {
        TrendSplit::Whole => vec![build(String::new(), 0, &|_| true, &first_overall)],
        TrendSplit::ByAsset(group_of) => {
            // One pass over the inventory: a split by title may have as many groups as assets.
            let mut libraries: Vec<Library> = audit
                .trend_groups
                .iter()
                .enumerate()
                .map(|(g, name)| Library {
                    name: name.clone(),
                    id: g as u32,
                    created: Vec::new(),
                    undated: 0,
                    first_uses: Vec::new(),
                })
                .collect();
            for (index, asset) in inventory.assets.iter().enumerate() {
                for &group in group_of.of(index) {
                    let library = &mut libraries[group as usize];
                    match asset.created {
                        Some(c) => library.created.push(c),
                        None => library.undated += 1,
                    }
                    if let Some(f) = first_overall(index) {
                        library.first_uses.push((asset.created, f));
                    }
                }
            }
            for library in &mut libraries {
                library.created.sort_unstable();
            }
            libraries
        }
        TrendSplit::ByTeam => {
            let mut teams: Vec<(String, u32)> = (0..audit.usage.teams.len() as u32)
                .map(|t| (audit.usage.teams.spelling(t).to_string(), t))
                .collect();
            if tally.events().keys().any(|&(_, g)| g == NO_TEAM) {
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
