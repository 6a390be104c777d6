//! Which number of a slash date (`02/04/2026`) is the day: forced by `--day-first` or
//! `--month-first`, or decided per file and column by the column's own values.
//!
//! A first number above 12 can only be a day (day-first), a second above 12 only a day too
//! (month-first). The first such value decides the column; the file's first 64 KiB are
//! looked at before any row is read, so a day-first file that shows a day above 12 early is
//! read right from its first row. Until something decides, month-first is in force. A value
//! that goes against the order already used (decided, or month-first already applied to an
//! ambiguous value) is a [`Clash`]: the reader stops, since earlier rows may have been misread.

use crate::input::source::csv_builder;
use crate::input::time::{date_millis, in_range, Millis, TimeParser};

/// The order of day and month in a slash date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOrder {
    /// `03/04/2026` is 4 March (the US order, and the default).
    MonthFirst,
    /// `03/04/2026` is 3 April.
    DayFirst,
}

impl DateOrder {
    pub fn word(self) -> &'static str {
        match self {
            DateOrder::MonthFirst => "month-first",
            DateOrder::DayFirst => "day-first",
        }
    }

    /// The option that forces this order.
    pub fn flag(self) -> &'static str {
        match self {
            DateOrder::MonthFirst => "--month-first",
            DateOrder::DayFirst => "--day-first",
        }
    }

    pub fn other(self) -> DateOrder {
        match self {
            DateOrder::MonthFirst => DateOrder::DayFirst,
            DateOrder::DayFirst => DateOrder::MonthFirst,
        }
    }
}

/// A date of the `N/N/YYYY` shape (`.` and `-` separators too), read but not yet ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlashDate {
    pub first: u32,
    pub second: u32,
    pub year: i64,
    /// The time of day minus the UTC offset.
    pub clock: Millis,
}

impl SlashDate {
    /// The instant in `order`, or `None` when the date does not exist in that order.
    #[inline]
    pub fn millis(&self, order: DateOrder) -> Option<Millis> {
        let (month, day) = match order {
            DateOrder::MonthFirst => (self.first, self.second),
            DateOrder::DayFirst => (self.second, self.first),
        };
        in_range(date_millis(self.year, month, day)? + self.clock)
    }

    /// The order this value alone proves: a number above 12 can only be the day.
    pub fn decides(&self) -> Option<DateOrder> {
        let order = if self.first > 12 && self.second <= 12 {
            DateOrder::DayFirst
        } else if self.second > 12 && self.first <= 12 {
            DateOrder::MonthFirst
        } else {
            return None;
        };
        self.millis(order).map(|_| order)
    }

    /// Both orders read it, as different dates (`02/04/2026`; not `02/02/2026`).
    fn ambiguous(&self) -> bool {
        self.first != self.second
            && self.millis(DateOrder::MonthFirst).is_some()
            && self.millis(DateOrder::DayFirst).is_some()
    }
}

/// A value and the physical line it is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Witness {
    pub value: String,
    pub line: u64,
}

impl Witness {
    fn new(value: &[u8], line: u64) -> Witness {
        Witness {
            value: String::from_utf8_lossy(value.trim_ascii()).into_owned(),
            line,
        }
    }
}

/// A slash date that goes against the order already used in its column; the message says
/// why and which flag to pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clash(pub String);

#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    /// A flag chose: no detection, a value the order cannot read is a bad value.
    Forced,
    /// This value decided.
    Decided(Witness),
    /// Nothing decided yet: month-first is in force.
    Open,
}

/// The order of one column of one file, and how it was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnOrder {
    order: DateOrder,
    state: State,
    /// The first value read month-first while the column was open, that day-first reads
    /// as another date.
    first_ambiguous: Option<Witness>,
    /// Read by one of several range readers of a file: a value that would decide day-first
    /// cannot know what the ranges before it read, so it stops the range (the file is then
    /// read again on one thread).
    partial: bool,
}

impl ColumnOrder {
    pub fn forced(order: DateOrder) -> ColumnOrder {
        ColumnOrder {
            order,
            state: State::Forced,
            first_ambiguous: None,
            partial: false,
        }
    }

