//! The per-asset, per-user and per-file tallies that one pass over the events builds.

use crate::analysis::file_tally::{Exclusion, Exclusions, FileTally, TimeSpan};
use crate::analysis::periods::TrendTally;
use crate::analysis::touches::TouchTally;
use crate::input::time::Millis;
use crate::keys::{PairSet, SmallKey};
use rustc_hash::FxHashMap;

/// How the event rows were accounted for: [`EventCounts::read`] = skipped + excluded +
/// orphan + counted.
///
/// These are events: a row of a file with a count column stands for its count (a skipped
/// row for one). `rows` counts the data rows themselves.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct EventCounts {
    pub rows: u64,
    /// Rows whose count was read, and the sum of those counts: the hot path without a count
    /// column touches neither.
    pub weighted_rows: u64,
    pub weights: u64,
    pub skipped: u64,
    pub excluded: u64,
    pub orphan: u64,
    pub counted: u64,
}

impl EventCounts {
    /// Events read: every row as one, but a row with a count as its count.
    pub fn read(&self) -> u64 {
        self.rows - self.weighted_rows + self.weights
    }

    pub fn add(&mut self, other: &EventCounts) {
        self.rows += other.rows;
        self.weighted_rows += other.weighted_rows;
        self.weights += other.weights;
        self.skipped += other.skipped;
        self.excluded += other.excluded;
        self.orphan += other.orphan;
        self.counted += other.counted;
    }
}

/// Counted usage of one asset: 24 bytes (first and last are not `Option`s, 16 bytes each, and
/// the events left out are kept apart, in [`Aggregate::excluded`]), so that the row per asset
/// a part reads at random, once an event, takes half the cache it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AssetUsage {
    pub opens: u64,
    /// [`Millis::MAX`] until the first counted event.
    first: Millis,
    /// [`Millis::MIN`] until the first counted event.
    last: Millis,
}

impl Default for AssetUsage {
    fn default() -> Self {
        AssetUsage {
            opens: 0,
            first: Millis::MAX,
            last: Millis::MIN,
        }
    }
}

impl AssetUsage {
    /// The earliest counted event; `None` before any.
    #[inline]
    pub fn first(&self) -> Option<Millis> {
        (self.first != Millis::MAX).then_some(self.first)
    }

    /// The latest counted event; `None` before any.
    #[inline]
    pub fn last(&self) -> Option<Millis> {
        (self.last != Millis::MIN).then_some(self.last)
    }

    #[inline]
    fn count(&mut self, t: Millis, events: u64) {
        self.opens += events;
        self.first = self.first.min(t);
        self.last = self.last.max(t);
    }

    fn merge(&mut self, other: &AssetUsage) {
        self.opens += other.opens;
        self.first = self.first.min(other.first);
        self.last = self.last.max(other.last);
    }
}

/// Counted usage by one user.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct UserUsage {
    pub events: u64,
    pub first: Millis,
    pub last: Millis,
}

/// Gives small integer ids to folded keys, remembering each key's first spelling.
#[derive(Debug, Default, Clone)]
pub struct Interner {
    ids: FxHashMap<SmallKey, u32>,
    spellings: Vec<String>,
}

impl Interner {
    /// The id of `key`, new or known; `spelling` is kept for a new key.
    #[inline]
    pub fn intern(&mut self, key: &[u8], spelling: &[u8]) -> u32 {
        if let Some(&id) = self.ids.get(key) {
            return id;
        }
        let id = self.spellings.len() as u32;
        self.ids.insert(SmallKey::new(key), id);
        self.spellings
            .push(String::from_utf8_lossy(spelling.trim_ascii()).into_owned());
        id
    }

    pub fn get(&self, key: &[u8]) -> Option<u32> {
        self.ids.get(key).copied()
    }

    pub fn spelling(&self, id: u32) -> &str {
        &self.spellings[id as usize]
    }

    pub fn len(&self) -> usize {
        self.spellings.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spellings.is_empty()
    }

    /// The folded key of every id, in id order.
    pub fn keys_by_id(&self) -> Vec<&[u8]> {
        let mut keys: Vec<&[u8]> = vec![&[]; self.spellings.len()];
        for (key, &id) in &self.ids {
            keys[id as usize] = key.as_bytes();
        }
        keys
    }
}

/// How many distinct orphan ids are remembered for `check`; past that they are only counted.
const ORPHAN_IDS_KEPT: usize = 10_000;

