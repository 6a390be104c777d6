//! What the scanner learns once per distinct raw value of the user and team columns, so the
//! rows after the first skip folding, filtering and interning (a log names the same few
//! thousand reps millions of times).
//!
//! The lookup is the pass's most frequent one (a user and a team on every row), so the
//! table is shaped for it: a slot array of 8-byte slots, and one 64-byte record per value
//! holding its raw bytes (up to [`INLINE`]) beside everything a row reads of it. A row touches
//! one slot and one cache line, and compares keys with a few word loads, not a call.

use crate::keys::SmallKey;
use crate::model::fold_key_into;
use std::hash::Hasher;

/// Raw values this long or shorter are compared inside their record.
const INLINE: usize = 40;

/// What a row reads of one distinct raw value: its bytes, verdict, id and count.
#[derive(Debug, Clone)]
#[repr(C, align(64))]
struct Hot {
    bytes: [u8; INLINE],
    /// The raw length; longer than [`INLINE`]: the bytes are in `long` at `id_long`.
    len: u32,
    admitted: bool,
    /// The folded value is empty (a blank user or team is no one).
    empty: bool,
    /// Its id in the aggregate ([`NO_ID`] until its first counted event).
    id: u32,
    count: u64,
}

const NO_ID: u32 = u32::MAX;

/// One distinct raw value, as `check`, the warnings and the filters see it.
#[derive(Debug, Clone)]
pub struct Known {
    /// Trimmed and lower-cased, as filters and interners compare it.
    pub folded: SmallKey,
    /// The value as first met, trimmed, for `check` and the warnings to show.
    pub spelling: Box<str>,
}

#[derive(Debug, Default)]
pub struct ValueCache {
    /// `(hash >> 32) << 32 | (entry + 1)`; 0 is an empty slot. Never more than half full.
    slots: Vec<u64>,
    hot: Vec<Hot>,
    known: Vec<Known>,
    /// The raw bytes of values longer than [`INLINE`], by entry.
    long: Vec<(usize, Box<[u8]>)>,
    /// Each entry's id in the aggregate, as in its record: a few bytes an entry, so that a
    /// look ahead finds it in cache before the record arrives.
    ids: Vec<u32>,
    scratch: Vec<u8>,
}

impl ValueCache {
    /// The entry for `raw`, judging a new value with `admit` (given its folded form), and
    /// counting one more row with it.
    #[inline]
    pub fn entry(&mut self, raw: &[u8], admit: impl FnOnce(&[u8]) -> bool) -> usize {
        self.entry_hashed(raw, hash(raw), admit)
    }

    /// [`ValueCache::entry`] with the hash [`ValueCache::prefetch`] gave for `raw`.
    #[inline]
    pub fn entry_hashed(
        &mut self,
        raw: &[u8],
        hash: u64,
        admit: impl FnOnce(&[u8]) -> bool,
    ) -> usize {
        let entry = match self.find(raw, hash) {
            Some(entry) => entry,
            None => self.learn(raw, hash, admit),
        };
        self.hot[entry].count += 1;
        entry
    }

    /// The hash a lookup of `raw` takes, having started to load the slot where that lookup
    /// will begin: a row asks early, so that its lookup, a few hundred instructions later,
    /// does not wait for the slot (the tables are larger than a small L2).
    #[inline]
    pub fn prefetch(&self, raw: &[u8]) -> u64 {
        let hash = hash(raw);
        if let Some(slot) = self.home(hash) {
            crate::prefetch::prefetch(slot);
        }
        hash
    }

    /// The slot where a lookup of `hash` begins (none while the table is empty).
    #[inline]
    fn home(&self, hash: u64) -> Option<&u64> {
        self.slots
            .get(hash as usize & self.slots.len().wrapping_sub(1))
    }

    /// Starts loading the record of the value whose hash is `hash`, when the slot where its
    /// lookup begins names it (the slot itself loaded by [`ValueCache::prefetch`] a step
    /// before, for a whole batch of rows, so that this does not wait for it).
    /// Returns the entry the slot names: most likely the value's (another may share both the
    /// slot and the hash's high bits).
    #[inline]
    pub fn prefetch_record(&self, hash: u64) -> Option<usize> {
        let &slot = self.home(hash)?;
        if slot == 0 || slot >> 32 != hash >> 32 {
            return None;
        }
        let entry = (slot as u32 - 1) as usize;
        crate::prefetch::prefetch(self.hot.get(entry)?);
        Some(entry)
    }

    /// The entry of `raw` when it was met before, found with the hash [`ValueCache::prefetch`]
    /// gave: looked up, not counted (see [`ValueCache::count_row`]), and never learnt.
    #[inline]
    pub fn known(&self, raw: &[u8], hash: u64) -> Option<usize> {
        self.find(raw, hash)
    }

