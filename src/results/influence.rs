//! Revenue influence: the summary of the deals in scope, a row per asset, per group or per rep.

use crate::analysis::influence::{each_deal_ahead, shares, DealIndex, Model};
use crate::analysis::summary::round2;
use crate::analysis::touches::TouchTally;
use crate::analysis::Audit;
use crate::input::opportunities::Outcome;
use crate::model::{Groups, Status};
use rustc_hash::FxHashMap;
use serde::Serialize;

/// The `summary` object: how the deals were read, how many were touched, and what they won.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct InfluenceSummary {
    pub link: String,
    pub model: String,
    pub lookback_days: i64,
    pub deals_read: u64,
    pub deals_skipped: u64,
    pub deals_duplicate: u64,
    pub deal_values_invalid: u64,
    pub deals_in_scope: u64,
    pub deals_won: u64,
    pub deals_lost: u64,
    pub deals_open: u64,
    pub deals_touched: u64,
    pub deals_won_touched: u64,
    pub deals_lost_touched: u64,
    pub deals_open_touched: u64,
    pub win_rate_pct: Option<f64>,
    pub win_rate_touched_pct: Option<f64>,
    pub win_rate_untouched_pct: Option<f64>,
    pub revenue_won: f64,
    pub revenue_won_touched: f64,
    pub revenue_touched_pct: Option<f64>,
    pub avg_won_amount_touched: Option<f64>,
    pub avg_won_amount_untouched: Option<f64>,
    pub median_cycle_days_touched: Option<f64>,
    pub median_cycle_days_untouched: Option<f64>,
    pub touches: u64,
}

impl InfluenceSummary {
    /// The summary's keys, in the order reports list them.
    pub fn keys() -> Vec<String> {
        match serde_json::to_value(InfluenceSummary::default()) {
            Ok(serde_json::Value::Object(map)) => map.keys().cloned().collect(),
            _ => Vec::new(),
        }
    }
}

/// One inventory asset's deals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InfluenceRow {
    pub asset_id: String,
    pub title: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub owner: String,
    pub status: Status,
    pub deals_touched: u64,
    pub deals_won: u64,
    pub deals_lost: u64,
    pub deals_open: u64,
    pub win_rate_pct: Option<f64>,
    pub revenue_won_influenced: f64,
    pub revenue_won_attributed: f64,
    pub first_touch_won: u64,
    pub last_touch_won: u64,
}

/// One group of assets (`--by COLUMN`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupRow {
    pub group: String,
    pub assets: u64,
    pub deals_touched: u64,
    pub deals_won: u64,
    pub deals_lost: u64,
    pub deals_open: u64,
    pub win_rate_pct: Option<f64>,
    pub revenue_won_influenced: f64,
    pub revenue_won_attributed: f64,
}

/// One deal owner (`--by rep`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RepRow {
    pub rep: String,
    pub deals_in_scope: u64,
    pub deals_won: u64,
    pub deals_lost: u64,
    pub deals_open: u64,
    pub win_rate_pct: Option<f64>,
    pub deals_touched: u64,
    pub touched_pct: Option<f64>,
    pub revenue_won: f64,
    pub revenue_won_touched: f64,
    pub touches_per_deal_touched: Option<f64>,
}

/// Deal counts by outcome and the won amount, unrounded.
#[derive(Debug, Clone, Copy, Default)]
struct Outcomes {
    touched: u64,
    won: u64,
    lost: u64,
    open: u64,
    won_amount: f64,
}

impl Outcomes {
    #[inline]
    fn add(&mut self, outcome: Outcome, amount: f64) {
        self.touched += 1;
        match outcome {
            Outcome::Won => {
                self.won += 1;
                self.won_amount += amount;
            }
            Outcome::Lost => self.lost += 1,
            Outcome::Open => self.open += 1,
        }
    }

    /// [`Outcomes::add`] to each of `assets`, with the outcome looked at once (a deal's
    /// assets are most of `influence`'s serial end, and its outcome the same for each): a
    /// loop per outcome, in which `add`'s own match folds away.
    fn add_each(outcomes: &mut [Outcomes], assets: &[u32], outcome: Outcome, amount: f64) {
        #[inline(always)]
        fn each(outcomes: &mut [Outcomes], assets: &[u32], outcome: Outcome, amount: f64) {
            for &a in assets {
                outcomes[a as usize].add(outcome, amount);
            }
        }
        match outcome {
            Outcome::Won => each(outcomes, assets, Outcome::Won, amount),
            Outcome::Lost => each(outcomes, assets, Outcome::Lost, amount),
            Outcome::Open => each(outcomes, assets, Outcome::Open, amount),
        }
    }

