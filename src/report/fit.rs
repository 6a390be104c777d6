//! Fitting a table for people into a width: which columns stay, how wide each is.
//!
//! Nothing is ever wrapped character by character. In turn, as the width asks: long text is
//! cut with `…` (down to [`MIN_CUT`] characters), headers break after `_`, instants show
//! their day only, and then whole columns are left out (those the report names first, then
//! the rightmost; never the first). The plan is made from widths alone, so colour or its
//! absence changes nothing.

use unicode_width::UnicodeWidthStr;

/// Text cells are not cut below this many columns (shorter text keeps its width).
pub const MIN_CUT: usize = 16;
/// Text gets up to this width before instants get their time of day back (then more, in
/// proportion to what each column lacks).
const COMFORTABLE_CUT: usize = 24;
/// A header line this wide holds most headers in two lines (`days_since_`).
const HEADER_LINE: usize = 12;
/// `YYYY-MM-DD`: an instant shown as its day.
const DAY: usize = 10;

/// What a column's cells can give up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Numbers, dates, flags: shown whole.
    Fixed,
    /// Text: cut with an ellipsis.
    Cut,
    /// Instants: shown as their day when short of room.
    Instant,
}

/// One column's widths, measured on its header and cells.
#[derive(Debug, Clone)]
pub struct Need {
    pub kind: Kind,
    /// The whole header on one line.
    pub header: usize,
    /// The widest cell.
    pub cells: usize,
}

impl Need {
    /// The header as it is, or broken after `_` and spaces.
    fn header_min(&self, name: &str) -> usize {
        segments(name)
            .iter()
            .map(|s| s.trim_end().width())
            .max()
            .unwrap_or(0)
            .min(self.header)
    }

    fn natural(&self) -> usize {
        self.header.max(self.cells)
    }
}

/// How one kept column is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fitted {
    pub width: usize,
    /// Instants shown as their day.
    pub as_day: bool,
}

/// The layout: per column, how it is shown, or `None` when it is left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub columns: Vec<Option<Fitted>>,
}

impl Plan {
    /// Every column whole.
    pub fn whole(needs: &[Need]) -> Plan {
        Plan {
            columns: needs
                .iter()
                .map(|n| {
                    Some(Fitted {
                        width: n.natural(),
                        as_day: false,
                    })
                })
                .collect(),
        }
    }

