//! Assets grouped by the value of an inventory column (`--group-by`, `--by`), where with
//! `--split COLUMN=SEP` one asset may belong to several groups (`Comedy|Drama`).

use crate::input::headers::quote_list;
use crate::input_error;
use crate::model::Inventory;
use anyhow::Result;

/// The non-empty trimmed parts of a multi-valued cell.
pub fn parts<'a>(value: &'a str, separator: &'a str) -> impl Iterator<Item = &'a str> {
    value
        .split(separator)
        .map(str::trim)
        .filter(|p| !p.is_empty())
}

/// Parses `--split COLUMN=SEP` into (column, separator); the separator is taken as typed
/// (not trimmed: `--split "tags= "` splits at spaces).
pub fn parse_split(spec: &str) -> Result<(String, String)> {
    match spec.split_once('=') {
        Some((column, sep)) if !column.trim().is_empty() && !sep.is_empty() => {
            Ok((column.trim().to_string(), sep.to_string()))
        }
        _ => Err(input_error!(
            "--split {spec:?}: expected COLUMN=SEPARATOR, e.g. genres='|'"
        )),
    }
}

/// Each group's name, and each asset's groups (one, or with `--split` any number).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Groups {
    pub names: Vec<String>,
    /// The groups of asset `a` are `members[starts[a]..starts[a + 1]]`.
    starts: Vec<u32>,
    members: Vec<u32>,
}

impl Groups {
    /// Every asset in one group named `""`.
    pub fn whole(assets: usize) -> Groups {
        Groups {
            names: vec![String::new()],
            starts: (0..=assets as u32).collect(),
            members: vec![0; assets],
        }
    }

    /// The groups asset `asset` belongs to, in ascending order, without repeats.
    #[inline]
    pub fn of(&self, asset: usize) -> &[u32] {
        &self.members[self.starts[asset] as usize..self.starts[asset + 1] as usize]
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Each asset's one group, when no asset is in several (no `--split`, or nothing split):
    /// the loops over every (asset, user) pair then index instead of slicing.
    pub fn single(&self) -> Option<&[u32]> {
        (self.members.len() + 1 == self.starts.len()).then_some(&self.members[..])
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

impl Inventory {
    /// Resolves every `--split COLUMN=SEP`; an unknown column is a usage error.
    pub fn set_splits(&mut self, splits: &[(String, String)]) -> Result<()> {
        for (name, sep) in splits {
            let column = self.column_named(name).ok_or_else(|| {
                input_error!(
                    "--split {name:?}: no such asset column; the inventory's columns: {}",
                    quote_list(&self.headers)
                )
            })?;
            self.splits.retain(|(c, _)| *c != column);
            self.splits.push((column, sep.clone()));
        }
        Ok(())
    }

    /// The separator `--split` gave this column, if any.
    pub fn split_of(&self, column: usize) -> Option<&str> {
        self.splits
            .iter()
            .find(|(c, _)| *c == column)
            .map(|(_, sep)| sep.as_str())
    }

    /// The assets grouped by the value of `column`, groups in sorted order of their names.
    /// On a split column an asset is in the group of each distinct part; one with no
    /// non-empty part is in the group `""`, as an empty value is without `--split`.
    pub fn groups_by_column(&self, column: usize) -> Groups {
        let cells = self.assets.iter().map(|a| a.fields.get(column));
        let Some(separator) = self.split_of(column) else {
            let mut names: Vec<&str> = cells.clone().collect();
            names.sort_unstable();
            names.dedup();
            let members = cells
                .map(|v| names.binary_search(&v).unwrap_or(0) as u32)
                .collect();
            return Groups {
                names: names.into_iter().map(String::from).collect(),
                starts: (0..=self.assets.len() as u32).collect(),
                members,
            };
        };
        let mut names: Vec<&str> = Vec::new();
        for cell in cells.clone() {
            let before = names.len();
            names.extend(parts(cell, separator));
            if names.len() == before {
                names.push("");
            }
        }
        names.sort_unstable();
        names.dedup();
        let mut starts = Vec::with_capacity(self.assets.len() + 1);
        let mut members = Vec::new();
        starts.push(0);
        for cell in cells {
            let first = members.len();
            members.extend(
                parts(cell, separator).map(|p| names.binary_search(&p).unwrap_or(0) as u32),
            );
            if members.len() == first {
                members.push(names.binary_search(&"").unwrap_or(0) as u32);
            }
            members[first..].sort_unstable();
            let mut kept = first;
            for i in first..members.len() {
                if i == first || members[i] != members[kept - 1] {
                    members[kept] = members[i];
                    kept += 1;
                }
            }
            members.truncate(kept);
            starts.push(members.len() as u32);
        }
        Groups {
            names: names.into_iter().map(String::from).collect(),
            starts,
            members,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Asset, AssetColumns, RowText};

    fn inventory(genres: &[&str]) -> Inventory {
        let assets = genres
            .iter()
            .enumerate()
            .map(|(i, g)| Asset {
                columns: AssetColumns {
                    id: 0,
                    title: AssetColumns::NONE,
                    kind: AssetColumns::NONE,
                    owner: AssetColumns::NONE,
                },
                owner_key: 0,
                created: None,
                cost: None,
                fields: RowText::new([format!("m{i}"), g.to_string()].into_iter()),
            })
            .collect();
        Inventory {
            assets,
            headers: vec!["id".into(), "genres".into()],
            ..Inventory::default()
        }
    }

    #[test]
    fn a_split_asset_is_in_each_group_it_lists_once() {
        let mut inv = inventory(&["Comedy|Drama", " drama | Comedy|Comedy", "", "|", "Drama"]);
        let plain = inv.groups_by_column(1);
        assert_eq!(plain.names.len(), 5);
        assert_eq!(plain.single(), Some(&[2, 1, 0, 4, 3][..]));
        inv.set_splits(&[("genres".into(), "|".into())]).unwrap();
        let groups = inv.groups_by_column(1);
        assert_eq!(groups.names, ["", "Comedy", "Drama", "drama"]);
        assert_eq!(groups.of(0), [1, 2]);
        assert_eq!(groups.of(1), [1, 3]);
        assert_eq!(groups.of(2), [0]);
        assert_eq!(groups.of(3), [0]);
        assert_eq!(groups.of(4), [2]);
        assert_eq!(groups.single(), None);
        assert!(inv.set_splits(&[("nope".into(), "|".into())]).is_err());
    }

    #[test]
    fn split_options_parse() {
        assert_eq!(
            parse_split("genres=|").unwrap(),
            ("genres".into(), "|".into())
        );
        assert_eq!(parse_split("tags= ").unwrap(), ("tags".into(), " ".into()));
        assert!(parse_split("genres").is_err());
        assert!(parse_split("genres=").is_err());
        assert!(parse_split("=|").is_err());
    }
}