/// Everything one pass over the usage logs learns.
#[derive(Debug, Default, Clone)]
pub struct Aggregate {
    pub counts: EventCounts,
    /// Indexed like the inventory (empty in a part that keeps `part_assets` instead).
    pub assets: Vec<AssetUsage>,
    /// A part of the input read beside others, for a large inventory: only the assets it
    /// touches, so sixteen parts do not each hold a row per asset. Merged into a whole
    /// aggregate, which is always dense.
    pub part_assets: Option<FxHashMap<u32, AssetUsage>>,
    /// Events on each asset that a filter or the window left out, indexed like the
    /// inventory (in a part that keeps `part_assets`, in `part_excluded` instead). Apart from
    /// `assets`: a counted row never reads them.
    pub excluded: Vec<u64>,
    part_excluded: FxHashMap<u32, u64>,
    /// Distinct (asset, user) pairs among counted events.
    pub pairs: PairSet,
    pub users: Interner,
    /// Indexed by user id.
    pub user_usage: Vec<UserUsage>,
    pub teams: Interner,
    /// Counted events per (user, team), packed as `user << 32 | team`; complete once settled.
    pub user_teams: FxHashMap<u64, u64>,
    /// Indexed by user id: the first team counted with the user and its events not yet in
    /// `user_teams` (a rep is nearly always in one team, so most rows add here, beside the
    /// user's usage, instead of hashing the pair).
    team_pending: Vec<(u32, u64)>,
    /// Orphan events per unknown asset id (the first [`ORPHAN_IDS_KEPT`] ids).
    pub orphan_ids: FxHashMap<Box<[u8]>, u64>,
    /// Earliest and latest readable event time, counted or not, of the files finished
    /// ([`Aggregate::finish_file`]): every file, once the pass is over.
    pub time_range: TimeSpan,
    /// Excluded events by the step that removed them.
    pub excluded_by: Exclusions,
    /// The events file being read.
    pub file: FileTally,
    /// The events files read, in order.
    pub files: Vec<FileTally>,
    /// Per-period tallies, kept only when a trend was asked for.
    pub trend: Option<TrendTally>,
    /// `influence`: the deals that counted-but-for-the-window events touch.
    pub touches: TouchTally,
    asset_count: usize,
}

/// `asset`'s usage in a part that keeps only the assets it touches (kept out of line: the
/// dense array is the common case, and a row's count should not call through this).
#[cold]
fn part_asset(part: &mut FxHashMap<u32, AssetUsage>, asset: u32) -> &mut AssetUsage {
    part.entry(asset).or_default()
}

/// Parts of the input keep only the assets they touch above this many assets (a dense row
/// per asset is then megabytes a part; below it, indexing beats hashing).
const SPARSE_PARTS_FROM: usize = 1 << 16;

impl Aggregate {
    pub fn new(asset_count: usize) -> Aggregate {
        Aggregate {
            assets: vec![AssetUsage::default(); asset_count],
            excluded: vec![0; asset_count],
            asset_count,
            pairs: PairSet::new(asset_count),
            ..Aggregate::default()
        }
    }

    /// A fresh aggregate for the same inventory and trend, for another part of the input.
    /// With a large inventory it keeps only the assets its part touches.
    pub fn empty_like(&self) -> Aggregate {
        let asset_count = self.asset_count();
        let sparse = asset_count > SPARSE_PARTS_FROM;
        Aggregate {
            assets: if sparse {
                Vec::new()
            } else {
                vec![AssetUsage::default(); asset_count]
            },
            excluded: if sparse {
                Vec::new()
            } else {
                vec![0; asset_count]
            },
            part_assets: sparse.then(FxHashMap::default),
            asset_count,
            pairs: if !self.pairs.is_kept() {
                PairSet::unkept()
            } else if sparse {
                PairSet::lists()
            } else {
                PairSet::new(asset_count)
            },
            trend: self
                .trend
                .as_ref()
                .map(|t| TrendTally::new(t.period, t.split.clone())),
            ..Aggregate::default()
        }
    }

    /// The inventory's size.
    pub fn asset_count(&self) -> usize {
        self.asset_count
    }

    /// The usage of an asset, to count into.
    #[inline]
    fn asset_mut(&mut self, asset: u32) -> &mut AssetUsage {
        match &mut self.part_assets {
            None => &mut self.assets[asset as usize],
            Some(part) => part_asset(part, asset),
        }
    }

