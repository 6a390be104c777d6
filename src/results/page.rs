//! The figures the HTML page needs beyond the other reports': its headline, the breakdowns by
//! an asset column worst first, and the currency costs are shown in.

use crate::analysis::summary::Summary;
use crate::analysis::Audit;
use crate::config::Window;
use crate::input::currency::Currency;
use crate::input::time::Millis;
use serde::Serialize;

/// The page's first sentence: the window, how much of what is old enough to judge was never
/// opened, and what that cost.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Headline {
    /// The window's first counted instant; `None` counts from the first event.
    pub since: Option<Millis>,
    /// The window's end, exclusive.
    pub until: Millis,
    pub as_of: Millis,
    pub assets_never_opened: u64,
    pub assets_judged: u64,
    pub never_opened_pct: f64,
    /// `None` without a cost column.
    pub cost_never_opened: Option<f64>,
    pub currency: Option<Currency>,
}

impl Headline {
    pub fn of(window: Window, summary: &Summary, currency: Option<Currency>) -> Headline {
        Headline {
            since: window.since,
            until: window.until,
            as_of: window.as_of,
            assets_never_opened: summary.assets_never_opened,
            assets_judged: summary.assets_judged,
            never_opened_pct: summary.never_opened_pct,
            cost_never_opened: summary.cost_never_opened,
            currency,
        }
    }
}

/// The currency costs are shown in: `--currency` wins, else the one every cost carries.
pub fn currency(given: Option<&Currency>, audit: &Audit) -> Option<Currency> {
    given
        .cloned()
        .or_else(|| audit.inventory.cost_currency.clone())
}

/// One group of a breakdown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Share {
    /// The column's value; empty for assets without one.
    pub name: String,
    pub assets_never_opened: u64,
    pub assets_judged: u64,
    pub never_opened_pct: f64,
}

/// The never-opened share per value of an asset column, worst first: the groups with the most
/// never-opened assets, then the higher share, then by name. At most `top` groups are kept;
/// `more` counts the rest and `more_judged` their judged assets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Breakdown {
    pub groups: Vec<Share>,
    pub more: usize,
    pub more_judged: u64,
}

impl Breakdown {
    /// The breakdown by the logical field `field` (`type`, `owner`), or `None` when the
    /// inventory has no such column. Groups with nothing judged are left out.
    pub fn of(audit: &Audit, field: &str, top: usize) -> Option<Breakdown> {
        let column = audit
            .inventory
            .field_columns
            .iter()
            .find(|(name, _)| *name == field)
            .map(|&(_, c)| c)?;
        let groups = audit.inventory.groups_by_column(column);
        let summaries = Summary::by_group(audit, &groups);
        let names = groups.names;
        let mut groups: Vec<Share> = names
            .into_iter()
            .zip(summaries)
            .filter(|(_, s)| s.assets_judged > 0)
            .map(|(name, s)| Share {
                name,
                assets_never_opened: s.assets_never_opened,
                assets_judged: s.assets_judged,
                never_opened_pct: s.never_opened_pct,
            })
            .collect();
        groups.sort_by(|a, b| {
            b.assets_never_opened
                .cmp(&a.assets_never_opened)
                .then_with(|| b.never_opened_pct.total_cmp(&a.never_opened_pct))
                .then_with(|| a.name.cmp(&b.name))
        });
        let rest = groups.split_off(top.min(groups.len()));
        Some(Breakdown {
            groups,
            more: rest.len(),
            more_judged: rest.iter().map(|s| s.assets_judged).sum(),
        })
    }
}
