//! The audit's vocabulary: assets, the inventory, statuses, and the key folding used to compare them.

use crate::input::headers::normalise;
use crate::input::time::{Millis, MS_PER_DAY};
use crate::keys::SmallKey;
pub use id_index::IdIndex;

mod asset_filter;
mod filter;
mod groups;
mod id_index;
pub use asset_filter::{WhereClause, WhereOutcome};
pub mod title;
pub use filter::EventFilter;
pub use groups::{parse_split, parts, Groups};

/// One row of the inventory: every column kept once (trimmed), the logical fields read from
/// it, the created date and cost parsed.
#[derive(Debug, Clone)]
pub struct Asset {
    /// Where id, title, type and owner sit in `fields`.
    pub columns: AssetColumns,
    /// The owner folded for comparison with event users (`--exclude-owners`), as an index
    /// into [`Inventory::owner_keys`] (a library has a few dozen owners, not one per asset).
    pub owner_key: u32,
    pub created: Option<Millis>,
    pub cost: Option<f64>,
    /// Every column of the row, in header order, for `--group-by` on any column.
    pub fields: RowText,
}

/// The inventory columns of the logical fields (`NONE` when the inventory lacks one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AssetColumns {
    pub id: u32,
    pub title: u32,
    pub kind: u32,
    pub owner: u32,
}

impl AssetColumns {
    pub const NONE: u32 = u32::MAX;
}

impl Asset {
    pub fn id(&self) -> &str {
        self.fields.get(self.columns.id as usize)
    }

    /// Empty when the inventory has no title column.
    pub fn title(&self) -> &str {
        self.fields.get(self.columns.title as usize)
    }

    /// The asset's type; empty when the inventory has none.
    pub fn kind(&self) -> &str {
        self.fields.get(self.columns.kind as usize)
    }

    pub fn owner(&self) -> &str {
        self.fields.get(self.columns.owner as usize)
    }
}

/// A row's trimmed fields in one allocation (a million-asset inventory would otherwise pay
/// an allocation and a `String` header per cell).
#[derive(Debug, Clone, Default)]
pub struct RowText {
    text: Box<str>,
    /// Where each field ends in `text`.
    ends: Box<[u32]>,
}

impl RowText {
    pub fn new<S: AsRef<str>>(fields: impl Iterator<Item = S>) -> RowText {
        let mut text = String::new();
        let mut ends = Vec::new();
        for field in fields {
            text.push_str(field.as_ref());
            ends.push(text.len() as u32);
        }
        RowText {
            text: text.into_boxed_str(),
            ends: ends.into_boxed_slice(),
        }
    }

    /// A row from its fields' bytes (each trimmed by the caller), sized once: a field that
    /// is not UTF-8 is kept with U+FFFD for each bad sequence, as `String::from_utf8_lossy`
    /// writes it.
    ///
    /// The fields are joined and checked as UTF-8 once, the row as a whole (a check per
    /// field cost a call each); a row that fails, or whose fields split a character between
    /// them, is made again a field at a time.
    pub fn from_bytes<'a>(fields: impl ExactSizeIterator<Item = &'a [u8]> + Clone) -> RowText {
        let size = fields.clone().map(<[u8]>::len).sum();
        let mut bytes = Vec::with_capacity(size);
        let mut ends = Vec::with_capacity(fields.len());
        for field in fields.clone() {
            bytes.extend_from_slice(field);
            ends.push(bytes.len() as u32);
        }
        let text = match String::from_utf8(bytes) {
            Ok(text) if ends.iter().all(|&end| text.is_char_boundary(end as usize)) => text,
            _ => {
                let (mut text, mut ends_lossy) = (String::with_capacity(size), Vec::new());
                for field in fields {
                    text.push_str(&lossy(field));
                    ends_lossy.push(text.len() as u32);
                }
                ends = ends_lossy;
                text
            }
        };
        RowText {
            text: text.into_boxed_str(),
            ends: ends.into_boxed_slice(),
        }
    }

    /// The field in `column`, empty past the row's end.
    pub fn get(&self, column: usize) -> &str {
        let Some(&end) = self.ends.get(column) else {
            return "";
        };
        let start = column.checked_sub(1).map_or(0, |c| self.ends[c]);
        &self.text[start as usize..end as usize]
    }
}

/// What was read from the inventory, and what had to be passed over.
#[derive(Debug, Default, Clone)]
pub struct InventoryStats {
    pub rows_read: u64,
    pub rows_skipped: u64,
    pub values_invalid: u64,
    pub duplicates: u64,
}

