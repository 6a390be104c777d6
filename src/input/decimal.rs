//! Deciding once per file which decimal separator its cost column is read with, from the
//! values that read with one separator only, and telling the user what decided it.

use crate::input::numbers::{decides, is_ambiguous, DecimalSeparator};

/// A value that showed a decimal separator, and how many values showed the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Witness {
    /// The first such value, as written.
    pub value: String,
    pub line: u64,
    pub count: u64,
}

/// Why a file's costs are read with the separator they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// `--decimal-comma` or `--decimal-point`.
    Forced,
    /// Values that read only with it, and those (fewer) that read only with the other.
    Shown {
        by: Witness,
        against: Option<Witness>,
    },
    /// No value decides: a decimal point, and the first value the other would read differently.
    Default { ambiguous: Option<Witness> },
}

/// How one file's costs are read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostReading {
    pub decimal: DecimalSeparator,
    pub why: Why,
}

/// As many values read only with a decimal comma as only with a decimal point: nothing to go by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undecided {
    pub comma: Witness,
    pub point: Witness,
}

impl CostReading {
    /// Decides the separator of a file's costs from `(value, line)` pairs: the forced one, else
    /// the one more values read with exclusively (see [`decides`]), else a decimal point.
    pub fn decide<'a>(
        forced: Option<DecimalSeparator>,
        costs: impl IntoIterator<Item = (&'a str, u64)>,
    ) -> Result<CostReading, Undecided> {
        if let Some(decimal) = forced {
            return Ok(CostReading {
                decimal,
                why: Why::Forced,
            });
        }
        let (mut comma, mut point, mut ambiguous) = (None, None, None);
        for (raw, line) in costs {
            let slot = match decides(raw) {
                Some(DecimalSeparator::Comma) => &mut comma,
                Some(DecimalSeparator::Point) => &mut point,
                None if is_ambiguous(raw) => &mut ambiguous,
                None => continue,
            };
            slot.get_or_insert_with(|| Witness {
                value: raw.trim().to_string(),
                line,
                count: 0,
            })
            .count += 1;
        }
        let shown = |decimal, by, against| CostReading {
            decimal,
            why: Why::Shown { by, against },
        };
        match (comma, point) {
            (None, None) => Ok(CostReading {
                decimal: DecimalSeparator::Point,
                why: Why::Default { ambiguous },
            }),
            (Some(c), None) => Ok(shown(DecimalSeparator::Comma, c, None)),
            (None, Some(p)) => Ok(shown(DecimalSeparator::Point, p, None)),
            (Some(c), Some(p)) if c.count > p.count => {
                Ok(shown(DecimalSeparator::Comma, c, Some(p)))
            }
            (Some(c), Some(p)) if p.count > c.count => {
                Ok(shown(DecimalSeparator::Point, p, Some(c)))
            }
            (Some(comma), Some(point)) => Err(Undecided { comma, point }),
        }
    }

    /// The warning that says how `file`'s costs were read, when the file decided it.
    pub fn note(&self, file: &str) -> Option<String> {
        let name = self.decimal.name();
        let flag = self.decimal.other().flag();
        match &self.why {
            Why::Forced => None,
            // A decimal point is what is read without a word; `check` still says why.
            Why::Shown { against: None, .. } if self.decimal == DecimalSeparator::Point => None,
            Why::Shown { by, against: None } => Some(format!(
                "{file}: costs read with a {name} (as {:?} on line {} shows); {flag} to override",
                by.value, by.line
            )),
            Why::Shown {
                by,
                against: Some(against),
            } => Some(format!(
                "{file}: costs read with a {name} (as {:?} on line {} and {} other values show); \
                 {} written with a {} (as {:?} on line {}) counted invalid; {flag} to override",
                by.value,
                by.line,
                by.count - 1,
                values(against.count),
                self.decimal.other().name(),
                against.value,
                against.line
            )),
            Why::Default { ambiguous: None } => None,
            Why::Default { ambiguous: Some(a) } => Some(format!(
                "{file}: costs read with a {name}, as no value decides: {:?} on line {} is read \
                 with a thousands separator; {flag} if it meant a fraction",
                a.value, a.line
            )),
        }
    }

