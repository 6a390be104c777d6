//! `--where COLUMN=VALUE` and `COLUMN!=VALUE`: which inventory assets an audit keeps.
//!
//! Values are compared trimmed and case-insensitively. Several `=` values for one column mean
//! any of them; a `!=` value leaves out the assets holding it, whatever the `=` values say;
//! clauses on different columns must all hold. On a column split by `--split`, an asset's
//! value is each of its parts: `=` keeps it when any part matches, `!=` leaves it out when any
//! part does.

use crate::input::headers::quote_list;
use crate::input_error;
use crate::keys::SmallKey;
use crate::model::groups::parts;
use crate::model::{fold_key, Inventory};
use anyhow::Result;
use rustc_hash::{FxHashMap, FxHashSet};

/// One `--where`, as typed and as compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhereClause {
    /// `type=Deck`, as given (trimmed), for parameters and messages.
    pub text: String,
    pub column: String,
    pub value: String,
    pub negated: bool,
}

impl WhereClause {
    /// Parses `COLUMN=VALUE` or `COLUMN!=VALUE` (the first `=` splits them).
    pub fn parse(spec: &str) -> Result<WhereClause> {
        let (left, value) = spec.split_once('=').ok_or_else(|| {
            input_error!("--where {spec:?}: expected COLUMN=VALUE or COLUMN!=VALUE, e.g. type=Deck")
        })?;
        let (column, negated) = match left.strip_suffix('!') {
            Some(column) => (column, true),
            None => (left, false),
        };
        let column = column.trim();
        if column.is_empty() {
            return Err(input_error!(
                "--where {spec:?}: no column before the '=' (expected COLUMN=VALUE, e.g. type=Deck)"
            ));
        }
        Ok(WhereClause {
            text: spec.trim().to_string(),
            column: column.to_string(),
            value: value.trim().to_string(),
            negated,
        })
    }
}

/// What `--where` did to the inventory, for the warnings.
#[derive(Debug, Clone, Default)]
pub struct WhereOutcome {
    /// Each clause, with the assets (before any clause applied) holding its value.
    pub clauses: Vec<(WhereClause, u64)>,
    /// The values of each clause's column over the whole inventory, most assets first:
    /// (column name as given, [(value, assets)]).
    pub seen: Vec<(String, Vec<(String, u64)>)>,
    pub assets_before: u64,
    pub assets_kept: u64,
}

/// A clause's column resolved, with its `=` and `!=` values folded.
struct ColumnTest {
    column: usize,
    wanted: Vec<Vec<u8>>,
    refused: Vec<Vec<u8>>,
    separator: Option<String>,
}

impl ColumnTest {
    fn keeps(&self, value: &str) -> bool {
        let mut any_wanted = self.wanted.is_empty();
        let mut refused = false;
        let mut test = |part: &str| {
            let key = fold_key(part);
            any_wanted |= self.wanted.contains(&key);
            refused |= self.refused.contains(&key);
        };
        match &self.separator {
            Some(sep) => parts(value, sep).for_each(&mut test),
            None => test(value),
        }
        any_wanted && !refused
    }
}

impl Inventory {
    /// Keeps the assets every clause admits; the ids of the others are remembered so their
    /// events count as excluded, not as orphans. An unknown column is a usage error naming
    /// the inventory's columns.
    pub fn keep_where(&mut self, clauses: &[WhereClause]) -> Result<WhereOutcome> {
        let mut outcome = WhereOutcome {
            assets_before: self.len() as u64,
            assets_kept: self.len() as u64,
            ..WhereOutcome::default()
        };
        if clauses.is_empty() {
            return Ok(outcome);
        }
        let mut tests: Vec<ColumnTest> = Vec::new();
        for clause in clauses {
            let column = self.column_named(&clause.column).ok_or_else(|| {
                input_error!(
                    "--where {:?}: no such asset column; the inventory's columns: {}",
                    clause.text,
                    quote_list(&self.headers)
                )
            })?;
            let index = match tests.iter().position(|t| t.column == column) {
                Some(i) => i,
                None => {
                    tests.push(ColumnTest {
                        column,
                        wanted: Vec::new(),
                        refused: Vec::new(),
                        separator: self.split_of(column).map(str::to_string),
                    });
                    tests.len() - 1
                }
            };
            let test = &mut tests[index];
            let list = if clause.negated {
                &mut test.refused
            } else {
                &mut test.wanted
            };
            list.push(fold_key(&clause.value));
        }
        // Assets per folded value of each clause's column, for the warnings.
        for clause in clauses {
            let test = tests
                .iter()
                .find(|t| Some(t.column) == self.column_named(&clause.column))
                .expect("resolved above");
            let key = fold_key(&clause.value);
            let holding = self
                .assets
                .iter()
                .filter(|a| {
                    let value = a.fields.get(test.column);
                    match &test.separator {
                        Some(sep) => parts(value, sep).any(|p| fold_key(p) == key),
                        None => fold_key(value) == key,
                    }
                })
                .count() as u64;
            outcome.clauses.push((clause.clone(), holding));
            if holding == 0 && !outcome.seen.iter().any(|(c, _)| *c == clause.column) {
                outcome
                    .seen
                    .push((clause.column.clone(), self.values_of(test)));
            }
        }
        let keep: Vec<bool> = self
            .assets
            .iter()
            .map(|a| tests.iter().all(|t| t.keeps(a.fields.get(t.column))))
            .collect();
        self.retain_assets(&keep);
        outcome.assets_kept = self.len() as u64;
        Ok(outcome)
    }

