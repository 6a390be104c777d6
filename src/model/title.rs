//! Titles as `duplicates` compares them: the normalised title, its character trigrams, and
//! the similarity threshold held as an exact fraction.

/// The file extensions removed from the end of a title (one, the last).
pub const EXTENSIONS: [&str; 14] = [
    ".pdf", ".ppt", ".pptx", ".doc", ".docx", ".xls", ".xlsx", ".key", ".mp4", ".mov", ".png",
    ".jpg", ".jpeg", ".zip",
];

/// The normalised title: trimmed and lower-cased; one final file extension removed; ASCII
/// digits in parentheses or brackets (`(1)`, `[2]`) replaced by a space; every character that
/// is not alphanumeric replaced by a space; split into words; the trailing run of version words
/// dropped; the rest joined by single spaces.
pub fn normalised_title(title: &str) -> String {
    let mut text = title.trim().to_lowercase();
    if let Some(ext) = EXTENSIONS.iter().find(|ext| text.ends_with(*ext)) {
        text.truncate(text.len() - ext.len());
    }
    let text = without_numbered_copies(&text);
    let spaced: String = text
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let mut words: Vec<&str> = spaced.split_whitespace().collect();
    while words.last().is_some_and(|w| is_version_word(w)) {
        words.pop();
    }
    words.join(" ")
}

/// `(1)`, `[22]` (ASCII digits only, at least one) each replaced by a space.
fn without_numbered_copies(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        let close = match bytes[i] {
            b'(' => Some(b')'),
            b'[' => Some(b']'),
            _ => None,
        };
        if let Some(close) = close {
            let digits = bytes[i + 1..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            if digits > 0 && bytes.get(i + 1 + digits) == Some(&close) {
                out.push(' ');
                i += digits + 2;
                continue;
            }
        }
        // Copy one whole character (brackets are ASCII, so `i` is on a boundary here).
        let len = text[i..].chars().next().map_or(1, char::len_utf8);
        out.push_str(&text[i..i + len]);
        i += len;
    }
    out
}

/// `v` followed by ASCII digits, `ver`, `version`, `rev`, `rev` followed by digits, `final`,
/// `draft`, `copy`, `updated`.
pub fn is_version_word(word: &str) -> bool {
    let digits_after = |prefix: &str| {
        word.strip_prefix(prefix)
            .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()))
    };
    matches!(
        word,
        "ver" | "version" | "rev" | "final" | "draft" | "copy" | "updated"
    ) || digits_after("v")
        || digits_after("rev")
}

/// The set of character trigrams of a normalised title with one space added at each end,
/// each trigram packed into a `u64` (three 21-bit characters), sorted and distinct. Empty for
/// an empty title.
pub fn trigrams(normalised: &str) -> Vec<u64> {
    if normalised.is_empty() {
        return Vec::new();
    }
    let chars: Vec<u64> = std::iter::once(' ')
        .chain(normalised.chars())
        .chain(std::iter::once(' '))
        .map(u64::from)
        .collect();
    let mut grams: Vec<u64> = chars
        .windows(3)
        .map(|w| (w[0] << 42) | (w[1] << 21) | w[2])
        .collect();
    grams.sort_unstable();
    grams.dedup();
    grams
}

/// How many elements two sorted, distinct lists share.
pub fn overlap<T: Ord>(a: &[T], b: &[T]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// The Jaccard similarity of two trigram sets (0 when both are empty).
pub fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    let shared = overlap(a, b);
    let union = a.len() + b.len() - shared;
    if union == 0 {
        0.0
    } else {
        shared as f64 / union as f64
    }
}

/// A similarity threshold `num / den`, 0 < value ≤ 1, read from its decimal text exactly:
/// `0.8` is 8/10, so 12 shared trigrams of 15 meet it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Threshold {
    pub num: u64,
    pub den: u64,
}

impl Threshold {
    /// The default, 0.8.
    pub const DEFAULT: Threshold = Threshold { num: 4, den: 5 };

