//! One spreadsheet cell as the text the CSV readers expect of it.

use calamine::{Data, DataRef};

/// A cell as the CSV readers will see it.
#[derive(Debug, Clone, PartialEq)]
pub enum CellText {
    Empty,
    Text(String),
    /// An error cell: its code as Excel shows it (`#N/A`).
    Error(String),
}

impl CellText {
    pub fn of_ref(value: &DataRef<'_>) -> CellText {
        match value {
            DataRef::SharedString(s) => text(s),
            DataRef::String(s) => text(s),
            DataRef::Int(i) => CellText::Text(i.to_string()),
            DataRef::Float(f) => CellText::Text(number(*f)),
            DataRef::Bool(b) => CellText::Text(if *b { "TRUE" } else { "FALSE" }.into()),
            DataRef::DateTime(d) => CellText::Text(excel_date(d)),
            DataRef::DateTimeIso(s) => CellText::Text(iso_in_utc(s)),
            DataRef::DurationIso(s) => text(s),
            DataRef::Error(e) => CellText::Error(e.to_string()),
            DataRef::Empty => CellText::Empty,
        }
    }

    pub fn of(value: &Data) -> CellText {
        match value {
            Data::String(s) => text(s),
            Data::Int(i) => CellText::Text(i.to_string()),
            Data::Float(f) => CellText::Text(number(*f)),
            Data::Bool(b) => CellText::Text(if *b { "TRUE" } else { "FALSE" }.into()),
            Data::DateTime(d) => CellText::Text(excel_date(d)),
            Data::DateTimeIso(s) => CellText::Text(iso_in_utc(s)),
            Data::DurationIso(s) => text(s),
            Data::Error(e) => CellText::Error(e.to_string()),
            Data::Empty => CellText::Empty,
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            CellText::Empty => "",
            CellText::Text(s) | CellText::Error(s) => s,
        }
    }
}

/// A text cell: a line break typed in a cell (Alt+Enter) is read as a space, so that a sheet
/// row stays one line and every message names the sheet's own row.
pub fn text(s: &str) -> CellText {
    if s.is_empty() {
        return CellText::Empty;
    }
    if !s.contains(['\n', '\r']) {
        return CellText::Text(s.to_string());
    }
    let joined = s.replace("\r\n", " ").replace(['\n', '\r'], " ");
    CellText::Text(joined)
}

/// A number cell: a whole number (every one, not only in id columns) without `.0`, so an id
/// typed as 12345 is `12345`; others in Rust's shortest form that reads back the same.
pub fn number(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// A date cell (Excel's 1900 or 1904 system, as the workbook says): a whole serial number is a
/// date, `2025-03-01`; one with a time of day an instant in UTC, `2025-03-01T09:30:00Z`
/// (milliseconds when there are). A duration cell is its number of days.
pub fn excel_date(d: &calamine::ExcelDateTime) -> String {
    if d.is_duration() {
        return number(d.as_f64());
    }
    let (y, mo, day, h, mi, s, ms) = d.to_ymd_hms_milli();
    if d.as_f64().fract() == 0.0 {
        return format!("{y:04}-{mo:02}-{day:02}");
    }
    let millis = if ms > 0 {
        format!(".{ms:03}")
    } else {
        String::new()
    };
    format!("{y:04}-{mo:02}-{day:02}T{h:02}:{mi:02}:{s:02}{millis}Z")
}

/// An ISO date or date-time an .ods file gives: a date-time without a zone is read in UTC.
pub fn iso_in_utc(s: &str) -> String {
    let zoned = s.ends_with('Z') || s.rfind(['+', '-']).is_some_and(|i| i > 10);
    if s.contains('T') && !zoned {
        format!("{s}Z")
    } else {
        s.to_string()
    }
}

/// The column's letters: 0 is `A`, 26 is `AA`.
pub fn column_letters(mut col: u32) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).expect("ASCII letters")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_lose_their_point_zero() {
        assert_eq!(number(12345.0), "12345");
        assert_eq!(number(-3.0), "-3");
        assert_eq!(number(0.0), "0");
        assert_eq!(number(12.5), "12.5");
        assert_eq!(number(0.1), "0.1");
        assert_eq!(number(1e20), "100000000000000000000");
    }

    #[test]
    fn dates_in_both_systems_and_instants_in_utc() {
        use calamine::{ExcelDateTime, ExcelDateTimeType::DateTime};
        // 2025-03-01 is serial 45717 in the 1900 system, 44255 in the 1904 one.
        assert_eq!(
            excel_date(&ExcelDateTime::new(45717.0, DateTime, false)),
            "2025-03-01"
        );
        assert_eq!(
            excel_date(&ExcelDateTime::new(44255.0, DateTime, true)),
            "2025-03-01"
        );
        let morning = ExcelDateTime::new(45717.0 + 9.5 / 24.0, DateTime, false);
        assert_eq!(excel_date(&morning), "2025-03-01T09:30:00Z");
    }

    #[test]
    fn columns_are_lettered_as_excel_does() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(16_383), "XFD");
    }

    #[test]
    fn ods_date_times_are_read_in_utc() {
        assert_eq!(iso_in_utc("2025-03-01"), "2025-03-01");
        assert_eq!(iso_in_utc("2025-03-01T09:30:00"), "2025-03-01T09:30:00Z");
        assert_eq!(
            iso_in_utc("2025-03-01T09:30:00+02:00"),
            "2025-03-01T09:30:00+02:00"
        );
    }

    #[test]
    fn line_breaks_in_a_cell_become_spaces() {
        assert_eq!(text("a\r\nb\nc"), CellText::Text("a b c".into()));
    }
}
