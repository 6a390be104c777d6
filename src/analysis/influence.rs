//! Revenue influence: each deal's window, the index that finds the deals whose windows hold
//! a counted event, and what the touches add up to per deal and per asset.

use crate::analysis::touches::{DealAssets, DealEnds, TouchTally};
use crate::config::Window;
use crate::input::file_report::FileReport;
use crate::input::opportunities::{Deals, Outcome};
use crate::input::source::InputPath;
use crate::input::time::{Millis, MS_PER_DAY};
use rustc_hash::FxHashMap;
use std::sync::OnceLock;

/// How events find deals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    Opportunity,
    Account,
    Owner,
}

impl Link {
    pub fn as_str(self) -> &'static str {
        match self {
            Link::Opportunity => "opportunity",
            Link::Account => "account",
            Link::Owner => "owner",
        }
    }
}

/// How a won deal's amount is shared among its touched assets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    Linear,
    First,
    Last,
    UShaped,
}

impl Model {
    pub fn as_str(self) -> &'static str {
        match self {
            Model::Linear => "linear",
            Model::First => "first",
            Model::Last => "last",
            Model::UShaped => "u-shaped",
        }
    }
}

/// `--lookback`, `--cycle-days`, `--link`.
#[derive(Debug, Clone, Copy)]
pub struct WindowRules {
    pub lookback_days: i64,
    pub cycle_days: i64,
    pub link: Option<Link>,
}

/// The windows of one key's deals, by start.
#[derive(Debug, Default)]
struct KeyDeals {
    spans: Vec<(Millis, Millis, u32)>,
    longest: Millis,
}

impl KeyDeals {
    fn add(&mut self, span: (Millis, Millis), deal: u32) {
        self.spans.push((span.0, span.1, deal));
        self.longest = self.longest.max(span.1 - span.0);
    }

    /// The first window starting after `t` minus the longest window (none before it can hold
    /// `t`), searched from `hint` and left there.
    #[inline]
    fn first_candidate(&self, t: Millis, hint: &mut u32) -> usize {
        let floor = t.saturating_sub(self.longest);
        let spans = &self.spans[..];
        let mut lo = (*hint as usize).min(spans.len());
        if lo > 0 && spans[lo - 1].0 > floor {
            lo = spans[..lo].partition_point(|s| s.0 <= floor);
        } else {
            let mut steps = 0;
            while lo < spans.len() && spans[lo].0 <= floor {
                lo += 1;
                steps += 1;
                if steps == 8 {
                    lo += spans[lo..].partition_point(|s| s.0 <= floor);
                    break;
                }
            }
        }
        *hint = lo as u32;
        lo
    }

    /// Every deal whose window holds `t`: only windows starting after `t` minus the longest
    /// window and at or before `t` can.
    fn each(&self, t: Millis, f: &mut impl FnMut(u32)) {
        self.each_from(t, &mut 0, f)
    }

    /// [`KeyDeals::each`], starting the search where the previous one (`hint`) ended: the
    /// events of a key mostly come in time order, so the first window that can hold `t` is
    /// usually at the hint or a step or two after it, and the few windows looked at sit in
    /// one or two cache lines instead of a binary search's scattered ones. Any hint gives the
    /// same deals.
    #[inline]
    fn each_from(&self, t: Millis, hint: &mut u32, f: &mut impl FnMut(u32)) {
        let lo = self.first_candidate(t, hint);
        for &(start, end, deal) in &self.spans[lo..] {
            if start > t {
                break;
            }
            if t < end {
                f(deal);
            }
        }
    }
}

