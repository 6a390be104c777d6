//! Reading money amounts as exports write them: currency marks, thousands separators, and a
//! decimal separator the file decides (`input::decimal`), never guessed per value.

use std::fmt;

/// The largest cost read. Beyond it a value is an export or unit error, not the price of a
/// piece of collateral (10^12 is still seven billion dollars in yen); and with it no total over
/// the 2^32 assets an inventory can hold comes near overflowing, nor loses a single value's cents.
pub const MAX_COST: f64 = 1e12;

/// The character that separates a cost's whole units from its fraction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecimalSeparator {
    /// `1,234.56`
    Point,
    /// `1.234,56`
    Comma,
}

impl DecimalSeparator {
    fn mark(self) -> char {
        match self {
            DecimalSeparator::Point => '.',
            DecimalSeparator::Comma => ',',
        }
    }

    pub fn other(self) -> DecimalSeparator {
        match self {
            DecimalSeparator::Point => DecimalSeparator::Comma,
            DecimalSeparator::Comma => DecimalSeparator::Point,
        }
    }

    /// `decimal point` or `decimal comma`.
    pub fn name(self) -> &'static str {
        match self {
            DecimalSeparator::Point => "decimal point",
            DecimalSeparator::Comma => "decimal comma",
        }
    }

    /// The option that forces this separator.
    pub fn flag(self) -> &'static str {
        match self {
            DecimalSeparator::Point => "--decimal-point",
            DecimalSeparator::Comma => "--decimal-comma",
        }
    }
}

/// Why a cost cannot be read; it is then kept empty and counted, never guessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvalidCost {
    NotANumber,
    Negative,
    Exponent,
    /// `inf`, `NaN` and the like.
    NotFinite,
    /// Above [`MAX_COST`].
    TooLarge,
    /// Readable only with this separator, which is not the one the file's costs are read with.
    NeedsSeparator(DecimalSeparator),
}

impl fmt::Display for InvalidCost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InvalidCost::NotANumber => write!(f, "not a number"),
            InvalidCost::Negative => write!(f, "a negative cost"),
            InvalidCost::Exponent => write!(f, "an exponent, not a written-out amount"),
            InvalidCost::NotFinite => write!(f, "not a finite number"),
            InvalidCost::TooLarge => write!(f, "above the limit of 1,000,000,000,000"),
            InvalidCost::NeedsSeparator(needed) => write!(
                f,
                "it reads only with a {}, and this file's costs are read with a {}",
                needed.name(),
                needed.other().name()
            ),
        }
    }
}

/// Reads a cost such as `1200`, `$1,200.50`, `€ 950`, `1200 USD`, `1.234,56 €`, `1 234,50`,
/// `1'234.50` with the file's decimal separator; empty is `None` (counts as 0).
pub fn parse_cost(raw: &str, decimal: DecimalSeparator) -> Result<Option<f64>, InvalidCost> {
    let amount = amount_text(raw);
    if amount.is_empty() {
        return Ok(None);
    }
    let value = match read_amount(amount, decimal) {
        Some(value) => value,
        None => return Err(why_unreadable(amount, decimal)),
    };
    if value > MAX_COST {
        return Err(InvalidCost::TooLarge);
    }
    Ok(Some(value))
}

/// The decimal separator a cost shows, when it reads with one separator only: `99,90`, `12,5`,
/// `1.234,56` and `1.234.567` show a decimal comma; `10.50`, `1,234.56` and `1,234,567` a
/// decimal point. `1200`, `1 200` and the ambiguous `1,234` show nothing.
pub fn decides(raw: &str) -> Option<DecimalSeparator> {
    let amount = amount_text(raw);
    if let Some(decided) = plain_decides(amount) {
        return decided;
    }
    let point = read_amount(amount, DecimalSeparator::Point);
    let comma = read_amount(amount, DecimalSeparator::Comma);
    match (point, comma) {
        (Some(_), None) => Some(DecimalSeparator::Point),
        (None, Some(_)) => Some(DecimalSeparator::Comma),
        _ => None,
    }
}

/// True when a cost reads with either separator, to different amounts (`1,234`, `1.500`).
pub fn is_ambiguous(raw: &str) -> bool {
    let amount = amount_text(raw);
    // Those shapes read alike both ways (digits only) or with a decimal point only.
    if plain_decides(amount).is_some() {
        return false;
    }
    match (
        read_amount(amount, DecimalSeparator::Point),
        read_amount(amount, DecimalSeparator::Comma),
    ) {
        (Some(point), Some(comma)) => point != comma,
        _ => false,
    }
}

