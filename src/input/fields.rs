//! One record's fields, borrowed from whichever reader read them: the csv crate's
//! `ByteRecord` on the general path, or the quote-free reader's buffer, with no copy.

use crate::input::lines::LineIndex;
use crate::input::source::record_line;
use std::ops::Index;

/// A record: the bytes it lies in, where each field lies in them, and the line it starts on.
///
/// Field `i` is `bytes[cuts[i] + gap..cuts[i + 1]]` (the addition wrapping): the quote-free
/// reader's cuts are the delimiters around each field in its buffer, the first one before the
/// record's first byte, so `gap` is 1; a csv record's are the ends of its fields, which its
/// bytes hold one after the other, and `gap` is 0.
#[derive(Debug, Clone, Copy)]
pub struct Fields<'a> {
    bytes: &'a [u8],
    cuts: &'a [usize],
    gap: usize,
    /// The reader found every byte around the record to be ASCII, so the record is.
    known_ascii: bool,
    line: Line<'a>,
}

/// A record's line, known or to be looked up (only a row with a problem needs it).
#[derive(Debug, Clone, Copy)]
enum Line<'a> {
    Known(u64),
    Of(&'a csv::ByteRecord, &'a LineIndex),
}

impl<'a> Fields<'a> {
    /// The fields of a quote-free record in `buffer`: field `i` lies between the delimiters
    /// (or terminators) at `cuts[i]` and `cuts[i + 1]`; `cuts[0]` is the byte before the
    /// record's first (`usize::MAX` for a record at the start of the buffer).
    pub fn between(buffer: &'a [u8], cuts: &'a [usize], line: u64) -> Self {
        debug_assert!(cuts.len() >= 2);
        Fields {
            bytes: buffer,
            cuts,
            gap: 1,
            known_ascii: false,
            line: Line::Known(line),
        }
    }

    /// The fields of a csv record read through `lines`; `cuts` is scratch space reused from
    /// row to row.
    pub fn of_record(
        record: &'a csv::ByteRecord,
        cuts: &'a mut Vec<usize>,
        lines: &'a LineIndex,
    ) -> Self {
        cuts.clear();
        cuts.push(0);
        let mut end = 0;
        for field in record {
            end += field.len();
            cuts.push(end);
        }
        Fields {
            bytes: record.as_slice(),
            cuts,
            gap: 0,
            known_ascii: false,
            line: Line::Of(record, lines),
        }
    }

    pub fn len(&self) -> usize {
        self.cuts.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The same fields, from a reader that checked its whole buffer and found it ASCII: the
    /// record's own bytes need no look.
    pub fn known_ascii(self) -> Self {
        Fields {
            known_ascii: true,
            ..self
        }
    }

    /// The record's bytes, delimiters included.
    fn record(&self) -> &'a [u8] {
        let first = self.cuts[0].wrapping_add(self.gap);
        &self.bytes[first..self.cuts[self.cuts.len() - 1]]
    }

    /// True when every byte of the record is ASCII (delimiters included, which are ASCII).
    #[inline]
    pub fn is_ascii(&self) -> bool {
        self.known_ascii || self.record().is_ascii()
    }

    /// The first field that is not UTF-8, if any.
    pub fn invalid_utf8_column(&self) -> Option<usize> {
        if self.is_ascii() {
            return None;
        }
        self.iter()
            .position(|field| std::str::from_utf8(field).is_err())
    }

    pub fn iter(&self) -> impl Iterator<Item = &'a [u8]> + '_ {
        self.cuts
            .windows(2)
            .map(|cut| &self.bytes[cut[0].wrapping_add(self.gap)..cut[1]])
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
        matches!(self.line, Line::Of(..)) && memchr::memchr2(b'\n', b'\r', self.record()).is_some()
    }

    /// The line the record ends on, when its fields hold line breaks (a quoted field running
    /// over several lines, or a stray quote that joined them).
    pub fn last_line(&self) -> Option<u64> {
        crate::input::lines::last_line(self.record(), || self.line())
    }
}

impl Index<usize> for Fields<'_> {
    type Output = [u8];

    #[inline]
    fn index(&self, field: usize) -> &[u8] {
        let end = self.cuts[field + 1];
        &self.bytes[self.cuts[field].wrapping_add(self.gap)..end]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csv_record_reads_the_same_through_fields() {
        let mut record = csv::ByteRecord::from(vec!["a1", "", "x,y", "é"]);
        record.set_position(Some(csv::Position::new().set_line(7).set_byte(40).clone()));
        let mut cuts = Vec::new();
        // Read through no index: the csv crate's line stands.
        let no_index = LineIndex::default();
        let fields = Fields::of_record(&record, &mut cuts, &no_index);
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
