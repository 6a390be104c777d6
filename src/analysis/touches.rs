//! The touches one pass collects for `influence`, kept small: each (deal, asset) pair once, and
//! per deal only its number of touches and its first and last touch.
//!
//! A touch is one `u64` (the deal, then the asset's rank among the ids as plain text) while the
//! pass runs; at the end of its part of the input, on that part's thread, the touches are dealt
//! out by deal (each deal's count is known) and each deal's ranks sorted and deduplicated, and
//! parts merge deal by deal as sorted lists. The first and last touches are kept per deal as the events
//! come, with the tie rule (the smaller id) decided by rank, so no (deal, asset, time) list is
//! ever held or sorted.

use crate::input::time::Millis;

/// One deal's touch count and its first and last touch, as (time, asset rank).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DealEnds {
    pub touches: u64,
    pub first: (Millis, u32),
    pub last: (Millis, u32),
}

impl DealEnds {
    /// True when `b` is a later last touch than `a`: later time, then smaller rank.
    fn later(b: (Millis, u32), a: (Millis, u32)) -> bool {
        b.0 > a.0 || (b.0 == a.0 && b.1 < a.1)
    }

    #[inline]
    fn add(&mut self, t: Millis, rank: u32) {
        if self.touches == 0 {
            self.first = (t, rank);
            self.last = (t, rank);
        } else {
            if (t, rank) < self.first {
                self.first = (t, rank);
            }
            if DealEnds::later((t, rank), self.last) {
                self.last = (t, rank);
            }
        }
        self.touches += 1;
    }

    fn merge(&mut self, other: &DealEnds) {
        if other.touches == 0 {
            return;
        }
        if self.touches == 0 {
            *self = *other;
            return;
        }
        self.first = self.first.min(other.first);
        if DealEnds::later(other.last, self.last) {
            self.last = other.last;
        }
        self.touches += other.touches;
    }
}

/// Touches held as pairs before they are dealt out to their deals (32 MiB): each part of the
/// input holds at most this many pairs besides each deal's distinct ranks.
const SEAL_EVERY: usize = 1 << 22;

/// The touches of a pass (or of a part of it).
#[derive(Debug, Clone, Default)]
pub struct TouchTally {
    /// `deal << 32 | asset rank`, one per touch as the events come; emptied by `seal`.
    pairs: Vec<u64>,
    /// Once sealed, each deal's distinct ranks, ascending: deal `d`'s are
    /// `ranks[offsets[d]..offsets[d + 1]]`.
    offsets: Vec<usize>,
    ranks: Vec<u32>,
    /// Indexed by deal; empty until the first touch.
    ends: Vec<DealEnds>,
}

impl TouchTally {
    /// An event at `t` on the asset of rank `rank` touched `deal` (of `deal_count` deals).
    #[inline]
    pub fn add(&mut self, deal: u32, rank: u32, t: Millis, deal_count: usize) {
        if self.ends.is_empty() {
            self.ends = vec![DealEnds::default(); deal_count];
        }
        self.ends[deal as usize].add(t, rank);
        self.pairs.push((u64::from(deal) << 32) | u64::from(rank));
        if self.pairs.len() >= SEAL_EVERY {
            self.deal_out();
        }
    }

    /// Moves the pairs into each deal's sorted list of distinct ranks (a no-op when no pair
    /// came since). The deals' touch counts say where each deal's ranks go, so the pairs are
    /// dealt out in one sweep and only each deal's few hundred ranks are sorted, in cache,
    /// instead of sorting every pair of the part.
    pub fn seal(&mut self) {
        self.deal_out();
        self.pairs = Vec::new();
    }

    /// [`TouchTally::seal`], keeping the pairs' room for more.
    fn deal_out(&mut self) {
        if self.pairs.is_empty() {
            return;
        }
        let deals = self.ends.len();
        if self.offsets.is_empty() {
            self.offsets = vec![0; deals + 1];
        }
        // Where each deal's new ranks go: after its ranks sealed so far.
        let mut starts = Vec::with_capacity(deals + 1);
        let mut next = vec![0usize; deals];
        let mut fresh = vec![0usize; deals];
        for &p in &self.pairs {
            fresh[(p >> 32) as usize] += 1;
        }
        let mut at = 0;
        for d in 0..deals {
            starts.push(at);
            let old = self.offsets[d + 1] - self.offsets[d];
            next[d] = at + old;
            at += old + fresh[d];
        }
        starts.push(at);
        let mut ranks = vec![0u32; at];
        for d in 0..deals {
            let old = &self.ranks[self.offsets[d]..self.offsets[d + 1]];
            ranks[starts[d]..starts[d] + old.len()].copy_from_slice(old);
        }
        for &p in &self.pairs {
            let slot = &mut next[(p >> 32) as usize];
            ranks[*slot] = p as u32;
            *slot += 1;
        }
        self.pairs.clear();
        // Sort each deal's ranks, drop repeats, and close the gaps they leave.
        let mut write = 0;
        for d in 0..deals {
            let list = &mut ranks[starts[d]..starts[d + 1]];
            list.sort_unstable();
            let from = starts[d];
            self.offsets[d] = write;
            let mut last = None;
            for i in 0..list.len() {
                let r = ranks[from + i];
                if last != Some(r) {
                    ranks[write] = r;
                    write += 1;
                    last = Some(r);
                }
            }
        }
        self.offsets[deals] = write;
        ranks.truncate(write);
        ranks.shrink_to_fit();
        self.ranks = ranks;
    }

