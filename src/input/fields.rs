//! One record's fields, borrowed from whichever reader read them: the csv crate's
//! `ByteRecord` on the general path, or the quote-free reader's buffer, with no copy.

use std::ops::Index;

/// A record: its bytes, where each field lies in them, and the csv crate's position for it.
#[derive(Debug, Clone, Copy)]
pub struct Fields<'a> {
    bytes: &'a [u8],
    bounds: &'a [(usize, usize)],
    /// The csv crate's line and byte for the record (see [`Fields::physical_line`]).
    line: u64,
    byte: u64,
}

impl<'a> Fields<'a> {
    pub fn new(bytes: &'a [u8], bounds: &'a [(usize, usize)], line: u64, byte: u64) -> Self {
        Fields {
            bytes,
            bounds,
            line,
            byte,
        }
    }

    /// The fields of a csv record; `bounds` is scratch space reused from row to row.
    pub fn of_record(record: &'a csv::ByteRecord, bounds: &'a mut Vec<(usize, usize)>) -> Self {
        bounds.clear();
        let mut start = 0;
        for field in record {
            bounds.push((start, start + field.len()));
            start += field.len();
        }
        let (line, byte) = record.position().map_or((0, 0), |p| (p.line(), p.byte()));
        Fields::new(record.as_slice(), bounds, line, byte)
    }

    pub fn len(&self) -> usize {
        self.bounds.len()
    }

    pub fn is_empty(&self) -> bool {
        self.bounds.is_empty()
    }

    /// True when every byte of the record is ASCII (delimiters included, which are ASCII).
    pub fn is_ascii(&self) -> bool {
        self.bytes.is_ascii()
    }

    pub fn iter(&self) -> impl Iterator<Item = &'a [u8]> + '_ {
        self.bounds
            .iter()
            .map(|&(start, end)| &self.bytes[start..end])
    }

    /// The physical line the record starts on, the header being line 1.
    ///
    /// In a CRLF file the csv reader starts every record but a reader's first at the `\n`
    /// that ends the line before, one line short; a reader's first record starts at byte 0.
    pub fn physical_line(&self, crlf: bool) -> u64 {
        self.line + u64::from(crlf && self.byte != 0)
    }

    /// The csv crate's (line, byte) position of the record.
    pub fn position(&self) -> (u64, u64) {
        (self.line, self.byte)
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
        let fields = Fields::of_record(&record, &mut bounds);
        assert_eq!(fields.len(), 4);
        assert_eq!(&fields[0], b"a1");
        assert_eq!(&fields[1], b"");
        assert_eq!(&fields[2], b"x,y");
        assert_eq!(
            fields.iter().collect::<Vec<_>>(),
            record.iter().collect::<Vec<_>>()
        );
        assert!(!fields.is_ascii());
        assert_eq!(fields.physical_line(false), 7);
        assert_eq!(fields.physical_line(true), 8);
    }
}
