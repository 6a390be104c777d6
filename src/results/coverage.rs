//! Rep coverage: how many roster reps opened something.

use crate::analysis::summary::percent;
use crate::analysis::Audit;
use serde::Serialize;

/// Roster coverage figures, when a roster was given.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Coverage {
    pub users_roster: u64,
    pub users_covered: u64,
    pub coverage_pct: f64,
    pub users_not_in_roster: u64,
}

impl Coverage {
    /// The keys, in order (null without a roster).
    pub const KEYS: [&'static str; 4] = [
        "users_roster",
        "users_covered",
        "coverage_pct",
        "users_not_in_roster",
    ];

    /// The figures, or `None` without a roster.
    pub fn of(audit: &Audit) -> Option<Coverage> {
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
}
