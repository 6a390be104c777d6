//! Turning the many ways exports write a moment into milliseconds since the Unix epoch (UTC).
//!
//! The common shapes (ISO 8601, US `M/D/YYYY`, epoch numbers, compact `YYYYMMDDhhmmss`) are read
//! straight from bytes, because a usage log holds millions of them; chrono handles the rest
//! (RFC 2822, month names) and every `--date-format`. Values without an offset are UTC.
//! Impossible values (February 30, 24:00, second 60, years outside 1–9999) are rejected,
//! never rolled over into a neighbouring day.

use crate::input::date_order::{Clash, ColumnOrder, DateOrder, SlashDate};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Timelike};

/// Milliseconds since 1970-01-01T00:00:00Z.
pub type Millis = i64;
pub const MS_PER_DAY: i64 = 86_400_000;
const MS_PER_HOUR: i64 = 3_600_000;
const MS_PER_MINUTE: i64 = 60_000;
const MS_PER_SECOND: i64 = 1_000;

/// Formats tried, in order, when no fast path recognises a value.
const FALLBACK_DATE_TIMES: &[&str] = &[
    "%b %d, %Y %I:%M %p",
    "%B %d, %Y %I:%M %p",
    "%b %d, %Y %H:%M:%S",
    "%d %b %Y %H:%M:%S",
    "%a %b %d %H:%M:%S %Y",
];
const FALLBACK_DATES: &[&str] = &["%b %d, %Y", "%B %d, %Y", "%d %b %Y", "%d %B %Y", "%d-%b-%Y"];

/// Parses time values the same way for a whole run: a forced `order` reads every slash date
/// that way (`03/04/2026` is 3 April day-first), and a `format` (chrono syntax) replaces
/// every built-in rule. Without a forced order, each column keeps its own [`ColumnOrder`].
#[derive(Debug, Clone, Default)]
pub struct TimeParser {
    order: Option<DateOrder>,
    format: Option<String>,
}

/// Where a value goes first, by its look.
enum Branch {
    Digits,
    Compact,
    YearFirst,
    Slash,
    Other,
}

impl Branch {
    #[inline(always)]
    fn of(value: &[u8]) -> Branch {
        if value.iter().all(u8::is_ascii_digit) {
            Branch::Digits
        } else if value.len() > 14
            && value[14] == b'.'
            && value[..14].iter().all(u8::is_ascii_digit)
        {
            Branch::Compact
        } else if value.len() >= 8 && value[..4].iter().all(u8::is_ascii_digit) {
            Branch::YearFirst
        } else if value[0].is_ascii_digit() {
            Branch::Slash
        } else {
            Branch::Other
        }
    }
}

impl TimeParser {
    /// `day_first` forces day-first; otherwise nothing is forced (month-first by default).
    pub fn new(day_first: bool, format: Option<String>) -> Self {
        TimeParser::forced(day_first.then_some(DateOrder::DayFirst), format)
    }

    pub fn forced(order: Option<DateOrder>, format: Option<String>) -> Self {
        TimeParser { order, format }
    }

    /// The order `--day-first` or `--month-first` imposes, if any.
    pub fn forced_order(&self) -> Option<DateOrder> {
        self.order
    }

    pub fn has_format(&self) -> bool {
        self.format.is_some()
    }

    /// The value when it is `2026-03-15T14:05:00Z` exactly, with nothing around it, and no
    /// `--date-format` is set: what [`TimeParser::read`] gives it, without the trim and the
    /// other shapes' tests. `None` says nothing about the value (read it with `read`).
    ///
    /// A log in time order repeats its minute from row to row: when the value's first 16
    /// bytes (`2026-03-15T14:05`) are those of the last value `minute` saw, only its seconds
    /// are read.
    #[inline]
    pub fn read_usual(&self, raw: &[u8], minute: &mut LastMinute) -> Option<Millis> {
        if self.format.is_some() {
            return None;
        }
        let v: &[u8; 20] = raw.try_into().ok()?;
        let word = |at: usize| u64::from_le_bytes(v[at..at + 8].try_into().expect("8 bytes"));
        let (front, middle) = (word(0), word(8));
        let tail = u32::from_le_bytes(v[16..20].try_into().expect("4 bytes"));
        if minute.known && (front, middle) == (minute.front, minute.middle) {
            // `:ssZ`, the seconds' digits in the low nibbles of its middle bytes.
            const BACK: Shape = Shape::of(b":ddZ\0\0\0\0");
            let c = u64::from(tail);
            let seconds = ((c >> 8) & 0x0F) * 10 + ((c >> 16) & 0x0F);
            return (BACK.fits(c) && seconds < 60)
                .then(|| minute.millis + seconds as Millis * MS_PER_SECOND);
        }
        let millis = parse_rfc3339_utc_seconds(raw)?;
        let seconds = i64::from((tail >> 8) & 0x0F) * 10 + i64::from((tail >> 16) & 0x0F);
        *minute = LastMinute {
            known: true,
            front,
            middle,
            millis: millis - seconds * MS_PER_SECOND,
        };
        Some(millis)
    }

    /// Reads one value on its own: slash dates in the forced order, else month-first.
    pub fn parse(&self, raw: &[u8]) -> Option<Millis> {
        let mut column = ColumnOrder::forced(self.order.unwrap_or(DateOrder::MonthFirst));
        self.read(raw, &mut column, || 0).ok().flatten()
    }

    pub fn parse_str(&self, raw: &str) -> Option<Millis> {
        self.parse(raw.as_bytes())
    }