/// The deals of one owner whose windows hold every time in `[from, until)`, remembered per
/// user by a part of the pass: a rep's events mostly come in time order, and the deals holding
/// them change only when a window opens or closes, so most events find their deals in this one
/// record instead of in the owner's list of windows.
#[derive(Debug, Clone, Copy)]
#[repr(align(64))]
pub struct ActiveDeals {
    from: Millis,
    until: Millis,
    /// Where the last search of the owner's windows ended.
    hint: u32,
    /// How many of `deals` hold; [`ActiveDeals::OVERFLOW`] when more deals than fit do, and
    /// each event searches the windows.
    len: u32,
    deals: [u32; ActiveDeals::HELD],
    /// The assets of the last events that found their deals here, not yet given: every one
    /// of them touched every deal held, so they are given as one run ([`Touch::Run`]) when
    /// [`ActiveDeals::RUN`] have come, or the deals change, or the part ends.
    assets: [u32; ActiveDeals::RUN],
    run: u32,
    /// The touches of the events that found their deals here since the last refresh: every
    /// one of them touched every deal held, so their count and first and last touch are the
    /// same for each, and are given to the deals when the cache is refreshed or the part ends
    /// (instead of updating each deal's record, a cache miss, on every event).
    pending: DealEnds,
}

// Three cache lines a rep: room for 21 assets a run.
const _: () = assert!(std::mem::size_of::<ActiveDeals>() == 192);

impl ActiveDeals {
    const HELD: usize = 10;
    const RUN: usize = 21;
    const OVERFLOW: u32 = u32::MAX;

    /// Gives the assets waiting as a run and the pending touches' ends to each deal held, and
    /// forgets them.
    pub fn flush(&mut self, touch: &mut impl FnMut(Touch)) {
        if self.len == ActiveDeals::OVERFLOW {
            return;
        }
        let deals = &self.deals[..self.len as usize];
        if self.run > 0 {
            touch(Touch::Run(deals, &self.assets[..self.run as usize]));
            self.run = 0;
        }
        if self.pending.touches == 0 {
            return;
        }
        for &deal in deals {
            touch(Touch::Ends(deal, &self.pending));
        }
        self.pending = DealEnds::default();
    }
}

impl Default for ActiveDeals {
    fn default() -> Self {
        ActiveDeals {
            from: Millis::MAX,
            until: Millis::MIN,
            hint: 0,
            len: 0,
            deals: [0; ActiveDeals::HELD],
            assets: [0; ActiveDeals::RUN],
            run: 0,
            pending: DealEnds::default(),
        }
    }
}

impl KeyDeals {
    /// [`KeyDeals::each`] through `cache`, refreshed when `t` is outside the times it holds
    /// for. An event at `t` on `asset` (of rank `rank`) through `cache` waits there: its
    /// asset with the assets given to the deals held as a [`Touch::Run`], its time and rank
    /// with their ends, given as [`Touch::Ends`] before a refresh changes the deals held; past
    /// the cache's room every deal gets a [`Touch::Whole`].
    #[inline]
    fn touch_cached(
        &self,
        t: Millis,
        asset: u32,
        rank: u32,
        cache: &mut ActiveDeals,
        touch: &mut impl FnMut(Touch),
    ) {
        if !(cache.from <= t && t < cache.until) {
            cache.flush(touch);
            self.refresh(t, cache);
        }
        match cache.len {
            ActiveDeals::OVERFLOW => self.each_from(t, &mut cache.hint, &mut |deal| {
                touch(Touch::Whole(deal, t, asset, rank))
            }),
            0 => {}
            len => {
                cache.pending.add(t, rank);
                cache.assets[cache.run as usize] = asset;
                cache.run += 1;
                if cache.run as usize == ActiveDeals::RUN {
                    touch(Touch::Run(&cache.deals[..len as usize], &cache.assets));
                    cache.run = 0;
                }
            }
        }
    }