    fn win_rate(&self) -> Option<f64> {
        pct(self.won as f64, (self.won + self.lost) as f64)
    }
}

/// `part / whole × 100`, rounded to cents; `None` with nothing to divide by.
fn pct(part: f64, whole: f64) -> Option<f64> {
    (whole > 0.0).then(|| round2(part * 100.0 / whole))
}

/// What the touches come to, before rounding.
pub struct Influence {
    pub summary: InfluenceSummary,
    /// Each deal's touches (0 for an untouched one), indexed like the deals.
    touches: Vec<u64>,
    /// The pass's touches, sealed: each deal's distinct touched assets, read again by
    /// [`Influence::group_rows`] (not copied out: that is a list of every deal–asset pair).
    tally: TouchTally,
    /// Each asset's rank among the ids as plain text.
    rank: Vec<u32>,
    assets: Vec<Outcomes>,
    /// Attributed amounts, unrounded.
    pub attributed: Vec<f64>,
    first_won: Vec<u64>,
    last_won: Vec<u64>,
}

impl Drop for Influence {
    /// Leaves the sealed touches (each deal's distinct assets: tens of megabytes a part of the
    /// input) for the process's exit to free when it is about to end, as [`Audit`] leaves its
    /// tallies (see [`crate::heap::left_to_exit`]): unmapping them was a few milliseconds of
    /// `influence`'s serial end.
    fn drop(&mut self) {
        if crate::heap::left_to_exit() {
            std::mem::forget(std::mem::take(&mut self.tally));
        }
    }
}

impl Influence {
    /// Sorts out `touches` (the pass's) by deal and adds them up under `model`.
    pub fn of(
        audit: &Audit,
        index: &DealIndex,
        touches: &mut TouchTally,
        model: Model,
    ) -> Influence {
        let inventory = &audit.inventory;
        let deals = &index.deals.deals;
        // The ranks the pass kept its first and last touches by.
        let rank = audit.asset_ranks.clone();
        debug_assert_eq!(rank.len(), inventory.len(), "an audit of a pass with deals");
        let n = inventory.len();
        let mut out = Influence {
            summary: summary_base(index, model),
            touches: vec![0; deals.len()],
            assets: vec![Outcomes::default(); n],
            attributed: vec![0.0; n],
            first_won: vec![0; n],
            last_won: vec![0; n],
            tally: TouchTally::default(),
            rank: Vec::new(),
        };
        let mut tally = std::mem::take(touches);
        tally.seal();
        each_deal_ahead(&tally, &rank, |d| {
            let deal = &deals[d.deal as usize];
            out.touches[d.deal as usize] = d.touches;
            Outcomes::add_each(&mut out.assets, d.assets, deal.outcome, deal.amount);
            if deal.outcome == Outcome::Won {
                out.first_won[d.first as usize] += 1;
                out.last_won[d.last as usize] += 1;
                shares(model, d, deal.amount, |a, s| {
                    out.attributed[a as usize] += s
                });
            }
        });
        out.tally = tally;
        out.rank = rank;
        out.finish_summary(index);
        out
    }

    fn finish_summary(&mut self, index: &DealIndex) {
        let s = &mut self.summary;
        let (mut touched_cycles, mut untouched_cycles) = (Vec::new(), Vec::new());
        let (mut all, mut touched) = (Outcomes::default(), Outcomes::default());
        for (i, deal) in index.deals.deals.iter().enumerate() {
            if !index.in_scope[i] {
                continue;
            }
            let was_touched = self.touches[i] > 0;
            all.add(deal.outcome, deal.amount);
            if was_touched {
                touched.add(deal.outcome, deal.amount);
                s.touches += self.touches[i];
            }
            if let (Outcome::Won, Some(created), Some(close)) =
                (deal.outcome, deal.created_day, deal.close_day)
            {
                let cycles = if was_touched {
                    &mut touched_cycles
                } else {
                    &mut untouched_cycles
                };
                cycles.push(close - created);
            }
        }
        s.deals_in_scope = all.touched;
        (s.deals_won, s.deals_lost, s.deals_open) = (all.won, all.lost, all.open);
        s.deals_touched = touched.touched;
        (
            s.deals_won_touched,
            s.deals_lost_touched,
            s.deals_open_touched,
        ) = (touched.won, touched.lost, touched.open);
        s.win_rate_pct = all.win_rate();
        s.win_rate_touched_pct = touched.win_rate();
        let untouched_won = all.won - touched.won;
        let untouched_lost = all.lost - touched.lost;
        s.win_rate_untouched_pct = pct(
            untouched_won as f64,
            (untouched_won + untouched_lost) as f64,
        );
        s.revenue_won = round2(all.won_amount);
        s.revenue_won_touched = round2(touched.won_amount);
        s.revenue_touched_pct = pct(touched.won_amount, all.won_amount);
        let average = |sum: f64, n: u64| (n > 0).then(|| round2(sum / n as f64));
        s.avg_won_amount_touched = average(touched.won_amount, touched.won);
        s.avg_won_amount_untouched = average(all.won_amount - touched.won_amount, untouched_won);
        s.median_cycle_days_touched = median(&mut touched_cycles);
        s.median_cycle_days_untouched = median(&mut untouched_cycles);
    }