    /// What `check` shows: the separator and what decided it.
    pub fn describe(&self) -> String {
        let name = self.decimal.name();
        match &self.why {
            Why::Forced => format!("{name} ({})", self.decimal.flag()),
            Why::Shown { by, against } => {
                let mut text = format!(
                    "{name} ({} such as {:?} on line {}",
                    values(by.count),
                    by.value,
                    by.line
                );
                if let Some(a) = against {
                    text.push_str(&format!(
                        "; {} with a {} such as {:?} on line {}, counted invalid",
                        values(a.count),
                        self.decimal.other().name(),
                        a.value,
                        a.line
                    ));
                }
                text + ")"
            }
            Why::Default { ambiguous: None } => format!("{name} (the default; no value decides)"),
            Why::Default { ambiguous: Some(a) } => format!(
                "{name} (the default; no value decides, {:?} on line {} read as thousands)",
                a.value, a.line
            ),
        }
    }
}

impl Undecided {
    /// The error that stops the run: the file gives no ground to choose on.
    pub fn message(&self, file: &str) -> String {
        format!(
            "{file}: the cost column has as many values with a decimal comma (such as {:?} on \
             line {}) as with a decimal point (such as {:?} on line {}); pass --decimal-comma or \
             --decimal-point",
            self.comma.value, self.comma.line, self.point.value, self.point.line
        )
    }
}

/// `1 value`, `3 values`.
fn values(n: u64) -> String {
    if n == 1 {
        "1 value".into()
    } else {
        format!("{n} values")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::numbers::DecimalSeparator::{Comma, Point};

    fn decide(costs: &[&str]) -> Result<CostReading, Undecided> {
        let lines = costs.iter().zip(2..).map(|(raw, line)| (*raw, line));
        CostReading::decide(None, lines)
    }

    #[test]
    fn the_first_deciding_value_is_named() {
        let reading = decide(&["1200", "", "99,90", "12,5"]).unwrap();
        assert_eq!(reading.decimal, Comma);
        let by = Witness {
            value: "99,90".into(),
            line: 4,
            count: 2,
        };
        assert_eq!(reading.why, Why::Shown { by, against: None });
        assert_eq!(
            reading.note("a.csv").unwrap(),
            "a.csv: costs read with a decimal comma (as \"99,90\" on line 4 shows); --decimal-point to override"
        );
    }

    #[test]
    fn the_majority_decides_and_the_rest_is_named() {
        let reading = decide(&["10,50", "10.50", "7,25"]).unwrap();
        assert_eq!(reading.decimal, Comma);
        let Why::Shown { by, against } = &reading.why else {
            panic!("{reading:?}")
        };
        assert_eq!((by.count, by.line), (2, 2));
        assert_eq!(against.as_ref().map(|a| (a.count, a.line)), Some((1, 3)));
        assert_eq!(
            reading.describe(),
            "decimal comma (2 values such as \"10,50\" on line 2; 1 value with a decimal point such as \"10.50\" on line 3, counted invalid)"
        );
    }

    #[test]
    fn a_tie_is_refused() {
        let err = decide(&["10,50", "10.50"]).unwrap_err();
        assert_eq!((err.comma.line, err.point.line), (2, 3));
        assert!(err
            .message("a.csv")
            .ends_with("pass --decimal-comma or --decimal-point"));
    }

    #[test]
    fn no_deciding_value_reads_a_decimal_point_and_names_an_ambiguous_one() {
        let reading = decide(&["1200", "1,234", "1 500"]).unwrap();
        assert_eq!(reading.decimal, Point);
        assert!(matches!(&reading.why, Why::Default { ambiguous: Some(a) } if a.line == 3));
        assert!(reading
            .note("a.csv")
            .unwrap()
            .contains("--decimal-comma if it meant a fraction"));
        assert_eq!(decide(&["1200", "5"]).unwrap().note("a.csv"), None);
    }

    #[test]
    fn a_forced_separator_ignores_the_values() {
        let reading = CostReading::decide(Some(Point), [("99,90", 2)]).unwrap();
        assert_eq!((reading.decimal, &reading.why), (Point, &Why::Forced));
        assert_eq!(reading.note("a.csv"), None);
        assert_eq!(reading.describe(), "decimal point (--decimal-point)");
    }
}
