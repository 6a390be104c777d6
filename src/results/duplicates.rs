//! Duplicate collateral: a row per clustered asset, and what retiring the duplicates would
//! save.

use crate::analysis::duplicates::Duplicates;
use crate::analysis::summary::round2;
use crate::analysis::Audit;
use crate::input::time::Millis;
use crate::model::Status;
use serde::Serialize;

/// One asset of a cluster.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DuplicateRow {
    pub cluster: u64,
    pub asset_id: String,
    pub title: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub owner: String,
    #[serde(serialize_with = "super::time_format::opt_date")]
    pub created: Option<Millis>,
    pub status: Status,
    pub opens: u64,
    pub users: u64,
    #[serde(serialize_with = "super::time_format::opt_instant")]
    pub last_open: Option<Millis>,
    /// The Jaccard similarity of the normalised title to the kept asset's, two decimals.
    pub similarity: f64,
    pub keep: bool,
    /// For the retire cost; not a column.
    #[serde(skip)]
    pub cost: Option<f64>,
}

/// The `summary` object of `duplicates`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DuplicatesSummary {
    pub clusters: u64,
    pub assets_in_clusters: u64,
    pub assets_to_retire: u64,
    /// Assets to retire whose status is `never`.
    pub retire_never_opened: u64,
    /// The cost of the assets to retire; null without a cost column.
    pub retire_cost: Option<f64>,
}

impl DuplicatesSummary {
    /// The summary's keys, in the order reports list them.
    pub fn keys() -> Vec<String> {
        match serde_json::to_value(DuplicatesSummary::default()) {
            Ok(serde_json::Value::Object(map)) => map.keys().cloned().collect(),
            _ => Vec::new(),
        }
    }

    pub fn of(audit: &Audit, duplicates: &Duplicates) -> DuplicatesSummary {
        let assets = &audit.inventory.assets;
        let mut s = DuplicatesSummary {
            clusters: duplicates.clusters.len() as u64,
            ..DuplicatesSummary::default()
        };
        let mut cost = 0.0;
        for cluster in &duplicates.clusters {
            s.assets_in_clusters += cluster.members.len() as u64;
            for &m in &cluster.members[1..] {
                s.assets_to_retire += 1;
                if audit.statuses[m as usize] == Status::Never {
                    s.retire_never_opened += 1;
                }
                cost += assets[m as usize].cost.unwrap_or(0.0);
            }
        }
        s.retire_cost = audit.inventory.has_cost.then(|| round2(cost));
        s
    }
}

/// A row per clustered asset, clusters numbered from 1 in their order, members in theirs.
pub fn duplicate_rows<'a>(
    audit: &'a Audit,
    duplicates: &'a Duplicates,
) -> impl Iterator<Item = DuplicateRow> + 'a {
    let users = audit.users_per_asset();
    duplicates
        .clusters
        .iter()
        .enumerate()
        .flat_map(|(number, cluster)| {
            let members = cluster.members.iter().zip(&cluster.similarity);
            members
                .enumerate()
                .map(move |(k, (&m, &similarity))| (number, k, m, similarity))
        })
        .map(move |(number, k, m, similarity)| {
            let i = m as usize;
            let (asset, used) = (&audit.inventory.assets[i], &audit.usage.assets[i]);
            DuplicateRow {
                cluster: number as u64 + 1,
                asset_id: asset.id().to_string(),
                title: asset.title().to_string(),
                kind: asset.kind().to_string(),
                owner: asset.owner().to_string(),
                created: asset.created,
                status: audit.statuses[i],
                opens: used.opens,
                users: users[i],
                last_open: used.last(),
                similarity: round2(similarity),
                keep: k == 0,
                cost: asset.cost,
            }
        })
}
