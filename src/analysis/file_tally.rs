//! What the pass learns about each events file as a whole (its time range, the values of its
//! type, team and user columns, why its rows were left out), for `check` and the warnings.

use crate::analysis::values::ValueCache;
use crate::input::time::Millis;
use rustc_hash::FxHashMap;

/// Why a readable event row was not counted: the filter step that removed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exclusion {
    Window,
    Type,
    Team,
    /// `--exclude-user` or `--exclude-owners`.
    User,
    /// The event's asset is in the inventory but `--where` left it out.
    Where,
}

/// Excluded events per step, tried in the order window, type, team, user, then the asset's
/// `--where`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Exclusions {
    pub window: u64,
    pub types: u64,
    pub teams: u64,
    pub users: u64,
    pub assets: u64,
}

impl Exclusions {
    #[inline]
    pub fn add(&mut self, step: Exclusion, events: u64) {
        match step {
            Exclusion::Window => self.window += events,
            Exclusion::Type => self.types += events,
            Exclusion::Team => self.teams += events,
            Exclusion::User => self.users += events,
            Exclusion::Where => self.assets += events,
        }
    }

    pub fn merge(&mut self, other: &Exclusions) {
        self.window += other.window;
        self.types += other.types;
        self.teams += other.teams;
        self.users += other.users;
        self.assets += other.assets;
    }
}

/// Rows per distinct value of a column, compared folded (trimmed, lower-cased) as the filters
/// compare them; each value keeps its first spelling.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ValueCounts {
    by_key: FxHashMap<Box<[u8]>, (String, u64)>,
}

impl ValueCounts {
    /// Adds the rows a scanner's cache counted, in the order its values were first met.
    pub fn add_cache(&mut self, cache: &ValueCache) {
        for (known, count) in cache.counted() {
            self.add(known.folded.as_bytes(), &known.spelling, count);
        }
    }

    fn add(&mut self, key: &[u8], spelling: &str, count: u64) {
        match self.by_key.get_mut(key) {
            Some((_, n)) => *n += count,
            None => {
                self.by_key
                    .insert(key.into(), (spelling.to_string(), count));
            }
        }
    }

    /// Takes in the counts of a later part of the input (first spellings stay ours).
    pub fn merge(&mut self, other: &ValueCounts) {
        for (key, (spelling, count)) in &other.by_key {
            self.add(key, spelling, *count);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }

    /// Rows whose folded value is `key`.
    pub fn count_of(&self, key: &[u8]) -> u64 {
        self.by_key.get(key).map_or(0, |(_, n)| *n)
    }

    /// Every (folded key, spelling, rows), most rows first, then by spelling and key.
    pub fn ranked(&self) -> Vec<(&[u8], &str, u64)> {
        let mut all: Vec<(&[u8], &str, u64)> = self
            .by_key
            .iter()
            .map(|(key, (spelling, n))| (&**key, spelling.as_str(), *n))
            .collect();
        all.sort_by(|a, b| b.2.cmp(&a.2).then(a.1.cmp(b.1)).then(a.0.cmp(b.0)));
        all
    }

    /// The `limit` most frequent values as `view (5), download (3)`, and how many more;
    /// each spelling is shown through `show` (users may be pseudonymized).
    pub fn describe(&self, limit: usize, show: impl Fn(&str) -> String) -> String {
        let ranked = self.ranked();
        if ranked.is_empty() {
            return "(none)".to_string();
        }
        let mut text: Vec<String> = ranked
            .iter()
            .take(limit)
            .map(|(_, spelling, n)| {
                let shown = if spelling.is_empty() {
                    "(empty)".to_string()
                } else {
                    show(spelling)
                };
                format!("{shown} ({n})")
            })
            .collect();
        if ranked.len() > limit {
            text.push(format!("… and {} more", ranked.len() - limit));
        }
        text.join(", ")
    }
}

/// Every time in a file read below this (1973-03-03) from a plain number is a small integer
/// taken for epoch seconds: a relative day or a counter, not a date.
pub const SMALL_EPOCH_MS: Millis = 100_000_000 * 1000;

/// The earliest and latest of the times seen; none until the first (kept as a min and a max,
/// with no `Option` to test on every row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeSpan {
    lo: Millis,
    hi: Millis,
}