    /// Starts loading `asset`'s counters, which a row a few rows on will count into.
    #[inline]
    pub fn prefetch_asset(&self, asset: u32) {
        if let Some(usage) = self.assets.get(asset as usize) {
            crate::prefetch::prefetch(usage);
        }
    }

    /// Starts loading `user`'s usage, which a row a few rows on will count into.
    #[inline]
    pub fn prefetch_user(&self, user: u32) {
        if let Some(usage) = self.user_usage.get(user as usize) {
            crate::prefetch::prefetch(usage);
        }
    }

    /// The events left out on `asset`, to count into.
    fn excluded_mut(&mut self, asset: u32) -> &mut u64 {
        match &self.part_assets {
            None => &mut self.excluded[asset as usize],
            Some(_) => self.part_excluded.entry(asset).or_default(),
        }
    }

    /// True before any row was read into it (a merge into it is then a move).
    pub fn is_untouched(&self) -> bool {
        self.counts.rows == 0
            && self.users.is_empty()
            && self.teams.is_empty()
            && self.files.is_empty()
    }

    /// Records a counted row standing for `events` events (at least one).
    #[inline]
    pub fn count(
        &mut self,
        asset: u32,
        t: Millis,
        user: Option<u32>,
        team: Option<u32>,
        events: u64,
    ) {
        self.count_inlined(asset, t, user, team, events);
    }

    /// [`Aggregate::count`], always inlined: for the usual row's short path, where LLVM left
    /// it a call whose saving and restoring of registers cost about 20 instructions a row.
    #[inline(always)]
    pub fn count_inlined(
        &mut self,
        asset: u32,
        t: Millis,
        user: Option<u32>,
        team: Option<u32>,
        events: u64,
    ) {
        self.counts.counted += events;
        self.asset_mut(asset).count(t, events);
        if let Some(trend) = &mut self.trend {
            trend.count(asset, t, user, team, events);
        }
        let Some(user) = user else { return };
        self.pairs.insert(asset, user);
        let usage = &mut self.user_usage[user as usize];
        if usage.events == 0 {
            usage.first = t;
            usage.last = t;
        } else {
            usage.first = usage.first.min(t);
            usage.last = usage.last.max(t);
        }
        usage.events += events;
        if let Some(team) = team {
            let pending = &mut self.team_pending[user as usize];
            if pending.0 == team {
                pending.1 += events;
            } else if pending.1 == 0 {
                *pending = (team, events);
            } else {
                *self
                    .user_teams
                    .entry(u64::from(user) << 32 | u64::from(team))
                    .or_default() += events;
            }
        }
    }

    /// Applies buffered work; call once the rows are in, before reading the tallies.
    pub fn settle(&mut self) {
        self.settle_teams();
        self.pairs.settle();
        self.touches.seal();
        if let Some(trend) = &mut self.trend {
            trend.settle();
        }
    }

    /// Moves the pending (user, first team) counts into `user_teams`.
    fn settle_teams(&mut self) {
        for (user, pending) in self.team_pending.iter_mut().enumerate() {
            if pending.1 > 0 {
                let key = (user as u64) << 32 | u64::from(pending.0);
                *self.user_teams.entry(key).or_default() += pending.1;
                pending.1 = 0;
            }
        }
    }

    /// The id of a user about to be counted.
    #[inline]
    pub fn user_id(&mut self, key: &[u8], spelling: &[u8]) -> u32 {
        let id = self.users.intern(key, spelling);
        if id as usize == self.user_usage.len() {
            self.user_usage.push(UserUsage::default());
            self.team_pending.push((u32::MAX, 0));
        }
        id
    }

    /// Records an excluded row standing for `events` events.
    #[inline]
    pub fn exclude(&mut self, asset: Option<u32>, step: Exclusion, events: u64) {
        self.counts.excluded += events;
        self.excluded_by.add(step, events);
        if let Some(asset) = asset {
            *self.excluded_mut(asset) += events;
        }
    }

    /// Records an orphan row standing for `events` events.
    #[inline]
    pub fn orphan(&mut self, raw_id: &[u8], events: u64) {
        self.counts.orphan += events;
        if let Some(n) = self.orphan_ids.get_mut(raw_id) {
            *n += events;
        } else if self.orphan_ids.len() < ORPHAN_IDS_KEPT {
            self.orphan_ids.insert(raw_id.into(), events);
        }
    }

