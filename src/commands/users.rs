//! `users`: rep coverage, one row per user with counted events and per silent roster rep.

use crate::analysis::summary::percent;
use crate::analysis::Audit;
use crate::commands::parameters;
use crate::config::Config;
use crate::report::{Report, Value};
use rustc_hash::FxHashMap;

pub const COLUMNS: [&str; 7] = [
    "user",
    "team",
    "events",
    "assets",
    "first_event",
    "last_event",
    "in_roster",
];

/// Roster coverage figures, when a roster was given.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Coverage {
    pub users_roster: u64,
    pub users_covered: u64,
    pub coverage_pct: f64,
    pub users_not_in_roster: u64,
}

pub fn coverage(audit: &Audit) -> Option<Coverage> {
    let roster = audit.roster.as_ref()?;
    let covered = roster
        .reps
        .iter()
        .filter(|rep| audit.usage.users.get(&rep.key).is_some())
        .count() as u64;
    let log_users = audit.usage.users.len() as u64;
    Some(Coverage {
        users_roster: roster.reps.len() as u64,
        users_covered: covered,
        coverage_pct: percent(covered, roster.reps.len() as u64),
        users_not_in_roster: log_users - covered,
    })
}

struct Row {
    user: String,
    team: String,
    events: u64,
    assets: u64,
    first: Option<i64>,
    last: Option<i64>,
    in_roster: Option<bool>,
}

pub fn report(config: &Config, audit: &Audit) -> Report {
    let usage = &audit.usage;
    let roster = audit.roster.as_ref();
    let teams = most_frequent_teams(audit);
    let mut assets_per_user = vec![0u64; usage.users.len()];
    for (_, user) in usage.pairs.iter() {
        assets_per_user[user as usize] += 1;
    }
    let keys = usage.users.keys_by_id();
    let mut rows: Vec<Row> = (0..usage.users.len())
        .map(|id| {
            let rep = roster.and_then(|r| r.index.get(keys[id]).map(|&i| &r.reps[i]));
            let stats = usage.user_usage[id];
            Row {
                user: config.show_user(usage.users.spelling(id as u32)),
                team: rep.map_or_else(|| teams[id].clone(), |r| r.team.clone()),
                events: stats.events,
                assets: assets_per_user[id],
                first: Some(stats.first),
                last: Some(stats.last),
                in_roster: roster.map(|_| rep.is_some()),
            }
        })
        .collect();
    if let Some(roster) = roster {
        let silent = roster
            .reps
            .iter()
            .filter(|rep| usage.users.get(&rep.key).is_none());
        rows.extend(silent.map(|rep| Row {
            user: config.show_user(&rep.user),
            team: rep.team.clone(),
            events: 0,
            assets: 0,
            first: None,
            last: None,
            in_roster: Some(true),
        }));
    }
    rows.sort_by(|a, b| {
        b.events
            .cmp(&a.events)
            .then_with(|| a.user.to_lowercase().cmp(&b.user.to_lowercase()))
    });
    let values = rows
        .into_iter()
        .map(|r| {
            vec![
                Value::text(r.user),
                Value::text(r.team),
                Value::count(r.events),
                Value::count(r.assets),
                Value::opt_instant(r.first),
                Value::opt_instant(r.last),
                r.in_roster.map_or(Value::Null, Value::Bool),
            ]
        })
        .collect();
    let mut report = Report::rows(parameters(config), &COLUMNS, values);
    report.extra = coverage_fields(coverage(audit));
    if let Some(c) = coverage(audit) {
        report.headline = vec![format!(
            "Coverage: {} of {} roster reps opened something ({}%); {} users in the log are not in the roster",
            c.users_covered, c.users_roster, c.coverage_pct, c.users_not_in_roster
        )];
    }
    report
}

/// The coverage keys for JSON (null without a roster).
pub fn coverage_fields(c: Option<Coverage>) -> Vec<(String, Value)> {
    vec![
        (
            "users_roster".into(),
            c.map_or(Value::Null, |c| Value::count(c.users_roster)),
        ),
        (
            "users_covered".into(),
            c.map_or(Value::Null, |c| Value::count(c.users_covered)),
        ),
        (
            "coverage_pct".into(),
            c.map_or(Value::Null, |c| Value::Num(c.coverage_pct)),
        ),
        (
            "users_not_in_roster".into(),
            c.map_or(Value::Null, |c| Value::count(c.users_not_in_roster)),
        ),
    ]
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
