//! The exact similarity join of `duplicates`: every pair of titles of one group whose trigram
//! sets have a Jaccard similarity at or above the threshold, found by a prefix-filtered join
//! (candidates from an inverted index of each title's rarest trigrams, every candidate then
//! checked exactly), on as many threads as asked.
//!
//! Why it is exact: two sets with |A∩B| / |A∪B| ≥ t share at least o = ⌈t·|A∪B|⌉ trigrams, so
//! (the prefix principle) under one global order of trigrams the first |A| − o + 1 of A and the
//! first |B| − o + 1 of B share one. With |B| ≤ |A|, o ≥ ⌈t·|A|⌉ and o ≥ ⌈2t/(1+t)·|B|⌉, so
//! probing with A's first |A| − ⌈t·|A|⌉ + 1 trigrams an index of B's first
//! |B| − ⌈2t/(1+t)·|B|⌉ + 1 finds every such pair; a pair also needs |B| ≥ ⌈t·|A|⌉.

use crate::model::title::{trigrams, Threshold};
use rustc_hash::FxHashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

/// At most this many records are probed per claim of a thread.
const BLOCK: usize = 2048;

/// The titles, their trigrams as ranks (rarest first), in join order: by group, then size.
struct Sets {
    /// Trigram ranks of every set, one after another.
    tokens: Vec<u32>,
    /// Where each set (by join position) starts in `tokens`; one more entry than sets.
    starts: Vec<u32>,
    /// The caller's index of each set, by join position.
    index: Vec<u32>,
    /// Each set's signature: bit `rank % 64` set for each of its trigram ranks. Each bit set
    /// in one set's signature and clear in another's stands for at least one trigram of the
    /// first that the second lacks, so most candidates are ruled out by one `popcount` on
    /// the index entry, without reading their trigrams.
    masks: Vec<u64>,
    /// Each group's first join position; one more entry than groups present.
    group_of: Vec<u32>,
    group_start: FxHashMap<u32, (u32, u32)>,
}

impl Sets {
    fn len(&self) -> usize {
        self.index.len()
    }

    fn get(&self, p: usize) -> &[u32] {
        &self.tokens[self.starts[p] as usize..self.starts[p + 1] as usize]
    }

    fn size(&self, p: usize) -> usize {
        (self.starts[p + 1] - self.starts[p]) as usize
    }
}

/// Every pair `(i, j)`, `i < j`, of `titles` (each a group and a normalised title) in the same
/// group whose trigram sets' Jaccard similarity is at least `threshold`. Empty titles pair with
/// nothing. Sorted.
pub fn similar_pairs(
    titles: &[(u32, &str)],
    threshold: Threshold,
    threads: usize,
) -> Vec<(u32, u32)> {
    let sets = ranked_sets(titles);
    let n = sets.len();
    if n < 2 {
        return Vec::new();
    }
    let index = Postings::build(&sets, threshold);
    let next = AtomicUsize::new(0);
    let threads = threads.clamp(1, n);
    // Claims small enough to share the work evenly, large enough to claim rarely.
    let block = (n / (threads * 16)).clamp(1, BLOCK);
    let work = || {
        let mut seen = vec![u32::MAX; n];
        let mut candidates = Vec::new();
        let mut pairs = Vec::new();
        loop {
            let from = next.fetch_add(block, Ordering::Relaxed);
            if from >= n {
                break;
            }
            for x in from..(from + block).min(n) {
                probe(
                    &sets,
                    &index,
                    threshold,
                    x,
                    &mut seen,
                    &mut candidates,
                    &mut pairs,
                );
            }
        }
        pairs
    };
    let mut pairs: Vec<(u32, u32)> = if threads == 1 {
        work()
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads).map(|_| scope.spawn(work)).collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_default())
                .collect()
        })
    };
    pairs.sort_unstable();
    pairs
}