/// What [`decides`] finds for the common shapes, without reading the amount twice: digits
/// only (`1200`) read the same with either separator and decide nothing; digits, a point and
/// digits (`577.27`, `.5`) read only with a decimal point, unless the point could group
/// thousands (one to three digits, then three: `1.234`). `None`: not such a shape.
fn plain_decides(amount: &str) -> Option<Option<DecimalSeparator>> {
    let bytes = amount.as_bytes();
    let point = bytes.iter().position(|&b| b == b'.');
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    match point {
        None if !bytes.is_empty() && digits(bytes) => Some(None),
        Some(at) => {
            let (whole, fraction) = (&bytes[..at], &bytes[at + 1..]);
            let shape = !fraction.is_empty() && digits(whole) && digits(fraction);
            let groups = fraction.len() == 3 && (1..=3).contains(&whole.len());
            (shape && !groups).then_some(Some(DecimalSeparator::Point))
        }
        None => None,
    }
}

/// The amount with currency symbols and a currency code (`USD`, `usd`) dropped, trimmed.
fn amount_text(raw: &str) -> &str {
    // Starting and ending with a digit, there is no symbol or code to drop.
    let bytes = raw.as_bytes();
    if bytes.first().is_some_and(u8::is_ascii_digit) && bytes.last().is_some_and(u8::is_ascii_digit)
    {
        return raw;
    }
    let symbols = |c: char| matches!(c, '$' | '€' | '£' | '¥') || c.is_whitespace();
    strip_currency_code(raw.trim_matches(symbols)).trim_matches(symbols)
}

/// Drops an ISO currency code such as `USD` or `usd` written before or after the amount.
fn strip_currency_code(text: &str) -> &str {
    let is_code = |s: &str| {
        s.len() == 3
            && (s.bytes().all(|b| b.is_ascii_uppercase())
                || s.bytes().all(|b| b.is_ascii_lowercase()))
    };
    if let Some((head, tail)) = text.split_once(char::is_whitespace) {
        if is_code(head) {
            return tail;
        }
    }
    if let Some((head, tail)) = text.rsplit_once(char::is_whitespace) {
        if is_code(tail) {
            return head;
        }
    }
    text
}

/// Says why an amount that `read_amount` refused cannot be read.
fn why_unreadable(amount: &str, decimal: DecimalSeparator) -> InvalidCost {
    let lower = amount.to_ascii_lowercase();
    let unsigned = lower.trim_start_matches(['+', '-']);
    if matches!(unsigned, "inf" | "infinity" | "nan") {
        return InvalidCost::NotFinite;
    }
    let minus = |c: char| c == '-' || c == '\u{2212}';
    if amount.starts_with(minus)
        || amount.ends_with(minus)
        || (amount.starts_with('(') && amount.ends_with(')'))
    {
        return InvalidCost::Negative;
    }
    if let Some((mantissa, exponent)) = lower.split_once('e') {
        let digits = |s: &str, extra: &[char]| {
            !s.is_empty() && s.chars().all(|c| c.is_ascii_digit() || extra.contains(&c))
        };
        if digits(mantissa, &['.', ',', '+']) && digits(exponent, &['+', '-']) {
            return InvalidCost::Exponent;
        }
    }
    if read_amount(amount, decimal.other()).is_some() {
        return InvalidCost::NeedsSeparator(decimal.other());
    }
    InvalidCost::NotANumber
}

/// The common case of [`read_amount`] without its two allocations: digits only (`5100`), or
/// with a decimal point, digits after it (`12.50`, `.5`), which reads as the same text.
#[inline]
fn plain_amount(amount: &str, decimal: DecimalSeparator) -> Option<f64> {
    // Up to 15 digits and nothing else (most CRM amounts): a whole number below 2^53, which
    // the float holds exactly, as parsing it would give.
    let bytes = amount.as_bytes();
    if (1..=15).contains(&bytes.len()) && bytes.iter().all(u8::is_ascii_digit) {
        let whole = bytes
            .iter()
            .fold(0u64, |n, &d| n * 10 + u64::from(d - b'0'));
        return Some(whole as f64);
    }
    let (whole, fraction) = match amount.split_once('.') {
        Some(_) if decimal.mark() != '.' => return None,
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (amount, None),
    };
    if let Some(value) = fraction.and_then(|fraction| point_amount(whole, fraction)) {
        return Some(value);
    }
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let plain = match fraction {
        None => !whole.is_empty() && digits(whole),
        Some(fraction) => !fraction.is_empty() && digits(whole) && digits(fraction),
    };
    plain.then(|| amount.parse::<f64>().ok()).flatten()
}

