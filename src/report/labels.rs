//! Figures and settings in words, for tables people read; CSV and JSON keep the keys.

use super::Value;

/// (key, words, what an empty value means).
const LABELS: &[(&str, &str, &str)] = &[
    // Settings.
    ("as_of", "As of", ""),
    ("since", "Counted from", "the first event"),
    ("until", "Counted until (not included)", ""),
    ("types", "Event types counted", "all"),
    ("teams", "Teams counted", "all"),
    ("exclude_owners", "Owners' own opens left out", ""),
    ("exclude_users", "Users left out", "none"),
    ("min_age_days", "Judged from an age of (days)", ""),
    ("stale_after_days", "Stale after (days without use)", ""),
    ("group_by", "Grouped by", ""),
    ("status", "Statuses shown", "all"),
    ("period", "Period", ""),
    ("by", "Split by", "nothing"),
    ("within_days", "Horizons (days)", ""),
    // The summary's figures.
    ("assets_total", "Assets in the inventory", ""),
    ("assets_unpublished", "Unpublished", ""),
    ("assets_too_new", "Too new to judge", ""),
    ("assets_judged", "Judged", ""),
    ("assets_opened", "Opened", ""),
    ("assets_never_opened", "Never opened", ""),
    ("never_opened_pct", "Never opened (% of judged)", ""),
    ("assets_stale", "Stale", ""),
    ("assets_active", "Active", ""),
    ("cost_total", "Cost of the judged assets", "no cost column"),
    (
        "cost_never_opened",
        "Cost of the never-opened assets",
        "no cost column",
    ),
    ("events_read", "Events read", ""),
    ("rows_skipped", "Event rows skipped", ""),
    (
        "events_excluded",
        "Events outside the window or filters",
        "",
    ),
    ("events_orphan", "Events on assets not in the inventory", ""),
    ("events_counted", "Events counted", ""),
    ("users_active", "Users with a counted event", ""),
    ("users_roster", "Reps in the roster", "no roster"),
    (
        "coverage_pct",
        "Roster reps who opened something (%)",
        "no roster",
    ),
    ("asset_rows_skipped", "Inventory rows skipped", ""),
    ("asset_values_invalid", "Inventory values unreadable", ""),
    ("assets_duplicate", "Duplicate asset ids", ""),
    // `duplicates`.
    ("clusters", "Clusters of duplicates", ""),
    ("assets_in_clusters", "Assets in a cluster", ""),
    ("assets_to_retire", "Copies to retire", ""),
    ("retire_never_opened", "Copies to retire never opened", ""),
    (
        "retire_cost",
        "Cost of the copies to retire",
        "no cost column",
    ),
];

/// The words for `key`; a key without its own reads as a sentence (`deals_won` -> "Deals won").
pub fn label(key: &str) -> String {
    if let Some((_, words, _)) = LABELS.iter().find(|(k, _, _)| *k == key) {
        return words.to_string();
    }
    let spaced = key.replace('_', " ");
    let spaced = spaced
        .strip_suffix(" pct")
        .map_or(spaced.clone(), |s| format!("{s} (%)"));
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => spaced,
    }
}

/// A value for a person: yes/no for flags, and what an empty value means for `key`.
pub fn in_words(key: &str, value: &Value) -> Option<String> {
    let empty = LABELS
        .iter()
        .find(|(k, _, _)| *k == key)
        .map_or("", |(_, _, empty)| *empty);
    match value {
        Value::Bool(true) => Some("yes".to_string()),
        Value::Bool(false) => Some("no".to_string()),
        Value::Null if !empty.is_empty() => Some(empty.to_string()),
        Value::List(items) if items.is_empty() && !empty.is_empty() => Some(empty.to_string()),
        Value::List(items) => Some(items.join(", ")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_read_as_words() {
        assert_eq!(label("never_opened_pct"), "Never opened (% of judged)");
        assert_eq!(label("deals_won_touched"), "Deals won touched");
        assert_eq!(label("win_rate_pct"), "Win rate (%)");
        assert_eq!(
            in_words("types", &Value::List(Vec::new())),
            Some("all".into())
        );
        assert_eq!(
            in_words("since", &Value::Null),
            Some("the first event".into())
        );
        assert_eq!(
            in_words("exclude_owners", &Value::Bool(false)),
            Some("no".into())
        );
        assert_eq!(in_words("events_read", &Value::Int(3)), None);
    }
}
