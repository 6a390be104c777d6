//! The touches one pass collects for `influence`, kept small: each (deal, asset) pair once, and
//! per deal only its number of touches and its first and last touch.
//!
//! While the pass runs, touches are logged in runs: the events of a rep whose deals did not
//! change between them are one run of those deals and the events' assets (each deal met each
//! asset), so an event on three deals costs about one word instead of three pairs. When the
//! log holds 32 MiB and at the end of its part of the input, on that part's thread, the runs
//! are dealt out by deal (each deal's count is known) and each deal's repeated assets dropped;
//! the parts' lists are joined deal by deal only as they are read. The first and last touches
//! are kept per deal as the events come, with the tie rule (the smaller id) decided by rank, so
//! no (deal, asset, time) list is ever held or sorted.

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
    pub fn add(&mut self, t: Millis, rank: u32) {
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

    pub fn merge(&mut self, other: &DealEnds) {
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

/// Which assets a deal has met: an asset holds the mark of the last deal that met it, so a
/// new deal starts with a new mark instead of clearing the array.
#[derive(Debug, Clone, Default)]
struct Marks {
    by_asset: Vec<u32>,
    mark: u32,
}

impl Marks {
    /// A mark no asset holds yet.
    fn next(&mut self) -> u32 {
        if self.mark == u32::MAX {
            self.by_asset.fill(0);
            self.mark = 0;
        }
        self.mark += 1;
        self.mark
    }

    /// Room for assets below `n`.
    fn make_room(&mut self, n: usize) {
        if self.by_asset.len() < n {
            self.by_asset.resize(n, 0);
        }
    }

    /// True the first time `asset` is met under `mark`.
    #[inline]
    fn first_time(&mut self, asset: u32, mark: u32) -> bool {
        let a = asset as usize;
        self.make_room(a + 1);
        let new = self.by_asset[a] != mark;
        self.by_asset[a] = mark;
        new
    }
}

/// Touches held as runs before they are dealt out to their deals (32 MiB of words): each
/// part of the input holds at most this much besides each deal's distinct assets.
const SEAL_WORDS: usize = 1 << 23;

/// The most deals, and the most assets, one run's header can count.
const RUN_MAX: usize = 0xFFFF;

/// Room kept past [`SEAL_WORDS`] so that a run through a rep's cache (a header, ten deals at
/// most and 21 assets) never reallocates the log; a longer run (none is made today) takes the
/// ordinary, reallocating path.
const LOG_SLACK: usize = 64;

/// Each deal's distinct assets: deal `d`'s are `assets[offsets[d]..offsets[d + 1]]`.
#[derive(Debug, Clone, Default)]
struct Sealed {
    offsets: Vec<u32>,
    assets: Vec<u32>,
}

impl Sealed {
    fn of(&self, deal: usize) -> &[u32] {
        match self.offsets.get(deal + 1) {
            Some(&end) => &self.assets[self.offsets[deal] as usize..end as usize],
            None => &[],
        }
    }
}

/// The touches of a pass (or of a part of it).
#[derive(Debug, Clone, Default)]
pub struct TouchTally {
    /// The touches as they come, in runs: a header word (`deals << 16 | assets`), the run's
    /// deals, then its assets; each deal met each asset. Emptied by `seal`.
    log: Vec<u32>,
    /// This part's touches dealt out so far.
    sealed: Sealed,
    /// The other parts' sealed touches, kept apart: merged deal by deal only when read, so no
    /// list of every pair is copied.
    others: Vec<Sealed>,
    /// Room reused from one dealing-out to the next (fresh memory costs a page fault a page).
    spare: Sealed,
    counts: Vec<u32>,
    marks: Marks,
    /// Indexed by deal; empty until the first touch.
    ends: Vec<DealEnds>,
}

impl TouchTally {
    /// An event at `t` on `asset`, of rank `rank` among the ids as plain text, touched `deal`
    /// (of `deal_count` deals).
    #[inline]
    pub fn add(&mut self, deal: u32, asset: u32, rank: u32, t: Millis, deal_count: usize) {
        self.add_pair(deal, asset, deal_count);
        self.ends[deal as usize].add(t, rank);
    }

    /// An event touched `deal` (of `deal_count`) on `asset`; its time counts towards the
    /// deal's ends through [`TouchTally::add_ends`].
    #[inline]
    pub fn add_pair(&mut self, deal: u32, asset: u32, deal_count: usize) {
        self.add_run(&[deal], &[asset], deal_count);
    }

    /// Each of `deals` (of `deal_count`) met each of `assets`: the events of a rep whose
    /// deals did not change between them, written as one run of `deals.len() + assets.len()`
    /// words instead of a pair per deal and asset. Their times count towards the deals' ends
    /// through [`TouchTally::add_ends`].
    #[inline]
    pub fn add_run(&mut self, deals: &[u32], assets: &[u32], deal_count: usize) {
        self.make_ends(deal_count);
        if deals.is_empty() || assets.is_empty() {
            return;
        }
        if deals.len() > RUN_MAX || assets.len() > RUN_MAX {
            // More than a header can count: as runs it can (never through a rep's cache).
            for deals in deals.chunks(RUN_MAX) {
                for assets in assets.chunks(RUN_MAX) {
                    self.add_run(deals, assets, deal_count);
                }
            }
            return;
        }
        let header = (deals.len() as u32) << 16 | assets.len() as u32;
        self.push_run(header, deals, assets);
        if self.log.len() >= SEAL_WORDS {
            self.deal_out();
        }
    }

    /// Appends a run with stores that bypass the cache: the log is read back only when dealt
    /// out, megabytes later, and writing it through the cache would evict the lookup tables
    /// every row reads.
    #[inline]
    fn push_run(&mut self, header: u32, deals: &[u32], assets: &[u32]) {
        let need = 1 + deals.len() + assets.len();
        #[cfg(target_arch = "x86_64")]
        {
            if self.log.capacity() == 0 {
                self.log.reserve_exact(SEAL_WORDS + LOG_SLACK);
            }
            let len = self.log.len();
            if len + need <= self.log.capacity() {
                // SAFETY: `len + need` is within the capacity, so the slots are allocated and
                // ours; SSE2 (movnti) is part of every x86_64 CPU; each slot is initialised by
                // its store before the length covers it. The log is read back on this thread
                // (`deal_out`, after an sfence).
                unsafe {
                    let slot = self.log.as_mut_ptr().add(len).cast::<i32>();
                    std::arch::x86_64::_mm_stream_si32(slot, header as i32);
                    for (i, &w) in deals.iter().chain(assets).enumerate() {
                        std::arch::x86_64::_mm_stream_si32(slot.add(1 + i), w as i32);
                    }
                    self.log.set_len(len + need);
                }
                return;
            }
        }
        self.log.reserve(need);
        self.log.push(header);
        self.log.extend_from_slice(deals);
        self.log.extend_from_slice(assets);
    }

    /// Touches whose pairs came through [`TouchTally::add_pair`] or
    /// [`TouchTally::add_run`]: their count and ends.
    pub fn add_ends(&mut self, deal: u32, ends: &DealEnds, deal_count: usize) {
        self.make_ends(deal_count);
        self.ends[deal as usize].merge(ends);
    }

    /// Each deal's ends, made at the first touch of a pass over `deal_count` deals.
    #[inline]
    fn make_ends(&mut self, deal_count: usize) {
        if self.ends.is_empty() {
            self.ends = vec![DealEnds::default(); deal_count];
        }
    }

    /// Moves the runs into each deal's list of distinct assets (a no-op when no run came
    /// since), and lets go of the log's room.
    pub fn seal(&mut self) {
        self.deal_out();
        self.log = Vec::new();
        self.spare = Sealed::default();
        self.counts = Vec::new();
    }

    /// Deals the runs out to their deals: each deal's count of new assets says where its
    /// assets go (after those dealt out before), so each run's assets are copied to each of its
    /// deals in one sweep, then each deal's repeats dropped in another, with no sort.
    fn deal_out(&mut self) {
        if self.log.is_empty() {
            return;
        }
        // The log was written with non-temporal stores: ordered before it is read.
        #[cfg(target_arch = "x86_64")]
        // SAFETY: a fence has no operands; SSE is part of every x86_64 CPU.
        unsafe {
            std::arch::x86_64::_mm_sfence()
        };
        let deals = self.ends.len();
        let counts = &mut self.counts;
        counts.clear();
        counts.resize(deals, 0);
        for (run_deals, assets) in Runs(&self.log) {
            for &d in run_deals {
                counts[d as usize] += assets.len() as u32;
            }
        }
        // Where each deal's assets go in the new list: its old ones, then its new ones (the
        // count turns into where the next new one goes).
        let (old, new) = (&self.sealed, &mut self.spare);
        new.offsets.clear();
        let mut at = 0u32;
        for (d, count) in counts.iter_mut().enumerate() {
            new.offsets.push(at);
            let kept = old.of(d);
            let fresh = *count;
            *count = at + kept.len() as u32;
            at += kept.len() as u32 + fresh;
        }
        new.offsets.push(at);
        new.assets.clear();
        new.assets.resize(at as usize, 0);
        for d in 0..deals {
            let kept = old.of(d);
            let from = new.offsets[d] as usize;
            new.assets[from..from + kept.len()].copy_from_slice(kept);
        }
        for (run_deals, assets) in Runs(&self.log) {
            for &d in run_deals {
                let slot = &mut counts[d as usize];
                let to = &mut new.assets[*slot as usize..*slot as usize + assets.len()];
                for (to, &a) in to.iter_mut().zip(assets) {
                    *to = a;
                }
                *slot += assets.len() as u32;
            }
        }
        self.log.clear();
        // Drop each deal's repeated assets and close the gaps they leave: an asset is kept the
        // first time it is met in the deal (its mark is the deal's), in one sweep instead of a
        // sort a deal, and with no branch: every asset is written, and kept by moving on.
        let most = new.assets.iter().max().map_or(0, |&a| a as usize + 1);
        self.marks.make_room(most);
        let mut write = 0usize;
        for d in 0..deals {
            let (from, to) = (new.offsets[d] as usize, new.offsets[d + 1] as usize);
            new.offsets[d] = write as u32;
            let mark = self.marks.next();
            let by_asset = &mut self.marks.by_asset[..most];
            for i in from..to {
                let a = new.assets[i];
                let seen = std::mem::replace(&mut by_asset[a as usize], mark) == mark;
                new.assets[write] = a;
                write += usize::from(!seen);
            }
        }
        new.offsets[deals] = write as u32;
        new.assets.truncate(write);
        std::mem::swap(&mut self.sealed, &mut self.spare);
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
        other.seal();
        self.others.push(other.sealed);
        self.others.append(&mut other.others);
    }

    /// Calls `visit` once per touched deal, in deal order, with its distinct assets (in the
    /// order first touched within each part, parts in order) and its ends. On a sealed tally:
    /// runs added since the last [`TouchTally::seal`] are not seen.
    pub fn each_deal(&self, mut visit: impl FnMut(u32, &[u32], &DealEnds)) {
        self.each_deal_lists(|deal, assets, ends| visit(deal, assets.as_slice(), ends));
    }

    /// [`TouchTally::each_deal`], telling a deal's list kept in the tally (one part touched
    /// it, so the list lives as long as the tally) from one joined for the call.
    pub fn each_deal_lists<'t>(
        &'t self,
        mut visit: impl FnMut(u32, DealAssets<'t, '_>, &DealEnds),
    ) {
        debug_assert!(self.log.is_empty(), "a tally is sealed before it is read");
        let mut merged = Vec::new();
        let mut marks = Marks::default();
        for (deal, ends) in self.ends.iter().enumerate() {
            if ends.touches == 0 {
                continue;
            }
            let mine = self.sealed.of(deal);
            let mut touched = std::iter::once(mine)
                .chain(self.others.iter().map(|o| o.of(deal)))
                .filter(|list| !list.is_empty());
            let only = touched.next().unwrap_or(mine);
            if touched.next().is_none() {
                visit(deal as u32, DealAssets::Kept(only), ends);
                continue;
            }
            merged.clear();
            let mark = marks.next();
            let parts = std::iter::once(mine).chain(self.others.iter().map(|o| o.of(deal)));
            for &a in parts.flatten() {
                if marks.first_time(a, mark) {
                    merged.push(a);
                }
            }
            visit(deal as u32, DealAssets::Joined(&merged), ends);
        }
    }
}

/// A deal's distinct assets as [`TouchTally::each_deal_lists`] gives them.
#[derive(Debug, Clone, Copy)]
pub enum DealAssets<'t, 'm> {
    /// The list of the one part that touched the deal, borrowed from the tally.
    Kept(&'t [u32]),
    /// The parts' lists joined, valid for the call only.
    Joined(&'m [u32]),
}

impl<'t: 'm, 'm> DealAssets<'t, 'm> {
    pub fn as_slice(&self) -> &'m [u32] {
        match *self {
            DealAssets::Kept(list) => list,
            DealAssets::Joined(list) => list,
        }
    }
}

/// The runs of a log, as (deals, assets).
struct Runs<'a>(&'a [u32]);