    /// A readable time: the open file's range takes it in, and the whole pass's takes the
    /// file's when the file is finished.
    #[inline]
    pub fn saw_time(&mut self, t: Millis) {
        self.file.saw_time(t);
    }

    /// Closes the tally of the file just read: `rows` data rows, `skipped` of them bad.
    pub fn finish_file(&mut self, path: &str, rows: u64, skipped: u64) {
        self.time_range.merge(&self.file.times);
        let mut file = std::mem::take(&mut self.file);
        file.path = path.to_string();
        file.rows = rows;
        file.skipped = skipped;
        self.files.push(file);
    }

    /// Takes in the aggregate of the next part of the input: a move while this one is empty.
    pub fn absorb(&mut self, next: Aggregate) {
        if self.is_untouched() && next.part_assets.is_none() && self.part_assets.is_none() {
            *self = next;
        } else {
            self.merge(next);
        }
    }

    /// Folds another aggregate (from a later part of the input) into this one.
    ///
    /// User and team ids differ between aggregates, so the other's are re-interned;
    /// first spellings stay ours, which keeps file order when parts are merged in order.
    pub fn merge(&mut self, mut other: Aggregate) {
        other.settle();
        self.counts.add(&other.counts);
        match other.part_assets.take() {
            Some(part) => {
                for (asset, theirs) in part {
                    self.asset_mut(asset).merge(&theirs);
                }
                for (asset, n) in std::mem::take(&mut other.part_excluded) {
                    *self.excluded_mut(asset) += n;
                }
            }
            None if self.part_assets.is_none() => {
                for (mine, theirs) in self.assets.iter_mut().zip(&other.assets) {
                    mine.merge(theirs);
                }
                for (mine, theirs) in self.excluded.iter_mut().zip(&other.excluded) {
                    *mine += theirs;
                }
            }
            None => {
                for (asset, theirs) in other.assets.iter().enumerate() {
                    if *theirs != AssetUsage::default() {
                        self.asset_mut(asset as u32).merge(theirs);
                    }
                }
                for (asset, &n) in other.excluded.iter().enumerate() {
                    if n != 0 {
                        *self.excluded_mut(asset as u32) += n;
                    }
                }
            }
        }
        let user_map = self.merge_users(&other);
        let team_map: Vec<u32> = other
            .teams
            .keys_by_id()
            .into_iter()
            .enumerate()
            .map(|(id, key)| {
                self.teams
                    .intern(key, other.teams.spelling(id as u32).as_bytes())
            })
            .collect();
        self.pairs.merge(&other.pairs, &user_map);
        for (key, n) in other.user_teams {
            let (user, team) = ((key >> 32) as usize, key as u32 as usize);
            let mapped = u64::from(user_map[user]) << 32 | u64::from(team_map[team]);
            *self.user_teams.entry(mapped).or_default() += n;
        }
        for (id, n) in other.orphan_ids {
            if let Some(mine) = self.orphan_ids.get_mut(&id) {
                *mine += n;
            } else if self.orphan_ids.len() < ORPHAN_IDS_KEPT {
                self.orphan_ids.insert(id, n);
            }
        }
        self.time_range.merge(&other.time_range);
        self.excluded_by.merge(&other.excluded_by);
        // The other's open file is the next part of ours (or empty when it was finished).
        self.file.merge(&other.file);
        self.files.extend(other.files);
        self.touches.merge(other.touches);
        if let (Some(mine), Some(theirs)) = (&mut self.trend, other.trend) {
            mine.merge(theirs, &user_map, &team_map);
        }
    }

