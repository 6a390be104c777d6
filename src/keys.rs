//! Hash-map keys and sets shaped for the hot loop: short keys stored inline, (asset, user)
//! pairs in a bitmap while it stays small.

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

#[cold]
fn unkept() -> ! {
    panic!("(asset, user) pairs read from a pass that did not keep them")
}

/// Bits a pair bitmap may take before the set moves to per-user lists (32 MiB).
const BITMAP_BUDGET_BITS: usize = 256 << 20;

/// Pairs waiting to be set in the bitmap: set in a tight loop, their cache misses overlap
/// instead of stalling one row each (the bitmap is megabytes, every pair a random line).
const PENDING_PAIRS: usize = 4096;

/// How many pairs ahead [`PairSet::settle`] asks for a pair's word: the loop alone keeps
/// fewer of its misses in flight than the core can (its stores wait on their loads), and
/// asked for ahead the words arrive while earlier pairs are set. 20 ms of `assets`' 430 on
/// 10M events; 32 to 128 did as well.
const SETTLE_AHEAD: usize = 64;

/// The distinct (asset, user) pairs among counted events.
///
/// A bitmap with one row of `assets` bits (rounded up to whole words) per user while assets × users stays within
/// [`BITMAP_BUDGET_BITS`]: one memory access per event and a fixed, small footprint for the
/// usual library of thousands of assets and reps. Past that (tens of thousands of reps, a
/// million assets, millions of users) the asset ids of each user, whose size follows the
/// pairs actually seen: 32 bytes a user holding up to two, 4 bytes a pair beyond (twice that
/// while a list waits for its next sort).
///
/// Inserts are buffered: [`PairSet::settle`] applies them, and reading an unsettled set is a
/// bug that panics rather than miscounting.
#[derive(Debug, Clone)]
pub struct PairSet {
    store: PairStore,
    /// Bit numbers not yet set in the bitmap.
    pending: Vec<usize>,
    /// Some user's list holds ids not yet sorted and deduplicated.
    unsorted: bool,
}

#[derive(Debug, Clone)]
enum PairStore {
    Bitmap {
        assets: usize,
        words: Vec<u64>,
    },
    /// Indexed by user.
    Lists(Vec<AssetIds>),
    /// Not kept: the command reads no pair (reading one is a bug, and panics).
    Unkept,
}

/// One user's distinct asset ids, in order once settled.
#[derive(Debug, Clone, Default)]
enum AssetIds {
    #[default]
    Empty,
    One(u32),
    /// Two ids, the smaller first.
    Two(u32, u32),
    /// Sorted and distinct up to `sorted`, appended after.
    Many {
        ids: Vec<u32>,
        sorted: usize,
    },
}

impl AssetIds {
    /// Adds `id`; true when it left ids to sort.
    #[inline]
    fn insert(&mut self, id: u32) -> bool {
        match self {
            AssetIds::Empty => *self = AssetIds::One(id),
            AssetIds::One(a) if *a == id => {}
            AssetIds::One(a) => *self = AssetIds::Two((*a).min(id), (*a).max(id)),
            AssetIds::Two(a, b) if *a == id || *b == id => {}
            AssetIds::Two(a, b) => {
                let mut ids = vec![*a, *b, id];
                ids.sort_unstable();
                *self = AssetIds::Many { ids, sorted: 3 };
            }
            AssetIds::Many { ids, sorted } => {
                ids.push(id);
                // Sorting whenever the list doubles keeps it within twice its distinct ids.
                if ids.len() >= 2 * (*sorted).max(8) {
                    sort_distinct(ids, sorted);
                }
                return ids.len() > *sorted;
            }
        }
        false
    }

    fn settle(&mut self) {
        if let AssetIds::Many { ids, sorted } = self {
            if ids.len() > *sorted {
                sort_distinct(ids, sorted);
            }
        }
    }

    fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        let (inline, list): ([Option<u32>; 2], &[u32]) = match self {
            AssetIds::Empty => ([None, None], &[]),
            AssetIds::One(a) => ([Some(*a), None], &[]),
            AssetIds::Two(a, b) => ([Some(*a), Some(*b)], &[]),
            AssetIds::Many { ids, .. } => ([None, None], ids),
        };
        inline.into_iter().flatten().chain(list.iter().copied())
    }

    fn len(&self) -> usize {
        match self {
            AssetIds::Empty => 0,
            AssetIds::One(_) => 1,
            AssetIds::Two(..) => 2,
            AssetIds::Many { ids, .. } => ids.len(),
        }
    }
}