/// `whole.fraction`, both digits only, the fraction not empty, up to 15 digits in all (most
/// costs: `577.27`): the digits as a whole number below 2^53 divided by a power of ten up to
/// 10^15, both exact in a float, so the one rounding of the division gives the nearest float
/// to the decimal, as parsing it does (Clinger's fast path, which `str::parse` takes too).
#[inline]
fn point_amount(whole: &str, fraction: &str) -> Option<f64> {
    const POWERS: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    let digits = whole.len() + fraction.len();
    if fraction.is_empty() || digits > 15 {
        return None;
    }
    let mut n = 0u64;
    for &d in whole.as_bytes().iter().chain(fraction.as_bytes()) {
        if !d.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u64::from(d - b'0');
    }
    Some(n as f64 / POWERS[fraction.len()])
}

/// Which family of thousands separator a character belongs to, if any, given the decimal one.
fn group_kind(c: char, decimal: DecimalSeparator) -> Option<char> {
    match c {
        ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' => Some(' '),
        '\'' | '\u{2019}' => Some('\''),
        '.' | ',' if c != decimal.mark() => Some(c),
        _ => None,
    }
}

/// Reads an amount of digits, at most one decimal separator and one kind of thousands
/// separator between groups of digits: the group before the decimal separator (or the end)
/// has three digits, the earlier ones two or three (`1,23,456` Indian grouping), the first one
/// to three. Anything else (signs, exponents, letters) is `None`.
fn read_amount(amount: &str, decimal: DecimalSeparator) -> Option<f64> {
    if let Some(value) = plain_amount(amount, decimal) {
        return Some(value);
    }
    let (whole, fraction) = match amount.split_once(decimal.mark()) {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (amount, None),
    };
    let mut digits = String::with_capacity(amount.len() + 1);
    if let Some(fraction) = fraction {
        if fraction.is_empty() || !fraction.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
    }
    let mut kind = None;
    let mut groups = Vec::new();
    let mut start = 0;
    for (at, c) in whole.char_indices() {
        if c.is_ascii_digit() {
            continue;
        }
        let this = group_kind(c, decimal)?;
        if kind.is_some_and(|k| k != this) {
            return None;
        }
        kind = Some(this);
        groups.push(&whole[start..at]);
        start = at + c.len_utf8();
    }
    groups.push(&whole[start..]);
    let last = groups.len() - 1;
    for (i, group) in groups.iter().enumerate() {
        let fits = match (i, last) {
            (_, 0) => true,
            (0, _) => (1..=3).contains(&group.len()),
            (i, last) if i == last => group.len() == 3,
            _ => (2..=3).contains(&group.len()),
        };
        if !fits {
            return None;
        }
        digits.push_str(group);
    }
    if digits.is_empty() && fraction.is_none() {
        return None;
    }
    if let Some(fraction) = fraction {
        digits.push('.');
        digits.push_str(fraction);
    }
    // Digits only: finite, or infinite when absurdly long, which the limit then refuses.
    digits.parse::<f64>().ok()
}

#[cfg(test)]
mod tests {
    use super::DecimalSeparator::{Comma, Point};
    use super::*;

    fn point(raw: &str) -> Result<Option<f64>, InvalidCost> {
        parse_cost(raw, Point)
    }

    fn comma(raw: &str) -> Result<Option<f64>, InvalidCost> {
        parse_cost(raw, Comma)
    }

    #[test]
    fn plain_shapes_decide_as_reading_both_ways_does() {
        let slow = |amount: &str| match (read_amount(amount, Point), read_amount(amount, Comma)) {
            (Some(_), None) => Some(Point),
            (None, Some(_)) => Some(Comma),
            _ => None,
        };
        let mut shapes = 0;
        for whole in ["", "0", "5", "12", "123", "1234", "12345"] {
            for fraction in [
                None,
                Some(""),
                Some("5"),
                Some("27"),
                Some("234"),
                Some("2345"),
            ] {
                let amount = match fraction {
                    Some(fraction) => format!("{whole}.{fraction}"),
                    None => whole.to_string(),
                };
                if let Some(fast) = plain_decides(&amount) {
                    shapes += 1;
                    assert_eq!(fast, slow(&amount), "{amount:?}");
                }
            }
        }
        // Six digit runs; 7 × 3 point shapes with a fraction of 1, 2 or 4 digits; and of the
        // three-digit fractions those after 0 or 4+ digits (`.234`, `1234.234`, `12345.234`).
        assert_eq!(shapes, 6 + 7 * 3 + 3, "the shapes taken the quick way");
        for other in ["1,234", "1.2.3", "5.", "1 200", "12a", "-5"] {
            assert_eq!(plain_decides(other), None, "{other:?}");
        }
    }

