//! What changed between two snapshots: the figures side by side, and the assets that moved.

use super::{Kept, Loaded, SnapshotAsset};
use crate::analysis::summary::round2;
use crate::results::duplicates::DuplicatesSummary;
use crate::results::influence::InfluenceSummary;
use crate::results::summary::Figures;
use serde_json::{Map, Value as Json};

/// The kinds of asset change, in the order reports list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// In the new inventory only.
    Added,
    /// In the old inventory only.
    Removed,
    /// `never` now, something else before (opened, new, unpublished).
    BecameNever,
    /// No counted event in the old snapshot, at least one in the new.
    FirstUse,
    /// `stale` now, something else before.
    WentStale,
}

impl Change {
    pub const ALL: [Change; 5] = [
        Change::Added,
        Change::Removed,
        Change::BecameNever,
        Change::FirstUse,
        Change::WentStale,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::BecameNever => "became_never",
            Change::FirstUse => "first_use",
            Change::WentStale => "went_stale",
        }
    }
}

/// One summary figure in both snapshots.
#[derive(Debug, Clone, PartialEq)]
pub struct FigureDelta {
    pub figure: String,
    pub old: Json,
    pub new: Json,
    /// new − old when both are numbers.
    pub delta: Option<f64>,
}

/// One asset that changed, with what the two snapshots said of it (null where absent).
#[derive(Debug, Clone, PartialEq)]
pub struct AssetChange {
    pub change: Change,
    pub asset_id: String,
    /// From the new snapshot when the asset is in it, else from the old.
    pub title: Json,
    pub kind: Json,
    pub owner: Json,
    pub old_status: Json,
    pub new_status: Json,
    pub old_opens: Json,
    pub new_opens: Json,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Diff {
    pub figures: Vec<FigureDelta>,
    pub changes: Vec<AssetChange>,
}

impl Diff {
    pub fn between(old: &Loaded, new: &Loaded) -> Diff {
        let mut figures = figures(&old.summary, &new.summary, &Figures::keys(), "");
        // A snapshot from before `duplicates` has none: its side is null, with no delta.
        if old.duplicates.is_some() || new.duplicates.is_some() {
            let none = Map::new();
            figures.extend(self::figures(
                old.duplicates.as_ref().unwrap_or(&none),
                new.duplicates.as_ref().unwrap_or(&none),
                &DuplicatesSummary::keys(),
                "duplicates.",
            ));
        }
        if old.influence.is_some() || new.influence.is_some() {
            let none = Map::new();
            let (before, after) = (
                old.influence.as_ref().unwrap_or(&none),
                new.influence.as_ref().unwrap_or(&none),
            );
            figures.extend(self::figures(
                before,
                after,
                &InfluenceSummary::keys(),
                "influence.",
            ));
        }
        Diff {
            figures,
            changes: asset_changes(&old.assets, &new.assets),
        }
    }

    pub fn count(&self, change: Change) -> usize {
        self.changes.iter().filter(|c| c.change == change).count()
    }