    /// Nothing decided: month-first until a value says otherwise.
    pub fn open() -> ColumnOrder {
        ColumnOrder {
            order: DateOrder::MonthFirst,
            state: State::Open,
            first_ambiguous: None,
            partial: false,
        }
    }

    /// What `parser` imposes before any value is seen: its forced order, else open.
    pub fn of(parser: &TimeParser) -> ColumnOrder {
        match parser.forced_order() {
            Some(order) => ColumnOrder::forced(order),
            None => ColumnOrder::open(),
        }
    }

    /// Decides from the values of `column` in `sample` (the start of a file, header first,
    /// whole lines only): the first value that decides wins; the rows themselves, read
    /// later, find any value that contradicts it.
    pub fn from_sample(
        parser: &TimeParser,
        sample: &[u8],
        delimiter: u8,
        column: usize,
    ) -> ColumnOrder {
        let column_order = ColumnOrder::of(parser);
        if column_order.state != State::Open || parser.has_format() {
            return column_order;
        }
        let mut reader = csv_builder(delimiter).has_headers(true).from_reader(sample);
        let mut record = csv::ByteRecord::new();
        while let Ok(true) = reader.read_byte_record(&mut record) {
            let Some(value) = record.get(column) else {
                continue;
            };
            let Some(order) = parser.slash_date(value).and_then(|d| d.decides()) else {
                continue;
            };
            let start = record.position().map_or(0, |p| p.byte() as usize);
            let line = 1 + memchr::memchr_iter(b'\n', &sample[..start.min(sample.len())]).count();
            return ColumnOrder {
                order,
                state: State::Decided(Witness::new(value, line as u64)),
                ..column_order
            };
        }
        column_order
    }

    /// The same order for a range reader of the file (see `partial`).
    pub fn for_range(&self) -> ColumnOrder {
        ColumnOrder {
            partial: self.state == State::Open,
            ..self.clone()
        }
    }

    pub fn is_open(&self) -> bool {
        self.state == State::Open
    }

    /// The order in force.
    pub fn order(&self) -> DateOrder {
        self.order
    }

    /// Reads `date` (the text `value`, on the line `line` gives) in the column's order,
    /// deciding the order on the way when the column is open.
    #[inline]
    pub fn read(
        &mut self,
        date: &SlashDate,
        value: &[u8],
        line: impl FnOnce() -> u64,
    ) -> Result<Option<Millis>, Clash> {
        let millis = date.millis(self.order);
        if self.state == State::Open {
            return self.read_open(date, millis, value, line);
        }
        if millis.is_some() {
            return Ok(millis);
        }
        self.against(date)
    }

    /// Not readable in a settled order: a bad value, or under a decided order a clash when
    /// the other order reads it.
    #[cold]
    fn against(&self, date: &SlashDate) -> Result<Option<Millis>, Clash> {
        let State::Decided(witness) = &self.state else {
            return Ok(None);
        };
        let other = self.order.other();
        if date.millis(other).is_none() {
            return Ok(None);
        }
        Err(Clash(format!(
            "this date reads only {}, but {} on line {} decided {} for this column, so the column mixes orders and earlier rows may have been misread; pass --day-first or --month-first to choose (dates in the other order are then bad values)",
            other.word(),
            witness.value,
            witness.line,
            self.order.word(),
        )))
    }

    #[cold]
    fn read_open(
        &mut self,
        date: &SlashDate,
        millis: Option<Millis>,
        value: &[u8],
        line: impl FnOnce() -> u64,
    ) -> Result<Option<Millis>, Clash> {
        match date.decides() {
            Some(DateOrder::MonthFirst) => {
                self.state = State::Decided(Witness::new(value, line()));
                Ok(millis)
            }
            Some(DateOrder::DayFirst) => {
                if self.partial {
                    return Err(Clash(
                        "a day-first date in a part of the file read on its own".into(),
                    ));
                }
                if let Some(earlier) = &self.first_ambiguous {
                    return Err(Clash(format!(
                        "this date reads only day-first, but {} on line {} was already read month-first (no earlier value decided the order), so earlier rows may have been misread; pass --day-first if the file is day-first (or --month-first to keep month-first and make such dates bad values)",
                        earlier.value, earlier.line
                    )));
                }
                self.order = DateOrder::DayFirst;
                self.state = State::Decided(Witness::new(value, line()));
                Ok(date.millis(DateOrder::DayFirst))
            }
            None => {
                if self.first_ambiguous.is_none() && date.ambiguous() {
                    self.first_ambiguous = Some(Witness::new(value, line()));
                }
                Ok(millis)
            }
        }
    }