    /// Re-interns the other aggregate's users; returns their id in this aggregate.
    fn merge_users(&mut self, other: &Aggregate) -> Vec<u32> {
        let keys = other.users.keys_by_id();
        let mut map = Vec::with_capacity(keys.len());
        for (id, key) in keys.into_iter().enumerate() {
            let mine = self.user_id(key, other.users.spelling(id as u32).as_bytes());
            let theirs = other.user_usage[id];
            let usage = &mut self.user_usage[mine as usize];
            if theirs.events > 0 {
                if usage.events == 0 {
                    *usage = theirs;
                } else {
                    usage.events += theirs.events;
                    usage.first = usage.first.min(theirs.first);
                    usage.last = usage.last.max(theirs.last);
                }
            }
            map.push(mine);
        }
        map
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counted(agg: &mut Aggregate, asset: u32, t: Millis, user: &str, team: &str) {
        let u = agg.user_id(user.to_lowercase().as_bytes(), user.as_bytes());
        let tm = agg
            .teams
            .intern(team.to_lowercase().as_bytes(), team.as_bytes());
        agg.count(asset, t, Some(u), Some(tm), 1);
    }

    #[test]
    fn merging_two_halves_equals_one_pass() {
        let events = [
            (0, 5, "Ann", "Sales"),
            (1, 3, "bob", "SDR"),
            (0, 9, "ann", "Sales"),
            (1, 1, "Cy", "Sales"),
            (0, 2, "BOB", "sdr"),
            (1, 4, "ann", "SDR"),
            (1, 6, "bob", "Sales"),
        ];
        let mut whole = Aggregate::new(2);
        for &(a, t, u, tm) in &events {
            counted(&mut whole, a, t, u, tm);
        }
        let mut first = Aggregate::new(2);
        let mut second = Aggregate::new(2);
        for &(a, t, u, tm) in &events[..2] {
            counted(&mut first, a, t, u, tm);
        }
        for &(a, t, u, tm) in &events[2..] {
            counted(&mut second, a, t, u, tm);
        }
        whole.exclude(Some(1), Exclusion::Window, 2);
        second.exclude(Some(1), Exclusion::Window, 2);
        first.merge(second);
        first.settle();
        whole.settle();
        assert_eq!(first.counts, whole.counts);
        assert_eq!(first.assets, whole.assets);
        assert_eq!(
            (first.excluded.clone(), whole.excluded.clone()),
            (vec![0, 2], vec![0, 2])
        );
        assert_eq!(first.pairs, whole.pairs);
        assert_eq!(first.user_usage, whole.user_usage);
        assert_eq!(first.user_teams, whole.user_teams);
        // Ann: 2 in Sales, 1 in SDR; bob: 2 in SDR, 1 in Sales; Cy: 1 in Sales.
        let team = |user: u64, team: &str| {
            let t = u64::from(whole.teams.get(team.as_bytes()).expect("team"));
            whole.user_teams.get(&(user << 32 | t)).copied()
        };
        assert_eq!((team(0, "sales"), team(0, "sdr")), (Some(2), Some(1)));
        assert_eq!((team(1, "sdr"), team(1, "sales")), (Some(2), Some(1)));
        assert_eq!(team(2, "sales"), Some(1));
        assert_eq!(first.users.spelling(0), "Ann");
        assert_eq!(first.assets[0].first(), Some(2));
        assert_eq!(first.assets[0].last(), Some(9));
    }

    #[test]
    fn parts_of_a_large_inventory_keep_only_what_they_touch_and_merge_alike() {
        let assets = SPARSE_PARTS_FROM + 10;
        let events: Vec<(u32, i64)> = (0..5000u32)
            .map(|i| ((i * 7919) % assets as u32, i64::from(i)))
            .collect();
        let mut whole = Aggregate::new(assets);
        for &(a, t) in &events {
            let user = whole.user_id(format!("u{}", t % 50).as_bytes(), b"u");
            whole.count(a, t, Some(user), None, 1);
        }
        whole.exclude(Some(3), Exclusion::Window, 1);
        let mut main = Aggregate::new(assets);
        let (first, second) = events.split_at(2000);
        let mut parts = Vec::new();
        for half in [first, second] {
            let mut part = main.empty_like();
            assert!(part.assets.is_empty() && part.part_assets.is_some());
            for &(a, t) in half {
                let user = part.user_id(format!("u{}", t % 50).as_bytes(), b"u");
                part.count(a, t, Some(user), None, 1);
            }
            part.settle();
            parts.push(part);
        }
        parts[1].exclude(Some(3), Exclusion::Window, 1);
        for part in parts {
            main.absorb(part);
        }
        assert!(main.part_assets.is_none());
        main.settle();
        whole.settle();
        assert_eq!(main.pairs.len(), whole.pairs.len());
        assert_eq!(main.users.len(), 50);
        assert_eq!(main.assets, whole.assets);
        assert_eq!(main.excluded, whole.excluded);
        assert_eq!(
            (main.excluded[3], main.excluded.iter().sum::<u64>()),
            (1, 1)
        );
        assert_eq!(main.counts.counted, whole.counts.counted);
    }
}