    pub fn figure(&self, name: &str) -> Option<&FigureDelta> {
        self.figures.iter().find(|f| f.figure == name)
    }
}

/// Every figure of either summary, in the order `order` lists them (then any unknown to this
/// version, alphabetically), named with `prefix`.
fn figures(
    old: &Map<String, Json>,
    new: &Map<String, Json>,
    order: &[String],
    prefix: &str,
) -> Vec<FigureDelta> {
    let rank = |name: &String| order.iter().position(|k| k == name).unwrap_or(order.len());
    let mut names: Vec<&String> = new.keys().chain(old.keys()).collect();
    names.sort_by(|a, b| (rank(a), a).cmp(&(rank(b), b)));
    names.dedup();
    names
        .into_iter()
        .map(|name| {
            let (before, after) = (field(old, name), field(new, name));
            let delta = match (before.as_f64(), after.as_f64()) {
                (Some(b), Some(a)) => Some(round2(a - b)),
                _ => None,
            };
            FigureDelta {
                figure: format!("{prefix}{name}"),
                old: before,
                new: after,
                delta,
            }
        })
        .collect()
}

fn field(object: &Map<String, Json>, key: &str) -> Json {
    object.get(key).cloned().unwrap_or(Json::Null)
}

/// The changes between two asset lists in id order, walked side by side.
fn asset_changes(old: &[SnapshotAsset], new: &[SnapshotAsset]) -> Vec<AssetChange> {
    let (mut o, mut n) = (old.iter().peekable(), new.iter().peekable());
    let mut changes = Vec::new();
    loop {
        let (before, after) = match (o.peek(), n.peek()) {
            (None, None) => break,
            (Some(b), Some(a)) if b.asset_id == a.asset_id => (o.next(), n.next()),
            (Some(b), Some(a)) if b.asset_id < a.asset_id => (o.next(), None),
            (Some(_), Some(_)) | (None, Some(_)) => (None, n.next()),
            (Some(_), None) => (o.next(), None),
        };
        for change in classify(before, after) {
            changes.push(asset_change(change, before, after));
        }
    }
    changes.sort_by(|a, b| (a.change, &a.asset_id).cmp(&(b.change, &b.asset_id)));
    changes
}

/// The changes one asset went through; an asset can both get its first use and go stale.
fn classify(before: Option<&SnapshotAsset>, after: Option<&SnapshotAsset>) -> Vec<Change> {
    let (before, after) = match (before, after) {
        (None, Some(_)) => return vec![Change::Added],
        (Some(_), None) => return vec![Change::Removed],
        (Some(b), Some(a)) => (b, a),
        (None, None) => return Vec::new(),
    };
    let opens = |a: &SnapshotAsset| a.opens.as_u64().unwrap_or(0);
    let (was, now) = (before.status.as_str(), after.status.as_str());
    let mut changes = Vec::new();
    if now == Some("never") && was != Some("never") {
        changes.push(Change::BecameNever);
    }
    if opens(before) == 0 && opens(after) > 0 {
        changes.push(Change::FirstUse);
    }
    if now == Some("stale") && was != Some("stale") {
        changes.push(Change::WentStale);
    }
    changes
}

fn asset_change(
    change: Change,
    before: Option<&SnapshotAsset>,
    after: Option<&SnapshotAsset>,
) -> AssetChange {
    let either = after.or(before).expect("the asset is in one snapshot");
    let get = |side: Option<&SnapshotAsset>, field: fn(&SnapshotAsset) -> &Kept| {
        side.map_or(Json::Null, |a| field(a).to_json())
    };
    AssetChange {
        change,
        asset_id: either.asset_id.to_string(),
        title: either.title.to_json(),
        kind: either.kind.to_json(),
        owner: either.owner.to_json(),
        old_status: get(before, |a| &a.status),
        new_status: get(after, |a| &a.status),
        old_opens: get(before, |a| &a.opens),
        new_opens: get(after, |a| &a.opens),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn asset(id: &str, status: &str, opens: u64) -> SnapshotAsset {
        SnapshotAsset {
            asset_id: id.into(),
            title: Kept::Text(id.into()),
            kind: Kept::Null,
            owner: Kept::Null,
            status: Kept::Text(status.into()),
            opens: Kept::Other(Box::new(json!(opens))),
        }
    }

    fn loaded(summary: Json, mut assets: Vec<SnapshotAsset>) -> Loaded {
        assets.sort_by(|a, b| a.asset_id.cmp(&b.asset_id));
        Loaded {
            path: "x.json".into(),
            as_of: String::new(),
            summary: summary.as_object().unwrap().clone(),
            influence: None,
            duplicates: None,
            assets,
        }
    }

    #[test]
    fn every_change_kind_is_found() {
        let old = loaded(
            json!({ "never_opened_pct": 50.0, "cost_total": null }),
            vec![
                asset("gone", "active", 3),
                asset("idle", "active", 2),
                asset("late", "never", 0),
                asset("young", "new", 0),
                asset("steady", "active", 5),
            ],
        );
        let new = loaded(
            json!({ "never_opened_pct": 45.5, "cost_total": 10.0 }),
            vec![
                asset("fresh", "new", 0),
                asset("idle", "stale", 2),
                asset("late", "active", 1),
                asset("young", "never", 0),
                asset("steady", "active", 7),
            ],
        );
        let diff = Diff::between(&old, &new);
        let found: Vec<(&str, &str)> = diff
            .changes
            .iter()
            .map(|c| (c.change.as_str(), c.asset_id.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                ("added", "fresh"),
                ("removed", "gone"),
                ("became_never", "young"),
                ("first_use", "late"),
                ("went_stale", "idle"),
            ]
        );
        let pct = diff.figure("never_opened_pct").unwrap();
        assert_eq!(pct.delta, Some(-4.5));
        assert_eq!(diff.figure("cost_total").unwrap().delta, None);
    }
}
