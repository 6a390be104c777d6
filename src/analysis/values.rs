//! What the scanner learns once per distinct raw value of the user and team columns, so the
//! rows after the first skip folding, filtering and interning (a log names the same few
//! thousand reps millions of times).

use crate::keys::SmallKey;
use crate::model::fold_key_into;
use rustc_hash::FxHashMap;

/// One distinct raw value.
#[derive(Debug, Clone)]
pub struct Known {
    /// Trimmed and lower-cased, as filters and interners compare it.
    pub folded: SmallKey,
    /// Whether the filters let it through.
    pub admitted: bool,
    /// Its id in the aggregate, given at its first counted event.
    pub id: Option<u32>,
    /// The value as first met, trimmed, for `check` and the warnings to show.
    pub spelling: Box<str>,
    /// How many times it was looked up: one per row that reached the lookup.
    pub count: u64,
}

#[derive(Debug, Default)]
pub struct ValueCache {
    index: FxHashMap<SmallKey, u32>,
    known: Vec<Known>,
    scratch: Vec<u8>,
}

impl ValueCache {
    /// The entry for `raw`, judging a new value with `admit` (given its folded form), and
    /// counting one more row with it.
    #[inline]
    pub fn entry(&mut self, raw: &[u8], admit: impl FnOnce(&[u8]) -> bool) -> usize {
        let entry = match self.index.get(raw) {
            Some(&i) => i as usize,
            None => self.learn(raw, admit),
        };
        self.known[entry].count += 1;
        entry
    }

    #[cold]
    fn learn(&mut self, raw: &[u8], admit: impl FnOnce(&[u8]) -> bool) -> usize {
        fold_key_into(raw, &mut self.scratch);
        let entry = self.known.len();
        self.known.push(Known {
            folded: SmallKey::new(&self.scratch),
            admitted: admit(&self.scratch),
            id: None,
            spelling: String::from_utf8_lossy(raw.trim_ascii()).into(),
            count: 0,
        });
        self.index.insert(SmallKey::new(raw), entry as u32);
        entry
    }

    #[inline]
    pub fn get(&self, entry: usize) -> &Known {
        &self.known[entry]
    }

    #[inline]
    pub fn get_mut(&mut self, entry: usize) -> &mut Known {
        &mut self.known[entry]
    }

    /// Every distinct raw value met, in the order first met.
    pub fn known(&self) -> &[Known] {
        &self.known
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(cache.get(dan).admitted);
        assert!(!cache.get(admin).admitted);
        assert_eq!((cache.get(dan).count, cache.get(admin).count), (2, 1));
        assert_eq!(&*cache.get(dan).spelling, "Dan@Corp.com");
    }
}
