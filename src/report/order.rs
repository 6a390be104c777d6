//! `--sort` and `--top`: which rows a report writes and in what order, decided once on the
//! typed cells, before any renderer, so table, CSV, JSON and Markdown agree.
//!
//! Numbers compare as numbers, dates and instants as times, text in natural order (case
//! aside, digit runs as numbers: `AST-9` before `AST-10`); empty cells go last whichever the
//! direction; ties keep the report's own order, so the output is the same on every run.

use super::stream::RowStream;
use super::{Body, Report, Value};
use crate::choices::{Direction, RowPick, SortKey};
use crate::input_error;
use anyhow::Result;
use std::cell::{Cell, RefCell};
use std::cmp::Ordering;
use std::rc::Rc;

/// Sorts and cuts the rows of `report` (its body; sections stay as they are).
pub fn pick_rows(report: &mut Report, pick: &RowPick) -> Result<()> {
    if pick.is_empty() {
        return Ok(());
    }
    let Body::Rows { columns, rows } = &mut report.body else {
        return Err(input_error!(
            "--sort and --top order rows, and this report is one record (summary has rows with --group-by)"
        ));
    };
    if let Some(key) = &pick.sort {
        sort(columns, rows, key)?;
        report.hints.keep = Some(key.column.clone());
    }
    if let Some(top) = pick.top {
        let total = rows.len();
        rows.truncate(top);
        if let Some(note) = shown_note(rows.len(), total, top) {
            report.hints.under.push(note);
        }
    }
    Ok(())
}

/// As [`pick_rows`] for rows made as they are written: `--sort` gathers them first; `--top`
/// alone keeps streaming (and counts the rows it leaves out, for the note).
pub fn pick_stream<'a>(mut stream: RowStream<'a>, pick: &RowPick) -> Result<RowStream<'a>> {
    if let Some(key) = &pick.sort {
        let mut rows: Vec<Vec<Value>> = stream.rows.collect();
        sort(&stream.columns, &mut rows, key)?;
        stream.rows = Box::new(rows.into_iter());
        stream.hints.keep = Some(key.column.clone());
    }
    if let Some(top) = pick.top {
        let rows = std::mem::replace(&mut stream.rows, Box::new(std::iter::empty()));
        let inner = Rc::new(RefCell::new(rows));
        let shown = Rc::new(Cell::new(0usize));
        stream.rows = Box::new(Top {
            inner: Rc::clone(&inner),
            left: top,
            shown: Rc::clone(&shown),
        });
        // Only a table or Markdown asks how many were left out: CSV and JSON stop at N.
        let earlier = std::mem::replace(&mut stream.footer, Box::new(Vec::new));
        stream.footer = Box::new(move || {
            let rest = inner.borrow_mut().by_ref().count();
            let shown = shown.get();
            let mut lines: Vec<String> = shown_note(shown, shown + rest, top).into_iter().collect();
            lines.extend(earlier());
            lines
        });
    }
    Ok(stream)
}

/// "Showing 10 of 397 rows (--top 10)." when rows were left out.
fn shown_note(shown: usize, total: usize, top: usize) -> Option<String> {
    (shown < total).then(|| format!("Showing {shown} of {total} rows (--top {top})."))
}

/// The rows a streamed report writes.
type Rows<'a> = Box<dyn Iterator<Item = Vec<Value>> + 'a>;

/// The first `left` rows of `inner` (the rest stay unmade unless the footer counts them).
struct Top<'a> {
    inner: Rc<RefCell<Rows<'a>>>,
    left: usize,
    shown: Rc<Cell<usize>>,
}

impl Iterator for Top<'_> {
    type Item = Vec<Value>;

    fn next(&mut self) -> Option<Vec<Value>> {
        if self.left == 0 {
            return None;
        }
        let row = self.inner.borrow_mut().next()?;
        self.left -= 1;
        self.shown.set(self.shown.get() + 1);
        Some(row)
    }
}

/// Sorts `rows` by `key` (stable: ties keep their order).
fn sort(columns: &[String], rows: &mut [Vec<Value>], key: &SortKey) -> Result<()> {
    let Some(i) = columns.iter().position(|c| *c == key.column) else {
        return Err(input_error!(
            "--sort {:?}: no such column; the columns are {}",
            key.column,
            columns.join(", ")
        ));
    };
    let descending = match key.direction {
        Some(direction) => direction == Direction::Desc,
        None => numeric_column(rows, i),
    };
    rows.sort_by(|a, b| {
        let (a, b) = (&a[i], &b[i]);
        match (a == &Value::Null, b == &Value::Null) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) if descending => compare(b, a),
            (false, false) => compare(a, b),
        }
    });
    Ok(())
}

/// A column whose cells are all numbers (or empty), at least one a number.
fn numeric_column(rows: &[Vec<Value>], i: usize) -> bool {
    rows.iter().any(|r| r[i].is_numeric())
        && rows
            .iter()
            .all(|r| r[i].is_numeric() || r[i] == Value::Null)
}

/// Two cells that are not null, by their types.
pub fn compare(a: &Value, b: &Value) -> Ordering {
    use Value::*;
    match (a, b) {
        (Int(x), Int(y)) => x.cmp(y),
        (Int(_) | Num(_), Int(_) | Num(_)) => as_f64(a).total_cmp(&as_f64(b)),
        (Date(x) | Instant(x), Date(y) | Instant(y)) => x.cmp(y),
        (Bool(x), Bool(y)) => x.cmp(y),
        (Text(x), Text(y)) => natural(x, y),
        (List(x), List(y)) => natural(&x.join(","), &y.join(",")),
        _ => rank(a).cmp(&rank(b)),
    }
}