    /// Fills `cache` with the deals whose windows hold `t`, valid from `t` until the next
    /// window opens or a holding one closes. Windows starting at or before `t` minus the
    /// longest window closed by `t`, so they hold no later time either.
    fn refresh(&self, t: Millis, cache: &mut ActiveDeals) {
        let mut found = 0usize;
        let mut until = Millis::MAX;
        let mut next_start = Millis::MAX;
        let spans = &self.spans[..];
        let mut hint = cache.hint;
        let lo = self.first_candidate(t, &mut hint);
        for &(start, end, deal) in &spans[lo..] {
            if start > t {
                next_start = start;
                break;
            }
            if t < end {
                if found < ActiveDeals::HELD {
                    cache.deals[found] = deal;
                }
                found += 1;
                until = until.min(end);
            }
        }
        cache.hint = hint;
        cache.from = t;
        cache.until = until.min(next_start);
        cache.len = if found > ActiveDeals::HELD {
            ActiveDeals::OVERFLOW
        } else {
            found as u32
        };
    }
}

/// The deals, their windows and scope, and the index events look them up by.
#[derive(Debug)]
pub struct DealIndex {
    pub deals: Deals,
    /// `[start, end)` of each deal's window.
    pub windows: Vec<(Millis, Millis)>,
    pub in_scope: Vec<bool>,
    pub rules: WindowRules,
    by_id: FxHashMap<Vec<u8>, u32>,
    by_account: FxHashMap<Vec<u8>, KeyDeals>,
    /// Owners by slot, so that a pass can remember each user's slot instead of hashing the
    /// user on every event.
    owner_slots: FxHashMap<Vec<u8>, u32>,
    owners: Vec<KeyDeals>,
    /// The rule in use, decided by the first events file's columns when not asked for.
    pub link: OnceLock<Link>,
    /// The opportunities files as read (for a snapshot's `inputs`), each with its path.
    pub files: Vec<(FileReport, InputPath)>,
}

impl DealIndex {
    pub fn new(deals: Deals, window: Window, rules: WindowRules) -> DealIndex {
        let as_of_day = window.as_of.div_euclid(MS_PER_DAY);
        let mut windows = Vec::with_capacity(deals.deals.len());
        let mut in_scope = Vec::with_capacity(deals.deals.len());
        let (mut by_id, mut by_account, mut owner_slots) = (
            FxHashMap::default(),
            FxHashMap::<Vec<u8>, KeyDeals>::default(),
            FxHashMap::<Vec<u8>, u32>::default(),
        );
        let mut owners: Vec<KeyDeals> = Vec::new();
        for (i, deal) in deals.deals.iter().enumerate() {
            let (end_day, end) = match deal.close_day {
                Some(close) if deal.outcome.is_closed() => (close, (close + 1) * MS_PER_DAY),
                _ => (as_of_day, window.as_of),
            };
            let start_day = match deal.created_day {
                Some(created) => created - rules.lookback_days,
                None => end_day - rules.cycle_days - rules.lookback_days,
            };
            let span = (start_day * MS_PER_DAY, end);
            let scope = match (deal.outcome.is_closed(), deal.close_day, deal.created_day) {
                (true, Some(close), _) => {
                    let midnight = close * MS_PER_DAY;
                    midnight < window.until && window.since.is_none_or(|s| midnight >= s)
                }
                (true, None, _) => false,
                (false, _, Some(created)) => created * MS_PER_DAY < window.as_of,
                (false, _, None) => true,
            };
            windows.push(span);
            in_scope.push(scope);
            if !scope {
                continue;
            }
            let i = i as u32;
            // With `--link` given, only its index is built; otherwise the events decide later.
            let wants = |link| rules.link.is_none_or(|asked| asked == link);
            if wants(Link::Opportunity) {
                by_id.insert(deals.id(deal).to_vec(), i);
            }
            // Keys are cloned only the first time they are seen.
            let account_key = deals.account_key(deal);
            if wants(Link::Account) && !account_key.is_empty() {
                match by_account.get_mut(account_key) {
                    Some(key) => key.add(span, i),
                    None => {
                        let mut key = KeyDeals::default();
                        key.add(span, i);
                        by_account.insert(account_key.to_vec(), key);
                    }
                }
            }
            let owner_key = deals.owner_key(deal);
            if wants(Link::Owner) && !owner_key.is_empty() {
                let slot = match owner_slots.get(owner_key) {
                    Some(&slot) => slot,
                    None => {
                        owners.push(KeyDeals::default());
                        let slot = (owners.len() - 1) as u32;
                        owner_slots.insert(owner_key.to_vec(), slot);
                        slot
                    }
                };
                owners[slot as usize].add(span, i);
            }
        }
        for key in by_account.values_mut().chain(owners.iter_mut()) {
            key.spans.sort_unstable();
        }
        DealIndex {
            deals,
            windows,
            in_scope,
            rules,
            by_id,
            by_account,
            owner_slots,
            owners,
            link: OnceLock::new(),
            files: Vec::new(),
        }
    }

