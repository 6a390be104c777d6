//! The summary a report leads with: the headline figures, roster coverage and the
//! inventory's health, in the order of the JSON keys and CSV columns.

use crate::analysis::summary::Summary;
use crate::analysis::warnings::Warning;
use crate::analysis::Audit;
use crate::results::coverage::Coverage;
use serde::Serialize;

/// Every figure of the ungrouped summary.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Figures {
    #[serde(flatten)]
    pub summary: Summary,
    /// Null without a roster.
    pub users_roster: Option<u64>,
    pub coverage_pct: Option<f64>,
    pub asset_rows_skipped: u64,
    pub asset_values_invalid: u64,
    pub assets_duplicate: u64,
}

impl Figures {
    pub fn of(audit: &Audit) -> Figures {
        let coverage = Coverage::of(audit);
        let stats = &audit.inventory.stats;
        Figures {
            summary: Summary::whole(audit),
            users_roster: coverage.map(|c| c.users_roster),
            coverage_pct: coverage.map(|c| c.coverage_pct),
            asset_rows_skipped: stats.rows_skipped,
            asset_values_invalid: stats.values_invalid,
            assets_duplicate: stats.duplicates,
        }
    }

    /// The keys, in report order.
    pub fn keys() -> Vec<String> {
        match serde_json::to_value(Figures::default()) {
            Ok(serde_json::Value::Object(map)) => map.keys().cloned().collect(),
            _ => Vec::new(),
        }
    }
}

/// A warning as reports give it: `{"code", "message"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WarningEntry {
    pub code: String,
    pub message: String,
}

impl WarningEntry {
    pub fn all(warnings: &[Warning]) -> Vec<WarningEntry> {
        warnings
            .iter()
            .map(|w| WarningEntry {
                code: w.code.to_string(),
                message: w.message.clone(),
            })
            .collect()
    }
}