    /// Reads one value of a column whose slash dates follow `column` (see [`ColumnOrder`]);
    /// `line` tells where the value is, asked only when the value decides something.
    #[inline]
    pub fn read(
        &self,
        raw: &[u8],
        column: &mut ColumnOrder,
        line: impl FnOnce() -> u64,
    ) -> Result<Option<Millis>, Clash> {
        let value = raw.trim_ascii();
        if value.is_empty() {
            return Ok(None);
        }
        if let Some(format) = &self.format {
            let text = std::str::from_utf8(value).ok();
            return Ok(text.and_then(|text| parse_with_format(text, format)));
        }
        if let Some(millis) = parse_rfc3339_utc_seconds(value) {
            return Ok(Some(millis));
        }
        if let Some(millis) = parse_iso_date(value) {
            return Ok(Some(millis));
        }
        let fast = match Branch::of(value) {
            Branch::Digits => parse_all_digits(value),
            Branch::Compact => parse_compact(value),
            Branch::YearFirst => parse_year_first(value),
            Branch::Slash => match parse_slashed(value) {
                Some(date) => column.read(&date, value, line)?,
                None => None,
            },
            Branch::Other => None,
        };
        Ok(fast.or_else(|| parse_fallback(std::str::from_utf8(value).ok()?)))
    }

    /// The value as a slash date not yet ordered, when that is how [`TimeParser::read`]
    /// would read it.
    pub fn slash_date(&self, raw: &[u8]) -> Option<SlashDate> {
        let value = raw.trim_ascii();
        if self.format.is_some() || value.is_empty() {
            return None;
        }
        match Branch::of(value) {
            Branch::Slash => parse_slashed(value),
            _ => None,
        }
    }
}

/// Refuses a `--date-format` that cannot read a date: an unknown specifier (`%Q`), or a
/// format that does not give back a known date it wrote (`%H:%M` has no date).
pub fn check_date_format(format: &str) -> Result<(), &'static str> {
    use chrono::format::{Item, StrftimeItems};
    use std::fmt::Write;
    let items: Vec<Item> = StrftimeItems::new(format).collect();
    if items.iter().any(|item| matches!(item, Item::Error)) {
        return Err("not a chrono format (an unknown or unfinished % specifier)");
    }
    let known = DateTime::from_timestamp_millis(1_773_583_509_000).expect("in range");
    let mut written = String::new();
    if write!(written, "{}", known.format_with_items(items.iter())).is_err() {
        return Err("chrono cannot write a date with it");
    }
    match parse_with_format(&written, format) {
        Some(back)
            if back.div_euclid(MS_PER_DAY) == known.timestamp_millis().div_euclid(MS_PER_DAY) =>
        {
            Ok(())
        }
        _ => Err("it cannot read a date (a day, a month and a year) back from what it writes"),
    }
}

/// The family a time value belongs to, to notice a column that mixes them (a log where some
/// rows say `2026-03-04` and others `03/04/2026` is read, but deserves a second look).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeShape {
    YearFirst,
    Slashed,
    EpochSeconds,
    EpochMillis,
    Compact,
    Digits8,
    Words,
}

impl TimeShape {
    /// Classifies a value by its look alone (a few byte tests; no parsing).
    #[inline]
    pub fn of(raw: &[u8]) -> TimeShape {
        // The common case first, with no trimming or counting: four digits, then a byte that
        // is neither a digit nor a space (one that is could end the value once trimmed).
        if let [a, b, c, d, e, ..] = raw {
            let digit = u8::is_ascii_digit;
            if digit(a) && digit(b) && digit(c) && digit(d) && !digit(e) && !e.is_ascii_whitespace()
            {
                return TimeShape::YearFirst;
            }
        }
        TimeShape::counted(raw)
    }

    /// [`TimeShape::of`] the long way: the value trimmed, its leading digits counted.
    fn counted(raw: &[u8]) -> TimeShape {
        let value = raw.trim_ascii();
        let digits = value.iter().take_while(|b| b.is_ascii_digit()).count();
        match (digits, value.get(digits)) {
            (8, None) => TimeShape::Digits8,
            (13, None) => TimeShape::EpochMillis,
            (14, None | Some(b'.')) => TimeShape::Compact,
            (_, None) => TimeShape::EpochSeconds,
            (4, Some(_)) => TimeShape::YearFirst,
            (1 | 2, Some(_)) => TimeShape::Slashed,
            _ => TimeShape::Words,
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            TimeShape::YearFirst => "year-first dates (2026-03-15)",
            TimeShape::Slashed => "slashed dates (03/15/2026)",
            TimeShape::EpochSeconds => "epoch seconds",
            TimeShape::EpochMillis => "epoch milliseconds",
            TimeShape::Compact => "compact timestamps (20260315140500)",
            TimeShape::Digits8 => "8-digit dates (20260315)",
            TimeShape::Words => "dates in words",
        }
    }
}