    /// Reads a plain decimal (`0.8`, `.75`, `1`, `1.0`); anything else, or a value outside
    /// 0 < value ≤ 1, is refused with the reason.
    pub fn parse(text: &str) -> Result<Threshold, String> {
        let text = text.trim();
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (whole.is_empty() && fraction.is_empty()) || !digits(whole) || !digits(fraction) {
            return Err("expected a decimal number such as 0.8".into());
        }
        let whole = whole.trim_start_matches('0');
        let fraction = fraction.trim_end_matches('0');
        if whole.len() > 1 || fraction.len() > 18 {
            return Err("expected a number above 0 and at most 1".into());
        }
        let den = 10u64.pow(fraction.len() as u32);
        let whole: u64 = if whole.is_empty() {
            0
        } else {
            whole.parse().unwrap_or(u64::MAX)
        };
        let part: u64 = if fraction.is_empty() {
            0
        } else {
            fraction.parse().unwrap_or(u64::MAX)
        };
        let num = whole.saturating_mul(den).saturating_add(part);
        if num == 0 || num > den {
            return Err("expected a number above 0 and at most 1".into());
        }
        let g = gcd(num, den);
        Ok(Threshold {
            num: num / g,
            den: den / g,
        })
    }

    /// True when `shared / union` is at least the threshold, compared as fractions.
    #[inline]
    pub fn met(self, shared: usize, union: usize) -> bool {
        shared as u128 * self.den as u128 >= self.num as u128 * union as u128
    }

    /// The fewest shared trigrams a set of `size` needs with any other set: ⌈t·size⌉.
    #[inline]
    pub fn min_overlap(self, size: usize) -> usize {
        ceil_div(self.num as u128 * size as u128, self.den as u128)
    }

    /// The fewest shared trigrams a set of `size` needs with a set at least as large:
    /// ⌈2t/(1+t)·size⌉.
    #[inline]
    pub fn min_overlap_with_larger(self, size: usize) -> usize {
        ceil_div(
            2 * self.num as u128 * size as u128,
            self.den as u128 + self.num as u128,
        )
    }

    /// The fewest shared trigrams two sets of `a` and `b` trigrams need: ⌈t/(1+t)·(a+b)⌉
    /// (from shared ≥ t·(a + b − shared)).
    #[inline]
    pub fn min_overlap_pair(self, a: usize, b: usize) -> usize {
        ceil_div(
            self.num as u128 * (a + b) as u128,
            self.den as u128 + self.num as u128,
        )
    }

    /// The largest set that can still need no more than `shared` trigrams in common with a
    /// set of `size`: the largest b with ⌈t/(1+t)·(size+b)⌉ ≤ shared (`None` when no b does).
    #[inline]
    pub fn max_partner(self, size: usize, shared: usize) -> Option<usize> {
        let limit = shared as u128 * (self.den as u128 + self.num as u128) / self.num as u128;
        (limit as usize).checked_sub(size)
    }

    /// The threshold as a decimal, for parameters.
    pub fn as_f64(self) -> f64 {
        self.num as f64 / self.den as f64
    }
}

