//! Records of text known to hold no quote character, read without a CSV state machine.
//!
//! A record ends at every `\r` or `\n` (empty ones skipped) and its fields lie between
//! delimiters, which is what the csv crate makes of quote-free text. The bytes are classified
//! sixteen at a time and fields handed out in place, so a row costs a few instructions per
//! field and no copy. Reading stops before the first record holding a quote character: the
//! caller goes on with the csv crate from there, or re-reads a split file on one thread.

use crate::input::fields::Fields;
use crate::input::quotes::RecordTooLong;
use std::io::{self, Read};

/// Reads quote-free records from `source`, each with the line it starts on (counted from the
/// source's first byte, blank lines included).
pub struct PlainRecords<R> {
    source: R,
    buf: Vec<u8>,
    /// Unread bytes are `buf[start..end]`.
    start: usize,
    end: usize,
    eof: bool,
    classes: ByteClasses,
    /// Newlines before `buf[start]`.
    newlines: u64,
    /// Field bounds of the record last read, relative to its first byte.
    bounds: Vec<(usize, usize)>,
    quote_seen: bool,
    /// Largest record allowed, in bytes.
    max_record: usize,
}

impl<R: Read> PlainRecords<R> {
    pub fn new(source: R, delimiter: u8) -> Self {
        PlainRecords {
            source,
            buf: vec![0; 256 * 1024],
            start: 0,
            end: 0,
            eof: false,
            classes: ByteClasses::new(delimiter),
            newlines: 0,
            bounds: Vec::new(),
            quote_seen: false,
            max_record: usize::MAX,
        }
    }

    /// Fails a read once a record grows past `max_record` bytes without ending.
    pub fn with_limit(mut self, max_record: u64) -> Self {
        self.max_record = usize::try_from(max_record).unwrap_or(usize::MAX);
        self
    }

    /// The next record, or `None` at the end of the source or before the first record that
    /// holds a quote character (see [`PlainRecords::quote_seen`] and [`PlainRecords::into_rest`]).
    pub fn read(&mut self) -> io::Result<Option<Fields<'_>>> {
        loop {
            self.skip_terminators();
            if self.start == self.end {
                if self.eof {
                    return Ok(None);
                }
                self.refill()?;
                continue;
            }
            let unread = &self.buf[self.start..self.end];
            let found = split_record(unread, &self.classes, &mut self.bounds);
            if found.quote {
                self.quote_seen = true;
                return Ok(None);
            }
            match found.terminator {
                Some(len) => return Ok(Some(self.take(len, 1))),
                None if self.eof => return Ok(Some(self.take(self.end - self.start, 0))),
                None => self.refill()?,
            }
        }
    }

    /// True when reading stopped before a record holding a quote character, which only a CSV
    /// reader can read right (a quoted field may hold delimiters and newlines).
    pub fn quote_seen(&self) -> bool {
        self.quote_seen
    }

    /// The source from the first record not read on: for a CSV reader to go on with after a
    /// quote, as if it had read the records before (they held no quote, so it reads them alike).
    pub fn into_rest(self) -> impl Read {
        io::Cursor::new(self.buf[self.start..self.end].to_vec()).chain(self.source)
    }

    /// Newlines read so far (all of them, once `read` has returned `None`).
    pub fn newlines(&self) -> u64 {
        self.newlines
    }

    /// Hands out the record of `len` bytes just split, and steps past it and its terminator.
    fn take(&mut self, len: usize, terminator: usize) -> Fields<'_> {
        let first = self.start;
        let line = self.newlines + 1;
        self.advance(len + terminator);
        Fields::new(&self.buf[first..first + len], &self.bounds, line)
    }

    /// Steps over the empty records between two terminators.
    fn skip_terminators(&mut self) {
        while self.start < self.end && matches!(self.buf[self.start], b'\n' | b'\r') {
            self.advance(1);
        }
    }

    fn advance(&mut self, n: usize) {
        if self.buf[self.start..self.start + n].last() == Some(&b'\n') {
            self.newlines += 1;
        }
        self.start += n;
    }

    /// Keeps the unread bytes, growing the buffer when one record fills it, and reads more.
    fn refill(&mut self) -> io::Result<()> {
        self.buf.copy_within(self.start..self.end, 0);
        self.end -= self.start;
        self.start = 0;
        if self.end == self.buf.len() {
            if self.end > self.max_record {
                return Err(io::Error::other(RecordTooLong {
                    line: self.newlines + 1,
                    open_quote_line: None,
                    limit: self.max_record as u64,
                }));
            }
            self.buf.resize(self.buf.len() * 2, 0);
        }
        let n = self.source.read(&mut self.buf[self.end..])?;
        self.end += n;
        self.eof = n == 0;
        Ok(())
    }
}