impl Default for TimeSpan {
    fn default() -> Self {
        TimeSpan {
            lo: Millis::MAX,
            hi: Millis::MIN,
        }
    }
}

impl TimeSpan {
    #[inline]
    pub fn add(&mut self, t: Millis) {
        self.lo = self.lo.min(t);
        self.hi = self.hi.max(t);
    }

    /// Takes in every time `other` saw.
    pub fn merge(&mut self, other: &TimeSpan) {
        self.lo = self.lo.min(other.lo);
        self.hi = self.hi.max(other.hi);
    }

    /// (earliest, latest), or `None` before the first time.
    pub fn get(&self) -> Option<(Millis, Millis)> {
        (self.lo <= self.hi).then_some((self.lo, self.hi))
    }
}

/// What one events file's rows showed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FileTally {
    /// The file as named in messages; set when the file is finished.
    pub path: String,
    /// Data rows, and those skipped as bad; set when the file is finished.
    pub rows: u64,
    pub skipped: u64,
    /// Earliest and latest readable time.
    pub times: TimeSpan,
    /// The first readable time value as written, and as read.
    pub time_sample: Option<(String, Millis)>,
    /// Readable times that were small whole numbers read as epoch seconds.
    pub small_integer_times: u64,
    /// Values of the type column (when a type filter or `check` asks), the team and the user
    /// column: over the rows in the window, or over every readable row for `check`.
    pub types: ValueCounts,
    pub teams: ValueCounts,
    pub users: ValueCounts,
}

impl FileTally {
    /// Rows whose time could be read (the only rows skipped after that are none).
    pub fn readable(&self) -> u64 {
        self.rows - self.skipped
    }

    #[inline]
    pub fn saw_time(&mut self, t: Millis) {
        self.times.add(t);
    }

    /// Takes in the tally of a later part of the same file.
    pub fn merge(&mut self, other: &FileTally) {
        self.times.merge(&other.times);
        if self.time_sample.is_none() {
            self.time_sample.clone_from(&other.time_sample);
        }
        self.small_integer_times += other.small_integer_times;
        self.types.merge(&other.types);
        self.teams.merge(&other.teams);
        self.users.merge(&other.users);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_span_is_none_until_its_first_time() {
        let mut span = TimeSpan::default();
        assert_eq!(span.get(), None);
        span.add(5);
        assert_eq!(span.get(), Some((5, 5)));
        span.add(-3);
        span.add(4);
        assert_eq!(span.get(), Some((-3, 5)));
        let mut other = TimeSpan::default();
        other.merge(&TimeSpan::default());
        assert_eq!(other.get(), None);
        other.add(9);
        span.merge(&other);
        assert_eq!(span.get(), Some((-3, 9)));
    }

    #[test]
    fn values_merge_by_folded_key_and_rank_by_count() {
        let mut first = ValueCache::default();
        for raw in ["View", "download", "VIEW", " view "] {
            first.entry(raw.as_bytes(), |_| true);
        }
        let mut second = ValueCache::default();
        for raw in ["Download", "download", "share"] {
            second.entry(raw.as_bytes(), |_| true);
        }
        let mut counts = ValueCounts::default();
        counts.add_cache(&first);
        let mut later = ValueCounts::default();
        later.add_cache(&second);
        counts.merge(&later);
        let same = |s: &str| s.to_string();
        assert_eq!(
            counts.describe(10, same),
            "View (3), download (3), share (1)"
        );
        assert_eq!(
            counts.describe(2, same),
            "View (3), download (3), … and 1 more"
        );
        assert_eq!(counts.count_of(b"view"), 3);
    }
}