    /// [`ValueCache::known`] with the hash taken here.
    #[inline]
    pub fn known_unhashed(&self, raw: &[u8]) -> Option<usize> {
        self.find(raw, hash(raw))
    }

    /// Counts one more row with `entry`, as [`ValueCache::entry`] does.
    #[inline]
    pub fn count_row(&mut self, entry: usize) {
        self.hot[entry].count += 1;
    }

    /// The aggregate's id of `entry`'s value, when it has one (read from a small array, in
    /// cache while the entry's record is not).
    #[inline]
    pub fn aggregate_id_of(&self, entry: usize) -> Option<u32> {
        self.ids.get(entry).copied().filter(|&id| id != NO_ID)
    }

    #[inline]
    fn find(&self, raw: &[u8], hash: u64) -> Option<usize> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let tag = hash >> 32;
        let mut at = hash as usize & mask;
        loop {
            let slot = self.slots[at];
            if slot == 0 {
                return None;
            }
            if slot >> 32 == tag {
                let entry = (slot as u32 - 1) as usize;
                if self.holds(entry, raw) {
                    return Some(entry);
                }
            }
            at = (at + 1) & mask;
        }
    }

    /// Whether `entry`'s raw value is `raw`.
    #[inline]
    fn holds(&self, entry: usize, raw: &[u8]) -> bool {
        let hot = &self.hot[entry];
        if hot.len as usize != raw.len() {
            return false;
        }
        if raw.len() > INLINE {
            return self.long_bytes(entry) == raw;
        }
        same_short(&hot.bytes[..raw.len()], raw)
    }

    #[cold]
    fn long_bytes(&self, entry: usize) -> &[u8] {
        let at = self.long.partition_point(|(e, _)| *e < entry);
        &self.long[at].1
    }

    #[cold]
    fn learn(&mut self, raw: &[u8], hash: u64, admit: impl FnOnce(&[u8]) -> bool) -> usize {
        fold_key_into(raw, &mut self.scratch);
        let entry = self.hot.len();
        let mut bytes = [0u8; INLINE];
        if raw.len() <= INLINE {
            bytes[..raw.len()].copy_from_slice(raw);
        } else {
            self.long.push((entry, raw.into()));
        }
        self.hot.push(Hot {
            bytes,
            len: u32::try_from(raw.len()).unwrap_or(u32::MAX),
            admitted: admit(&self.scratch),
            empty: self.scratch.is_empty(),
            id: NO_ID,
            count: 0,
        });
        self.ids.push(NO_ID);
        self.known.push(Known {
            folded: SmallKey::new(&self.scratch),
            spelling: String::from_utf8_lossy(raw.trim_ascii()).into(),
        });
        if 2 * self.hot.len() > self.slots.len() {
            self.grow();
        } else {
            self.place(hash, entry);
        }
        entry
    }

    /// Doubles the slot array (at least 64 slots) and places every entry again.
    fn grow(&mut self) {
        let size = (2 * self.slots.len()).max(64);
        self.slots = vec![0; size];
        for entry in 0..self.hot.len() {
            let hash = match self.hot[entry].len as usize {
                len if len <= INLINE => hash(&self.hot[entry].bytes[..len]),
                _ => hash(self.long_bytes(entry)),
            };
            self.place(hash, entry);
        }
    }

    fn place(&mut self, hash: u64, entry: usize) {
        let mask = self.slots.len() - 1;
        let mut at = hash as usize & mask;
        while self.slots[at] != 0 {
            at = (at + 1) & mask;
        }
        self.slots[at] = (hash >> 32) << 32 | (entry as u64 + 1);
    }

    /// Whether the filters let `entry`'s value through.
    #[inline]
    pub fn admitted(&self, entry: usize) -> bool {
        self.hot[entry].admitted
    }

    /// The folded value is empty: a blank cell, which names no one.
    #[inline]
    pub fn is_empty_value(&self, entry: usize) -> bool {
        self.hot[entry].empty
    }

    /// `entry`'s id in the aggregate, given by `intern` (with the folded value) the first
    /// time; `None` for an empty value.
    #[inline]
    pub fn id_or_intern(&mut self, entry: usize, intern: impl FnOnce(&[u8]) -> u32) -> Option<u32> {
        let hot = &mut self.hot[entry];
        if hot.empty {
            return None;
        }
        if hot.id == NO_ID {
            hot.id = intern(self.known[entry].folded.as_bytes());
            self.ids[entry] = hot.id;
        }
        Some(hot.id)
    }

    #[inline]
    pub fn get(&self, entry: usize) -> &Known {
        &self.known[entry]
    }

    /// How many rows looked `entry` up.
    pub fn count(&self, entry: usize) -> u64 {
        self.hot[entry].count
    }

    /// Every distinct raw value met that a row looked up, in the order first met, with its count.
    pub fn counted(&self) -> impl Iterator<Item = (&Known, u64)> {
        self.known
            .iter()
            .zip(&self.hot)
            .filter(|(_, hot)| hot.count > 0)
            .map(|(known, hot)| (known, hot.count))
    }
}