/// The pairs of set `x` with the sets before it in join order.
fn probe(
    sets: &Sets,
    index: &Postings,
    threshold: Threshold,
    x: usize,
    seen: &mut [u32],
    candidates: &mut Vec<u32>,
    pairs: &mut Vec<(u32, u32)>,
) {
    let tokens = sets.get(x);
    let size = tokens.len();
    let (group_first, _) = sets.group_start[&sets.group_of[x]];
    // The smallest set that can reach the threshold with x has ⌈t·|x|⌉ trigrams; sets are
    // ordered by size within a group.
    let min_size = threshold.min_overlap(size);
    let first = first_where(group_first as usize, x, |p| sets.size(p) >= min_size);
    if first >= x {
        return;
    }
    candidates.clear();
    let signature = sets.masks[x];
    // The most trigrams of x any partner may lack: x must share ⌈t/(1+t)·(|x|+|y|)⌉ with it,
    // least with the smallest.
    let may_lack = size - threshold.min_overlap_pair(size, min_size).min(size);
    let prefix = size - threshold.min_overlap(size) + 1;
    for (i, &token) in tokens[..prefix.min(size)].iter().enumerate() {
        // The first trigram a pair shares sits at a position i of x with at least the pair's
        // least overlap left from it, ⌈t/(1+t)·(|x|+|y|)⌉ ≤ |x| − i: that bounds |y| here.
        let Some(largest) = threshold.max_partner(size, size - i) else {
            break;
        };
        let last = first_where(first, x, |p| sets.size(p) > largest);
        if last <= first {
            break;
        }
        let (list, signatures) = index.list(token);
        let lo = list.partition_point(|&p| (p as usize) < first);
        let hi = list.partition_point(|&p| (p as usize) < last);
        for (&y, &theirs) in list[lo..hi].iter().zip(&signatures[lo..hi]) {
            if (signature & !theirs).count_ones() as usize > may_lack {
                continue;
            }
            if seen[y as usize] != x as u32 {
                seen[y as usize] = x as u32;
                candidates.push(y);
            }
        }
    }
    for &y in candidates.iter() {
        let need = threshold.min_overlap_pair(size, sets.size(y as usize));
        let other = sets.get(y as usize);
        if let Some(shared) = overlap_reaching(tokens, other, need) {
            if threshold.met(shared, size + other.len() - shared) {
                let (a, b) = (sets.index[y as usize], sets.index[x]);
                pairs.push((a.min(b), a.max(b)));
            }
        }
    }
}

/// How many elements two sorted, distinct lists share, or `None` as soon as it is sure to
/// be fewer than `need` (most candidates differ within their first few trigrams).
fn overlap_reaching(a: &[u32], b: &[u32], need: usize) -> Option<usize> {
    let (Some(mut misses_a), Some(mut misses_b)) =
        (a.len().checked_sub(need), b.len().checked_sub(need))
    else {
        return None;
    };
    let (mut i, mut j, mut shared) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => {
                i += 1;
                misses_a = misses_a.checked_sub(1)?;
            }
            std::cmp::Ordering::Greater => {
                j += 1;
                misses_b = misses_b.checked_sub(1)?;
            }
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    (shared >= need).then_some(shared)
}

/// One bit (`rank % 64`) per trigram rank of a set.
fn signature(ranks: &[u32]) -> u64 {
    ranks.iter().fold(0u64, |m, &r| m | (1u64 << (r % 64)))
}

