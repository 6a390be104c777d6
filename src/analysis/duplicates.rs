//! Duplicate collateral: assets linked by the same normalised title, the same content (hash or
//! URL) or a similar title, grouped into clusters (connected groups of at least two), each
//! with the asset to keep.

use super::similarity::similar_pairs;
use super::Audit;
use crate::model::fold_key;
use crate::model::title::{jaccard, normalised_title, trigrams, Threshold};
use rustc_hash::FxHashMap;
use std::cmp::Reverse;

/// What `duplicates` was asked.
#[derive(Debug, Clone, Copy)]
pub struct DuplicateRules {
    pub threshold: Threshold,
    /// Same and similar titles link across types too.
    pub across_types: bool,
    pub threads: usize,
}

/// One cluster: its members (the kept asset first, then by opens descending, then id) and each
/// member's title similarity to the kept asset, unrounded.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    pub members: Vec<u32>,
    pub similarity: Vec<f64>,
}

impl Cluster {
    pub fn kept(&self) -> u32 {
        self.members[0]
    }
}

/// Every cluster, largest first, then by the kept asset's id.
#[derive(Debug, Clone, Default)]
pub struct Duplicates {
    pub clusters: Vec<Cluster>,
}

impl Duplicates {
    /// Links the inventory's assets and gathers the clusters; opens and last opens are the
    /// audit's (counted events in the window).
    pub fn find(audit: &Audit, rules: &DuplicateRules) -> Duplicates {
        let inventory = &audit.inventory;
        let n = inventory.len();
        let titles = normalised_titles(audit, rules.threads);
        let mut links = UnionFind::new(n);
        // Same title: one record per (group, normalised title); its assets are linked.
        let mut groups: FxHashMap<Vec<u8>, u32> = FxHashMap::default();
        let mut records: FxHashMap<(u32, &str), u32> = FxHashMap::default();
        let mut distinct: Vec<(u32, &str)> = Vec::new();
        let mut first_asset: Vec<u32> = Vec::new();
        for (i, title) in titles.iter().enumerate() {
            if title.is_empty() {
                continue;
            }
            let group = match rules.across_types {
                true => 0,
                false => {
                    let key = fold_key(inventory.assets[i].kind());
                    let next = groups.len() as u32;
                    *groups.entry(key).or_insert(next)
                }
            };
            let next = distinct.len() as u32;
            let record = *records.entry((group, title.as_str())).or_insert(next);
            if record == next {
                distinct.push((group, title.as_str()));
                first_asset.push(i as u32);
            } else {
                links.union(first_asset[record as usize], i as u32);
            }
        }
        drop(records);
        // Similar title, between distinct titles of a group.
        for (a, b) in similar_pairs(&distinct, rules.threshold, rules.threads) {
            links.union(first_asset[a as usize], first_asset[b as usize]);
        }
        // Same content, whatever the type.
        let content = ContentKeys::of(audit);
        for column in &content.columns {
            let mut first: FxHashMap<&[u8], u32> = FxHashMap::default();
            for (i, key) in column.iter().enumerate() {
                if key.is_empty() {
                    continue;
                }
                match first.get(key.as_slice()) {
                    Some(&f) => links.union(f, i as u32),
                    None => drop(first.insert(key.as_slice(), i as u32)),
                }
            }
        }
        let roots: Vec<u32> = (0..n as u32).map(|i| links.find(i)).collect();
        let mut sizes = vec![0u32; n];
        for &root in &roots {
            sizes[root as usize] += 1;
        }
        let mut members: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
        for (i, &root) in roots.iter().enumerate() {
            if sizes[root as usize] >= 2 {
                members.entry(root).or_default().push(i as u32);
            }
        }
        let mut clusters: Vec<Cluster> = members
            .into_values()
            .map(|m| cluster(audit, m, &titles, &content))
            .collect();
        let id = |c: &Cluster| inventory.assets[c.kept() as usize].id();
        clusters.sort_by(|a, b| {
            b.members
                .len()
                .cmp(&a.members.len())
                .then_with(|| id(a).cmp(id(b)))
        });
        Duplicates { clusters }
    }
}

