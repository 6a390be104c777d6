//! Splitting a large plain CSV file into byte ranges that start and end on record boundaries,
//! so that several threads can parse it at once.
//!
//! A newline is a record boundary unless it sits inside a quoted field. That cannot be known
//! without reading from the start, so a split is only trusted when the file turns out to hold
//! no quote character at all: every range reader watches for one, and the caller re-reads the
//! file on one thread if any was seen.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::sync::atomic::{AtomicBool, Ordering};

/// How far past a cut point a newline is looked for before giving up on splitting.
const NEWLINE_SEARCH: u64 = 1 << 20;

/// Byte ranges `[start, end)` covering `data_start..file_len`, each ending after a newline.
pub fn split_at_newlines(
    file: &mut File,
    data_start: u64,
    file_len: u64,
    parts: usize,
) -> io::Result<Vec<(u64, u64)>> {
    let span = file_len.saturating_sub(data_start);
    let mut cuts = vec![data_start];
    for i in 1..parts as u64 {
        let target = data_start + span * i / parts as u64;
        let Some(cut) = next_line_start(file, target, file_len)? else {
            break;
        };
        if cut > *cuts.last().unwrap() && cut < file_len {
            cuts.push(cut);
        }
    }
    cuts.push(file_len);
    Ok(cuts.windows(2).map(|w| (w[0], w[1])).collect())
}

/// The offset just after the first newline at or after `from`, if one is near.
fn next_line_start(file: &mut File, from: u64, file_len: u64) -> io::Result<Option<u64>> {
    file.seek(SeekFrom::Start(from))?;
    let mut buf = vec![0u8; 64 * 1024];
    let mut offset = from;
    while offset < file_len && offset - from < NEWLINE_SEARCH {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        if let Some(i) = memchr::memchr(b'\n', &buf[..n]) {
            return Ok(Some(offset + i as u64 + 1));
        }
        offset += n as u64;
    }
    Ok(None)
}

/// Reads one range of a file, counting its newlines and noting any quote character.
pub struct RangeReader<'a> {
    inner: io::Take<File>,
    pub newlines: u64,
    quote_seen: &'a AtomicBool,
}

impl<'a> RangeReader<'a> {
    pub fn open(
        path: &str,
        start: u64,
        end: u64,
        quote_seen: &'a AtomicBool,
    ) -> io::Result<RangeReader<'a>> {
        let mut file = File::open(path)?;
        file.seek(SeekFrom::Start(start))?;
        Ok(RangeReader {
            inner: file.take(end - start),
            newlines: 0,
            quote_seen,
        })
    }
}

impl Read for RangeReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        crate::progress::add_bytes(n as u64);
        let chunk = &buf[..n];
        self.newlines += memchr::memchr_iter(b'\n', chunk).count() as u64;
        if memchr::memchr(b'"', chunk).is_some() {
            self.quote_seen.store(true, Ordering::Relaxed);
        }
        Ok(n)
    }
}

/// Records of a range known to hold no quote character, read without a CSV state machine:
/// a record ends at every `\r` or `\n` (empty ones skipped) and its fields lie between
/// delimiters, which is what the csv crate makes of quote-free text, at memchr speed.
/// Positions are the csv crate's too (just past the previous record's first terminator
/// byte), so a problem names the same line whichever reader read its row.
pub struct PlainRecords<R> {
    source: R,
    buf: Vec<u8>,
    /// Unread bytes are `buf[start..end]`.
    start: usize,
    end: usize,
    eof: bool,
    delimiter: u8,
    /// Offset of `buf[start]` in the range, and the newlines before it.
    byte: u64,
    newlines: u64,
    /// The position the next record gets.
    next: csv::Position,
}

impl<R: Read> PlainRecords<R> {
    pub fn new(source: R, delimiter: u8) -> Self {
        PlainRecords {
            source,
            buf: vec![0; 256 * 1024],
            start: 0,
            end: 0,
            eof: false,
            delimiter,
            byte: 0,
            newlines: 0,
            next: csv::Position::new(),
        }
    }

    /// Reads the next record into `record`; false at the end of the range.
    pub fn read(&mut self, record: &mut csv::ByteRecord) -> io::Result<bool> {
        loop {
            let unread = &self.buf[self.start..self.end];
            let Some(len) = memchr::memchr2(b'\n', b'\r', unread) else {
                if self.eof {
                    return Ok(self.take(self.end - self.start, 0, record));
                }
                self.refill()?;
                continue;
            };
            if len > 0 {
                return Ok(self.take(len, 1, record));
            }
            self.advance(1);
        }
    }