/// Sorts and deduplicates a user's asset ids, noting how many are in order.
fn sort_distinct(ids: &mut Vec<u32>, sorted: &mut usize) {
    ids.sort_unstable();
    ids.dedup();
    *sorted = ids.len();
}

impl PairSet {
    pub fn new(assets: usize) -> PairSet {
        PairSet {
            store: PairStore::Bitmap {
                // Whole words a user, so that two sets merge a word at a time.
                assets: assets.max(1).next_multiple_of(64),
                words: Vec::new(),
            },
            pending: Vec::new(),
            unsorted: false,
        }
    }

    /// A set that keeps nothing, for a pass whose command reads no pair: setting bits in
    /// megabytes of bitmap costs the pass a tenth of its time and most of its cache.
    pub fn unkept() -> PairSet {
        PairSet {
            store: PairStore::Unkept,
            pending: Vec::new(),
            unsorted: false,
        }
    }

    /// False for [`PairSet::unkept`].
    pub fn is_kept(&self) -> bool {
        !matches!(self.store, PairStore::Unkept)
    }

    /// A set kept as per-user lists from the start: for a part of the input that sees a
    /// fraction of the pairs (a bitmap would take its whole budget in every part).
    pub fn lists() -> PairSet {
        PairSet {
            store: PairStore::Lists(Vec::new()),
            pending: Vec::new(),
            unsorted: false,
        }
    }

    // Always inlined: in a row's count inlined in turn, LLVM left it a call of about 40
    // instructions a row, for a set not even kept.
    #[inline(always)]
    pub fn insert(&mut self, asset: u32, user: u32) {
        match &mut self.store {
            PairStore::Bitmap { assets, words } => {
                let bit = user as usize * *assets + asset as usize;
                if bit / 64 >= words.len() && !Self::grow(*assets, words, user) {
                    self.switch_to_lists();
                    return self.insert(asset, user);
                }
                if self.pending.len() == PENDING_PAIRS {
                    self.settle();
                }
                self.pending.push(bit);
            }
            PairStore::Lists(lists) => {
                let user = user as usize;
                if user >= lists.len() {
                    lists.resize_with(user + 1, AssetIds::default);
                }
                self.unsorted |= lists[user].insert(asset);
            }
            PairStore::Unkept => {}
        }
    }

    /// Applies every buffered insert.
    pub fn settle(&mut self) {
        match &mut self.store {
            PairStore::Bitmap { words, .. } => {
                for (i, &bit) in self.pending.iter().enumerate() {
                    if let Some(word) = self.pending.get(i + SETTLE_AHEAD).map(|b| &words[b / 64]) {
                        crate::prefetch::prefetch(word);
                    }
                    words[bit / 64] |= 1 << (bit % 64);
                }
            }
            PairStore::Lists(lists) if self.unsorted => lists.iter_mut().for_each(AssetIds::settle),
            PairStore::Lists(_) | PairStore::Unkept => {}
        }
        self.pending.clear();
        self.unsorted = false;
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
        if !self.is_kept() {
            return;
        }
        if !self.merge_rows(other, user_map) {
            other.for_each(|asset, user| self.insert(asset, user_map[user as usize]));
        }
        self.settle();
    }

    /// Two bitmaps of one width merge a user's row at a time: its words or-ed into the row of
    /// the user it maps to. False (having added some rows or none) when either set is not such
    /// a bitmap or ours would pass the budget; the caller then adds the pairs one by one.
    fn merge_rows(&mut self, other: &PairSet, user_map: &[u32]) -> bool {
        other.assert_settled();
        let (
            PairStore::Bitmap { assets, words },
            PairStore::Bitmap {
                assets: other_assets,
                words: theirs,
            },
        ) = (&mut self.store, &other.store)
        else {
            return false;
        };
        if assets != other_assets {
            return false;
        }
        let row = *assets / 64;
        for (user, their_row) in theirs.chunks(row).enumerate() {
            if their_row.iter().all(|&w| w == 0) {
                continue;
            }
            let mine = user_map[user];
            let at = mine as usize * row;
            if at + row > words.len() && !Self::grow(*assets, words, mine) {
                return false;
            }
            for (word, their) in words[at..at + row].iter_mut().zip(their_row) {
                *word |= their;
            }
        }
        true
    }