    /// Follows this range's order with the next range's, whose lines start `lines_before`
    /// lines further down. Ranges that met a day-first date never get here, so both read
    /// month-first: only the first decision and the first ambiguous value are kept.
    pub fn absorb(&mut self, later: ColumnOrder, lines_before: u64) {
        let shift = |w: Witness| Witness {
            line: w.line + lines_before,
            ..w
        };
        if self.state == State::Open {
            if let State::Decided(witness) = later.state {
                self.order = later.order;
                self.state = State::Decided(shift(witness));
            }
        }
        if self.first_ambiguous.is_none() {
            self.first_ambiguous = later.first_ambiguous.map(shift);
        }
    }

    /// What to tell about the column once read: the order and the value that decided it,
    /// or that nothing decided (only when an ambiguous value was read).
    pub fn note(&self, file: &str, column: &str) -> Option<String> {
        match &self.state {
            State::Forced => None,
            State::Decided(w) => Some(format!(
                "{file}: column {column:?}: slash dates read {} ({} on line {} decides); {} to override",
                self.order.word(),
                w.value,
                w.line,
                self.order.other().flag()
            )),
            State::Open => {
                let w = self.first_ambiguous.as_ref()?;
                Some(format!(
                    "{file}: column {column:?}: slash dates read month-first: no value decides the order; pass --day-first if {} means {}",
                    w.value,
                    day_first_reading(&w.value)
                ))
            }
        }
    }
}