/// The asset inventory: assets in file order, and an index from trimmed id to position.
#[derive(Debug, Default)]
pub struct Inventory {
    pub assets: Vec<Asset>,
    pub index: IdIndex,
    /// The inventory's headers, for `--group-by` on any column.
    pub headers: Vec<String>,
    /// The column of each logical field found (`type` -> 2...), by field name.
    pub field_columns: Vec<(&'static str, usize)>,
    pub has_cost: bool,
    /// The currency every non-empty cost is written with (`$1,200`), if they share one.
    pub cost_currency: Option<crate::input::currency::Currency>,
    pub has_owner: bool,
    pub stats: InventoryStats,
    /// The distinct folded owners, indexed by [`Asset::owner_key`].
    pub owner_keys: Vec<Box<[u8]>>,
    /// The ids of the assets `--where` left out: their events are excluded, not orphans.
    pub left_out: rustc_hash::FxHashSet<SmallKey>,
    /// `--split`: the multi-valued columns and their separators.
    pub splits: Vec<(usize, String)>,
}

impl Inventory {
    /// The folded owner of the asset at `position`.
    #[inline]
    pub fn owner_key(&self, position: usize) -> &[u8] {
        &self.owner_keys[self.assets[position].owner_key as usize]
    }

    /// The position of an asset by its id, already trimmed (as every event row's is, once).
    #[inline]
    pub fn lookup(&self, id: &[u8]) -> Option<u32> {
        debug_assert_eq!(id, trim_bytes(id));
        self.index.get(id)
    }

    pub fn len(&self) -> usize {
        self.assets.len()
    }

    /// A column by logical field name (`type`, `owner`...), exact header, or normalised header.
    pub fn column_named(&self, name: &str) -> Option<usize> {
        let logical = self.field_columns.iter().find(|(field, _)| *field == name);
        logical
            .map(|&(_, column)| column)
            .or_else(|| self.headers.iter().position(|h| h == name))
            .or_else(|| {
                let wanted = normalise(name);
                self.headers.iter().position(|h| normalise(h) == wanted)
            })
    }

    pub fn is_empty(&self) -> bool {
        self.assets.is_empty()
    }
}

/// Where an asset stands at as-of. Every asset has exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Created at or after as-of.
    Unpublished,
    /// Younger than `--min-age`: too new to judge.
    New,
    /// No counted event.
    Never,
    /// Last counted event older than `--stale-after`.
    Stale,
    Active,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Unpublished,
        Status::New,
        Status::Never,
        Status::Stale,
        Status::Active,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Unpublished => "unpublished",
            Status::New => "new",
            Status::Never => "never",
            Status::Stale => "stale",
            Status::Active => "active",
        }
    }

    pub fn is_judged(self) -> bool {
        matches!(self, Status::Never | Status::Stale | Status::Active)
    }
}

/// The thresholds that turn usage into a status.
#[derive(Debug, Clone, Copy)]
pub struct StatusPolicy {
    pub as_of: Millis,
    pub min_age_days: i64,
    pub stale_after_days: i64,
}

impl StatusPolicy {
    /// The status of an asset created at `created` whose last counted event is `last_open`.
    pub fn classify(&self, created: Option<Millis>, last_open: Option<Millis>) -> Status {
        if let Some(created) = created {
            if created >= self.as_of {
                return Status::Unpublished;
            }
            if self.as_of - created < self.min_age_days * MS_PER_DAY {
                return Status::New;
            }
        }
        match last_open {
            None => Status::Never,
            Some(last) if last < self.as_of - self.stale_after_days * MS_PER_DAY => Status::Stale,
            Some(_) => Status::Active,
        }
    }
}

/// Trims ASCII whitespace from both ends of a byte field.
#[inline]
pub fn trim_bytes(bytes: &[u8]) -> &[u8] {
    bytes.trim_ascii()
}

/// Folds a user, team or type value for comparison: trimmed and lower-cased.
///
/// ASCII is folded in place without allocating; other text goes through Unicode lower-casing.
#[inline]
pub fn fold_key_into(raw: &[u8], out: &mut Vec<u8>) {
    out.clear();
    let trimmed = trim_bytes(raw);
    if !fold_ascii_into(trimmed, out) {
        out.clear();
        let text = String::from_utf8_lossy(trimmed).to_lowercase();
        out.extend_from_slice(text.as_bytes());
    }
}

/// Appends `bytes` lower-cased to `out` when they are all ASCII, eight at a time; false (with
/// some bytes appended) when one is not.
#[inline]
fn fold_ascii_into(bytes: &[u8], out: &mut Vec<u8>) -> bool {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const ONES: u64 = 0x0101_0101_0101_0101;
    out.reserve(bytes.len());
    let mut words = bytes.chunks_exact(8);
    for chunk in &mut words {
        let word = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        if word & HIGH != 0 {
            return false;
        }
        // With every byte below 0x80, adding to a byte never carries into the next: a byte's
        // high bit is then set by `+ (0x80 - b'A')` when it is 'A' or above, and by
        // `+ (0x7F - b'Z')` when it is above 'Z'.
        let at_least_a = word + ONES * u64::from(0x80 - b'A');
        let above_z = word + ONES * u64::from(0x7F - b'Z');
        let upper = at_least_a & !above_z & HIGH;
        out.extend_from_slice(&(word | (upper >> 2)).to_le_bytes());
    }
    let rest = words.remainder();
    if !rest.is_ascii() {
        return false;
    }
    out.extend(rest.iter().map(u8::to_ascii_lowercase));
    true
}