    /// The layout of `needs` (headers `names`) within `width` terminal columns; `drop_first`
    /// are the indices a narrow table leaves out first, in order; `keep` is never left out.
    pub fn fit(
        names: &[String],
        needs: &[Need],
        drop_first: &[usize],
        keep: Option<usize>,
        width: usize,
    ) -> Plan {
        let natural: Vec<usize> = needs.iter().map(Need::natural).collect();
        let least: Vec<usize> = needs
            .iter()
            .zip(names)
            .map(|(need, name)| {
                let cells = match need.kind {
                    Kind::Fixed => need.cells,
                    Kind::Cut => need.cells.min(MIN_CUT),
                    Kind::Instant => need.cells.min(DAY),
                };
                cells.max(need.header_min(name))
            })
            .collect();
        let mut kept = vec![true; needs.len()];
        let room = |kept: &[bool]| {
            let n = kept.iter().filter(|k| **k).count();
            width.saturating_sub(3 * n + 1)
        };
        let sum = |widths: &[usize], kept: &[bool]| -> usize {
            widths
                .iter()
                .zip(kept)
                .filter(|(_, k)| **k)
                .map(|(w, _)| w)
                .sum()
        };
        loop {
            if sum(&natural, &kept) <= room(&kept) {
                return Plan::whole(needs).keeping(&kept);
            }
            if sum(&least, &kept) <= room(&kept) {
                break;
            }
            let spare = |i: usize| i > 0 && kept[i] && Some(i) != keep;
            let next = drop_first
                .iter()
                .copied()
                .find(|&i| spare(i))
                .or_else(|| (1..kept.len()).rev().find(|&i| spare(i)));
            match next {
                Some(i) => kept[i] = false,
                None => break,
            }
        }
        let mut widths = least.clone();
        let mut spare = room(&kept).saturating_sub(sum(&least, &kept));
        let cut: Vec<usize> = (0..needs.len())
            .filter(|&i| kept[i] && needs[i].kind == Kind::Cut)
            .collect();
        let comfortable: Vec<usize> = natural.iter().map(|&n| n.min(COMFORTABLE_CUT)).collect();
        // Only instants wait on this: without them, text shares by what each lacks.
        if (0..needs.len()).any(|i| kept[i] && needs[i].kind == Kind::Instant) {
            spread(&mut widths, &cut, &comfortable, &mut spare);
        }
        for i in (0..needs.len()).filter(|&i| kept[i] && needs[i].kind == Kind::Instant) {
            let more = natural[i].saturating_sub(widths[i]);
            if more <= spare {
                widths[i] += more;
                spare -= more;
            }
        }
        // Headers on fewer lines before text grows further.
        let all: Vec<usize> = (0..needs.len()).filter(|&i| kept[i]).collect();
        let short: Vec<usize> = natural.iter().map(|&n| n.min(HEADER_LINE)).collect();
        spread(&mut widths, &all, &short, &mut spare);
        share(&mut widths, &cut, &natural, &mut spare);
        let all: Vec<usize> = (0..needs.len()).filter(|&i| kept[i]).collect();
        spread(&mut widths, &all, &natural, &mut spare);
        Plan {
            columns: (0..needs.len())
                .map(|i| {
                    kept[i].then(|| Fitted {
                        width: widths[i],
                        as_day: needs[i].kind == Kind::Instant && widths[i] < needs[i].cells,
                    })
                })
                .collect(),
        }
    }

    fn keeping(mut self, kept: &[bool]) -> Plan {
        for (column, keep) in self.columns.iter_mut().zip(kept) {
            if !keep {
                *column = None;
            }
        }
        self
    }
}

/// Gives `spare` to `columns` one at a time in turn, each up to its `cap`.
fn spread(widths: &mut [usize], columns: &[usize], cap: &[usize], spare: &mut usize) {
    loop {
        let mut gave = false;
        for &i in columns {
            if *spare > 0 && widths[i] < cap[i] {
                widths[i] += 1;
                *spare -= 1;
                gave = true;
            }
        }
        if !gave {
            return;
        }
    }
}

/// Gives `spare` to `columns` in proportion to what each lacks of its `cap`.
fn share(widths: &mut [usize], columns: &[usize], cap: &[usize], spare: &mut usize) {
    let lacking: usize = columns
        .iter()
        .map(|&i| cap[i].saturating_sub(widths[i]))
        .sum();
    if lacking == 0 {
        return;
    }
    let budget = (*spare).min(lacking);
    for &i in columns {
        let lacks = cap[i].saturating_sub(widths[i]);
        let give = budget * lacks / lacking;
        widths[i] += give;
        *spare -= give;
    }
    spread(widths, columns, cap, spare);
}

/// A header's pieces: it may break after `_` or a space.
fn segments(name: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in name.char_indices() {
        if c == '_' || c == ' ' {
            out.push(&name[start..i + 1]);
            start = i + 1;
        }
    }
    if start < name.len() {
        out.push(&name[start..]);
    }
    out
}

/// A header within `width`: whole, or broken after `_` and spaces onto more lines.
pub fn header_lines(name: &str, width: usize) -> String {
    if name.width() <= width {
        return name.to_string();
    }
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for piece in segments(name) {
        if !line.is_empty() && (line.clone() + piece).trim_end().width() > width {
            lines.push(line.trim_end().to_string());
            line.clear();
        }
        line.push_str(piece);
    }
    lines.push(line.trim_end().to_string());
    lines
        .iter()
        .map(|l| cut_end(l, width))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Prose (a headline, a note) broken between words to lines of at most `width` columns; a
/// word longer than that is cut.
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.width() + 1 + word.width() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines.iter().map(|l| cut_end(l, width)).collect()
}