/// The hash of a raw value (FxHash: a handful of multiplies for an email).
#[inline]
fn hash(raw: &[u8]) -> u64 {
    let mut hasher = rustc_hash::FxHasher::default();
    hasher.write(raw);
    hasher.write_usize(raw.len());
    // The slot is chosen by the low bits and the tag is the high ones: mix them apart.
    let h = hasher.finish();
    h ^ (h >> 29).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// `a == b` for two slices of one length up to [`INLINE`], by overlapping word loads.
#[inline]
fn same_short(a: &[u8], b: &[u8]) -> bool {
    debug_assert_eq!(a.len(), b.len());
    let n = a.len();
    let word = |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().expect("8"));
    match n {
        0 => true,
        1..=7 => a == b,
        8..=16 => word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8),
        _ => {
            let mut at = 0;
            while at + 8 < n {
                if word(a, at) != word(b, at) {
                    return false;
                }
                at += 8;
            }
            word(a, n - 8) == word(b, n - 8)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn spellings_are_judged_once_each() {
        let mut cache = ValueCache::default();
        let mut judged = 0;
        let mut admit = |key: &[u8]| {
            judged += 1;
            key != b"admin@corp.com"
        };
        let dan = cache.entry(b" Dan@Corp.com", &mut admit);
        assert_eq!(cache.entry(b" Dan@Corp.com", &mut admit), dan);
        let admin = cache.entry(b"ADMIN@corp.com", &mut admit);
        assert_eq!(judged, 2);
        assert_eq!(cache.get(dan).folded.as_bytes(), b"dan@corp.com");
        assert!(cache.admitted(dan));
        assert!(!cache.admitted(admin));
        assert_eq!((cache.count(dan), cache.count(admin)), (2, 1));
        assert_eq!(&*cache.get(dan).spelling, "Dan@Corp.com");
        let blank = cache.entry(b"  ", |_| true);
        assert!(cache.is_empty_value(blank));
        assert_eq!(cache.id_or_intern(blank, |_| 7), None);
        assert_eq!(cache.id_or_intern(dan, |_| 7), Some(7));
        assert_eq!(cache.id_or_intern(dan, |_| 8), Some(7));
    }

    /// A lookup with the hash `prefetch` gave finds what a plain lookup finds.
    #[test]
    fn prefetched_lookups_find_the_same_entries() {
        let (mut plain, mut early) = (ValueCache::default(), ValueCache::default());
        let values: Vec<String> = (0..300)
            .map(|i| format!("rep{}@corp.com", i % 97))
            .collect();
        for value in &values {
            let raw = value.as_bytes();
            let hash = early.prefetch(raw);
            let entry = early.entry_hashed(raw, hash, |_| true);
            assert_eq!(entry, plain.entry(raw, |_| true));
            assert_eq!(early.count(entry), plain.count(entry));
        }
        assert_eq!(early.counted().count(), 97);
    }

    #[test]
    fn long_values_and_many_values_stay_apart() {
        let mut cache = ValueCache::default();
        let long = |i: usize| format!("{}{i}", "x".repeat(INLINE + i % 5));
        let entries: Vec<usize> = (0..500)
            .map(|i| cache.entry(long(i).as_bytes(), |_| true))
            .collect();
        for (i, &entry) in entries.iter().enumerate() {
            assert_eq!(cache.entry(long(i).as_bytes(), |_| true), entry);
            assert_eq!(cache.count(entry), 2);
        }
        assert_eq!(cache.counted().count(), 500);
    }

    proptest! {
        /// The cache gives one entry per distinct raw value, whatever the values' lengths
        /// and however they collide, and counts each lookup.
        #[test]
        fn one_entry_per_distinct_value(values in proptest::collection::vec("[ab ]{0,50}", 1..300)) {
            let mut cache = ValueCache::default();
            let mut seen: std::collections::HashMap<&str, (usize, u64)> = Default::default();
            for value in &values {
                let entry = cache.entry(value.as_bytes(), |_| true);
                let next = seen.len();
                let known = seen.entry(value).or_insert((next, 0));
                known.1 += 1;
                prop_assert_eq!(entry, known.0);
            }
            for (value, (entry, count)) in &seen {
                prop_assert_eq!(cache.count(*entry), *count);
                prop_assert_eq!(&*cache.get(*entry).spelling, value.trim_ascii());
            }
        }
    }
}