    /// Calls `f` with every in-scope deal that an event with `key` (the opportunity id
    /// trimmed, or the account or user folded) at `t` touches under `link`.
    #[inline]
    pub fn each_touched(&self, link: Link, key: &[u8], t: Millis, mut f: impl FnMut(u32)) {
        if key.is_empty() {
            return;
        }
        match link {
            Link::Opportunity => {
                if let Some(&deal) = self.by_id.get(key) {
                    let (start, end) = self.windows[deal as usize];
                    if start <= t && t < end {
                        f(deal);
                    }
                }
            }
            Link::Account => {
                if let Some(k) = self.by_account.get(key) {
                    k.each(t, &mut f)
                }
            }
            Link::Owner => {
                if let Some(slot) = self.owner_slot(key) {
                    self.owners[slot as usize].each(t, &mut f)
                }
            }
        }
    }

    /// The slot of the deals owned by `key` (a folded user), if any.
    pub fn owner_slot(&self, key: &[u8]) -> Option<u32> {
        self.owner_slots.get(key).copied()
    }

    /// `each_touched` under `--link owner`, for the owner in `slot`.
    #[inline]
    /// What an event at `t` on `asset` (of rank `rank`) of the owner in `slot` does to the
    /// deals, through the owner's `cache` (see [`Touch`]).
    pub fn touch_owner_deals(
        &self,
        slot: u32,
        t: Millis,
        (asset, rank): (u32, u32),
        cache: &mut ActiveDeals,
        mut touch: impl FnMut(Touch),
    ) {
        self.owners[slot as usize].touch_cached(t, asset, rank, cache, &mut touch)
    }
}

/// What the events through a rep's [`ActiveDeals`] do to the deals.
pub enum Touch<'a> {
    /// Each of these deals met each of these assets; the events' ends wait in the cache.
    Run(&'a [u32], &'a [u32]),
    /// The ends of the touches that waited in the cache.
    Ends(u32, &'a DealEnds),
    /// An event at `t` on an asset (and its rank) touched it, pair and ends (the cache had no
    /// room for its deals).
    Whole(u32, Millis, u32, u32),
}

impl Touch<'_> {
    /// Hands the touch to `tally` (of a pass over `deal_count` deals).
    #[inline]
    pub fn give(self, tally: &mut TouchTally, deal_count: usize) {
        match self {
            Touch::Run(deals, assets) => tally.add_run(deals, assets, deal_count),
            Touch::Ends(deal, ends) => tally.add_ends(deal, ends, deal_count),
            Touch::Whole(deal, t, asset, rank) => tally.add(deal, asset, rank, t, deal_count),
        }
    }
}

/// What one deal's touches come to.
#[derive(Debug, Clone, PartialEq)]
pub struct DealTouches<'a> {
    pub deal: u32,
    /// Its distinct touched assets, by id.
    pub assets: &'a [u32],
    pub first: u32,
    pub last: u32,
    pub touches: u64,
}