    /// A deal's distinct ranks, ascending (on a sealed tally).
    fn deal_ranks(&self, deal: usize) -> &[u32] {
        &self.ranks[self.offsets[deal]..self.offsets[deal + 1]]
    }

    /// Folds in the tally of another part of the input.
    pub fn merge(&mut self, mut other: TouchTally) {
        if other.ends.is_empty() {
            return;
        }
        if self.ends.is_empty() {
            *self = other;
            return;
        }
        for (mine, theirs) in self.ends.iter_mut().zip(&other.ends) {
            mine.merge(theirs);
        }
        self.seal();
        other.seal();
        let deals = self.ends.len();
        let mut offsets = Vec::with_capacity(deals + 1);
        let mut merged = Vec::with_capacity(self.ranks.len() + other.ranks.len());
        for d in 0..deals {
            offsets.push(merged.len());
            let (a, b) = (self.deal_ranks(d), other.deal_ranks(d));
            let (mut i, mut j) = (0, 0);
            while i < a.len() && j < b.len() {
                let next = a[i].min(b[j]);
                i += usize::from(a[i] == next);
                j += usize::from(b[j] == next);
                merged.push(next);
            }
            merged.extend_from_slice(&a[i..]);
            merged.extend_from_slice(&b[j..]);
        }
        offsets.push(merged.len());
        self.offsets = offsets;
        self.ranks = merged;
    }

    /// Calls `visit` once per touched deal, in deal order, with its distinct ranks (ascending)
    /// and its ends.
    pub fn each_deal(&mut self, mut visit: impl FnMut(u32, &[u32], &DealEnds)) {
        self.seal();
        for (deal, ends) in self.ends.iter().enumerate() {
            if ends.touches > 0 {
                visit(deal as u32, self.deal_ranks(deal), ends);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(tally: &mut TouchTally) -> Vec<(u32, Vec<u32>, DealEnds)> {
        let mut out = Vec::new();
        tally.each_deal(|deal, ranks, ends| out.push((deal, ranks.to_vec(), *ends)));
        out
    }

    #[test]
    fn pairs_once_and_ends_with_ties_to_the_smaller_rank() {
        let mut t = TouchTally::default();
        for (deal, rank, time) in [(1, 2, 5), (1, 1, 5), (0, 3, 7), (1, 3, 9), (1, 2, 9)] {
            t.add(deal, rank, time, 3);
        }
        let ends = |touches, first, last| DealEnds {
            touches,
            first,
            last,
        };
        let want = vec![
            (0, vec![3], ends(1, (7, 3), (7, 3))),
            (1, vec![1, 2, 3], ends(4, (5, 1), (9, 2))),
        ];
        assert_eq!(collect(&mut t), want);
    }

    #[test]
    fn sealing_between_touches_changes_nothing() {
        let touches = [
            (2, 4, 10),
            (0, 1, 3),
            (2, 4, 1),
            (2, 0, 10),
            (0, 1, 8),
            (1, 5, 1),
        ];
        let mut whole = TouchTally::default();
        for &(d, r, t) in &touches {
            whole.add(d, r, t, 3);
        }
        for cut in 0..=touches.len() {
            let mut t = TouchTally::default();
            for (i, &(d, r, time)) in touches.iter().enumerate() {
                if i == cut {
                    t.seal();
                }
                t.add(d, r, time, 3);
            }
            assert_eq!(collect(&mut t), collect(&mut whole.clone()), "cut {cut}");
        }
    }

    #[test]
    fn parts_merge_as_one() {
        let touches = [
            (2, 4, 10),
            (0, 1, 3),
            (2, 4, 1),
            (2, 0, 10),
            (0, 1, 8),
            (2, 5, 1),
        ];
        let mut whole = TouchTally::default();
        for &(d, r, t) in &touches {
            whole.add(d, r, t, 3);
        }
        for cut in 0..=touches.len() {
            let (mut a, mut b) = (TouchTally::default(), TouchTally::default());
            for &(d, r, t) in &touches[..cut] {
                a.add(d, r, t, 3);
            }
            for &(d, r, t) in &touches[cut..] {
                b.add(d, r, t, 3);
            }
            b.seal();
            a.merge(b);
            assert_eq!(collect(&mut a), collect(&mut whole.clone()), "cut {cut}");
        }
    }
}