/// What [`split_record`] found.
struct Split {
    /// The record's length when its terminator was found.
    terminator: Option<usize>,
    quote: bool,
}

/// Splits the record at the start of `text` into `bounds`, up to its first `\r` or `\n`
/// (or the end of `text` when it has none).
#[inline]
fn split_record(text: &[u8], classes: &ByteClasses, bounds: &mut Vec<(usize, usize)>) -> Split {
    bounds.clear();
    let mut quote = false;
    let mut field_start = 0;
    let mut base = 0;
    let mut blocks = text.chunks_exact(16);
    for block in &mut blocks {
        let mut mask = classes.special(block.try_into().expect("16 bytes"));
        while mask != 0 {
            let at = base + mask.trailing_zeros() as usize;
            mask &= mask - 1;
            match text[at] {
                b'\n' | b'\r' => {
                    bounds.push((field_start, at));
                    return Split {
                        terminator: Some(at),
                        quote,
                    };
                }
                b'"' => quote = true,
                _ => {
                    bounds.push((field_start, at));
                    field_start = at + 1;
                }
            }
        }
        base += 16;
    }
    for (offset, &b) in blocks.remainder().iter().enumerate() {
        let at = base + offset;
        if b == b'\n' || b == b'\r' {
            bounds.push((field_start, at));
            return Split {
                terminator: Some(at),
                quote,
            };
        } else if b == b'"' {
            quote = true;
        } else if b == classes.delimiter {
            bounds.push((field_start, at));
            field_start = at + 1;
        }
    }
    bounds.push((field_start, text.len()));
    Split {
        terminator: None,
        quote,
    }
}

/// Finds the bytes that matter to a quote-free record: the delimiter, `\r`, `\n` and `"`.
struct ByteClasses {
    delimiter: u8,
    #[cfg(target_arch = "x86_64")]
    splats: [std::arch::x86_64::__m128i; 4],
}

impl ByteClasses {
    #[cfg(target_arch = "x86_64")]
    fn new(delimiter: u8) -> Self {
        use std::arch::x86_64::_mm_set1_epi8;
        // SAFETY: SSE2 is part of every x86_64 CPU.
        let splat = |b: u8| unsafe { _mm_set1_epi8(b as i8) };
        ByteClasses {
            delimiter,
            splats: [splat(delimiter), splat(b'\n'), splat(b'\r'), splat(b'"')],
        }
    }

    #[cfg(not(target_arch = "x86_64"))]
    fn new(delimiter: u8) -> Self {
        ByteClasses { delimiter }
    }

    /// One bit per byte of `block` that is special, lowest bit first.
    #[cfg(target_arch = "x86_64")]
    #[inline]
    fn special(&self, block: &[u8; 16]) -> u32 {
        use std::arch::x86_64::*;
        let [d, n, r, q] = self.splats;
        // SAFETY: SSE2 is part of every x86_64 CPU, and the unaligned load reads exactly
        // the sixteen bytes of `block`.
        unsafe {
            let bytes = _mm_loadu_si128(block.as_ptr().cast());
            let any = _mm_or_si128(
                _mm_or_si128(_mm_cmpeq_epi8(bytes, d), _mm_cmpeq_epi8(bytes, n)),
                _mm_or_si128(_mm_cmpeq_epi8(bytes, r), _mm_cmpeq_epi8(bytes, q)),
            );
            _mm_movemask_epi8(any) as u32
        }
    }

    #[cfg(not(target_arch = "x86_64"))]
    #[inline]
    fn special(&self, block: &[u8; 16]) -> u32 {
        self.special_bytewise(block)
    }