    /// Moves the record of `len` bytes (and its terminator) from the buffer into `record`.
    fn take(&mut self, len: usize, terminator: usize, record: &mut csv::ByteRecord) -> bool {
        if len == 0 {
            return false;
        }
        let line = &self.buf[self.start..self.start + len];
        record.clear();
        let mut from = 0;
        for cut in memchr::memchr_iter(self.delimiter, line) {
            record.push_field(&line[from..cut]);
            from = cut + 1;
        }
        record.push_field(&line[from..]);
        record.set_position(Some(self.next.clone()));
        self.advance(len + terminator);
        self.next.set_byte(self.byte).set_line(self.newlines + 1);
        true
    }

    fn advance(&mut self, n: usize) {
        if self.buf[self.start..self.start + n].last() == Some(&b'\n') {
            self.newlines += 1;
        }
        self.start += n;
        self.byte += n as u64;
    }

    /// Keeps the unread bytes, growing the buffer when one record fills it, and reads more.
    fn refill(&mut self) -> io::Result<()> {
        self.buf.copy_within(self.start..self.end, 0);
        self.end -= self.start;
        self.start = 0;
        if self.end == self.buf.len() {
            self.buf.resize(self.buf.len() * 2, 0);
        }
        let n = self.source.read(&mut self.buf[self.end..])?;
        self.end += n;
        self.eof = n == 0;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    type Records = Vec<(Vec<Vec<u8>>, u64, u64)>;

    fn fields_at(record: &csv::ByteRecord) -> (Vec<Vec<u8>>, u64, u64) {
        let position = record.position().unwrap();
        let fields = record.iter().map(<[u8]>::to_vec).collect();
        (fields, position.line(), position.byte())
    }

    /// The fields and (line, byte) positions the csv crate reads from `text`.
    fn by_csv(text: &[u8]) -> Records {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text);
        let mut record = csv::ByteRecord::new();
        let mut out = Vec::new();
        while reader.read_byte_record(&mut record).unwrap() {
            out.push(fields_at(&record));
        }
        out
    }

    /// What `PlainRecords` reads from `text` through a buffer this small.
    fn by_plain(text: &[u8], buffer: usize) -> Records {
        let mut plain = PlainRecords::new(text, b',');
        plain.buf = vec![0; buffer];
        let mut record = csv::ByteRecord::new();
        let mut out = Vec::new();
        while plain.read(&mut record).unwrap() {
            out.push(fields_at(&record));
        }
        out
    }

    #[test]
    fn plain_records_read_what_the_csv_crate_reads_at_its_positions() {
        let texts: [&[u8]; 5] = [
            b"a,b,c\n\n1,,3\n,,\nlast,row",
            b"a,b,c\r\n1,2\r\n\r\nx,y,z\r\n",
            b"a\rb,c\r\r\nd\n",
            b"\n\nfirst\n\n\n",
            b"",
        ];
        for text in texts {
            for buffer in [1, 2, 3, 7, 64] {
                assert_eq!(
                    by_plain(text, buffer),
                    by_csv(text),
                    "{text:?}, buffer {buffer}"
                );
            }
        }
    }

    #[test]
    fn ranges_cover_the_data_and_end_on_newlines() {
        let mut tmp = tempfile::tempfile().unwrap();
        let header = b"a,b\n";
        tmp.write_all(header).unwrap();
        for i in 0..1000 {
            writeln!(tmp, "{i},{}", "x".repeat(i % 37)).unwrap();
        }
        let len = tmp.metadata().unwrap().len();
        let ranges = split_at_newlines(&mut tmp, header.len() as u64, len, 7).unwrap();
        assert_eq!(ranges.len(), 7);
        assert_eq!(ranges[0].0, header.len() as u64);
        assert_eq!(ranges.last().unwrap().1, len);
        let mut all = Vec::new();
        tmp.seek(SeekFrom::Start(0)).unwrap();
        tmp.read_to_end(&mut all).unwrap();
        for pair in ranges.windows(2) {
            assert_eq!(pair[0].1, pair[1].0);
            assert_eq!(all[pair[0].1 as usize - 1], b'\n');
        }
    }
}
