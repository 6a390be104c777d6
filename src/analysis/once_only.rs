//! The warnings a file tells once (text that is not UTF-8, a second time shape), made the
//! same for a file read in ranges as for the file read on one thread.
//!
//! Each range's [`RowScanner`](crate::analysis::rows::RowScanner) starts knowing nothing of
//! the rows before it. Alone, it would tell each such warning once a range, and judge the
//! time shape against its own first rows: a file whose times change shape where a range
//! begins would never be told it mixes formats. So each range notes its first time shape and
//! the once-only warnings it told; at the merge, a range whose first shape is not the file's
//! has the file read again on one thread, and a warning an earlier range told already is
//! taken back.

use crate::input::problems::Problems;
use crate::input::time::TimeShape;

/// A warning told once a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnceOnly {
    NotUtf8,
    MixedTimes,
}

/// What one range told once, and the time shape it judged the others against.
#[derive(Debug, Clone, Default)]
pub struct OnceTold {
    /// The range's first readable time value's shape.
    pub first_shape: Option<TimeShape>,
    /// In the order told, with each one's place among the range's kept problems (`None`
    /// when the kept problems were full).
    told: Vec<(OnceOnly, Option<usize>)>,
    /// The row that told [`OnceOnly::MixedTimes`] also held text that is not UTF-8, before
    /// the range told that. A row tells one problem, and the time shape goes first: on one
    /// thread, with the shape told by an earlier range, the same row tells the encoding.
    mixed_hid_not_utf8: bool,
}

impl OnceTold {
    /// Notes that the problem just recorded (at `kept_at` among the kept ones, if kept) is
    /// the range's `kind` warning, unless that was noted already. The scanner sets its flag
    /// for a kind on the very row whose problem is that warning, so a caller asks this only
    /// after a row gave a problem, at no cost to the rows that give none.
    ///
    /// `not_utf8` says whether the row held text that is not UTF-8; it is asked only of the
    /// row that tells the time shape.
    pub fn note(
        &mut self,
        told_now: [(OnceOnly, bool); 2],
        kept_at: Option<usize>,
        mut not_utf8: impl FnMut() -> bool,
    ) {
        for (kind, told) in told_now {
            if told && !self.has_told(kind) {
                self.told.push((kind, kept_at));
                if kind == OnceOnly::MixedTimes && !self.has_told(OnceOnly::NotUtf8) {
                    self.mixed_hid_not_utf8 = not_utf8();
                }
            }
        }
    }

    fn has_told(&self, kind: OnceOnly) -> bool {
        self.told.iter().any(|&(k, _)| k == kind)
    }
}