/// `text` within `width` columns, its end replaced by `…` when cut.
pub fn cut_end(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// `text` within `width` columns, its start replaced by `…` when cut (a path's end names
/// the file).
pub fn cut_start(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut kept: Vec<char> = Vec::new();
    let mut used = 0;
    for c in text.chars().rev() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        kept.push(c);
        used += w;
    }
    let mut out = String::from("…");
    out.extend(kept.into_iter().rev());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn need(kind: Kind, header: &str, cells: usize) -> Need {
        Need {
            kind,
            header: header.width(),
            cells,
        }
    }

    #[test]
    fn headers_break_after_underscores() {
        assert_eq!(
            header_lines("days_since_last_open", 11),
            "days_since_\nlast_open"
        );
        assert_eq!(header_lines("opens", 11), "opens");
        assert_eq!(
            header_lines("days_since_last_open", 6),
            "days_\nsince_\nlast_\nopen"
        );
    }

    #[test]
    fn cuts_keep_within_the_width() {
        assert_eq!(cut_end("abcdefghijkl", 5), "abcd…");
        assert_eq!(cut_end("ééééééé", 4), "ééé…");
        assert_eq!(cut_end("日本語のタイトル", 7), "日本語…");
        assert_eq!(cut_start("examples/data/events.csv", 12), "…/events.csv");
        assert_eq!(
            wrap_words("Never opened: 240 of 380 judged assets", 16),
            ["Never opened:", "240 of 380", "judged assets"]
        );
    }

    #[test]
    fn a_wide_enough_table_is_whole_and_a_narrow_one_cuts_text_first() {
        let names: Vec<String> = ["id", "title", "opens"].map(String::from).to_vec();
        let needs = [
            need(Kind::Fixed, "id", 4),
            need(Kind::Cut, "title", 40),
            need(Kind::Fixed, "opens", 3),
        ];
        // 4 + 40 + 5 + 3 * 3 + 1 = 59.
        assert_eq!(
            Plan::fit(&names, &needs, &[], None, 59),
            Plan::whole(&needs)
        );
        let plan = Plan::fit(&names, &needs, &[], None, 40);
        let widths: Vec<usize> = plan.columns.iter().map(|c| c.unwrap().width).collect();
        assert_eq!(widths, [4, 21, 5]);
    }

    #[test]
    fn instants_give_up_their_time_then_columns_go_named_ones_first() {
        let names: Vec<String> = ["id", "title", "created", "last_open", "opens"]
            .map(String::from)
            .to_vec();
        let needs = [
            need(Kind::Fixed, "id", 9),
            need(Kind::Cut, "title", 50),
            need(Kind::Fixed, "created", 10),
            need(Kind::Instant, "last_open", 20),
            need(Kind::Fixed, "opens", 5),
        ];
        // Least: 9 + 16 + 10 + 10 + 5 = 50, borders 16: 66.
        let plan = Plan::fit(&names, &needs, &[2], None, 66);
        assert!(plan.columns.iter().all(Option::is_some));
        assert_eq!(
            plan.columns[3],
            Some(Fitted {
                width: 10,
                as_day: true
            })
        );
        // Two columns short: `created` goes first, as asked.
        let plan = Plan::fit(&names, &needs, &[2], None, 64);
        assert_eq!(plan.columns[2], None);
        let total: usize = plan.columns.iter().flatten().map(|c| c.width + 3).sum();
        assert!(total < 64, "{plan:?}");
        // Without a preference, the rightmost goes.
        let plan = Plan::fit(&names, &needs, &[], None, 64);
        assert_eq!(plan.columns[4], None);
        // The column the rows are sorted by stays.
        let plan = Plan::fit(&names, &needs, &[], Some(4), 64);
        assert_eq!((plan.columns[3], plan.columns[4].is_some()), (None, true));
    }
}