/// `02/04/2026` → `2 April`: how day-first reads the start of a slash date.
fn day_first_reading(value: &str) -> String {
    use crate::input::time::MONTH_NAMES as MONTHS;
    let mut numbers = value
        .split(|c: char| !c.is_ascii_digit())
        .map(|n| n.parse::<usize>().unwrap_or(0));
    let (day, month) = (numbers.next().unwrap_or(0), numbers.next().unwrap_or(0));
    match MONTHS.get(month.wrapping_sub(1)) {
        Some(name) => format!("{day} {name}"),
        None => "a day-first date".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parser() -> TimeParser {
        TimeParser::default()
    }

    /// Reads `values` (on lines 2, 3, …) in one column, as the row readers do.
    fn read_all(column: &mut ColumnOrder, values: &[&str]) -> Vec<Result<Option<Millis>, Clash>> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| parser().read(v.as_bytes(), column, || i as u64 + 2))
            .collect()
    }

    fn day(year: i64, month: u32, day: u32) -> Result<Option<Millis>, Clash> {
        Ok(date_millis(year, month, day))
    }

    #[test]
    fn a_value_decides_by_the_number_above_12() {
        let date = |v: &str| parser().slash_date(v.as_bytes()).unwrap();
        assert_eq!(date("15/03/2026").decides(), Some(DateOrder::DayFirst));
        assert_eq!(
            date("03/15/2026 10:00").decides(),
            Some(DateOrder::MonthFirst)
        );
        assert_eq!(date("15.03.2026").decides(), Some(DateOrder::DayFirst));
        assert_eq!(date("02/04/2026").decides(), None);
        assert_eq!(date("13/13/2026").decides(), None);
        // 31 February exists in neither order: it decides nothing.
        assert_eq!(date("31/02/2026").decides(), None);
        assert_eq!(parser().slash_date(b"2026-03-15"), None);
        assert_eq!(parser().slash_date(b"20260315"), None);
    }

    #[test]
    fn the_sample_decides_before_the_first_row() {
        let sample = b"asset,time\nA,02/04/2026\nB,15/03/2026 10:00\nC,01/01/2026\n";
        let mut column = ColumnOrder::from_sample(&parser(), sample, b',', 1);
        assert_eq!(column.order(), DateOrder::DayFirst);
        let read = read_all(&mut column, &["02/04/2026", "15/03/2026"]);
        assert_eq!(read[0], day(2026, 4, 2));
        assert_eq!(
            column.note("e.csv", "time").unwrap(),
            "e.csv: column \"time\": slash dates read day-first (15/03/2026 10:00 on line 3 decides); --month-first to override"
        );
        let us = ColumnOrder::from_sample(&parser(), b"t\n02/04/2026\n12/31/2026\n", b',', 0);
        assert_eq!(us.order(), DateOrder::MonthFirst);
        assert!(!us.is_open());
        let undecided =
            ColumnOrder::from_sample(&parser(), b"t\n02/04/2026\n2026-03-15\n", b',', 0);
        assert!(undecided.is_open());
    }

    #[test]
    fn an_open_column_decides_while_reading() {
        let mut column = ColumnOrder::open();
        let read = read_all(&mut column, &["02/02/2026", "15/03/2026", "02/04/2026"]);
        assert_eq!(read, [day(2026, 2, 2), day(2026, 3, 15), day(2026, 4, 2)]);
        assert!(column
            .note("e", "t")
            .unwrap()
            .contains("15/03/2026 on line 3 decides"));
    }

    #[test]
    fn day_first_after_an_ambiguous_value_is_a_clash() {
        let mut column = ColumnOrder::open();
        let read = read_all(&mut column, &["02/04/2026", "2026-05-01", "15/03/2026"]);
        assert_eq!(read[0], day(2026, 2, 4));
        let Err(Clash(message)) = &read[2] else {
            panic!("{read:?}")
        };
        assert!(message.contains("02/04/2026 on line 2 was already read month-first"));
        assert!(message.contains("--day-first"));
    }

    #[test]
    fn a_value_against_a_decided_order_is_a_clash() {
        let mut column = ColumnOrder::open();
        let read = read_all(&mut column, &["03/15/2026", "02/04/2026", "15/03/2026"]);
        assert_eq!(read[1], day(2026, 2, 4));
        let Err(Clash(message)) = &read[2] else {
            panic!("{read:?}")
        };
        assert!(
            message.contains("03/15/2026 on line 2 decided month-first"),
            "{message}"
        );
        assert!(message.contains("--day-first or --month-first"));
    }

    #[test]
    fn impossible_values_stay_bad_values() {
        let mut column = ColumnOrder::open();
        let read = read_all(&mut column, &["13/13/2026", "31/02/2026", "02/04/2026"]);
        assert_eq!(read, [Ok(None), Ok(None), day(2026, 2, 4)]);
        assert!(column.is_open());
        assert_eq!(
            column.note("e.csv", "t").unwrap(),
            "e.csv: column \"t\": slash dates read month-first: no value decides the order; pass --day-first if 02/04/2026 means 2 April"
        );
        // Values that read the same either way leave nothing to tell.
        let mut same = ColumnOrder::open();
        read_all(&mut same, &["02/02/2026", "2026-05-01"]);
        assert_eq!(same.note("e.csv", "t"), None);
    }

    #[test]
    fn a_forced_order_detects_nothing() {
        let mut column = ColumnOrder::forced(DateOrder::MonthFirst);
        let read = read_all(&mut column, &["02/04/2026", "15/03/2026", "03/15/2026"]);
        assert_eq!(read, [day(2026, 2, 4), Ok(None), day(2026, 3, 15)]);
        assert_eq!(column.note("e", "t"), None);
        let day_first = TimeParser::forced(Some(DateOrder::DayFirst), None);
        let sampled = ColumnOrder::from_sample(&day_first, b"t\n03/15/2026\n", b',', 0);
        assert_eq!(sampled, ColumnOrder::forced(DateOrder::DayFirst));
    }

    #[test]
    fn a_range_stops_at_a_day_first_date_and_ranges_merge_in_order() {
        let mut first = ColumnOrder::open().for_range();
        assert!(read_all(&mut first, &["02/04/2026", "15/03/2026"])[1].is_err());
        let mut first = ColumnOrder::open().for_range();
        read_all(&mut first, &["02/04/2026"]);
        let mut second = ColumnOrder::open().for_range();
        read_all(&mut second, &["01/05/2026", "03/15/2026"]);
        first.absorb(second, 100);
        assert_eq!(first.order(), DateOrder::MonthFirst);
        assert!(first
            .note("e", "t")
            .unwrap()
            .contains("03/15/2026 on line 103 decides"));
    }
}