/// Takes back, in file order, each once-only warning an earlier range told already. Returns
/// false (having changed nothing) when the ranges cannot give the one-thread answer, and the
/// file must be read on one thread: a range began with a time shape other than the file's
/// first (its rows were judged against the wrong one), or a range told one warning that is
/// taken back and another that is kept (on one thread the row of the first would have been
/// free to tell the second), or a range's time-shape warning to be taken back hid text that is
/// not UTF-8 no earlier range told (on one thread that row tells it).
pub fn reconcile(ranges: &mut [(&OnceTold, &mut Problems)]) -> bool {
    let file_shape = ranges.iter().find_map(|(once, _)| once.first_shape);
    if ranges
        .iter()
        .any(|(once, _)| once.first_shape.is_some() && once.first_shape != file_shape)
    {
        return false;
    }
    let mut told: Vec<OnceOnly> = Vec::new();
    let mut takes = Vec::with_capacity(ranges.len());
    for (once, _) in ranges.iter() {
        let (again, new): (Vec<_>, Vec<_>) =
            once.told.iter().partition(|(kind, _)| told.contains(kind));
        if !again.is_empty() && !new.is_empty() {
            return false;
        }
        let hidden = once.mixed_hid_not_utf8 && !told.contains(&OnceOnly::NotUtf8);
        if hidden && again.iter().any(|&(kind, _)| kind == OnceOnly::MixedTimes) {
            return false;
        }
        told.extend(new.iter().map(|&(kind, _)| kind));
        takes.push(again);
    }
    for ((_, problems), again) in ranges.iter_mut().zip(takes) {
        // Later places first, so that each removal leaves the earlier places as they were.
        let mut places: Vec<Option<usize>> = again.iter().map(|&(_, at)| at).collect();
        places.sort_unstable_by(|a, b| b.cmp(a));
        for at in places {
            problems.take_back(at);
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::problems::Problem;

    fn problem(line: u64, message: &str) -> Problem {
        Problem {
            file: "events.csv".into(),
            line,
            last_line: None,
            column: None,
            value: None,
            message: message.into(),
        }
    }

    /// A range's problems and what it told once: `rows` are (line, once-only kind or none).
    fn range(shape: Option<TimeShape>, rows: &[(u64, Option<OnceOnly>)]) -> (OnceTold, Problems) {
        let mut once = OnceTold {
            first_shape: shape,
            ..OnceTold::default()
        };
        let mut problems = Problems::new(false);
        for &(line, kind) in rows {
            let at = problems.kept().len();
            problems
                .record(problem(line, &format!("{kind:?}")))
                .expect("not strict");
            let kept_at = (problems.kept().len() > at).then_some(at);
            let told = [
                (
                    OnceOnly::NotUtf8,
                    once.told.iter().any(|t| t.0 == OnceOnly::NotUtf8),
                ),
                (
                    OnceOnly::MixedTimes,
                    once.told.iter().any(|t| t.0 == OnceOnly::MixedTimes),
                ),
            ];
            let told = told.map(|(k, was)| (k, was || kind == Some(k)));
            once.note(told, kept_at, || false);
        }
        (once, problems)
    }

    fn lines(problems: &Problems) -> Vec<u64> {
        problems.kept().iter().map(|p| p.line).collect()
    }

    #[test]
    fn a_time_shape_told_again_over_text_not_utf8_has_the_file_read_on_one_thread() {
        use OnceOnly::*;
        let shape = Some(TimeShape::YearFirst);
        let (o1, mut p1) = range(shape, &[(3, Some(MixedTimes))]);
        // Line 9 holds Latin-1 text and the second range's first other time shape: it tells
        // the shape, which on one thread was told at line 3, so there it tells the encoding.
        let (mut o2, mut p2) = range(shape, &[(8, None)]);
        let at = Some(p2.kept().len());
        p2.record(problem(9, "MixedTimes")).expect("not strict");
        o2.note([(NotUtf8, false), (MixedTimes, true)], at, || true);
        assert!(!reconcile(&mut [(&o1, &mut p1), (&o2, &mut p2)]));
        assert_eq!(
            (lines(&p2), p2.total()),
            (vec![8, 9], 2),
            "nothing taken back"
        );
        // Told by the first range already, the encoding is not hidden: the shape is taken back.
        let (o1, mut p1) = range(shape, &[(2, Some(NotUtf8)), (3, Some(MixedTimes))]);
        assert!(reconcile(&mut [(&o1, &mut p1), (&o2, &mut p2)]));
        assert_eq!((lines(&p2), p2.total()), (vec![8], 1));
        // A row of the other shape in ASCII hides nothing.
        let (o1, mut p1) = range(shape, &[(3, Some(MixedTimes))]);
        let (mut o2, mut p2) = range(shape, &[(8, None)]);
        p2.record(problem(9, "MixedTimes")).expect("not strict");
        o2.note([(NotUtf8, false), (MixedTimes, true)], Some(1), || false);
        assert!(reconcile(&mut [(&o1, &mut p1), (&o2, &mut p2)]));
        assert_eq!((lines(&p2), p2.total()), (vec![8], 1));
    }

    #[test]
    fn a_warning_told_again_by_a_later_range_is_taken_back() {
        use OnceOnly::*;
        let shape = Some(TimeShape::YearFirst);
        let (o1, mut p1) = range(shape, &[(3, None), (5, Some(MixedTimes))]);
        let (o2, mut p2) = range(shape, &[(8, None), (9, Some(MixedTimes)), (12, None)]);
        let (o3, mut p3) = range(None, &[(20, Some(NotUtf8)), (21, None)]);
        let mut ranges = [(&o1, &mut p1), (&o2, &mut p2), (&o3, &mut p3)];
        assert!(reconcile(&mut ranges));
        assert_eq!((lines(&p1), p1.total()), (vec![3, 5], 2));
        assert_eq!((lines(&p2), p2.total()), (vec![8, 12], 2));
        assert_eq!((lines(&p3), p3.total()), (vec![20, 21], 2));
    }

    #[test]
    fn a_warning_past_the_kept_problems_is_taken_back_from_the_count() {
        let shape = Some(TimeShape::YearFirst);
        let (o1, mut p1) = range(shape, &[(2, Some(OnceOnly::NotUtf8))]);
        let mut rows: Vec<(u64, Option<OnceOnly>)> = (10..30).map(|l| (l, None)).collect();
        rows.push((40, Some(OnceOnly::NotUtf8)));
        let (o2, mut p2) = range(shape, &rows);
        let kept = lines(&p2);
        let mut ranges = [(&o1, &mut p1), (&o2, &mut p2)];
        assert!(reconcile(&mut ranges));
        assert_eq!((lines(&p2), p2.total()), (kept, 20));
    }

    #[test]
    fn a_range_that_began_with_another_time_shape_asks_for_one_thread() {
        let (o1, mut p1) = range(Some(TimeShape::YearFirst), &[(3, None)]);
        let (o2, mut p2) = range(Some(TimeShape::EpochSeconds), &[]);
        let mut ranges = [(&o1, &mut p1), (&o2, &mut p2)];
        assert!(!reconcile(&mut ranges));
        assert_eq!((lines(&p1), p2.total()), (vec![3], 0));
        // A range without a time value judged nothing against the wrong shape.
        let (o3, mut p3) = range(None, &[(1, None)]);
        let (o4, mut p4) = range(Some(TimeShape::EpochSeconds), &[]);
        assert!(reconcile(&mut [(&o3, &mut p3), (&o4, &mut p4)]));
    }

    #[test]
    fn a_range_that_tells_one_warning_again_and_another_first_asks_for_one_thread() {
        use OnceOnly::*;
        let shape = Some(TimeShape::YearFirst);
        let (o1, mut p1) = range(shape, &[(3, Some(MixedTimes))]);
        let (o2, mut p2) = range(shape, &[(8, Some(MixedTimes)), (9, Some(NotUtf8))]);
        let mut ranges = [(&o1, &mut p1), (&o2, &mut p2)];
        assert!(!reconcile(&mut ranges));
        assert_eq!((lines(&p2), p2.total()), (vec![8, 9], 2));
    }
}