fn as_f64(value: &Value) -> f64 {
    match value {
        Value::Int(n) => *n as f64,
        Value::Num(x) => *x,
        _ => f64::NAN,
    }
}

/// The order of cells of different kinds in one column (rare: a column holds one kind).
fn rank(value: &Value) -> u8 {
    match value {
        Value::Int(_) | Value::Num(_) => 0,
        Value::Date(_) | Value::Instant(_) => 1,
        Value::Bool(_) => 2,
        Value::Text(_) | Value::List(_) => 3,
        Value::Null => 4,
    }
}

/// Text in natural order: letters without regard to case, runs of digits by their value;
/// then, to break ties, as it is written.
pub fn natural(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.chars().peekable(), b.chars().peekable());
    loop {
        match (x.peek().copied(), y.peek().copied()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let m = digits(&mut x);
                let n = digits(&mut y);
                let (m, n) = (m.trim_start_matches('0'), n.trim_start_matches('0'));
                let by_value = m.len().cmp(&n.len()).then_with(|| m.cmp(n));
                if by_value != Ordering::Equal {
                    return by_value;
                }
            }
            (Some(c), Some(d)) => {
                let by_letter = c.to_lowercase().cmp(d.to_lowercase());
                if by_letter != Ordering::Equal {
                    return by_letter;
                }
                x.next();
                y.next();
            }
        }
    }
}

fn digits(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> String {
    let mut run = String::new();
    while let Some(c) = chars.next_if(char::is_ascii_digit) {
        run.push(c);
    }
    run
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_in_natural_order() {
        assert_eq!(natural("AST-9", "AST-10"), Ordering::Less);
        assert_eq!(natural("ast-10", "AST-9"), Ordering::Greater);
        assert_eq!(natural("deck", "Deck"), "deck".cmp("Deck"));
        assert_eq!(natural("a", "ab"), Ordering::Less);
        assert_eq!(natural("007", "7"), "007".cmp("7"));
        assert_eq!(natural("Zeta", "alpha"), Ordering::Greater);
    }

    #[test]
    fn numbers_compare_as_numbers_across_kinds() {
        assert_eq!(
            compare(&Value::Int(10), &Value::Num(9.5)),
            Ordering::Greater
        );
        assert_eq!(compare(&Value::Int(9), &Value::Int(10)), Ordering::Less);
        assert_eq!(compare(&Value::Date(5), &Value::Instant(7)), Ordering::Less);
    }

    fn rows(values: &[Option<i64>]) -> Vec<Vec<Value>> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| vec![Value::Int(i as i64), v.map_or(Value::Null, Value::Int)])
            .collect()
    }

    fn order(rows: &[Vec<Value>]) -> Vec<i64> {
        rows.iter()
            .map(|r| match r[0] {
                Value::Int(n) => n,
                _ => -1,
            })
            .collect()
    }

    #[test]
    fn empty_cells_last_both_ways_and_ties_keep_their_order() {
        let columns = ["row".to_string(), "n".to_string()];
        let key = |direction| SortKey {
            column: "n".into(),
            direction,
        };
        let mut r = rows(&[Some(9), None, Some(10), Some(9)]);
        sort(&columns, &mut r, &key(Some(Direction::Asc))).unwrap();
        assert_eq!(order(&r), [0, 3, 2, 1]);
        let mut r = rows(&[Some(9), None, Some(10), Some(9)]);
        sort(&columns, &mut r, &key(Some(Direction::Desc))).unwrap();
        assert_eq!(order(&r), [2, 0, 3, 1]);
        // Numbers default to largest first.
        let mut r = rows(&[Some(9), None, Some(10), Some(9)]);
        sort(&columns, &mut r, &key(None)).unwrap();
        assert_eq!(order(&r), [2, 0, 3, 1]);
        let unknown = SortKey {
            column: "nope".into(),
            direction: None,
        };
        let err = sort(&columns, &mut r, &unknown).unwrap_err().to_string();
        assert!(err.contains("row, n"), "{err}");
    }

    #[test]
    fn top_alone_streams_and_counts_what_it_leaves_out_only_when_asked() {
        let made = Rc::new(Cell::new(0));
        let counter = Rc::clone(&made);
        let rows = (0..5).map(move |i| {
            counter.set(counter.get() + 1);
            vec![Value::Int(i)]
        });
        let stream = RowStream::new(Vec::new(), &["n"], rows);
        let pick = RowPick {
            sort: None,
            top: Some(2),
        };
        let mut stream = pick_stream(stream, &pick).unwrap();
        assert_eq!(stream.rows.next(), Some(vec![Value::Int(0)]));
        assert_eq!(made.get(), 1, "rows are made as they are written");
        assert_eq!(stream.rows.next(), Some(vec![Value::Int(1)]));
        assert_eq!(stream.rows.next(), None);
        assert_eq!(made.get(), 2, "CSV and JSON stop at N");
        let footer = (stream.footer)();
        assert_eq!(made.get(), 5);
        assert_eq!(footer, ["Showing 2 of 5 rows (--top 2)."]);
    }
}
