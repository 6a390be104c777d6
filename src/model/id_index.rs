//! The inventory's index from asset id to position. When every id is one shape, a shared
//! prefix and a number (`AST-00042`, MovieLens's `193609`), an event's id is found by
//! reading its number and one load from a flat array, with no hashing and no key compared;
//! any other inventory goes through a hash map. Both answer alike for every text: the flat
//! array is used only when no id outside the shape could be in the inventory.

use crate::keys::SmallKey;
use rustc_hash::FxHashMap;
use std::sync::OnceLock;

/// No asset at this number.
const NONE: u32 = u32::MAX;

/// More digits than this and a number might not fit the arithmetic below.
const MAX_DIGITS: usize = 9;

/// Trimmed id -> position in the inventory.
#[derive(Debug, Default, Clone)]
pub struct IdIndex {
    map: FxHashMap<SmallKey, u32>,
    /// The flat array, made at the first lookup after the last change; `None` when the ids
    /// do not share one shape.
    numbered: OnceLock<Option<Numbered>>,
}

impl IdIndex {
    pub fn insert(&mut self, id: &[u8], position: u32) {
        self.map.insert(SmallKey::new(id), position);
        self.numbered = OnceLock::new();
    }

    pub fn clear(&mut self) {
        self.map.clear();
        self.numbered = OnceLock::new();
    }

    pub fn contains(&self, id: &[u8]) -> bool {
        self.map.contains_key(id)
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The position of the asset whose trimmed id is `id`.
    #[inline]
    pub fn get(&self, id: &[u8]) -> Option<u32> {
        match self.numbered.get_or_init(|| Numbered::build(&self.map)) {
            Some(numbered) => numbered.get(id),
            None => self.map.get(id).copied(),
        }
    }
}

/// Ids that are all `prefix` followed by a number of digits, written either all with the
/// same count of digits (`width`: leading zeros allowed) or all without leading zeros.
#[derive(Debug, Clone)]
struct Numbered {
    prefix: Box<[u8]>,
    /// Every id has this many digits; `None`: the digits have no leading zero (or are `0`).
    width: Option<usize>,
    /// Position by number, [`NONE`] where no id has it.
    positions: Vec<u32>,
}

impl Numbered {
    /// The flat array for `map`'s ids, or `None` when they do not share one shape or their
    /// numbers are too sparse for an array (more than 32 slots an id, past a first 64k).
    fn build(map: &FxHashMap<SmallKey, u32>) -> Option<Numbered> {
        let first = map.keys().next()?.as_bytes();
        // The longest prefix every id shares, less any digits at its end (`A10`, `A11`
        // share `A1`, but their numbers are 10 and 11).
        let mut shared = first.len();
        for key in map.keys() {
            let key = key.as_bytes();
            shared = first[..shared]
                .iter()
                .zip(key)
                .take_while(|(a, b)| a == b)
                .count();
        }
        while shared > 0 && first[shared - 1].is_ascii_digit() {
            shared -= 1;
        }
        let prefix = &first[..shared];
        let digits = |key: &[u8]| -> Option<usize> {
            let rest = &key[shared..];
            let ok =
                !rest.is_empty() && rest.len() <= MAX_DIGITS && rest.iter().all(u8::is_ascii_digit);
            ok.then_some(rest.len())
        };
        let width = digits(first)?;
        let mut same_width = true;
        let mut canonical = true;
        let mut largest = 0u32;
        for key in map.keys() {
            let key = key.as_bytes();
            let count = digits(key)?;
            same_width &= count == width;
            canonical &= count == 1 || key[shared] != b'0';
            largest = largest.max(number(&key[shared..]));
        }
        let width = if same_width {
            Some(width)
        } else if canonical {
            None
        } else {
            return None;
        };
        let slots = largest as usize + 1;
        if slots > 65_536 + 32 * map.len() {
            return None;
        }
        let mut positions = vec![NONE; slots];
        for (key, &position) in map {
            positions[number(&key.as_bytes()[shared..]) as usize] = position;
        }
        Some(Numbered {
            prefix: prefix.into(),
            width,
            positions,
        })
    }