    /// The values of a column (each part, when split) with their assets, most first.
    fn values_of(&self, test: &ColumnTest) -> Vec<(String, u64)> {
        let mut counts: FxHashMap<Vec<u8>, (String, u64)> = FxHashMap::default();
        let mut add = |part: &str| {
            counts
                .entry(fold_key(part))
                .or_insert_with(|| (part.trim().to_string(), 0))
                .1 += 1;
        };
        for asset in &self.assets {
            let value = asset.fields.get(test.column);
            match &test.separator {
                Some(sep) => parts(value, sep).for_each(&mut add),
                None => add(value),
            }
        }
        let mut values: Vec<(String, u64)> = counts.into_values().collect();
        values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        values
    }

    /// Drops the assets whose `keep` is false, remembering their ids in `left_out`.
    fn retain_assets(&mut self, keep: &[bool]) {
        let assets = std::mem::take(&mut self.assets);
        let mut left_out = FxHashSet::default();
        self.index.clear();
        for (asset, &kept) in assets.into_iter().zip(keep) {
            if kept {
                let position = self.assets.len() as u32;
                self.index.insert(asset.id().as_bytes(), position);
                self.assets.push(asset);
            } else {
                left_out.insert(SmallKey::new(asset.id().as_bytes()));
            }
        }
        self.left_out = left_out;
    }

    /// Whether an event's asset id, already trimmed (as for [`Inventory::lookup`]), names an
    /// asset `--where` left out.
    #[inline]
    pub fn is_left_out(&self, id: &[u8]) -> bool {
        debug_assert_eq!(id, id.trim_ascii());
        !self.left_out.is_empty() && self.left_out.contains(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clauses_parse_equal_and_not_equal() {
        let c = WhereClause::parse(" type = Deck ").unwrap();
        assert_eq!(
            (c.column.as_str(), c.value.as_str(), c.negated),
            ("type", "Deck", false)
        );
        let c = WhereClause::parse("owner!=ann@example.com").unwrap();
        assert_eq!(
            (c.column.as_str(), c.value.as_str(), c.negated),
            ("owner", "ann@example.com", true)
        );
        let c = WhereClause::parse("title=a=b").unwrap();
        assert_eq!(c.value, "a=b");
        assert!(WhereClause::parse("type").is_err());
        assert!(WhereClause::parse("=Deck").is_err());
        assert!(WhereClause::parse("!=Deck").is_err());
    }

    #[test]
    fn equal_values_any_of_and_not_equal_wins() {
        let test = ColumnTest {
            column: 0,
            wanted: vec![fold_key("deck"), fold_key("video")],
            refused: vec![fold_key("video")],
            separator: None,
        };
        assert!(test.keeps(" DECK "));
        assert!(!test.keeps("Video"));
        assert!(!test.keeps("Datasheet"));
        let split = ColumnTest {
            column: 0,
            wanted: vec![fold_key("comedy")],
            refused: vec![fold_key("horror")],
            separator: Some("|".into()),
        };
        assert!(split.keeps("Drama| comedy"));
        assert!(!split.keeps("Comedy|Horror"));
        assert!(!split.keeps("Drama"));
    }
}
