//! Hash-map keys and sets shaped for the hot loop: short keys stored inline, (asset, user)
//! pairs in a bitmap while it stays small.

use rustc_hash::FxHashSet;
use std::borrow::Borrow;
use std::hash::{Hash, Hasher};

/// Bytes this long or shorter live inside the key, so comparing a probe touches no other
/// memory (ids and emails are short; a separate allocation per key cost a cache miss a row).
const INLINE: usize = 30;

/// A byte-string key: inline when short, boxed otherwise.
#[derive(Clone)]
pub enum SmallKey {
    Inline { len: u8, bytes: [u8; INLINE] },
    Heap(Box<[u8]>),
}

impl SmallKey {
    pub fn new(bytes: &[u8]) -> SmallKey {
        if bytes.len() <= INLINE {
            let mut inline = [0u8; INLINE];
            inline[..bytes.len()].copy_from_slice(bytes);
            SmallKey::Inline {
                len: bytes.len() as u8,
                bytes: inline,
            }
        } else {
            SmallKey::Heap(bytes.into())
        }
    }

    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            SmallKey::Inline { len, bytes } => &bytes[..*len as usize],
            SmallKey::Heap(bytes) => bytes,
        }
    }
}

impl Borrow<[u8]> for SmallKey {
    fn borrow(&self) -> &[u8] {
        self.as_bytes()
    }
}

// Hash and Eq go through the bytes, as `Borrow<[u8]>` requires.
impl Hash for SmallKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state);
    }
}

impl PartialEq for SmallKey {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for SmallKey {}

impl std::fmt::Debug for SmallKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", String::from_utf8_lossy(self.as_bytes()))
    }
}

/// Bits a pair bitmap may take before the set moves to a hash set (32 MiB).
const BITMAP_BUDGET_BITS: usize = 256 << 20;

/// Pairs waiting to be set in the bitmap: set in a tight loop, their cache misses overlap
/// instead of stalling one row each (the bitmap is megabytes, every pair a random line).
const PENDING_PAIRS: usize = 4096;

/// The distinct (asset, user) pairs among counted events.
///
/// A bitmap with one row of `assets` bits per user while assets × users stays within
/// [`BITMAP_BUDGET_BITS`]: one memory access per event and a fixed, small footprint for the
/// usual library of thousands of assets and reps. Past that (a million assets, millions of
/// users) a hash set, whose size follows the pairs actually seen.
///
/// Inserts into the bitmap are buffered: [`PairSet::settle`] applies them, and reading an
/// unsettled set is a bug that panics rather than miscounting.
#[derive(Debug, Clone)]
pub struct PairSet {
    store: PairStore,
    /// Bit numbers not yet set in the bitmap.
    pending: Vec<usize>,
}

#[derive(Debug, Clone)]
enum PairStore {
    Bitmap { assets: usize, words: Vec<u64> },
    Hashed(FxHashSet<u64>),
}

impl PairSet {
    pub fn new(assets: usize) -> PairSet {
        PairSet {
            store: PairStore::Bitmap {
                assets: assets.max(1),
                words: Vec::new(),
            },
            pending: Vec::new(),
        }
    }

    #[inline]
    pub fn insert(&mut self, asset: u32, user: u32) {
        match &mut self.store {
            PairStore::Bitmap { assets, words } => {
                let bit = user as usize * *assets + asset as usize;
                if bit / 64 >= words.len() && !Self::grow(*assets, words, user) {
                    self.switch_to_hashing();
                    return self.insert(asset, user);
                }
                if self.pending.len() == PENDING_PAIRS {
                    self.settle();
                }
                self.pending.push(bit);
            }
            PairStore::Hashed(set) => {
                set.insert(u64::from(asset) << 32 | u64::from(user));
            }
        }
    }

    /// Sets every buffered pair.
    pub fn settle(&mut self) {
        if let PairStore::Bitmap { words, .. } = &mut self.store {
            for &bit in &self.pending {
                words[bit / 64] |= 1 << (bit % 64);
            }
        }
        self.pending.clear();
    }

    /// Makes room for `user`'s row (and a few more); false when that would pass the budget.
    #[cold]
    fn grow(assets: usize, words: &mut Vec<u64>, user: u32) -> bool {
        let bits = (user as usize + 16).saturating_mul(assets);
        if bits > BITMAP_BUDGET_BITS {
            return false;
        }
        words.resize(bits.div_ceil(64), 0);
        true
    }

    /// Adds another (settled) set's pairs, with its user ids mapped to ours.
    pub fn merge(&mut self, other: &PairSet, user_map: &[u32]) {
        for (asset, user) in other.iter() {
            self.insert(asset, user_map[user as usize]);
        }
        self.settle();
    }

    #[cold]
    fn switch_to_hashing(&mut self) {
        self.settle();
        let set: FxHashSet<u64> = self
            .iter()
            .map(|(a, u)| u64::from(a) << 32 | u64::from(u))
            .collect();
        self.store = PairStore::Hashed(set);
    }