    /// What [`ByteClasses::special`] computes, a byte at a time (other CPUs use it; tests
    /// hold the SSE2 version to it).
    #[cfg_attr(target_arch = "x86_64", allow(dead_code))]
    fn special_bytewise(&self, block: &[u8; 16]) -> u32 {
        block.iter().enumerate().fold(0, |mask, (i, &b)| {
            let hit = matches!(b, b'\n' | b'\r' | b'"') || b == self.delimiter;
            mask | u32::from(hit) << i
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::lines::Counting;

    type Records = Vec<(Vec<Vec<u8>>, u64)>;

    /// The fields the csv crate reads from `text`, and the lines they start on.
    fn by_csv(text: &[u8]) -> Records {
        let (counting, lines) = Counting::new(text);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .quoting(false)
            .from_reader(counting);
        let mut record = csv::ByteRecord::new();
        let mut out = Vec::new();
        while reader.read_byte_record(&mut record).unwrap() {
            let mut bounds = Vec::new();
            let fields = Fields::of_record(&record, &mut bounds, &lines);
            out.push((fields.iter().map(<[u8]>::to_vec).collect(), fields.line()));
        }
        out
    }

    /// What `PlainRecords` reads from `text` through a buffer this small.
    fn by_plain(text: &[u8], buffer: usize) -> (Records, u64) {
        let mut plain = PlainRecords::new(text, b',');
        plain.buf = vec![0; buffer];
        let mut out = Vec::new();
        while let Some(fields) = plain.read().unwrap() {
            out.push((fields.iter().map(<[u8]>::to_vec).collect(), fields.line()));
        }
        (out, plain.newlines())
    }

    #[test]
    fn plain_records_read_what_the_csv_crate_reads_on_the_same_lines() {
        let long = format!("{},x,{}\n,,\n", "a".repeat(40), "b,".repeat(30));
        let texts: [&[u8]; 7] = [
            b"a,b,c\n\n1,,3\n,,\nlast,row",
            b"a,b,c\r\n1,2\r\n\r\nx,y,z\r\n",
            b"a\rb,c\r\r\nd\n",
            b"\n\nfirst\n\n\n",
            b"",
            b"AST-07653,deborah.williams@example.com,SDR,view,2024-11-01T00:02:22Z\n",
            long.as_bytes(),
        ];
        for text in texts {
            let newlines = text.iter().filter(|&&b| b == b'\n').count() as u64;
            for buffer in [1, 2, 3, 7, 16, 17, 64, 4096] {
                assert_eq!(
                    by_plain(text, buffer),
                    (by_csv(text), newlines),
                    "{text:?}, buffer {buffer}"
                );
            }
        }
    }

    #[test]
    fn a_quote_anywhere_is_noted() {
        for text in [
            &b"a,b\nc,\"d\n"[..],
            b"a,b\nc,d\n\"",
            b"0123456789abcdef\"x\n",
        ] {
            let mut plain = PlainRecords::new(text, b',');
            while plain.read().unwrap().is_some() {}
            assert!(plain.quote_seen(), "{text:?}");
        }
        let mut plain = PlainRecords::new(&b"a,b\nc,d\n"[..], b',');
        while plain.read().unwrap().is_some() {}
        assert!(!plain.quote_seen());
    }

    #[test]
    fn a_csv_reader_goes_on_from_the_quoted_record() {
        let text = b"a,b\r\nc,d\r\n\r\n\"e,1\",\"f\ng\"\r\nh,i\r\n";
        let mut plain = PlainRecords::new(&text[..], b',');
        plain.buf = vec![0; 5];
        let mut read = Vec::new();
        while let Some(fields) = plain.read().unwrap() {
            read.push(fields.iter().map(<[u8]>::to_vec).collect::<Vec<_>>());
        }
        assert!(plain.quote_seen());
        assert_eq!(plain.newlines(), 3);
        let mut rest = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(plain.into_rest());
        for record in rest.byte_records() {
            read.push(record.unwrap().iter().map(<[u8]>::to_vec).collect());
        }
        let whole: Vec<Vec<Vec<u8>>> = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(&text[..])
            .byte_records()
            .map(|r| r.unwrap().iter().map(<[u8]>::to_vec).collect())
            .collect();
        assert_eq!(read, whole);
    }

    #[test]
    fn the_simd_classes_are_the_bytewise_ones() {
        let mut state = 1u64;
        for delimiter in [b',', b';', b'\t', b'|', 0xFF] {
            let classes = ByteClasses::new(delimiter);
            for _ in 0..2_000 {
                let mut block = [0u8; 16];
                for byte in &mut block {
                    state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                    // Mostly the bytes that matter, so that every mix turns up.
                    *byte = [b',', b';', b'\t', b'|', b'\n', b'\r', b'"', b'a', 0xFF, 0]
                        [(state >> 60) as usize % 10];
                }
                assert_eq!(classes.special(&block), classes.special_bytewise(&block));
            }
        }
    }

    #[test]
    fn every_delimiter_position_in_a_block_splits() {
        for len in 0..40 {
            let mut text = vec![b'x'; len];
            text.extend_from_slice(b";y;");
            text.extend(std::iter::repeat_n(b'z', 40 - len));
            let mut bounds = Vec::new();
            let split = split_record(&text, &ByteClasses::new(b';'), &mut bounds);
            assert_eq!(split.terminator, None);
            assert_eq!(
                bounds,
                [(0, len), (len + 1, len + 2), (len + 3, text.len())]
            );
        }
    }
}