impl<'a> Iterator for Runs<'a> {
    type Item = (&'a [u32], &'a [u32]);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let (&header, rest) = self.0.split_first()?;
        let (deals, rest) = rest.split_at((header >> 16) as usize);
        let (assets, rest) = rest.split_at((header & 0xffff) as usize);
        self.0 = rest;
        Some((deals, assets))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(tally: &mut TouchTally) -> Vec<(u32, Vec<u32>, DealEnds)> {
        tally.seal();
        let mut out = Vec::new();
        tally.each_deal(|deal, ranks, ends| {
            let mut sorted = ranks.to_vec();
            sorted.sort_unstable();
            assert!(
                sorted.windows(2).all(|w| w[0] < w[1]),
                "distinct: {ranks:?}"
            );
            out.push((deal, sorted, *ends))
        });
        out
    }

    #[test]
    fn pairs_once_and_ends_with_ties_to_the_smaller_rank() {
        let mut t = TouchTally::default();
        for (deal, rank, time) in [(1, 2, 5), (1, 1, 5), (0, 3, 7), (1, 3, 9), (1, 2, 9)] {
            t.add(deal, rank, rank, time, 3);
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

    /// (deal, rank, time) of three deals.
    const TOUCHES: [(u32, u32, i64); 7] = [
        (2, 4, 10),
        (0, 1, 3),
        (2, 4, 1),
        (2, 0, 10),
        (0, 1, 8),
        (1, 5, 1),
        (2, 3, 2),
    ];

    fn tally(touches: &[(u32, u32, i64)]) -> TouchTally {
        let mut t = TouchTally::default();
        for &(d, r, time) in touches {
            t.add(d, r, r, time, 3);
        }
        t
    }

    #[test]
    fn sealing_between_touches_changes_nothing() {
        let touches = TOUCHES;
        let whole = tally(&touches);
        for cut in 0..=touches.len() {
            let mut t = TouchTally::default();
            for (i, &(d, r, time)) in touches.iter().enumerate() {
                if i == cut {
                    t.seal();
                }
                t.add(d, r, r, time, 3);
            }
            assert_eq!(collect(&mut t), collect(&mut whole.clone()), "cut {cut}");
        }
    }

    #[test]
    fn three_parts_merge_as_one_in_any_grouping() {
        let want = collect(&mut tally(&TOUCHES));
        for a in 0..=TOUCHES.len() {
            for b in a..=TOUCHES.len() {
                let mut x = tally(&TOUCHES[..a]);
                let mut yz = tally(&TOUCHES[a..b]);
                yz.merge(tally(&TOUCHES[b..]));
                x.merge(yz);
                assert_eq!(collect(&mut x), want, "cuts {a} {b}");
            }
        }
    }

    #[test]
    fn parts_merge_as_one() {
        let whole = tally(&TOUCHES);
        for cut in 0..=TOUCHES.len() {
            let (mut a, mut b) = (tally(&TOUCHES[..cut]), tally(&TOUCHES[cut..]));
            b.seal();
            a.merge(b);
            assert_eq!(collect(&mut a), collect(&mut whole.clone()), "cut {cut}");
        }
    }

    #[test]
    fn many_deals_sealed_often_keep_each_pair_once() {
        // 1,553 deals, pairs in a scrambled order, sealed every 997 pairs.
        let deals = 1_553;
        let mut t = TouchTally::default();
        let mut want = vec![std::collections::BTreeSet::new(); deals];
        let mut x = 12_345u64;
        for i in 0..20_000 {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let deal = ((x >> 33) % deals as u64) as u32;
            let rank = ((x >> 17) % 40) as u32;
            t.add(deal, rank, rank, i, deals);
            want[deal as usize].insert(rank);
            if i % 997 == 0 {
                t.seal();
            }
        }
        let got = collect(&mut t);
        let want: Vec<(u32, Vec<u32>)> = want
            .into_iter()
            .enumerate()
            .filter(|(_, ranks)| !ranks.is_empty())
            .map(|(d, ranks)| (d as u32, ranks.into_iter().collect()))
            .collect();
        let got: Vec<(u32, Vec<u32>)> = got.into_iter().map(|(d, r, _)| (d, r)).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn a_run_longer_than_a_header_counts_is_split() {
        let deals: Vec<u32> = (0..3).collect();
        let assets: Vec<u32> = (0..70_000).map(|a| a % 69_999).collect();
        let mut t = TouchTally::default();
        t.add_run(&deals, &assets, 3);
        let mut ends = DealEnds::default();
        ends.add(1, 0);
        for &d in &deals {
            t.add_ends(d, &ends, 3);
        }
        let got = collect(&mut t);
        assert_eq!(got.len(), 3);
        for (_, ranks, _) in got {
            assert_eq!(ranks, (0..69_999).collect::<Vec<u32>>());
        }
    }

    #[test]
    fn runs_give_what_their_pairs_give() {
        // Runs of 1 to 10 deals and 1 to 5 ranks against the same touches as single pairs,
        // sealed between runs now and then; ends come apart, as through a rep's cache.
        let deals = 97;
        let (mut runs, mut pairs) = (TouchTally::default(), TouchTally::default());
        let mut x = 99u64;
        let mut next = |n: u64| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (x >> 33) % n
        };
        for i in 0..3_000 {
            let run_deals: Vec<u32> = (0..1 + next(10)).map(|_| next(deals) as u32).collect();
            let ranks: Vec<u32> = (0..1 + next(5)).map(|_| next(30) as u32).collect();
            runs.add_run(&run_deals, &ranks, deals as usize);
            for &d in &run_deals {
                for &r in &ranks {
                    pairs.add_pair(d, r, deals as usize);
                }
                let mut ends = DealEnds::default();
                ends.add(i, ranks[0]);
                runs.add_ends(d, &ends, deals as usize);
                pairs.add_ends(d, &ends, deals as usize);
            }
            if next(400) == 0 {
                runs.seal();
            }
        }
        assert_eq!(collect(&mut runs), collect(&mut pairs));
    }
}
