//! The page's words: days and windows as people write them, whole numbers, and the sentences
//! of the headline and of "How this was counted".

use crate::input::currency::Currency;
use crate::input::time::{civil_from_days, Millis, MS_PER_DAY};
use crate::report::group_thousands;
use crate::results::page::Headline;
use crate::results::params::Parameters;

use crate::input::time::MONTH_NAMES as MONTHS;

fn civil(t: Millis) -> (i64, u32, u32) {
    civil_from_days(t.div_euclid(MS_PER_DAY))
}

/// `1 November 2026`.
pub fn day(t: Millis) -> String {
    let (y, m, d) = civil(t);
    format!("{d} {} {y}", MONTHS[m as usize - 1])
}

/// `Oct 2026`, for a month's bar.
pub fn month(t: Millis) -> String {
    let (y, m, _) = civil(t);
    format!("{} {y}", &MONTHS[m as usize - 1][..3])
}

/// The window in words, its end day included: `From 1 May to 31 October 2026`,
/// `From 1 November 2025 to 31 October 2026`, `From 1 to 31 October 2026`; without a start,
/// `Up to 31 October 2026`.
pub fn window(since: Option<Millis>, until: Millis) -> String {
    let last = until - 1;
    let Some(since) = since else {
        return format!("Up to {}", day(last));
    };
    let ((y1, m1, d1), (y2, m2, _)) = (civil(since), civil(last));
    let first = if y1 != y2 {
        day(since)
    } else if m1 != m2 {
        format!("{d1} {}", MONTHS[m1 as usize - 1])
    } else {
        d1.to_string()
    };
    format!("From {first} to {}", day(last))
}

pub fn count(n: u64) -> String {
    group_thousands(&n.to_string())
}

/// A share, whole: `63%`; above 0 but under 1 `<1%`, under 100 but above 99 `>99%`, so a
/// rounded share never claims none or all.
pub fn percent(x: f64) -> String {
    match x {
        x if x > 0.0 && x < 0.5 => "<1%".into(),
        x if (99.5..100.0).contains(&x) => ">99%".into(),
        x => format!("{}%", x.round() as i64),
    }
}

/// An amount in whole units, with the currency when there is one: `$1,138,112`.
pub fn cost(x: f64, currency: Option<&Currency>) -> String {
    let whole = group_thousands(&format!("{:.0}", x.round()));
    match currency {
        Some(c) => c.amount(&whole),
        None => whole,
    }
}

/// "From 1 May to 31 October 2026, sales never opened 240 of the 380 assets old enough to
/// judge (63%); they cost $1,138,112 to make."
pub fn headline_sentence(h: &Headline) -> String {
    let when = window(h.since, h.until);
    if h.assets_judged == 0 {
        return format!("{when}, no asset was old enough to judge.");
    }
    let noun = |n: u64| if n == 1 { "asset" } else { "assets" };
    if h.assets_never_opened == 0 {
        return format!(
            "{when}, sales opened {} {} old enough to judge.",
            if h.assets_judged == 1 { "the" } else { "all" },
            if h.assets_judged == 1 {
                "asset".to_string()
            } else {
                format!("{} assets", count(h.assets_judged))
            }
        );
    }
    let mut line = format!(
        "{when}, sales never opened {} of the {} {} old enough to judge ({})",
        count(h.assets_never_opened),
        count(h.assets_judged),
        noun(h.assets_judged),
        percent(h.never_opened_pct)
    );
    match h.cost_never_opened {
        Some(c) => {
            let pronoun = if h.assets_never_opened == 1 {
                "it"
            } else {
                "they"
            };
            line.push_str(&format!(
                "; {pronoun} cost {} to make.",
                cost(c, h.currency.as_ref())
            ));
        }
        None => line.push('.'),
    }
    line
}