/// Orders a cluster's members (the kept asset first) and measures each against the kept one.
fn cluster(
    audit: &Audit,
    mut members: Vec<u32>,
    titles: &[String],
    content: &ContentKeys,
) -> Cluster {
    let assets = &audit.inventory.assets;
    let usage = &audit.usage.assets;
    let id = |i: u32| assets[i as usize].id();
    let opens = |i: u32| usage[i as usize].opens;
    // Keep: most opens, then latest last open, then newest created (undated last), then the
    // smallest id as plain text.
    let kept = *members
        .iter()
        .min_by(|&&a, &&b| {
            let key = |i: u32| {
                (
                    Reverse(opens(i)),
                    Reverse(usage[i as usize].last()),
                    Reverse(assets[i as usize].created),
                )
            };
            key(a).cmp(&key(b)).then_with(|| id(a).cmp(id(b)))
        })
        .expect("a cluster has members");
    members.sort_by(|&a, &b| {
        (a != kept)
            .cmp(&(b != kept))
            .then(opens(b).cmp(&opens(a)))
            .then_with(|| id(a).cmp(id(b)))
    });
    let kept_grams = trigrams(&titles[kept as usize]);
    let similarity = members
        .iter()
        .map(|&m| {
            let (mine, theirs) = (&titles[m as usize], &titles[kept as usize]);
            if m == kept || content.same(m, kept) || (!mine.is_empty() && mine == theirs) {
                1.0
            } else if mine.is_empty() || theirs.is_empty() {
                0.0
            } else {
                jaccard(&trigrams(mine), &kept_grams)
            }
        })
        .collect();
    Cluster {
        members,
        similarity,
    }
}

/// Every asset's normalised title, computed on `threads` threads.
fn normalised_titles(audit: &Audit, threads: usize) -> Vec<String> {
    let assets = &audit.inventory.assets;
    let chunk = assets.len().div_ceil(threads.max(1)).max(1);
    if threads <= 1 || assets.len() < 4096 {
        return assets.iter().map(|a| normalised_title(a.title())).collect();
    }
    std::thread::scope(|scope| {
        let parts: Vec<_> = assets
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|a| normalised_title(a.title()))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        parts
            .into_iter()
            .flat_map(|p| p.join().unwrap_or_default())
            .collect()
    })
}

/// Each content-identity column's values (hash, then URL), trimmed and lower-cased.
struct ContentKeys {
    columns: Vec<Vec<Vec<u8>>>,
}

impl ContentKeys {
    fn of(audit: &Audit) -> ContentKeys {
        let inventory = &audit.inventory;
        let columns = ["hash", "url"]
            .into_iter()
            .filter_map(|field| {
                let (_, column) = inventory.field_columns.iter().find(|(f, _)| *f == field)?;
                Some(
                    inventory
                        .assets
                        .iter()
                        .map(|a| fold_key(a.fields.get(*column)))
                        .collect(),
                )
            })
            .collect();
        ContentKeys { columns }
    }

    /// True when the two assets share a non-empty value in a content column.
    fn same(&self, a: u32, b: u32) -> bool {
        self.columns.iter().any(|column| {
            let (a, b) = (&column[a as usize], &column[b as usize]);
            !a.is_empty() && a == b
        })
    }
}

/// Union-find over asset positions, with path halving.
struct UnionFind {
    parent: Vec<u32>,
}

impl UnionFind {
    fn new(n: usize) -> UnionFind {
        UnionFind {
            parent: (0..n as u32).collect(),
        }
    }

    fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let grand = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = grand;
            x = grand;
        }
        x
    }

    fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            // The smaller root wins, so the result does not depend on the order of links.
            let (low, high) = (ra.min(rb), ra.max(rb));
            self.parent[high as usize] = low;
        }
    }
}
