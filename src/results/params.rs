//! The parameters every report carries: the window and whatever changed what counts.

use crate::config::Config;
use crate::input::time::Millis;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Parameters {
    #[serde(serialize_with = "super::time_format::instant")]
    pub as_of: Millis,
    #[serde(serialize_with = "super::time_format::opt_instant")]
    pub since: Option<Millis>,
    #[serde(serialize_with = "super::time_format::instant")]
    pub until: Millis,
    pub types: Vec<String>,
    pub teams: Vec<String>,
    pub exclude_owners: bool,
    /// As shown: pseudonymized under `--pseudonymize-users`.
    pub exclude_users: Vec<String>,
    pub min_age_days: i64,
    pub stale_after_days: i64,
    /// `--where`, as given; left out when none (so earlier outputs keep their bytes).
    #[serde(rename = "where", skip_serializing_if = "Vec::is_empty")]
    pub asset_where: Vec<String>,
    /// `--split`, as given (`genres=|`); left out when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub split: Vec<String>,
}

impl Parameters {
    pub fn of(config: &Config) -> Parameters {
        let text = |values: &[Vec<u8>]| -> Vec<String> {
            values
                .iter()
                .map(|v| String::from_utf8_lossy(v).into_owned())
                .collect()
        };
        let f = &config.filter;
        Parameters {
            as_of: config.window.as_of,
            since: config.window.since,
            until: config.window.until,
            types: text(&f.types),
            teams: text(&f.teams),
            exclude_owners: f.exclude_owners,
            exclude_users: text(&f.exclude_users)
                .iter()
                .map(|u| config.show_user(u))
                .collect(),
            min_age_days: config.policy.min_age_days,
            stale_after_days: config.policy.stale_after_days,
            asset_where: config.asset_where.iter().map(|c| c.text.clone()).collect(),
            split: config
                .splits
                .iter()
                .map(|(column, sep)| format!("{column}={sep}"))
                .collect(),
        }
    }
}