    #[cold]
    fn switch_to_lists(&mut self) {
        self.settle();
        let mut lists: Vec<AssetIds> = Vec::new();
        // The bitmap yields each user's assets together and in order.
        for (asset, user) in self.iter() {
            let user = user as usize;
            if user >= lists.len() {
                lists.resize_with(user + 1, AssetIds::default);
            }
            lists[user].insert(asset);
        }
        lists.iter_mut().for_each(AssetIds::settle);
        self.store = PairStore::Lists(lists);
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
            PairStore::Lists(lists) => Box::new(
                lists
                    .iter()
                    .enumerate()
                    .flat_map(|(user, ids)| ids.iter().map(move |asset| (asset, user as u32))),
            ),
            PairStore::Unkept => unkept(),
        }
    }

    /// Every pair, each user's together (in user order), as (asset, user): both stores keep
    /// them so.
    pub fn iter_by_user(&self) -> Box<dyn Iterator<Item = (u32, u32)> + '_> {
        self.iter()
    }

    /// Calls `visit(asset, user)` for every pair, in the order of [`PairSet::iter_by_user`],
    /// without its per-pair call through `dyn` and its two divisions a pair: a bitmap's words
    /// are walked with the (user, asset) of their first bit kept up to date.
    pub fn for_each(&self, mut visit: impl FnMut(u32, u32)) {
        self.assert_settled();
        match &self.store {
            PairStore::Bitmap { assets, words } => {
                let assets = *assets;
                // The (user, asset) of the word's first bit.
                let (mut user, mut asset) = (0usize, 0usize);
                for &word in words {
                    let mut bits = word;
                    while bits != 0 {
                        let (mut u, mut a) = (user, asset + bits.trailing_zeros() as usize);
                        bits &= bits - 1;
                        while a >= assets {
                            a -= assets;
                            u += 1;
                        }
                        visit(a as u32, u as u32);
                    }
                    asset += 64;
                    while asset >= assets {
                        asset -= assets;
                        user += 1;
                    }
                }
            }
            PairStore::Lists(lists) => {
                for (user, ids) in lists.iter().enumerate() {
                    for asset in ids.iter() {
                        visit(asset, user as u32);
                    }
                }
            }
            PairStore::Unkept => unkept(),
        }
    }

    /// How many pairs hold each of the first `assets` assets: its distinct users.
    pub fn users_per_asset(&self, assets: usize) -> Vec<u64> {
        self.assert_settled();
        let mut users = vec![0u64; assets];
        match &self.store {
            PairStore::Bitmap {
                assets: width,
                words,
            } => {
                let counts = column_counts(words, width / 64);
                for (users, counted) in users.iter_mut().zip(counts) {
                    *users = counted;
                }
            }
            _ => self.for_each(|asset, _| users[asset as usize] += 1),
        }
        users
    }

    /// How many pairs hold each of the first `users` users: the distinct assets each opened.
    pub fn assets_per_user(&self, users: usize) -> Vec<u64> {
        self.assert_settled();
        let mut assets = vec![0u64; users];
        match &self.store {
            // A user's row, counted a word at a time.
            PairStore::Bitmap {
                assets: width,
                words,
            } => {
                for (assets, row) in assets.iter_mut().zip(words.chunks_exact(width / 64)) {
                    *assets = row.iter().map(|w| u64::from(w.count_ones())).sum();
                }
            }
            _ => self.for_each(|_, user| assets[user as usize] += 1),
        }
        assets
    }

    pub fn len(&self) -> usize {
        self.assert_settled();
        match &self.store {
            PairStore::Bitmap { words, .. } => words.iter().map(|w| w.count_ones() as usize).sum(),
            PairStore::Lists(lists) => lists.iter().map(AssetIds::len).sum(),
            PairStore::Unkept => unkept(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn assert_settled(&self) {
        let settled = self.pending.is_empty() && !self.unsorted;
        assert!(settled, "pairs read before PairSet::settle");
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

/// How many rows of `row` words have each bit set, bit `64 * j + b` being bit `b` of word
/// `j`. The counts are kept bit-sliced, a word a binary digit for 64 columns at once: fifteen
/// rows are summed into a four-digit count, which is then added to the column's digits. Every
/// step is a few logic operations and none is a branch on the data (a loop over a word's set
/// bits, or a ripple of carries that stops when they do, mispredicted about once a word).
fn column_counts(words: &[u64], row: usize) -> Vec<u64> {
    if row == 0 {
        return Vec::new();
    }
    let rows = words.len() / row;
    // Enough digits for a count of every row, and at least the four of a group's count.
    let digits = ((usize::BITS - rows.leading_zeros()) as usize).max(4);
    let mut counters = vec![0u64; row * digits];
    for group in words.chunks(15 * row) {
        for (j, column) in counters.chunks_exact_mut(digits).enumerate() {
            // The group's count of each of the column's 64 bits, at most 15: four digits.
            let mut small = [0u64; 4];
            for bits in group.chunks_exact(row) {
                let mut carry = bits[j];
                for digit in &mut small {
                    let next = *digit & carry;
                    *digit ^= carry;
                    carry = next;
                }
            }
            // Added to the column's count, digit by digit with its carry.
            let mut carry = 0u64;
            for (k, digit) in column.iter_mut().enumerate() {
                let add = small.get(k).copied().unwrap_or(0);
                let sum = *digit ^ add;
                let next = (*digit & add) | (sum & carry);
                *digit = sum ^ carry;
                carry = next;
            }
        }
    }
    let mut counts = vec![0u64; row * 64];
    for (j, column) in counters.chunks_exact(digits).enumerate() {
        for (digit, &word) in column.iter().enumerate() {
            for b in BitIter(word) {
                counts[j * 64 + b as usize] += 1 << digit;
            }
        }
    }
    counts
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
    fn for_each_visits_the_pairs_of_iter_in_its_order() {
        for assets in [1usize, 3, 63, 64, 65, 100, 1000] {
            let mut pairs = PairSet::new(assets);
            let mut x = 7u64;
            for _ in 0..500 {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                let (asset, user) = ((x >> 33) as usize % assets, (x >> 20) as u32 % 40);
                pairs.insert(asset as u32, user);
            }
            pairs.settle();
            for store in ["bitmap", "lists"] {
                if store == "lists" {
                    pairs.switch_to_lists();
                }
                let mut seen = Vec::new();
                pairs.for_each(|a, u| seen.push((a, u)));
                let want: Vec<_> = pairs.iter_by_user().collect();
                assert_eq!(seen, want, "{assets} assets, {store}");
            }
        }
    }

    #[test]
    fn users_per_asset_and_assets_per_user_count_the_pairs_of_each() {
        let mut x = 11u64;
        let mut next = |n: u64| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1442695040888963407);
            (x >> 33) % n
        };
        // Widths across word edges; up to 700 users, some assets held by nearly all of them
        // (counts with carries through ten binary digits), some by none.
        for assets in [1u64, 3, 63, 64, 65, 130, 1000] {
            for users in [1u64, 2, 40, 700] {
                let mut pairs = PairSet::new(assets as usize);
                for _ in 0..(assets * users / 2 + 10) {
                    let asset = if next(3) == 0 {
                        next(assets.min(2))
                    } else {
                        next(assets)
                    };
                    pairs.insert(asset as u32, next(users) as u32);
                }
                for user in 0..users {
                    pairs.insert(0, user as u32);
                }
                pairs.settle();
                let mut want = vec![0u64; assets as usize];
                pairs.for_each(|asset, _| want[asset as usize] += 1);
                assert_eq!(want[0], users);
                for store in ["bitmap", "lists"] {
                    if store == "lists" {
                        pairs.switch_to_lists();
                    }
                    let got = pairs.users_per_asset(assets as usize);
                    assert_eq!(got, want, "{assets} assets, {users} users, {store}");
                    let mut want = vec![0u64; users as usize + 3];
                    pairs.for_each(|_, user| want[user as usize] += 1);
                    let got = pairs.assets_per_user(users as usize + 3);
                    assert_eq!(got, want, "{assets} assets, {users} users, {store}");
                }
            }
        }
    }

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
        let mut lists = bitmap.clone();
        lists.switch_to_lists();
        assert!(matches!(lists.store, PairStore::Lists(_)));
        assert_eq!(lists, bitmap);
        let by_user = |set: &PairSet| set.iter_by_user().collect::<Vec<_>>();
        let mut expected_by_user = expected.clone();
        expected_by_user.sort_unstable_by_key(|&(a, u)| (u, a));
        assert_eq!(by_user(&bitmap), expected_by_user);
        assert_eq!(by_user(&lists), expected_by_user);
    }

    #[test]
    #[cfg(target_pointer_width = "64")]
    fn a_user_with_two_assets_costs_32_bytes() {
        assert_eq!(std::mem::size_of::<AssetIds>(), 32);
    }

    #[test]
    fn per_user_lists_keep_each_pair_once_through_many_repeats() {
        let mut pairs = PairSet::new(1);
        pairs.switch_to_lists();
        let mut expected = std::collections::BTreeSet::new();
        let mut state = 7u64;
        for i in 0..20_000u32 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            // Users 0..40 get many assets, users 40.. one or two each.
            let user = if i % 2 == 0 {
                (state >> 20) as u32 % 40
            } else {
                40 + i % 5000
            };
            let asset = (state >> 33) as u32 % 300;
            pairs.insert(asset, user);
            expected.insert((user, asset));
        }
        pairs.settle();
        let got: Vec<(u32, u32)> = pairs.iter_by_user().map(|(a, u)| (u, a)).collect();
        assert_eq!(pairs.len(), expected.len());
        assert_eq!(got, expected.into_iter().collect::<Vec<_>>());
        for _ in 0..20 {
            pairs.insert(5, 3); // a busy user's list grows unsorted
        }
        let unsettled = std::panic::catch_unwind(|| pairs.len());
        assert!(unsettled.is_err(), "an unsorted list must not be read");
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
    #[should_panic(expected = "did not keep them")]
    fn reading_pairs_that_were_not_kept_is_a_bug() {
        let mut pairs = PairSet::unkept();
        pairs.insert(1, 1);
        pairs.merge(&PairSet::new(3), &[]);
        pairs.settle();
        assert!(!pairs.is_kept());
        pairs.len();
    }

    #[test]
    #[should_panic(expected = "before PairSet::settle")]
    fn reading_unsettled_pairs_is_a_bug() {
        let mut pairs = PairSet::new(3);
        pairs.insert(1, 1);
        pairs.len();
    }

    #[test]
    fn a_huge_library_moves_to_lists() {
        let mut pairs = PairSet::new(1_000_000);
        pairs.insert(999_999, 300);
        assert!(matches!(pairs.store, PairStore::Lists(_)));
        assert_eq!(pairs.iter().collect::<Vec<_>>(), [(999_999, 300)]);
    }

    #[test]
    fn bitmaps_merge_row_by_row_into_the_users_they_map_to() {
        // 70 assets: rows of two words, the second one's first bits used.
        let mut state = 7u64;
        let mut next = |n: u64| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
            ((state >> 33) % n) as u32
        };
        // Their users are ours in another order and past ours: our bitmap grows, or with 4M
        // assets passes its budget halfway and the rest is added pair by pair.
        type UserMap = fn(u32) -> u32;
        let cases: [(usize, UserMap); 2] =
            [(70, |u| (u * 7 + 3) % 40 + 5), (4_000_000, |u| u * 2 + 5)];
        for (assets, map) in cases {
            let (mut mine, mut theirs) = (PairSet::new(assets), PairSet::new(assets));
            let mut want = std::collections::BTreeSet::new();
            let scale = assets as u32 / 70;
            for _ in 0..300 {
                let (asset, user) = (next(70) * scale, next(40));
                mine.insert(asset, user);
                want.insert((asset, user));
            }
            let user_map: Vec<u32> = (0..40).map(map).collect();
            for _ in 0..300 {
                let (asset, user) = (next(70) * scale, next(40));
                theirs.insert(asset, user);
                want.insert((asset, user_map[user as usize]));
            }
            assert!(matches!(theirs.store, PairStore::Bitmap { .. }));
            mine.settle();
            theirs.settle();
            mine.merge(&theirs, &user_map);
            let got: std::collections::BTreeSet<(u32, u32)> = mine.iter().collect();
            assert_eq!(got, want, "{assets} assets");
            assert_eq!(mine.len(), want.len());
        }
    }
}