    /// Every pair, as (asset, user).
    pub fn iter(&self) -> Box<dyn Iterator<Item = (u32, u32)> + '_> {
        self.assert_settled();
        match &self.store {
            PairStore::Bitmap { assets, words } => {
                let assets = *assets;
                Box::new(words.iter().enumerate().flat_map(move |(w, &word)| {
                    BitIter(word).map(move |b| {
                        let bit = w * 64 + b as usize;
                        ((bit % assets) as u32, (bit / assets) as u32)
                    })
                }))
            }
            PairStore::Hashed(set) => Box::new(
                set.iter()
                    .map(|&p| ((p >> 32) as u32, (p & 0xffff_ffff) as u32)),
            ),
        }
    }

    /// Every pair, each user's together (in user order), as (asset, user).
    pub fn iter_by_user(&self) -> Box<dyn Iterator<Item = (u32, u32)> + '_> {
        self.assert_settled();
        match &self.store {
            // A bitmap holds one row per user already.
            PairStore::Bitmap { .. } => self.iter(),
            PairStore::Hashed(set) => {
                let mut by_user: Vec<u64> = set.iter().map(|p| p.rotate_left(32)).collect();
                by_user.sort_unstable();
                Box::new(
                    by_user
                        .into_iter()
                        .map(|p| ((p & 0xffff_ffff) as u32, (p >> 32) as u32)),
                )
            }
        }
    }

    pub fn len(&self) -> usize {
        self.assert_settled();
        match &self.store {
            PairStore::Bitmap { words, .. } => words.iter().map(|w| w.count_ones() as usize).sum(),
            PairStore::Hashed(set) => set.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn assert_settled(&self) {
        assert!(self.pending.is_empty(), "pairs read before PairSet::settle");
    }
}

impl Default for PairSet {
    fn default() -> Self {
        PairSet::new(1)
    }
}

impl PartialEq for PairSet {
    fn eq(&self, other: &Self) -> bool {
        let sorted = |s: &PairSet| {
            let mut pairs: Vec<(u32, u32)> = s.iter().collect();
            pairs.sort_unstable();
            pairs
        };
        sorted(self) == sorted(other)
    }
}

/// The set bits of a word, lowest first.
struct BitIter(u64);

impl Iterator for BitIter {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        if self.0 == 0 {
            return None;
        }
        let bit = self.0.trailing_zeros();
        self.0 &= self.0 - 1;
        Some(bit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn small_keys_find_slices() {
        let mut map: HashMap<SmallKey, u32> = HashMap::new();
        let long = "x".repeat(100);
        map.insert(SmallKey::new(b"A1"), 1);
        map.insert(SmallKey::new(long.as_bytes()), 2);
        map.insert(SmallKey::new(b""), 3);
        assert_eq!(map.get(&b"A1"[..]), Some(&1));
        assert_eq!(map.get(long.as_bytes()), Some(&2));
        assert_eq!(map.get(&b""[..]), Some(&3));
        assert_eq!(map.get(&b"A1 "[..]), None);
    }

    #[test]
    fn pair_set_is_the_same_set_in_either_form() {
        let mut bitmap = PairSet::new(3);
        let mut expected = Vec::new();
        for (a, u) in [(0, 0), (2, 0), (1, 5), (2, 70), (2, 70), (0, 200)] {
            bitmap.insert(a, u);
            if !expected.contains(&(a, u)) {
                expected.push((a, u));
            }
        }
        bitmap.settle();
        let mut pairs: Vec<_> = bitmap.iter().collect();
        pairs.sort_unstable();
        expected.sort_unstable();
        assert_eq!(pairs, expected);
        assert_eq!(bitmap.len(), 5);
        let mut hashed = bitmap.clone();
        hashed.switch_to_hashing();
        assert!(matches!(hashed.store, PairStore::Hashed(_)));
        assert_eq!(hashed, bitmap);
        let by_user = |set: &PairSet| set.iter_by_user().collect::<Vec<_>>();
        let mut expected_by_user = expected.clone();
        expected_by_user.sort_unstable_by_key(|&(a, u)| (u, a));
        assert_eq!(by_user(&bitmap), expected_by_user);
        assert_eq!(by_user(&hashed), expected_by_user);
    }

    #[test]
    fn buffered_pairs_all_land_past_a_full_batch() {
        let mut pairs = PairSet::new(100);
        for i in 0..3 * PENDING_PAIRS as u32 {
            pairs.insert(i % 100, i / 100);
        }
        pairs.settle();
        assert_eq!(pairs.len(), 3 * PENDING_PAIRS);
        assert!(pairs.iter().all(|(a, u)| a < 100 && u < 123));
    }

    #[test]
    #[should_panic(expected = "before PairSet::settle")]
    fn reading_unsettled_pairs_is_a_bug() {
        let mut pairs = PairSet::new(3);
        pairs.insert(1, 1);
        pairs.len();
    }

    #[test]
    fn a_huge_library_moves_to_hashing() {
        let mut pairs = PairSet::new(1_000_000);
        pairs.insert(999_999, 300);
        assert!(matches!(pairs.store, PairStore::Hashed(_)));
        assert_eq!(pairs.iter().collect::<Vec<_>>(), [(999_999, 300)]);
    }
}