    #[test]
    fn amounts_that_start_and_end_with_a_digit_keep_their_text() {
        for raw in ["5100", "1 200", "1.234,56", "12a3", "1 USD 2"] {
            assert_eq!(amount_text(raw), raw);
        }
        assert_eq!(amount_text("$1,200.50"), "1,200.50");
        assert_eq!(amount_text("1200 USD"), "1200");
        assert_eq!(amount_text(" 12 "), "12");
    }

    #[test]
    fn plain_amounts_read_as_the_general_rule_does() {
        for raw in [
            "5100",
            "0",
            "007",
            "12.50",
            ".5",
            "5.",
            "1.2.3",
            "1,234",
            "1,5",
            "",
            ".",
            "12a",
            "99999999999999999999",
            "1 200",
            "1'200.5",
            "3.14159",
        ] {
            for decimal in [Point, Comma] {
                if let Some(fast) = plain_amount(raw, decimal) {
                    // The general rule, with the fast path out of the way.
                    let general = {
                        let (whole, fraction) = match raw.split_once(decimal.mark()) {
                            Some((w, f)) => (w, Some(f)),
                            None => (raw, None),
                        };
                        let text = match fraction {
                            Some(f) => format!("{whole}.{f}"),
                            None => whole.to_string(),
                        };
                        text.parse::<f64>().ok()
                    };
                    assert_eq!(Some(fast), general, "{raw:?} {decimal:?}");
                }
            }
        }
        assert_eq!(plain_amount("5100", Point), Some(5100.0));
        assert_eq!(plain_amount("12.50", Point), Some(12.5));
        assert_eq!(plain_amount("12.50", Comma), None);
        assert_eq!(plain_amount("1,234", Point), None);
        assert_eq!(plain_amount("5.", Point), None);
        assert_eq!(read_amount("5.", Point), None);
        assert_eq!(read_amount("1,234.5", Point), Some(1234.5));
    }

    #[test]
    fn costs_with_symbols_codes_and_separators() {
        assert_eq!(point("$1,200.50"), Ok(Some(1200.5)));
        assert_eq!(point("1200"), Ok(Some(1200.0)));
        assert_eq!(point(" € 950 "), Ok(Some(950.0)));
        assert_eq!(point("USD 75"), Ok(Some(75.0)));
        assert_eq!(point("1 500 EUR"), Ok(Some(1500.0)));
        assert_eq!(point(""), Ok(None));
        assert_eq!(point("  "), Ok(None));
        assert_eq!(point("$"), Ok(None));
    }

    #[test]
    fn the_examples_of_issue_11() {
        assert_eq!(comma("1.234,56"), Ok(Some(1234.56)));
        assert_eq!(comma("99,90"), Ok(Some(99.9)));
        assert_eq!(comma("€1.200,50"), Ok(Some(1200.5)));
        assert_eq!(comma("1 234,50"), Ok(Some(1234.5)));
        assert_eq!(comma("1\u{202F}234,50"), Ok(Some(1234.5)));
        assert_eq!(comma("1\u{a0}234,50 €"), Ok(Some(1234.5)));
        assert_eq!(point("1'234.50"), Ok(Some(1234.5)));
        assert_eq!(point("CHF 1\u{2019}234.50"), Ok(Some(1234.5)));
        assert_eq!(point("usd 5"), Ok(Some(5.0)));
        assert_eq!(point("5 usd"), Ok(Some(5.0)));
        assert_eq!(comma("eur 5"), Ok(Some(5.0)));
    }

    #[test]
    fn these_values_decide_the_separator() {
        for raw in [
            "1.234,56",
            "99,90",
            "12,5",
            "€1.200,50",
            "1 234,50",
            "0,1250",
            "1.234.567",
        ] {
            assert_eq!(decides(raw), Some(Comma), "{raw}");
        }
        for raw in [
            "10.50",
            "10.5",
            "1,234.56",
            "1'234.50",
            "1,234,567",
            "$1,200.50",
        ] {
            assert_eq!(decides(raw), Some(Point), "{raw}");
        }
        for raw in ["1200", "1 200", "1,234", "1.234", "", "n/a", "-5", "1e308"] {
            assert_eq!(decides(raw), None, "{raw}");
        }
        assert!(is_ambiguous("1,234") && is_ambiguous("1.500"));
        assert!(!is_ambiguous("1 200") && !is_ambiguous("99,90") && !is_ambiguous("1200"));
    }