/// A cursor over the bytes of one value; every reader returns `None` on the first surprise.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Cursor { bytes, pos: 0 }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn at_end(&self) -> bool {
        self.pos == self.bytes.len()
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        if found {
            self.pos += 1;
        }
        found
    }

    fn eat_spaces(&mut self) -> usize {
        let start = self.pos;
        while self.peek() == Some(b' ') {
            self.pos += 1;
        }
        self.pos - start
    }

    /// Reads between `min` and `max` digits as a number.
    fn number(&mut self, min: usize, max: usize) -> Option<i64> {
        let start = self.pos;
        let mut value = 0i64;
        while self.pos - start < max {
            match self.peek() {
                Some(d @ b'0'..=b'9') => {
                    value = value * 10 + i64::from(d - b'0');
                    self.pos += 1;
                }
                _ => break,
            }
        }
        (self.pos - start >= min).then_some(value)
    }

    /// Reads `.123456` (or `,123`) as milliseconds, ignoring digits past the third.
    fn fraction_millis(&mut self) -> Option<i64> {
        if !(self.eat(b'.') || self.eat(b',')) {
            return Some(0);
        }
        let start = self.pos;
        let mut millis = 0;
        while let Some(d @ b'0'..=b'9') = self.peek() {
            if self.pos - start < 3 {
                millis = millis * 10 + i64::from(d - b'0');
            }
            self.pos += 1;
        }
        let digits = self.pos - start;
        if digits == 0 {
            return None;
        }
        for _ in digits..3 {
            millis *= 10;
        }
        Some(millis)
    }

    fn rest_eq_ignore_case(&self, word: &[u8]) -> bool {
        self.bytes[self.pos..].eq_ignore_ascii_case(word)
    }
}

/// The minute of the last `2026-03-15T14:05:00Z` value [`TimeParser::read_usual`] read in
/// full: its first 16 bytes as two little-endian words, and its millis less its seconds
/// (none before the first).
#[derive(Debug, Clone, Copy, Default)]
pub struct LastMinute {
    known: bool,
    front: u64,
    middle: u64,
    millis: Millis,
}

/// The first eight bytes of `2026-03-15`, in either fixed shape below.
const DATE_FRONT: Shape = Shape::of(b"dddd-dd-");

/// `2026-03-15T14:05:00Z` exactly, the shape most exports write: fixed offsets, no cursor.
/// Read as three words: every digit and punctuation mark checked at once, then the digits'
/// values taken from their low nibbles.
#[inline]
fn parse_rfc3339_utc_seconds(value: &[u8]) -> Option<Millis> {
    const MIDDLE: Shape = Shape::of(b"ddTdd:dd");
    const BACK: Shape = Shape::of(b":ddZ\0\0\0\0");
    let v: &[u8; 20] = value.try_into().ok()?;
    let word = |at: usize| u64::from_le_bytes(v[at..at + 8].try_into().expect("8 bytes"));
    let tail = u64::from(u32::from_le_bytes(v[16..20].try_into().expect("4 bytes")));
    let (a, b, c) = (word(0), word(8), tail);
    if !(DATE_FRONT.fits(a) && MIDDLE.fits(b) && BACK.fits(c)) {
        return None;
    }
    let digit = |w: u64, at: u32| ((w >> (8 * at)) & 0x0F) as i64;
    let two = |w: u64, at: u32| digit(w, at) * 10 + digit(w, at + 1);
    // A log in time order repeats its day row after row: the thread's last day is kept.
    let day = (a, b as u16);
    let date = match LAST_DAY.get() {
        (last, millis) if last == day => millis,
        _ => {
            let year = two(a, 0) * 100 + two(a, 2);
            let millis = date_millis(year, two(a, 5) as u32, two(b, 0) as u32)?;
            LAST_DAY.set((day, millis));
            millis
        }
    };
    Some(date + time_of_day(two(b, 3), two(b, 6), two(c, 1), 0)?)
}

/// `2026-03-15` exactly (the dates of inventories and CRM exports), read as one word and two
/// digits; `None` for anything else, an invalid day included, which the general path then reads
/// as it always did.
#[inline]
fn parse_iso_date(value: &[u8]) -> Option<Millis> {
    let v: &[u8; 10] = value.try_into().ok()?;
    let a = u64::from_le_bytes(v[..8].try_into().expect("8 bytes"));
    if !(DATE_FRONT.fits(a) && v[8].is_ascii_digit() && v[9].is_ascii_digit()) {
        return None;
    }
    let digit = |at: u32| ((a >> (8 * at)) & 0x0F) as i64;
    let year = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3);
    let month = digit(5) * 10 + digit(6);
    let day = i64::from(v[8] - b'0') * 10 + i64::from(v[9] - b'0');
    date_millis(year, month as u32, day as u32)
}

thread_local! {
    /// The last valid `YYYY-MM-DD` read in the fixed shape on this thread (its first 8 bytes,
    /// then the next 2), and its millis; zeros match no value of that shape.
    static LAST_DAY: std::cell::Cell<((u64, u16), Millis)> =
        const { std::cell::Cell::new(((0, 0), 0)) };
}

/// Which bytes of a word are digits and which are given punctuation (a pattern such as
/// `dddd-dd-`: `d` a digit, a zero byte anything, other bytes themselves).
struct Shape {
    digits: u64,
    marks: u64,
    mask: u64,
}

impl Shape {
    const fn of(pattern: &[u8; 8]) -> Shape {
        let (mut digits, mut marks, mut mask, mut i) = (0u64, 0u64, 0u64, 0);
        while i < 8 {
            match pattern[i] {
                b'd' => digits |= 0xFF << (8 * i),
                0 => {}
                c => {
                    marks |= (c as u64) << (8 * i);
                    mask |= 0xFF << (8 * i);
                }
            }
            i += 1;
        }
        Shape {
            digits,
            marks,
            mask,
        }
    }