/// Calls `visit` once per touched deal of `touches`, in deal order, with its distinct assets
/// (in no promised order: every use is a sum or a set). `rank` orders assets by id as plain
/// text (a permutation of the asset indexes): the first and last touches are kept by rank.
pub fn each_deal(touches: &TouchTally, rank: &[u32], mut visit: impl FnMut(&DealTouches)) {
    let by_rank = by_rank(rank);
    touches.each_deal(|deal, assets, ends| {
        visit(&DealTouches {
            deal,
            assets,
            first: by_rank[ends.first.1 as usize],
            last: by_rank[ends.last.1 as usize],
            touches: ends.touches,
        });
    });
}

/// Each asset by its rank (`rank` turned around).
fn by_rank(rank: &[u32]) -> Vec<u32> {
    let mut by_rank = vec![0u32; rank.len()];
    for (asset, &r) in rank.iter().enumerate() {
        by_rank[r as usize] = asset as u32;
    }
    by_rank
}

/// [`each_deal`] in two stages on two threads: a helper thread walks the deals (joining each
/// one's parts and dropping repeats) a batch ahead, and `visit` runs on the calling thread, in
/// deal order all the same, so sums it keeps come out as from [`each_deal`] to the last bit.
pub fn each_deal_ahead(touches: &TouchTally, rank: &[u32], mut visit: impl FnMut(&DealTouches)) {
    /// Deals a batch: enough to keep the threads apart, few enough to stay in cache.
    const BATCH: usize = 512;
    /// Where a walked deal's assets are: the list one part kept (borrowed from the tally, not
    /// copied), or joined from several into the batch at `assets[from..to]`.
    enum Held<'t> {
        Kept(&'t [u32]),
        Joined(usize, usize),
    }
    /// A batch of walked deals: each deal's head and where its assets are.
    #[derive(Default)]
    struct Batch<'t> {
        heads: Vec<(u32, u32, u32, u64, Held<'t>)>,
        assets: Vec<u32>,
    }
    let (full, walked) = std::sync::mpsc::sync_channel::<Batch>(2);
    let (spare, room) = std::sync::mpsc::sync_channel::<Batch>(4);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let by_rank = by_rank(rank);
            let mut batch = Batch::default();
            touches.each_deal_lists(|deal, assets, ends| {
                let held = match assets {
                    DealAssets::Kept(list) => Held::Kept(list),
                    DealAssets::Joined(list) => {
                        let from = batch.assets.len();
                        batch.assets.extend_from_slice(list);
                        Held::Joined(from, batch.assets.len())
                    }
                };
                let (first, last) = (
                    by_rank[ends.first.1 as usize],
                    by_rank[ends.last.1 as usize],
                );
                batch.heads.push((deal, first, last, ends.touches, held));
                if batch.heads.len() == BATCH {
                    let next = room.try_recv().unwrap_or_default();
                    // The receiver is gone only if `visit` panicked: that panic is told.
                    let _ = full.send(std::mem::replace(&mut batch, next));
                }
            });
            if !batch.heads.is_empty() {
                let _ = full.send(batch);
            }
        });
        for mut batch in walked {
            for &(deal, first, last, touches, ref held) in &batch.heads {
                let assets = match *held {
                    Held::Kept(list) => list,
                    Held::Joined(from, to) => &batch.assets[from..to],
                };
                visit(&DealTouches {
                    deal,
                    assets,
                    first,
                    last,
                    touches,
                });
            }
            batch.heads.clear();
            batch.assets.clear();
            // Full only when the walker is far behind: the batch is then dropped.
            let _ = spare.try_send(batch);
        }
    });
}

/// The shares of `amount` each of a deal's touched assets gets under `model`, unrounded.
pub fn shares(model: Model, deal: &DealTouches, amount: f64, mut give: impl FnMut(u32, f64)) {
    match model {
        Model::Linear => {
            let share = amount / deal.assets.len() as f64;
            for &a in deal.assets {
                give(a, share);
            }
        }
        Model::First => give(deal.first, amount),
        Model::Last => give(deal.last, amount),
        Model::UShaped => {
            give(deal.first, amount * 0.4);
            give(deal.last, amount * 0.4);
            let others: Vec<u32> = deal
                .assets
                .iter()
                .copied()
                .filter(|&a| a != deal.first && a != deal.last)
                .collect();
            if others.is_empty() {
                give(deal.first, amount * 0.1);
                give(deal.last, amount * 0.1);
            } else {
                let share = amount * 0.2 / others.len() as f64;
                for a in others {
                    give(a, share);
                }
            }
        }
    }
}