    /// A row per inventory asset, by attributed revenue (in cents), then won deals (both
    /// descending), then id.
    pub fn asset_rows<'a>(&'a self, audit: &'a Audit) -> impl Iterator<Item = InfluenceRow> + 'a {
        let assets = &audit.inventory.assets;
        // The order is decided on indices, and each row made as it is read: a million rows
        // held at once took several hundred megabytes.
        let mut order: Vec<u32> = (0..assets.len() as u32).collect();
        let cents_of: Vec<i64> = self.attributed.iter().map(|&a| cents(a)).collect();
        order.sort_by(|&a, &b| {
            let (a, b) = (a as usize, b as usize);
            cents_of[b]
                .cmp(&cents_of[a])
                .then(self.assets[b].won.cmp(&self.assets[a].won))
                .then_with(|| assets[a].id().cmp(assets[b].id()))
        });
        drop(cents_of);
        order.into_iter().map(move |i| {
            let i = i as usize;
            let (asset, o) = (&assets[i], &self.assets[i]);
            InfluenceRow {
                asset_id: asset.id().to_string(),
                title: asset.title().to_string(),
                kind: asset.kind().to_string(),
                owner: asset.owner().to_string(),
                status: audit.statuses[i],
                deals_touched: o.touched,
                deals_won: o.won,
                deals_lost: o.lost,
                deals_open: o.open,
                win_rate_pct: o.win_rate(),
                revenue_won_influenced: round2(o.won_amount),
                revenue_won_attributed: round2(self.attributed[i]),
                first_touch_won: self.first_won[i],
                last_touch_won: self.last_won[i],
            }
        })
    }

    /// A row per group of assets (an asset split over several groups counts in each):
    /// deals counted once per group; by attributed revenue (in cents, descending), then group.
    pub fn group_rows(&self, index: &DealIndex, group_of: &Groups) -> Vec<GroupRow> {
        let names = &group_of.names;
        let mut outcomes = vec![Outcomes::default(); names.len()];
        let mut attributed = vec![0.0; names.len()];
        let mut members = vec![0u64; names.len()];
        for asset in 0..self.attributed.len() {
            for &g in group_of.of(asset) {
                members[g as usize] += 1;
                attributed[g as usize] += self.attributed[asset];
            }
        }
        let mut groups: Vec<u32> = Vec::new();
        each_deal_ahead(&self.tally, &self.rank, |d| {
            groups.clear();
            groups.extend(d.assets.iter().flat_map(|&a| group_of.of(a as usize)));
            groups.sort_unstable();
            groups.dedup();
            let deal = &index.deals.deals[d.deal as usize];
            for &g in &groups {
                outcomes[g as usize].add(deal.outcome, deal.amount);
            }
        });
        let mut rows: Vec<(i64, GroupRow)> = names
            .iter()
            .enumerate()
            .map(|(g, name)| {
                let o = &outcomes[g];
                let row = GroupRow {
                    group: name.clone(),
                    assets: members[g],
                    deals_touched: o.touched,
                    deals_won: o.won,
                    deals_lost: o.lost,
                    deals_open: o.open,
                    win_rate_pct: o.win_rate(),
                    revenue_won_influenced: round2(o.won_amount),
                    revenue_won_attributed: round2(attributed[g]),
                };
                (cents(attributed[g]), row)
            })
            .collect();
        rows.sort_by(|(ca, a), (cb, b)| cb.cmp(ca).then_with(|| a.group.cmp(&b.group)));
        rows.into_iter().map(|(_, row)| row).collect()
    }

