//! Calendar periods (day, ISO week, month, quarter) and the per-period tallies behind `trends`.

use crate::input::time::{civil_from_days, days_from_civil, Millis, MS_PER_DAY};
use rustc_hash::FxHashMap;

/// The length of a trend or cohort period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    Day,
    /// ISO weeks, starting Monday.
    Week,
    Month,
    Quarter,
}

impl Period {
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Day => "day",
            Period::Week => "week",
            Period::Month => "month",
            Period::Quarter => "quarter",
        }
    }

    /// A number for the period containing `t`; consecutive periods have consecutive numbers.
    pub fn ordinal(self, t: Millis) -> i64 {
        let days = t.div_euclid(MS_PER_DAY);
        match self {
            Period::Day => days,
            // 1970-01-01 was a Thursday: day -3 is the Monday that starts week 0.
            Period::Week => (days + 3).div_euclid(7),
            Period::Month | Period::Quarter => {
                let (y, m, _) = civil_from_days(days);
                let month = y * 12 + i64::from(m) - 1;
                if self == Period::Month {
                    month
                } else {
                    month.div_euclid(3)
                }
            }
        }
    }

    /// Midnight UTC at which period `ordinal` starts.
    pub fn start(self, ordinal: i64) -> Millis {
        let days = match self {
            Period::Day => ordinal,
            Period::Week => ordinal * 7 - 3,
            Period::Month => first_day_of_month(ordinal),
            Period::Quarter => first_day_of_month(ordinal * 3),
        };
        days * MS_PER_DAY
    }

    /// Where period `ordinal` ends (exclusive): the next one's start.
    pub fn end(self, ordinal: i64) -> Millis {
        self.start(ordinal + 1)
    }

    /// `2026-03-15`, `2026-W03`, `2026-03`, `2026-Q1`.
    pub fn label(self, ordinal: i64) -> String {
        match self {
            Period::Day => {
                let (y, m, d) = civil_from_days(ordinal);
                format!("{y:04}-{m:02}-{d:02}")
            }
            Period::Week => {
                let (year, week) = iso_week(ordinal);
                format!("{year:04}-W{week:02}")
            }
            Period::Month => format!(
                "{:04}-{:02}",
                ordinal.div_euclid(12),
                ordinal.rem_euclid(12) + 1
            ),
            Period::Quarter => format!(
                "{:04}-Q{}",
                ordinal.div_euclid(4),
                ordinal.rem_euclid(4) + 1
            ),
        }
    }
}

fn first_day_of_month(month_ordinal: i64) -> i64 {
    let year = month_ordinal.div_euclid(12);
    let month = month_ordinal.rem_euclid(12) as u32 + 1;
    days_from_civil(year, month, 1)
}

/// ISO year and week number of week `ordinal`: the week belongs to the year of its Thursday.
fn iso_week(ordinal: i64) -> (i64, i64) {
    let thursday = ordinal * 7;
    let (year, _, _) = civil_from_days(thursday);
    let day_of_year = thursday - days_from_civil(year, 1, 1);
    (year, day_of_year / 7 + 1)
}

/// Which split of the trend an event falls in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrendSplit {
    Whole,
    /// The groups of each inventory asset (several with `--split`).
    ByAsset(crate::model::Groups),
    /// By the event's team (team ids from the aggregate's interner).
    ByTeam,
}

/// The group number of events with no team in a by-team trend.
pub const NO_TEAM: u32 = u32::MAX;

/// Counted events per (period, group), with distinct users and assets.
#[derive(Debug, Clone)]
pub struct TrendTally {
    pub period: Period,
    pub split: TrendSplit,
    /// Read through [`TrendTally::events`], once settled.
    events: FxHashMap<(i64, u32), u64>,
    /// Events of the (period, group) counted last, not yet in `events` (a log in time order
    /// counts into one for many rows): added by [`TrendTally::settle`].
    pending: ((i64, u32), u64),
    pub users: MemberSets,
    pub assets: MemberSets,
    /// First counted event per (team, asset), for by-team "ever used".
    pub first_by_team: FxHashMap<(u32, u32), Millis>,
    /// The period of the last row counted, as its first instant, the next period's and its
    /// ordinal (a log in time order stays in one for a while): a row inside it needs no date
    /// arithmetic.
    span: (Millis, Millis, i64),
    /// A whole trend's sets for the period in `span`; `None` after a settle, and for a split
    /// trend.
    hot: Option<Hot>,
}

