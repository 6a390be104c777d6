//! The physical line of a record the csv crate read, told from its byte position.
//!
//! The csv crate counts lines itself, but a record's position is where its reading began,
//! which after a blank line (or the `\n` of a CRLF pair) is the line before the record
//! (rust-csv issue #208). So the bytes it reads pass through [`Counting`], which notes where
//! the line terminators lie in the last few megabytes, enough to count the lines before any
//! record the csv reader still holds.

use crate::input::quotes::QuoteWatch;
use std::collections::VecDeque;
use std::io::{self, Read};
use std::sync::{Arc, Mutex};

/// How many of the latest bytes keep their terminators' places (a record must start within
/// them to be told its line; the csv reader's buffer is a small part of this).
const KEPT_BYTES: u64 = 2 << 20;

/// Marks a terminator that is `\n` (the rest are `\r`).
const NEWLINE: u32 = 1 << 31;

/// Where the line terminators are in the bytes a [`Counting`] reader has passed on.
#[derive(Debug, Clone, Default)]
pub struct LineIndex(Arc<Mutex<Index>>);

#[derive(Debug, Default)]
struct Index {
    chunks: VecDeque<Chunk>,
    /// Bytes passed on, and `\n`s among them.
    bytes: u64,
    newlines: u64,
    /// The quoting state of the bytes passed on, when watched.
    watch: Option<QuoteWatch>,
}

/// One read's worth of bytes: where it starts, the `\n`s before it, and its terminators'
/// offsets in it (`| NEWLINE` for `\n`).
#[derive(Debug)]
struct Chunk {
    start: u64,
    newlines_before: u64,
    len: u64,
    terminators: Vec<u32>,
    /// When some terminators are `\r`: the `\n`s among the first `i` terminators, at `i`
    /// (without a `\r` every terminator is one), so a record's line is found without counting.
    newlines_upto: Option<Vec<u32>>,
}

impl Chunk {
    /// The `\n`s among the first `at` terminators.
    fn newlines_in_first(&self, at: usize) -> u64 {
        match &self.newlines_upto {
            None => at as u64,
            Some(upto) => u64::from(upto[at]),
        }
    }
}

impl LineIndex {
    /// The line (from 1) of the first byte at or after `byte` that is not `\r` or `\n`: where
    /// a record the csv reader says begins at `byte` really begins. `None` when `byte` lies
    /// before the bytes kept.
    pub fn line_at(&self, byte: u64) -> Option<u64> {
        let index = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let first = index.chunk_of(byte)?;
        let chunk = &index.chunks[first];
        let offset = (byte - chunk.start) as u32;
        let at = chunk
            .terminators
            .partition_point(|&t| t & !NEWLINE < offset);
        let before = chunk.newlines_in_first(at);
        let mut line = chunk.newlines_before + before + 1;
        // Step over the terminators that stand right at `byte`, into later chunks if need be.
        let mut expected = byte;
        'chunks: for chunk in index.chunks.range(first..) {
            let from = if chunk.start <= byte { at } else { 0 };
            for &t in &chunk.terminators[from..] {
                if chunk.start + u64::from(t & !NEWLINE) != expected {
                    break 'chunks;
                }
                line += u64::from(t & NEWLINE != 0);
                expected += 1;
            }
            if expected != chunk.start + chunk.len {
                break;
            }
        }
        Some(line)
    }
}

impl LineIndex {
    fn lock(&self) -> std::sync::MutexGuard<'_, Index> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Counts `lines` lines before the first byte passed on (lines dropped before the reader,
    /// such as Excel's `sep=` line). Only before anything was read.
    pub fn start_after_lines(&self, lines: u64) {
        let mut index = self.lock();
        debug_assert_eq!(index.bytes, 0);
        index.newlines = lines;
    }

    /// The line of a quote opened and never closed in the bytes passed on so far (at the
    /// end of a file: its last field swallowed every line after that quote). `None` when
    /// the quotes were not watched.
    pub fn open_quote_line(&self) -> Option<u64> {
        self.lock().watch.as_ref()?.open_quote_line()
    }

    /// The `\n`s before `byte`; `None` when `byte` lies before the bytes kept.
    pub fn newlines_before(&self, byte: u64) -> Option<u64> {
        let index = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if byte == index.bytes {
            return Some(index.newlines);
        }
        let chunk = &index.chunks[index.chunk_of(byte)?];
        let offset = (byte - chunk.start) as u32;
        let at = chunk
            .terminators
            .partition_point(|&t| t & !NEWLINE < offset);
        Some(chunk.newlines_before + chunk.newlines_in_first(at))
    }
}

fn newlines_in(terminators: &[u32]) -> u64 {
    terminators.iter().filter(|&&t| t & NEWLINE != 0).count() as u64
}

impl Index {
    /// The kept chunk holding `byte`.
    fn chunk_of(&self, byte: u64) -> Option<usize> {
        // A record the csv reader holds is in one of the last reads, mostly: they are looked
        // at first, before a search of them all.
        let holds = |c: &Chunk| c.start <= byte && byte < c.start + c.len;
        let n = self.chunks.len();
        for i in (n.saturating_sub(2)..n).rev() {
            if holds(&self.chunks[i]) {
                return Some(i);
            }
        }
        let i = self.chunks.partition_point(|c| c.start + c.len <= byte);
        let chunk = self.chunks.get(i)?;
        (chunk.start <= byte).then_some(i)
    }