/// The first position in `lo..hi` where `ok` holds (`hi` when none), `ok` being false then
/// true along the range.
fn first_where(mut lo: usize, mut hi: usize, ok: impl Fn(usize) -> bool) -> usize {
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if ok(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo
}

/// The inverted index of every set's index prefix: for each trigram rank, the join positions
/// of the sets whose prefix holds it, ascending.
struct Postings {
    starts: Vec<u32>,
    positions: Vec<u32>,
    /// The signature of the set at each entry, beside it: read in order with the positions.
    signatures: Vec<u64>,
}

impl Postings {
    fn build(sets: &Sets, threshold: Threshold) -> Postings {
        let prefix = |p: usize| {
            let size = sets.size(p);
            (size - threshold.min_overlap_with_larger(size) + 1).min(size)
        };
        let tokens = sets.tokens.iter().max().map_or(0, |&m| m as usize + 1);
        let mut starts = vec![0u32; tokens + 1];
        for p in 0..sets.len() {
            for &t in &sets.get(p)[..prefix(p)] {
                starts[t as usize + 1] += 1;
            }
        }
        for t in 0..tokens {
            starts[t + 1] += starts[t];
        }
        let mut fill = starts.clone();
        let mut positions = vec![0u32; starts[tokens] as usize];
        let mut signatures = vec![0u64; starts[tokens] as usize];
        for p in 0..sets.len() {
            for &t in &sets.get(p)[..prefix(p)] {
                positions[fill[t as usize] as usize] = p as u32;
                signatures[fill[t as usize] as usize] = sets.masks[p];
                fill[t as usize] += 1;
            }
        }
        Postings {
            starts,
            positions,
            signatures,
        }
    }

    /// The positions of the sets indexed under `token`, and their signatures.
    fn list(&self, token: u32) -> (&[u32], &[u64]) {
        let range = self.starts[token as usize] as usize..self.starts[token as usize + 1] as usize;
        (&self.positions[range.clone()], &self.signatures[range])
    }
}

/// The titles' trigram sets with each trigram replaced by its rank among all trigrams, rarest
/// first (ties by value), each set sorted, in join order.
fn ranked_sets(titles: &[(u32, &str)]) -> Sets {
    let mut frequency: FxHashMap<u64, u32> = FxHashMap::default();
    let mut order: Vec<(u32, u32, u32)> = Vec::new(); // (group, size, caller's index)
    for (i, (group, title)) in titles.iter().enumerate() {
        let grams = trigrams(title);
        if grams.is_empty() {
            continue;
        }
        for &g in &grams {
            *frequency.entry(g).or_insert(0) += 1;
        }
        order.push((*group, grams.len() as u32, i as u32));
    }
    let mut distinct: Vec<(u32, u64)> = frequency.iter().map(|(&g, &n)| (n, g)).collect();
    distinct.sort_unstable();
    let rank: FxHashMap<u64, u32> = distinct
        .iter()
        .enumerate()
        .map(|(r, &(_, g))| (g, r as u32))
        .collect();
    drop(frequency);
    order.sort_unstable();
    let mut sets = Sets {
        tokens: Vec::new(),
        starts: Vec::with_capacity(order.len() + 1),
        index: Vec::with_capacity(order.len()),
        masks: Vec::with_capacity(order.len()),
        group_of: Vec::with_capacity(order.len()),
        group_start: FxHashMap::default(),
    };
    sets.starts.push(0);
    for (p, &(group, _, i)) in order.iter().enumerate() {
        let mut ranks: Vec<u32> = trigrams(titles[i as usize].1)
            .iter()
            .map(|g| rank[g])
            .collect();
        ranks.sort_unstable();
        sets.masks.push(signature(&ranks));
        sets.tokens.extend_from_slice(&ranks);
        sets.starts.push(sets.tokens.len() as u32);
        sets.index.push(i);
        sets.group_of.push(group);
        sets.group_start
            .entry(group)
            .and_modify(|e| e.1 = p as u32 + 1)
            .or_insert((p as u32, p as u32 + 1));
    }
    sets
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::title::{jaccard, overlap};

    fn brute(titles: &[(u32, &str)], t: Threshold) -> Vec<(u32, u32)> {
        let mut pairs = Vec::new();
        for i in 0..titles.len() {
            for j in i + 1..titles.len() {
                let (a, b) = (trigrams(titles[i].1), trigrams(titles[j].1));
                let shared = overlap(&a, &b);
                if titles[i].0 == titles[j].0
                    && !a.is_empty()
                    && !b.is_empty()
                    && t.met(shared, a.len() + b.len() - shared)
                {
                    pairs.push((i as u32, j as u32));
                }
            }
        }
        pairs
    }

    #[test]
    fn finds_what_a_nested_loop_finds() {
        let titles = [
            (0, "pricing deck"),
            (0, "pricing decks"),
            (0, "pricing deck emea"),
            (1, "pricing deck"),
            (0, ""),
            (0, "roi calculator"),
            (0, "roi calculators"),
            (0, "pricing deck"),
        ];
        for t in ["0.5", "0.6", "0.8", "1", "0.1"] {
            let t = Threshold::parse(t).unwrap();
            for threads in [1, 2] {
                assert_eq!(similar_pairs(&titles, t, threads), brute(&titles, t));
            }
        }
        // 11 trigrams shared of 14: 0.786, under 0.8, over 0.75.
        let (a, b) = (trigrams("pricing deck"), trigrams("pricing decks"));
        assert_eq!((overlap(&a, &b), a.len(), b.len()), (11, 12, 13));
        assert!(jaccard(&a, &b) < 0.8);
    }
}
