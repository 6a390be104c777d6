//! The currency costs are in: given by `--currency CODE`, or found in the costs themselves when
//! every cost carries the same symbol or ISO code (`$1,200`, `950 EUR`); none otherwise.

use serde::Serialize;
use std::fmt;

/// A currency as it is shown beside an amount: a symbol (`$`, `€`, `£`, `¥`) or an ISO code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Currency(String);

/// The symbols a cost may carry, and the code each stands for when written as one.
const SYMBOLS: [(&str, &str); 4] = [("$", "USD"), ("€", "EUR"), ("£", "GBP"), ("¥", "JPY")];

impl Currency {
    /// `--currency CODE`: three ASCII letters, any case, kept upper case; or one of the symbols.
    pub fn from_code(code: &str) -> Result<Currency, String> {
        let code = code.trim();
        if let Some(&(symbol, _)) = SYMBOLS.iter().find(|(s, _)| code == *s) {
            return Ok(Currency(symbol.to_string()));
        }
        if code.len() == 3 && code.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Ok(Currency(code.to_ascii_uppercase()));
        }
        Err(format!(
            "--currency {code:?}: expected a three-letter ISO code such as USD or EUR"
        ))
    }

    /// The currency mark one cost is written with (`$1,200` -> `$`, `1200 usd` -> `USD`).
    pub fn of_cost(raw: &str) -> Option<Currency> {
        let text = raw.trim();
        if let Some(&(symbol, _)) = SYMBOLS.iter().find(|(s, _)| text.contains(s)) {
            return Some(Currency(symbol.to_string()));
        }
        let is_code = |s: &str| {
            s.len() == 3
                && (s.bytes().all(|b| b.is_ascii_uppercase())
                    || s.bytes().all(|b| b.is_ascii_lowercase()))
        };
        let first = text.split_whitespace().next()?;
        let last = text.split_whitespace().next_back()?;
        [first, last]
            .into_iter()
            .find(|w| is_code(w))
            .map(|code| Currency(code.to_ascii_uppercase()))
    }

    /// What is written beside an amount: the symbol, for a code that has one.
    pub fn mark(&self) -> &str {
        SYMBOLS
            .iter()
            .find(|(_, code)| *code == self.0)
            .map(|&(symbol, _)| symbol)
            .unwrap_or(&self.0)
    }

    /// An amount already formatted (`1,138,112`) with its currency: `$1,138,112`, `CHF 1,138,112`.
    pub fn amount(&self, formatted: &str) -> String {
        let mark = self.mark();
        if mark.chars().count() == 1 {
            format!("{mark}{formatted}")
        } else {
            format!("{mark}\u{a0}{formatted}")
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The currency of a cost column, told one non-empty cost at a time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum CurrencyTally {
    /// No cost seen yet.
    #[default]
    Unseen,
    /// Every cost so far carries this mark.
    Same(Currency),
    /// Two costs differ, or one carries no mark.
    Mixed,
}

impl CurrencyTally {
    /// Counts one cost as written; empty costs say nothing.
    pub fn add(&mut self, raw: &str) {
        if raw.trim().is_empty() || *self == CurrencyTally::Mixed {
            return;
        }
        let found = Currency::of_cost(raw);
        *self = match (std::mem::take(self), found) {
            (CurrencyTally::Unseen, Some(c)) => CurrencyTally::Same(c),
            (CurrencyTally::Same(a), Some(b)) if a == b => CurrencyTally::Same(a),
            _ => CurrencyTally::Mixed,
        };
    }

    /// The currency every cost carries, if one does.
    pub fn currency(self) -> Option<Currency> {
        match self {
            CurrencyTally::Same(c) => Some(c),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(costs: &[&str]) -> Option<String> {
        let mut t = CurrencyTally::default();
        for c in costs {
            t.add(c);
        }
        t.currency().map(|c| c.to_string())
    }

    #[test]
    fn one_mark_everywhere_is_the_currency() {
        assert_eq!(tally(&["$1,200", "", "$ 950.50"]).as_deref(), Some("$"));
        assert_eq!(tally(&["1.234,56 €", "€ 99"]).as_deref(), Some("€"));
        assert_eq!(tally(&["1200 USD", "usd 5"]).as_deref(), Some("USD"));
    }

    #[test]
    fn mixed_or_missing_marks_are_no_currency() {
        assert_eq!(tally(&["$1,200", "950"]), None);
        assert_eq!(tally(&["$1,200", "€950"]), None);
        assert_eq!(tally(&["1200", "950"]), None);
        assert_eq!(tally(&["", " "]), None);
        // A word that is not three letters of one case is no code.
        assert_eq!(tally(&["1200 Usd"]), None);
    }

    #[test]
    fn codes_show_their_symbol_when_they_have_one() {
        let usd = Currency::from_code("usd").unwrap();
        assert_eq!(usd.to_string(), "USD");
        assert_eq!(usd.amount("1,138,112"), "$1,138,112");
        let chf = Currency::from_code("CHF").unwrap();
        assert_eq!(chf.amount("950"), "CHF\u{a0}950");
        assert_eq!(Currency::from_code("€").unwrap().amount("5"), "€5");
        assert!(Currency::from_code("dollars").is_err());
        assert!(Currency::from_code("U$D").is_err());
    }
}
