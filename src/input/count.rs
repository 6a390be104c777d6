//! Reading the weight column of an aggregated export (`sum_click`, views): how many events
//! one row stands for.

/// The largest count one row may carry. Beyond it a value is an export error (an id or a
/// timestamp in the wrong column), and with it no sum over 2^32 rows can overflow a `u64`.
pub const MAX_COUNT: u64 = 1_000_000_000;

/// A row's count: a whole number from 0 to [`MAX_COUNT`], ASCII digits with surrounding
/// spaces allowed (`12`, ` 3 `, `007`), and a fraction of zeros as a float column writes it
/// (`3.0`). Anything else (`1.5`, `-1`, `+2`, `1e3`, `abc`, an empty cell) is `None`, a bad row.
#[inline]
pub fn parse_count(raw: &[u8]) -> Option<u64> {
    let mut digits = raw.trim_ascii();
    if let Some(dot) = memchr::memchr(b'.', digits) {
        let fraction = &digits[dot + 1..];
        if dot == 0 || fraction.is_empty() || fraction.iter().any(|&b| b != b'0') {
            return None;
        }
        digits = &digits[..dot];
    }
    if digits.is_empty() || digits.len() > 19 {
        return None;
    }
    let mut n: u64 = 0;
    for &b in digits {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u64::from(b - b'0');
    }
    (n <= MAX_COUNT).then_some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_read_and_everything_else_is_bad() {
        assert_eq!(parse_count(b"12"), Some(12));
        assert_eq!(parse_count(b" 3 "), Some(3));
        assert_eq!(parse_count(b"0"), Some(0));
        assert_eq!(parse_count(b"007"), Some(7));
        assert_eq!(parse_count(b"3.0"), Some(3));
        assert_eq!(parse_count(b"0.00"), Some(0));
        assert_eq!(parse_count(b"1000000000"), Some(MAX_COUNT));
        for bad in [
            "1.5",
            "1.",
            ".0",
            "1.0.0",
            "-1",
            "+2",
            "abc",
            "",
            "  ",
            "1e3",
            "1,000",
            "1000000001",
            "99999999999999999999",
        ] {
            assert_eq!(parse_count(bad.as_bytes()), None, "{bad:?}");
        }
    }
}