/// The rank of each asset when ids are ordered as plain text.
pub fn id_ranks<'a>(ids: impl Iterator<Item = &'a str>) -> Vec<u32> {
    let ids: Vec<&str> = ids.collect();
    let mut order: Vec<u32> = (0..ids.len() as u32).collect();
    order.sort_by(|&a, &b| ids[a as usize].cmp(ids[b as usize]));
    let mut rank = vec![0; ids.len()];
    for (r, &a) in order.iter().enumerate() {
        rank[a as usize] = r as u32;
    }
    rank
}

/// True for a deal that counts as won (and so gives its amount).
pub fn is_won(outcome: Outcome) -> bool {
    outcome == Outcome::Won
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shared(model: Model, touches: &[(i64, u32)]) -> Vec<f64> {
        let rank = vec![0, 1, 2, 3];
        let mut list = TouchTally::default();
        for &(t, asset) in touches {
            list.add(0, asset, rank[asset as usize], t, 1);
        }
        let mut out = vec![0.0; 4];
        list.seal();
        each_deal(&list, &rank, |d| {
            shares(model, d, 100.0, |a, s| out[a as usize] += s)
        });
        out
    }

    #[test]
    fn deals_walked_ahead_come_as_walked_here() {
        // 3,001 deals (several batches), touched in a scrambled order by 50 assets, in two
        // parts so that some deals are joined from both.
        let (deals, assets) = (3_001usize, 50u32);
        let rank: Vec<u32> = (0..assets).rev().collect();
        let mut parts = [TouchTally::default(), TouchTally::default()];
        let mut x = 7u64;
        for i in 0..40_000i64 {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let deal = ((x >> 33) % deals as u64) as u32;
            let asset = ((x >> 17) % u64::from(assets)) as u32;
            parts[(i % 3 == 0) as usize].add(deal, asset, rank[asset as usize], i, deals);
        }
        let [mut tally, other] = parts;
        tally.seal();
        tally.merge(other);
        let owned = |d: &DealTouches| (d.deal, d.assets.to_vec(), d.first, d.last, d.touches);
        let (mut here, mut ahead) = (Vec::new(), Vec::new());
        each_deal(&tally, &rank, |d| here.push(owned(d)));
        each_deal_ahead(&tally, &rank, |d| ahead.push(owned(d)));
        assert!(here.len() > 2_000, "{}", here.len());
        assert_eq!(ahead, here);
    }

    #[test]
    fn u_shaped_as_defined() {
        assert_eq!(shared(Model::UShaped, &[(1, 0)]), [100.0, 0.0, 0.0, 0.0]);
        assert_eq!(
            shared(Model::UShaped, &[(1, 0), (2, 1)]),
            [50.0, 50.0, 0.0, 0.0]
        );
        let abc = shared(Model::UShaped, &[(1, 0), (2, 1), (3, 2)]);
        assert_eq!(abc, [40.0, 20.0, 40.0, 0.0]);
        let abca = shared(Model::UShaped, &[(1, 0), (2, 1), (3, 2), (4, 0)]);
        assert_eq!(abca, [80.0, 10.0, 10.0, 0.0]);
    }

    #[test]
    fn ties_go_to_the_smaller_id_both_ways() {
        let touches = [(5, 2), (5, 1), (9, 3), (9, 2)];
        assert_eq!(shared(Model::First, &touches), [0.0, 100.0, 0.0, 0.0]);
        assert_eq!(shared(Model::Last, &touches), [0.0, 0.0, 100.0, 0.0]);
        let linear = shared(Model::Linear, &touches);
        assert_eq!(linear, [0.0, 100.0 / 3.0, 100.0 / 3.0, 100.0 / 3.0]);
    }

    #[test]
    fn remembered_deals_are_the_deals_holding_the_time_in_any_order() {
        // Twelve windows holding t = 50 (more than a cache holds), and short ones around.
        let mut k = KeyDeals::default();
        let mut deal = 0;
        for start in (0..48).step_by(4) {
            k.add((start, 60 + start), deal);
            deal += 1;
        }
        for start in [10, 55, 70, 71, 90, 120] {
            k.add((start, start + 5), deal);
            deal += 1;
        }
        k.spans.sort_unstable();
        let direct = |t| {
            let mut v = Vec::new();
            k.each(t, &mut |d| v.push(d));
            v.sort_unstable();
            v
        };
        let forward: Vec<Millis> = (-5..140).collect();
        let mut times = forward.clone();
        times.extend(forward.iter().rev());
        times.extend([3, 130, 12, 59, 60, 14, 75, 71, 50, 0, 125]);
        // Runs that fill up: more events than a run holds between two refreshes.
        times.extend(std::iter::repeat_n(40, 2 * ActiveDeals::RUN + 3));
        times.extend(std::iter::repeat_n(12, ActiveDeals::RUN));
        // Each deal's (rank, time) touches and ends, through the cache as one by one.
        let mut cache = ActiveDeals::default();
        let deals = deal as usize;
        let (mut got, mut want) = (
            vec![DealEnds::default(); deals],
            vec![DealEnds::default(); deals],
        );
        let (mut got_pairs, mut want_pairs) = (Vec::new(), Vec::new());
        let mut give = |touch: Touch| match touch {
            Touch::Run(deals, assets) => {
                assert!(!deals.is_empty() && !assets.is_empty());
                for &d in deals {
                    got_pairs.extend(assets.iter().map(|&a| (d, a)));
                }
            }
            Touch::Ends(d, ends) => got[d as usize].merge(ends),
            Touch::Whole(d, t, asset, rank) => {
                got_pairs.push((d, asset));
                got[d as usize].add(t, rank);
            }
        };
        for (i, t) in times.into_iter().enumerate() {
            // Pairs hold the asset, ends its rank (here the assets in reverse).
            let asset = (i % 7) as u32;
            let rank = 6 - asset;
            k.touch_cached(t, asset, rank, &mut cache, &mut give);
            for d in direct(t) {
                want[d as usize].add(t, rank);
                want_pairs.push((d, asset));
            }
        }
        cache.flush(&mut give);
        // Each deal's pairs in the order of its events.
        got_pairs.sort_by_key(|&(d, _)| d);
        want_pairs.sort_by_key(|&(d, _)| d);
        assert_eq!(got_pairs, want_pairs);
        assert_eq!(got, want);
    }

    #[test]
    fn a_key_finds_only_windows_holding_the_time() {
        let k = KeyDeals {
            spans: vec![(0, 10, 0), (5, 100, 1), (20, 30, 2)],
            longest: 95,
        };
        let found = |t| {
            let mut v = Vec::new();
            k.each(t, &mut |d| v.push(d));
            v
        };
        assert_eq!(found(0), vec![0]);
        assert_eq!(found(9), vec![0, 1]);
        assert_eq!(found(10), vec![1]);
        assert_eq!(found(25), vec![1, 2]);
        assert_eq!(found(100), Vec::<u32>::new());
        for hint in 0..5 {
            for t in [-1, 0, 5, 9, 10, 19, 20, 25, 30, 99, 100] {
                let (mut h, mut v) = (hint, Vec::new());
                k.each_from(t, &mut h, &mut |d| v.push(d));
                assert_eq!(v, found(t), "t {t} from hint {hint}");
            }
        }
    }
}