/// Where a whole trend's sets for the period of its last row are: a row in the same period
/// (nearly every row of a log in time order) is counted with two comparisons of its time, no
/// date arithmetic, no key compared and no call.
#[derive(Debug, Clone, Copy)]
struct Hot {
    assets: u32,
    /// [`NO_SET`] while no user was counted in the period.
    users: u32,
}

/// No set in [`Hot::users`] yet.
const NO_SET: u32 = u32::MAX;

impl TrendTally {
    pub fn new(period: Period, split: TrendSplit) -> TrendTally {
        TrendTally {
            period,
            split,
            events: FxHashMap::default(),
            pending: Default::default(),
            users: MemberSets::default(),
            assets: MemberSets::default(),
            first_by_team: FxHashMap::default(),
            // No instant is in it.
            span: (0, 0, 0),
            hot: None,
        }
    }

    #[inline(always)]
    pub fn count(
        &mut self,
        asset: u32,
        t: Millis,
        user: Option<u32>,
        team: Option<u32>,
        events: u64,
    ) {
        if let Some(hot) = self.hot {
            let (start, end, _) = self.span;
            if start <= t && t < end && (user.is_none() || hot.users != NO_SET) {
                // `pending` holds this period's events (set with `hot`, both undone by a
                // settle).
                self.pending.1 += events;
                self.assets.sets[hot.assets as usize].1.insert(asset);
                if let Some(user) = user {
                    self.users.sets[hot.users as usize].1.insert(user);
                }
                return;
            }
        }
        self.count_cold(asset, t, user, team, events);
    }

    /// [`TrendTally::count`] of a row outside the hot period, or of a split trend.
    #[inline(never)]
    fn count_cold(
        &mut self,
        asset: u32,
        t: Millis,
        user: Option<u32>,
        team: Option<u32>,
        events: u64,
    ) {
        let ordinal = match self.span {
            (start, end, ordinal) if start <= t && t < end => ordinal,
            _ => {
                let ordinal = self.period.ordinal(t);
                self.span = (
                    self.period.start(ordinal),
                    self.period.end(ordinal),
                    ordinal,
                );
                ordinal
            }
        };
        let group = match &self.split {
            TrendSplit::Whole => 0,
            TrendSplit::ByAsset(groups) => {
                for &group in groups.of(asset as usize) {
                    *self.events.entry((ordinal, group)).or_default() += events;
                    self.assets.insert((ordinal, group), asset);
                    if let Some(user) = user {
                        self.users.insert((ordinal, group), user);
                    }
                }
                return;
            }
            TrendSplit::ByTeam => {
                let team = team.unwrap_or(NO_TEAM);
                let first = self.first_by_team.entry((team, asset)).or_insert(t);
                *first = (*first).min(t);
                team
            }
        };
        if self.pending.0 == (ordinal, group) {
            self.pending.1 += events;
        } else {
            self.settle();
            self.pending = ((ordinal, group), events);
        }
        self.assets.insert((ordinal, group), asset);
        if let Some(user) = user {
            self.users.insert((ordinal, group), user);
        }
        if matches!(self.split, TrendSplit::Whole) {
            let key = (ordinal, group);
            self.hot = Some(Hot {
                assets: self.assets.index[&key],
                users: self.users.index.get(&key).copied().unwrap_or(NO_SET),
            });
        }
    }

    /// Adds the pending events into the tally; call once the rows are in, before reading.
    pub fn settle(&mut self) {
        self.hot = None;
        let (key, events) = std::mem::take(&mut self.pending);
        if events > 0 {
            *self.events.entry(key).or_default() += events;
        }
    }

    /// Counted events per (period, group). Reading an unsettled tally is a bug, and panics
    /// rather than miscounting.
    pub fn events(&self) -> &FxHashMap<(i64, u32), u64> {
        assert_eq!(
            self.pending.1, 0,
            "a trend tally read before it was settled"
        );
        &self.events
    }

