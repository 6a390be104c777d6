//! One row per inventory asset: its status and usage.

use crate::analysis::Audit;
use crate::input::time::{Millis, MS_PER_DAY};
use crate::model::Status;
use serde::Serialize;
use std::cmp::Reverse;

/// An asset with its status and counted usage at as-of; its text borrowed from the inventory
/// (a row is made per printed line).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssetRow<'a> {
    pub asset_id: &'a str,
    pub title: &'a str,
    #[serde(rename = "type")]
    pub kind: &'a str,
    pub owner: &'a str,
    #[serde(serialize_with = "super::time_format::opt_date")]
    pub created: Option<Millis>,
    pub status: Status,
    pub opens: u64,
    pub users: u64,
    #[serde(serialize_with = "super::time_format::opt_instant")]
    pub first_open: Option<Millis>,
    #[serde(serialize_with = "super::time_format::opt_instant")]
    pub last_open: Option<Millis>,
    /// Whole days from the last open to as-of.
    pub days_since_last_open: Option<i64>,
    /// `None` without a cost column or a readable cost.
    pub cost: Option<f64>,
}

/// How asset rows are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssetOrder {
    /// Most opened first, then by id: the `assets` report.
    MostOpened,
    /// By id: the snapshot, which `diff` merges by id.
    Id,
}

/// The rows of the assets whose status `keep` accepts, in `order`, made one at a time as
/// they are read (a million-asset library is never held twice).
pub fn asset_rows(
    audit: &Audit,
    as_of: Millis,
    keep: impl Fn(Status) -> bool,
    order: AssetOrder,
) -> AssetRows<'_> {
    let assets = &audit.inventory.assets;
    let usage = &audit.usage.assets;
    let kept = (0..assets.len() as u32).filter(|&i| keep(audit.statuses[i as usize]));
    // Each asset's key taken once, its id's first 16 bytes in it (see [`IdOrder`]), so that
    // a comparison reads no asset's text, which lies in blocks of its own: sorting a million
    // assets that way missed the cache on most comparisons. The position comes last, so the
    // order is the stable sort's by the rest (ids are distinct: it never decides).
    let id = |i: u32| IdOrder::of(assets[i as usize].id());
    let chosen = match order {
        AssetOrder::MostOpened => {
            in_key_order(kept.map(|i| ((Reverse(usage[i as usize].opens), id(i)), i)))
        }
        AssetOrder::Id => in_key_order(kept.map(|i| (id(i), i))),
    };
    AssetRows {
        audit,
        as_of,
        users: audit.users_per_asset(),
        chosen: chosen.into_iter(),
    }
}

/// The positions of `keyed`, in the order of their keys (then of the positions).
fn in_key_order<K: Ord, P: Ord>(keyed: impl Iterator<Item = (K, P)>) -> Vec<P> {
    let mut keyed: Vec<(K, P)> = keyed.collect();
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, position)| position).collect()
}

/// A float as a number that orders as [`f64::total_cmp`] orders floats (its own bits, the
/// negatives' turned around).
fn total_order(x: f64) -> i64 {
    let bits = x.to_bits() as i64;
    bits ^ (((bits >> 63) as u64) >> 1) as i64
}

/// An id as it sorts: its first 16 bytes as one number (zeros after a shorter id), then the
/// whole text, which only breaks a tie of the first. A shorter id is a string's prefix padded
/// with the smallest byte, so the number never orders two ids against their text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct IdOrder<'a>(u128, &'a str);

impl<'a> IdOrder<'a> {
    fn of(id: &'a str) -> IdOrder<'a> {
        let mut head = [0u8; 16];
        let n = id.len().min(16);
        head[..n].copy_from_slice(&id.as_bytes()[..n]);
        IdOrder(u128::from_be_bytes(head), id)
    }
}

/// The rows of [`asset_rows`], in order.
pub struct AssetRows<'a> {
    audit: &'a Audit,
    as_of: Millis,
    users: Vec<u64>,
    chosen: std::vec::IntoIter<u32>,
}

impl<'a> Iterator for AssetRows<'a> {
    type Item = AssetRow<'a>;