    #[inline]
    fn get(&self, id: &[u8]) -> Option<u32> {
        let rest = id.strip_prefix(&*self.prefix)?;
        let shaped = match self.width {
            Some(width) => rest.len() == width,
            None => {
                !rest.is_empty() && rest.len() <= MAX_DIGITS && (rest.len() == 1 || rest[0] != b'0')
            }
        };
        if !shaped || !rest.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let position = *self.positions.get(number(rest) as usize)?;
        (position != NONE).then_some(position)
    }
}

/// The value of at most [`MAX_DIGITS`] ASCII digits.
#[inline]
fn number(digits: &[u8]) -> u32 {
    digits
        .iter()
        .fold(0u32, |n, &d| n * 10 + u32::from(d - b'0'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn index(ids: &[&str]) -> IdIndex {
        let mut index = IdIndex::default();
        for (i, id) in ids.iter().enumerate() {
            index.insert(id.as_bytes(), i as u32);
        }
        index
    }

    fn shape(index: &IdIndex) -> Option<(String, Option<usize>)> {
        index.get(b"");
        let numbered = index.numbered.get().expect("built").as_ref()?;
        Some((
            String::from_utf8_lossy(&numbered.prefix).into(),
            numbered.width,
        ))
    }

    #[test]
    fn zero_padded_ids_take_the_array_and_match_only_their_own_spelling() {
        let ids = index(&["AST-00001", "AST-00002", "AST-20000"]);
        assert_eq!(shape(&ids), Some(("AST-".into(), Some(5))));
        assert_eq!(ids.get(b"AST-00002"), Some(1));
        assert_eq!(ids.get(b"AST-20000"), Some(2));
        for miss in [
            "AST-2",
            "AST-000002",
            "AST-00003",
            "ast-00001",
            "AST-0000x",
            "AST-",
        ] {
            assert_eq!(ids.get(miss.as_bytes()), None, "{miss}");
        }
    }

    #[test]
    fn plain_numbers_take_the_array_without_leading_zeros() {
        let ids = index(&["1", "10", "19360", "0"]);
        assert_eq!(shape(&ids), Some((String::new(), None)));
        assert_eq!(ids.get(b"19360"), Some(2));
        assert_eq!(ids.get(b"0"), Some(3));
        for miss in ["01", "010", "2", "1000000000000", "-1", "1.0"] {
            assert_eq!(ids.get(miss.as_bytes()), None, "{miss}");
        }
    }

    #[test]
    fn a_prefix_ending_in_digits_gives_them_back_to_the_number() {
        let ids = index(&["A10", "A11", "A12"]);
        assert_eq!(shape(&ids), Some(("A".into(), Some(2))));
        assert_eq!(ids.get(b"A11"), Some(1));
        assert_eq!(ids.get(b"A105"), None);
    }

    #[test]
    fn other_inventories_use_the_map() {
        // Mixed widths with a leading zero, text ids, sparse numbers.
        for ids in [
            &["7", "007", "12"][..],
            &["deck-a", "deck-b"],
            &["1", "999999999"],
        ] {
            let index = index(ids);
            assert_eq!(shape(&index), None, "{ids:?}");
            for (i, id) in ids.iter().enumerate() {
                assert_eq!(index.get(id.as_bytes()), Some(i as u32));
            }
        }
    }

    #[test]
    fn a_change_rebuilds_the_array() {
        let mut ids = index(&["AST-1", "AST-2"]);
        assert_eq!(ids.get(b"AST-2"), Some(1));
        ids.insert(b"deck", 2);
        assert_eq!(ids.get(b"deck"), Some(2));
        assert_eq!(ids.get(b"AST-2"), Some(1));
        ids.clear();
        assert_eq!(ids.get(b"AST-2"), None);
    }

    /// An id as an export might write it: `prefix`, then `n` padded to `width` digits
    /// (none: as is).
    fn spell(prefix: &str, n: u32, width: Option<usize>) -> String {
        match width {
            Some(w) => format!("{prefix}{n:0w$}"),
            None => format!("{prefix}{n}"),
        }
    }

    proptest! {
        /// Whatever the ids (mostly one shape, sometimes with an outlier), the index answers
        /// as a hash map of them does, for their own spellings and for near misses.
        #[test]
        fn answers_as_the_map_does(
            prefix in prop_oneof![Just("AST-"), Just("A1"), Just("")],
            width in prop_oneof![Just(None), (1usize..6).prop_map(Some)],
            numbers in proptest::collection::vec(0u32..3000, 1..40),
            outlier in prop_oneof![Just(None), "[a-z0-9-]{1,6}".prop_map(Some)],
            probes in proptest::collection::vec(
                ("(AST-|A1|A|)", 0u32..3100, prop_oneof![Just(None), (0usize..7).prop_map(Some)]),
                0..60,
            ),
        ) {
            let mut index = IdIndex::default();
            let mut map = FxHashMap::default();
            let ids = numbers.iter().map(|&n| spell(prefix, n, width)).chain(outlier);
            for (i, id) in ids.enumerate() {
                if !map.contains_key(&id) {
                    map.insert(id.clone(), i as u32);
                    index.insert(id.as_bytes(), i as u32);
                }
            }
            let probes = probes.iter().map(|(p, n, w)| spell(p, *n, *w));
            let own: Vec<String> = map.keys().cloned().collect();
            for probe in probes.chain(own) {
                prop_assert_eq!(index.get(probe.as_bytes()), map.get(&probe).copied(), "{}", probe);
            }
        }
    }
}