/// `bytes` as text, with U+FFFD for each sequence that is not UTF-8, as
/// `String::from_utf8_lossy` reads it, but checked first the fast way (valid text, the usual
/// case, is borrowed after one pass of the standard check instead of a walk chunk by chunk).
pub fn lossy(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// [`fold_key_into`] returning a new vector.
pub fn fold_key(raw: &str) -> Vec<u8> {
    let mut out = Vec::new();
    fold_key_into(raw.as_bytes(), &mut out);
    out
}

/// Numbers as JSON would write them, without a trailing `.0` on whole values.
pub fn format_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn keys_fold_eight_at_a_time_as_byte_by_byte(
            ascii in proptest::collection::vec(0u8..0x80, 0..40),
            any in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..40),
            at in 0usize..40,
        ) {
            // Mostly ASCII (the fast path), with a byte from anywhere somewhere.
            let mut raw = ascii;
            raw.insert(at.min(raw.len()), any.first().copied().unwrap_or(b'A'));
            let mut got = Vec::new();
            fold_key_into(&raw, &mut got);
            let trimmed = trim_bytes(&raw);
            let want = if trimmed.is_ascii() {
                trimmed.to_ascii_lowercase()
            } else {
                String::from_utf8_lossy(trimmed).to_lowercase().into_bytes()
            };
            proptest::prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn every_ascii_byte_folds_as_to_ascii_lowercase() {
        for b in 0..0x80u8 {
            for at in 0..12 {
                let mut raw = *b"xAbCdEfGhIjZ";
                raw[at] = b;
                let mut got = Vec::new();
                fold_key_into(&raw, &mut got);
                assert_eq!(got, trim_bytes(&raw).to_ascii_lowercase(), "{raw:?}");
            }
        }
    }

    #[test]
    fn row_text_keeps_every_field() {
        let row = RowText::new(["A1", "", "Déck", "x"].into_iter());
        let fields: Vec<&str> = (0..5).map(|c| row.get(c)).collect();
        assert_eq!(fields, ["A1", "", "Déck", "x", ""]);
    }

    #[test]
    fn row_text_from_bytes_is_the_lossy_text_of_each_field() {
        let fields: [&[u8]; 6] = [
            b"A1",
            b"",
            "D\u{e9}ck".as_bytes(),
            b"\xc3",
            b"\xa9x",
            b"\xffy\xfe",
        ];
        let lossy = RowText::new(fields.iter().map(|f| String::from_utf8_lossy(f)));
        let direct = RowText::from_bytes(fields.iter().copied());
        for column in 0..7 {
            assert_eq!(direct.get(column), lossy.get(column), "column {column}");
        }
        // A character split over two fields stays two bad fields, not one good one.
        assert_eq!(direct.get(3), "\u{fffd}");
        assert_eq!(direct.get(4), "\u{fffd}x");
    }

    #[test]
    fn lossy_text_is_from_utf8_lossy() {
        for bytes in [
            &b"ann@example.com"[..],
            b"",
            "D\u{e9}ck".as_bytes(),
            b"\xff\xfea",
            b"a\xc3",
        ] {
            assert_eq!(lossy(bytes), String::from_utf8_lossy(bytes));
        }
        assert!(matches!(
            lossy(b"plain"),
            std::borrow::Cow::Borrowed("plain")
        ));
    }

    const DAY: i64 = MS_PER_DAY;

    fn policy() -> StatusPolicy {
        StatusPolicy {
            as_of: 1000 * DAY,
            min_age_days: 30,
            stale_after_days: 90,
        }
    }

    #[test]
    fn statuses_follow_the_definitions_at_their_edges() {
        let p = policy();
        assert_eq!(p.classify(Some(1000 * DAY), None), Status::Unpublished);
        assert_eq!(p.classify(Some(971 * DAY), Some(999 * DAY)), Status::New);
        assert_eq!(p.classify(Some(970 * DAY), None), Status::Never);
        assert_eq!(p.classify(None, None), Status::Never);
        assert_eq!(p.classify(None, Some(910 * DAY - 1)), Status::Stale);
        assert_eq!(p.classify(None, Some(910 * DAY)), Status::Active);
    }

    #[test]
    fn keys_fold_case_and_space() {
        assert_eq!(fold_key("  Jane.Doe@Example.COM "), b"jane.doe@example.com");
        assert_eq!(fold_key("ÉQUIPE"), "équipe".as_bytes());
    }
}