/// "How this was counted", in sentences.
pub fn method(p: &Parameters, h: &Headline) -> Vec<String> {
    let mut out = Vec::new();
    out.push(match p.since {
        Some(since) => format!(
            "Usage is counted from {} up to and including {}.",
            day(since),
            day(p.until - 1)
        ),
        None => format!(
            "Usage is counted from the first event in the log up to and including {}.",
            day(p.until - 1)
        ),
    });
    out.push(format!(
        "Ages and statuses are as of {}. An asset is old enough to judge once it is {} days old \
         (assets without a created date are judged); it is never opened when no counted event \
         in the window is on it, and stale when it was opened but not in the {} days before \
         that day.",
        day(p.as_of),
        p.min_age_days,
        p.stale_after_days
    ));
    let mut filters = Vec::new();
    if !p.types.is_empty() {
        filters.push(format!("only events of type {}", p.types.join(", ")));
    }
    if !p.teams.is_empty() {
        filters.push(format!("only events by team {}", p.teams.join(", ")));
    }
    if p.exclude_owners {
        filters.push("no event by an asset's own owner".to_string());
    }
    if !p.exclude_users.is_empty() {
        filters.push(format!("no event by {}", p.exclude_users.join(", ")));
    }
    out.push(if filters.is_empty() {
        "Every event type, team and user counts; events on assets missing from the inventory \
         do not."
            .to_string()
    } else {
        format!(
            "Counted: {}; events on assets missing from the inventory do not count.",
            filters.join("; ")
        )
    });
    if !p.asset_where.is_empty() {
        out.push(format!(
            "Only part of the inventory is audited: the assets matching {} (--where; values \
             compared trimmed and ignoring case); events on the others are excluded, not counted \
             as missing.",
            p.asset_where.join(", ")
        ));
    }
    if !p.split.is_empty() {
        out.push(format!(
            "Breakdowns count an asset in every group its column lists ({}), so their totals \
             can exceed the library.",
            p.split.join(", ")
        ));
    }
    if h.cost_never_opened.is_some() {
        out.push(match &h.currency {
            Some(c) => format!(
                "Costs are read from the inventory's cost column and shown in {}; an empty cost \
                 counts as 0.",
                c.mark()
            ),
            None => "Costs are read from the inventory's cost column; they carry no single \
                     currency mark and --currency was not given, so none is shown. An empty cost \
                     counts as 0."
                .to_string(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::time::date_millis;

    fn at(y: i64, m: u32, d: u32) -> Millis {
        date_millis(y, m, d).unwrap()
    }

    #[test]
    fn windows_read_as_people_write_them() {
        assert_eq!(
            window(Some(at(2026, 5, 1)), at(2026, 11, 1)),
            "From 1 May to 31 October 2026"
        );
        assert_eq!(
            window(Some(at(2025, 11, 1)), at(2026, 11, 1)),
            "From 1 November 2025 to 31 October 2026"
        );
        assert_eq!(
            window(Some(at(2026, 10, 1)), at(2026, 11, 1)),
            "From 1 to 31 October 2026"
        );
        assert_eq!(window(None, at(2026, 1, 1)), "Up to 31 December 2025");
    }

    #[test]
    fn shares_never_round_to_none_or_all() {
        assert_eq!(percent(63.16), "63%");
        assert_eq!(percent(0.2), "<1%");
        assert_eq!(percent(0.0), "0%");
        assert_eq!(percent(99.7), ">99%");
        assert_eq!(percent(100.0), "100%");
    }

    #[test]
    fn the_headline_sentence() {
        let mut h = Headline {
            since: Some(at(2026, 5, 1)),
            until: at(2026, 11, 1),
            as_of: at(2026, 11, 1),
            assets_never_opened: 240,
            assets_judged: 380,
            never_opened_pct: 63.157,
            cost_never_opened: Some(1_138_112.4),
            currency: Some(Currency::from_code("USD").unwrap()),
        };
        assert_eq!(
            headline_sentence(&h),
            "From 1 May to 31 October 2026, sales never opened 240 of the 380 assets old enough \
             to judge (63%); they cost $1,138,112 to make."
        );
        h.currency = None;
        h.cost_never_opened = None;
        h.since = None;
        assert_eq!(
            headline_sentence(&h),
            "Up to 31 October 2026, sales never opened 240 of the 380 assets old enough to \
             judge (63%)."
        );
        h.assets_never_opened = 0;
        assert_eq!(
            headline_sentence(&h),
            "Up to 31 October 2026, sales opened all 380 assets old enough to judge."
        );
    }
}
