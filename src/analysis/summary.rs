//! The headline figures, for the whole library or one group of it.

use crate::analysis::Audit;
use crate::model::{Groups, Status};

/// The headline figures. Field names are the JSON keys and CSV columns.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Summary {
    pub assets_total: u64,
    pub assets_unpublished: u64,
    pub assets_too_new: u64,
    pub assets_judged: u64,
    pub assets_opened: u64,
    pub assets_never_opened: u64,
    pub never_opened_pct: f64,
    pub assets_stale: u64,
    pub assets_active: u64,
    /// `None` when the inventory has no cost column.
    pub cost_total: Option<f64>,
    pub cost_never_opened: Option<f64>,
    pub events_read: u64,
    pub rows_skipped: u64,
    pub events_excluded: u64,
    pub events_orphan: u64,
    pub events_counted: u64,
    pub users_active: u64,
}

/// A percentage rounded to 2 decimals; 0 when the whole is 0.
pub fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        round2(part as f64 * 100.0 / whole as f64)
    }
}

pub fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

impl Summary {
    /// The figures for the whole library and every event read.
    pub fn whole(audit: &Audit) -> Summary {
        let one_group = Groups::whole(audit.inventory.len());
        // Every user counted is active on the library: no need to walk the pairs.
        let users = vec![audit.usage.users.len() as u64];
        let mut summary = Summary::of_groups(audit, &one_group, users).remove(0);
        let counts = &audit.usage.counts;
        summary.events_read = counts.read();
        summary.rows_skipped = counts.skipped;
        summary.events_excluded = counts.excluded;
        summary.events_orphan = counts.orphan;
        summary.events_counted = counts.counted;
        summary
    }

    /// The figures per group of `groups` (an asset split over several groups counts in each).
    /// Skipped rows and orphans belong to no asset, so they are 0 here and events_read =
    /// excluded + counted.
    pub fn by_group(audit: &Audit, groups: &Groups) -> Vec<Summary> {
        Summary::of_groups(audit, groups, audit.users_by_group(groups))
    }

    /// [`Summary::by_group`], given each group's distinct users.
    fn of_groups(audit: &Audit, groups: &Groups, users: Vec<u64>) -> Vec<Summary> {
        let mut out = vec![Summary::default(); groups.len()];
        let mut costs = vec![(0.0, 0.0); groups.len()];
        for (index, asset) in audit.inventory.assets.iter().enumerate() {
            for &group in groups.of(index) {
                let group = group as usize;
                let (s, (cost_total, cost_never)) = (&mut out[group], &mut costs[group]);
                let status = audit.statuses[index];
                let usage = &audit.usage.assets[index];
                s.assets_total += 1;
                s.events_counted += usage.opens;
                s.events_excluded += audit.usage.excluded[index];
                let cost = asset.cost.unwrap_or(0.0);
                match status {
                    Status::Unpublished => s.assets_unpublished += 1,
                    Status::New => s.assets_too_new += 1,
                    Status::Never => {
                        s.assets_never_opened += 1;
                        *cost_never += cost;
                    }
                    Status::Stale => s.assets_stale += 1,
                    Status::Active => s.assets_active += 1,
                }
                if status.is_judged() {
                    *cost_total += cost;
                }
            }
        }
        for ((s, (cost_total, cost_never)), users) in out.iter_mut().zip(costs).zip(users) {
            s.assets_judged = s.assets_never_opened + s.assets_stale + s.assets_active;
            s.assets_opened = s.assets_stale + s.assets_active;
            s.never_opened_pct = percent(s.assets_never_opened, s.assets_judged);
            if audit.inventory.has_cost {
                s.cost_total = Some(round2(cost_total));
                s.cost_never_opened = Some(round2(cost_never));
            }
            s.events_read = s.events_excluded + s.events_counted;
            s.users_active = users;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_rounds_and_guards_zero() {
        assert_eq!(percent(2, 3), 66.67);
        assert_eq!(percent(1, 0), 0.0);
        assert_eq!(percent(5, 5), 100.0);
    }
}