    /// Folds in a tally from another part of the input, whose user and team ids are mapped.
    pub fn merge(&mut self, mut other: TrendTally, user_map: &[u32], team_map: &[u32]) {
        other.settle();
        let by_team = matches!(other.split, TrendSplit::ByTeam);
        let team = |g: u32| -> u32 {
            if by_team && g != NO_TEAM {
                team_map[g as usize]
            } else {
                g
            }
        };
        for ((p, g), n) in other.events {
            *self.events.entry((p, team(g))).or_default() += n;
        }
        self.assets.merge(other.assets, team, |a| a);
        self.users
            .merge(other.users, team, |u| user_map[u as usize]);
        for ((g, a), t) in other.first_by_team {
            let first = self.first_by_team.entry((team(g), a)).or_insert(t);
            *first = (*first).min(t);
        }
    }
}

/// Distinct members (assets or users) per (period, group), so memory grows with the
/// members seen, never with events (a set of triples cost ~17 bytes each): each pair keeps
/// its members' ids in a list while that is smaller than a bitmap of every id up to the
/// largest seen, and a bitmap from then on (a split by title has as many groups as assets,
/// each with a few; the whole library in a month has thousands).
#[derive(Debug, Clone, Default)]
pub struct MemberSets {
    /// Where each (period, group)'s set is in `sets`.
    index: FxHashMap<(i64, u32), u32>,
    sets: Vec<((i64, u32), Members)>,
    /// The last key inserted into and its set: a log in time order, or a by-team trend's
    /// few teams, meets the same key row after row, without a hash lookup.
    last: Option<((i64, u32), u32)>,
}

#[derive(Debug, Clone)]
enum Members {
    /// Ids, possibly repeated since the last sort (sorted and deduplicated when it doubles).
    List {
        ids: Vec<u32>,
        sorted_len: usize,
    },
    Bits(Vec<u64>),
}

impl Default for Members {
    fn default() -> Self {
        Members::List {
            ids: Vec::new(),
            sorted_len: 0,
        }
    }
}

impl Members {
    #[inline(always)]
    fn insert(&mut self, member: u32) {
        match self {
            Members::Bits(bits) => set_bit(bits, member),
            Members::List { ids, sorted_len } => {
                if let Some(bits) = insert_listed(ids, sorted_len, member) {
                    *self = Members::Bits(bits);
                }
            }
        }
    }

    fn count(&self) -> u64 {
        match self {
            Members::Bits(bits) => bits.iter().map(|w| u64::from(w.count_ones())).sum(),
            Members::List { ids, .. } => {
                let mut ids = ids.clone();
                ids.sort_unstable();
                ids.dedup();
                ids.len() as u64
            }
        }
    }

    fn members(&self) -> Vec<u32> {
        match self {
            Members::Bits(bits) => bits
                .iter()
                .enumerate()
                .flat_map(|(word, &w)| {
                    (0..64u32)
                        .filter(move |bit| w & (1 << bit) != 0)
                        .map(move |bit| word as u32 * 64 + bit)
                })
                .collect(),
            Members::List { ids, .. } => ids.clone(),
        }
    }
}

/// [`Members::insert`] while the ids are a list: the bitmap to hold them instead, once a
/// sort shows it would be smaller.
#[inline(never)]
fn insert_listed(ids: &mut Vec<u32>, sorted_len: &mut usize, member: u32) -> Option<Vec<u64>> {
    ids.push(member);
    if ids.len() < (*sorted_len * 2).max(16) {
        return None;
    }
    ids.sort_unstable();
    ids.dedup();
    *sorted_len = ids.len();
    let max = ids.last().copied().unwrap_or(0) as usize;
    // 4 bytes an id in the list, one bit an id up to the largest in a bitmap.
    (ids.len() * 32 > max + 64).then(|| {
        let mut bits = Vec::new();
        for &id in ids.iter() {
            set_bit(&mut bits, id);
        }
        bits
    })
}