    /// True when `word`'s bytes match: a digit is 0x30..=0x39, its high nibble 3 before and
    /// after adding 6 (a byte whose +6 carries into the next is 0xFA or more and fails
    /// itself, as a digit or as a mark).
    #[inline]
    fn fits(&self, word: u64) -> bool {
        const HIGH: u64 = 0xF0F0_F0F0_F0F0_F0F0;
        let nibbles = (word & HIGH) | ((word.wrapping_add(0x0606_0606_0606_0606) & HIGH) >> 4);
        nibbles & self.digits == 0x3333_3333_3333_3333 & self.digits
            && word & self.mask == self.marks
    }
}

/// `8` digits forming a valid date are `YYYYMMDD`, `13` are epoch milliseconds, `14` the
/// compact `YYYYMMDDhhmmss`; any other length is epoch seconds.
fn parse_all_digits(value: &[u8]) -> Option<Millis> {
    if value.len() == 8 {
        let mut cursor = Cursor::new(value);
        let (year, month, day) = (
            cursor.number(4, 4)?,
            cursor.number(2, 2)?,
            cursor.number(2, 2)?,
        );
        if let Some(millis) = date_millis(year, month as u32, day as u32) {
            return Some(millis);
        }
    }
    match value.len() {
        14 => parse_compact(value),
        len if len > 18 => None,
        len => {
            let number: i64 = std::str::from_utf8(value).ok()?.parse().ok()?;
            let millis = if len == 13 {
                number
            } else {
                number.checked_mul(MS_PER_SECOND)?
            };
            in_range(millis)
        }
    }
}

/// `YYYYMMDDhhmmss[.fff]`, as Salesforce event logs write it.
fn parse_compact(value: &[u8]) -> Option<Millis> {
    let mut cursor = Cursor::new(value);
    let (year, month, day) = (
        cursor.number(4, 4)?,
        cursor.number(2, 2)?,
        cursor.number(2, 2)?,
    );
    let (hour, minute, second) = (
        cursor.number(2, 2)?,
        cursor.number(2, 2)?,
        cursor.number(2, 2)?,
    );
    let millis = cursor.fraction_millis()?;
    if !cursor.at_end() {
        return None;
    }
    let day_start = date_millis(year, month as u32, day as u32)?;
    Some(day_start + time_of_day(hour, minute, second, millis)?)
}

/// `YYYY-MM-DD` or `YYYY/MM/DD`, then optionally `T` or a space, `hh:mm[:ss[.fff]]` and an
/// offset (`Z`, `UTC`, `GMT`, `+hh:mm`, `+hhmm`, `+hh`).
fn parse_year_first(value: &[u8]) -> Option<Millis> {
    let mut cursor = Cursor::new(value);
    let year = cursor.number(4, 4)?;
    let separator = cursor.peek().filter(|b| matches!(b, b'-' | b'/' | b'.'))?;
    cursor.pos += 1;
    let month = cursor.number(1, 2)?;
    if !cursor.eat(separator) {
        return None;
    }
    let day = cursor.number(1, 2)?;
    let date = date_millis(year, month as u32, day as u32)?;
    if cursor.at_end() {
        return Some(date);
    }
    if !(cursor.eat(b'T') || cursor.eat(b't') || cursor.eat_spaces() > 0) {
        return None;
    }
    let clock = clock_time(&mut cursor)?;
    let offset = utc_offset(&mut cursor)?;
    in_range(date + clock - offset)
}

/// `N/N/YYYY` (`.` and `-` separators too), then optionally ` H:MM[:SS[.fff]]` with an
/// optional `AM`/`PM`, and an optional offset: which number is the month is left to the
/// column's [`ColumnOrder`].
#[inline]
fn parse_slashed(value: &[u8]) -> Option<SlashDate> {
    let mut cursor = Cursor::new(value);
    let first = cursor.number(1, 2)?;
    let separator = cursor.peek().filter(|b| matches!(b, b'/' | b'.' | b'-'))?;
    cursor.pos += 1;
    let second = cursor.number(1, 2)?;
    if !cursor.eat(separator) {
        return None;
    }
    let year = cursor.number(4, 4)?;
    let clock = if cursor.at_end() {
        0
    } else {
        if cursor.eat_spaces() == 0 && !cursor.eat(b'T') {
            return None;
        }
        let clock = clock_time(&mut cursor)?;
        clock - utc_offset(&mut cursor)?
    };
    Some(SlashDate {
        first: first as u32,
        second: second as u32,
        year,
        clock,
    })
}

/// `H:MM[:SS[.fff]]` with an optional 12-hour `AM`/`PM` suffix, as milliseconds into the day.
fn clock_time(cursor: &mut Cursor) -> Option<Millis> {
    let mut hour = cursor.number(1, 2)?;
    if !cursor.eat(b':') {
        return None;
    }
    let minute = cursor.number(2, 2)?;
    let (second, millis) = if cursor.eat(b':') {
        (cursor.number(2, 2)?, cursor.fraction_millis()?)
    } else {
        (0, 0)
    };
    let spaces = cursor.pos;
    cursor.eat_spaces();
    let meridiem = match cursor.bytes.get(cursor.pos..cursor.pos + 2) {
        Some(m) if m.eq_ignore_ascii_case(b"am") => Some(false),
        Some(m) if m.eq_ignore_ascii_case(b"pm") => Some(true),
        _ => None,
    };
    match meridiem {
        Some(afternoon) => {
            cursor.pos += 2;
            if !(1..=12).contains(&hour) {
                return None;
            }
            hour = hour % 12 + if afternoon { 12 } else { 0 };
        }
        None => cursor.pos = spaces,
    }
    time_of_day(hour, minute, second, millis)
}

