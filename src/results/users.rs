//! One row per user with counted events, and per silent roster rep.

use crate::analysis::Audit;
use crate::config::Config;
use crate::input::time::Millis;
use rustc_hash::FxHashMap;
use serde::Serialize;

/// A user (or a roster rep with no counted event).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UserRow {
    /// As shown: pseudonymized under `--pseudonymize-users`.
    pub user: String,
    pub team: String,
    pub events: u64,
    pub assets: u64,
    #[serde(serialize_with = "super::time_format::opt_instant")]
    pub first_event: Option<Millis>,
    #[serde(serialize_with = "super::time_format::opt_instant")]
    pub last_event: Option<Millis>,
    /// Null without a roster.
    pub in_roster: Option<bool>,
}

/// Every user, most events first (then by name, case-insensitively).
pub fn user_rows(config: &Config, audit: &Audit) -> Vec<UserRow> {
    let usage = &audit.usage;
    let roster = audit.roster.as_ref();
    let teams = most_frequent_teams(audit);
    let assets_per_user = usage.pairs.assets_per_user(usage.users.len());
    let keys = usage.users.keys_by_id();
    let mut rows: Vec<UserRow> = (0..usage.users.len())
        .map(|id| {
            let rep = roster.and_then(|r| r.index.get(keys[id]).map(|&i| &r.reps[i]));
            let stats = usage.user_usage[id];
            UserRow {
                user: config.show_user(usage.users.spelling(id as u32)),
                team: rep.map_or_else(|| teams[id].clone(), |r| r.team.clone()),
                events: stats.events,
                assets: assets_per_user[id],
                first_event: Some(stats.first),
                last_event: Some(stats.last),
                in_roster: roster.map(|_| rep.is_some()),
            }
        })
        .collect();
    if let Some(roster) = roster {
        let silent = roster
            .reps
            .iter()
            .filter(|rep| usage.users.get(&rep.key).is_none());
        rows.extend(silent.map(|rep| UserRow {
            user: config.show_user(&rep.user),
            team: rep.team.clone(),
            events: 0,
            assets: 0,
            first_event: None,
            last_event: None,
            in_roster: Some(true),
        }));
    }
    rows.sort_by(|a, b| {
        b.events
            .cmp(&a.events)
            .then_with(|| a.user.to_lowercase().cmp(&b.user.to_lowercase()))
    });
    rows
}

/// Each user's most frequent team in counted events (ties alphabetical), `""` when none.
fn most_frequent_teams(audit: &Audit) -> Vec<String> {
    let usage = &audit.usage;
    let mut best: FxHashMap<u32, (u64, &str)> = FxHashMap::default();
    for (&key, &n) in &usage.user_teams {
        let (user, team) = ((key >> 32) as u32, usage.teams.spelling(key as u32));
        let entry = best.entry(user).or_insert((n, team));
        if n > entry.0 || (n == entry.0 && team.to_lowercase() < entry.1.to_lowercase()) {
            *entry = (n, team);
        }
    }
    (0..usage.users.len() as u32)
        .map(|u| best.get(&u).map_or(String::new(), |(_, t)| t.to_string()))
        .collect()
}