    fn next(&mut self) -> Option<AssetRow<'a>> {
        let i = self.chosen.next()? as usize;
        let (asset, used) = (&self.audit.inventory.assets[i], &self.audit.usage.assets[i]);
        Some(AssetRow {
            asset_id: asset.id(),
            title: asset.title(),
            kind: asset.kind(),
            owner: asset.owner(),
            created: asset.created,
            status: self.audit.statuses[i],
            opens: used.opens,
            users: self.users[i],
            first_open: used.first(),
            last_open: used.last(),
            days_since_last_open: used.last().map(|l| (self.as_of - l).div_euclid(MS_PER_DAY)),
            cost: asset.cost,
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.chosen.size_hint()
    }
}

impl ExactSizeIterator for AssetRows<'_> {}

/// A never-opened asset, for the `unused` list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnusedRow<'a> {
    pub asset_id: &'a str,
    pub title: &'a str,
    #[serde(rename = "type")]
    pub kind: &'a str,
    pub owner: &'a str,
    #[serde(serialize_with = "super::time_format::opt_date")]
    pub created: Option<Millis>,
    /// Whole days from created to as-of.
    pub age_days: Option<i64>,
    pub cost: Option<f64>,
}

/// How the never-opened list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnusedOrder {
    /// Oldest first, undated last, ties by id: the `unused` report.
    Oldest,
    /// Largest cost first, then as `Oldest`: where the money sits.
    Costliest,
    /// Largest cost first, then by title, then by id: for an inventory without created
    /// dates, where "oldest" would mean nothing but the ids' order as text.
    CostThenTitle,
}

/// The never-opened assets in `order`, made one at a time as they are read.
pub fn unused_rows(
    audit: &Audit,
    as_of: Millis,
    order: UnusedOrder,
) -> impl ExactSizeIterator<Item = UnusedRow<'_>> + '_ {
    let assets = &audit.inventory.assets;
    let never = (0..assets.len()).filter(|&i| audit.statuses[i] == Status::Never);
    // Keys taken once, as in [`asset_rows`].
    let oldest = |i: usize| {
        let asset = &assets[i];
        (
            asset.created.is_none(),
            asset.created,
            IdOrder::of(asset.id()),
        )
    };
    let cost = |i: usize| Reverse(total_order(assets[i].cost.unwrap_or(0.0)));
    let never = match order {
        UnusedOrder::Oldest => in_key_order(never.map(|i| (oldest(i), i))),
        UnusedOrder::Costliest => in_key_order(never.map(|i| ((cost(i), oldest(i)), i))),
        UnusedOrder::CostThenTitle => in_key_order(never.map(|i| {
            let asset = &assets[i];
            ((cost(i), asset.title(), IdOrder::of(asset.id())), i)
        })),
    };
    never.into_iter().map(move |i| {
        let asset = &assets[i];
        UnusedRow {
            asset_id: asset.id(),
            title: asset.title(),
            kind: asset.kind(),
            owner: asset.owner(),
            created: asset.created,
            age_days: asset.created.map(|c| (as_of - c).div_euclid(MS_PER_DAY)),
            cost: asset.cost,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::{total_order, IdOrder};

    proptest::proptest! {
        /// Ids around 16 bytes, sharing prefixes, with the smallest byte in them: the key
        /// orders them as their text does.
        #[test]
        fn ids_sort_by_their_key_as_by_their_text(
            a in "[A\\x00\\x01é-]{0,20}",
            b in "[A\\x00\\x01é-]{0,20}",
            shared in "(AST-0000000000)?",
        ) {
            let (a, b) = (format!("{shared}{a}"), format!("{shared}{b}"));
            proptest::prop_assert_eq!(IdOrder::of(&a).cmp(&IdOrder::of(&b)), a.cmp(&b));
        }

        /// Any two floats, NaNs and signed zeros among them, order as `total_cmp` orders them.
        #[test]
        fn floats_order_by_their_number_as_by_total_cmp(a: u64, b: u64, pick in 0usize..16) {
            let special = [0.0, -0.0, f64::NAN, -f64::NAN, f64::INFINITY, 1.5, -1.5, f64::MIN_POSITIVE];
            let b = special.get(pick).copied().unwrap_or(f64::from_bits(b));
            let a = f64::from_bits(a);
            proptest::prop_assert_eq!(total_order(a).cmp(&total_order(b)), a.total_cmp(&b));
            proptest::prop_assert_eq!(total_order(b).cmp(&total_order(a)), b.total_cmp(&a));
        }
    }
}