#[inline]
fn set_bit(bits: &mut Vec<u64>, member: u32) {
    let (word, bit) = (member as usize / 64, member % 64);
    if word >= bits.len() {
        bits.resize(word + 1, 0);
    }
    bits[word] |= 1 << bit;
}

impl MemberSets {
    // Always inlined, as is `Members::insert`: called twice a counted row of a trend, and
    // LLVM left one or the other a call.
    #[inline(always)]
    pub fn insert(&mut self, key: (i64, u32), member: u32) {
        let at = match self.last {
            Some((last, at)) if last == key => at,
            _ => self.find_or_add(key),
        };
        self.sets[at as usize].1.insert(member);
    }

    /// Where `key`'s set is, made when new; it becomes the last key.
    #[inline(never)]
    fn find_or_add(&mut self, key: (i64, u32)) -> u32 {
        let sets = &mut self.sets;
        let at = *self.index.entry(key).or_insert_with(|| {
            sets.push((key, Members::default()));
            (sets.len() - 1) as u32
        });
        self.last = Some((key, at));
        at
    }

    /// How many distinct members each (period, group) has.
    pub fn counts(&self) -> FxHashMap<(i64, u32), u64> {
        self.sets
            .iter()
            .map(|(key, members)| (*key, members.count()))
            .collect()
    }

    /// Folds in another part's sets, renaming its groups and members.
    fn merge(
        &mut self,
        other: MemberSets,
        group: impl Fn(u32) -> u32,
        member: impl Fn(u32) -> u32,
    ) {
        for ((p, g), members) in other.sets {
            for m in members.members() {
                self.insert((p, group(g)), member(m));
            }
        }
    }