    #[test]
    fn three_digits_after_a_lone_separator_are_thousands_under_the_other() {
        assert_eq!(point("1,234"), Ok(Some(1234.0)));
        assert_eq!(comma("1,234"), Ok(Some(1.234)));
        assert_eq!(comma("1.234"), Ok(Some(1234.0)));
        assert_eq!(point("1,23,456.00"), Ok(Some(123456.0)));
    }

    #[test]
    fn a_value_of_the_other_separator_is_invalid_not_guessed() {
        assert_eq!(point("99,90"), Err(InvalidCost::NeedsSeparator(Comma)));
        assert_eq!(point("1.234,56"), Err(InvalidCost::NeedsSeparator(Comma)));
        assert_eq!(point("€1.200,50"), Err(InvalidCost::NeedsSeparator(Comma)));
        assert_eq!(comma("1,234.50"), Err(InvalidCost::NeedsSeparator(Point)));
        assert_eq!(comma("10.50"), Err(InvalidCost::NeedsSeparator(Point)));
    }

    #[test]
    fn negatives_exponents_and_non_finite_numbers_are_invalid() {
        for raw in ["-5", "-$5", "$-5", "5-", "(5)", "\u{2212}5", "-1.234,56"] {
            assert_eq!(comma(raw), Err(InvalidCost::Negative), "{raw}");
        }
        for raw in ["1e308", "1E3", "1.5e+3", "2e-2"] {
            assert_eq!(point(raw), Err(InvalidCost::Exponent), "{raw}");
        }
        for raw in ["inf", "-inf", "Infinity", "NaN", "nan"] {
            assert_eq!(point(raw), Err(InvalidCost::NotFinite), "{raw}");
        }
    }

    #[test]
    fn unreadable_costs_are_errors() {
        for raw in [
            "n/a",
            "12.3.4",
            "1,2,3",
            "1 2",
            "12.",
            ",",
            "1.234 567,89",
            "0x10",
            "+5",
        ] {
            assert_eq!(point(raw), Err(InvalidCost::NotANumber), "{raw}");
        }
    }

    #[test]
    fn costs_above_the_limit_are_invalid_so_no_total_overflows() {
        assert_eq!(point("1000000000000"), Ok(Some(MAX_COST)));
        assert_eq!(point("1000000000000.01"), Err(InvalidCost::TooLarge));
        let huge = format!("1{}", "0".repeat(400));
        assert_eq!(point(&huge), Err(InvalidCost::TooLarge));
    }
    /// `cents` written with `decimal` and thousands grouped by `group` (none when `None`).
    fn write(cents: u64, decimal: DecimalSeparator, group: Option<char>) -> String {
        let whole = (cents / 100).to_string();
        let mut text = String::new();
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                text.extend(group);
            }
            text.push(c);
        }
        format!("{text}{}{:02}", decimal.mark(), cents % 100)
    }

    proptest::proptest! {
        #[test]
        fn any_amount_written_either_way_reads_back_and_decides(
            cents in 0u64..100_000_000_000_000,
            comma_file: bool,
            group in 0usize..4,
        ) {
            let decimal = if comma_file { Comma } else { Point };
            let group = [None, Some(decimal.other().mark()), Some(' '), Some('\u{202f}')][group];
            let text = write(cents, decimal, group);
            let value = parse_cost(&text, decimal).unwrap().unwrap();
            proptest::prop_assert_eq!((value * 100.0).round() as u64, cents, "{}", text);
            proptest::prop_assert_eq!(decides(&text), Some(decimal), "{}", text);
        }

        #[test]
        fn decimals_read_as_parsing_them_does(text in "[0-9]{0,16}\\.[0-9]{0,16}") {
            let want = text.parse::<f64>().ok().filter(|_| text.len() > 1 && !text.ends_with('.'));
            let got = plain_amount(&text, Point);
            proptest::prop_assert_eq!(got.map(f64::to_bits), want.map(f64::to_bits), "{}", text);
        }

        #[test]
        fn digits_only_read_as_parsing_them_does(digits in "[0-9]{1,20}") {
            let want: f64 = digits.parse().unwrap();
            for decimal in [Point, Comma] {
                let got = plain_amount(&digits, decimal);
                proptest::prop_assert_eq!(got.map(f64::to_bits), Some(want.to_bits()), "{}", digits);
            }
        }
    }
}
