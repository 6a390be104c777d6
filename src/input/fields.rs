//! One record's fields, borrowed from whichever reader read them: the csv crate's
//! `ByteRecord` on the general path, or the quote-free reader's buffer, with no copy.

use crate::input::lines::LineIndex;
use crate::input::source::record_line;
use std::ops::Index;

/// A record: its bytes, where each field lies in them, and the line it starts on.
#[derive(Debug, Clone, Copy)]
pub struct Fields<'a> {
    bytes: &'a [u8],
    /// The reader found every byte around the record to be ASCII, so the record is.
    known_ascii: bool,
    bounds: &'a [(usize, usize)],
    line: Line<'a>,
}

/// A record's line, known or to be looked up (only a row with a problem needs it).
#[derive(Debug, Clone, Copy)]
enum Line<'a> {
    Known(u64),
    Of(&'a csv::ByteRecord, &'a LineIndex),
}

impl<'a> Fields<'a> {
    pub fn new(bytes: &'a [u8], bounds: &'a [(usize, usize)], line: u64) -> Self {
        Fields {
            bytes,
            known_ascii: false,
            bounds,
            line: Line::Known(line),
        }
    }

    /// The fields of a csv record read through `lines`; `bounds` is scratch space reused from
    /// row to row.
    pub fn of_record(
        record: &'a csv::ByteRecord,
        bounds: &'a mut Vec<(usize, usize)>,
        lines: &'a LineIndex,
    ) -> Self {
        bounds.clear();
        let mut start = 0;
        for field in record {
            bounds.push((start, start + field.len()));
            start += field.len();
        }
        Fields {
            bytes: record.as_slice(),
            known_ascii: false,
            bounds,
            line: Line::Of(record, lines),
        }
    }

    pub fn len(&self) -> usize {
        self.bounds.len()
    }

    pub fn is_empty(&self) -> bool {
        self.bounds.is_empty()
    }

    /// The same fields, from a reader that checked its whole buffer and found it ASCII: the
    /// record's own bytes need no look.
    pub fn known_ascii(self) -> Self {
        Fields {
            known_ascii: true,
            ..self
        }
    }

    /// True when every byte of the record is ASCII (delimiters included, which are ASCII).
    pub fn is_ascii(&self) -> bool {
        self.known_ascii || self.bytes.is_ascii()
    }

    pub fn iter(&self) -> impl Iterator<Item = &'a [u8]> + '_ {
        self.bounds
            .iter()
            .map(|&(start, end)| &self.bytes[start..end])
    }

    /// The physical line the record starts on, counted from its reader's first byte.
    pub fn line(&self) -> u64 {
        match self.line {
            Line::Known(line) => line,
            Line::Of(record, lines) => record_line(record, lines),
        }
    }

    /// True when the record's fields hold a line break (only a csv record can: the quote-free
    /// reader ends a record at every one).
    #[inline]
    pub fn spans_lines(&self) -> bool {
        matches!(self.line, Line::Of(..)) && memchr::memchr2(b'\n', b'\r', self.bytes).is_some()
    }

    /// The line the record ends on, when its fields hold line breaks (a quoted field running
    /// over several lines, or a stray quote that joined them).
    pub fn last_line(&self) -> Option<u64> {
        crate::input::lines::last_line(self.bytes, || self.line())
    }
}

impl Index<usize> for Fields<'_> {
    type Output = [u8];

    #[inline]
    fn index(&self, field: usize) -> &[u8] {
        let (start, end) = self.bounds[field];
        &self.bytes[start..end]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csv_record_reads_the_same_through_fields() {
        let mut record = csv::ByteRecord::from(vec!["a1", "", "x,y", "é"]);
        record.set_position(Some(csv::Position::new().set_line(7).set_byte(40).clone()));
        let mut bounds = Vec::new();
        // Read through no index: the csv crate's line stands.
        let no_index = LineIndex::default();
        let fields = Fields::of_record(&record, &mut bounds, &no_index);
        assert_eq!(fields.len(), 4);
        assert_eq!(&fields[0], b"a1");
        assert_eq!(&fields[1], b"");
        assert_eq!(&fields[2], b"x,y");
        assert_eq!(
            fields.iter().collect::<Vec<_>>(),
            record.iter().collect::<Vec<_>>()
        );
        assert!(!fields.is_ascii());
        assert_eq!(fields.line(), 7);
    }
}