    #[cfg(test)]
    fn get(&self, key: (i64, u32)) -> &Members {
        &self.sets[self.index[&key] as usize].1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::time::date_millis;

    fn day(y: i64, m: u32, d: u32) -> Millis {
        date_millis(y, m, d).unwrap()
    }

    #[test]
    fn months_and_quarters_start_on_the_first() {
        let t = day(2026, 3, 15) + 5_000;
        let m = Period::Month.ordinal(t);
        assert_eq!(Period::Month.label(m), "2026-03");
        assert_eq!(Period::Month.start(m), day(2026, 3, 1));
        assert_eq!(Period::Month.end(m), day(2026, 4, 1));
        let q = Period::Quarter.ordinal(day(2026, 12, 31));
        assert_eq!(Period::Quarter.label(q), "2026-Q4");
        assert_eq!(Period::Quarter.end(q), day(2027, 1, 1));
        assert_eq!(
            Period::Day.label(Period::Day.ordinal(day(2024, 2, 29))),
            "2024-02-29"
        );
    }

    #[test]
    fn iso_weeks_cross_years() {
        // 2026-01-01 is a Thursday: week 1 of 2026 starts Monday 2025-12-29.
        let w = Period::Week.ordinal(day(2026, 1, 1));
        assert_eq!(Period::Week.label(w), "2026-W01");
        assert_eq!(Period::Week.start(w), day(2025, 12, 29));
        // 2020 had 53 ISO weeks; 2021-01-03 (Sunday) is still in 2020-W53.
        let w53 = Period::Week.ordinal(day(2021, 1, 3));
        assert_eq!(Period::Week.label(w53), "2020-W53");
        assert_eq!(Period::Week.start(w53), day(2020, 12, 28));
        assert_eq!(Period::Week.label(w53 + 1), "2021-W01");
        // 2024-12-30 (Monday) starts 2025-W01.
        assert_eq!(
            Period::Week.label(Period::Week.ordinal(day(2024, 12, 30))),
            "2025-W01"
        );
    }

    #[test]
    fn member_sets_count_distinct_members_and_merge_renamed() {
        let mut a = MemberSets::default();
        for m in [3, 3, 64, 200] {
            a.insert((5, 0), m);
        }
        a.insert((6, 1), 0);
        let mut b = MemberSets::default();
        b.insert((5, 0), 1);
        b.insert((5, 0), 2);
        // b's member 1 is a's 3 (already there), its 2 is a's 7.
        a.merge(b, |g| g, |m| [0, 3, 7][m as usize]);
        let counts = a.counts();
        assert_eq!(counts[&(5, 0)], 4);
        assert_eq!(counts[&(6, 1)], 1);
    }

    #[test]
    fn member_sets_move_from_lists_to_bitmaps_and_count_alike() {
        let mut sets = MemberSets::default();
        // A dense group (turns into a bitmap) and a sparse one (stays a list), with repeats.
        for _ in 0..3 {
            for m in 0..1000 {
                sets.insert((1, 0), m);
            }
            for m in [999_999, 5, 123_456] {
                sets.insert((1, 1), m);
            }
        }
        assert!(matches!(sets.get((1, 0)), Members::Bits(_)));
        assert!(matches!(sets.get((1, 1)), Members::List { .. }));
        let counts = sets.counts();
        assert_eq!(counts[&(1, 0)], 1000);
        assert_eq!(counts[&(1, 1)], 3);
        let mut merged = MemberSets::default();
        merged.merge(sets, |g| g, |m| m);
        assert_eq!(merged.counts()[&(1, 0)], 1000);
        assert_eq!(merged.counts()[&(1, 1)], 3);
    }

    #[test]
    fn times_before_1970_fall_in_the_right_period() {
        let t = day(1969, 12, 31) + 1;
        assert_eq!(Period::Month.label(Period::Month.ordinal(t)), "1969-12");
        assert_eq!(Period::Week.label(Period::Week.ordinal(t)), "1970-W01");
    }

    /// Every instant of a period's span has that period's ordinal: what lets a whole
    /// trend's row inside the span of the last row's period skip the date arithmetic.
    #[test]
    fn a_period_spans_exactly_the_instants_of_its_ordinal() {
        use proptest::prelude::*;
        let periods = [Period::Day, Period::Week, Period::Month, Period::Quarter];
        // Year 1 to 9999, the times the readers give.
        let span = -62_135_596_800_000i64..253_402_300_799_999;
        proptest!(|(t in span, i in 0usize..4)| {
            let period = periods[i];
            let ordinal = period.ordinal(t);
            let (start, end) = (period.start(ordinal), period.end(ordinal));
            prop_assert!(start <= t && t < end, "{:?} {} [{}, {})", period, t, start, end);
            prop_assert_eq!(period.ordinal(start), ordinal);
            prop_assert_eq!(period.ordinal(end - 1), ordinal);
            prop_assert_eq!(period.ordinal(end), ordinal + 1);
        });
    }

    /// The hot period's short count gives what the whole count gives, for rows in and out of
    /// the last period, with and without a user, settled halfway or not.
    #[test]
    fn the_hot_period_counts_as_the_whole_count() {
        use proptest::prelude::*;
        // Days' first and last instants among the times: every period starts at midnight.
        let time = (
            0i64..400,
            prop::sample::select(vec![0, 1, MS_PER_DAY / 2, MS_PER_DAY - 1]),
        )
            .prop_map(|(day, at)| day * MS_PER_DAY + at);
        let row = (time, 0u32..50, prop::option::of(0u32..300), 1u64..3);
        proptest!(|(rows in prop::collection::vec(row, 1..200), period in 0usize..4, settle_at in 0usize..200)| {
            let period = [Period::Day, Period::Week, Period::Month, Period::Quarter][period];
            let mut hot = TrendTally::new(period, TrendSplit::Whole);
            let mut cold = TrendTally::new(period, TrendSplit::Whole);
            // Mostly in time order, as logs are: sorted, then a few rows out of place.
            let mut rows = rows;
            let n = rows.len();
            rows[..n * 3 / 4].sort_by_key(|r| r.0);
            for (i, &(t, asset, user, events)) in rows.iter().enumerate() {
                if i == settle_at {
                    hot.settle();
                    cold.settle();
                }
                hot.count(asset, t, user, None, events);
                cold.count_cold(asset, t, user, None, events);
                cold.hot = None;
            }
            hot.settle();
            cold.settle();
            prop_assert_eq!(hot.events(), cold.events());
            prop_assert_eq!(hot.assets.counts(), cold.assets.counts());
            prop_assert_eq!(hot.users.counts(), cold.users.counts());
        });
    }
}