/// Reads what follows the clock: nothing (UTC), `Z`, `UTC`/`GMT`, or a signed offset.
/// Returns the offset to subtract to get UTC.
fn utc_offset(cursor: &mut Cursor) -> Option<Millis> {
    cursor.eat_spaces();
    if cursor.at_end()
        || cursor.rest_eq_ignore_case(b"z")
        || cursor.rest_eq_ignore_case(b"utc")
        || cursor.rest_eq_ignore_case(b"gmt")
    {
        return Some(0);
    }
    let sign = match cursor.peek()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    cursor.pos += 1;
    let hours = cursor.number(2, 2)?;
    cursor.eat(b':');
    let minutes = if cursor.at_end() {
        0
    } else {
        cursor.number(2, 2)?
    };
    if !cursor.at_end() || hours > 23 || minutes > 59 {
        return None;
    }
    Some(sign * (hours * MS_PER_HOUR + minutes * MS_PER_MINUTE))
}

fn time_of_day(hour: i64, minute: i64, second: i64, millis: i64) -> Option<Millis> {
    (hour < 24 && minute < 60 && second < 60)
        .then(|| hour * MS_PER_HOUR + minute * MS_PER_MINUTE + second * MS_PER_SECOND + millis)
}

fn parse_fallback(value: &str) -> Option<Millis> {
    let zoned =
        DateTime::parse_from_rfc3339(value).or_else(|_| DateTime::parse_from_rfc2822(value));
    if let Ok(moment) = zoned {
        // chrono accepts a leap second (`:60`); an export never means one.
        return (moment.nanosecond() < 1_000_000_000)
            .then(|| in_range(moment.timestamp_millis()))
            .flatten();
    }
    let naive = FALLBACK_DATE_TIMES
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(value, format).ok())
        .or_else(|| {
            FALLBACK_DATES
                .iter()
                .find_map(|format| NaiveDate::parse_from_str(value, format).ok())
                .and_then(|date| date.and_hms_opt(0, 0, 0))
        })?;
    in_range(naive.and_utc().timestamp_millis())
}

/// `--date-format`: with an offset specifier the value carries its zone; otherwise it is UTC,
/// and a format without a time of day means midnight.
fn parse_with_format(value: &str, format: &str) -> Option<Millis> {
    let millis = if let Ok(moment) = DateTime::parse_from_str(value, format) {
        moment.timestamp_millis()
    } else if let Ok(naive) = NaiveDateTime::parse_from_str(value, format) {
        naive.and_utc().timestamp_millis()
    } else {
        let date = NaiveDate::parse_from_str(value, format).ok()?;
        date.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis()
    };
    in_range(millis)
}

/// The first instant of year 1 to the last of year 9999: what every formatter can write.
pub(crate) fn in_range(millis: Millis) -> Option<Millis> {
    let first = days_from_civil(1, 1, 1) * MS_PER_DAY;
    let end = days_from_civil(10_000, 1, 1) * MS_PER_DAY;
    (first..end).contains(&millis).then_some(millis)
}