    fn add(&mut self, bytes: &[u8]) {
        let terminators: Vec<u32> = memchr::memchr2_iter(b'\n', b'\r', bytes)
            .map(|i| i as u32 | if bytes[i] == b'\n' { NEWLINE } else { 0 })
            .collect();
        let newlines = newlines_in(&terminators);
        let newlines_upto = (newlines != terminators.len() as u64).then(|| {
            let mut upto = Vec::with_capacity(terminators.len() + 1);
            let mut count = 0u32;
            upto.push(0);
            for &t in &terminators {
                count += u32::from(t & NEWLINE != 0);
                upto.push(count);
            }
            upto
        });
        self.chunks.push_back(Chunk {
            start: self.bytes,
            newlines_before: self.newlines,
            len: bytes.len() as u64,
            terminators,
            newlines_upto,
        });
        self.bytes += bytes.len() as u64;
        self.newlines += newlines;
        while self
            .chunks
            .front()
            .is_some_and(|c| self.bytes - (c.start + c.len) >= KEPT_BYTES)
        {
            self.chunks.pop_front();
        }
    }
}

/// The line a record whose fields hold line breaks ends on (a quoted field running over
/// several lines, or a stray quote that joined them), `first` giving the line it starts on;
/// `None` for a record on one line.
pub fn last_line(fields: &[u8], first: impl FnOnce() -> u64) -> Option<u64> {
    let breaks = memchr::memchr_iter(b'\n', fields).count() as u64;
    (breaks > 0).then(|| first() + breaks)
}

/// Passes bytes on, noting their terminators in a [`LineIndex`].
pub struct Counting<R> {
    inner: R,
    index: LineIndex,
}

impl<R: Read> Counting<R> {
    pub fn new(inner: R) -> (Counting<R>, LineIndex) {
        let index = LineIndex::default();
        let reader = Counting {
            inner,
            index: index.clone(),
        };
        (reader, index)
    }

    /// Also follows the quotes of CSV text with `delimiter`, failing a read once a record
    /// grows past `max_record` bytes (see [`LineIndex::open_quote_line`]).
    pub fn watching(inner: R, delimiter: u8, max_record: u64) -> (Counting<R>, LineIndex) {
        let (reader, index) = Counting::new(inner);
        index.lock().watch = Some(QuoteWatch::new(delimiter, max_record));
        (reader, index)
    }
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n > 0 {
            let mut index = self.index.lock();
            let newlines_before = index.newlines;
            index.add(&buf[..n]);
            if let Some(watch) = &mut index.watch {
                watch
                    .feed(&buf[..n], newlines_before)
                    .map_err(io::Error::other)?;
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lines the csv crate's records really start on, through reads of `chunk` bytes.
    fn lines(text: &[u8], chunk: usize) -> Vec<u64> {
        let (counting, index) = Counting::new(ChunkedReader { text, chunk });
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(counting);
        let mut record = csv::ByteRecord::new();
        let mut lines = Vec::new();
        while reader.read_byte_record(&mut record).unwrap() {
            let byte = record.position().unwrap().byte();
            lines.push(index.line_at(byte).unwrap());
        }
        lines
    }

    struct ChunkedReader<'a> {
        text: &'a [u8],
        chunk: usize,
    }

    impl Read for ChunkedReader<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.chunk.min(buf.len()).min(self.text.len());
            buf[..n].copy_from_slice(&self.text[..n]);
            self.text = &self.text[n..];
            Ok(n)
        }
    }

    #[test]
    fn records_get_their_own_line_after_blank_lines_and_crlf() {
        let cases: [(&[u8], &[u64]); 5] = [
            (b"h\n2\n\n4\n\n\n7\n", &[1, 2, 4, 7]),
            (b"h\r\n2\r\n\r\n4\r\n", &[1, 2, 4]),
            (b"\n\nh\n4", &[3, 4]),
            (b"h\n\"a\nb\"\n4\n\n6", &[1, 2, 4, 6]),
            (b"h\r\r\n3\r4\n", &[1, 2, 2]),
        ];
        for (text, expected) in cases {
            for chunk in [1, 2, 3, 5, 64] {
                assert_eq!(lines(text, chunk), expected, "{text:?} in reads of {chunk}");
            }
        }
    }

    #[test]
    fn a_position_before_the_kept_bytes_has_no_line() {
        let (mut counting, index) = Counting::new(io::repeat(b'\n').take(KEPT_BYTES * 3));
        io::copy(&mut counting, &mut io::sink()).unwrap();
        assert_eq!(index.line_at(0), None);
        assert_eq!(index.line_at(KEPT_BYTES), None);
        // The last byte is a newline: what follows it would be on the line after.
        assert_eq!(index.line_at(KEPT_BYTES * 3 - 1), Some(KEPT_BYTES * 3 + 1));
    }
}