fn ceil_div(a: u128, b: u128) -> usize {
    a.div_ceil(b) as usize
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issues_examples_normalise() {
        assert_eq!(
            normalised_title("Q3 Pricing Deck v2 (1).pptx"),
            "q3 pricing deck"
        );
        assert_eq!(
            normalised_title("Pricing Deck - FINAL copy"),
            "pricing deck"
        );
        assert_eq!(normalised_title("Rev Ops Playbook"), "rev ops playbook");
    }

    #[test]
    fn each_step_of_the_normalisation() {
        // Trimmed and lower-cased.
        assert_eq!(normalised_title("  ACME Deck \t"), "acme deck");
        assert_eq!(normalised_title("ÉTUDE Déck"), "étude déck");
        // One final extension, only from the list, only at the end.
        assert_eq!(normalised_title("Deck.PDF"), "deck");
        assert_eq!(normalised_title("Deck.pdf.zip"), "deck pdf");
        assert_eq!(normalised_title("Deck.pdf notes"), "deck pdf notes");
        assert_eq!(normalised_title("Deck.txt"), "deck txt");
        for ext in EXTENSIONS {
            assert_eq!(normalised_title(&format!("Plan{ext}")), "plan", "{ext}");
        }
        // Digits in parentheses or brackets become a space; other bracketed text stays.
        assert_eq!(normalised_title("Deck (1) EMEA"), "deck emea");
        assert_eq!(normalised_title("Deck[12]EMEA"), "deck emea");
        assert_eq!(normalised_title("Deck (DE)"), "deck de");
        assert_eq!(normalised_title("Deck (1a)"), "deck 1a");
        assert_eq!(normalised_title("Deck ()"), "deck");
        assert_eq!(normalised_title("Deck (١)"), "deck ١");
        // Non-alphanumeric characters split words; alphanumerics of any script stay.
        assert_eq!(normalised_title("ROI—Calc/2026: “FY”"), "roi calc 2026 fy");
        assert_eq!(normalised_title("Straße_Plan"), "straße plan");
        // Words joined by single spaces.
        assert_eq!(normalised_title("a   b\t\tc"), "a b c");
        // Nothing left.
        assert_eq!(normalised_title(" (1).pdf "), "");
        assert_eq!(normalised_title("Final Draft"), "");
        assert_eq!(normalised_title(""), "");
    }

    #[test]
    fn every_version_word_is_dropped_only_at_the_end() {
        for word in [
            "v2", "V10", "ver", "Version", "rev", "REV3", "final", "draft", "copy", "updated",
        ] {
            assert_eq!(normalised_title(&format!("Deck {word}")), "deck", "{word}");
            assert_eq!(
                normalised_title(&format!("{word} Deck")),
                format!("{} deck", word.to_lowercase()),
                "{word}"
            );
        }
        for kept in ["v", "vx", "v2a", "revs", "finals", "copyedit", "2"] {
            assert_eq!(
                normalised_title(&format!("Deck {kept}")),
                format!("deck {kept}"),
                "{kept}"
            );
        }
        // The whole trailing run goes, and only it.
        assert_eq!(normalised_title("Deck v2 final draft copy"), "deck");
        assert_eq!(normalised_title("Deck final 2"), "deck final 2");
        assert_eq!(normalised_title("Deck v1.2"), "deck v1 2");
    }

    #[test]
    fn trigrams_pad_the_title_with_one_space_each_side() {
        let pack = |s: &str| {
            let c: Vec<u64> = s.chars().map(u64::from).collect();
            (c[0] << 42) | (c[1] << 21) | c[2]
        };
        let mut want = vec![pack(" ab"), pack("ab "), pack("b a"), pack(" ab")];
        want.sort_unstable();
        want.dedup();
        assert_eq!(trigrams("ab ab"), want);
        assert_eq!(trigrams("a"), vec![pack(" a ")]);
        assert!(trigrams("").is_empty());
    }

    #[test]
    fn thresholds_are_exact_fractions() {
        let t = Threshold::parse("0.8").unwrap();
        assert_eq!(t, Threshold::DEFAULT);
        assert!(t.met(12, 15));
        assert!(!t.met(11, 14));
        assert!(!t.met(79, 100) && t.met(80, 100));
        assert_eq!(
            Threshold::parse(".75").unwrap(),
            Threshold { num: 3, den: 4 }
        );
        assert_eq!(Threshold::parse("1").unwrap(), Threshold { num: 1, den: 1 });
        assert_eq!(
            Threshold::parse("1.000").unwrap(),
            Threshold { num: 1, den: 1 }
        );
        assert_eq!(
            Threshold::parse("0.333333333333333333").unwrap().den,
            1_000_000_000_000_000_000
        );
        for bad in [
            "0", "0.0", "1.01", "2", "-0.5", "+0.5", "1e-1", "", ".", "abc", "0.8x", "nan",
        ] {
            assert!(Threshold::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(t.min_overlap(15), 12);
        assert_eq!(t.min_overlap(16), 13);
        // 2·0.8/1.8 = 8/9 of 9 is 8.
        assert_eq!(t.min_overlap_with_larger(9), 8);
        // 12 of 15 trigrams: sets of 13 and 14 need ⌈(4/9)·27⌉ = 12 in common.
        assert_eq!(t.min_overlap_pair(13, 14), 12);
        // With 12 left to share, a set of 13 can pair with at most 14 (12·9/4 − 13 = 14).
        assert_eq!(t.max_partner(13, 12), Some(14));
        assert_eq!(t.max_partner(13, 5), None);
    }
}