fn is_leap_year(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Midnight UTC of a calendar date, or `None` when the date does not exist or its year is
/// outside 1–9999.
pub fn date_millis(year: i64, month: u32, day: u32) -> Option<Millis> {
    let valid = (1..=9999).contains(&year)
        && (1..=12).contains(&month)
        && (1..=days_in_month(year, month)).contains(&day);
    valid.then(|| days_from_civil(year, month, day) * MS_PER_DAY)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (i64::from(month) + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The calendar date `days` after 1970-01-01, as (year, month, day).
/// The months' names in English, January first.
pub const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u32;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// `2026-03-15`
pub fn format_date(millis: Millis) -> String {
    let mut out = String::with_capacity(24);
    push_date(millis, &mut out);
    out
}

/// `2026-03-15T14:05:00Z`, with `.123` only when the milliseconds are not zero.
pub fn format_instant(millis: Millis) -> String {
    let mut out = String::with_capacity(24);
    push_instant(millis, &mut out);
    out
}

/// Appends [`format_instant`]'s text to `out`.
pub fn push_instant(millis: Millis, out: &mut String) {
    let in_day = millis.rem_euclid(MS_PER_DAY);
    let (hour, minute) = (in_day / MS_PER_HOUR, in_day % MS_PER_HOUR / MS_PER_MINUTE);
    let (second, fraction) = (
        in_day % MS_PER_MINUTE / MS_PER_SECOND,
        in_day % MS_PER_SECOND,
    );
    push_date(millis, out);
    out.push('T');
    push_digits(hour, 2, out);
    out.push(':');
    push_digits(minute, 2, out);
    out.push(':');
    push_digits(second, 2, out);
    if fraction != 0 {
        out.push('.');
        push_digits(fraction, 3, out);
    }
    out.push('Z');
}

/// Appends `millis`' date as `2026-03-15` (a year outside 0..=9999 as `format!` pads it).
pub fn push_date(millis: Millis, out: &mut String) {
    let (year, month, day) = civil_from_days(millis.div_euclid(MS_PER_DAY));
    if (0..=9999).contains(&year) {
        push_digits(year, 4, out);
    } else {
        out.push_str(&format!("{year:04}"));
    }
    out.push('-');
    push_digits(i64::from(month), 2, out);
    out.push('-');
    push_digits(i64::from(day), 2, out);
}

/// Appends `value` (from 0 to 10^width - 1) as exactly `width` digits.
fn push_digits(value: i64, width: u32, out: &mut String) {
    for place in (0..width).rev() {
        out.push(char::from(b'0' + (value / 10_i64.pow(place) % 10) as u8));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fixed-shape parse as it was written before it read words: one digit at a time.
    fn by_digit(value: &[u8]) -> Option<Millis> {
        let v: &[u8; 20] = value.try_into().ok()?;
        let marks = [
            (4, b'-'),
            (7, b'-'),
            (10, b'T'),
            (13, b':'),
            (16, b':'),
            (19, b'Z'),
        ];
        if marks.iter().any(|&(i, c)| v[i] != c) {
            return None;
        }
        let digits = |range: std::ops::Range<usize>| {
            v[range].iter().try_fold(0i64, |n, &d| {
                d.is_ascii_digit().then(|| n * 10 + i64::from(d - b'0'))
            })
        };
        let date = date_millis(digits(0..4)?, digits(5..7)? as u32, digits(8..10)? as u32)?;
        Some(date + time_of_day(digits(11..13)?, digits(14..16)?, digits(17..19)?, 0)?)
    }

    #[test]
    fn the_fixed_shape_reads_as_digit_by_digit_for_every_byte_anywhere() {
        for base in [
            b"2026-03-15T14:05:09Z",
            b"1999-12-31T23:59:59Z",
            b"2024-02-29T00:00:00Z",
            b"0001-01-01T00:00:00Z",
        ] {
            assert!(parse_rfc3339_utc_seconds(base).is_some());
            assert_eq!(parse_rfc3339_utc_seconds(base), by_digit(base));
            for at in 0..20 {
                for b in 0..=255u8 {
                    let mut v = *base;
                    v[at] = b;
                    assert_eq!(
                        parse_rfc3339_utc_seconds(&v),
                        by_digit(&v),
                        "{:?}",
                        String::from_utf8_lossy(&v)
                    );
                }
            }
        }
        for bad in [
            &b"2023-02-29T00:00:00Z"[..],
            b"2026-13-01T00:00:00Z",
            b"2026-01-01T24:00:00Z",
            b"2026-01-01T00:60:00Z",
            b"2026-01-01T00:00:60Z",
            b"2026-01-01T00:00:00",
            b"2026-01-01T00:00:00Zx",
        ] {
            assert_eq!(
                parse_rfc3339_utc_seconds(bad),
                None,
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    fn utc(value: &str) -> Option<String> {
        TimeParser::default().parse_str(value).map(format_instant)
    }

    fn at(year: i64, month: u32, day: u32, hour: i64, minute: i64, second: i64) -> Millis {
        date_millis(year, month, day).unwrap()
            + hour * MS_PER_HOUR
            + minute * MS_PER_MINUTE
            + second * MS_PER_SECOND
    }

    #[test]
    fn iso_shapes() {
        let cases = [
            ("2026-03-15", "2026-03-15T00:00:00Z"),
            ("2026-03-15T14:05:00Z", "2026-03-15T14:05:00Z"),
            ("2026-03-15t14:05:00z", "2026-03-15T14:05:00Z"),
            ("2026-03-15T14:05:00+02:00", "2026-03-15T12:05:00Z"),
            ("2026-03-15T14:05:00-0530", "2026-03-15T19:35:00Z"),
            ("2026-03-15T14:05:00+02", "2026-03-15T12:05:00Z"),
            ("2026-03-15 14:05:00", "2026-03-15T14:05:00Z"),
            ("2026-03-15 14:05", "2026-03-15T14:05:00Z"),
            ("2026-03-15 14:05:00.1234567", "2026-03-15T14:05:00.123Z"),
            ("2026-03-15T14:05:00.5Z", "2026-03-15T14:05:00.500Z"),
            ("2026-03-15 14:05:00 UTC", "2026-03-15T14:05:00Z"),
            ("2026-03-15 14:05:00 +0100", "2026-03-15T13:05:00Z"),
            ("2026/03/15", "2026-03-15T00:00:00Z"),
            ("2026/3/5 9:05", "2026-03-05T09:05:00Z"),
            ("  2026-03-15  ", "2026-03-15T00:00:00Z"),
            ("2026-01-01T01:00:00+14:00", "2025-12-31T11:00:00Z"),
        ];
        for (input, expected) in cases {
            assert_eq!(utc(input).as_deref(), Some(expected), "{input}");
        }
    }

    #[test]
    fn us_and_day_first_shapes() {
        let cases = [
            ("03/15/2026", "2026-03-15T00:00:00Z"),
            ("3/15/2026 2:05 PM", "2026-03-15T14:05:00Z"),
            ("3/15/2026 2:05pm", "2026-03-15T14:05:00Z"),
            ("3/15/2026 12:30 AM", "2026-03-15T00:30:00Z"),
            ("3/15/2026 12:30 PM", "2026-03-15T12:30:00Z"),
            ("03/15/2026 14:05", "2026-03-15T14:05:00Z"),
            ("03/15/2026 14:05:09", "2026-03-15T14:05:09Z"),
            ("03-15-2026", "2026-03-15T00:00:00Z"),
        ];
        for (input, expected) in cases {
            assert_eq!(utc(input).as_deref(), Some(expected), "{input}");
        }
        let day_first = TimeParser::new(true, None);
        assert_eq!(day_first.parse_str("15/03/2026"), date_millis(2026, 3, 15));
        assert_eq!(
            day_first.parse_str("15.03.2026 14:05"),
            Some(at(2026, 3, 15, 14, 5, 0))
        );
        assert_eq!(day_first.parse_str("03/15/2026"), None);
        assert_eq!(utc("15/03/2026"), None);
    }

    #[test]
    fn all_digit_values() {
        let cases = [
            ("20260315", "2026-03-15T00:00:00Z"),
            ("1773583500", "2026-03-15T14:05:00Z"),
            ("1773583500123", "2026-03-15T14:05:00.123Z"),
            ("20130715233322", "2013-07-15T23:33:22Z"),
            ("20130715233322.670", "2013-07-15T23:33:22.670Z"),
            ("964982703", "2000-07-30T18:45:03Z"),
            ("0", "1970-01-01T00:00:00Z"),
            // 8 digits that are not a date are epoch seconds.
            ("99999999", "1973-03-03T09:46:39Z"),
        ];
        for (input, expected) in cases {
            assert_eq!(utc(input).as_deref(), Some(expected), "{input}");
        }
    }

    #[test]
    fn impossible_values_are_rejected() {
        for input in [
            "2026-02-30",
            "2025-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-03-15T24:00:00Z",
            "2026-03-15T23:60:00Z",
            "2026-03-15T23:59:60Z",
            "2026-03-15T10:00:00+24:00",
            "2026-03-15T10:00:00 Paris",
            "2026-03-15X",
            "13/32/2026",
            "3/15/2026 13:00 PM",
            "3/15/2026 0:00 AM",
            "20130715233360",
            "999999999999999",
            "99999999999999999999999",
            "not a date",
            "",
            "   ",
            "-",
            "2026-03-15T",
        ] {
            assert_eq!(utc(input), None, "{input:?}");
        }
    }

    #[test]
    fn shapes() {
        assert_eq!(TimeShape::of(b"2026-03-15"), TimeShape::YearFirst);
        assert_eq!(
            TimeShape::of(b" 2026-03-15T10:00:00Z"),
            TimeShape::YearFirst
        );
        assert_eq!(TimeShape::of(b"3/15/2026 2:05 PM"), TimeShape::Slashed);
        assert_eq!(TimeShape::of(b"1773583500"), TimeShape::EpochSeconds);
        assert_eq!(TimeShape::of(b"1773583500123"), TimeShape::EpochMillis);
        assert_eq!(TimeShape::of(b"20130715233322.670"), TimeShape::Compact);
        assert_eq!(TimeShape::of(b"20260315"), TimeShape::Digits8);
        assert_eq!(TimeShape::of(b"Mar 15, 2026"), TimeShape::Words);
        // Four digits and a space are a year once trimmed, not a year-first date.
        assert_eq!(TimeShape::of(b"2026 "), TimeShape::EpochSeconds);
        assert_eq!(TimeShape::of(b"2026 x"), TimeShape::YearFirst);
    }

    proptest::proptest! {
        /// The quick test for the common shape agrees with trimming and counting digits.
        #[test]
        fn shapes_as_counted(raw in "[0-9 ./:TZa-]{0,16}") {
            let raw = raw.as_bytes();
            proptest::prop_assert_eq!(TimeShape::of(raw), TimeShape::counted(raw));
        }
    }

    #[test]
    fn leap_days() {
        assert_eq!(utc("2024-02-29").as_deref(), Some("2024-02-29T00:00:00Z"));
        assert_eq!(utc("2000-02-29").as_deref(), Some("2000-02-29T00:00:00Z"));
        assert_eq!(utc("1900-02-29"), None);
        assert_eq!(utc("02/29/2024").as_deref(), Some("2024-02-29T00:00:00Z"));
    }

    #[test]
    fn chrono_fallbacks() {
        assert_eq!(
            utc("Sun, 15 Mar 2026 14:05:00 +0000").as_deref(),
            Some("2026-03-15T14:05:00Z")
        );
        assert_eq!(utc("Mar 15, 2026").as_deref(), Some("2026-03-15T00:00:00Z"));
        assert_eq!(
            utc("15 March 2026").as_deref(),
            Some("2026-03-15T00:00:00Z")
        );
        assert_eq!(
            utc("Mar 15, 2026 2:05 PM").as_deref(),
            Some("2026-03-15T14:05:00Z")
        );
    }

    #[test]
    fn explicit_format_replaces_the_rules() {
        let parser = TimeParser::new(false, Some("%d.%m.%Y %H:%M".into()));
        assert_eq!(
            parser.parse_str("15.03.2026 14:05"),
            Some(at(2026, 3, 15, 14, 5, 0))
        );
        assert_eq!(parser.parse_str("2026-03-15"), None);
        let date_only = TimeParser::new(false, Some("%Y%j".into()));
        assert_eq!(date_only.parse_str("2026074"), date_millis(2026, 3, 15));
        let zoned = TimeParser::new(false, Some("%Y-%m-%d %H:%M %z".into()));
        assert_eq!(
            zoned.parse_str("2026-03-15 14:05 +0200"),
            Some(at(2026, 3, 15, 12, 5, 0))
        );
    }

    #[test]
    fn date_formats_that_cannot_read_a_date_are_refused() {
        for good in [
            "%d.%m.%Y %H:%M",
            "%Y%j",
            "%Y-%m-%d %H:%M %z",
            "%d/%m/%Y",
            "%s",
        ] {
            assert_eq!(check_date_format(good), Ok(()), "{good}");
        }
        for bad in ["%Q", "%d.%m.%Y %", "%H:%M", "%Y", "no specifier"] {
            assert!(check_date_format(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn non_utf8_and_garbage_never_panic() {
        let parser = TimeParser::default();
        for bytes in [
            &b"\xff\xfe2026"[..],
            b"2026-\xff-01",
            b"\x00\x00\x00\x00\x00\x00\x00\x00\x00",
        ] {
            assert_eq!(parser.parse(bytes), None);
        }
    }

    #[test]
    fn civil_conversions_round_trip() {
        for days in [-719_162, -1, 0, 59, 365, 19_000, 2_932_896] {
            let (year, month, day) = civil_from_days(days);
            assert_eq!(days_from_civil(year, month, day), days);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(date_millis(1970, 1, 2), Some(MS_PER_DAY));
        assert_eq!(date_millis(10_000, 1, 1), None);
    }

    #[test]
    fn formatting() {
        assert_eq!(format_instant(0), "1970-01-01T00:00:00Z");
        for year in ["0000", "0001", "1900", "2000", "2023", "2024", "9999"] {
            for month in ["00", "01", "02", "09", "12", "13", "1a"] {
                for day in ["00", "01", "28", "29", "30", "31", "32", "x1"] {
                    let value = format!("{year}-{month}-{day}");
                    let fast = parse_iso_date(value.as_bytes());
                    assert_eq!(fast, parse_year_first(value.as_bytes()), "{value}");
                }
            }
        }
        assert_eq!(parse_iso_date(b"2024-02-29"), date_millis(2024, 2, 29));
        for other in [
            "2024-2-29",
            "2024/02/29",
            " 2024-02-29",
            "2024-02-29T00:00:00Z",
        ] {
            assert_eq!(parse_iso_date(other.as_bytes()), None, "{other}");
        }
        for t in [
            i64::MIN / 2,
            -62_167_219_200_001,
            -62_167_219_200_000,
            -1,
            0,
            1,
            at(2026, 3, 15, 23, 59, 59) + 7,
            253_402_300_799_999,
            253_402_300_800_000,
            i64::MAX / 2,
        ] {
            let (year, month, day) = civil_from_days(t.div_euclid(MS_PER_DAY));
            let date = format!("{year:04}-{month:02}-{day:02}");
            assert_eq!(format_date(t), date);
            let in_day = t.rem_euclid(MS_PER_DAY);
            let (h, m, s, f) = (
                in_day / MS_PER_HOUR,
                in_day % MS_PER_HOUR / MS_PER_MINUTE,
                in_day % MS_PER_MINUTE / MS_PER_SECOND,
                in_day % MS_PER_SECOND,
            );
            let instant = match f {
                0 => format!("{date}T{h:02}:{m:02}:{s:02}Z"),
                f => format!("{date}T{h:02}:{m:02}:{s:02}.{f:03}Z"),
            };
            assert_eq!(format_instant(t), instant, "{t}");
        }
        assert_eq!(format_instant(-1), "1969-12-31T23:59:59.999Z");
        assert_eq!(format_date(at(2026, 3, 15, 23, 59, 59)), "2026-03-15");
    }

    /// Values near one another in time, as a log holds them, some with one byte changed to
    /// anything (a NUL, a space, a high byte, a digit out of range).
    fn near_values() -> impl proptest::strategy::Strategy<Value = Vec<Vec<u8>>> {
        use proptest::prelude::*;
        let base = at(2026, 3, 15, 23, 58, 0);
        let value = (
            0i64..200,
            prop::option::weighted(0.3, (0usize..20, any::<u8>())),
        )
            .prop_map(move |(step, change)| {
                let mut value = format_instant(base + step * 7_000).into_bytes();
                if let Some((at, byte)) = change {
                    value[at] = byte;
                }
                value
            });
        prop::collection::vec(value, 1..60)
    }

    proptest::proptest! {
        /// The short path's read, its minute kept from value to value, gives what the whole
        /// read gives each value of the fixed shape, and gives nothing for any other (then
        /// read the whole way); `--date-format` turns it off.
        #[test]
        fn the_usual_read_is_the_whole_read_of_the_fixed_shape(values in near_values()) {
            let parser = TimeParser::new(false, None);
            let mut minute = LastMinute::default();
            for value in &values {
                let usual = parser.read_usual(value, &mut minute);
                proptest::prop_assert_eq!(usual, parse_rfc3339_utc_seconds(value));
                if let Some(t) = usual {
                    proptest::prop_assert_eq!(Some(t), parser.parse(value));
                }
            }
            let formatted = TimeParser::new(false, Some("%Y-%m-%dT%H:%M:%SZ".into()));
            proptest::prop_assert_eq!(formatted.read_usual(&values[0], &mut minute), None);
        }
    }

    #[test]
    fn the_minute_kept_matches_no_value_before_the_first() {
        let parser = TimeParser::new(false, None);
        let mut minute = LastMinute::default();
        let mut nuls = vec![0u8; 16];
        nuls.extend_from_slice(b":05Z");
        assert_eq!(parser.read_usual(&nuls, &mut minute), None);
        assert_eq!(
            parser.read_usual(b"2026-03-15T14:05:09Z", &mut minute),
            Some(at(2026, 3, 15, 14, 5, 9))
        );
        assert_eq!(
            parser.read_usual(b"2026-03-15T14:05:59Z", &mut minute),
            Some(at(2026, 3, 15, 14, 5, 59))
        );
        assert_eq!(
            parser.read_usual(b"2026-03-15T14:05:60Z", &mut minute),
            None
        );
        assert_eq!(
            parser.read_usual(b"2026-03-15T14:05:5xZ", &mut minute),
            None
        );
    }
}
