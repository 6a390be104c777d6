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

    /// Inserts `id` at `position` unless it is in already (false then: the first one stays),
    /// with one lookup instead of a look and an insert.
    pub fn insert_new(&mut self, id: &[u8], position: u32) -> bool {
        match self.map.entry(SmallKey::new(id)) {
            std::collections::hash_map::Entry::Occupied(_) => false,
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(position);
                self.numbered = OnceLock::new();
                true
            }
        }
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
    /// The prefix (up to 8 bytes) as a little-endian word, and the mask of its bytes.
    prefix_word: Option<(u64, u64)>,
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
        let prefix_word = (prefix.len() <= 8).then(|| {
            let mut bytes = [0u8; 8];
            bytes[..prefix.len()].copy_from_slice(prefix);
            let mask = u64::MAX
                .checked_shr(8 * (8 - prefix.len()) as u32)
                .unwrap_or(0);
            (u64::from_le_bytes(bytes), mask)
        });
        Some(Numbered {
            prefix_word,
            prefix: prefix.into(),
            width,
            positions,
        })
    }

    #[inline]
    fn get(&self, id: &[u8]) -> Option<u32> {
        // The prefix compared as one masked word when both are long enough (no call).
        let rest = match self.prefix_word {
            Some((word, mask)) if id.len() >= 8 => {
                let head = u64::from_le_bytes(id[..8].try_into().expect("8 bytes"));
                if head & mask != word {
                    return None;
                }
                &id[self.prefix.len()..]
            }
            _ => id.strip_prefix(&*self.prefix)?,
        };
        let shaped = match self.width {
            Some(width) => rest.len() == width,
            None => {
                !rest.is_empty() && rest.len() <= MAX_DIGITS && (rest.len() == 1 || rest[0] != b'0')
            }
        };
        if !shaped {
            return None;
        }
        let number = if rest.len() <= 8 {
            // The digits as one word, right-aligned behind '0's: the id's last 8 bytes when it
            // has them (the prefix's bytes in front turned to '0'), else a copy.
            let word = if id.len() >= 8 {
                let tail = u64::from_le_bytes(id[id.len() - 8..].try_into().expect("8 bytes"));
                let front = 8 * (8 - rest.len()) as u32;
                let keep = u64::MAX.checked_shl(front).unwrap_or(0);
                (tail & keep) | (ZEROS & !keep)
            } else {
                let mut bytes = [b'0'; 8];
                bytes[8 - rest.len()..].copy_from_slice(rest);
                u64::from_le_bytes(bytes)
            };
            eight_digits(word)?
        } else {
            if !rest.iter().all(u8::is_ascii_digit) {
                return None;
            }
            number(rest)
        };
        let position = *self.positions.get(number as usize)?;
        (position != NONE).then_some(position)
    }
}

/// Eight ASCII '0' bytes.
const ZEROS: u64 = 0x3030_3030_3030_3030;

/// The value of eight ASCII digits read as one little-endian word (the first digit in the
/// lowest byte), or `None` when a byte is not a digit: a few multiplies instead of a loop.
#[inline]
fn eight_digits(word: u64) -> Option<u32> {
    // A digit is 0x30..=0x39: its high nibble is 3, and still 3 after adding 6. (A byte whose
    // +6 carries into the next is 0xFA or more, which fails on its own high nibble.)
    let high = word & 0xF0F0_F0F0_F0F0_F0F0;
    let bumped = word.wrapping_add(0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0;
    if high | (bumped >> 4) != 0x3333_3333_3333_3333 {
        return None;
    }
    // Pairs, then fours, then the eight (Lemire's parse_eight_digits_unrolled).
    let v = word - ZEROS;
    let v = v.wrapping_mul(10).wrapping_add(v >> 8);
    const MASK: u64 = 0x0000_00FF_0000_00FF;
    const MUL1: u64 = 100 + (1_000_000 << 32);
    const MUL2: u64 = 1 + (10_000 << 32);
    let v = (v & MASK)
        .wrapping_mul(MUL1)
        .wrapping_add(((v >> 16) & MASK).wrapping_mul(MUL2))
        >> 32;
    Some(v as u32)
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

    #[test]
    fn eight_digits_read_as_a_loop_does() {
        let word = |s: &[u8; 8]| u64::from_le_bytes(*s);
        assert_eq!(eight_digits(word(b"00000000")), Some(0));
        assert_eq!(eight_digits(word(b"12345678")), Some(12_345_678));
        assert_eq!(eight_digits(word(b"99999999")), Some(99_999_999));
        assert_eq!(eight_digits(word(b"00007653")), Some(7653));
        for bad in [
            b"1234567:",
            b"/2345678",
            b"12 45678",
            b"1234\xFA678",
            b"A2345678",
        ] {
            let mut bytes = [0u8; 8];
            bytes.copy_from_slice(&bad[..8]);
            assert_eq!(eight_digits(u64::from_le_bytes(bytes)), None, "{bad:?}");
        }
        for b in 0..=255u8 {
            for at in 0..8 {
                let mut bytes = *b"31415926";
                bytes[at] = b;
                let want = std::str::from_utf8(&bytes)
                    .ok()
                    .filter(|s| s.bytes().all(|c| c.is_ascii_digit()))
                    .map(|s| s.parse::<u32>().unwrap());
                assert_eq!(eight_digits(u64::from_le_bytes(bytes)), want, "{bytes:?}");
            }
        }
    }

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