    /// A row per deal owner (folded; first spelling shown) of the deals in scope, by won
    /// revenue (in cents, descending), then rep.
    pub fn rep_rows(&self, index: &DealIndex) -> Vec<RepRow> {
        struct Rep {
            name: String,
            all: Outcomes,
            touched: Outcomes,
            touches: u64,
        }
        let mut reps: Vec<Rep> = Vec::new();
        let mut by_key: FxHashMap<&[u8], usize> = FxHashMap::default();
        for (i, deal) in index.deals.deals.iter().enumerate() {
            if !index.in_scope[i] {
                continue;
            }
            let at = *by_key
                .entry(index.deals.owner_key(deal))
                .or_insert_with(|| {
                    reps.push(Rep {
                        name: index.deals.owner(deal).to_string(),
                        all: Outcomes::default(),
                        touched: Outcomes::default(),
                        touches: 0,
                    });
                    reps.len() - 1
                });
            let rep = &mut reps[at];
            rep.all.add(deal.outcome, deal.amount);
            if self.touches[i] > 0 {
                rep.touched.add(deal.outcome, deal.amount);
                rep.touches += self.touches[i];
            }
        }
        let mut rows: Vec<(i64, RepRow)> = reps
            .into_iter()
            .map(|r| {
                let row = RepRow {
                    rep: r.name,
                    deals_in_scope: r.all.touched,
                    deals_won: r.all.won,
                    deals_lost: r.all.lost,
                    deals_open: r.all.open,
                    win_rate_pct: r.all.win_rate(),
                    deals_touched: r.touched.touched,
                    touched_pct: pct(r.touched.touched as f64, r.all.touched as f64),
                    revenue_won: round2(r.all.won_amount),
                    revenue_won_touched: round2(r.touched.won_amount),
                    touches_per_deal_touched: (r.touched.touched > 0)
                        .then(|| round2(r.touches as f64 / r.touched.touched as f64)),
                };
                (cents(r.all.won_amount), row)
            })
            .collect();
        rows.sort_by(|(ca, a), (cb, b)| cb.cmp(ca).then_with(|| a.rep.cmp(&b.rep)));
        rows.into_iter().map(|(_, row)| row).collect()
    }
}

/// An amount in whole cents, for orderings.
fn cents(amount: f64) -> i64 {
    (amount * 100.0).round() as i64
}

/// The median of whole days, to one decimal; `None` for none.
fn median(days: &mut [i64]) -> Option<f64> {
    if days.is_empty() {
        return None;
    }
    days.sort_unstable();
    let mid = days.len() / 2;
    let value = if days.len() % 2 == 1 {
        days[mid] as f64
    } else {
        (days[mid - 1] + days[mid]) as f64 / 2.0
    };
    Some((value * 10.0).round() / 10.0)
}

fn summary_base(index: &DealIndex, model: Model) -> InfluenceSummary {
    let deals = &index.deals;
    InfluenceSummary {
        link: index.link.get().map_or("", |l| l.as_str()).to_string(),
        model: model.as_str().to_string(),
        lookback_days: index.rules.lookback_days,
        deals_read: deals.read,
        deals_skipped: deals.skipped,
        deals_duplicate: deals.duplicate,
        deal_values_invalid: deals.values_invalid,
        deals_in_scope: 0,
        deals_won: 0,
        deals_lost: 0,
        deals_open: 0,
        deals_touched: 0,
        deals_won_touched: 0,
        deals_lost_touched: 0,
        deals_open_touched: 0,
        win_rate_pct: None,
        win_rate_touched_pct: None,
        win_rate_untouched_pct: None,
        revenue_won: 0.0,
        revenue_won_touched: 0.0,
        revenue_touched_pct: None,
        avg_won_amount_touched: None,
        avg_won_amount_untouched: None,
        median_cycle_days_touched: None,
        median_cycle_days_untouched: None,
        touches: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_take_the_middle_or_the_mean_of_two() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [9, 1, 4]), Some(4.0));
        assert_eq!(median(&mut [1, 2, 4, 3]), Some(2.5));
    }

    #[test]
    fn percentages_need_something_to_divide() {
        assert_eq!(pct(1.0, 3.0), Some(33.33));
        assert_eq!(pct(0.0, 0.0), None);
    }
}
